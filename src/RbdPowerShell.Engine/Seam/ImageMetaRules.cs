using System.Globalization;
using System.Text.RegularExpressions;

namespace RbdPowerShell.Engine;

/// <summary>
/// rbd image-meta set: keys are free text, except <c>conf_&lt;option&gt;</c>, an image-level override of an rbd_* client
/// option, which librbd 16.2 accepts only for the options `rbd config image list` shows and only with a value of that
/// option's type. Checked on both backends before the change, so both refuse alike.
/// </summary>
public static partial class ImageMetaRules
{
    public const string ConfPrefix = "conf_";

    private static readonly HashSet<string> Booleans = Words("""
        balance_parent_reads balance_snap_reads blkin_trace_all blocklist_on_break_lock cache
        cache_block_writes_upfront cache_writethrough_until_flush clone_copy_on_read disable_zero_copy_writes
        enable_alloc_hint invalidate_object_map_on_timeout journal_object_writethrough_until_flush
        localize_parent_reads localize_snap_reads mirroring_resync_after_disconnect move_parent_to_trash_on_remove
        move_to_trash_on_remove non_blocking_aio parent_cache_enabled skip_partial_discard
        """);

    private static readonly HashSet<string> Integers = Words("""
        atime_update_interval blocklist_expire_seconds cache_max_dirty cache_max_dirty_object cache_size
        cache_target_dirty concurrent_management_ops discard_granularity_bytes io_scheduler_simple_max_delay
        journal_max_concurrent_object_sets journal_max_payload_bytes journal_object_flush_bytes
        journal_object_flush_interval journal_object_max_in_flight_appends mirroring_delete_delay
        mirroring_max_mirroring_snapshots mirroring_replay_delay move_to_trash_on_remove_expire_seconds
        mtime_update_interval persistent_cache_size qos_bps_burst qos_bps_burst_seconds qos_bps_limit qos_iops_burst
        qos_iops_burst_seconds qos_iops_limit qos_read_bps_burst qos_read_bps_burst_seconds qos_read_bps_limit
        qos_read_iops_burst qos_read_iops_burst_seconds qos_read_iops_limit qos_schedule_tick_min qos_write_bps_burst
        qos_write_bps_burst_seconds qos_write_bps_limit qos_write_iops_burst qos_write_iops_burst_seconds
        qos_write_iops_limit quiesce_notification_attempts readahead_disable_after_bytes readahead_max_bytes
        readahead_trigger_requests request_timed_out_seconds sparse_read_threshold_bytes
        """);

    private static readonly HashSet<string> Decimals = Words("""
        cache_max_dirty_age journal_commit_age journal_object_flush_age
        """);

    private static readonly HashSet<string> Texts = Words("""
        default_map_options persistent_cache_path plugins
        """);

    private static readonly Dictionary<string, string> Choices = new()
    {
        ["rbd_cache_policy"] = "writethrough|writeback|writearound",
        ["rbd_compression_hint"] = "none|compressible|incompressible",
        ["rbd_default_snapshot_quiesce_mode"] = "required|ignore-error|skip",
        ["rbd_io_scheduler"] = "none|simple",
        ["rbd_persistent_cache_mode"] = "disabled|rwl|ssd",
        ["rbd_read_from_replica_policy"] = "default|balance|localize",
    };

    private static HashSet<string> Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => "rbd_" + w).ToHashSet(StringComparer.Ordinal);

    /// <summary>Refuses an empty key, a conf_ key naming no image-level option, and an option value of the wrong type.</summary>
    public static void Check(string spec, string key, string value)
    {
        if (key.Length == 0) throw Refusals.ImageMetaKeyMissing(spec);
        if (key.Length <= ConfPrefix.Length || !key.StartsWith(ConfPrefix, StringComparison.Ordinal)) return;
        string option = key[ConfPrefix.Length..];
        bool valid = option switch
        {
            _ when Booleans.Contains(option) => value.Equals("true", StringComparison.OrdinalIgnoreCase)
                || value.Equals("false", StringComparison.OrdinalIgnoreCase) || long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            _ when Integers.Contains(option) => IntegerPattern().IsMatch(value),
            _ when Decimals.Contains(option) => double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _),
            _ when Texts.Contains(option) => true,
            _ when Choices.TryGetValue(option, out var choices) => choices.Split('|').Contains(value),
            _ => throw Refusals.ImageMetaOverrideNotAllowed(spec, key),
        };
        if (!valid) throw Refusals.InvalidImageMetaValue(spec, key, value);
    }

    /// <summary>A count with an optional SI unit, as Ceph's option parser takes it (10, 10K, 64M).</summary>
    [GeneratedRegex("^[0-9]+[KMGTPE]?$")]
    private static partial Regex IntegerPattern();
}
