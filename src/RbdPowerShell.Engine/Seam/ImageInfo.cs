namespace RbdPowerShell.Engine;

/// <summary>rbd image features (librbd's RBD_FEATURE_* bits).</summary>
[Flags]
public enum RbdFeatures : ulong
{
    None = 0,
    Layering = 1,
    Striping = 2,
    ExclusiveLock = 4,
    ObjectMap = 8,
    FastDiff = 16,
    DeepFlatten = 32,
    Journaling = 64,
    DataPool = 128,
    Operations = 256,
    Migrating = 512,
    NonPrimary = 1024,

    /// <summary>What `rbd create` gives on Ceph 16.2 with default settings (61).</summary>
    Default = Layering | ExclusiveLock | ObjectMap | FastDiff | DeepFlatten,
}

/// <summary>The parent of a clone: a snapshot of another image.</summary>
public sealed record ParentSpec(string Pool, string Image, string Snapshot, ulong SnapshotId, string ImageId)
{
    public override string ToString() => $"{Pool}/{Image}@{Snapshot}";
}

/// <summary>What rbd info / rbd_stat report about an image (or one of its snapshots when opened at one).</summary>
public sealed record ImageInfo(
    string Pool,
    string Name,
    string Id,
    ulong Size,
    int Order,
    RbdFeatures Features,
    DateTime CreateTimestamp,
    ParentSpec? Parent,
    ulong Overlap,
    string? Snapshot)
{
    public ulong ObjectSize => 1UL << Order;
    public ulong Objects => (Size + ObjectSize - 1) >> Order;
    public string BlockNamePrefix => "rbd_data." + Id;
    public int Format => 2;
}

/// <summary>One row of `rbd snap ls`.</summary>
public sealed record SnapshotInfo(ulong Id, string Name, ulong Size, bool Protected, DateTime Timestamp);

/// <summary>Options of `rbd create` / `rbd clone`.</summary>
public sealed record ImageOptions
{
    public int? Order { get; init; }
    public RbdFeatures? Features { get; init; }

    public static readonly ImageOptions Default = new();
}

/// <summary>An image that was cloned from a snapshot (`rbd children`); <see cref="TrashId"/> is its id when it is in the trash.</summary>
public sealed record ChildSpec(string Pool, string Image)
{
    public string? TrashId { get; init; }

    public override string ToString() => $"{Pool}/{Image}";
}

/// <summary>Reports progress of long operations, like librbd's ProgressContext (done, total).</summary>
public delegate void ProgressHandler(ulong done, ulong total);
