namespace RbdPowerShell.Engine.OpenStack;

/// <summary>What kind of leftover a leak finding is.</summary>
public enum LeakKind
{
    /// <summary>An image no record and no naming rule accounts for (or named like OpenStack's, but no record has it).</summary>
    UnaccountedImage,
    /// <summary>&lt;uuid&gt;_disk of a server the Nova records no longer have.</summary>
    OrphanedServerDisk,
    /// <summary>Nova's temporary &lt;uuid&gt; snapshot or Cinder's .clone_snap with no clone.</summary>
    UnusedTemporarySnapshot,
    /// <summary>A backup.&lt;id&gt;.snap.&lt;time&gt; older than the newest one of its volume, or of no backup.</summary>
    StaleBackupSnapshot,
    /// <summary>volume-&lt;uuid&gt;.deleted whose clones are gone.</summary>
    DeletedVolumeWithoutClones,
    /// <summary>volume-&lt;uuid&gt;.backup.base whose volume and backups are gone.</summary>
    OrphanedBackupBase,
    /// <summary>A protected snapshot nothing is cloned from (Glance's snap and Cinder's snapshots aside).</summary>
    UnusedProtectedSnapshot,
    /// <summary>A Glance, Nova or Cinder record whose rbd image (or snapshot) is missing.</summary>
    RecordWithoutImage,
}

/// <summary>
/// One finding of the leak audit: what is suspect (Spec: an image, a snapshot, or the image a record names), why,
/// and the cleanup as rbd command lines (lines starting with '#' are steps rbd does not do, such as forgetting a record).
/// </summary>
public sealed record LeakFinding
{
    public required LeakKind Kind { get; init; }
    public required string Spec { get; init; }
    public required string Reason { get; init; }
    public IReadOnlyList<string> Steps { get; init; } = Array.Empty<string>();
    public OpenStackKind OpenStackKind { get; init; }
    /// <summary>For RecordWithoutImage: the record's type (GlanceImage, NovaServer, CinderVolume, ...) and id.</summary>
    public string? RecordType { get; init; }
    public string? RecordId { get; init; }

    public override string ToString() => $"{Kind} {Spec}";
}
