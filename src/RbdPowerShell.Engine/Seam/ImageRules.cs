namespace RbdPowerShell.Engine;

/// <summary>The limits both backends apply before calling their store, where librbd answers differently (EDOM, clipping).</summary>
public static class ImageRules
{
    public const int MinOrder = 12, MaxOrder = 25;

    /// <summary>
    /// The largest image: 8 EiB. rbd 16.2 refuses anything larger as a --size, and sizes, offsets and object
    /// numbers past 2^63 wrap (a 2^64-1 byte image would have 0 objects).
    /// </summary>
    public const ulong MaxSize = 1UL << 63;

    /// <summary>cls::rbd::MAX_OBJECT_MAP_OBJECT_COUNT: librbd refuses (EINVAL) a size needing more objects with object-map.</summary>
    public const ulong MaxObjectMapObjects = 256_000_000;

    public static int CheckOrder(int order, string target) =>
        order is >= MinOrder and <= MaxOrder ? order : throw Refusals.InvalidObjectSize(target, order);

    /// <summary>
    /// librbd's size checks of create and resize (CreateRequest::validate_layout, Operations::resize):
    /// at most <see cref="MaxSize"/>, and with object-map at most <see cref="MaxObjectMapObjects"/> objects.
    /// </summary>
    public static ulong CheckSize(ulong size, int order, RbdFeatures features, string target)
    {
        if (size > MaxSize) throw Refusals.SizeTooLarge(target, size, MaxSize, "the largest image size");
        ulong objects = (size >> order) + ((size & ((1UL << order) - 1)) == 0 ? 0UL : 1UL);
        if ((features & RbdFeatures.ObjectMap) != 0 && objects > MaxObjectMapObjects)
            throw Refusals.SizeTooLarge(target, size, MaxObjectMapObjects << order,
                $"the largest size with object-map at {SizeParser.Format(1UL << order)} objects ({MaxObjectMapObjects} objects)");
        return size;
    }
}
