using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Protect-RbdSnapshot [-Spec] pool/image@snap: rbd snap protect (needed before cloning).</summary>
[Cmdlet(VerbsSecurity.Protect, "RbdSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdSnapshot))]
public sealed class ProtectRbdSnapshotCommand : RbdSnapshotCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, RbdCommandLine.Rbd("snap", "protect", RbdCommandLine.Arg(spec.ToString())), $"protect snapshot '{spec}'",
               image =>
               {
                   image.ProtectSnapshot(spec.Snapshot!);
                   if (PassThru) WriteObject(DescribeSnapshot(image, spec.Snapshot!));
               });
    }
}
