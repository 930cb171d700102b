// Engine benchmarks, each against `cp --sparse=always` of the same raw file on the same filesystem.
//   dotnet run -c Release --project tests/RbdPowerShell.Bench [-- --dir <folder>] [--only import,export-diff,ceph] [--runs 5]
// Prints `name: X.XX s (cp Y.YY s) ratio Z.ZZx` (the run with the median ratio of 5), the cost of
// snapshot+protect+clone of a 1 TiB thin image against a 1 GiB one, with CEPH_CONF the module's Ceph backend
// against the rbd tool (`ceph-import: X.XX s (rbd Y.YY s) ratio Z.ZZx`), and the peak memory of
// exporting a 1 TiB thin image (measured in a child process so earlier runs do not count).
using System.Diagnostics;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.Embedded;

namespace RbdPowerShell.Bench;

public static class Program
{
    internal const ulong MiB = 1UL << 20, GiB = 1UL << 30, TiB = 1UL << 40;
    const int Extents = 64;
    /// <summary>--runs n: how many times each comparison runs (the median is printed).</summary>
    internal static int Runs = 5;
    const ulong ExtentSize = 4 * MiB;
    internal const ulong RawSize = GiB;
    internal const string Pool = "bench";
    /// <summary>--only import,copy: run just these comparisons (for profiling).</summary>
    static HashSet<string>? Only;

