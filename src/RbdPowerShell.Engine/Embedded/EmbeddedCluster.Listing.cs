namespace RbdPowerShell.Engine.Embedded;

/// <summary>rbd ls -l of the embedded store: one read of the index, a few queries whatever the pool holds.</summary>
public sealed partial class EmbeddedCluster
{
    public IReadOnlyList<ImageDescription> DescribeImages(string pool, bool includeSnapshots, Action<RbdException>? failed = null) => Read(() =>
    {
        var poolRow = Catalog.Pool(pool);
        var snapsOf = Catalog.SnapsOfPool(poolRow.Id).ToLookup(s => s.ImageId);
        var parents = new Dictionary<long, ParentSpec?>();
        ImageInfo Describe(View view)
        {
            ParentSpec? parent = null;
            if (view.ParentSnap is long snap && !parents.TryGetValue(snap, out parent))
                parents[snap] = parent = Catalog.ParentOf(snap);
            return view.Info(parent);
        }
        var rows = new List<ImageDescription>();
        foreach (var image in Catalog.Images(poolRow.Id))
        {
            var snaps = snapsOf[image.Id].ToList();
            var list = snaps.Select(s => s.Info).ToList();
            rows.Add(new ImageDescription(Describe(new View(image, null)), list));
            if (includeSnapshots)
                foreach (var snap in snaps) rows.Add(new ImageDescription(Describe(new View(image, snap)), list));
        }
        return (IReadOnlyList<ImageDescription>)rows;
    });
}
