// export-diff and import-diff of 256 MiB of changes against cp of the same raw file, and beside them the real
// `rbd export-diff` / `rbd import-diff` of the same stream on a Ceph cluster when CEPH_CONF names one.
using System.Diagnostics;
using RbdPowerShell.Engine;

namespace RbdPowerShell.Bench;

internal static class DiffBench
{
    const string CephPool = "openstack";

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

        CompareWithRbd(raw, work, stream);
        File.Delete(stream);
    }

    /// <summary>The same stream through the real rbd on the loopback cluster (skipped, saying why, without one).</summary>
    static void CompareWithRbd(string raw, string work, string stream)
    {
        string? conf = Environment.GetEnvironmentVariable("CEPH_CONF");
        if (string.IsNullOrEmpty(conf) || !File.Exists(conf) || !File.Exists("/usr/bin/rbd"))
        {
            Console.WriteLine("rbd export-diff / import-diff: skipped (no Ceph cluster: set CEPH_CONF, see shared/ceph/start-cluster.sh)");
            return;
        }
        string image = $"{CephPool}/bench-{Guid.NewGuid().ToString("N")[..8]}", copy = image + "-copy";
        string rbdStream = Path.Combine(work, "rbd-changes.rbddiff");
        try
        {
            Rbd("create", "--size", $"{Program.RawSize >> 20}M", image);
            Rbd("snap", "create", image + "@base");
            Rbd("import-diff", stream, image);
            Program.Compare("rbd export-diff", raw, work, _ =>
            {
                File.Delete(rbdStream);
                return Program.Time(() => Rbd("export-diff", "--from-snap", "base", image + "@s2", rbdStream));
            });
            Program.Compare("rbd import-diff", raw, work, _ =>
            {
                Rbd("create", "--size", $"{Program.RawSize >> 20}M", copy);
                Rbd("snap", "create", copy + "@base");
                double s = Program.Time(() => Rbd("import-diff", rbdStream, copy));
                Rbd("snap", "purge", copy);
                Rbd("rm", copy);
                return s;
            });
            bool same = File.ReadAllBytes(rbdStream).AsSpan().SequenceEqual(File.ReadAllBytes(stream));
            Console.WriteLine($"rbd export-diff stream {(same ? "is byte-identical to" : "DIFFERS from")} ours");
        }
        finally
        {
            TryRbd("snap", "purge", image); TryRbd("rm", image);
            TryRbd("snap", "purge", copy); TryRbd("rm", copy);
            File.Delete(rbdStream);
        }
    }

    static void Rbd(params string[] args)
    {
        if (TryRbd(args) is { } error) throw new InvalidOperationException($"rbd {string.Join(' ', args)}: {error}");
    }

    static string? TryRbd(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/rbd") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("--no-progress");
        foreach (var a in args) start.ArgumentList.Add(a);
        using var rbd = Process.Start(start)!;
        string error = rbd.StandardError.ReadToEnd();
        rbd.StandardOutput.ReadToEnd();
        rbd.WaitForExit();
        return rbd.ExitCode == 0 ? null : error.Trim();
    }
}
