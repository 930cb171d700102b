namespace RbdPowerShell.Engine;

/// <summary>rbd export --export-format 2: an image with all its snapshots.</summary>
public static class ImageExportV2
{
    /// <summary>
    /// do_export_v2 for pool/image: "rbd image v2\n"; 'O' order, 'T' features, 'U' stripe unit (the object size),
    /// 'C' stripe count (1), each as tag + le64 8 + le64 value; an 'M' record per metadata key; 'E'; "rbd image diffs v2\n"; le64 snapshots + 1;
    /// then one "rbd diff v2" stream per snapshot, oldest first (from the previous snapshot, with 't', 'p', 's'),
    /// and the head's (from the last snapshot, no 't').
    /// </summary>
    public static void Run(IRbdCluster cluster, string pool, string image, Stream output, ProgressHandler? progress = null) =>
        Run(cluster, pool, image, null, output, progress);

    /// <summary>
    /// rbd export --export-format 2 pool/image@snap: rbd 16.2 opens the snapshot (ENOENT when it does not exist),
    /// but do_export_v2 lists every snapshot of the image and goes back to the head (snap_set("")) for the last
    /// diff, so the stream is the image's, byte for byte: later snapshots and the head included.
    /// </summary>
    public static void Run(IRbdCluster cluster, string pool, string image, string? snapshot, Stream output,
                           ProgressHandler? progress = null)
    {
        if (snapshot is not null) cluster.OpenImage(pool, image, snapshot).Dispose();
        using var head = cluster.OpenImage(pool, image);
        var snapshots = head.ListSnapshots();
        Export(head, snapshots, name => cluster.OpenImage(pool, image, name), output, progress);
    }

    /// <summary>
    /// The same from an open image. The seam cannot open an image's snapshots from an <see cref="IRbdImage"/>,
    /// so this works for an image without snapshots only; otherwise use the overload that takes the cluster.
    /// </summary>
    public static void Run(IRbdImage image, Stream output, ProgressHandler? progress = null)
    {
        var snapshots = image.ListSnapshots();
        string spec = $"{image.Pool}/{image.Name}";
        if (snapshots.Count > 0)
            throw new RbdException(RbdErrno.ENOTSUP, spec,
                $"Exporting '{spec}' with its {snapshots.Count} snapshot(s) in export format 2 needs the cluster to open each " +
                "snapshot: call ImageExportV2.Run(cluster, pool, image, ...).")
            { ErrorId = "ExportFormat2NeedsCluster" };
        Export(image, snapshots, _ => throw new InvalidOperationException(), output, progress);
    }

    private static void Export(IRbdImage head, IReadOnlyList<SnapshotInfo> snapshots, Func<string, IRbdImage> openSnapshot,
                               Stream output, ProgressHandler? progress)
    {
        var info = head.Stat();
        var writer = new DiffStreamWriter(output, DiffFormat.V2);
        writer.WriteImageBanner();
        writer.WriteImageProperty(DiffRecords.ImageOrder, (ulong)info.Order);
        writer.WriteImageProperty(DiffRecords.ImageFeatures, (ulong)info.Features);
        // librbd without STRIPINGV2: stripe unit = object size, stripe count = 1
        writer.WriteImageProperty(DiffRecords.ImageStripeUnit, info.ObjectSize);
        writer.WriteImageProperty(DiffRecords.ImageStripeCount, 1);
        foreach (var (key, value) in head.ListMetadata()) writer.WriteImageMeta(key, value);
        writer.WriteImageEnd();

        var ordered = snapshots.OrderBy(s => s.Id).ToList();
        ulong total = (ulong)ordered.Count + 1;
        writer.WriteDiffsBanner(total);
        string? last = null;
        for (int i = 0; i < ordered.Count; i++)
        {
            using (var view = openSnapshot(ordered[i].Name))
                DiffExport.Write(view, last, writer, wholeObject: false, progress: null);
            last = ordered[i].Name;
            progress?.Invoke((ulong)i + 1, total);
        }
        DiffExport.Write(head, last, writer, wholeObject: false, progress: null);
        progress?.Invoke(total, total);
    }
}
