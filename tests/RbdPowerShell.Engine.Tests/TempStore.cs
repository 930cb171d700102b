using RbdPowerShell.Engine.Embedded;

namespace RbdPowerShell.Engine.Tests;

/// <summary>A fresh embedded store in a temporary directory, deleted afterwards.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Directory = Path.Combine(Path.GetTempPath(), "rbdps-test-" + Guid.NewGuid().ToString("n"));
        Cluster = EmbeddedCluster.Open(Directory);
    }

    public string Directory { get; }
    public EmbeddedCluster Cluster { get; private set; }

    /// <summary>Closes and reopens the store, as a new process would see it.</summary>
    public void Reopen()
    {
        Cluster.Dispose();
        Cluster = EmbeddedCluster.Open(Directory);
    }

    public void Dispose()
    {
        Cluster.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
