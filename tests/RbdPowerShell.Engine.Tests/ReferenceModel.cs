namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// The naive reference: every image and snapshot is a full byte array. A clone starts as a copy of its
/// parent snapshot (which never changes), so layering, copy-up and flatten need no modelling at all.
/// </summary>
public sealed class ReferenceModel
{
    public sealed class Image
    {
        public byte[] Data = Array.Empty<byte>();
        public readonly List<(string Name, byte[] Data, bool Protected)> Snaps = new();
        public (string Image, string Snap)? Parent;
    }

    public readonly SortedDictionary<string, Image> Images = new(StringComparer.Ordinal);

    public bool HasChildren(string image, string snap) =>
        Images.Values.Any(i => i.Parent == (image, snap));

    public static byte[] Resized(byte[] data, int size)
    {
        var result = new byte[size];
        Array.Copy(data, result, Math.Min(size, data.Length));
        return result;
    }
}
