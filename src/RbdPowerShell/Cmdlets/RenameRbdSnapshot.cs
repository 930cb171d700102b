using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Rename-RbdSnapshot [-Spec] pool/image@snap [-NewName] snap: rbd snap rename (within its image).</summary>
[Cmdlet(VerbsCommon.Rename, "RbdSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdSnapshot))]
public sealed class RenameRbdSnapshotCommand : RbdSnapshotCmdlet
{
    /// <summary>The new snapshot name (or pool/image@name of the same image).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        var renamed = spec with { Snapshot = NewSnapshotName(spec) };
        var command = RbdCommandLine.Rbd("snap", "rename", RbdCommandLine.Arg(spec.ToString()), RbdCommandLine.Arg(renamed.ToString()));
        RbdSnapshot? result = null;
        if (!Change(spec, command, $"rename snapshot '{spec}' to '{renamed}'", image =>
            {
                image.RenameSnapshot(spec.Snapshot!, renamed.Snapshot!);
                if (PassThru) result = DescribeSnapshot(image, renamed.Snapshot!);
            })) return;
        if (result is not null) WriteObject(result);
    }

    /// <summary>rbd takes the destination as a spec of the same image, or (here) just the new name.</summary>
    private string NewSnapshotName(ImageSpec spec)
    {
        if (!NewName.Contains('@')) return NameRules.Check(NewName, "snapshot", $"{spec with { Snapshot = NewName }}");
        var destination = ImageSpec.Parse(NewName.Contains('/') ? NewName : $"{spec.Pool}/{NewName}", SpecKind.Snapshot);
        if (destination.Pool != spec.Pool || destination.Image != spec.Image)
            throw RbdErrors.Refusal(RbdErrno.EINVAL, "RenameAcrossImages", spec.ToString(),
                $"Snapshot '{spec}' cannot be renamed to '{NewName}': a snapshot is renamed within its image.");
        return destination.Snapshot!;
    }
}
