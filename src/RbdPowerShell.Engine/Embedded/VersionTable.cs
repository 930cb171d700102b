using Microsoft.Data.Sqlite;

namespace RbdPowerShell.Engine.Embedded;

/// <summary>
/// One version of one object. <see cref="Epoch"/> is the image's newest snapshot id when the version was
/// written (0 before any snapshot): snapshot S sees the version with the greatest epoch below S, the head
/// sees the newest. <see cref="Changed"/> holds the byte ranges changed since the previous version
/// (what RADOS tracks as clone overlap), <see cref="Size"/> the RADOS object size.
/// A version that is not <see cref="Present"/> is a whiteout: the object does not exist there.
/// </summary>
internal sealed record ObjectVersion(long ObjectNo, long Epoch, bool Present, ulong Size, long? Blob, IntervalSet Changed);

/// <summary>The objects table: versions of every object of every image.</summary>
internal sealed class VersionTable
{
    private const string Columns = "object_no, epoch, present, size, blob, changed";
    private readonly StoreIndex _index;

    public VersionTable(StoreIndex index) => _index = index;

    /// <summary>The version a view with <paramref name="epochLimit"/> sees (long.MaxValue for the head).</summary>
    public ObjectVersion? Visible(long imageId, long objectNo, long epochLimit) =>
        _index.Query($"""
            SELECT {Columns} FROM objects WHERE image_id=$i AND object_no=$o AND epoch<$e ORDER BY epoch DESC LIMIT 1
            """, Map, ("$i", imageId), ("$o", objectNo), ("$e", epochLimit)).FirstOrDefault();

    /// <summary>Every version of the objects in [first, last], ordered by object then epoch; read in pages.</summary>
    public IEnumerable<List<ObjectVersion>> ObjectsIn(long imageId, long first, long last) =>
        WrittenIn(imageId, long.MinValue, long.MaxValue, first, last);

    /// <summary>
    /// The objects in [first, last] with versions written in epochs [fromEpoch, toEpoch), in object order: for each,
    /// the version before <paramref name="fromEpoch"/> (if any) then those versions by epoch; read in pages. The cost
    /// follows what was written in the range, not the image's whole history (rbd du walks every snapshot).
    /// </summary>
    public IEnumerable<List<ObjectVersion>> WrittenIn(long imageId, long fromEpoch, long toEpoch, long first, long last)
    {
        const int Page = 2048;
        long next = first;
        while (next <= last)
        {
            var objects = _index.Query("""
                SELECT DISTINCT object_no FROM objects
                WHERE image_id=$i AND object_no>=$a AND object_no<=$b AND epoch>=$f AND epoch<$t
                ORDER BY object_no LIMIT $n
                """, r => r.GetInt64(0), ("$i", imageId), ("$a", next), ("$b", last), ("$f", fromEpoch), ("$t", toEpoch),
                ("$n", Page)).ToList();
            if (objects.Count == 0) yield break;
            var rows = _index.Query($"""
                SELECT {Columns} FROM objects
                WHERE image_id=$i AND object_no>=$a AND object_no<=$b AND epoch>=$f AND epoch<$t ORDER BY object_no, epoch
                """, Map, ("$i", imageId), ("$a", objects[0]), ("$b", objects[^1]), ("$f", fromEpoch), ("$t", toEpoch)).ToList();
            foreach (var group in rows.GroupBy(v => v.ObjectNo))
            {
                var versions = group.ToList();
                if (fromEpoch != long.MinValue && Visible(imageId, group.Key, fromEpoch) is { } before) versions.Insert(0, before);
                yield return versions;
            }
            next = objects[^1] + 1;
        }
    }

    public bool HasOlder(long imageId, long objectNo, long epoch) =>
        _index.Scalar("SELECT 1 FROM objects WHERE image_id=$i AND object_no=$o AND epoch<$e LIMIT 1",
            ("$i", imageId), ("$o", objectNo), ("$e", epoch)) is not null;

    /// <summary>Inserts or replaces the version at (object, epoch); the blob it replaces is dropped.</summary>
    public void Put(long imageId, ObjectVersion version, long? replacedBlob)
    {
        if (replacedBlob != version.Blob) _index.Drop(replacedBlob);
        _index.Execute("""
            INSERT OR REPLACE INTO objects(image_id, object_no, epoch, present, size, blob, changed)
            VALUES($i, $o, $e, $p, $s, $b, $c)
            """, ("$i", imageId), ("$o", version.ObjectNo), ("$e", version.Epoch), ("$p", version.Present ? 1 : 0),
            ("$s", (long)version.Size), ("$b", version.Blob), ("$c", version.Changed.ToBytes()));
    }

    public void Delete(long imageId, ObjectVersion version)
    {
        _index.Drop(version.Blob);
        _index.Execute("DELETE FROM objects WHERE image_id=$i AND object_no=$o AND epoch=$e",
            ("$i", imageId), ("$o", version.ObjectNo), ("$e", version.Epoch));
    }

    /// <summary>Removes every version of an image (rbd rm), dropping their blobs.</summary>
    public void DeleteImage(long imageId)
    {
        foreach (var blob in _index.Query("SELECT DISTINCT blob FROM objects WHERE image_id=$i AND blob IS NOT NULL",
                     r => r.GetInt64(0), ("$i", imageId)))
            _index.Drop(blob);
        _index.Execute("DELETE FROM objects WHERE image_id=$i", ("$i", imageId));
    }

    public List<ObjectVersion> AtEpoch(long imageId, long epoch) =>
        _index.Query($"SELECT {Columns} FROM objects WHERE image_id=$i AND epoch=$e ORDER BY object_no", Map,
            ("$i", imageId), ("$e", epoch)).ToList();

    private static ObjectVersion Map(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetInt64(2) != 0, (ulong)r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4),
        IntervalSet.FromBytes((byte[])r.GetValue(5)));
}
