using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>The parent of a clone: a protected snapshot of another image. Renders as pool/image@snap.</summary>
public sealed class RbdParentSpec
{
    internal RbdParentSpec(ParentSpec parent, RbdCluster cluster)
    {
        Pool = parent.Pool;
        Image = parent.Image;
        Snapshot = parent.Snapshot;
        SnapshotId = parent.SnapshotId;
        ImageId = parent.ImageId;
        Cluster = cluster;
    }

    public string Pool { get; }
    public string Image { get; }
    public string Snapshot { get; }
    public ulong SnapshotId { get; }
    public string ImageId { get; }
    /// <summary>pool/image@snap, so a parent can be piped to Get-RbdChild or Get-RbdSnapshot.</summary>
    public string Spec => $"{Pool}/{Image}@{Snapshot}";
    public RbdCluster Cluster { get; }

    public override string ToString() => Spec;
}
