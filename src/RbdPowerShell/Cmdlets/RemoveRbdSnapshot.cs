using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Remove-RbdSnapshot [-Spec] pool/image@snap: rbd snap rm (refused while protected).
/// Remove-RbdSnapshot [-Spec] pool/image -All: rbd snap purge (every unprotected snapshot; protected ones stay, with a warning).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "RbdSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = SpecSet)]
public sealed class RemoveRbdSnapshotCommand : RbdSnapshotCmdlet
{
    /// <summary>rbd snap purge: every unprotected snapshot of the image.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    protected override SpecKind Kind => All ? SpecKind.Image : SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        if (All)
        {
            Purge(spec);
            return;
        }
        Change(spec, RbdCommandLine.Rbd("snap", "rm", RbdCommandLine.Arg(spec.ToString())), $"remove snapshot '{spec}'",
               image => image.RemoveSnapshot(spec.Snapshot!));
    }

    /// <summary>
    /// Each snapshot is confirmed (and under -WhatIf listed) as its own rbd snap rm. Protected snapshots stay: rbd snap purge
    /// reports them and still exits 0, so here they are a warning, not an error.
    /// </summary>
    private void Purge(ImageSpec spec)
    {
        WriteCommand(RbdCommandLine.Rbd("snap", "purge", RbdCommandLine.Arg(spec.ToString())));
        using var image = OpenImage(spec);
        var result = SnapshotPurge.Run(image, snapshot =>
        {
            var snapSpec = spec with { Snapshot = snapshot.Name };
            return ShouldRun(RbdCommandLine.Rbd("snap", "rm", RbdCommandLine.Arg(snapSpec.ToString())), $"remove snapshot '{snapSpec}'");
        });
        if (result.Protected.Count > 0)
            WriteWarning($"Snapshot(s) {string.Join(", ", result.Protected)} of '{spec}' are protected and were kept: " +
                         "unprotect them with Unprotect-RbdSnapshot to remove them.");
    }
}
