using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>A snapshot of an image (one row of rbd snap ls).</summary>
public sealed class RbdSnapshot
{
    internal RbdSnapshot(string pool, string image, SnapshotInfo info, RbdCluster cluster)
    {
        Pool = pool;
        Image = image;
        Name = info.Name;
        Id = info.Id;
        Size = info.Size;
        Protected = info.Protected;
        Timestamp = info.Timestamp;
        Cluster = cluster;
    }

    public string Pool { get; }
    public string Image { get; }
    public string Name { get; }
    /// <summary>pool/image@snap.</summary>
    public string Spec => $"{Pool}/{Image}@{Name}";
    public ulong Id { get; }
    public ulong Size { get; }
    public bool Protected { get; }
    public DateTime Timestamp { get; }
    public RbdCluster Cluster { get; }

    public override string ToString() => Spec;
}
