using System.Management.Automation;

namespace RbdPowerShell;

/// <summary>
/// Get-RbdCluster: the session's current cluster (nothing before Connect-RbdCluster or after Disconnect-RbdCluster);
/// -All: every cluster open in this process, embedded stores and Ceph connections.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RbdCluster")]
[OutputType(typeof(RbdCluster))]
public sealed class GetRbdClusterCommand : PSCmdlet
{
    /// <summary>Every cluster this process has open, not only the current one.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    protected override void EndProcessing()
    {
        if (All)
        {
            WriteObject(RbdSession.Connected, enumerateCollection: true);
            return;
        }
        var current = RbdSession.Current;
        if (current is null) WriteVerbose("No cluster is connected; run Connect-RbdCluster -Path <dir> or Connect-RbdCluster -ConfigFile <ceph.conf>.");
        else WriteObject(current);
    }
}
