using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Get-RbdImageMeta [-Spec] pool/image [[-Key] key]: rbd image-meta list (or get one key).</summary>
[Cmdlet(VerbsCommon.Get, "RbdImageMeta", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImageMeta))]
public sealed class GetRbdImageMetaCommand : RbdImageMetaCmdlet
{
    /// <summary>One key (rbd image-meta get); none lists them all.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Key { get; set; }

    protected override void ProcessTarget()
    {
        var spec = Target;
        WriteCommand(Key is null ? RbdCommandLine.Rbd("image-meta", "list", Arg(spec.ToString()))
                                 : RbdCommandLine.Rbd("image-meta", "get", Arg(spec.ToString()), Arg(Key)));
        List<RbdImageMeta> found;
        using (var image = OpenImage(spec))
            found = Key is null ? image.ListMetadata().Select(p => Meta(spec, p.Key, p.Value)).ToList()
                                : new List<RbdImageMeta> { Meta(spec, Key, image.GetMetadata(Key)) };
        WriteObject(found, enumerateCollection: true);
    }
}
