namespace RbdPowerShell.Engine;

/// <summary>
/// The banners and record tags of rbd's diff and export-format-2 streams (src/tools/rbd/Utils.h),
/// and the refusals shared by the stream actions.
/// </summary>
internal static class DiffRecords
{
    public static ReadOnlySpan<byte> DiffBannerV1 => "rbd diff v1\n"u8;
    public static ReadOnlySpan<byte> DiffBannerV2 => "rbd diff v2\n"u8;
    public static ReadOnlySpan<byte> ImageBannerV2 => "rbd image v2\n"u8;
    public static ReadOnlySpan<byte> ImageDiffsBannerV2 => "rbd image diffs v2\n"u8;

    // diff records (RBD_DIFF_*, RBD_SNAP_PROTECTION_STATUS)
    public const byte FromSnap = (byte)'f';
    public const byte ToSnap = (byte)'t';
    public const byte ImageSize = (byte)'s';
    public const byte Write = (byte)'w';
    public const byte Zero = (byte)'z';
    public const byte End = (byte)'e';
    public const byte ProtectionStatus = (byte)'p';

    // export format 2 image header records (RBD_EXPORT_IMAGE_*)
    public const byte ImageOrder = (byte)'O';
    public const byte ImageFeatures = (byte)'T';
    public const byte ImageStripeUnit = (byte)'U';
    public const byte ImageStripeCount = (byte)'C';
    public const byte ImageMeta = (byte)'M';
    public const byte ImageEnd = (byte)'E';

    /// <summary>The most data read or written at once: 'w' payloads are streamed in chunks of this size.</summary>
    public const int Chunk = 4 << 20;

    /// <summary>The piece size actually used for reading and writing image data (faster than whole chunks: stays in cache).</summary>
    public const int IoChunk = 1 << 20;

    /// <summary>utils::read_string's limit for snapshot names ("to make sure we don't get a garbage string").</summary>
    public const int MaxNameLength = 4096;

    public static string TagName(byte tag) =>
        tag is >= 0x20 and < 0x7f ? $"'{(char)tag}'" : $"0x{tag:x2}";

    public static RbdException BannerInvalid(string target, string expected) =>
        new(RbdErrno.EINVAL, target,
            $"'{target}' is not {expected}: its banner is wrong. Give a file written by Export-RbdDiff / Export-RbdImage " +
            "-ExportFormat 2 or by rbd export-diff / rbd export --export-format 2.")
        { ErrorId = "DiffBannerInvalid" };

    public static RbdException Corrupt(string target, string detail) =>
        new(RbdErrno.EINVAL, target,
            $"The stream '{target}' is corrupt or truncated: {detail}. Export it again.")
        { ErrorId = "DiffCorrupt" };
}
