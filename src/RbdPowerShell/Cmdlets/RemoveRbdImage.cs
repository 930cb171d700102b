using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Remove-RbdImage [-Spec] pool/image: rbd rm (refused while the image has snapshots).</summary>
[Cmdlet(VerbsCommon.Remove, "RbdImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = SpecSet)]
public sealed class RemoveRbdImageCommand : RbdImageCmdlet
{
    protected override SpecKind Kind => SpecKind.Image;

    protected override void ProcessTarget()
    {
        var spec = Target;
        if (!ShouldRun(RbdCommandLine.Rbd("rm", RbdCommandLine.Arg(spec.ToString())), $"remove image '{spec}'")) return;
        Connection.RemoveImage(spec.Pool, spec.Image!);
    }
}
