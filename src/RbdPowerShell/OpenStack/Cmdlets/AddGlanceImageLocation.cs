using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Add-GlanceImageLocation [-Image] image [-Location] rbd://fsid/pool/image/snap: glance location-add (the fast path's last step).</summary>
[Cmdlet(VerbsCommon.Add, "GlanceImageLocation", SupportsShouldProcess = true)]
[OutputType(typeof(GlanceImage))]
public sealed class AddGlanceImageLocationCommand : OpenStackCmdlet
{
    /// <summary>The GlanceImage, or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(GlanceImageCompleter))]
    public object? Image { get; set; }

    /// <summary>rbd://fsid/pool/image/snap (or the legacy rbd://image).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Location { get; set; } = "";

    protected override void ProcessTarget() =>
        RunAndWrite(context => GlanceWorkflows.AddLocation(context, IdOf(Image, "Glance image"), Location));
}
