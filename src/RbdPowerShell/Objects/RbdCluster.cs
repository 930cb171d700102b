using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>A connected cluster (Connect-RbdCluster): an embedded store directory for now.</summary>
public sealed class RbdCluster
{
    internal RbdCluster(IRbdCluster connection, string backend)
    {
        Connection = connection;
        Backend = backend;
    }

    /// <summary>Where the cluster is: the store directory (embedded) or a ceph.conf path.</summary>
    public string Location => Connection.Location;

    /// <summary>The cluster's fsid, used in Glance rbd:// locations.</summary>
    public Guid Fsid => Connection.Fsid;

    /// <summary>"Embedded" for the SQLite store.</summary>
    public string Backend { get; }

    /// <summary>The engine connection the cmdlets talk to.</summary>
    [Hidden]
    public IRbdCluster Connection { get; }

    public override string ToString() => Location;
}
