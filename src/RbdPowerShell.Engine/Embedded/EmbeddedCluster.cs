namespace RbdPowerShell.Engine.Embedded;

/// <summary>
/// The embedded store: a SQLite index plus sparse object files in one directory, created on first use.
/// One instance per directory and process; several processes may share a directory.
/// </summary>
public sealed partial class EmbeddedCluster : IRbdCluster, IRbdStoreCheck
{
    internal readonly StoreIndex Index;
    internal readonly BlobStore Blobs;
    internal readonly Catalog Catalog;
    internal readonly VersionTable Versions;
    internal readonly ObjectIo Io;
    internal readonly ExtentWalker Walker;

    private EmbeddedCluster(string directory)
    {
        Location = directory;
        Directory.CreateDirectory(directory);
        Blobs = new BlobStore(directory);
        Index = new StoreIndex(directory, Blobs);
        Catalog = new Catalog(Index);
        Versions = new VersionTable(Index);
        Io = new ObjectIo(Index, Blobs, Catalog, Versions);
        Walker = new ExtentWalker(Versions, Io, Catalog);
        Fsid = Guid.Parse((string)Index.Scalar("SELECT value FROM meta WHERE key='fsid'")!);
    }

    /// <summary>Opens the store in <paramref name="directory"/>, creating it on first use.</summary>
    public static EmbeddedCluster Open(string directory) => new(Path.GetFullPath(directory));

    /// <summary>Whether <paramref name="directory"/> already holds a store (its index); reads nothing, writes nothing.</summary>
    public static bool IsStore(string directory) => File.Exists(Path.Combine(directory, StoreIndex.FileName));

    public Guid Fsid { get; }
    public string Location { get; }
    public string Locator => Location;

    public IRecordStore OpenRecordStore() => new SqliteRecordStore(Location);

    internal T Write<T>(Func<T> work) => Index.Write(work);
    internal void Write(Action work) => Index.Write(work);
    internal T Read<T>(Func<T> work) => Index.Read(work);

    public T Grouped<T>(Func<T> work) => Write(work);

    public T Consistent<T>(Func<T> work) => Read(work);

    public IReadOnlyList<string> ListPools() => Read(() => Catalog.Pools().Select(p => p.Name).ToList());

    public void CreatePool(string pool)
    {
        NameRules.Check(pool, "pool");
        Write(() =>
        {
            if (Catalog.FindPool(pool) is not null)
                throw Refusals.PoolExists(pool);
            Catalog.AddPool(pool);
        });
    }

    public void RemovePool(string pool) => Write(() =>
    {
        var row = Catalog.Pool(pool);
        var images = Catalog.Images(row.Id, withTrash: true);
        foreach (var image in images)
            foreach (var snap in Catalog.Snaps(image.Id))
            {
                var outside = Catalog.Children(snap.Id).Where(c => c.PoolId != row.Id).ToList();
                if (outside.Count > 0)
                    throw Refusals.PoolInUse(pool, outside.Select(c => $"{c.Pool}/{c.Name}"), $"{image.Name}@{snap.Name}");
            }
        foreach (var image in images) Versions.DeleteImage(image.Id);
        foreach (var table in new[] { "snaps", "image_meta", "trash" })
            Index.Execute($"DELETE FROM {table} WHERE image_id IN (SELECT id FROM images WHERE pool_id=$p)", ("$p", row.Id));
        Index.Execute("DELETE FROM images WHERE pool_id=$p", ("$p", row.Id));
        Index.Execute("DELETE FROM pools WHERE id=$p", ("$p", row.Id));
    });

    public IReadOnlyList<string> ListImages(string pool) =>
        Read(() => Catalog.Images(Catalog.Pool(pool).Id).Select(i => i.Name).ToList());

    public void CreateImage(string pool, string image, ulong size, ImageOptions options)
    {
        NameRules.Check(image, "image", $"{pool}/{image}");
        int order = ImageRules.CheckOrder(options.Order ?? 22, $"{pool}/{image}");
        var features = options.Features ?? RbdFeatures.Default;
        ImageRules.CheckSize(size, order, features, $"{pool}/{image}");
        Write(() =>
        {
            var poolRow = Catalog.Pool(pool);
            RequireFreeName(pool, image);
            Catalog.AddImage(poolRow.Id, image, size, order, features, null, 0);
        });
    }

    public void RemoveImage(string pool, string image) => Write(() =>
    {
        var row = Catalog.Image(pool, image);
        var snaps = Catalog.Snaps(row.Id);
        if (snaps.Count > 0)
            throw Refusals.ImageHasSnapshots($"{pool}/{image}", snaps.Select(s => s.Name));
        Versions.DeleteImage(row.Id);
        Index.Execute("DELETE FROM image_meta WHERE image_id=$i", ("$i", row.Id));
        Index.Execute("DELETE FROM images WHERE id=$i", ("$i", row.Id));
    });

    public void RenameImage(string pool, string image, string newName)
    {
        NameRules.Check(newName, "image", $"{pool}/{newName}");
        Write(() =>
        {
            var row = Catalog.Image(pool, image);
            RequireFreeName(pool, newName);
            Index.Execute("UPDATE images SET name=$n WHERE id=$i", ("$n", newName), ("$i", row.Id));
        });
    }

    public void Clone(string parentPool, string parentImage, string parentSnapshot,
                      string childPool, string childImage, ImageOptions options)
    {
        NameRules.Check(childImage, "image", $"{childPool}/{childImage}");
        Write(() =>
        {
            var parent = Catalog.Image(parentPool, parentImage);
            var snap = Catalog.Snap(parent, parentSnapshot);
            string spec = $"{parentPool}/{parentImage}@{parentSnapshot}";
            if ((parent.Features & RbdFeatures.Layering) == 0)
                throw Refusals.LayeringDisabledForClone($"{parentPool}/{parentImage}", spec);
            if (!snap.Protected)
                throw Refusals.CloneOfUnprotected(spec);
            var childPoolRow = Catalog.Pool(childPool);
            RequireFreeName(childPool, childImage);
            int order = ImageRules.CheckOrder(options.Order ?? parent.Order, $"{childPool}/{childImage}");
            long child = Catalog.AddImage(childPoolRow.Id, childImage, snap.Size, order, options.Features ?? parent.Features, snap.Id, snap.Size);
            // librbd's clone copies the parent's image metadata too
            Index.Execute("INSERT INTO image_meta(image_id, key, value) SELECT $c, key, value FROM image_meta WHERE image_id=$p",
                ("$c", child), ("$p", parent.Id));
        });
    }

    public IRbdImage OpenImage(string pool, string image, string? snapshot = null) => Read(() =>
    {
        var row = Catalog.Image(pool, image);
        if (snapshot is not null) Catalog.Snap(row, snapshot);
        return new EmbeddedImage(this, row.Id, pool, image, snapshot);
    });

    private void RequireFreeName(string pool, string image)
    {
        if (Catalog.FindImage(pool, image) is not null)
            throw Refusals.ImageExists(pool, image);
    }

    public void Dispose()
    {
        Index.Dispose();
    }
}
