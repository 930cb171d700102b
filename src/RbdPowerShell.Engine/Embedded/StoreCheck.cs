namespace RbdPowerShell.Engine.Embedded;

/// <summary>fsck of the embedded store: the index's own integrity, its references, and the blob files behind it.</summary>
public sealed partial class EmbeddedCluster
{
    public IReadOnlyList<StoreFinding> Check() => Write(() =>
    {
        var findings = new List<StoreFinding>();
        void Add(string target, string problem) => findings.Add(new StoreFinding(target, problem));

        foreach (var line in Index.Query("PRAGMA integrity_check", r => r.GetString(0)).Where(l => l != "ok"))
            Add("index.db", line);

        foreach (var (target, problem) in Index.Query(InvariantQuery, r => (r.GetString(0), r.GetString(1))))
            Add(target, problem);

        var referenced = new Dictionary<long, (string Target, ulong Size)>();
        foreach (var (blob, target, size) in Index.Query("""
                SELECT o.blob, p.name || '/' || i.name || ' object ' || o.object_no || ' epoch ' || o.epoch, o.size
                FROM objects o JOIN images i ON i.id=o.image_id JOIN pools p ON p.id=i.pool_id WHERE o.blob IS NOT NULL
                """, r => (r.GetInt64(0), r.GetString(1), (ulong)r.GetInt64(2))))
        {
            referenced[blob] = (target, Math.Max(size, referenced.TryGetValue(blob, out var seen) ? seen.Size : 0));
        }
        var garbage = Index.Query("SELECT blob FROM garbage", r => r.GetInt64(0)).ToHashSet();
        var present = new HashSet<long>();
        foreach (var blob in Blobs.List())
        {
            if (referenced.TryGetValue(blob, out var owner))
            {
                present.Add(blob);
                if ((ulong)Blobs.Length(blob) > owner.Size)
                    Add(owner.Target, $"blob {blob:x} is longer than the object ({Blobs.Length(blob)} > {owner.Size} bytes)");
            }
            else if (blob >= Index.NextBlob) Blobs.Delete(blob);
            else if (!garbage.Contains(blob)) Add($"blob {blob:x}", "a data file that no object references");
        }
        foreach (var (blob, owner) in referenced)
            if (!present.Contains(blob)) Add(owner.Target, $"its data file (blob {blob:x}) is missing");
        return (IReadOnlyList<StoreFinding>)findings;
    });

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
