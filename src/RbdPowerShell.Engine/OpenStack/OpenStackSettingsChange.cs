using System.Globalization;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// A change of the OpenStack settings as a plan: one step per option whose value changes, written as the option is
/// in glance-api.conf, nova.conf or cinder.conf ("set cinder.conf rbd_max_clone_depth = 2"); running it saves them.
/// </summary>
public static class OpenStackSettingsChange
{
    private sealed record Option(string File, string Name, Func<OpenStackSettings, string> Value);

    private static readonly Option[] All =
    {
        new("glance-api.conf", "rbd_store_pool", s => s.GlancePool),
        new("glance-api.conf", "rbd_store_chunk_size", s => Mebibytes(s.RbdStoreChunkSize)),
        new("glance-api.conf", "rbd_thin_provisioning", s => Bool(s.RbdThinProvisioning)),
        new("nova.conf", "images_rbd_pool", s => s.NovaPool),
        new("nova.conf", "rbd_destroy_volume_retries", s => s.RbdDestroyVolumeRetries.ToString(CultureInfo.InvariantCulture)),
        new("nova.conf", "rbd_destroy_volume_retry_interval", s => s.RbdDestroyVolumeRetryInterval.ToString(CultureInfo.InvariantCulture)),
        new("cinder.conf", "rbd_pool", s => s.CinderPool),
        new("cinder.conf", "rbd_max_clone_depth", s => s.RbdMaxCloneDepth.ToString(CultureInfo.InvariantCulture)),
        new("cinder.conf", "rbd_flatten_volume_from_snapshot", s => Bool(s.RbdFlattenVolumeFromSnapshot)),
        new("cinder.conf", "enable_deferred_deletion", s => Bool(s.EnableDeferredDeletion)),
        new("cinder.conf", "deferred_deletion_delay", s => s.DeferredDeletionDelay.ToString(CultureInfo.InvariantCulture)),
        new("cinder.conf", "backup_ceph_conf", s => s.BackupCluster ?? "(this cluster)"),
        new("cinder.conf", "backup_ceph_pool", s => s.BackupPool),
        new("cinder.conf", "backup_ceph_chunk_size", s => s.BackupCephChunkSize.ToString(CultureInfo.InvariantCulture)),
        // Upstream has no option for these behaviours; the line names the setting itself.
        new("RbdPowerShell", "UpstreamBehavior", s => Bool(s.UpstreamBehavior)),
        new("RbdPowerShell", "CinderFlattenOnDelete", s => Bool(s.CinderFlattenOnDelete)),
        new("RbdPowerShell", "GlanceTrashOnDelete", s => Bool(s.GlanceTrashOnDelete)),
    };

    /// <summary>The change from the database's settings to <paramref name="updated"/> (no steps when nothing changes).</summary>
    public static WorkflowPlan<OpenStackSettings> Plan(OpenStackDatabase database, OpenStackSettings updated)
    {
        var current = database.Settings;
        updated = updated.Validated();
        var plan = new WorkflowPlan<OpenStackSettings>("change the OpenStack rbd settings");
        foreach (var option in All.Where(o => o.Value(current) != o.Value(updated)))
            plan.Add($"set {option.File} {option.Name} = {option.Value(updated)}", () => { });
        return plan.Finish(() =>
        {
            database.Settings = updated;
            return updated;
        });
    }

    private static string Bool(bool value) => value ? "true" : "false";

    // rbd_store_chunk_size is in MiB.
    private static string Mebibytes(ulong bytes) =>
        bytes % (1UL << 20) == 0 ? (bytes >> 20).ToString(CultureInfo.InvariantCulture) : $"{SizeParser.Format(bytes)} (not a whole MiB)";
}
