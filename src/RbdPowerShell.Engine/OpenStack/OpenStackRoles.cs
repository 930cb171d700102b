using System.Text.RegularExpressions;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>What an rbd image or snapshot is to OpenStack.</summary>
public enum OpenStackKind
{
    Unknown,
    /// <summary>glance_pool/&lt;image uuid&gt;: a Glance image's data.</summary>
    GlanceImage,
    /// <summary>&lt;image uuid&gt;@snap: the protected snapshot Glance hands out for clones.</summary>
    GlanceSnapshot,
    /// <summary>nova_pool/&lt;server uuid&gt;_disk.</summary>
    NovaRootDisk,
    /// <summary>cinder_pool/volume-&lt;uuid&gt;.</summary>
    CinderVolume,
    /// <summary>volume-&lt;uuid&gt;@snapshot-&lt;uuid&gt;: a Cinder snapshot.</summary>
    VolumeSnapshot,
    /// <summary>volume-&lt;uuid&gt;.backup.base (or a full backup's volume-&lt;uuid&gt;.backup.&lt;backup uuid&gt;).</summary>
    BackupBase,
    /// <summary>backup.&lt;id&gt;.snap.&lt;timestamp&gt;: a backup's snapshot on the volume or its restore point on the base.</summary>
    BackupSnapshot,
    /// <summary>Nova's &lt;uuid&gt; snapshot of a disk during a server snapshot, or Cinder's volume-&lt;uuid&gt;.clone_snap.</summary>
    TemporarySnapshot,
    /// <summary>volume-&lt;uuid&gt;.deleted: a deleted volume Cinder keeps while clones of it exist.</summary>
    DeletedVolume,
}

/// <summary>
/// The role of an image or snapshot: its kind, the OpenStack id and name behind it, and whether a record says so
/// (FromRecord) or only the naming conventions of Glance, Nova and Cinder do.
/// </summary>
public sealed record OpenStackRole(OpenStackKind Kind, string? Id, string? Name, bool FromRecord, string Description)
{
    public static readonly OpenStackRole Unknown = new(OpenStackKind.Unknown, null, null, false, "no record or naming rule");
}

/// <summary>
/// Tells what rbd images and snapshots are to OpenStack: from the Glance, Nova and Cinder records when there are
/// any, otherwise from the names the services give them (glance_store's &lt;uuid&gt;@snap; Nova's &lt;uuid&gt;_disk and
/// its uuid4().hex snapshots; Cinder's volume-&lt;uuid&gt;, snapshot-&lt;uuid&gt;, volume-&lt;uuid&gt;.clone_snap,
/// volume-&lt;uuid&gt;.deleted, volume-&lt;uuid&gt;.backup.base and backup.&lt;id&gt;.snap.&lt;time.time()&gt;).
/// </summary>
public sealed class OpenStackRoles
{
    private const string Uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    private static readonly Regex UuidName = new($"^{Uuid}$");
    private static readonly Regex NovaSnapshotName = new($"^(?:{Uuid}|[0-9a-fA-F]{{32}})$");
    private static readonly Regex DiskName = new($"^({Uuid})_disk$");
    private static readonly Regex VolumeName = new($"^volume-({Uuid})(\\.deleted)?$");
    private static readonly Regex BackupImageName = new($"^volume-({Uuid})\\.backup\\.(base|{Uuid})$");
    private static readonly Regex VolumeSnapshotName = new($"^snapshot-({Uuid})$");
    private static readonly Regex CloneSnapName = new($"^volume-({Uuid})\\.clone_snap$");
    // cinder/backup/drivers/ceph.py backup_snapshot_name_pattern.
    private static readonly Regex BackupSnapName = new(@"^backup\.([a-z0-9\-]+?)\.snap\.(.+)$");

    private readonly Dictionary<string, GlanceImage> _glanceBySpec = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NovaServer> _serverByDisk;
    private readonly Dictionary<string, CinderVolume> _volumeByImage;
    private readonly Dictionary<string, CinderSnapshot> _snapshotBySpec;
    private readonly Dictionary<string, CinderBackup> _backupById;

    public OpenStackRoles(OpenStackDatabase database)
    {
        Settings = database.Settings;
        Images = database.List<GlanceImage>();
        Servers = database.List<NovaServer>();
        Volumes = database.List<CinderVolume>();
        Snapshots = database.List<CinderSnapshot>();
        Backups = database.List<CinderBackup>();
        foreach (var image in Images)
            _glanceBySpec[GlanceSpec(image) ?? $"{Settings.GlancePool}/{image.Id}"] = image;
        _serverByDisk = Servers.GroupBy(s => s.RootDisk).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _volumeByImage = Volumes.GroupBy(v => v.RbdImage).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _snapshotBySpec = Snapshots.GroupBy(s => s.RbdSnapshot).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _backupById = Backups.ToDictionary(b => b.Id, StringComparer.Ordinal);
    }

    public OpenStackSettings Settings { get; }
    public IReadOnlyList<GlanceImage> Images { get; }
    public IReadOnlyList<NovaServer> Servers { get; }
    public IReadOnlyList<CinderVolume> Volumes { get; }
    public IReadOnlyList<CinderSnapshot> Snapshots { get; }
    public IReadOnlyList<CinderBackup> Backups { get; }

