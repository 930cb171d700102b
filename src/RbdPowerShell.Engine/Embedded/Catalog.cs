using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace RbdPowerShell.Engine.Embedded;

internal sealed record PoolRow(long Id, string Name, long SnapSeq);

/// <summary>An image row; <paramref name="InTrash"/> ones carry the name they had (their row's own name is hidden).</summary>
internal sealed record ImageRow(long Id, long PoolId, string Pool, string Name, string RbdId, ulong Size, int Order,
                                RbdFeatures Features, DateTime Created, long? ParentSnap, ulong Overlap, bool InTrash);

internal sealed record SnapRow(long Id, long ImageId, ulong SnapId, string Name, ulong Size, bool Protected,
                               DateTime Created, long? ParentSnap, ulong Overlap)
{
    /// <summary>The row of rbd snap ls.</summary>
    public SnapshotInfo Info => new(SnapId, Name, Size, Protected, Created);
}

/// <summary>Pools, images and snapshots in the index: lookups that refuse with librbd's errors, and row updates.</summary>
internal sealed class Catalog
{
    private const string ImageColumns =
        "i.id, i.pool_id, p.name, COALESCE(t.name, i.name), i.rbd_id, i.size, i.ord, i.features, i.created, i.parent_snap, i.overlap, " +
        "t.image_id IS NOT NULL";
    private const string ImagesFrom = "images i JOIN pools p ON p.id=i.pool_id LEFT JOIN trash t ON t.image_id=i.id";
    /// <summary>The name an image in the trash has in its row: no image name can hold '/', so its own name is free.</summary>
    public static string TrashedName(string rbdId) => "/trash/" + rbdId;
    private const string SnapColumns =
        "id, image_id, snap_id, name, size, protected, created, parent_snap, overlap";

    private readonly StoreIndex _index;

    public Catalog(StoreIndex index) => _index = index;

    public IReadOnlyList<PoolRow> Pools() =>
        _index.Query("SELECT id, name, snap_seq FROM pools ORDER BY name", r => new PoolRow(r.GetInt64(0), r.GetString(1), r.GetInt64(2))).ToList();

    public PoolRow? FindPool(string name) =>
        _index.Query("SELECT id, name, snap_seq FROM pools WHERE name=$n", r => new PoolRow(r.GetInt64(0), r.GetString(1), r.GetInt64(2)), ("$n", name)).FirstOrDefault();

    public PoolRow Pool(string name) =>
        FindPool(name) ?? throw Refusals.PoolNotFound(name);

    public ImageRow? FindImage(string pool, string name) => name.Contains('/') ? null :
        _index.Query($"SELECT {ImageColumns} FROM {ImagesFrom} WHERE p.name=$p AND i.name=$n",
            MapImage, ("$p", pool), ("$n", name)).FirstOrDefault();

    public ImageRow Image(string pool, string name)
    {
        Pool(pool);
        return FindImage(pool, name) ?? throw Refusals.ImageNotFound(pool, name);
    }

    public ImageRow ImageById(long id) =>
        _index.Query($"SELECT {ImageColumns} FROM {ImagesFrom} WHERE i.id=$id", MapImage, ("$id", id)).FirstOrDefault()
        ?? throw Refusals.ImageRemovedWhileOpen(id.ToString(CultureInfo.InvariantCulture));

    /// <summary>The pool's images, without those in the trash unless <paramref name="withTrash"/>.</summary>
    public IReadOnlyList<ImageRow> Images(long poolId, bool withTrash = false) =>
        _index.Query($"SELECT {ImageColumns} FROM {ImagesFrom} WHERE i.pool_id=$p AND ($all OR t.image_id IS NULL) ORDER BY i.name",
            MapImage, ("$p", poolId), ("$all", withTrash)).ToList();

    public IReadOnlyList<SnapRow> Snaps(long imageId) =>
        _index.Query($"SELECT {SnapColumns} FROM snaps WHERE image_id=$i ORDER BY snap_id", MapSnap, ("$i", imageId)).ToList();

    /// <summary>The snapshots of every image of a pool, by image then snapshot id.</summary>
    public IReadOnlyList<SnapRow> SnapsOfPool(long poolId) =>
        _index.Query($"SELECT {SnapColumns} FROM snaps WHERE image_id IN (SELECT id FROM images WHERE pool_id=$p) ORDER BY image_id, snap_id",
            MapSnap, ("$p", poolId)).ToList();

    /// <summary>The smallest size of the image's snapshots with ids strictly between the two; null when there is none.</summary>
    public ulong? NarrowestSnap(long imageId, long afterId, long beforeId) =>
        _index.Scalar("SELECT MIN(size) FROM snaps WHERE image_id=$i AND snap_id>$a AND snap_id<$b",
            ("$i", imageId), ("$a", afterId), ("$b", beforeId)) is long size ? (ulong)size : null;

