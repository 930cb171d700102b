using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Rename-RbdImage [-Spec] pool/image [-NewName] image: rbd mv (within its pool).</summary>
[Cmdlet(VerbsCommon.Rename, "RbdImage", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class RenameRbdImageCommand : RbdImageCmdlet
{
    /// <summary>The new image name (or pool/name in the same pool).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.Image;

    protected override void ProcessTarget()
    {
        var spec = Target;
        string newName;
        if (NewName.Contains('/'))
        {
            var destination = ImageSpec.Parse(NewName, SpecKind.Image);
            if (destination.Pool != spec.Pool)
                throw RbdErrors.Refusal(RbdErrno.EINVAL, "RenameAcrossPools", spec.ToString(),
                    $"Image '{spec}' cannot be renamed into pool '{destination.Pool}': an image is renamed within its pool. " +
                    "Use Copy-RbdImage to copy it to another pool.");
            newName = destination.Image!;
        }
        else
        {
            newName = NameRules.Check(NewName, "image", NewName);
        }
        var renamed = spec with { Image = newName };
        var command = RbdCommandLine.Rbd("mv", RbdCommandLine.Arg(spec.ToString()), RbdCommandLine.Arg(renamed.ToString()));
        if (!ShouldRun(command, $"rename image '{spec}' to '{renamed}'")) return;
        Connection.RenameImage(spec.Pool, spec.Image!, newName);
        if (PassThru) WriteObject(Describe(renamed));
    }
}
