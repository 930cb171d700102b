using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>rbd trash through librbd; the refusals are made here first so they read as on the embedded store.</summary>
public sealed partial class CephCluster
{
    public void MoveToTrash(string pool, string image, TimeSpan delay)
    {
        var io = IoCtx(pool);
        int rc = Rbd.rbd_trash_move(io, image, (ulong)Math.Max(0, Math.Ceiling(delay.TotalSeconds)));
        if (rc == -2) throw Refusals.ImageNotFound(pool, image);
        CephErrors.Check(rc, "Moving to the trash", $"{pool}/{image}");
    }

    public unsafe IReadOnlyList<TrashEntry> ListTrash(string pool)
    {
        var io = IoCtx(pool);
        var entries = NativeLists.Read<TrashImageInfoNative, TrashEntry>(
            (TrashImageInfoNative* p, ref nuint n) => Rbd.rbd_trash_list(io, p, ref n),
            e => new TrashEntry(pool, NativeStrings.Read(e.Id), NativeStrings.Read(e.Name), (TrashSource)e.Source,
                DateTime.UnixEpoch.AddSeconds(e.DeletionTime), DateTime.UnixEpoch.AddSeconds(e.DefermentEndTime)),
            Rbd.rbd_trash_list_cleanup, "Listing the trash of", pool);
        return entries.OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    public void RestoreFromTrash(string pool, string id, string name)
    {
        NameRules.Check(name, "image", $"{pool}/{name}");
        var entry = TrashEntryOf(pool, id);
        int rc = Rbd.rbd_trash_restore(IoCtx(pool), id, name);
        if (rc == -17) throw Refusals.TrashRestoreNameTaken(pool, entry, name);
        if (rc == -2) throw Refusals.TrashEntryNotFound(pool, id);
        CephErrors.Check(rc, "Restoring from the trash", $"{pool}/{id}");
    }

    public void RemoveFromTrash(string pool, string id, bool force, ProgressHandler? progress = null)
    {
        var entry = TrashEntryOf(pool, id);
        if (!force && !entry.IsExpired(DateTime.UtcNow)) throw Refusals.TrashDefermentNotExpired(pool, entry);
        using (var image = CephImage.OpenInTrash(this, pool, entry))
            if (image.ListSnapshots() is { Count: > 0 } snaps)
                throw Refusals.TrashImageHasSnapshots(pool, entry, snaps.Select(s => s.Name));
        var io = IoCtx(pool);
        int rc = NativeCallbacks.WithProgress(progress, (cb, arg) => Rbd.rbd_trash_remove_with_progress(io, id, force, cb, arg));
        if (rc == -2) throw Refusals.TrashEntryNotFound(pool, id);
        CephErrors.Check(rc, "Removing from the trash", $"{pool}/{id}");
    }

    /// <summary>
    /// Brings every image of the pool's trash back under a free name, so removing the pool can remove it as any other
    /// (librbd refuses to remove a namespace whose trash is not empty); a refused removal puts them back.
    /// </summary>
    private List<(TrashEntry Entry, string Name)> RestoreTrashForRemoval(string pool)
    {
        var restored = new List<(TrashEntry, string)>();
        foreach (var entry in ListTrash(pool))
        {
            string name = $"{entry.Name}.trash-{entry.Id}";
            CephErrors.Check(Rbd.rbd_trash_restore(IoCtx(pool), entry.Id, name), "Restoring from the trash", $"{pool}/{entry.Id}");
            restored.Add((entry, name));
        }
        return restored;
    }

    public IRbdImage OpenImageInTrash(string pool, string id, string? snapshot = null) =>
        CephImage.OpenInTrash(this, pool, TrashEntryOf(pool, id), snapshot);

    private TrashEntry TrashEntryOf(string pool, string id) =>
        ListTrash(pool).FirstOrDefault(e => e.Id == id) ?? throw Refusals.TrashEntryNotFound(pool, id);
}
