using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Remove-RbdImageMeta [-Spec] pool/image [-Key] key: rbd image-meta remove.</summary>
[Cmdlet(VerbsCommon.Remove, "RbdImageMeta", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = SpecSet)]
public sealed class RemoveRbdImageMetaCommand : RbdImageMetaCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = "";

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, RbdCommandLine.Rbd("image-meta", "remove", Arg(spec.ToString()), Arg(Key)),
               $"remove metadata '{Key}' of image '{spec}'", image => image.RemoveMetadata(Key));
    }
}
