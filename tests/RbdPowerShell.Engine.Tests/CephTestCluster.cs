using System.Diagnostics;
using RbdPowerShell.Engine.Ceph;

namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// The Ceph cluster of the conformance tests ($CEPH_CONF). Its pools are made once, small (8 placement groups,
/// a single OSD allows only a few), by the ceph tool; each test then sees them through a namespace of its own.
/// </summary>
public static class CephTestCluster
{
    /// <summary>Every pool name the engine tests use.</summary>
    private static readonly string[] Pools = { "openstack", "cinder_backup", "p", "rbd", "other" };
    private static readonly Lazy<string?> Problem = new(Prepare);

    public static bool Available => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CEPH_CONF"));

    public static CephConnectOptions Options(string ns)
    {
        if (Problem.Value is { } why) throw new InvalidOperationException("The Ceph conformance tests need a cluster: " + why);
        return new CephConnectOptions(Environment.GetEnvironmentVariable("CEPH_CONF")!) { Namespace = ns };
    }

    private static string? Prepare()
    {
        string? conf = Environment.GetEnvironmentVariable("CEPH_CONF");
        if (string.IsNullOrEmpty(conf) || !File.Exists(conf)) return $"CEPH_CONF ('{conf}') names no ceph.conf (start one with shared/ceph/start-cluster.sh)";
        foreach (var pool in Pools)
        {
            if (Run("ceph", "osd", "pool", "ls").Contains(pool)) continue;
            Run("ceph", "osd", "pool", "create", pool, "8");
            Run("rbd", "pool", "init", pool);
        }
        return null;
    }

    private static List<string> Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode})");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    /// <summary>Removes everything the test left in its namespace, then the namespace from every pool.</summary>
    public static void RemoveNamespace(IRbdCluster cluster)
    {
        foreach (var pool in cluster.ListPools())
        {
            try { cluster.RemovePool(pool); }
            catch (RbdException) { /* a clone across pools: the other pool goes first, then this one again */ }
        }
        foreach (var pool in cluster.ListPools())
        {
            try { cluster.RemovePool(pool); }
            catch (RbdException) { }
        }
    }
}
