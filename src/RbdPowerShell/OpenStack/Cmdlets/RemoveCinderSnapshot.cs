using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Remove-CinderSnapshot [-Snapshot] snapshot: cinder snapshot-delete (snap unprotect, snap rm); refused (SnapshotIsBusy) while volumes are clones of it.</summary>
[Cmdlet(VerbsCommon.Remove, "CinderSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveCinderSnapshotCommand : OpenStackCmdlet
{
    /// <summary>The Cinder snapshot (from Get-CinderSnapshot), or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(CinderSnapshotCompleter))]
    public object? Snapshot { get; set; }

    protected override void ProcessTarget() =>
        RunPlan(context => CinderSnapshotWorkflows.Delete(context, IdOf(Snapshot, "Cinder snapshot")), out _);
}
