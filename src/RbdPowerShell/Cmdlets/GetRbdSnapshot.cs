using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Get-RbdSnapshot [-Spec] pool/image[@snap]: rbd snap ls (or one snapshot).</summary>
[Cmdlet(VerbsCommon.Get, "RbdSnapshot", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdSnapshot))]
public sealed class GetRbdSnapshotCommand : RbdSnapshotCmdlet
{
    protected override SpecKind Kind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        var imageSpec = spec with { Snapshot = null };
        WriteCommand(RbdCommandLine.Rbd("snap", "ls", RbdCommandLine.Arg(imageSpec.ToString())));
        using var image = OpenImage(imageSpec);
        if (spec.Snapshot is not null)
        {
            WriteObject(DescribeSnapshot(image, spec.Snapshot));
            return;
        }
        foreach (var snapshot in image.ListSnapshots())
            WriteObject(new RbdSnapshot(image.Pool, image.Name, snapshot, TargetCluster));
    }
}
