using System.Management.Automation;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.Ceph;

namespace RbdPowerShell;

/// <summary>
/// A connected cluster (Connect-RbdCluster): an embedded store directory or a Ceph cluster through librbd.
/// Disconnect-RbdCluster closes it; using it afterwards fails with ClusterDisconnected.
/// </summary>
public sealed class RbdCluster
{
    private IRbdCluster? connection;

    internal RbdCluster(IRbdCluster connection, string backend, string key, CephConnectOptions? ceph = null)
    {
        this.connection = connection;
        Backend = backend;
        Key = key;
        Location = connection.Location;
        Fsid = connection.Fsid;
        ClientId = ceph?.ClientId;
        Namespace = string.IsNullOrEmpty(ceph?.Namespace) ? null : ceph.Namespace;
    }

    /// <summary>Where the cluster is: the store directory (embedded) or a ceph.conf path.</summary>
    public string Location { get; }

    /// <summary>The cluster's fsid, used in Glance rbd:// locations.</summary>
    public Guid Fsid { get; }

    /// <summary>"Embedded" for the SQLite store, "Ceph" for a cluster reached through librbd.</summary>
    public string Backend { get; }

    /// <summary>The Ceph client id (rbd --id); null for the embedded store.</summary>
    public string? ClientId { get; }

    /// <summary>The RBD namespace every pool is seen through (rbd --namespace); null for the default one.</summary>
    public string? Namespace { get; }

    /// <summary>False once Disconnect-RbdCluster has closed it.</summary>
    public bool IsConnected => Volatile.Read(ref connection) is not null;

    /// <summary>The engine connection the cmdlets talk to; a disconnected cluster throws ClusterDisconnected.</summary>
    [Hidden]
    public IRbdCluster Connection => Volatile.Read(ref connection) ?? throw RbdErrors.Disconnected(this);

    /// <summary>The cluster in words, for -WhatIf and messages: "Ceph cluster at conf as client.admin in namespace ns".</summary>
    internal string Description =>
        $"{Backend} cluster at {Location}" + (ClientId is null ? "" : $" as client.{ClientId}") +
        (Namespace is null ? "" : $" in namespace '{Namespace}'");

    /// <summary>
    /// An rbd command line as it must be typed for this cluster: with a namespace, every rbd call gets
    /// <c>--namespace ns</c> (the pool commands become rbd namespace create/remove, see New-/Remove-RbdPool).
    /// </summary>
    internal string CommandLine(string command) => Namespace is null ? command
        : System.Text.RegularExpressions.Regex.Replace(command, @"(^|&& |\| )rbd (?!namespace )", "$1rbd --namespace " + RbdCommandLine.Arg(Namespace) + " ");

    /// <summary>What the session knows it by: the store directory or the Ceph locator.</summary>
    internal string Key { get; }

    /// <summary>Marks the cluster disconnected and hands back the connection to close (null if it already was).</summary>
    internal IRbdCluster? Detach() => Interlocked.Exchange(ref connection, null);

    public override string ToString() => Location;
}