    public static int Main(string[] args)
    {
        if (args is ["--export-memory", var backend, var memoryDir]) return ExportMemory.Child(backend, memoryDir);

        int only = Array.IndexOf(args, "--only");
        if (only >= 0 && only + 1 < args.Length) Only = args[only + 1].Split(',').ToHashSet();
        int runs = Array.IndexOf(args, "--runs");
        if (runs >= 0 && runs + 1 < args.Length) Runs = Math.Max(1, int.Parse(args[runs + 1]));
        int at = Array.IndexOf(args, "--dir");
        string parent = at >= 0 && at + 1 < args.Length ? args[at + 1] : Path.GetTempPath();
        string work = Path.Combine(parent, "rbdps-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            string raw = Path.Combine(work, "source.raw");
            WriteSparseRaw(raw);
            Console.WriteLine($"RbdPowerShell benchmarks in {work}: raw file {RawSize / GiB} GiB, " +
                              $"{Extents} extents of {ExtentSize / MiB} MiB random data; median of {Runs} runs.");

            using (var cluster = EmbeddedCluster.Open(Path.Combine(work, "store")))
            {
                cluster.CreatePool(Pool);
                RawImport.Run(cluster, raw, Pool, "source", ImageOptions.Default);

                Compare("import", raw, work, run =>
                {
                    string name = $"import-{run}";
                    double s = Time(() => RawImport.Run(cluster, raw, Pool, name, ImageOptions.Default));
                    cluster.RemoveImage(Pool, name);
                    return s;
                });

                Compare("export", raw, work, run =>
                {
                    string target = Path.Combine(work, $"export-{run}.raw");
                    using var image = cluster.OpenImage(Pool, "source");
                    double s = Time(() => RawExport.Run(image, target));
                    if (run == 0) CheckRaw(target);
                    File.Delete(target);
                    return s;
                });

                Compare("copy", raw, work, run =>
                {
                    string name = $"copy-{run}";
                    double s = Time(() => ImageCopy.Run(cluster, Pool, "source", null, cluster, Pool, name));
                    cluster.RemoveImage(Pool, name);
                    return s;
                });

                Compare("flatten", raw, work, run =>
                {
                    string snap = $"flatten-{run}", clone = $"clone-{run}";
                    using var source = cluster.OpenImage(Pool, "source");
                    source.CreateSnapshot(snap);
                    source.ProtectSnapshot(snap);
                    cluster.Clone(Pool, "source", snap, Pool, clone, ImageOptions.Default);
                    double s;
                    using (var child = cluster.OpenImage(Pool, clone))
                        s = Time(() => child.Flatten());
                    cluster.RemoveImage(Pool, clone);
                    source.UnprotectSnapshot(snap);
                    source.RemoveSnapshot(snap);
                    return s;
                });

                if (Selected("clone")) CloneCost(cluster);
                if (Selected("export-diff") || Selected("import-diff")) DiffBench.Run(cluster, Pool, raw, work);
                ScaleBench.Run(cluster, work);
            }
            CephBench.Run(raw, work);
            ScaleBench.RunCeph();
            return Selected("memory") ? ExportMemory.Run(work) : 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Runs the engine operation and cp Runs times; prints the run with the median ratio.</summary>
    internal static void Compare(string name, string raw, string work, Func<int, double> operation) =>
        Compare(name, "cp", operation, _ =>
        {
            string copy = Path.Combine(work, "cp.raw");
            double cp = Time(() => Cp(raw, copy));
            File.Delete(copy);
            return cp;
        });

    /// <summary>Runs the reference then the operation Runs times; prints the run with the median ratio.</summary>
    internal static void Compare(string name, string reference, Func<int, double> operation, Func<int, double> baseline)
    {
        if (!Selected(name)) return;
        var results = new List<(double Op, double Ref)>();
        for (int run = 0; run < Runs; run++)
        {
            double before = baseline(run);
            results.Add((operation(run), before));
        }
        if (Environment.GetEnvironmentVariable("RBDPS_BENCH_ALL") is not null)
            Console.WriteLine($"  {name} runs: " + string.Join(", ", results.Select(r => $"{r.Op:0.000}/{r.Ref:0.000}")));
        var (op, refTime) = results.OrderBy(r => r.Op / r.Ref).ElementAt(Runs / 2);
        Console.WriteLine($"{name}: {op:0.00} s ({reference} {refTime:0.00} s) ratio {op / refTime:0.00}x");
    }

    /// <summary>Whether --only lets <paramref name="name"/> run ("ceph" selects every ceph-* comparison).</summary>
    internal static bool Selected(string name) =>
        Only is null || Only.Contains(name) || (name.StartsWith("ceph-") && Only.Contains("ceph"));

    /// <summary>Snapshot + protect + clone is O(1): a 1 TiB image should cost what a 1 GiB one does.</summary>
    static void CloneCost(IRbdCluster cluster)
    {
        var data = new byte[ExtentSize];
        new Random(7).NextBytes(data);
        double Once(ulong size, int run)
        {
            string name = $"thin-{size / GiB}g-{run}";
            cluster.CreateImage(Pool, name, size, ImageOptions.Default);
            using var image = cluster.OpenImage(Pool, name);
            image.Write(0, data);
            return Time(() =>
            {
                image.CreateSnapshot("s");
                image.ProtectSnapshot("s");
                cluster.Clone(Pool, name, "s", Pool, name + "-clone", ImageOptions.Default);
            });
        }
        Once(GiB, -1); // warm-up: first-call costs (JIT, SQLite statements) are not the image's size
        var results = Enumerable.Range(0, Runs).Select(run => (Big: Once(TiB, run), Small: Once(GiB, run)))
            .OrderBy(r => r.Big / r.Small).ToList();
        var (big, small) = results[Runs / 2];
        Console.WriteLine($"snapshot+protect+clone 1 TiB: {big:0.0000} s (1 GiB {small:0.0000} s) ratio {big / small:0.00}x");
    }

    static void WriteSparseRaw(string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.SetLength((long)RawSize);
        for (int i = 0; i < Extents; i++)
        {
            file.Position = (long)ExtentOffset(i);
            file.Write(ExtentData(i));
        }
    }

    /// <summary>The exported file must hold the same data as the source raw file.</summary>
    internal static void CheckRaw(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read);
        if ((ulong)file.Length != RawSize)
            throw new InvalidOperationException($"export: {path} is {file.Length} bytes, expected {RawSize}.");
        var buffer = new byte[ExtentSize];
        for (int i = 0; i < Extents; i++)
        {
            file.Position = (long)ExtentOffset(i);
            file.ReadExactly(buffer);
            if (!buffer.AsSpan().SequenceEqual(ExtentData(i)))
                throw new InvalidOperationException($"export: extent {i} of {path} differs from the source.");
        }
    }

    /// <summary>Writes the raw file's extents into an image (the same bytes at the same offsets).</summary>
    internal static void WriteExtents(IRbdImage image)
    {
        for (int i = 0; i < Extents; i++) image.Write(ExtentOffset(i), ExtentData(i));
    }

    static ulong ExtentOffset(int i) => (ulong)i * (RawSize / Extents) + (ulong)(i % 4) * MiB;

    static byte[] ExtentData(int i)
    {
        var data = new byte[ExtentSize];
        new Random(1000 + i).NextBytes(data);
        return data;
    }

    static void Cp(string source, string destination)
    {
        var start = new ProcessStartInfo("cp") { ArgumentList = { "--sparse=always", source, destination } };
        using var cp = Process.Start(start)!;
        cp.WaitForExit();
        if (cp.ExitCode != 0) throw new InvalidOperationException($"cp exited with code {cp.ExitCode}.");
    }

    /// <summary>Times an action from a clean page cache state: dirty pages of earlier runs are flushed first (untimed).</summary>
    internal static double Time(Action action)
    {
        using (var sync = Process.Start("sync")!) sync.WaitForExit();
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }
}
