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
        // Written once the image is closed: a command further down the pipeline may remove it (EBUSY on Ceph while open).
        WriteObject(List(imageSpec, spec.Snapshot), enumerateCollection: true);
    }

    private List<RbdSnapshot> List(ImageSpec imageSpec, string? snapshotName)
    {
        using var image = OpenImage(imageSpec);
        if (snapshotName is not null) return new List<RbdSnapshot> { DescribeSnapshot(image, snapshotName) };
        return image.ListSnapshots().Select(s => new RbdSnapshot(image.Pool, image.Name, s, TargetCluster)).ToList();
    }
}
