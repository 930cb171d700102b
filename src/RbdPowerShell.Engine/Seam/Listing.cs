namespace RbdPowerShell.Engine;

/// <summary>
/// Listings on a busy cluster: an image or snapshot listed a moment ago may be gone (ENOENT) when it is opened or
/// read, because another client removed it. That is not an error of the listing; the item is skipped and reported.
/// </summary>
public static class Listing
{
    /// <summary>Whether <paramref name="ex"/> says that something listed before no longer exists.</summary>
    public static bool Vanished(RbdException ex) => ex.Errno == RbdErrno.ENOENT && ex.ErrorId != "PoolNotFound";

    /// <summary>
    /// Runs <paramref name="work"/> for an item of a listing; returns false (after telling <paramref name="skipped"/>)
    /// when it vanished meanwhile.
    /// </summary>
    public static bool Try(string item, Action work, Action<string>? skipped)
    {
        try
        {
            work();
            return true;
        }
        catch (RbdException ex) when (Vanished(ex))
        {
            skipped?.Invoke($"skipped {item}: it was removed after it was listed ({ex.Message})");
            return false;
        }
    }
}
