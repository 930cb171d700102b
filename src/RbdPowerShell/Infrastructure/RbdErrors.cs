using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Turns engine refusals and the cmdlets' own checks into ErrorRecords with stable ErrorIds.</summary>
internal static class RbdErrors
{
    /// <summary>
    /// ErrorIds that mean the call cannot work at all (malformed input, a disconnected cluster): these terminate
    /// the command.
    /// </summary>
    private static readonly HashSet<string> InputErrorIds = new(StringComparer.Ordinal)
    {
        "InvalidSpec", "InvalidName", "InvalidSize", "ClusterDisconnected",
    };

    /// <summary>The categories of ErrorIds that say more than their errno (the Ceph connection's refusals).</summary>
    private static readonly Dictionary<string, ErrorCategory> CategoryByErrorId = new(StringComparer.Ordinal)
    {
        ["CephLibraryMissing"] = ErrorCategory.NotInstalled,
        ["CephConfigUnreadable"] = ErrorCategory.ReadError,
        ["CephConnectTimeout"] = ErrorCategory.OperationTimeout,
        ["CephAuthenticationFailed"] = ErrorCategory.AuthenticationError,
        ["GraphvizNotFound"] = ErrorCategory.NotInstalled,
        ["DiffSpoolFailed"] = ErrorCategory.WriteError,
    };

    public static bool IsInputError(RbdException ex) => InputErrorIds.Contains(ex.ErrorId);

    public static ErrorCategory Category(RbdException ex) =>
        CategoryByErrorId.TryGetValue(ex.ErrorId, out var category) ? category : Category(ex.Errno);

    public static ErrorCategory Category(RbdErrno errno) => errno switch
    {
        RbdErrno.ENOENT => ErrorCategory.ObjectNotFound,
        RbdErrno.EEXIST => ErrorCategory.ResourceExists,
        RbdErrno.EBUSY => ErrorCategory.ResourceBusy,
        RbdErrno.ENOTEMPTY => ErrorCategory.InvalidOperation,
        RbdErrno.EINVAL => ErrorCategory.InvalidArgument,
        RbdErrno.EDOM => ErrorCategory.InvalidArgument,
        RbdErrno.EROFS => ErrorCategory.InvalidOperation,
        RbdErrno.EPERM => ErrorCategory.PermissionDenied,
        RbdErrno.EACCES => ErrorCategory.PermissionDenied,
        RbdErrno.ETIMEDOUT => ErrorCategory.OperationTimeout,
        RbdErrno.ECANCELED => ErrorCategory.OperationStopped,
        RbdErrno.ENOTCONN => ErrorCategory.ConnectionError,
        RbdErrno.ESHUTDOWN => ErrorCategory.ConnectionError,
        RbdErrno.EAGAIN => ErrorCategory.ResourceUnavailable,
        RbdErrno.ENOSPC => ErrorCategory.LimitsExceeded,
        RbdErrno.EFBIG => ErrorCategory.LimitsExceeded,
        RbdErrno.ENOSYS => ErrorCategory.NotImplemented,
        _ => ErrorCategory.NotSpecified,
    };

    public static ErrorRecord From(RbdException ex)
    {
        var id = string.IsNullOrEmpty(ex.ErrorId) ? "Rbd" + ex.Errno : ex.ErrorId;
        return new ErrorRecord(ex, id, Category(ex), ex.Target);
    }

    /// <summary>An error raised by a cmdlet itself (not the engine).</summary>
    public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target,
                                     Exception? exception = null) =>
        new(exception ?? new InvalidOperationException(message), errorId, category, target)
        {
            ErrorDetails = exception is null || exception.Message == message ? null : new ErrorDetails(message),
        };

    /// <summary>A refusal in the engine's own terms, so it converts like any other.</summary>
    public static RbdException Refusal(RbdErrno errno, string errorId, string target, string message) =>
        new(errno, target, message) { ErrorId = errorId };

    public static ErrorRecord NoCluster() => Create("NoCluster", ErrorCategory.InvalidOperation,
        "No RBD cluster is connected. Run 'Connect-RbdCluster -Path <store directory>' (or " +
        "'Connect-RbdCluster -ConfigFile <ceph.conf>') first, or pass -Cluster.",
        null);

    /// <summary>A cluster used after Disconnect-RbdCluster closed it (ENOTCONN).</summary>
    public static RbdException Disconnected(RbdCluster cluster) => Refusal(RbdErrno.ENOTCONN, "ClusterDisconnected",
        cluster.Location,
        $"The cluster at '{cluster.Location}' was disconnected (Disconnect-RbdCluster). Connect to it again with " +
        "Connect-RbdCluster and use the RbdCluster that returns.");

    public static ErrorRecord FromIo(Exception ex, string errorId, ErrorCategory category, string target) =>
        new(ex, errorId, category, target);
}
