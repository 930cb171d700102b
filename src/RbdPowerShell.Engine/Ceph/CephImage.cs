using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>An open librbd image (or a read-only view of one of its snapshots) behind the seam.</summary>
internal sealed unsafe partial class CephImage : IRbdImage
{
    private readonly CephCluster _cluster;
    private readonly ImageHandle _handle;

    private CephImage(CephCluster cluster, ImageHandle handle, string pool, string name, string? snapshot)
    {
        _cluster = cluster;
        _handle = handle;
        Pool = pool;
        _openedAs = name;
        Snapshot = snapshot;
    }

    public string Pool { get; }
    /// <summary>The image's name now (a rename through another handle shows here too, as on the embedded store).</summary>
    public string Name => CurrentName() ?? _openedAs;
    private readonly string _openedAs;
    public string? Snapshot { get; }
    /// <summary>rbd's own bulk size: one request per 4 MiB object, instead of four that each cost an OSD op.</summary>
    public int BulkIoSize => 4 << 20;
    private string ImageSpec => $"{Pool}/{Name}";
    private string Spec => Snapshot is null ? ImageSpec : $"{ImageSpec}@{Snapshot}";

    /// <summary>
    /// Opens the head read-write, or a snapshot read-only. A snapshot is opened as the head, read-only, then moved to
    /// the snapshot (rbd_snap_set, as rbd du does): librbd 16.2 handles opened at a snapshot (rbd_open_read_only with
    /// a snapshot name) and closed in quick succession abort or crash the process within a few hundred opens
    /// (std::system_error thrown on librados' io_context_pool thread); moved there with rbd_snap_set they do not.
    /// </summary>
    public static CephImage Open(CephCluster cluster, string pool, string name, string? snapshot, bool readOnly = false)
    {
        var io = cluster.IoCtx(pool);
        var handle = new ImageHandle(io);
        int rc;
        IntPtr raw;
        lock (ImageHandle.OpenClose)
            rc = snapshot is null && !readOnly ? Rbd.rbd_open(io, name, out raw, null) : Rbd.rbd_open_read_only(io, name, out raw, null);
        if (rc < 0)
        {
            handle.Abandon();
            if (rc == -2) throw Refusals.ImageNotFound(pool, name);
            CephErrors.Check(rc, "Opening image", $"{pool}/{name}");
        }
        handle.Attach(raw);
        if (snapshot is not null && Rbd.rbd_snap_set(handle, snapshot) is var set and < 0)
        {
            handle.Dispose();
            if (set == -2) throw Refusals.SnapshotNotFound($"{pool}/{name}", snapshot);
            CephErrors.Check(set, "Opening snapshot", $"{pool}/{name}@{snapshot}");
        }
        return new CephImage(cluster, handle, pool, name, snapshot);
    }

    /// <summary>Opens an image in the trash (it has no name in the pool any more) read-only, at a snapshot when given.</summary>
    public static CephImage OpenInTrash(CephCluster cluster, string pool, TrashEntry entry, string? snapshot = null)
    {
        var io = cluster.IoCtx(pool);
        var handle = new ImageHandle(io);
        int rc;
        IntPtr raw;
        lock (ImageHandle.OpenClose) rc = Rbd.rbd_open_by_id_read_only(io, entry.Id, out raw, null);
        if (rc < 0)
        {
            handle.Abandon();
            if (rc == -2) throw Refusals.TrashEntryNotFound(pool, entry.Id);
            CephErrors.Check(rc, "Opening image", $"{pool}/{entry.Id}");
        }
        handle.Attach(raw);
        if (snapshot is not null && Rbd.rbd_snap_set(handle, snapshot) is var set and < 0)
        {
            handle.Dispose();
            if (set == -2) throw Refusals.SnapshotNotFound($"{pool}/{entry.Name}", snapshot);
            CephErrors.Check(set, "Opening snapshot", $"{pool}/{entry.Name}@{snapshot}");
        }
        return new CephImage(cluster, handle, pool, entry.Name, snapshot);
    }

    private void Check(long rc, string operation) => CephErrors.Check(rc, operation, Spec);

    public ImageInfo Stat()
    {
        Check(Rbd.rbd_stat(_handle, out var info, (nuint)sizeof(ImageInfoNative)), "Reading the info of");
        Check(Rbd.rbd_get_features(_handle, out ulong features), "Reading the features of");
        Check(Rbd.rbd_get_create_timestamp(_handle, out var created), "Reading the creation time of");
        var parent = Parent();
        ulong overlap = 0;
        if (parent is not null) Check(Rbd.rbd_get_overlap(_handle, out overlap), "Reading the parent overlap of");
        return new ImageInfo(Pool, Name, Id(), info.Size, info.Order, (RbdFeatures)features, created.ToDateTime(), parent, overlap, Snapshot);
    }

    private string Id()
    {
        var buffer = NativeStrings.Buffer((p, n) => Rbd.rbd_get_id(_handle, (byte*)p, n), "Reading the id of", Spec, 64);
        return NativeStrings.FromBuffer(buffer);
    }

    private ParentSpec? Parent()
    {
        int rc = Rbd.rbd_get_parent(_handle, out var image, out var snap);
        if (rc == -2) return null;
        Check(rc, "Reading the parent of");
        try
        {
            return new ParentSpec(NativeStrings.Read(image.PoolName), NativeStrings.Read(image.ImageName), NativeStrings.Read(snap.Name),
                                  snap.Id, NativeStrings.Read(image.ImageId));
        }
        finally
        {
            Rbd.rbd_linked_image_spec_cleanup(ref image);
            Rbd.rbd_snap_spec_cleanup(ref snap);
        }
    }

