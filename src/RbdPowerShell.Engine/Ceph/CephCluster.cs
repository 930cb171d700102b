using System.Runtime.InteropServices;
using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>
/// A real Ceph cluster through librados + librbd (P/Invoke), behind the same seam as the embedded store.
/// With a namespace, the cluster is what that RBD namespace shows: a pool is an rbd pool holding the namespace.
/// </summary>
public sealed partial class CephCluster : IRbdCluster
{
    private readonly RadosHandle _rados;
    private readonly Dictionary<string, IoCtxHandle> _pools = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    private CephCluster(RadosHandle rados, CephConnectOptions options, Guid fsid)
    {
        _rados = rados;
        Options = options;
        Fsid = fsid;
        OpenHandles.Track(rados);
    }

    public CephConnectOptions Options { get; }
    public Guid Fsid { get; }
    public string Location => Options.ConfigFile;
    public string Locator => Options.Locator;

    public IRecordStore OpenRecordStore() => new CephRecordStore(this, Options.RecordPool);
    private string? Namespace => string.IsNullOrEmpty(Options.Namespace) ? null : Options.Namespace;

    /// <summary>
    /// Connects (rados_create + conf + keyring + rados_connect within options.Timeout). Refusals, as RbdException:
    /// CephLibraryMissing (librbd1/librados2 not installed), CephConfigUnreadable, CephConnectTimeout (ETIMEDOUT),
    /// CephAuthenticationFailed (EACCES/EPERM).
    /// </summary>
    public static IRbdCluster Connect(CephConnectOptions options) => CephConnection.Open(options, (rados, fsid) => new CephCluster(rados, options, fsid));

    // ---- pools ----------------------------------------------------------------------------------

    public IReadOnlyList<string> ListPools()
    {
        var buffer = PoolListBuffer();
        return NativeStrings.SplitNames(buffer).Where(IsRbdPoolInView).OrderBy(p => p, StringComparer.Ordinal).ToList();
    }

    private unsafe byte[] PoolListBuffer()
    {
        RequireOpen();
        for (int size = 4096; ; size *= 2)
        {
            var buffer = new byte[size];
            int rc;
            fixed (byte* p = buffer) rc = Rados.rados_pool_list(_rados, p, (nuint)size);
            CephErrors.Check(rc, "Listing the pools of", Location);
            if (rc <= size) return buffer;
        }
    }

    private bool IsRbdPoolInView(string pool)
    {
        using var io = NewIoCtx(pool, inView: false);
        if (io is null || !Applications(io).Contains("rbd")) return false;
        return Namespace is null || NamespaceExists(io);
    }

    private static unsafe List<string> Applications(IoCtxHandle io)
    {
        for (nuint size = 256; ; size *= 2)
        {
            var buffer = new byte[size];
            nuint length = size;
            int rc;
            fixed (byte* p = buffer) rc = Rados.rados_application_list(io, p, ref length);
            if (rc == -34) continue;
            if (rc < 0) return new List<string>();
            return NativeStrings.SplitNames(buffer);
        }
    }

    private bool NamespaceExists(IoCtxHandle io)
    {
        CephErrors.Check(Rbd.rbd_namespace_exists(io, Namespace!, out bool exists), "Looking up namespace", Namespace!);
        return exists;
    }

    public void CreatePool(string pool)
    {
        NameRules.Check(pool, "pool");
        if (Rados.rados_pool_lookup(_rados, pool) >= 0)
        {
            using var existing = NewIoCtx(pool, inView: false)!;
            if (Namespace is null || NamespaceExists(existing)) throw Refusals.PoolExists(pool);
            CephErrors.Check(Rbd.rbd_namespace_create(existing, Namespace), "Creating namespace in", pool);
            return;
        }
        RequireOpen();
        CephErrors.Check(Rados.rados_pool_create(_rados, pool), "Creating pool", pool);
        using var io = NewIoCtx(pool, inView: false)!;
        CephErrors.Check(Rbd.rbd_pool_init(io, false), "rbd pool init", pool);
        if (Namespace is not null) CephErrors.Check(Rbd.rbd_namespace_create(io, Namespace), "Creating namespace in", pool);
    }

