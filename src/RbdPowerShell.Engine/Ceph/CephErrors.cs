namespace RbdPowerShell.Engine.Ceph;

/// <summary>
/// librados/librbd return codes (-errno) to RbdException, in one place. Refusals the embedded store also
/// makes are built by the backend with <see cref="Refusals"/> before or after the call; what is left here
/// are the errors only a real cluster gives (timeouts, permissions, I/O) with stable ErrorIds.
/// </summary>
internal static class CephErrors
{
    /// <summary>Throws for a negative return code; returns it otherwise.</summary>
    public static long Check(long rc, string operation, string target)
    {
        if (rc < 0) throw Error((int)-rc, operation, target);
        return rc;
    }

    public static RbdException Error(int errno, string operation, string target)
    {
        var code = (RbdErrno)errno;
        var (errorId, advice) = code switch
        {
            RbdErrno.ETIMEDOUT => ("CephTimeout", "The cluster did not answer in time: check that its monitors and OSDs are up (ceph -s)."),
            RbdErrno.EACCES or RbdErrno.EPERM => ("CephPermissionDenied", "The client's caps do not allow this: check its keyring and 'ceph auth get'."),
            RbdErrno.EIO => ("CephIOError", "The cluster reported an I/O error: check 'ceph health detail'."),
            RbdErrno.ECANCELED => ("OperationStopped", "The operation was stopped."),
            RbdErrno.ENOSPC => ("CephNoSpace", "The cluster is full: check 'ceph df'."),
            RbdErrno.EDOM => ("InvalidArgument", "librbd refused a value outside its range."),
            RbdErrno.ENOENT => ("NotFound", "It does not exist (any more)."),
            RbdErrno.EEXIST => ("AlreadyExists", "It exists already."),
            RbdErrno.EBUSY => ("ResourceBusy", "It is in use: see Get-RbdChild, its snapshots' protection, and other clients (rbd status)."),
            RbdErrno.EROFS => ("ReadOnly", "It cannot be changed."),
            RbdErrno.ESHUTDOWN or RbdErrno.ENOTCONN => ("ClusterDisconnected", "The connection is closed: run Connect-RbdCluster again."),
            _ => ("Rbd" + (Enum.IsDefined(code) ? code.ToString() : "Errno" + errno), ""),
        };
        return new RbdException(code, target,
            $"{operation} '{target}' failed: {Describe(errno)} (errno {errno}). {advice}".TrimEnd()) { ErrorId = errorId };
    }

    private static string Describe(int errno) => errno switch
    {
        110 => "connection timed out",
        13 => "permission denied",
        1 => "operation not permitted",
        5 => "input/output error",
        125 => "operation canceled",
        28 => "no space left on device",
        33 => "numerical argument out of domain",
        2 => "no such file or directory",
        17 => "file exists",
        16 => "device or resource busy",
        22 => "invalid argument",
        30 => "read-only file system",
        39 => "directory not empty",
        95 => "operation not supported",
        108 => "cannot send after transport endpoint shutdown",
        107 => "transport endpoint is not connected",
        _ => "error",
    };
}
