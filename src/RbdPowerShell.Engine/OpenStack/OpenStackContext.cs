using System.Globalization;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// What the workflows work with: the cluster (through the librbd-shaped seam only), the services' database and
/// settings, and the backup cluster. Also the lookups every workflow needs (by UUID or by unique name).
/// </summary>
public sealed class OpenStackContext
{
    private readonly Func<string, IRbdCluster> _openCluster;

    /// <param name="openCluster">Opens another cluster by locator (the backup cluster of the settings).</param>
    public OpenStackContext(IRbdCluster cluster, OpenStackDatabase database, Func<string, IRbdCluster> openCluster)
    {
        Cluster = cluster;
        Database = database;
        _openCluster = openCluster;
        Settings = database.Settings;
    }

    public IRbdCluster Cluster { get; }
    public OpenStackDatabase Database { get; }
    public OpenStackSettings Settings { get; }

    /// <summary>The cluster of backup_ceph_conf (the same cluster when none is set).</summary>
    public IRbdCluster BackupCluster =>
        Settings.BackupCluster is { } location ? OpenCluster(location) : Cluster;

    /// <summary>New UUIDs (replaceable in tests).</summary>
    public Func<string> NewId { get; init; } = () => Guid.NewGuid().ToString();
    public Func<DateTime> Clock { get; init; } = () => DateTime.UtcNow;
    public Action<TimeSpan> Sleep { get; init; } = Thread.Sleep;

    // ---- lookups --------------------------------------------------------------------------------

    public GlanceImage Image(string idOrName) => Lookup<GlanceImage>(idOrName, "Glance image", "Get-GlanceImage");
    public NovaServer Server(string idOrName) => Lookup<NovaServer>(idOrName, "Nova server", "Get-NovaServer");
    public CinderVolume Volume(string idOrName) => Lookup<CinderVolume>(idOrName, "Cinder volume", "Get-CinderVolume");
    public CinderSnapshot Snapshot(string idOrName) => Lookup<CinderSnapshot>(idOrName, "Cinder snapshot", "Get-CinderSnapshot");
    public CinderBackup Backup(string idOrName) => Lookup<CinderBackup>(idOrName, "Cinder backup", "Get-CinderBackup");

    private T Lookup<T>(string idOrName, string what, string lister) where T : class, IOpenStackRecord
    {
        if (Database.Find<T>(idOrName) is { } byId) return byId;
        var named = Database.List<T>().Where(r => r.Name == idOrName).ToList();
        return named.Count switch
        {
            1 => named[0],
            0 => throw new RbdException(RbdErrno.ENOENT, idOrName,
                $"No {what} has the id or name '{idOrName}'. List them with {lister}.")
            { ErrorId = typeof(T).Name + "NotFound" },
            _ => throw new RbdException(RbdErrno.EINVAL, idOrName,
                $"{named.Count} {what}s are named '{idOrName}' ({string.Join(", ", named.Select(r => r.Id))}); give the id instead.")
            { ErrorId = "AmbiguousName" },
        };
    }

    /// <summary>Saves a record and returns it (a plan's last step).</summary>
    public T Save<T>(T record) where T : class, IOpenStackRecord
    {
        Database.Save(record);
        return record;
    }

    /// <summary>A cluster by locator (<see cref="IRbdCluster.Locator"/>): this one, the backup cluster, or another.</summary>
    public IRbdCluster OpenCluster(string locator) => locator == Cluster.Locator ? Cluster : _openCluster(locator);

    // ---- rbd helpers shared by the workflows ------------------------------------------------------

    internal static string Rbd(params string[] args) => RbdCommandLine.Rbd(args.Where(a => a.Length > 0).Select(RbdCommandLine.Arg).ToArray());

    internal static string Size(ulong bytes) => RbdCommandLine.Size(bytes);

    internal static ulong GiB(int gb) => (ulong)gb << 30;

    /// <summary>Whole GiB, rounded up (Cinder and Nova sizes).</summary>
    internal static int ToGB(ulong bytes) => (int)((bytes + (1UL << 30) - 1) >> 30);

    /// <summary>Whether pool/image exists: one open, not a listing of every pool and image.</summary>
    internal bool ImageExists(IRbdCluster cluster, string pool, string image)
    {
        try
        {
            using var handle = cluster.OpenImage(pool, image);
            return true;
        }
        catch (RbdException ex) when (ex.Errno == RbdErrno.ENOENT)
        {
            return false;
        }
    }

    internal static ImageInfo Stat(IRbdCluster cluster, string pool, string image)
    {
        using var handle = cluster.OpenImage(pool, image);
        return handle.Stat();
    }

    internal static IReadOnlyList<SnapshotInfo> Snapshots(IRbdCluster cluster, string pool, string image)
    {
        using var handle = cluster.OpenImage(pool, image);
        return handle.ListSnapshots();
    }

    internal static IReadOnlyList<ChildSpec> Children(IRbdCluster cluster, string pool, string image, string snapshot)
    {
        using var handle = cluster.OpenImage(pool, image, snapshot);
        return handle.ListChildren();
    }

    internal static void WithImage(IRbdCluster cluster, string pool, string image, Action<IRbdImage> work)
    {
        using var handle = cluster.OpenImage(pool, image);
        work(handle);
    }

    /// <summary>Names the OpenStack objects behind clone specs: "server web (id)", "volume v1 (id)", or the spec.</summary>
    internal string Describe(IEnumerable<ChildSpec> children)
    {
        var servers = Database.List<NovaServer>();
        var volumes = Database.List<CinderVolume>();
        var images = Database.List<GlanceImage>();
        return string.Join(", ", children.Select(child =>
        {
            string spec = child.ToString();
            if (servers.FirstOrDefault(s => s.RootDisk == spec) is { } server) return $"server '{server.Name}' ({server.Id})";
            if (volumes.FirstOrDefault(v => v.RbdImage == spec) is { } volume) return $"volume '{volume.Name}' ({volume.Id})";
            if (images.FirstOrDefault(i => child.Pool == Settings.GlancePool && child.Image == i.Id) is { } image)
                return $"image '{image.Name}' ({image.Id})";
            return $"clone {spec}";
        }));
    }

    /// <summary>
    /// The refusal of an action on something clones depend on (InUseByStore, VolumeIsBusy, SnapshotIsBusy), naming
    /// the servers, volumes or images in the way.
    /// </summary>
    internal RbdException Busy(string errorId, string target, string subject, IReadOnlyList<ChildSpec> children, string of, string advice) =>
        new(RbdErrno.EBUSY, target,
            $"{subject} is {(errorId == "InUseByStore" ? "in use" : "busy")}: {Describe(children)} " +
            $"{(children.Count == 1 ? "is a clone" : "are clones")} of {of}. {advice}")
        { ErrorId = errorId };

    /// <summary>Cinder's backup snapshot name: backup.&lt;backup id&gt;.snap.&lt;time.time()&gt;.</summary>
    internal string BackupSnapshotName(string backupId)
    {
        double seconds = (Clock() - DateTime.UnixEpoch).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"backup.{backupId}.snap.{seconds:0.00}");
    }
}
