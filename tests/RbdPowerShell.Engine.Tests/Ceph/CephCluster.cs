using System.Diagnostics;
using System.Text.Json.Nodes;

namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// The real Ceph 16.2 cluster the interop tests compare against: the one $CEPH_CONF names (.ci/run starts it
/// with shared/ceph/start-cluster.sh). Where there is none, the tests say so and pass, except under CI,
/// where a missing cluster fails them.
/// </summary>
public static class CephCluster
{
    public const string Pool = "openstack";

    public static string? Unavailable()
    {
        string? conf = Environment.GetEnvironmentVariable("CEPH_CONF");
        string? why = string.IsNullOrEmpty(conf) ? "CEPH_CONF is not set (start a cluster with shared/ceph/start-cluster.sh)"
            : !File.Exists(conf) ? $"CEPH_CONF names {conf}, which does not exist"
            : !File.Exists("/usr/bin/rbd") ? "the rbd tool is not installed (apt-get install ceph-common)"
            : null;
        if (why is not null && Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail($"Ceph interop tests cannot be skipped in CI: {why}.");
        return why;
    }

    /// <summary>Runs the sequence on the cluster (ceph_ops.py); returns librbd's diffs, or null if librbd crashed.</summary>
    public static JsonObject? Apply(OpSequence sequence)
    {
        var (code, output, _) = Run("/usr/bin/python3", new[] { Path.Combine(AppContext.BaseDirectory, "Ceph", "ceph_ops.py"), Pool },
                                    sequence.ToJson());
        return code == 0 ? JsonNode.Parse(output)!.AsObject() : null;
    }

    /// <summary>Runs rbd; returns what it wrote to stdout.</summary>
    public static string Rbd(params string[] args)
    {
        var (code, output, error) = Run("/usr/bin/rbd", args, null);
        if (code != 0) throw new InvalidOperationException($"rbd {string.Join(' ', args)} failed ({code}): {error}");
        return output;
    }

    /// <summary>rbd snap ls --format json: every snapshot's name and protection, oldest first.</summary>
    public static List<(string Name, bool Protected)> Snapshots(string image) =>
        JsonNode.Parse(Rbd("snap", "ls", "--format", "json", $"{Pool}/{image}"))!.AsArray()
            .Select(s => ((string)s!["name"]!, (string)s["protected"]! == "true")).ToList();

    /// <summary>Removes the image and its snapshots, protected ones included; errors are ignored (cleanup).</summary>
    public static void Remove(string image)
    {
        try
        {
            foreach (var snap in Snapshots(image).Where(s => s.Protected))
                Run("/usr/bin/rbd", new[] { "snap", "unprotect", $"{Pool}/{image}@{snap.Name}" }, null);
        }
        catch (InvalidOperationException) { }   // no such image
        Run("/usr/bin/rbd", new[] { "snap", "purge", $"{Pool}/{image}" }, null);
        Run("/usr/bin/rbd", new[] { "rm", $"{Pool}/{image}" }, null);
    }

    private static (int Code, string Output, string Error) Run(string file, string[] args, string? input)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        if (input is not null) { process.StandardInput.Write(input); process.StandardInput.Close(); }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A name no earlier run used, so tests never collide with leftovers on the cluster.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("n")[..10]}";
}
