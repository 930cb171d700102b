using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Remove-RbdImage [-Spec] pool/image: rbd rm (refused while the image has snapshots); with -Trash, rbd trash mv
/// (the image keeps its id, snapshots and clones, and may be restored until it is removed from the trash).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "RbdImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = SpecSet)]
public sealed class RemoveRbdImageCommand : RbdImageCmdlet
{
    protected override SpecKind Kind => SpecKind.Image;

    /// <summary>Moves the image to the trash instead (rbd trash mv).</summary>
    [Parameter]
    public SwitchParameter Trash { get; set; }

    /// <summary>With -Trash: how long it must stay there before it may be removed without -Force (rbd trash mv --expires-at).</summary>
    [Parameter]
    public TimeSpan Delay { get; set; }

    protected override void ProcessTarget()
    {
        var spec = Target;
        if (Trash || MyInvocation.BoundParameters.ContainsKey(nameof(Delay)))
        {
            MoveToTrash(spec);
            return;
        }
        if (!ShouldRun(RbdCommandLine.Rbd("rm", RbdCommandLine.Arg(spec.ToString())), $"remove image '{spec}'")) return;
        Connection.RemoveImage(spec.Pool, spec.Image!);
    }

    private void MoveToTrash(ImageSpec spec)
    {
        if (Delay < TimeSpan.Zero)
            throw new RbdException(RbdErrno.EINVAL, spec.ToString(), $"-Delay must not be negative (it is {Delay}).") { ErrorId = "InvalidDelay" };
        string expires = Delay == TimeSpan.Zero ? ""
            : "--expires-at " + RbdCommandLine.Arg((DateTime.UtcNow + Delay).ToString("yyyy-MM-dd HH:mm:ss' UTC'", System.Globalization.CultureInfo.InvariantCulture));
        if (!ShouldRun(RbdCommandLine.Rbd("trash", "mv", RbdCommandLine.Arg(spec.ToString()), expires), $"move image '{spec}' to the trash")) return;
        Connection.MoveToTrash(spec.Pool, spec.Image!, Delay);
    }
}
