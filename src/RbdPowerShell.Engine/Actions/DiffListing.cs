using System.Globalization;
using System.Text;

namespace RbdPowerShell.Engine;

/// <summary>One row of rbd diff: an extent that changed, and whether it holds data now (false: it reads as zeros).</summary>
public sealed record DiffExtent(ulong Offset, ulong Length, bool Exists);

/// <summary>rbd diff: the changed extents of an image (or snapshot) since a snapshot or since its creation.</summary>
public static class DiffListing
{
    /// <summary>As rbd does it: the whole image, the parent's data included, one row per diff_iterate2 callback.</summary>
    public static IReadOnlyList<DiffExtent> List(IRbdImage image, string? fromSnapshot, bool wholeObject)
    {
        var extents = new List<DiffExtent>();
        image.DiffIterate(fromSnapshot, 0, image.Stat().Size, includeParent: true, wholeObject,
            (offset, length, exists) => extents.Add(new DiffExtent(offset, length, exists)));
        return extents;
    }

    /// <summary>rbd diff --format json, byte for byte: <c>[{"offset":0,"length":4096,"exists":"true"}]</c>.</summary>
    public static string ToJson(IEnumerable<DiffExtent> extents)
    {
        var json = new StringBuilder("[");
        foreach (var extent in extents)
        {
            if (json.Length > 1) json.Append(',');
            json.Append(CultureInfo.InvariantCulture, $"{{\"offset\":{extent.Offset},\"length\":{extent.Length},\"exists\":\"{(extent.Exists ? "true" : "false")}\"}}");
        }
        return json.Append(']').ToString();
    }
}
