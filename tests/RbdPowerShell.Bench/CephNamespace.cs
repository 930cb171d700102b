using RbdPowerShell.Engine;
using RbdPowerShell.Engine.Ceph;

namespace RbdPowerShell.Bench;

/// <summary>
/// The cluster $CEPH_CONF names, seen through an RBD namespace of its own in an existing pool (cheap, and what it
/// leaves is easy to find); Dispose removes every image in it, then the namespace.
/// </summary>
internal sealed class CephNamespace : IDisposable
{
    public const string Pool = "openstack";

    public CephNamespace(string prefix)
    {
        Name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        Cluster = CephCluster.Connect(new CephConnectOptions(Environment.GetEnvironmentVariable("CEPH_CONF")!) { Namespace = Name });
        Cluster.CreatePool(Pool);
    }

    public string Name { get; }
    public IRbdCluster Cluster { get; }

    /// <summary>The rbd tool's pool/namespace.</summary>
    public string PoolSpec => $"{Pool}/{Name}";

    /// <summary>The rbd tool's pool/namespace/image.</summary>
    public string Spec(string image) => $"{Pool}/{Name}/{image}";

    public void Dispose()
    {
        try { Cluster.RemovePool(Pool); }
        finally { Cluster.Dispose(); }
    }
}
