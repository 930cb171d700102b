using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Remove-RbdSnapshot [-Spec] pool/image@snap: rbd snap rm (refused while protected).</summary>
[Cmdlet(VerbsCommon.Remove, "RbdSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = SpecSet)]
public sealed class RemoveRbdSnapshotCommand : RbdSnapshotCmdlet
{
    protected override SpecKind Kind => SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, RbdCommandLine.Rbd("snap", "rm", RbdCommandLine.Arg(spec.ToString())), $"remove snapshot '{spec}'",
               image => image.RemoveSnapshot(spec.Snapshot!));
    }
}
