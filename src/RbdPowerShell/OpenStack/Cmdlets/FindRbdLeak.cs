using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// Find-RbdLeak: what should not be on the cluster (images and snapshots failed deletes, server snapshots and
/// backups left behind; records of images that are gone), each with why it is suspect and its cleanup as rbd steps.
/// Pipe the findings into Remove-RbdLeak.
/// </summary>
[Cmdlet(VerbsCommon.Find, "RbdLeak")]
[OutputType(typeof(LeakFinding))]
public sealed class FindRbdLeakCommand : OpenStackCmdlet
{
    /// <summary>Only findings of these kinds.</summary>
    [Parameter]
    public LeakKind[]? Kind { get; set; }

    protected override void ProcessTarget()
    {
        WriteCommand("rbd du");
        foreach (var finding in LeakAudit.Run(Context).Where(f => Kind is null || Kind.Contains(f.Kind)))
            WriteRecord(finding);
    }
}
