namespace RbdPowerShell.Engine;

/// <summary>
/// One row of rbd ls -l: an image (or, with <see cref="ImageInfo.Snapshot"/> set, the image as of one of its
/// snapshots) and the image's snapshots.
/// </summary>
public sealed record ImageDescription(ImageInfo Info, IReadOnlyList<SnapshotInfo> Snapshots)
{
    /// <summary>Whether the snapshot this row shows is protected; null for the image itself.</summary>
    public bool? Protected => Info.Snapshot is null ? null : Snapshots.FirstOrDefault(s => s.Name == Info.Snapshot)?.Protected ?? false;
}

/// <summary>
/// rbd ls -l through librbd's calls: each image opened (read-only where the backend can: no watch to register),
/// stat'ed and its snapshots listed (and opened at each).
/// An image that fails goes to <paramref name="failed"/> (thrown when null) and the listing goes on.
/// </summary>
public static class ImageListing
{
    public static IReadOnlyList<ImageDescription> Describe(IRbdCluster cluster, string pool, bool includeSnapshots,
                                                           Action<RbdException>? failed, Func<string, IRbdImage>? openToRead = null)
    {
        var rows = new List<ImageDescription>();
        foreach (var name in cluster.ListImages(pool))
        {
            try { rows.AddRange(Describe(cluster, pool, name, includeSnapshots, openToRead)); }
            catch (RbdException ex) when (failed is not null) { failed(ex); }
        }
        return rows;
    }

    private static List<ImageDescription> Describe(IRbdCluster cluster, string pool, string name, bool includeSnapshots,
                                                   Func<string, IRbdImage>? openToRead)
    {
        using var image = openToRead?.Invoke(name) ?? cluster.OpenImage(pool, name);
        var snapshots = image.ListSnapshots();
        var rows = new List<ImageDescription> { new(image.Stat(), snapshots) };
        if (includeSnapshots)
            foreach (var snapshot in snapshots)
            {
                using var view = cluster.OpenImage(pool, name, snapshot.Name);
                rows.Add(new ImageDescription(view.Stat(), snapshots));
            }
        return rows;
    }
}