    /// <summary>Whether the services kept any record here (if not, only names can tell).</summary>
    public bool HasRecords => Images.Count + Servers.Count + Volumes.Count + Snapshots.Count + Backups.Count > 0;

    /// <summary>pool/image of a Glance image's location (the image named by its id for the legacy form), or null.</summary>
    public string? GlanceSpec(GlanceImage image)
    {
        if (image.Location is null) return null;
        try
        {
            var location = GlanceLocation.Parse(image.Location, Settings.GlancePool);
            return $"{location.Pool}/{location.Image}";
        }
        catch (RbdException) { return null; }
    }

    public OpenStackRole OfImage(string pool, string image)
    {
        string spec = $"{pool}/{image}";
        if (_glanceBySpec.TryGetValue(spec, out var glance))
            return new(OpenStackKind.GlanceImage, glance.Id, glance.Name, true, $"Glance image '{glance.Name}' ({glance.Id})");
        if (_serverByDisk.TryGetValue(spec, out var server))
            return new(OpenStackKind.NovaRootDisk, server.Id, server.Name, true, $"root disk of server '{server.Name}' ({server.Id})");
        if (_volumeByImage.TryGetValue(spec, out var volume))
            return new(OpenStackKind.CinderVolume, volume.Id, volume.Name, true, $"volume '{volume.Name}' ({volume.Id})");

        if (UuidName.IsMatch(image))
            return new(OpenStackKind.GlanceImage, image, null, false, $"Glance image {image} (by name)");
        if (DiskName.Match(image) is { Success: true } disk)
            return new(OpenStackKind.NovaRootDisk, disk.Groups[1].Value, null, false, $"root disk of server {disk.Groups[1].Value} (by name)");
        if (VolumeName.Match(image) is { Success: true } vol)
        {
            string id = vol.Groups[1].Value;
            return vol.Groups[2].Success
                ? new(OpenStackKind.DeletedVolume, id, null, false, $"deleted volume {id}, kept for its clones")
                : new(OpenStackKind.CinderVolume, id, null, false, $"volume {id} (by name)");
        }
        if (BackupImageName.Match(image) is { Success: true } backup)
        {
            string id = backup.Groups[1].Value;
            bool fromRecord = Backups.Any(b => b.BaseImage == spec);
            return new(OpenStackKind.BackupBase, id, null, fromRecord,
                backup.Groups[2].Value == "base" ? $"backup base of volume {id}" : $"full backup {backup.Groups[2].Value} of volume {id}");
        }
        return OpenStackRole.Unknown;
    }

    public OpenStackRole OfSnapshot(string pool, string image, string snapshot, OpenStackRole imageRole)
    {
        string spec = $"{pool}/{image}@{snapshot}";
        if (_snapshotBySpec.TryGetValue(spec, out var cinder))
            return new(OpenStackKind.VolumeSnapshot, cinder.Id, cinder.Name, true, $"volume snapshot '{cinder.Name}' ({cinder.Id})");
        if (imageRole.Kind == OpenStackKind.GlanceImage && snapshot == GlanceWorkflows.SnapshotName)
            return new(OpenStackKind.GlanceSnapshot, imageRole.Id, imageRole.Name, imageRole.FromRecord, $"the clone source of {imageRole.Description}");
        if (BackupId(snapshot) is { } backupId)
        {
            var record = _backupById.GetValueOrDefault(backupId);
            return new(OpenStackKind.BackupSnapshot, backupId, record?.Name, record is not null,
                record is null ? $"snapshot of backup {backupId} (no backup record)" : $"snapshot of backup '{record.Name}' ({backupId})");
        }
        if (CloneSnapName.Match(snapshot) is { Success: true } clone)
            return new(OpenStackKind.TemporarySnapshot, clone.Groups[1].Value, null, false, $"Cinder's clone source of volume {clone.Groups[1].Value}");
        if (imageRole.Kind == OpenStackKind.NovaRootDisk && NovaSnapshotName.IsMatch(snapshot))
            return new(OpenStackKind.TemporarySnapshot, imageRole.Id, null, false, $"Nova's temporary snapshot of server {imageRole.Id}");
        if (VolumeSnapshotName.Match(snapshot) is { Success: true } named)
            return new(OpenStackKind.VolumeSnapshot, named.Groups[1].Value, null, false, $"volume snapshot {named.Groups[1].Value} (by name)");
        return OpenStackRole.Unknown;
    }

    /// <summary>The backup id of a backup.&lt;id&gt;.snap.&lt;timestamp&gt; snapshot, or null.</summary>
    public static string? BackupId(string snapshot) =>
        BackupSnapName.Match(snapshot) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The timestamp part of a backup snapshot's name, as a number (0 when it is not one).</summary>
    public static double BackupTime(string snapshot) =>
        BackupSnapName.Match(snapshot) is { Success: true } m &&
        double.TryParse(m.Groups[2].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : 0;
}
