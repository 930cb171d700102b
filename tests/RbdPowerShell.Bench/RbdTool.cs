// The rbd command line of the Ceph packages, on the cluster $CEPH_CONF names.
using System.Diagnostics;

namespace RbdPowerShell.Bench;

internal static class RbdTool
{
    const string Path = "/usr/bin/rbd";

    /// <summary>Why the Ceph comparisons cannot run, or null when they can.</summary>
    public static string? Missing()
    {
        string? conf = Environment.GetEnvironmentVariable("CEPH_CONF");
        if (string.IsNullOrEmpty(conf) || !File.Exists(conf)) return "no Ceph cluster: set CEPH_CONF, see shared/ceph/start-cluster.sh";
        return File.Exists(Path) ? null : $"{Path} is not installed (apt-get install ceph-common)";
    }

    public static void Run(params string[] args)
    {
        if (TryRun(args) is { } error) throw new InvalidOperationException($"rbd {string.Join(' ', args)}: {error}");
    }

    /// <summary>Runs rbd; returns its error output when it fails, null when it succeeds.</summary>
    public static string? TryRun(params string[] args)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (args[0] != "ls") start.ArgumentList.Add("--no-progress"); // ls has no progress to turn off, and refuses the option
        foreach (var a in args) start.ArgumentList.Add(a);
        using var rbd = Process.Start(start)!;
        var error = rbd.StandardError.ReadToEndAsync();
        rbd.StandardOutput.ReadToEnd();
        rbd.WaitForExit();
        return rbd.ExitCode == 0 ? null : error.Result.Trim();
    }
}
