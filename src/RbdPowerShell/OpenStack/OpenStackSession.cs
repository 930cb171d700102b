using RbdPowerShell.Engine;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>The OpenStack database of each connected cluster (one per cluster locator).</summary>
internal static class OpenStackSession
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, OpenStackDatabase> Databases = new(StringComparer.Ordinal);

    public static OpenStackDatabase Database(RbdCluster cluster) => Database(cluster.Connection);

    public static OpenStackDatabase Database(IRbdCluster cluster)
    {
        lock (Gate)
        {
            if (!Databases.TryGetValue(cluster.Locator, out var database))
                Databases[cluster.Locator] = database = OpenStackDatabase.Open(cluster);
            return database;
        }
    }

    /// <summary>A context for one call: the cluster, its database and settings as they are now.</summary>
    public static OpenStackContext Context(RbdCluster cluster) =>
        new(cluster.Connection, Database(cluster), locator => RbdSession.OpenByLocator(locator).Connection);

    /// <summary>Closes the database of a cluster being disconnected (the next use of its location opens it again).</summary>
    public static void Close(RbdCluster cluster)
    {
        lock (Gate)
        {
            if (Databases.Remove(cluster.Key, out var database)) database.Dispose();
        }
    }

    public static void CloseAll()
    {
        lock (Gate)
        {
            foreach (var database in Databases.Values) database.Dispose();
            Databases.Clear();
        }
    }
}
