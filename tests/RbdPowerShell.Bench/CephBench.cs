// The module's Ceph backend against the rbd tool on the same cluster, in the same run: import, export, copy,
// export-diff and import-diff of one 1 GiB image holding the raw file's 256 MiB. The rbd times include starting
// the process and connecting (printed once, to judge the ratios by); the module is connected already.
using RbdPowerShell.Engine;
using static RbdPowerShell.Bench.Program;

namespace RbdPowerShell.Bench;

internal static class CephBench
{
    public static void Run(string raw, string work)
    {
        var names = new[] { "ceph-import", "ceph-export", "ceph-copy", "ceph-export-diff", "ceph-import-diff" };
        if (!names.Any(Selected)) return;
        if (RbdTool.Missing() is { } why)
        {
            Console.WriteLine($"Ceph backend vs rbd: skipped ({why})");
            return;
        }
        using var ns = new CephNamespace("bench");
        var cluster = ns.Cluster;
        const string pool = CephNamespace.Pool;
        Console.WriteLine($"Ceph backend vs rbd in {ns.PoolSpec}: rbd ls takes {Time(() => RbdTool.Run("ls", ns.PoolSpec)):0.00} s " +
                          "(process start + connect, part of every rbd time)");
        RawImport.Run(cluster, raw, pool, "source", ImageOptions.Default);

        Compare("ceph-import", "rbd", run =>
        {
            double s = Time(() => RawImport.Run(cluster, raw, pool, $"import-{run}", ImageOptions.Default));
            cluster.RemoveImage(pool, $"import-{run}");
            return s;
        }, run =>
        {
            double s = Time(() => RbdTool.Run("import", raw, ns.Spec($"rbd-import-{run}")));
            cluster.RemoveImage(pool, $"rbd-import-{run}");
            return s;
        });

        string exported = Path.Combine(work, "ceph-export.raw");
        Compare("ceph-export", "rbd", run =>
        {
            using var image = cluster.OpenImage(pool, "source");
            double s = Time(() => RawExport.Run(image, exported));
            if (run == 0) CheckRaw(exported);
            File.Delete(exported);
            return s;
        }, run =>
        {
            double s = Time(() => RbdTool.Run("export", ns.Spec("source"), exported));
            if (run == 0) CheckRaw(exported);
            File.Delete(exported);
            return s;
        });

        Compare("ceph-copy", "rbd", run =>
        {
            double s = Time(() => ImageCopy.Run(cluster, pool, "source", null, cluster, pool, $"copy-{run}"));
            cluster.RemoveImage(pool, $"copy-{run}");
            return s;
        }, run =>
        {
            double s = Time(() => RbdTool.Run("cp", ns.Spec("source"), ns.Spec($"rbd-copy-{run}")));
            cluster.RemoveImage(pool, $"rbd-copy-{run}");
            return s;
        });

        Diffs(ns, work);
    }

    /// <summary>
    /// "diffsrc" gets snapshot "base" while empty, then the raw file's data, then snapshot "s2"; both sides export
    /// the diff between them (the streams must be byte-identical), then import it onto a new image at "base".
    /// </summary>
    static void Diffs(CephNamespace ns, string work)
    {
        if (!Selected("ceph-export-diff") && !Selected("ceph-import-diff")) return;
        var cluster = ns.Cluster;
        const string pool = CephNamespace.Pool;
        cluster.CreateImage(pool, "diffsrc", RawSize, ImageOptions.Default);
        using (var source = cluster.OpenImage(pool, "diffsrc"))
        {
            source.CreateSnapshot("base");
            WriteExtents(source);
            source.CreateSnapshot("s2");
        }
        string ours = Path.Combine(work, "ceph-changes.rbddiff"), theirs = Path.Combine(work, "rbd-changes.rbddiff");
        void ExportOurs()
        {
            File.Delete(ours);
            using var image = cluster.OpenImage(pool, "diffsrc", "s2");
            using var output = new FileStream(ours, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            DiffExport.Run(image, "base", output);
        }
        Compare("ceph-export-diff", "rbd", _ => Time(ExportOurs), _ =>
        {
            File.Delete(theirs);
            return Time(() => RbdTool.Run("export-diff", "--from-snap", "base", ns.Spec("diffsrc@s2"), theirs));
        });
        if (!File.Exists(ours)) ExportOurs();
        if (!File.Exists(theirs)) RbdTool.Run("export-diff", "--from-snap", "base", ns.Spec("diffsrc@s2"), theirs);
        bool same = File.ReadAllBytes(theirs).AsSpan().SequenceEqual(File.ReadAllBytes(ours));
        Console.WriteLine($"  rbd export-diff's stream {(same ? "is byte-identical to" : "DIFFERS from")} the module's");

        string AtBase(string name)
        {
            cluster.CreateImage(pool, name, RawSize, ImageOptions.Default);
            using (var image = cluster.OpenImage(pool, name)) image.CreateSnapshot("base");
            return name;
        }
        Compare("ceph-import-diff", "rbd", run =>
        {
            string name = AtBase($"diffdst-{run}");
            double s = Time(() =>
            {
                using var input = new FileStream(ours, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                DiffImport.Run(cluster, pool, name, input);
            });
            Undo.TryRemove(cluster, pool, name);
            return s;
        }, run =>
        {
            string name = AtBase($"rbd-diffdst-{run}");
            double s = Time(() => RbdTool.Run("import-diff", ours, ns.Spec(name)));
            Undo.TryRemove(cluster, pool, name);
            return s;
        });
        File.Delete(ours);
        File.Delete(theirs);
    }
}
