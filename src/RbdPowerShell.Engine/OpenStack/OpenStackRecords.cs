namespace RbdPowerShell.Engine.OpenStack;

/// <summary>A record the OpenStack services keep in their databases (Glance, Nova, Cinder), by UUID.</summary>
public interface IOpenStackRecord
{
    string Id { get; }
    string Name { get; }
    DateTime CreatedAt { get; }
}

/// <summary>A Glance image: queued (no data yet), active (data in RBD behind Location), or deleted.</summary>
public sealed record GlanceImage : IOpenStackRecord
{
    public required string Id { get; init; }
    public string Name { get; init; } = "";
    /// <summary>raw, qcow2, ... (only raw images are cloneable).</summary>
    public string DiskFormat { get; init; } = "raw";
    public string ContainerFormat { get; init; } = "bare";
    public ulong Size { get; init; }
    /// <summary>The MD5 of the uploaded data (hex), or null when it was not uploaded through Glance.</summary>
    public string? Checksum { get; init; }
    /// <summary>queued or active.</summary>
    public string Status { get; init; } = "queued";
    /// <summary>rbd://fsid/pool/image/snap, or null while queued.</summary>
    public string? Location { get; init; }
    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}

/// <summary>A Nova server whose root disk is an RBD image (<c>nova_pool/&lt;id&gt;_disk</c>).</summary>
public sealed record NovaServer : IOpenStackRecord
{
    public required string Id { get; init; }
    public string Name { get; init; } = "";
    public string ImageId { get; init; } = "";
    public int RootGB { get; init; }
    /// <summary>The root disk's image spec, pool/&lt;id&gt;_disk.</summary>
    public string RootDisk { get; init; } = "";
    /// <summary>Clone (copy-on-write from the Glance image) or Download (the whole image written).</summary>
    public string BootMethod { get; init; } = "";
    public string Status { get; init; } = "ACTIVE";
    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}

/// <summary>A Cinder volume: the RBD image <c>cinder_pool/volume-&lt;id&gt;</c>.</summary>
public sealed record CinderVolume : IOpenStackRecord
{
    public required string Id { get; init; }
    public string Name { get; init; } = "";
    public int SizeGB { get; init; }
    /// <summary>The volume's image spec, pool/volume-&lt;id&gt;.</summary>
    public string RbdImage { get; init; } = "";
    public string? SnapshotId { get; init; }
    public string? SourceVolumeId { get; init; }
    public string? ImageId { get; init; }
    public string Status { get; init; } = "available";
    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}

/// <summary>A Cinder snapshot: the protected RBD snapshot <c>volume-&lt;volume&gt;@snapshot-&lt;id&gt;</c>.</summary>
public sealed record CinderSnapshot : IOpenStackRecord
{
    public required string Id { get; init; }
    public string Name { get; init; } = "";
    public string VolumeId { get; init; } = "";
    public int SizeGB { get; init; }
    /// <summary>The snapshot's spec, pool/volume-&lt;volume&gt;@snapshot-&lt;id&gt;.</summary>
    public string RbdSnapshot { get; init; } = "";
    public string Status { get; init; } = "available";
    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}

/// <summary>
/// A Cinder backup in the backup cluster: a snapshot of <c>volume-&lt;volume&gt;.backup.base</c> (diff backups)
/// or the image <c>volume-&lt;volume&gt;.backup.&lt;id&gt;</c> (a full copy, when the diff path failed).
/// </summary>
public sealed record CinderBackup : IOpenStackRecord
{
    public required string Id { get; init; }
    public string Name { get; init; } = "";
    public string VolumeId { get; init; } = "";
    /// <summary>The backup this one is incremental to, or null.</summary>
    public string? ParentId { get; init; }
    public bool IsIncremental { get; init; }
    public int SizeGB { get; init; }
    /// <summary>The backup's image spec in the backup cluster (backup_pool/volume-&lt;volume&gt;.backup.base).</summary>
    public string BaseImage { get; init; } = "";
    /// <summary>backup.&lt;id&gt;.snap.&lt;timestamp&gt;: the restore point on the base (and the source snapshot).</summary>
    public string SnapshotName { get; init; } = "";
    /// <summary>Diff (export-diff | import-diff) or Full (a chunked copy).</summary>
    public string Method { get; init; } = "Diff";
    /// <summary>The backup cluster's location, as the settings named it when the backup was made.</summary>
    public string BackupCluster { get; init; } = "";
    public string Status { get; init; } = "available";
    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}

/// <summary>What Restore-CinderBackup did: which backup went into which volume, by diff or by a full copy, and why.</summary>
public sealed record CinderBackupRestore(string BackupId, string VolumeId, string Method, string Reason);
