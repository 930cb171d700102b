using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Get-RbdChild [-Spec] pool/image@snap: rbd children, as the RbdImage of each clone.</summary>
[Cmdlet(VerbsCommon.Get, "RbdChild", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class GetRbdChildCommand : RbdSnapshotCmdlet
{
    protected override SpecKind Kind => SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        WriteCommand(RbdCommandLine.Rbd("children", RbdCommandLine.Arg(spec.ToString())));
        IReadOnlyList<ChildSpec> children;
        using (var snapshot = OpenImage(spec))
            children = snapshot.ListChildren();
        foreach (var child in children)
            Try(() => WriteObject(Describe(new ImageSpec(child.Pool, child.Image, null))));
    }
}
