using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// New-NovaServerSnapshot [-Server] server [-Name] name: nova image-create (direct snapshot): snap + protect the
/// disk, clone it into Glance's pool, flatten the clone (the slow part), drop the temporary snapshot, snap + protect
/// the new image. Returns the new GlanceImage.
/// </summary>
[Cmdlet(VerbsCommon.New, "NovaServerSnapshot", SupportsShouldProcess = true)]
[OutputType(typeof(GlanceImage))]
public sealed class NewNovaServerSnapshotCommand : OpenStackCmdlet
{
    /// <summary>The NovaServer (from Get-NovaServer), or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(NovaServerCompleter))]
    public object? Server { get; set; }

    /// <summary>The new Glance image's name.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    protected override void ProcessTarget() =>
        RunAndWrite(context => NovaWorkflows.Snapshot(context, IdOf(Server, "Nova server"), Name));
}
