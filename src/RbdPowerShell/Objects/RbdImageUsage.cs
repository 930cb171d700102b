using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// One row of rbd du: a snapshot (changes since the previous one) or the image head; or, from
/// Get-RbdImageUsage -Total, rbd du's &lt;TOTAL&gt; row (<see cref="IsTotal"/>).
/// </summary>
public sealed class RbdImageUsage
{
    public const string TotalName = "<TOTAL>";

    internal RbdImageUsage(ImageUsage usage, RbdCluster cluster)
        : this(usage.Pool, usage.Image, usage.Snapshot, usage.Name, usage.Provisioned, usage.Used, cluster)
    {
    }

    private RbdImageUsage(string? pool, string? image, string? snapshot, string name, ulong provisioned, ulong used, RbdCluster? cluster)
    {
        Pool = pool;
        Image = image;
        Snapshot = snapshot;
        Name = name;
        Provisioned = provisioned;
        Used = used;
        Cluster = cluster;
    }

    /// <summary>
    /// rbd du's &lt;TOTAL&gt;: the provisioned size of the images (their heads: a snapshot provisions nothing more)
    /// and the space every row uses. Its pool is the rows' pool when they share one.
    /// </summary>
    internal static RbdImageUsage TotalOf(IReadOnlyCollection<RbdImageUsage> rows, RbdCluster? cluster)
    {
        var pools = rows.Select(r => r.Pool).Distinct().ToList();
        ulong provisioned = 0, used = 0;
        foreach (var row in rows)
        {
            if (row.Snapshot is null) provisioned += row.Provisioned;
            used += row.Used;
        }
        return new RbdImageUsage(pools.Count == 1 ? pools[0] : null, null, null, TotalName, provisioned, used, cluster)
        { IsTotal = true };
    }

    /// <summary>The pool; null on a total of several pools.</summary>
    public string? Pool { get; }
    /// <summary>"image" for the head, "image@snap" for a snapshot, "&lt;TOTAL&gt;" for the total.</summary>
    public string Name { get; }
    /// <summary>The image; null on the total.</summary>
    public string? Image { get; }
    /// <summary>The snapshot of this row, or null for the image itself.</summary>
    public string? Snapshot { get; }
    public ulong Provisioned { get; }
    public ulong Used { get; }
    /// <summary>Whether this is the &lt;TOTAL&gt; row of -Total rather than an image or snapshot.</summary>
    public bool IsTotal { get; private init; }
    public RbdCluster? Cluster { get; }

    public override string ToString() => Pool is null ? Name : $"{Pool}/{Name}";
}
