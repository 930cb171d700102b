using System.Buffers;

namespace RbdPowerShell.Engine.Embedded;

/// <summary>
/// RADOS-like object operations for the embedded store: reads through the parent chain, and the head
/// object writes librbd issues (write, zero, truncate, remove, copyup) with copy-on-write versions.
/// Object data is never changed in place unless this transaction created it.
/// </summary>
internal sealed class ObjectIo
{
    private readonly StoreIndex _index;
    private readonly BlobStore _blobs;
    private readonly Catalog _catalog;
    private readonly VersionTable _versions;
    private readonly Dictionary<long, View> _parents = new();
    private long _parentsGeneration = -1;

    public ObjectIo(StoreIndex index, BlobStore blobs, Catalog catalog, VersionTable versions)
    {
        _index = index;
        _blobs = blobs;
        _catalog = catalog;
        _versions = versions;
    }

    /// <summary>
    /// The view of a parent snapshot. Reads keep what they resolved while the index stays the same (its generation), so
    /// a read through a deep clone chain looks each link up once, not once per level and per chunk.
    /// </summary>
    public View ParentView(long parentSnap)
    {
        bool cacheable = _index.InRead;
        if (cacheable && _parentsGeneration != _index.Generation)
        {
            _parents.Clear();
            _parentsGeneration = _index.Generation;
        }
        if (cacheable && _parents.TryGetValue(parentSnap, out var known)) return known;
        var snap = _catalog.SnapById(parentSnap);
        var view = new View(_catalog.ImageById(snap.ImageId), snap);
        if (cacheable) _parents[parentSnap] = view;
        return view;
    }

    /// <summary>Reads [offset, offset+buffer.Length) of a view; the range must lie within the view's size.</summary>
    public void Read(View view, ulong offset, Span<byte> buffer)
    {
        ulong objectSize = view.ObjectSize;
        while (buffer.Length > 0)
        {
            long objectNo = (long)(offset >> view.Order);
            ulong objectOffset = offset & (objectSize - 1);
            int n = (int)Math.Min((ulong)buffer.Length, objectSize - objectOffset);
            ReadObject(view, objectNo, objectOffset, buffer[..n]);
            buffer = buffer[n..];
            offset += (ulong)n;
        }
    }

    private void ReadObject(View view, long objectNo, ulong objectOffset, Span<byte> buffer)
    {
        var version = _versions.Visible(view.Image.Id, objectNo, view.EpochLimit);
        if (version is { Present: true })
        {
            ReadVersion(version, objectOffset, buffer);
            return;
        }
        ulong start = ((ulong)objectNo << view.Order) + objectOffset;
        ReadParent(view, start, buffer);
    }

    /// <summary>Reads what a view inherits from its parent at image offset <paramref name="start"/> (zeros past the overlap).</summary>
    private void ReadParent(View view, ulong start, Span<byte> buffer)
    {
        ulong overlap = view.Overlap;
        int inherited = start >= overlap ? 0 : (int)Math.Min((ulong)buffer.Length, overlap - start);
        if (inherited > 0) Read(ParentView(view.ParentSnap!.Value), start, buffer[..inherited]);
        buffer[inherited..].Clear();
    }

    private void ReadVersion(ObjectVersion version, ulong objectOffset, Span<byte> buffer)
    {
        int stored = objectOffset >= version.Size ? 0 : (int)Math.Min((ulong)buffer.Length, version.Size - objectOffset);
        if (stored > 0 && version.Blob is long blob) _blobs.Read(blob, objectOffset, buffer[..stored]);
        else stored = 0;
        buffer[stored..].Clear();
    }

    public ObjectVersion? Visible(View view, long objectNo) => _versions.Visible(view.Image.Id, objectNo, view.EpochLimit);

    /// <summary>The newest snapshot id of the image: the epoch head writes are made in.</summary>
    public long HeadEpoch(long imageId) =>
        Convert.ToInt64(_index.Scalar("SELECT COALESCE(MAX(snap_id), 0) FROM snaps WHERE image_id=$i", ("$i", imageId)));

