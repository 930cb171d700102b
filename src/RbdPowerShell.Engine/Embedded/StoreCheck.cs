namespace RbdPowerShell.Engine.Embedded;

/// <summary>
/// fsck of the embedded store: the index's own integrity, its references, and the blob files behind it; and the
/// repair that deletes leftover blob files. Both hold the write lock so no writer is half way through; the check
/// then rolls back, changing nothing.
/// </summary>
public sealed partial class EmbeddedCluster
{
    public StoreCheckReport Check() => Index.Inspect(() =>
    {
        var findings = new List<StoreFinding>();
        var checkedLines = new List<string>();
        void Add(string target, string problem) => findings.Add(new StoreFinding(target, problem));

        foreach (var line in Index.Query("PRAGMA integrity_check", r => r.GetString(0)).Where(l => l != "ok"))
            Add(StoreIndex.FileName, line);
        checkedLines.Add($"the index {StoreIndex.FileName} (SQLite integrity_check)");

        foreach (var (target, problem) in Index.Query(InvariantQuery, r => (r.GetString(0), r.GetString(1))))
            Add(target, problem);
        var counts = Index.Query("""
            SELECT (SELECT count(*) FROM pools), (SELECT count(*) FROM images), (SELECT count(*) FROM snaps),
                   (SELECT count(*) FROM objects)
            """, r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3))).Single();
        checkedLines.Add($"the references of {counts.Item1} pools, {counts.Item2} images, {counts.Item3} snapshots " +
                         $"and {counts.Item4} object versions (parents, overlaps, epochs, object sizes)");

        var referenced = ReferencedBlobs();
        var present = Blobs.List().ToHashSet();
        var unused = UnusedBlobs(referenced, present);
        foreach (var blob in present)
        {
            if (referenced.TryGetValue(blob, out var owner))
            {
                if ((ulong)Blobs.Length(blob) > owner.Size)
                    Add(owner.Target, $"blob {blob:x} is longer than the object ({Blobs.Length(blob)} > {owner.Size} bytes)");
            }
            else if (!unused.Contains(blob)) Add($"blob {blob:x}", "a data file that no object references");
        }
        foreach (var (blob, owner) in referenced)
            if (!present.Contains(blob)) Add(owner.Target, $"its data file (blob {blob:x}) is missing");
        checkedLines.Add($"{present.Count} data files against the {referenced.Count} the index references");
        var leftovers = Measure(unused);
        return new StoreCheckReport(findings, checkedLines, leftovers);
    });

    public StoreLeftovers Repair() => Index.Write(() =>
    {
        // removed data (garbage) may still be read by a reader in another process: only without readers
        using var exclusive = Blobs.TryExclusive();
        var garbage = Index.Query("SELECT blob FROM garbage", r => r.GetInt64(0)).ToHashSet();
        var unused = UnusedBlobs(ReferencedBlobs(), Blobs.List().ToHashSet())
            .Where(b => exclusive is not null || !garbage.Contains(b)).ToList();
        var freed = Measure(unused);
        foreach (var blob in unused) Blobs.Delete(blob);
        if (exclusive is not null) Index.Execute("DELETE FROM garbage");
        return freed;
    });

    /// <summary>Every blob an object version references, with the first one's name and the largest size.</summary>
    private Dictionary<long, (string Target, ulong Size)> ReferencedBlobs()
    {
        var referenced = new Dictionary<long, (string Target, ulong Size)>();
        foreach (var (blob, target, size) in Index.Query("""
                SELECT o.blob, p.name || '/' || i.name || ' object ' || o.object_no || ' epoch ' || o.epoch, o.size
                FROM objects o JOIN images i ON i.id=o.image_id JOIN pools p ON p.id=i.pool_id WHERE o.blob IS NOT NULL
                """, r => (r.GetInt64(0), r.GetString(1), (ulong)r.GetInt64(2))))
        {
            referenced[blob] = (target, Math.Max(size, referenced.TryGetValue(blob, out var seen) ? seen.Size : 0));
        }
        return referenced;
    }

    /// <summary>
    /// The present blobs no reader will read: removed ones (the garbage table) and, under the write lock,
    /// unreferenced ones at or past next_blob, which only a writer that died before its commit can have made.
    /// </summary>
    private HashSet<long> UnusedBlobs(Dictionary<long, (string Target, ulong Size)> referenced, HashSet<long> present)
    {
        var unused = Index.Query("SELECT blob FROM garbage", r => r.GetInt64(0)).Where(present.Contains).ToHashSet();
        foreach (var blob in present)
            if (blob >= Index.NextBlob && !referenced.ContainsKey(blob)) unused.Add(blob);
        return unused;
    }

    private StoreLeftovers Measure(IEnumerable<long> blobs)
    {
        int files = 0;
        ulong bytes = 0;
        foreach (var blob in blobs)
        {
            files++;
            bytes += Blobs.DataBytes(blob);
        }
        return new StoreLeftovers(files, bytes);
    }

    /// <summary>Rows that break the index's rules, as (target, problem).</summary>
    private const string InvariantQuery = """
        SELECT 'image id ' || i.id, 'belongs to a pool that does not exist'
          FROM images i WHERE i.pool_id NOT IN (SELECT id FROM pools)
        UNION ALL
        SELECT 'snapshot id ' || s.id, 'belongs to an image that does not exist'
          FROM snaps s WHERE s.image_id NOT IN (SELECT id FROM images)
        UNION ALL
        SELECT p.name || '/' || i.name, 'its parent snapshot does not exist or is not protected'
          FROM images i JOIN pools p ON p.id=i.pool_id
          WHERE i.parent_snap IS NOT NULL AND i.parent_snap NOT IN (SELECT id FROM snaps WHERE protected=1)
        UNION ALL
        SELECT p.name || '/' || i.name || '@' || s.name, 'its parent snapshot does not exist or is not protected'
          FROM snaps s JOIN images i ON i.id=s.image_id JOIN pools p ON p.id=i.pool_id
          WHERE s.parent_snap IS NOT NULL AND s.parent_snap NOT IN (SELECT id FROM snaps WHERE protected=1)
        UNION ALL
        SELECT p.name || '/' || i.name, 'its overlap is larger than its size or its parent snapshot'
          FROM images i JOIN pools p ON p.id=i.pool_id JOIN snaps ps ON ps.id=i.parent_snap
          WHERE i.overlap > i.size OR i.overlap > ps.size
        UNION ALL
        SELECT 'image id ' || o.image_id || ' object ' || o.object_no, 'belongs to an image that does not exist'
          FROM objects o WHERE o.image_id NOT IN (SELECT id FROM images)
        UNION ALL
        SELECT p.name || '/' || i.name || ' object ' || o.object_no,
               'has a version at epoch ' || o.epoch || ', which is not one of the image''s snapshots'
          FROM objects o JOIN images i ON i.id=o.image_id JOIN pools p ON p.id=i.pool_id
          WHERE o.epoch <> 0 AND o.epoch NOT IN (SELECT snap_id FROM snaps WHERE image_id=o.image_id)
        UNION ALL
        SELECT p.name || '/' || i.name || ' object ' || o.object_no, 'is larger than an object'
          FROM objects o JOIN images i ON i.id=o.image_id JOIN pools p ON p.id=i.pool_id
          WHERE o.size > (1 << i.ord) OR (o.present = 0 AND o.blob IS NOT NULL)
        """;
}
