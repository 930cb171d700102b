using System.Security.Cryptography;
using RbdPowerShell.Engine.Embedded;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// An OpenStack deployment for the workflow tests: a temp store with the pool openstack, optionally a second temp
/// store as the backup cluster (pool cinder_backup), sequential UUIDs, a clock that ticks one second per reading,
/// sleeps that are recorded instead of slept, and an observer that keeps every command and warning of a run.
/// </summary>
internal sealed class OpenStackTestBed : IDisposable
{
    public const string Pool = "openstack", BackupPool = "cinder_backup";
    public const ulong MiB = 1 << 20, GiB = 1 << 30;

    private readonly TempStore _store;
    private readonly TempStore? _backup;
    private readonly List<IRbdCluster> _opened = new();
    private readonly string _files = Path.Combine(Path.GetTempPath(), "rbdps-files-" + Guid.NewGuid().ToString("n"));
    private int _ids;
    private DateTime _now = new(2017, 6, 1, 8, 0, 0, DateTimeKind.Utc);

    /// <param name="backupBackend">A second cluster for backups, of this backend; null: backups go to this cluster.</param>
    public OpenStackTestBed(Backend backend = Backend.Embedded, Backend? backupBackend = null)
    {
        _store = new TempStore(backend);
        Cluster.CreatePool(Pool);
        Directory.CreateDirectory(_files);
        Database = OpenStackDatabase.Open(Cluster);
        if (backupBackend is { } other)
        {
            _backup = new TempStore(other);
            _backup.Cluster.CreatePool(BackupPool);
            Database.Settings = Database.Settings with { BackupCluster = _backup.Cluster.Locator };
        }
        else Cluster.CreatePool(BackupPool);
        Context = NewContext();
    }

    public IRbdCluster Cluster => _store.Cluster;
    /// <summary>Where backups go: the second store, or this one.</summary>
    public IRbdCluster BackupCluster => _backup?.Cluster ?? Cluster;
    public OpenStackDatabase Database { get; private set; }
    public OpenStackContext Context { get; private set; }
    public List<TimeSpan> Sleeps { get; } = new();
    public RecordingObserver Observer { get; } = new();

    /// <summary>The n-th UUID NewId hands out (1-based).</summary>
    public static string Id(int n) => $"00000000-0000-0000-0000-{n:D12}";
    /// <summary>The UUID the next (ahead = 1) or a later NewId call will return.</summary>
    public string NextId(int ahead = 1) => Id(_ids + ahead);

    /// <summary>Changes the services' settings (as an operator editing the .conf files and restarting).</summary>
    public void Configure(Func<OpenStackSettings, OpenStackSettings> change)
    {
        Database.Settings = change(Database.Settings);
        Context = NewContext();
    }

    /// <summary>Closes and reopens the database, as a new session would.</summary>
    public void ReopenDatabase()
    {
        Database.Dispose();
        Database = OpenStackDatabase.Open(Cluster);
        Context = NewContext();
    }

    private OpenStackContext NewContext() => new(Cluster, Database, OpenCluster)
    {
        NewId = () => Id(++_ids),
        Clock = () => _now = _now.AddSeconds(1),
        Sleep = Sleeps.Add,
    };

    private IRbdCluster OpenCluster(string location)
    {
        if (_backup is not null && location == _backup.Cluster.Locator) return _backup.Cluster;
        var cluster = Ceph.CephConnectOptions.FromLocator(location) is { } options
            ? Ceph.CephCluster.Connect(options) : EmbeddedCluster.Open(location);
        _opened.Add(cluster);
        return cluster;
    }

    public T Run<T>(WorkflowPlan<T> plan) => plan.Run(Observer);

    // ---- workflows with test data -------------------------------------------------------------

