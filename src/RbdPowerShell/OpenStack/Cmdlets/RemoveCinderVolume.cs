using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Remove-CinderVolume [-Volume] volume: cinder delete (rbd rm volume-&lt;id&gt;); refused while it has Cinder snapshots (VolumeHasSnapshots) or clones (VolumeIsBusy).</summary>
[Cmdlet(VerbsCommon.Remove, "CinderVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveCinderVolumeCommand : OpenStackCmdlet
{
    /// <summary>The Cinder volume (from Get-CinderVolume), or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(CinderVolumeCompleter))]
    public object? Volume { get; set; }

    protected override void ProcessTarget() =>
        RunPlan(context => CinderVolumeWorkflows.Delete(context, IdOf(Volume, "Cinder volume")), out _);
}
