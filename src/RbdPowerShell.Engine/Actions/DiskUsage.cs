namespace RbdPowerShell.Engine;

/// <summary>
/// rbd du: provisioned and used space of each snapshot (what changed since the previous one) and of the
/// head (since the last snapshot), in whole objects as fast-diff counts them, or exact byte extents.
/// Data a clone reads from its parent is not counted.
/// </summary>
public static class DiskUsage
{
    public static IReadOnlyList<ImageUsage> Run(IRbdCluster cluster, string pool, string? image, bool exact = false)
    {
        var names = image is null ? cluster.ListImages(pool) : new[] { image };
        var rows = new List<ImageUsage>();
        foreach (var name in names)
        {
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
        }
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
