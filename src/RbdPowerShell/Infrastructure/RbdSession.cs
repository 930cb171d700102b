using RbdPowerShell.Engine;
using RbdPowerShell.Engine.Embedded;

namespace RbdPowerShell;

/// <summary>
/// The clusters this process has open, by full path (connecting twice to one store reuses one
/// EmbeddedCluster), and the session's current cluster set by Connect-RbdCluster.
/// </summary>
internal static class RbdSession
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, RbdCluster> Open = new(
        OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
    private static RbdCluster? current;

    public const string EmbeddedBackend = "Embedded";

    /// <summary>The session default for -Cluster, or null before Connect-RbdCluster.</summary>
    public static RbdCluster? Current
    {
        get { lock (Gate) return current; }
        set { lock (Gate) current = value; }
    }

    /// <summary>Opens (creating on first use) the embedded store in <paramref name="fullPath"/>, or returns the one already open.</summary>
    public static RbdCluster OpenEmbedded(string fullPath)
    {
        var key = Normalize(fullPath);
        lock (Gate)
        {
            if (Open.TryGetValue(key, out var cluster)) return cluster;
            cluster = new RbdCluster(EmbeddedCluster.Open(key), EmbeddedBackend);
            Open[key] = cluster;
            return cluster;
        }
    }

    /// <summary>Every cluster open in this process.</summary>
    public static IReadOnlyList<RbdCluster> Connected
    {
        get { lock (Gate) return Open.Values.ToList(); }
    }

    /// <summary>Closes every open cluster (module removal).</summary>
    public static void DisconnectAll()
    {
        List<RbdCluster> clusters;
        lock (Gate)
        {
            clusters = Open.Values.ToList();
            Open.Clear();
            current = null;
        }
        foreach (var cluster in clusters)
        {
            try { cluster.Connection.Dispose(); }
            catch (Exception) { /* closing on unload: nothing useful to report */ }
        }
    }

    internal static string Normalize(string fullPath) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(fullPath));
}
