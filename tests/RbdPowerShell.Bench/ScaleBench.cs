// Scale on the embedded store (issue 8): listing a pool of 10,000 images as Get-RbdImage does, rbd du of an
// image with 100, 500 and 1,000 snapshots (linear: the per-snapshot cost stays flat), and exporting an image
// at the top of a 16-deep clone chain against exporting the chain's bottom image. Figures are seconds on this
// machine (printed with its core count), medians of the runs; with CEPH_CONF the listing and du on Ceph with modest counts.
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.Embedded;
using static RbdPowerShell.Bench.Program;

namespace RbdPowerShell.Bench;

internal static class ScaleBench
{
    public const int ListedImages = 10_000, ChainDepth = 16;
    public static readonly int[] SnapshotCounts = { 100, 500, 1000 };

    public static void Run(IRbdCluster cluster, string work)
    {
        if (!new[] { "list", "du-snapshots", "export-chain" }.Any(Selected)) return;
        Console.WriteLine($"Scale on the embedded store ({Environment.ProcessorCount} cores):");
        if (Selected("list"))
            using (var store = EmbeddedCluster.Open(Path.Combine(work, "list-store")))
            {
                store.CreatePool("many");
                List(store, "many", "list", ListedImages);
            }
        if (Selected("du-snapshots")) Usage(cluster, Pool, "du-snapshots", SnapshotCounts);
        if (Selected("export-chain")) ExportChain(cluster, work, "export-chain");
    }

    /// <summary>The same on Ceph ($CEPH_CONF), with counts the small test cluster takes: 1,000 images, up to 200 snapshots.</summary>
    public static void RunCeph()
    {
        if (!new[] { "ceph-list", "ceph-du-snapshots" }.Any(Selected)) return;
        if (RbdTool.Missing() is { } why)
        {
            Console.WriteLine($"Scale on Ceph: skipped ({why})");
            return;
        }
        using var ns = new CephNamespace("scale");
        Console.WriteLine($"Scale on Ceph in {ns.PoolSpec}:");
        if (Selected("ceph-list")) List(ns.Cluster, CephNamespace.Pool, "ceph-list", 1000);
        if (Selected("ceph-du-snapshots")) Usage(ns.Cluster, CephNamespace.Pool, "ceph-du-snapshots", new[] { 50, 100, 200 });
    }

    /// <summary>Get-RbdImage pool: every image's rbd info and snapshot count, through the engine's listing.</summary>
    static void List(IRbdCluster cluster, string pool, string name, int count)
    {
        cluster.Grouped(() =>
        {
            for (int i = 0; i < count; i++) cluster.CreateImage(pool, $"image-{i:D5}", GiB, ImageOptions.Default);
        });
        int listed = 0;
        double s = Median(() => Time(() => listed = cluster.DescribeImages(pool, includeSnapshots: false).Count));
        if (listed != count) throw new InvalidOperationException($"{name}: listed {listed} images of {count}.");
        Console.WriteLine($"{name}: {count} images in {s:0.000} s ({s / count * 1e6:0.0} µs an image)");
        for (int i = 0; i < count; i++) cluster.RemoveImage(pool, $"image-{i:D5}");
    }

    /// <summary>rbd du of one image with n snapshots, each after a 4 KiB write to an object of its own.</summary>
    static void Usage(IRbdCluster cluster, string pool, string name, int[] counts)
    {
        var figures = new List<(int Snapshots, double Seconds)>();
        var data = new byte[4096];
        new Random(3).NextBytes(data);
        foreach (int n in counts)
        {
            string image = $"du-{n}";
            cluster.CreateImage(pool, image, (ulong)n * 4 * MiB, ImageOptions.Default);
            using (var head = cluster.OpenImage(pool, image))
                for (int i = 0; i < n; i++)
                {
                    head.Write((ulong)i * 4 * MiB, data);
                    head.CreateSnapshot($"s{i}");
                }
            int rows = 0;
            double s = Median(() => Time(() => rows = DiskUsage.Run(cluster, pool, image).Count));
            if (rows != n + 1) throw new InvalidOperationException($"{name}: {rows} rows for {n} snapshots.");
            figures.Add((n, s));
            using (var head = cluster.OpenImage(pool, image))
                for (int i = 0; i < n; i++) head.RemoveSnapshot($"s{i}");
            cluster.RemoveImage(pool, image);
        }
        var (n0, s0) = figures[0];
        var (nLast, sLast) = figures[^1];
        Console.WriteLine($"{name}: " + string.Join(", ", figures.Select(f => $"{f.Snapshots} snapshots {f.Seconds:0.000} s")) +
                          $"; per snapshot {s0 / n0 * 1e3:0.00} ms at {n0}, {sLast / nLast * 1e3:0.00} ms at {nLast} " +
                          $"(growth {sLast / nLast / (s0 / n0):0.00}x, 1.00x is linear)");
    }

    /// <summary>Exports the top of a clone chain ChainDepth deep over "source" against exporting "source" itself.</summary>
    static void ExportChain(IRbdCluster cluster, string work, string name)
    {
        string parent = "source";
        var chain = new List<string>();
        for (int level = 1; level <= ChainDepth; level++)
        {
            using (var image = cluster.OpenImage(Pool, parent))
            {
                image.CreateSnapshot("chain");
                image.ProtectSnapshot("chain");
            }
            string child = $"chain-{level}";
            cluster.Clone(Pool, parent, "chain", Pool, child, ImageOptions.Default);
            chain.Add(parent);
            parent = child;
        }
        string target = Path.Combine(work, "chain.raw");
        double Export(string image)
        {
            using var open = cluster.OpenImage(Pool, image);
            double s = Time(() => RawExport.Run(open, target));
            CheckRaw(target);
            File.Delete(target);
            return s;
        }
        string top = parent;
        Compare(name, "bottom", _ => Export(top), _ => Export("source"));
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            cluster.RemoveImage(Pool, i == chain.Count - 1 ? top : chain[i + 1]);
            using var image = cluster.OpenImage(Pool, chain[i]);
            image.UnprotectSnapshot("chain");
            image.RemoveSnapshot("chain");
        }
    }

    static double Median(Func<double> run)
    {
        var times = Enumerable.Range(0, Runs).Select(_ => run()).OrderBy(t => t).ToList();
        return times[times.Count / 2];
    }
}
