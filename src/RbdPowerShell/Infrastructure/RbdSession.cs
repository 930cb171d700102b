using RbdPowerShell.Engine;
using RbdPowerShell.Engine.Ceph;
using RbdPowerShell.Engine.Embedded;

namespace RbdPowerShell;

/// <summary>
/// The clusters this process has open, by key: an embedded store's full path or a Ceph connection's locator
/// (connecting twice with one key reuses one connection), and the session's current cluster set by
/// Connect-RbdCluster.
/// </summary>
internal static class RbdSession
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, RbdCluster> Open = new(
        OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
    private static RbdCluster? current;

    public const string EmbeddedBackend = "Embedded";
    public const string CephBackend = "Ceph";

    /// <summary>The session default for -Cluster, or null before Connect-RbdCluster.</summary>
    public static RbdCluster? Current
    {
        get { lock (Gate) return current; }
        set { lock (Gate) current = value; }
    }

    /// <summary>Opens (creating on first use) the embedded store in <paramref name="fullPath"/>, or returns the one already open.</summary>
    public static RbdCluster OpenEmbedded(string fullPath) =>
        OpenOnce(Normalize(fullPath), key => new RbdCluster(EmbeddedCluster.Open(key), EmbeddedBackend, key));

    /// <summary>Connects to a Ceph cluster through librbd, or returns the connection already open for the same locator.</summary>
    public static RbdCluster OpenCeph(CephConnectOptions options) =>
        OpenOnce(options.Locator, key => new RbdCluster(CephCluster.Connect(options), CephBackend, key, options));

    /// <summary>A cluster by its locator (settings and backup records keep one): a Ceph connection or a store directory.</summary>
    public static RbdCluster OpenByLocator(string locator) =>
        CephConnectOptions.FromLocator(locator) is { } options ? OpenCeph(options) : OpenEmbedded(locator);

    private static RbdCluster OpenOnce(string key, Func<string, RbdCluster> connect)
    {
        lock (Gate)
        {
            if (Open.TryGetValue(key, out var cluster)) return cluster;
            cluster = connect(key);
            Open[key] = cluster;
            return cluster;
        }
    }

    /// <summary>Every cluster open in this process.</summary>
    public static IReadOnlyList<RbdCluster> Connected
    {
        get { lock (Gate) return Open.Values.ToList(); }
    }

    /// <summary>
    /// Closes <paramref name="cluster"/>, forgets it and, when it is the current cluster, clears the session default.
    /// Returns false when it was already disconnected.
    /// </summary>
    public static bool Disconnect(RbdCluster cluster)
    {
        IRbdCluster? connection;
        lock (Gate)
        {
            connection = cluster.Detach();
            if (Open.TryGetValue(cluster.Key, out var open) && ReferenceEquals(open, cluster)) Open.Remove(cluster.Key);
            if (ReferenceEquals(current, cluster)) current = null;
        }
        connection?.Dispose();
        return connection is not null;
    }

    /// <summary>Closes every open cluster (module removal).</summary>
    public static void DisconnectAll()
    {
        foreach (var cluster in Connected)
        {
            try { Disconnect(cluster); }
            catch (Exception) { /* closing on unload: nothing useful to report */ }
        }
    }

    internal static string Normalize(string fullPath) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(fullPath));
}
