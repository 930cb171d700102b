using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Get-GlanceImage [[-Id] id] [-Name name]: glance image-list / image-show.</summary>
[Cmdlet(VerbsCommon.Get, "GlanceImage")]
[OutputType(typeof(GlanceImage))]
public sealed class GetGlanceImageCommand : OpenStackGetCmdlet<GlanceImage>
{
    /// <summary>The image's id or name.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ImageId")]
    [ArgumentCompleter(typeof(GlanceImageCompleter))]
    public string? Id { get; set; }

    protected override string? IdOrName => Id;

    protected override GlanceImage Lookup(OpenStackContext context, string idOrName) => context.Image(idOrName);
}
