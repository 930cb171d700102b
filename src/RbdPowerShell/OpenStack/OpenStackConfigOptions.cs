using System.Globalization;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// Each OpenStack setting as the option it is in glance-api.conf, nova.conf or cinder.conf, for the lines
/// Set-OpenStackRbdConfig shows under -WhatIf and -Verbose ("set cinder.conf rbd_max_clone_depth = 2").
/// </summary>
internal static class OpenStackConfigOptions
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
        new("cinder.conf", "backup_ceph_conf", s => s.BackupCluster ?? "(this cluster)"),
        new("cinder.conf", "backup_ceph_pool", s => s.BackupPool),
        new("cinder.conf", "backup_ceph_chunk_size", s => s.BackupCephChunkSize.ToString(CultureInfo.InvariantCulture)),
        // Upstream has no option for these behaviours; the line names the setting itself.
        new("RbdPowerShell", "UpstreamBehavior", s => Bool(s.UpstreamBehavior)),
    };

    /// <summary>The options whose value differs between the two settings, as "set file option = value".</summary>
    public static IEnumerable<string> Changes(OpenStackSettings from, OpenStackSettings to) =>
        All.Where(o => o.Value(from) != o.Value(to)).Select(o => $"set {o.File} {o.Name} = {o.Value(to)}");

    private static string Bool(bool value) => value ? "true" : "false";

    // rbd_store_chunk_size is in MiB.
    private static string Mebibytes(ulong bytes) =>
        bytes % (1UL << 20) == 0 ? (bytes >> 20).ToString(CultureInfo.InvariantCulture) : $"{SizeParser.Format(bytes)} (not a whole MiB)";
}