    public static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new System.Random(seed).NextBytes(data);
        return data;
    }

    public string WriteFile(byte[] data, string name = "image.raw")
    {
        string path = Path.Combine(_files, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>The default image: 9 MiB + 5 bytes of random data (two 8 MiB chunks, the last one partial).</summary>
    public static readonly byte[] ImageData = RandomBytes((int)(9 * MiB) + 5, 1);

    /// <summary>Uploads <paramref name="data"/> (by default <see cref="ImageData"/>) as a Glance image.</summary>
    public GlanceImage Upload(string name = "cirros", byte[]? data = null, string diskFormat = "raw") =>
        Run(GlanceWorkflows.Upload(Context, name, WriteFile(data ?? ImageData, name + ".img"), diskFormat));

    /// <summary>
    /// The fast path (seed §2.2): a queued record, the data imported straight into the Glance pool under its id,
    /// snap + protect, then the location added (this cluster's rbd://fsid/pool/id/snap unless another fsid is given).
    /// </summary>
    public GlanceImage Imported(string name, ulong size, byte[] data, Guid? fsid = null)
    {
        var queued = Run(GlanceWorkflows.Upload(Context, name, null));
        Cluster.CreateImage(Pool, queued.Id, size, ImageOptions.Default);
        using (var handle = Cluster.OpenImage(Pool, queued.Id))
        {
            handle.Write(0, data);
            handle.CreateSnapshot("snap");
            handle.ProtectSnapshot("snap");
        }
        return Run(GlanceWorkflows.AddLocation(Context, queued.Id, GlanceLocation.For(fsid ?? Cluster.Fsid, Pool, queued.Id, "snap")));
    }

    public NovaServer Boot(string name, GlanceImage image, int? rootGB = null) =>
        Run(NovaWorkflows.Boot(Context, name, image.Id, rootGB));

    public CinderVolume Volume(string name, int? sizeGB = null, string? snapshot = null, string? source = null, string? image = null) =>
        Run(CinderVolumeWorkflows.Create(Context, name, sizeGB, snapshot, source, image));

    public CinderSnapshot Snapshot(CinderVolume volume, string name) => Run(CinderSnapshotWorkflows.Create(Context, volume.Id, name));

    public CinderBackup Backup(CinderVolume volume, bool incremental = false) =>
        Run(CinderBackupWorkflows.Backup(Context, volume.Id, incremental));

    // ---- what the rbd layer shows ---------------------------------------------------------------

    public static (string Pool, string Image, string? Snap) Split(string spec)
    {
        var parsed = ImageSpec.Parse(spec);
        return (parsed.Pool, parsed.Image!, parsed.Snapshot);
    }

    public ImageInfo Info(string spec, IRbdCluster? cluster = null)
    {
        var (pool, image, snap) = Split(spec);
        using var handle = (cluster ?? Cluster).OpenImage(pool, image, snap);
        return handle.Stat();
    }

    public string? Parent(string spec) => Info(spec).Parent?.ToString();

    public IReadOnlyList<SnapshotInfo> Snaps(string spec, IRbdCluster? cluster = null)
    {
        var (pool, image, _) = Split(spec);
        using var handle = (cluster ?? Cluster).OpenImage(pool, image);
        return handle.ListSnapshots();
    }

    public IReadOnlyList<string> SnapNames(string spec, IRbdCluster? cluster = null) => Snaps(spec, cluster).Select(s => s.Name).ToList();

    public IReadOnlyList<string> Children(string snapshotSpec)
    {
        var (pool, image, snap) = Split(snapshotSpec);
        using var handle = Cluster.OpenImage(pool, image, snap);
        return handle.ListChildren().Select(c => c.ToString()).ToList();
    }

    public bool Exists(string spec, IRbdCluster? cluster = null)
    {
        var (pool, image, _) = Split(spec);
        cluster ??= Cluster;
        return cluster.ListPools().Contains(pool) && cluster.ListImages(pool).Contains(image);
    }

    public void Write(string spec, ulong offset, byte[] data)
    {
        var (pool, image, _) = Split(spec);
        using var handle = Cluster.OpenImage(pool, image);
        handle.Write(offset, data);
    }

    public byte[] Read(string spec, ulong offset, int length, IRbdCluster? cluster = null)
    {
        var (pool, image, snap) = Split(spec);
        using var handle = (cluster ?? Cluster).OpenImage(pool, image, snap);
        var buffer = new byte[length];
        Assert.Equal(length, handle.Read(offset, buffer));
        return buffer;
    }

    /// <summary>Bytes stored in the image itself (whole objects, as du reports them), what it reads from parents excluded.</summary>
    public ulong OwnBytes(string spec)
    {
        var (pool, image, snap) = Split(spec);
        using var handle = Cluster.OpenImage(pool, image, snap);
        ulong used = 0;
        handle.DiffIterate(null, 0, handle.Stat().Size, includeParent: false, wholeObject: true, (_, length, exists) =>
        {
            if (exists) used += length;
        });
        return used;
    }

    /// <summary>
    /// The logical content of an image (parents included): its size and the hash of every non-zero 1 MiB block,
    /// independent of object size and of how the data was allocated.
    /// </summary>
    public string Content(string spec, IRbdCluster? cluster = null)
    {
        var (pool, image, snap) = Split(spec);
        using var handle = (cluster ?? Cluster).OpenImage(pool, image, snap);
        ulong size = handle.Stat().Size;
        var blocks = new SortedSet<ulong>();
        handle.DiffIterate(null, 0, size, includeParent: true, wholeObject: false, (offset, length, exists) =>
        {
            if (!exists) return;
            for (ulong block = offset / MiB; block * MiB < offset + length; block++) blocks.Add(block);
        });
        var lines = new List<string> { "size " + size };
        var buffer = new byte[MiB];
        foreach (var block in blocks)
        {
            int n = handle.Read(block * MiB, buffer);
            var data = buffer.AsSpan(0, n);
            if (data.ContainsAnyExcept((byte)0)) lines.Add($"{block} {Convert.ToHexString(SHA256.HashData(data))[..16]}");
        }
        return string.Join("\n", lines);
    }

    /// <summary>The data of <see cref="Content"/> without the size (for images of different sizes).</summary>
    public static string Blocks(string content) => content[(content.IndexOf('\n') + 1)..];

    /// <summary>Everything a refused workflow must leave alone: images, parents, snapshots, protection, children, records.</summary>
    public string State()
    {
        var lines = new List<string>();
        foreach (var cluster in new[] { Cluster }.Concat(_backup is null ? Array.Empty<IRbdCluster>() : new[] { _backup.Cluster }))
            foreach (var pool in cluster.ListPools())
                foreach (var image in cluster.ListImages(pool))
                {
                    using var handle = cluster.OpenImage(pool, image);
                    var info = handle.Stat();
                    lines.Add($"{pool}/{image} {info.Size} parent={info.Parent}");
                    foreach (var snap in handle.ListSnapshots())
                    {
                        using var at = cluster.OpenImage(pool, image, snap.Name);
                        lines.Add($"  @{snap.Name} protected={snap.Protected} children={string.Join(",", at.ListChildren())}");
                    }
                }
        lines.AddRange(Database.List<GlanceImage>().Select(r => r.ToString()));
        lines.AddRange(Database.List<NovaServer>().Select(r => r.ToString()));
        lines.AddRange(Database.List<CinderVolume>().Select(r => r.ToString()));
        lines.AddRange(Database.List<CinderSnapshot>().Select(r => r.ToString()));
        lines.AddRange(Database.List<CinderBackup>().Select(r => r.ToString()));
        return string.Join("\n", lines);
    }

    /// <summary>The plan's rbd command lines, without the '#' lines that only say what happens.</summary>
    public static List<string> RbdSteps<T>(WorkflowPlan<T> plan) => plan.Commands.Where(c => !c.StartsWith('#')).ToList();

    public void Dispose()
    {
        Database.Dispose();
        foreach (var cluster in _opened) cluster.Dispose();
        _backup?.Dispose();
        _store.Dispose();
        try { Directory.Delete(_files, true); } catch (IOException) { }
    }
}

/// <summary>Keeps what a plan run reports: each command as it starts, progress requests, warnings.</summary>
internal sealed class RecordingObserver : IPlanObserver
{
    public List<string> Commands { get; } = new();
    public List<string> Warnings { get; } = new();

    public void Running(string command) => Commands.Add(command);
    public ProgressHandler? Progress(string command) => null;
    public void Warning(string message) => Warnings.Add(message);
}
