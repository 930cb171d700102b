using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>New-CinderSnapshot [-Volume] volume [-Name] name: cinder snapshot-create (snap snapshot-&lt;id&gt; + protect, seconds).</summary>
[Cmdlet(VerbsCommon.New, "CinderSnapshot", SupportsShouldProcess = true)]
[OutputType(typeof(CinderSnapshot))]
public sealed class NewCinderSnapshotCommand : OpenStackCmdlet
{
    /// <summary>The CinderVolume (from Get-CinderVolume), or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(CinderVolumeCompleter))]
    public object? Volume { get; set; }

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    protected override void ProcessTarget() =>
        RunAndWrite(context => CinderSnapshotWorkflows.Create(context, IdOf(Volume, "Cinder volume"), Name));
}
