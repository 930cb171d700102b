namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// The glance-api.conf / nova.conf / cinder.conf options the workflows read. Defaults follow the seed
/// (one pool, openstack, for Glance, Nova and Cinder; backups in cinder_backup on the same cluster).
/// Where today's upstream code behaves differently from the seed's, the seed is the default and the
/// upstream behaviour is a setting named as the upstream option (or <see cref="UpstreamBehavior"/>
/// where upstream has no option for it).
/// </summary>
public sealed record OpenStackSettings
{
    /// <summary>glance-api.conf [glance_store] rbd_store_pool.</summary>
    public string GlancePool { get; init; } = "openstack";
    /// <summary>nova.conf [libvirt] images_rbd_pool.</summary>
    public string NovaPool { get; init; } = "openstack";
    /// <summary>cinder.conf rbd_pool.</summary>
    public string CinderPool { get; init; } = "openstack";
    /// <summary>cinder.conf backup_ceph_pool.</summary>
    public string BackupPool { get; init; } = "cinder_backup";
    /// <summary>cinder.conf backup_ceph_conf: the backup cluster's location (a store directory); null: the same cluster.</summary>
    public string? BackupCluster { get; init; }

    /// <summary>glance rbd_store_chunk_size: the upload chunk and the object size of Glance images (8 MiB).</summary>
    public ulong RbdStoreChunkSize { get; init; } = 8UL << 20;
    /// <summary>cinder rbd_max_clone_depth: clones deeper than this are flattened; 0 or less means full copies.</summary>
    public int RbdMaxCloneDepth { get; init; } = 5;
    /// <summary>cinder rbd_flatten_volume_from_snapshot.</summary>
    public bool RbdFlattenVolumeFromSnapshot { get; init; }
    /// <summary>glance rbd_thin_provisioning (upstream): all-zero chunks are not written on upload.</summary>
    public bool RbdThinProvisioning { get; init; }
    /// <summary>nova rbd_destroy_volume_retries: attempts to remove a busy disk (seed 10, upstream 12).</summary>
    public int RbdDestroyVolumeRetries { get; init; } = 10;
    /// <summary>nova rbd_destroy_volume_retry_interval in seconds (seed 1, upstream 5).</summary>
    public double RbdDestroyVolumeRetryInterval { get; init; } = 1;
    /// <summary>cinder backup_ceph_chunk_size: the chunk of a full (non-diff) backup or restore copy (128 MiB).</summary>
    public ulong BackupCephChunkSize { get; init; } = 128UL << 20;
    /// <summary>cinder enable_deferred_deletion: a deleted volume goes to the rbd trash (rbd trash mv) instead of rbd rm.</summary>
    public bool EnableDeferredDeletion { get; init; }
    /// <summary>cinder deferred_deletion_delay in seconds: how long a deleted volume stays protected in the trash.</summary>
    public double DeferredDeletionDelay { get; init; }
    /// <summary>
    /// Today's Cinder RBD driver delete (Cinder 24.0.0, 2024.1; no option turns it off): a volume is removed with
    /// rbd rm even with enable_deferred_deletion; one whose image has snapshots Cinder does not manage has the clones
    /// of them flattened and goes to the trash (for deferred_deletion_delay when enabled, otherwise none); a snapshot
    /// delete flattens the volumes cloned from the snapshot first. False (the seed's): VolumeIsBusy and SnapshotIsBusy.
    /// </summary>
    public bool CinderFlattenOnDelete { get; init; }
    /// <summary>
    /// Today's glance_store delete (4.6.0, 2023.2; no option turns it off): an image that still has snapshots once
    /// its snap is gone goes to the rbd trash instead of failing rbd rm with ImageHasSnapshots.
    /// </summary>
    public bool GlanceTrashOnDelete { get; init; }

    /// <summary>
    /// Today's upstream behaviour where no option names it: Nova refuses a flavor smaller than the image
    /// (FlavorDiskSmallerThanImage) and only grows the disk; Nova's delete removes only the nova-resize
    /// snapshot and leaves a busy disk with a warning; Cinder counts clone depth only through *.clone_snap
    /// parents; a full Cinder backup gets a base image of its own (volume-&lt;volume&gt;.backup.&lt;backup&gt;) and a failed
    /// diff transfer fails it. False (the seed's behaviour): Nova resizes the disk to the flavor's root size, removes
    /// every snapshot of the server's disks, Cinder counts every parent and keeps one backup base per volume.
    /// </summary>
    public bool UpstreamBehavior { get; init; }

    /// <summary>What upstream OpenStack uses where the seed differs (for Set-OpenStackRbdConfig -Upstream).</summary>
    public OpenStackSettings AsUpstream() => this with
    {
        UpstreamBehavior = true,
        CinderFlattenOnDelete = true,
        GlanceTrashOnDelete = true,
        RbdThinProvisioning = true,
        RbdDestroyVolumeRetries = 12,
        RbdDestroyVolumeRetryInterval = 5,
    };

    public static readonly OpenStackSettings Default = new();

    /// <summary>Refuses settings no OpenStack service would start with.</summary>
    public OpenStackSettings Validated()
    {
        foreach (var (name, pool) in new[] { ("glance", GlancePool), ("nova", NovaPool), ("cinder", CinderPool), ("backup", BackupPool) })
            NameRules.Check(pool, $"{name} pool");
        if (RbdStoreChunkSize == 0 || (RbdStoreChunkSize & (RbdStoreChunkSize - 1)) != 0 || RbdStoreChunkSize < 4096 || RbdStoreChunkSize > 32UL << 20)
            throw Invalid("RbdStoreChunkSize", "a power of two from 4K to 32M (rbd_store_chunk_size is in MiB: 1, 2, 4, 8, 16 or 32)");
        if (BackupCephChunkSize == 0)
            throw Invalid("BackupCephChunkSize", "more than zero bytes");
        if (RbdDestroyVolumeRetries < 0)
            throw Invalid("RbdDestroyVolumeRetries", "zero or more");
        if (DeferredDeletionDelay < 0 || double.IsNaN(DeferredDeletionDelay) || DeferredDeletionDelay > TimeSpan.MaxValue.TotalSeconds / 2)
            throw Invalid("DeferredDeletionDelay", "zero or more seconds");
        if (RbdDestroyVolumeRetryInterval < 0 || double.IsNaN(RbdDestroyVolumeRetryInterval))
            throw Invalid("RbdDestroyVolumeRetryInterval", "zero or more seconds");
        return this;
    }

    private static RbdException Invalid(string setting, string what) =>
        new(RbdErrno.EINVAL, setting, $"{setting} must be {what}.") { ErrorId = "InvalidSetting" };
}
