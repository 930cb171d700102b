using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>New-RbdSnapshot [-Spec] pool/image@snap: rbd snap create.</summary>
[Cmdlet(VerbsCommon.New, "RbdSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdSnapshot))]
public sealed class NewRbdSnapshotCommand : RbdSnapshotCmdlet
{
    protected override SpecKind Kind => SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, RbdCommandLine.Rbd("snap", "create", RbdCommandLine.Arg(spec.ToString())), $"create snapshot '{spec}'",
               image =>
               {
                   image.CreateSnapshot(spec.Snapshot!);
                   WriteObject(DescribeSnapshot(image, spec.Snapshot!));
               });
    }
}
