using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Get-GlanceImage [[-Id] id] [-Name name]: glance image-list / image-show.</summary>
[Cmdlet(VerbsCommon.Get, "GlanceImage")]
[OutputType(typeof(GlanceImage))]
public sealed class GetGlanceImageCommand : OpenStackCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ImageId")]
    [ArgumentCompleter(typeof(GlanceImageCompleter))]
    public string? Id { get; set; }

    /// <summary>Only images with this name (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessTarget()
    {
        var context = Context;
        if (Id is not null) WriteObject(context.Image(Id));
        else WriteObject(OpenStackQuery.Matching(context.Database.List<GlanceImage>(), Name), enumerateCollection: true);
    }
}
