using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// New-NovaServer [-Name] name -Image image [-RootGB n]: nova boot. A cloneable image (raw, rbd location in this
/// cluster) is cloned into nova_pool/&lt;server&gt;_disk in seconds; any other image is downloaded whole.
/// </summary>
[Cmdlet(VerbsCommon.New, "NovaServer", SupportsShouldProcess = true)]
[OutputType(typeof(NovaServer))]
public sealed class NewNovaServerCommand : OpenStackCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The GlanceImage to boot from, or its id or name.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(GlanceImageCompleter))]
    public object? Image { get; set; }

    /// <summary>The flavor's root disk in GB (default: the image's size, at least 1).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? RootGB { get; set; }

    protected override void ProcessTarget() =>
        RunAndWrite(context => NovaWorkflows.Boot(context, Name, IdOf(Image, "Glance image"), RootGB));
}