    private string? CurrentName()
    {
        var buffer = new byte[256];
        nuint length = (nuint)buffer.Length;
        int rc;
        fixed (byte* p = buffer) rc = Rbd.rbd_get_name(_handle, p, ref length);
        return rc < 0 ? null : NativeStrings.FromBuffer(buffer);
    }

    private ulong Size()
    {
        Check(Rbd.rbd_get_size(_handle, out ulong size), "Reading the size of");
        return size;
    }

    /// <summary>The bytes available from <paramref name="offset"/>; OutOfRange past the end, as on the embedded store.</summary>
    private ulong Available(ulong offset, ulong length)
    {
        ulong size = Size();
        return offset <= size ? size - offset : throw Refusals.OutOfRange(Spec, offset, length, size);
    }

    private void RequireHead()
    {
        if (Snapshot is not null) throw Refusals.SnapshotReadOnly(Spec);
    }

    /// <summary>The part of [offset, offset+length) inside the image; OutOfRange when offset is past the end.</summary>
    private ulong Clipped(ulong offset, ulong length) => Math.Min(length, Available(offset, length));

    /// <summary>A write must lie inside the image (librbd would clip it) and go to the head.</summary>
    private void CheckWrite(ulong offset, int length)
    {
        RequireHead();
        ulong size = Size();
        if (offset > size || (ulong)length > size - offset) throw Refusals.OutOfRange(Spec, offset, (ulong)length, size);
    }

    public int Read(ulong offset, Span<byte> buffer)
    {
        int n = (int)Clipped(offset, (ulong)buffer.Length);
        int done = 0;
        fixed (byte* p = buffer)
            while (done < n)
            {
                long rc = Check2(Rbd.rbd_read2(_handle, offset + (ulong)done, (nuint)(n - done), p + done, 0), "Reading");
                if (rc == 0) { buffer[done..n].Clear(); break; }
                done += (int)rc;
            }
        return n;
    }

    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        CheckWrite(offset, data.Length);
        int done = 0;
        fixed (byte* p = data)
            while (done < data.Length)
                done += (int)Check2(Rbd.rbd_write2(_handle, offset + (ulong)done, (nuint)(data.Length - done), p + done, 0), "Writing to");
    }

    private long Check2(nint rc, string operation) => CephErrors.Check(rc, operation, Spec);

    public void Discard(ulong offset, ulong length)
    {
        RequireHead();
        ulong clipped = Clipped(offset, length);
        if (clipped > 0) Check(Rbd.rbd_discard(_handle, offset, clipped), "Discarding in");
    }

    public void Resize(ulong size, ProgressHandler? progress = null)
    {
        RequireHead();
        var info = Stat();
        ImageRules.CheckSize(size, info.Order, info.Features, Spec);
        Check(NativeCallbacks.WithProgress(progress, (cb, arg) => Rbd.rbd_resize_with_progress(_handle, size, cb, arg)), "Resizing");
    }

    public void DiffIterate(string? fromSnapshot, ulong offset, ulong length, bool includeParent, bool wholeObject,
                            Action<ulong, ulong, bool> callback)
    {
        if (fromSnapshot is not null)
        {
            var snaps = ListSnapshots();
            var from = snaps.FirstOrDefault(s => s.Name == fromSnapshot) ?? throw Refusals.SnapshotNotFound(ImageSpec, fromSnapshot);
            if (Snapshot is not null && from.Id > snaps.First(s => s.Name == Snapshot).Id)
                throw Refusals.InvalidSnapshotOrder(Spec, fromSnapshot);
        }
        Check(NativeCallbacks.DiffIterate(callback, (cb, arg) =>
            Rbd.rbd_diff_iterate2(_handle, fromSnapshot, offset, length, includeParent ? (byte)1 : (byte)0, wholeObject ? (byte)1 : (byte)0, cb, arg)),
            "Comparing snapshots of");
    }

    public void Flatten(ProgressHandler? progress = null)
    {
        RequireHead();
        if (Parent() is null) throw Refusals.ImageHasNoParent(Spec);
        Check(NativeCallbacks.WithProgress(progress, (cb, arg) => Rbd.rbd_flatten_with_progress(_handle, cb, arg)), "Flattening");
    }

    public IReadOnlyList<ChildSpec> ListChildren() => ListAllChildren().Where(c => c.TrashId is null).ToList();

    public IReadOnlyList<ChildSpec> ListAllChildren()
    {
        if (Snapshot is null) return Array.Empty<ChildSpec>();
        var children = NativeLists.Read<LinkedImageSpecNative, ChildSpec>((LinkedImageSpecNative* p, ref nuint n) => Rbd.rbd_list_children3(_handle, p, ref n),
            child => new ChildSpec(NativeStrings.Read(child.PoolName), NativeStrings.Read(child.ImageName))
                { TrashId = child.Trash != 0 ? NativeStrings.Read(child.ImageId) : null },
            Rbd.rbd_linked_image_spec_list_cleanup, "Listing the children of", Spec);
        return children.OrderBy(c => c.Pool, StringComparer.Ordinal).ThenBy(c => c.Image, StringComparer.Ordinal).ToList();
    }

    public void Dispose() => _handle.Dispose();
}
