using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Get-CinderSnapshot [[-Id] id] [-Name name] [-VolumeId volume]: cinder snapshot-list / snapshot-show.</summary>
[Cmdlet(VerbsCommon.Get, "CinderSnapshot")]
[OutputType(typeof(CinderSnapshot))]
public sealed class GetCinderSnapshotCommand : OpenStackGetCmdlet<CinderSnapshot>
{
    /// <summary>The snapshot's id or name.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SnapshotId")]
    [ArgumentCompleter(typeof(CinderSnapshotCompleter))]
    public string? Id { get; set; }

    /// <summary>Only snapshots of this volume (its id or name): cinder snapshot-list --volume-id.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(CinderVolumeCompleter))]
    public string? VolumeId { get; set; }

    protected override string? IdOrName => Id;

    protected override CinderSnapshot Lookup(OpenStackContext context, string idOrName) => context.Snapshot(idOrName);

    protected override IEnumerable<CinderSnapshot> Filter(OpenStackContext context, IEnumerable<CinderSnapshot> records) =>
        OfVolume(context, records, VolumeId, s => s.VolumeId);
}