    public SnapRow? FindSnap(long imageId, string name) =>
        _index.Query($"SELECT {SnapColumns} FROM snaps WHERE image_id=$i AND name=$n", MapSnap, ("$i", imageId), ("$n", name)).FirstOrDefault();

    public SnapRow Snap(ImageRow image, string name) =>
        FindSnap(image.Id, name) ?? throw Refusals.SnapshotNotFound($"{image.Pool}/{image.Name}", name);

    public SnapRow SnapById(long id) =>
        _index.Query($"SELECT {SnapColumns} FROM snaps WHERE id=$id", MapSnap, ("$id", id)).Single();

    /// <summary>Images whose head or any snapshot reads through <paramref name="snapRowId"/> (rbd children --all: trash too).</summary>
    public IReadOnlyList<ImageRow> Children(long snapRowId) =>
        _index.Query($"""
            SELECT {ImageColumns} FROM {ImagesFrom}
            WHERE i.parent_snap=$s OR i.id IN (SELECT image_id FROM snaps WHERE parent_snap=$s)
            ORDER BY p.name, i.name
            """, MapImage, ("$s", snapRowId)).ToList();

    public ParentSpec? ParentOf(long? parentSnap)
    {
        if (parentSnap is not long id) return null;
        var snap = SnapById(id);
        var image = ImageById(snap.ImageId);
        return new ParentSpec(image.Pool, image.Name, snap.Name, snap.SnapId, image.RbdId);
    }

    /// <summary>
    /// A new pool as `ceph osd pool create` + `rbd pool init` leave it: pool init's checks use up self-managed
    /// snapshot ids 1 to 3, so the first image snapshot gets id 4, as on Ceph 16.2.
    /// </summary>
    public long AddPool(string name) =>
        (long)_index.Scalar("INSERT INTO pools(name, snap_seq) VALUES($n, 3) RETURNING id", ("$n", name))!;

    /// <summary>Pool-wide snapshot ids, as RADOS allocates self-managed snapshot ids.</summary>
    public ulong NextSnapId(long poolId) =>
        (ulong)(long)_index.Scalar("UPDATE pools SET snap_seq=snap_seq+1 WHERE id=$p RETURNING snap_seq", ("$p", poolId))!;

    public long AddImage(long poolId, string name, ulong size, int order, RbdFeatures features, long? parentSnap, ulong overlap)
    {
        string rbdId;
        do rbdId = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        while (_index.Scalar("SELECT 1 FROM images WHERE rbd_id=$r", ("$r", rbdId)) is not null);
        return (long)_index.Scalar("""
            INSERT INTO images(pool_id, name, rbd_id, size, ord, features, created, parent_snap, overlap)
            VALUES($p, $n, $r, $s, $o, $f, $c, $ps, $ov) RETURNING id
            """, ("$p", poolId), ("$n", name), ("$r", rbdId), ("$s", (long)size), ("$o", order), ("$f", (long)features),
            ("$c", Now()), ("$ps", parentSnap), ("$ov", (long)overlap))!;
    }

    public void UpdateHead(long imageId, ulong size, long? parentSnap, ulong overlap) =>
        _index.Execute("UPDATE images SET size=$s, parent_snap=$ps, overlap=$ov WHERE id=$i",
            ("$s", (long)size), ("$ps", parentSnap), ("$ov", (long)overlap), ("$i", imageId));

    public void AddSnap(ImageRow image, ulong snapId, string name) =>
        _index.Execute("""
            INSERT INTO snaps(image_id, snap_id, name, size, created, parent_snap, overlap)
            VALUES($i, $sid, $n, $s, $c, $ps, $ov)
            """, ("$i", image.Id), ("$sid", (long)snapId), ("$n", name), ("$s", (long)image.Size), ("$c", Now()),
            ("$ps", image.ParentSnap), ("$ov", (long)image.Overlap));

    public static string Now() => Time(DateTime.UtcNow);

    public static string Time(DateTime utc) => utc.ToString("o", CultureInfo.InvariantCulture);

    public static DateTime ParseTime(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static ImageRow MapImage(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), (ulong)r.GetInt64(5), r.GetInt32(6),
        (RbdFeatures)r.GetInt64(7), ParseTime(r.GetString(8)), r.IsDBNull(9) ? null : r.GetInt64(9), (ulong)r.GetInt64(10),
        r.GetInt64(11) != 0);

    private static SnapRow MapSnap(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), (ulong)r.GetInt64(2), r.GetString(3), (ulong)r.GetInt64(4), r.GetInt64(5) != 0,
        ParseTime(r.GetString(6)), r.IsDBNull(7) ? null : r.GetInt64(7), (ulong)r.GetInt64(8));
}
