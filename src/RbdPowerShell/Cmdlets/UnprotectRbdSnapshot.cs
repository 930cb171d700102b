using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Unprotect-RbdSnapshot [-Spec] pool/image@snap: rbd snap unprotect (refused while it has clones).</summary>
[Cmdlet(VerbsSecurity.Unprotect, "RbdSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdSnapshot))]
public sealed class UnprotectRbdSnapshotCommand : RbdSnapshotCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, RbdCommandLine.Rbd("snap", "unprotect", RbdCommandLine.Arg(spec.ToString())), $"unprotect snapshot '{spec}'",
               image =>
               {
                   image.UnprotectSnapshot(spec.Snapshot!);
                   if (PassThru) WriteObject(DescribeSnapshot(image, spec.Snapshot!));
               });
    }
}
