using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Restore-RbdSnapshot [-Spec] pool/image@snap: rbd snap rollback (the head becomes the snapshot again).</summary>
[Cmdlet(VerbsData.Restore, "RbdSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class RestoreRbdSnapshotCommand : RbdSnapshotCmdlet
{
    /// <summary>Write the rolled-back image.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, RbdCommandLine.Rbd("snap", "rollback", RbdCommandLine.Arg(spec.ToString())),
               $"roll image '{spec.Pool}/{spec.Image}' back to snapshot '{spec.Snapshot}', discarding its later changes",
               image =>
               {
                   using (var progress = Progress("Rolling back to", spec))
                       image.RollbackSnapshot(spec.Snapshot!, progress.Handler);
                   if (PassThru) WriteObject(Describe(image));
               });
    }
}
