namespace RbdPowerShell.Engine;

/// <summary>The errno values librbd returns, which the engine reports as-is.</summary>
public enum RbdErrno
{
    EPERM = 1,
    ENOENT = 2,
    EIO = 5,
    EEXIST = 17,
    EXDEV = 18,
    EINVAL = 22,
    EFBIG = 27,
    EROFS = 30,
    ERANGE = 34,
    EBUSY = 16,
    ENOTEMPTY = 39,
    ENOTSUP = 95,
    EMLINK = 31,
    EACCES = 13,
    EAGAIN = 11,
    ENOSPC = 28,
    EDOM = 33,
    ENOSYS = 38,
    ENOTCONN = 107,
    ESHUTDOWN = 108,
    ETIMEDOUT = 110,
    ECANCELED = 125,
}

/// <summary>
/// A refusal with librbd's errno and a message that names the object and says what to do.
/// <see cref="Target"/> is the spec (pool/image@snap) or name the refusal is about.
/// </summary>
public class RbdException : Exception
{
    public RbdException(RbdErrno errno, string target, string message, Exception? inner = null)
        : base(message, inner)
    {
        Errno = errno;
        Target = target;
    }

    public RbdErrno Errno { get; }
    public string Target { get; }

    /// <summary>A stable identifier such as "ImageNotFound" for scripts and ErrorRecords.</summary>
    public string ErrorId { get; init; } = "";

    public static RbdException NotFound(string what, string target) =>
        new(RbdErrno.ENOENT, target, $"{what} '{target}' does not exist.") { ErrorId = what.Replace(" ", "") + "NotFound" };
}