    /// <summary>
    /// Removes every image of the pool (clones first), then the namespace, or without one the pool itself
    /// (rados_pool_delete checks nothing, so the refusal for clones in other pools is made here first).
    /// </summary>
    public void RemovePool(string pool)
    {
        var trashed = RestoreTrashForRemoval(pool);
        var images = ListImages(pool);
        try
        {
            foreach (var image in images)
            {
                using var handle = OpenImage(pool, image);
                foreach (var snap in handle.ListSnapshots())
                {
                    using var view = OpenImage(pool, image, snap.Name);
                    var outside = view.ListAllChildren().Where(c => c.Pool != pool).ToList();
                    if (outside.Count > 0) throw Refusals.PoolInUse(pool, outside.Select(c => c.ToString()), $"{image}@{snap.Name}");
                }
            }
        }
        catch
        {
            foreach (var (entry, name) in trashed) MoveToTrash(pool, name, entry.DefermentEnd - DateTime.UtcNow);
            throw;
        }
        if (Namespace is null)
        {
            DropIoCtx(pool);
            CephErrors.Check(Rados.rados_pool_delete(_rados, pool), "Removing pool", pool);
            return;
        }
        PurgeImages(pool, images);
        using var io = NewIoCtx(pool, inView: false)!;
        DropIoCtx(pool);
        CephErrors.Check(Rbd.rbd_namespace_remove(io, Namespace), "Removing namespace from", pool);
    }

    /// <summary>Removes images with their snapshots, clones before their parents.</summary>
    private void PurgeImages(string pool, IReadOnlyList<string> images)
    {
        var left = images.ToList();
        while (left.Count > 0)
        {
            int before = left.Count;
            foreach (var image in left.ToList())
            {
                if (HasChildren(pool, image)) continue;
                using (var handle = OpenImage(pool, image))
                    foreach (var snap in handle.ListSnapshots())
                    {
                        if (snap.Protected) handle.UnprotectSnapshot(snap.Name);
                        handle.RemoveSnapshot(snap.Name);
                    }
                RemoveImage(pool, image);
                left.Remove(image);
            }
            if (left.Count == before) throw Refusals.PoolInUse(pool, left, "one another");
        }
    }

    private bool HasChildren(string pool, string image)
    {
        using var handle = OpenImage(pool, image);
        return handle.ListSnapshots().Any(s =>
        {
            using var view = OpenImage(pool, image, s.Name);
            return view.ListAllChildren().Count > 0;
        });
    }

    // ---- images ---------------------------------------------------------------------------------

