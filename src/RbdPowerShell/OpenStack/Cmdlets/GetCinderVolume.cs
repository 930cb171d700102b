using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Get-CinderVolume [[-Id] id] [-Name name]: cinder list / cinder show.</summary>
[Cmdlet(VerbsCommon.Get, "CinderVolume")]
[OutputType(typeof(CinderVolume))]
public sealed class GetCinderVolumeCommand : OpenStackGetCmdlet<CinderVolume>
{
    /// <summary>The volume's id or name.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VolumeId")]
    [ArgumentCompleter(typeof(CinderVolumeCompleter))]
    public string? Id { get; set; }

    protected override string? IdOrName => Id;

    protected override CinderVolume Lookup(OpenStackContext context, string idOrName) => context.Volume(idOrName);
}