    /// <summary>How many bytes of the object the head would copy up from its parent (0: none).</summary>
    public static ulong ParentBytes(View view, long objectNo)
    {
        ulong start = (ulong)objectNo << view.Order;
        return start >= view.Overlap ? 0 : Math.Min(view.ObjectSize, view.Overlap - start);
    }

    /// <summary>Writes data into a head object (copying it up from the parent first when it has none).</summary>
    public void Write(View head, long epoch, long objectNo, ulong objectOffset, ReadOnlySpan<byte> data)
    {
        ulong end = objectOffset + (ulong)data.Length;
        var current = _versions.Visible(head.Image.Id, objectNo, long.MaxValue);
        if (current is { Present: true } && current.Epoch == epoch && current.Blob is long own && _index.IsFresh(own))
        {
            ulong size = Math.Max(current.Size, end);
            _blobs.Patch(own, objectOffset, data, size);
            var changed = current.Changed.Clone();
            changed.Insert(objectOffset, (ulong)data.Length);
            _versions.Put(head.Image.Id, current with { Size = size, Changed = changed }, own);
            return;
        }
        if (current is not { Present: true } && ParentBytes(head, objectNo) == 0)
        {
            // A new object with nothing to copy up: the bytes before the write are a hole, no buffer is needed.
            Store(head, epoch, objectNo, current, objectOffset, data, new IntervalSet(0, end));
            return;
        }
        if (objectOffset == 0 && end >= (current is { Present: true } ? current.Size : ParentBytes(head, objectNo)))
        {
            if (current is not { Present: true } && ParentBytes(head, objectNo) > 0) MaterializeSnapshots(head, objectNo);
            Store(head, epoch, objectNo, current, data, new IntervalSet(0, end));
            return;
        }
        var (buffer, baseSize) = Load(head, objectNo, current);
        try
        {
            data.CopyTo(buffer.AsSpan((int)objectOffset));
            Store(head, epoch, objectNo, current, buffer.AsSpan(0, (int)Math.Max(baseSize, end)), new IntervalSet(objectOffset, (ulong)data.Length));
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>
    /// Zeroes a range of a head object within its size (RADOS zero); a range that reaches the object's end
    /// truncates it there instead, as the OSD does.
    /// </summary>
    public void Zero(View head, long epoch, long objectNo, ulong objectOffset, ulong length)
    {
        var current = _versions.Visible(head.Image.Id, objectNo, long.MaxValue);
        if (current is not { Present: true } && ParentBytes(head, objectNo) == 0) return;
        var (buffer, size) = Load(head, objectNo, current);
        try
        {
            if (objectOffset >= size) return;
            ulong end = objectOffset + length;
            if (end >= size)
            {
                buffer.AsSpan((int)objectOffset, (int)(size - objectOffset)).Clear();
                Store(head, epoch, objectNo, current, buffer.AsSpan(0, (int)objectOffset), new IntervalSet(objectOffset, size - objectOffset));
                return;
            }
            buffer.AsSpan((int)objectOffset, (int)length).Clear();
            Store(head, epoch, objectNo, current, buffer.AsSpan(0, (int)size), new IntervalSet(objectOffset, length));
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Sets a head object's size (RADOS truncate), copying it up first in a clone.</summary>
    public void Truncate(View head, long epoch, long objectNo, ulong newSize)
    {
        var current = _versions.Visible(head.Image.Id, objectNo, long.MaxValue);
        if (current is not { Present: true } && ParentBytes(head, objectNo) == 0) return;
        var (buffer, size) = Load(head, objectNo, current);
        try
        {
            if (newSize < size) buffer.AsSpan((int)newSize, (int)(size - newSize)).Clear();
            var changed = newSize < size ? new IntervalSet(newSize, size - newSize) : new IntervalSet(size, newSize - size);
            Store(head, epoch, objectNo, current, buffer.AsSpan(0, (int)newSize), changed);
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Removes a head object (a whiteout when a snapshot still sees an older version).</summary>
    public void Remove(View head, long epoch, long objectNo)
    {
        var current = _versions.Visible(head.Image.Id, objectNo, long.MaxValue);
        if (current is not { Present: true }) return;
        if (current.Epoch == epoch && !_versions.HasOlder(head.Image.Id, objectNo, epoch))
        {
            _versions.Delete(head.Image.Id, current);
            return;
        }
        var changed = ChangedSoFar(current, epoch);
        changed.Insert(0, current.Size);
        _versions.Put(head.Image.Id, new ObjectVersion(objectNo, epoch, false, 0, null, changed),
            current.Epoch == epoch ? current.Blob : null);
    }

    /// <summary>
    /// Rollback of one object: the head takes the version the snapshot sees (sharing its blob); where the
    /// snapshot reads the object from the parent beyond what the head inherits, the head gets a copy of it.
    /// </summary>
    public void Restore(View head, View snapshot, long epoch, IReadOnlyList<ObjectVersion> versions, long objectNo)
    {
        var current = versions.Count > 0 ? versions[^1] : null;
        var wanted = versions.LastOrDefault(v => v.Epoch < snapshot.EpochLimit);
        if (wanted is { Present: true })
        {
            if (ReferenceEquals(wanted, current))
            {
                // The data is already the snapshot's, but librbd's rollback still marks the object updated (fast-diff).
                if (current.Epoch < epoch && current.Blob is long kept) _index.Share(kept);
                if (current.Epoch < epoch) _versions.Put(head.Image.Id, current with { Epoch = epoch, Changed = new IntervalSet() }, null);
                return;
            }
            // Like the OSD's rollback: what changed since the snapshot's version changes back, and any size difference.
            var changed = ChangedSoFar(current, epoch);
            if (current is { Present: true })
            {
                foreach (var v in versions.Where(v => v.Epoch > wanted.Epoch)) changed.UnionWith(v.Changed);
                ulong low = Math.Min(wanted.Size, current.Size), high = Math.Max(wanted.Size, current.Size);
                changed.Insert(low, high - low);
            }
            else changed.Insert(0, wanted.Size);
            if (wanted.Blob is long shared) _index.Share(shared);
            _versions.Put(head.Image.Id, wanted with { Epoch = epoch, Changed = changed },
                current is not null && current.Epoch == epoch ? current.Blob : null);
            return;
        }
        ulong inherited = ParentBytes(snapshot, objectNo);
        var copy = inherited > ParentBytes(head, objectNo) ? CopyFromParent(snapshot, objectNo, inherited) : null;
        if (copy is long blob)
        {
            var changed = ChangedSoFar(current, epoch);
            changed.Insert(0, Math.Max(inherited, current is { Present: true } ? current.Size : 0));
            _versions.Put(head.Image.Id, new ObjectVersion(objectNo, epoch, true, inherited, blob, changed),
                current is not null && current.Epoch == epoch ? current.Blob : null);
        }
        else if (current is { Present: true }) Remove(head, epoch, objectNo);
    }

    /// <summary>
    /// The object's current head content in a rented buffer of one object: its own data, or the parent's
    /// (copied up, after every snapshot that still reads it from the parent got its own copy).
    /// Returns the content's size; the caller returns the buffer to the pool.
    /// </summary>
    private (byte[] Buffer, ulong Size) Load(View head, long objectNo, ObjectVersion? current)
    {
        int objectSize = (int)head.ObjectSize;
        var buffer = ArrayPool<byte>.Shared.Rent(objectSize);
        var content = buffer.AsSpan(0, objectSize);
        if (current is { Present: true })
        {
            ReadVersion(current, 0, content);
            return (buffer, current.Size);
        }
        ulong inherited = ParentBytes(head, objectNo);
        if (inherited == 0)
        {
            content.Clear();
            return (buffer, 0);
        }
        MaterializeSnapshots(head, objectNo);
        ReadParent(head, (ulong)objectNo << head.Order, content);
        return (buffer, content[..(int)inherited].ContainsAnyExcept((byte)0) ? inherited : 0);
    }

    /// <summary>What the head version of this epoch already changed (a new epoch starts with nothing).</summary>
    private static IntervalSet ChangedSoFar(ObjectVersion? current, long epoch) =>
        current is not null && current.Epoch == epoch ? current.Changed.Clone() : new IntervalSet();

    /// <summary>Writes the edited content as a new blob and makes it the head version of this epoch.</summary>
    private void Store(View head, long epoch, long objectNo, ObjectVersion? current, ReadOnlySpan<byte> content, IntervalSet edited) =>
        Store(head, epoch, objectNo, current, 0, content, edited);

    /// <summary>Stores an object whose content is zeros up to <paramref name="at"/>, then <paramref name="content"/>.</summary>
    private void Store(View head, long epoch, long objectNo, ObjectVersion? current, ulong at, ReadOnlySpan<byte> content, IntervalSet edited)
    {
        ulong size = at + (ulong)content.Length;
        var changed = ChangedSoFar(current, epoch);
        if (current is not { Present: true }) changed.Insert(0, size);
        changed.UnionWith(edited);
        long blob = _index.NewBlob();
        _blobs.Create(blob, at, content);
        long? replaced = current is not null && current.Epoch == epoch ? current.Blob : null;
        _versions.Put(head.Image.Id, new ObjectVersion(objectNo, epoch, true, size, blob, changed), replaced);
    }

    /// <summary>
    /// deep-flatten: before a clone's head object stops reading from the parent, every snapshot of the clone
    /// that still reads that object from the parent gets its own copy (clipped to that snapshot's overlap).
    /// </summary>
    public void MaterializeSnapshots(View head, long objectNo)
    {
        var snaps = _catalog.Snaps(head.Image.Id);
        long previous = 0;
        var copies = new Dictionary<ulong, long?>();
        foreach (var snap in snaps)
        {
            long key = previous;
            previous = (long)snap.SnapId;
            var view = new View(head.Image, snap);
            if (snap.ParentSnap is null || ParentBytes(view, objectNo) == 0) continue;
            var seen = _versions.Visible(head.Image.Id, objectNo, view.EpochLimit);
            if (seen is { Present: true }) continue;
            ulong inherited = ParentBytes(view, objectNo);
            if (!copies.TryGetValue(inherited, out var blob))
            {
                blob = CopyFromParent(view, objectNo, inherited);
                copies[inherited] = blob;
            }
            else if (blob is long shared) _index.Share(shared);
            if (blob is null) continue;
            var changed = ChangedSoFar(seen, key);
            changed.Insert(0, inherited);
            _versions.Put(head.Image.Id, new ObjectVersion(objectNo, key, true, inherited, blob, changed),
                seen is not null && seen.Epoch == key ? seen.Blob : null);
        }
    }

    /// <summary>A new blob holding the parent's data for this object, or null when it is all zeros.</summary>
    private long? CopyFromParent(View view, long objectNo, ulong length)
    {
        var parent = ParentView(view.ParentSnap!.Value);
        if (parent.Order == view.Order && Visible(parent, objectNo) is { Present: true, Blob: long source } version)
        {
            long copy = _index.NewBlob();
            return _blobs.CopyPrefix(source, copy, Math.Min(length, version.Size)) ? copy : null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var content = buffer.AsSpan(0, (int)length);
            ReadParent(view, (ulong)objectNo << view.Order, content);
            if (!content.ContainsAnyExcept((byte)0)) return null;
            long blob = _index.NewBlob();
            _blobs.Create(blob, content);
            return blob;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>flatten of one object: the head and every snapshot get their own copy of the parent's data.</summary>
    public void CopyUp(View head, long epoch, long objectNo)
    {
        var current = _versions.Visible(head.Image.Id, objectNo, long.MaxValue);
        MaterializeSnapshots(head, objectNo);
        if (current is { Present: true }) return;
        ulong inherited = ParentBytes(head, objectNo);
        if (inherited == 0) return;
        var blob = CopyFromParent(head, objectNo, inherited);
        if (blob is null) return;
        var changed = ChangedSoFar(current, epoch);
        changed.Insert(0, inherited);
        _versions.Put(head.Image.Id, new ObjectVersion(objectNo, epoch, true, inherited, blob, changed),
            current is not null && current.Epoch == epoch ? current.Blob : null);
    }
}
