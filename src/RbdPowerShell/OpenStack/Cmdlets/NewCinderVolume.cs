using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// New-CinderVolume [-Name] name [[-SizeGB] n] [-Snapshot s | -SourceVolume v | -Image i]: cinder create, blank
/// (rbd create volume-&lt;id&gt;) or from one source: a snapshot (clone, flattened when
/// rbd_flatten_volume_from_snapshot), a volume (clone of a .clone_snap, or a full copy when rbd_max_clone_depth
/// is 0; flattened at the maximum depth) or a Glance image (clone of its snap). Larger sizes are resized to.
/// </summary>
[Cmdlet(VerbsCommon.New, "CinderVolume", SupportsShouldProcess = true, DefaultParameterSetName = BlankSet)]
[OutputType(typeof(CinderVolume))]
public sealed class NewCinderVolumeCommand : OpenStackCmdlet
{
    private const string BlankSet = "Blank";
    private const string SnapshotSet = "FromSnapshot";
    private const string VolumeSet = "FromVolume";
    private const string ImageSet = "FromImage";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The size in GB (default: 1 for a blank volume, the source's size otherwise).</summary>
    [Parameter(Position = 1)]
    [ValidateRange(1, int.MaxValue)]
    public int? SizeGB { get; set; }

    /// <summary>The CinderSnapshot to create the volume from, or its id or name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SnapshotSet)]
    [ArgumentCompleter(typeof(CinderSnapshotCompleter))]
    public object? Snapshot { get; set; }

    /// <summary>The CinderVolume to copy, or its id or name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = VolumeSet)]
    [ArgumentCompleter(typeof(CinderVolumeCompleter))]
    public object? SourceVolume { get; set; }

    /// <summary>The GlanceImage to create the volume from, or its id or name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ImageSet)]
    [ArgumentCompleter(typeof(GlanceImageCompleter))]
    public object? Image { get; set; }

    protected override void ProcessTarget()
    {
        string? snapshot = Snapshot is null ? null : IdOf(Snapshot, "Cinder snapshot");
        string? volume = SourceVolume is null ? null : IdOf(SourceVolume, "Cinder volume");
        string? image = Image is null ? null : IdOf(Image, "Glance image");
        RunAndWrite(context => CinderVolumeWorkflows.Create(context, Name, SizeGB, snapshot, volume, image));
    }
}
