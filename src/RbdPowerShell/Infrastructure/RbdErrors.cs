using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Turns engine refusals and the cmdlets' own checks into ErrorRecords with stable ErrorIds.</summary>
internal static class RbdErrors
{
    /// <summary>ErrorIds that mean the caller's input is malformed: these terminate the command.</summary>
    private static readonly HashSet<string> InputErrorIds = new(StringComparer.Ordinal)
    {
        "InvalidSpec", "InvalidName", "InvalidSize",
    };

    public static bool IsInputError(RbdException ex) => InputErrorIds.Contains(ex.ErrorId);

    public static ErrorCategory Category(RbdErrno errno) => errno switch
    {
        RbdErrno.ENOENT => ErrorCategory.ObjectNotFound,
        RbdErrno.EEXIST => ErrorCategory.ResourceExists,
        RbdErrno.EBUSY => ErrorCategory.ResourceBusy,
        RbdErrno.ENOTEMPTY => ErrorCategory.InvalidOperation,
        RbdErrno.EINVAL => ErrorCategory.InvalidArgument,
        RbdErrno.EROFS => ErrorCategory.InvalidOperation,
        RbdErrno.EPERM => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.NotSpecified,
    };

    public static ErrorRecord From(RbdException ex)
    {
        var id = string.IsNullOrEmpty(ex.ErrorId) ? "Rbd" + ex.Errno : ex.ErrorId;
        return new ErrorRecord(ex, id, Category(ex.Errno), ex.Target);
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
        "No RBD cluster is connected. Run 'Connect-RbdCluster -Path <store directory>' first, or pass -Cluster.",
        null);

    public static ErrorRecord FromIo(Exception ex, string errorId, ErrorCategory category, string target) =>
        new(ex, errorId, category, target);
}
