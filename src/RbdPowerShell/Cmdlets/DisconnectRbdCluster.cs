using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Disconnect-RbdCluster [[-Cluster] RbdCluster]: closes the cluster (default: the session's current one) and its
/// OpenStack database, removes it from Get-RbdCluster -All and, when it was the current cluster, clears the session
/// default. Using it afterwards fails with ClusterDisconnected; disconnecting it again does nothing.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "RbdCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class DisconnectRbdClusterCommand : PSCmdlet
{
    /// <summary>The cluster to close; default: the session's current cluster.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public RbdCluster? Cluster { get; set; }

    protected override void ProcessRecord()
    {
        var cluster = Cluster ?? RbdSession.Current;
        if (cluster is null) ThrowTerminatingError(RbdErrors.NoCluster());
        if (!cluster!.IsConnected)
        {
            WriteVerbose($"The {cluster.Description} is already disconnected.");
            return;
        }
        if (!ShouldProcess(cluster.Description, "Disconnect")) return;
        try
        {
            OpenStackSession.Close(cluster);
            RbdSession.Disconnect(cluster);
        }
        catch (RbdException ex)
        {
            WriteError(RbdErrors.From(ex));
        }
    }
}
