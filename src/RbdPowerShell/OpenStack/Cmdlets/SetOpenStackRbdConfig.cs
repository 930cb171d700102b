using System.Management.Automation;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// Set-OpenStackRbdConfig: changes the rbd options of glance-api.conf, nova.conf and cinder.conf that the workflows
/// read (only the parameters given; -Reset first restores the defaults, -Upstream then applies today's upstream
/// behaviour). -WhatIf shows each option it would set. Writes the new settings.
/// </summary>
[Cmdlet(VerbsCommon.Set, "OpenStackRbdConfig", SupportsShouldProcess = true)]
[OutputType(typeof(OpenStackSettings))]
public sealed class SetOpenStackRbdConfigCommand : OpenStackCmdlet
{
    /// <summary>glance-api.conf rbd_store_pool.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    public string? GlancePool { get; set; }

    /// <summary>nova.conf images_rbd_pool.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    public string? NovaPool { get; set; }

    /// <summary>cinder.conf rbd_pool.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    public string? CinderPool { get; set; }

    /// <summary>cinder.conf backup_ceph_pool (in the backup cluster).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPool { get; set; }

    /// <summary>cinder.conf backup_ceph_conf: an RbdCluster or a store directory; $null or '' means this cluster.</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public object? BackupCluster { get; set; }

    /// <summary>cinder.conf rbd_max_clone_depth (0 or less: volumes from volumes are full copies).</summary>
    [Parameter]
    public int RbdMaxCloneDepth { get; set; }

    /// <summary>cinder.conf rbd_flatten_volume_from_snapshot.</summary>
    [Parameter]
    public bool RbdFlattenVolumeFromSnapshot { get; set; }

    /// <summary>glance-api.conf rbd_store_chunk_size: bytes (8MB) or an rbd size (8M), a power of two from 4K to 32M.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? RbdStoreChunkSize { get; set; }

    /// <summary>cinder.conf enable_deferred_deletion: deleted volumes go to the rbd trash.</summary>
    [Parameter]
    public bool EnableDeferredDeletion { get; set; }

    /// <summary>cinder.conf deferred_deletion_delay, in seconds.</summary>
    [Parameter]
    public double DeferredDeletionDelay { get; set; }

    /// <summary>glance-api.conf rbd_thin_provisioning: all-zero chunks are not written on upload.</summary>
    [Parameter]
    public bool RbdThinProvisioning { get; set; }

    /// <summary>nova.conf rbd_destroy_volume_retries.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int RbdDestroyVolumeRetries { get; set; }

    /// <summary>nova.conf rbd_destroy_volume_retry_interval, in seconds.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double RbdDestroyVolumeRetryInterval { get; set; }

    /// <summary>cinder.conf backup_ceph_chunk_size: bytes (128MB) or an rbd size (128M).</summary>
    [Parameter]
    [ValidateNotNull]
    public object? BackupCephChunkSize { get; set; }

    /// <summary>Today's upstream behaviour where no option names it (see about_RbdPowerShell).</summary>
    [Parameter]
    public bool UpstreamBehavior { get; set; }

    /// <summary>Today's Cinder delete: flatten the clones in the way, fall back to the rbd trash.</summary>
    [Parameter]
    public bool CinderFlattenOnDelete { get; set; }

    /// <summary>Today's glance_store delete: an image with snapshots left goes to the rbd trash.</summary>
    [Parameter]
    public bool GlanceTrashOnDelete { get; set; }

    /// <summary>Applies every upstream default where the seed differs (before the other parameters).</summary>
    [Parameter]
    public SwitchParameter Upstream { get; set; }

    /// <summary>Starts from the defaults (before -Upstream and the other parameters).</summary>
    [Parameter]
    public SwitchParameter Reset { get; set; }

    protected override void ProcessTarget()
    {
        var database = OpenStackSession.Database(TargetCluster);
        var current = database.Settings;
        var plan = OpenStackSettingsChange.Plan(database, Apply(current));
        if (plan.Commands.Count == 0) WriteRecord(current);
        else RunAndWrite(_ => plan);
    }

    private OpenStackSettings Apply(OpenStackSettings settings)
    {
        if (Reset) settings = OpenStackSettings.Default;
        if (Upstream) settings = settings.AsUpstream();
        if (Bound(nameof(GlancePool))) settings = settings with { GlancePool = GlancePool! };
        if (Bound(nameof(NovaPool))) settings = settings with { NovaPool = NovaPool! };
        if (Bound(nameof(CinderPool))) settings = settings with { CinderPool = CinderPool! };
        if (Bound(nameof(BackupPool))) settings = settings with { BackupPool = BackupPool! };
        if (Bound(nameof(BackupCluster))) settings = settings with { BackupCluster = LocationOf(BackupCluster) };
        if (Bound(nameof(RbdMaxCloneDepth))) settings = settings with { RbdMaxCloneDepth = RbdMaxCloneDepth };
        if (Bound(nameof(RbdFlattenVolumeFromSnapshot))) settings = settings with { RbdFlattenVolumeFromSnapshot = RbdFlattenVolumeFromSnapshot };
        if (Bound(nameof(RbdStoreChunkSize))) settings = settings with { RbdStoreChunkSize = ParseSize(RbdStoreChunkSize!, "rbd_store_chunk_size") };
        if (Bound(nameof(RbdThinProvisioning))) settings = settings with { RbdThinProvisioning = RbdThinProvisioning };
        if (Bound(nameof(RbdDestroyVolumeRetries))) settings = settings with { RbdDestroyVolumeRetries = RbdDestroyVolumeRetries };
        if (Bound(nameof(RbdDestroyVolumeRetryInterval))) settings = settings with { RbdDestroyVolumeRetryInterval = RbdDestroyVolumeRetryInterval };
        if (Bound(nameof(BackupCephChunkSize))) settings = settings with { BackupCephChunkSize = ParseSize(BackupCephChunkSize!, "backup_ceph_chunk_size") };
        if (Bound(nameof(EnableDeferredDeletion))) settings = settings with { EnableDeferredDeletion = EnableDeferredDeletion };
        if (Bound(nameof(DeferredDeletionDelay))) settings = settings with { DeferredDeletionDelay = DeferredDeletionDelay };
        if (Bound(nameof(UpstreamBehavior))) settings = settings with { UpstreamBehavior = UpstreamBehavior };
        if (Bound(nameof(CinderFlattenOnDelete))) settings = settings with { CinderFlattenOnDelete = CinderFlattenOnDelete };
        if (Bound(nameof(GlanceTrashOnDelete))) settings = settings with { GlanceTrashOnDelete = GlanceTrashOnDelete };
        return settings;
    }

    private bool Bound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

    /// <summary>-BackupCluster as a location: a cluster's, or a directory's full path; null for this cluster.</summary>
    private string? LocationOf(object? value) => (value is PSObject pso ? pso.BaseObject : value) switch
    {
        null => null,
        RbdCluster cluster => cluster.Connection.Locator,
        string { Length: 0 } => null,
        string directory => ResolvePath(directory),
        DirectoryInfo directory => directory.FullName,
        var other => throw new RbdException(RbdErrno.EINVAL, other.ToString() ?? "",
            $"-BackupCluster takes an RbdCluster (from Connect-RbdCluster) or a store directory, not '{other}'.")
        { ErrorId = "InvalidBackupCluster" },
    };
}
