using RbdPowerShell.Engine.Ceph;
using CephBackend = RbdPowerShell.Engine.Ceph.CephCluster;
using RbdPowerShell.Engine.Embedded;

namespace RbdPowerShell.Engine.Tests;

public enum Backend { Embedded, Ceph }

/// <summary>
/// A fresh, empty cluster for one test and a temporary directory for its files: an embedded store in that
/// directory, or a new RBD namespace on the Ceph cluster $CEPH_CONF names (removed afterwards).
/// </summary>
public sealed class TempStore : IDisposable
{
    public TempStore(Backend backend = Backend.Embedded)
    {
        Backend = backend;
        Directory = Path.Combine(Path.GetTempPath(), "rbdps-test-" + Guid.NewGuid().ToString("n"));
        System.IO.Directory.CreateDirectory(Directory);
        Namespace = backend == Backend.Ceph ? "t" + Guid.NewGuid().ToString("n")[..12] : null;
        Cluster = Open();
    }

    public Backend Backend { get; }
    public string Directory { get; }
    /// <summary>The RBD namespace this test sees the Ceph cluster through.</summary>
    public string? Namespace { get; }
    public IRbdCluster Cluster { get; private set; }

    private IRbdCluster Open() => Backend == Backend.Embedded
        ? EmbeddedCluster.Open(Path.Combine(Directory, "store"))
        : CephBackend.Connect(CephTestCluster.Options(Namespace!));

    /// <summary>The embedded store's own check; nothing to find on Ceph.</summary>
    public IEnumerable<StoreFinding> Check() =>
        Cluster is EmbeddedCluster embedded ? embedded.Check().Findings : Array.Empty<StoreFinding>();

    /// <summary>Closes and reopens the cluster, as a new process would see it.</summary>
    public void Reopen()
    {
        Cluster.Dispose();
        Cluster = Open();
    }

    public void Dispose()
    {
        if (Backend == Backend.Ceph) CephTestCluster.RemoveNamespace(Cluster);
        Cluster.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
