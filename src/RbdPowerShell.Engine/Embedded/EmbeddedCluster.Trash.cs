namespace RbdPowerShell.Engine.Embedded;

/// <summary>
/// rbd trash on the store: a trash row beside the image's row, whose name is hidden (<see cref="Catalog.TrashedName"/>)
/// so the name is free again while the id, snapshots, data and clones' parent links stay as they were.
/// </summary>
public sealed partial class EmbeddedCluster
{
    public void MoveToTrash(string pool, string image, TimeSpan delay) => Write(() =>
    {
        var row = Catalog.Image(pool, image);
        var now = DateTime.UtcNow;
        Index.Execute("INSERT INTO trash(image_id, name, source, deleted, deferment_end) VALUES($i, $n, 'USER', $d, $e)",
            ("$i", row.Id), ("$n", row.Name), ("$d", Catalog.Now()), ("$e", Catalog.Time(now + (delay > TimeSpan.Zero ? delay : TimeSpan.Zero))));
        Index.Execute("UPDATE images SET name=$n WHERE id=$i", ("$n", Catalog.TrashedName(row.RbdId)), ("$i", row.Id));
    });

    public IReadOnlyList<TrashEntry> ListTrash(string pool) => Read(() => Entries(Catalog.Pool(pool)).Select(e => e.Entry).ToList());

    public void RestoreFromTrash(string pool, string id, string name)
    {
        NameRules.Check(name, "image", $"{pool}/{name}");
        Write(() =>
        {
            var (entry, imageId) = Entry(pool, id);
            if (Catalog.FindImage(pool, name) is not null) throw Refusals.TrashRestoreNameTaken(pool, entry, name);
            Index.Execute("UPDATE images SET name=$n WHERE id=$i", ("$n", name), ("$i", imageId));
            Index.Execute("DELETE FROM trash WHERE image_id=$i", ("$i", imageId));
        });
    }

    public void RemoveFromTrash(string pool, string id, bool force, ProgressHandler? progress = null)
    {
        Write(() =>
        {
            var (entry, imageId) = Entry(pool, id);
            if (!force && !entry.IsExpired(DateTime.UtcNow)) throw Refusals.TrashDefermentNotExpired(pool, entry);
            if (Catalog.Snaps(imageId) is { Count: > 0 } snaps)
                throw Refusals.TrashImageHasSnapshots(pool, entry, snaps.Select(s => s.Name));
            Versions.DeleteImage(imageId);
            foreach (var table in new[] { "trash", "image_meta" })
                Index.Execute($"DELETE FROM {table} WHERE image_id=$i", ("$i", imageId));
            Index.Execute("DELETE FROM images WHERE id=$i", ("$i", imageId));
        });
        progress?.Invoke(1, 1);
    }

    public IRbdImage OpenImageInTrash(string pool, string id, string? snapshot = null) => Read(() =>
    {
        var (entry, imageId) = Entry(pool, id);
        if (snapshot is not null && Catalog.FindSnap(imageId, snapshot) is null)
            throw Refusals.SnapshotNotFound($"{pool}/{entry.Name}", snapshot);
        return (IRbdImage)new EmbeddedImage(this, imageId, pool, entry.Name, snapshot);
    });

    private (TrashEntry Entry, long ImageId) Entry(string pool, string id) =>
        Entries(Catalog.Pool(pool)).FirstOrDefault(e => e.Entry.Id == id) is { Entry: not null } found
            ? found
            : throw Refusals.TrashEntryNotFound(pool, id);

    private IEnumerable<(TrashEntry Entry, long ImageId)> Entries(PoolRow pool) => Index.Query("""
        SELECT i.rbd_id, t.name, t.deleted, t.deferment_end, i.id FROM trash t JOIN images i ON i.id=t.image_id
        WHERE i.pool_id=$p ORDER BY i.rbd_id
        """, r => (new TrashEntry(pool.Name, r.GetString(0), r.GetString(1), TrashSource.User, Catalog.ParseTime(r.GetString(2)), Catalog.ParseTime(r.GetString(3))),
                   r.GetInt64(4)), ("$p", pool.Id));
}
