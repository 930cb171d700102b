// export-diff and import-diff of 256 MiB of changes against cp of the same raw file (CephBench times them on Ceph
// against rbd's).
using RbdPowerShell.Engine;

namespace RbdPowerShell.Bench;

internal static class DiffBench
{
    /// <summary>
    /// "diffsrc" gets snapshot "base" while empty, then the raw file's 256 MiB of data, then snapshot "s2": its
    /// export-diff --from-snap base carries exactly the changed bytes.
    /// </summary>
    public static void Run(IRbdCluster cluster, string pool, string raw, string work)
    {
        cluster.CreateImage(pool, "diffsrc", Program.RawSize, ImageOptions.Default);
        using (var source = cluster.OpenImage(pool, "diffsrc"))
        {
            source.CreateSnapshot("base");
            Program.WriteExtents(source);
            source.CreateSnapshot("s2");
        }
        string stream = Path.Combine(work, "changes.rbddiff");

        Program.Compare("export-diff", raw, work, run =>
        {
            using var image = cluster.OpenImage(pool, "diffsrc", "s2");
            File.Delete(stream); // like cp's target: a new file, not the truncation of the last run's
            double s = Program.Time(() =>
            {
                using var output = new FileStream(stream, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
                DiffExport.Run(image, "base", output);
            });
            return s;
        });

        if (File.Exists(stream))
            Console.WriteLine($"  the stream holds {new FileInfo(stream).Length >> 20} MiB for 256 MiB of changed data: objects new " +
                              "since the start snapshot are reported whole, as rbd reports them");

        Program.Compare("import-diff", raw, work, run =>
        {
            string name = $"diffdst-{run}";
            cluster.CreateImage(pool, name, Program.RawSize, ImageOptions.Default);
            using (var target = cluster.OpenImage(pool, name)) target.CreateSnapshot("base");
            double s = Program.Time(() =>
            {
                using var input = new FileStream(stream, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                DiffImport.Run(cluster, pool, name, input);
            });
            using (var target = cluster.OpenImage(pool, name)) { target.RemoveSnapshot("s2"); target.RemoveSnapshot("base"); }
            cluster.RemoveImage(pool, name);
            return s;
        });

        File.Delete(stream);
    }
}
