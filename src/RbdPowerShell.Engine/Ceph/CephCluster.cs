namespace RbdPowerShell.Engine.Ceph;

/// <summary>A real Ceph cluster through librados + librbd (P/Invoke), behind the same seam as the embedded store.</summary>
public sealed partial class CephCluster
{
    /// <summary>
    /// Connects (rados_create + conf + keyring + rados_connect within options.Timeout). Refusals, as RbdException:
    /// CephLibraryMissing (librbd1/librados2 not installed), CephConfigUnreadable, CephConnectTimeout (ETIMEDOUT),
    /// CephAuthenticationFailed (EACCES/EPERM), NamespaceNotFound.
    /// </summary>
    public static IRbdCluster Connect(CephConnectOptions options) =>
        throw new NotImplementedException("The librbd backend is being written.");
}
