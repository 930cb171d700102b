using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Set-RbdImageMeta [-Spec] pool/image [-Key] key [-Value] value: rbd image-meta set (adds or replaces).</summary>
[Cmdlet(VerbsCommon.Set, "RbdImageMeta", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImageMeta))]
public sealed class SetRbdImageMetaCommand : RbdImageMetaCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = "";

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    public string Value { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessTarget()
    {
        var spec = Target;
        var command = RbdCommandLine.Rbd("image-meta", "set", Arg(spec.ToString()), Arg(Key), Arg(Value));
        if (Change(spec, command, $"set metadata '{Key}' of image '{spec}'", image => image.SetMetadata(Key, Value)) && PassThru)
            WriteObject(Meta(spec, Key, Value));
    }
}
