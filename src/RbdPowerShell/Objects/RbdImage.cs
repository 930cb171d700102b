using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>An image (rbd info), or an image as of one of its snapshots when <see cref="Snapshot"/> is set.</summary>
public sealed class RbdImage
{
    internal RbdImage(ImageInfo info, int snapshots, bool? isProtected, RbdCluster cluster)
    {
        Pool = info.Pool;
        Name = info.Name;
        Snapshot = info.Snapshot;
        Id = info.Id;
        Size = info.Size;
        Order = info.Order;
        ObjectSize = info.ObjectSize;
        Objects = info.Objects;
        BlockNamePrefix = info.BlockNamePrefix;
        Format = info.Format;
        Features = FeatureNames.Of(info.Features);
        CreateTimestamp = info.CreateTimestamp;
        Parent = info.Parent is null ? null : new RbdParentSpec(info.Parent, cluster);
        Overlap = info.Parent is null ? null : info.Overlap;
        Snapshots = snapshots;
        Protected = isProtected;
        Cluster = cluster;
    }

    public string Pool { get; }
    public string Name { get; }
    /// <summary>The snapshot this view shows, or null for the image itself.</summary>
    public string? Snapshot { get; }
    /// <summary>pool/image, or pool/image@snap for a snapshot view.</summary>
    public string Spec => Snapshot is null ? $"{Pool}/{Name}" : $"{Pool}/{Name}@{Snapshot}";
    public string Id { get; }
    public ulong Size { get; }
    public int Order { get; }
    public ulong ObjectSize { get; }
    public ulong Objects { get; }
    public string BlockNamePrefix { get; }
    public int Format { get; }
    /// <summary>rbd feature names: layering, exclusive-lock, object-map, fast-diff, deep-flatten.</summary>
    public string[] Features { get; }
    public DateTime CreateTimestamp { get; }
    /// <summary>The parent snapshot of a clone (renders as pool/image@snap), or null.</summary>
    public RbdParentSpec? Parent { get; }
    /// <summary>How much of the parent the clone still sees; null without a parent.</summary>
    public ulong? Overlap { get; }
    /// <summary>How many snapshots the image has.</summary>
    public int Snapshots { get; }
    /// <summary>Whether the snapshot of a snapshot view is protected; null for the image itself.</summary>
    public bool? Protected { get; }
    public RbdCluster Cluster { get; }

    // The table view's columns, computed here rather than by script blocks in the view: a 10,000-image listing
    // rendered 50,000 script blocks (a second and more). Hidden: Get-Member and Format-List * do not show them.
    [Hidden] public string SizeColumn => SizeParser.Format(Size);
    [Hidden] public string ProtectedColumn => Protected == true ? "yes" : "";
    [Hidden] public string LockColumn => "";
    [Hidden] public string NameColumn => Snapshot is null ? Name : $"{Name}@{Snapshot}";
    [Hidden] public string ParentColumn => Parent?.ToString() ?? "";

    public override string ToString() => Spec;
}