    public unsafe IReadOnlyList<string> ListImages(string pool)
    {
        var io = IoCtx(pool);
        var names = NativeLists.Read<ImageSpecNative, string>((ImageSpecNative* p, ref nuint n) => Rbd.rbd_list2(io, p, ref n),
            spec => NativeStrings.Read(spec.Name), Rbd.rbd_image_spec_list_cleanup, "Listing the images of", pool);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public void CreateImage(string pool, string image, ulong size, ImageOptions options)
    {
        NameRules.Check(image, "image", $"{pool}/{image}");
        int order = ImageRules.CheckOrder(options.Order ?? 22, $"{pool}/{image}");
        var features = options.Features ?? RbdFeatures.Default;
        ImageRules.CheckSize(size, order, features, $"{pool}/{image}");
        var io = IoCtx(pool);
        using var native = new NativeImageOptions(order, features);
        int rc = Rbd.rbd_create4(io, image, size, native.Handle);
        if (rc == -17) throw Refusals.ImageExists(pool, image);
        CephErrors.Check(rc, "Creating image", $"{pool}/{image}");
    }

    public void RemoveImage(string pool, string image)
    {
        var io = IoCtx(pool);
        int rc = NativeCallbacks.WithProgress(null, (cb, arg) => Rbd.rbd_remove_with_progress(io, image, cb, arg));
        if (rc == -2) throw Refusals.ImageNotFound(pool, image);
        if (rc == -39)
        {
            using var handle = OpenImage(pool, image);
            throw Refusals.ImageHasSnapshots($"{pool}/{image}", handle.ListSnapshots().Select(s => s.Name));
        }
        CephErrors.Check(rc, "Removing image", $"{pool}/{image}");
    }

    public void RenameImage(string pool, string image, string newName)
    {
        NameRules.Check(newName, "image", $"{pool}/{newName}");
        var io = IoCtx(pool);
        int rc = Rbd.rbd_rename(io, image, newName);
        if (rc == -2) throw Refusals.ImageNotFound(pool, image);
        if (rc == -17) throw Refusals.ImageExists(pool, newName);
        CephErrors.Check(rc, "Renaming image", $"{pool}/{image}");
    }

    public void Clone(string parentPool, string parentImage, string parentSnapshot,
                      string childPool, string childImage, ImageOptions options)
    {
        NameRules.Check(childImage, "image", $"{childPool}/{childImage}");
        string spec = $"{parentPool}/{parentImage}@{parentSnapshot}";
        int order;
        RbdFeatures features;
        using (var parent = OpenImage(parentPool, parentImage))
        {
            var info = parent.Stat();
            var snap = parent.ListSnapshots().FirstOrDefault(s => s.Name == parentSnapshot)
                       ?? throw Refusals.SnapshotNotFound($"{parentPool}/{parentImage}", parentSnapshot);
            if ((info.Features & RbdFeatures.Layering) == 0) throw Refusals.LayeringDisabledForClone($"{parentPool}/{parentImage}", spec);
            if (!snap.Protected) throw Refusals.CloneOfUnprotected(spec);
            order = options.Order ?? info.Order;
            features = options.Features ?? info.Features;
        }
        var childIo = IoCtx(childPool);
        ImageRules.CheckOrder(order, $"{childPool}/{childImage}");
        using var native = new NativeImageOptions(order, features, cloneFormat: 1);
        int rc = Rbd.rbd_clone3(IoCtx(parentPool), parentImage, parentSnapshot, childIo, childImage, native.Handle);
        if (rc == -17) throw Refusals.ImageExists(childPool, childImage);
        CephErrors.Check(rc, "Cloning", spec);
    }

    public IRbdImage OpenImage(string pool, string image, string? snapshot = null) => CephImage.Open(this, pool, image, snapshot);

    /// <summary>rbd ls -l opens each image read-only: a read-write open also registers a watch on the header.</summary>
    public IReadOnlyList<ImageDescription> DescribeImages(string pool, bool includeSnapshots, Action<RbdException>? failed = null) =>
        ImageListing.Describe(this, pool, includeSnapshots, failed, name => CephImage.Open(this, pool, name, null, readOnly: true));

    /// <summary>librbd gives no transactions: the work runs as it is (undo is the caller's).</summary>
    public T Grouped<T>(Func<T> work) => work();

    public T Consistent<T>(Func<T> work) => work();

    // ---- ioctx ----------------------------------------------------------------------------------

    /// <summary>The pool's ioctx (cached, set to the namespace); PoolNotFound when the pool is not in view.</summary>
    internal IoCtxHandle IoCtx(string pool)
    {
        lock (_gate)
        {
            RequireOpen();
            if (_pools.TryGetValue(pool, out var cached)) return cached;
            var io = NewIoCtx(pool, inView: true) ?? throw Refusals.PoolNotFound(pool);
            _pools[pool] = io;
            return io;
        }
    }

    private void DropIoCtx(string pool)
    {
        lock (_gate)
            if (_pools.Remove(pool, out var io)) io.Dispose();
    }

    /// <summary>A new ioctx, or null when the pool does not exist (or, <paramref name="inView"/>, lacks the namespace).</summary>
    private IoCtxHandle? NewIoCtx(string pool, bool inView)
    {
        var io = new IoCtxHandle(_rados);
        int rc = Rados.rados_ioctx_create(_rados, pool, out var raw);
        if (rc == -2) { io.Abandon(); return null; }
        if (rc < 0) { io.Abandon(); CephErrors.Check(rc, "Opening pool", pool); }
        io.Attach(raw);
        if (inView && Namespace is not null)
        {
            if (!NamespaceExists(io)) { io.Dispose(); return null; }
            Rados.rados_ioctx_set_namespace(io, Namespace);
        }
        return io;
    }

    private bool _disposed;

    private void RequireOpen()
    {
        if (_disposed)
            throw new RbdException(RbdErrno.ENOTCONN, Location,
                $"The connection to the cluster in '{Location}' is closed. Connect to it again with Connect-RbdCluster.") { ErrorId = "ClusterDisconnected" };
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var io in _pools.Values) io.Dispose();
            _pools.Clear();
        }
    }
}
