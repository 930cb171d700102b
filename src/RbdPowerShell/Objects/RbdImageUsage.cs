using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>One row of rbd du: a snapshot (changes since the previous one) or the image head.</summary>
public sealed class RbdImageUsage
{
    internal RbdImageUsage(ImageUsage usage, RbdCluster cluster)
    {
        Pool = usage.Pool;
        Image = usage.Image;
        Snapshot = usage.Snapshot;
        Name = usage.Name;
        Provisioned = usage.Provisioned;
        Used = usage.Used;
        Cluster = cluster;
    }

    public string Pool { get; }
    /// <summary>"image" for the head, "image@snap" for a snapshot.</summary>
    public string Name { get; }
    public string Image { get; }
    /// <summary>The snapshot of this row, or null for the image itself.</summary>
    public string? Snapshot { get; }
    public ulong Provisioned { get; }
    public ulong Used { get; }
    public RbdCluster Cluster { get; }

    public override string ToString() => $"{Pool}/{Name}";
}
