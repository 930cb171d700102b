// Peak memory of exporting a 1 TiB thin image holding 8 MiB, on each backend, each in a child process so that
// earlier runs do not count: it must not grow with the image's size.
using System.Diagnostics;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.Embedded;
using static RbdPowerShell.Bench.Program;

namespace RbdPowerShell.Bench;

internal static class ExportMemory
{
    public static int Run(string work)
    {
        int failed = RunChild("embedded", work);
        if (RbdTool.Missing() is { } why) Console.WriteLine($"export 1 TiB thin on Ceph: skipped ({why})");
        else failed |= RunChild("ceph", work);
        return failed;
    }

    static int RunChild(string backend, string work)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in new[] { "--export-memory", backend, work }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>Child process: export a 1 TiB thin image holding 8 MiB; report time and memory.</summary>
    public static int Child(string backend, string work)
    {
        if (backend == "ceph")
        {
            using var ns = new CephNamespace("bench-memory");
            return Export(ns.Cluster, CephNamespace.Pool, "Ceph", work);
        }
        using var cluster = EmbeddedCluster.Open(Path.Combine(work, "store-memory"));
        cluster.CreatePool(Program.Pool);
        return Export(cluster, Program.Pool, "embedded", work);
    }

    static int Export(IRbdCluster cluster, string pool, string backend, string work)
    {
        cluster.CreateImage(pool, "huge", TiB, ImageOptions.Default);
        var data = new byte[MiB];
        new Random(3).NextBytes(data);
        using (var image = cluster.OpenImage(pool, "huge"))
            for (ulong i = 0; i < 8; i++) image.Write(i * (TiB / 8) + 3 * MiB, data);

        string target = Path.Combine(work, "huge.raw");
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        long before = self.PeakWorkingSet64, allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        double seconds;
        using (var image = cluster.OpenImage(pool, "huge"))
            seconds = Time(() => RawExport.Run(image, target));
        self.Refresh();
        long peak = self.PeakWorkingSet64, allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long length = new FileInfo(target).Length;
        File.Delete(target);
        if ((ulong)length != TiB)
        {
            Console.Error.WriteLine($"export 1 TiB thin ({backend}): the file is {length} bytes, expected {TiB}.");
            return 1;
        }
        Console.WriteLine($"export 1 TiB thin (8 MiB data, {backend}): {seconds:0.00} s, peak working set {peak / (double)MiB:0} MiB " +
                          $"(before the export {before / (double)MiB:0} MiB), allocated {allocated / (double)MiB:0.0} MiB");
        return 0;
    }
}
