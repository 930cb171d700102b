using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>An image in a pool's trash (one row of rbd trash ls -l); Restore-/Remove-RbdTrash take it from the pipeline.</summary>
public sealed class RbdTrashEntry
{
    internal RbdTrashEntry(TrashEntry entry, RbdCluster cluster)
    {
        Pool = entry.Pool;
        Id = entry.Id;
        Name = entry.Name;
        Source = entry.Source;
        DeletedAt = entry.DeletedAt;
        DefermentEnd = entry.DefermentEnd;
        Cluster = cluster;
    }

    public string Pool { get; }
    /// <summary>The image id: the trash knows images by it (rbd trash restore pool/id).</summary>
    public string Id { get; }
    /// <summary>The name the image had.</summary>
    public string Name { get; }
    public TrashSource Source { get; }
    /// <summary>When it was moved to the trash (UTC).</summary>
    public DateTime DeletedAt { get; }
    /// <summary>Until when it may not be removed without -Force (UTC).</summary>
    public DateTime DefermentEnd { get; }
    /// <summary>Whether Clear-RbdTrash (rbd trash purge) would remove it now.</summary>
    public bool Expired => DateTime.UtcNow >= DefermentEnd;
    /// <summary>rbd's STATUS column: expired, or protected (until <see cref="DefermentEnd"/>).</summary>
    public string Status => Expired ? "expired" : "protected";
    public RbdCluster Cluster { get; }

    /// <summary>pool/id, as rbd trash restore and rbd trash rm take it.</summary>
    public override string ToString() => $"{Pool}/{Id}";
}
