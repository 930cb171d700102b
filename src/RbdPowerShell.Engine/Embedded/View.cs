namespace RbdPowerShell.Engine.Embedded;

/// <summary>An image as seen at its head or at one of its snapshots: size, parent link and visible versions.</summary>
internal sealed record View(ImageRow Image, SnapRow? Snap)
{
    public ulong Size => Snap?.Size ?? Image.Size;
    public long? ParentSnap => Snap is null ? Image.ParentSnap : Snap.ParentSnap;
    public ulong Overlap => ParentSnap is null ? 0 : Snap?.Overlap ?? Image.Overlap;
    /// <summary>Versions with an epoch below this are visible.</summary>
    public long EpochLimit => Snap is null ? long.MaxValue : (long)Snap.SnapId;
    public int Order => Image.Order;
    public ulong ObjectSize => 1UL << Image.Order;
    public string Spec => Snap is null ? $"{Image.Pool}/{Image.Name}" : $"{Image.Pool}/{Image.Name}@{Snap.Name}";

    /// <summary>What rbd info / rbd_stat report about this view; <paramref name="parent"/> is its parent's spec.</summary>
    public ImageInfo Info(ParentSpec? parent) =>
        new(Image.Pool, Image.Name, Image.RbdId, Size, Image.Order, Image.Features, Image.Created, parent, Overlap, Snap?.Name);
}
