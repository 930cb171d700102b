namespace RbdPowerShell.Engine;

/// <summary>Who put an image in the trash (librbd's rbd_trash_image_source_t).</summary>
public enum TrashSource { User = 0, Mirroring = 1, Migration = 2, Removing = 3, UserParent = 4 }

/// <summary>One row of `rbd trash ls -l`: the image keeps its id, snapshots and clones' parent link while here.</summary>
public sealed record TrashEntry(string Pool, string Id, string Name, TrashSource Source, DateTime DeletedAt, DateTime DefermentEnd)
{
    /// <summary>Whether it may be removed without force at <paramref name="now"/> (rbd: "expired at").</summary>
    public bool IsExpired(DateTime now) => now >= DefermentEnd;
}
