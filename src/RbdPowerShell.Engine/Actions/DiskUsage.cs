namespace RbdPowerShell.Engine;

/// <summary>
/// rbd du: provisioned and used space of each snapshot (what changed since the previous one) and of the
/// head (since the last snapshot), in whole objects as fast-diff counts them, or exact byte extents.
/// Data a clone reads from its parent is not counted.
/// </summary>
public static class DiskUsage
{
    /// <param name="skipped">
    /// Told about each image of a pool's listing that another client removed before its rows were read (skipped).
    /// </param>
    public static IReadOnlyList<ImageUsage> Run(IRbdCluster cluster, string pool, string? image, bool exact = false,
                                                Action<string>? skipped = null) => cluster.Consistent(() =>
    {
        if (image is not null) return Rows(cluster, pool, image, exact);
        var rows = new List<ImageUsage>();
        foreach (var name in cluster.ListImages(pool))
        {
            // a snapshot removed meanwhile: read the image again from its new snapshot list; the image removed: skip it
            List<ImageUsage>? found = null;
            string? why = null;
            for (int attempt = 0; attempt < 3 && found is null; attempt++)
                Listing.Try($"image '{pool}/{name}'", () => found = Rows(cluster, pool, name, exact), w => why = w);
            if (found is not null) rows.AddRange(found);
            else skipped?.Invoke(why!);
        }
        return (IReadOnlyList<ImageUsage>)rows;
    });

    private static List<ImageUsage> Rows(IRbdCluster cluster, string pool, string name, bool exact)
    {
        var rows = new List<ImageUsage>();
        using var head = cluster.OpenImage(pool, name);
        string? previous = null;
        foreach (var snap in head.ListSnapshots())
        {
            using var view = cluster.OpenImage(pool, name, snap.Name);
            rows.Add(new ImageUsage(pool, name, snap.Name, snap.Size, Used(view, previous, snap.Size, exact)));
            previous = snap.Name;
        }
        ulong size = head.Stat().Size;
        rows.Add(new ImageUsage(pool, name, null, size, Used(head, previous, size, exact)));
        return rows;
    }

    private static ulong Used(IRbdImage image, string? fromSnapshot, ulong size, bool exact)
    {
        ulong used = 0;
        image.DiffIterate(fromSnapshot, 0, size, includeParent: false, wholeObject: !exact,
            (_, length, exists) => { if (exists) used += length; });
        return used;
    }
}
