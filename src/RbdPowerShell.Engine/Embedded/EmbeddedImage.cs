namespace RbdPowerShell.Engine.Embedded;

/// <summary>An open image of the embedded store: librbd's Image over the store's object versions.</summary>
internal sealed partial class EmbeddedImage : IRbdImage
{
    private readonly EmbeddedCluster _cluster;
    private readonly long _imageId;

    public EmbeddedImage(EmbeddedCluster cluster, long imageId, string pool, string name, string? snapshot)
    {
        _cluster = cluster;
        _imageId = imageId;
        Pool = pool;
        Name = name;
        Snapshot = snapshot;
    }

    public string Pool { get; }
    public string Name { get; private set; }
    public string? Snapshot { get; }

    private Catalog Catalog => _cluster.Catalog;
    private ObjectIo Io => _cluster.Io;
    private StoreIndex Index => _cluster.Index;

    /// <summary>The view this handle reads, resolved afresh (the image may have changed since it was opened).</summary>
    private View CurrentView()
    {
        var image = Catalog.ImageById(_imageId);
        Name = image.Name;
        return new View(image, Snapshot is null ? null : Catalog.Snap(image, Snapshot));
    }

    /// <summary>The head, for changes; refused on a snapshot handle.</summary>
    private View Head()
    {
        var view = CurrentView();
        if (view.Snap is not null)
            throw Refusals.SnapshotReadOnly(view.Spec);
        return view;
    }

    public ImageInfo Stat() => _cluster.Read(() =>
    {
        var view = CurrentView();
        return view.Info(Catalog.ParentOf(view.ParentSnap));
    });

    public int Read(ulong offset, Span<byte> buffer)
    {
        using var scope = Index.Reading();
        var view = CurrentView();
        int n = (int)Math.Min((ulong)buffer.Length, Available(view, offset, (ulong)buffer.Length));
        Io.Read(view, offset, buffer[..n]);
        return n;
    }

    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        using var scope = Index.Writing();
        var head = Head();
        if ((ulong)data.Length > Available(head, offset, (ulong)data.Length))
            throw OutOfRange(head, offset, (ulong)data.Length);
        long epoch = Io.HeadEpoch(head.Image.Id);
        foreach (var (objectNo, objectOffset, done, length) in Pieces(head, offset, (ulong)data.Length))
            Io.Write(head, epoch, objectNo, objectOffset, data.Slice((int)done, (int)length));
        scope.Complete();
    }

    /// <summary>Cuts an image range at object boundaries: (object, offset in it, offset in the range, length).</summary>
    private static IEnumerable<(long ObjectNo, ulong ObjectOffset, ulong Done, ulong Length)> Pieces(View view, ulong offset, ulong length)
    {
        ulong done = 0;
        while (done < length)
        {
            ulong position = offset + done;
            ulong objectOffset = position & (view.ObjectSize - 1);
            ulong n = Math.Min(length - done, view.ObjectSize - objectOffset);
            yield return ((long)(position >> view.Order), objectOffset, done, n);
            done += n;
        }
    }

    /// <summary>
    /// Discards a range the way librbd does with rbd_skip_partial_discard off: whole objects are removed
    /// (truncated to nothing where a parent's data would otherwise show through), object tails truncated,
    /// anything else zeroed.
    /// </summary>
    public void Discard(ulong offset, ulong length)
    {
        _cluster.Write(() =>
        {
            var head = Head();
            if (offset > head.Size) throw OutOfRange(head, offset, length);
            ulong clipped = Math.Min(length, head.Size - offset);
            long epoch = Io.HeadEpoch(head.Image.Id);
            foreach (var (objectNo, objectOffset, _, n) in Pieces(head, offset, clipped))
            {
                if (objectOffset == 0 && n == head.ObjectSize)
                {
                    if (ObjectIo.ParentBytes(head, objectNo) > 0) Io.Truncate(head, epoch, objectNo, 0);
                    else Io.Remove(head, epoch, objectNo);
                }
                else if (objectOffset + n == head.ObjectSize) Io.Truncate(head, epoch, objectNo, objectOffset);
                else Io.Zero(head, epoch, objectNo, objectOffset, n);
            }
        });
    }

    public void Resize(ulong size, ProgressHandler? progress = null) => _cluster.Write(() =>
    {
        var head = Head();
        ImageRules.CheckSize(size, head.Order, head.Image.Features, head.Spec);
        ulong overlap = Math.Min(head.Image.Overlap, size);
        Catalog.UpdateHead(head.Image.Id, size, head.Image.ParentSnap, overlap);
        if (size < head.Size) Trim(CurrentView(), head.Size, progress);
        progress?.Invoke(1, 1);
    });

    /// <summary>Removes the objects past the new end and truncates the one it falls in.</summary>
    private void Trim(View head, ulong oldSize, ProgressHandler? progress)
    {
        long epoch = Io.HeadEpoch(head.Image.Id);
        long firstGone = (long)((head.Size + head.ObjectSize - 1) >> head.Order);
        long lastOld = (long)((oldSize + head.ObjectSize - 1) >> head.Order) - 1;
        ulong tail = head.Size & (head.ObjectSize - 1);
        if (tail != 0 && Io.Visible(head, firstGone - 1) is { Present: true })
            Io.Truncate(head, epoch, firstGone - 1, tail);
        foreach (var versions in _cluster.Versions.ObjectsIn(head.Image.Id, firstGone, long.MaxValue))
        {
            Io.Remove(head, epoch, versions[0].ObjectNo);
            progress?.Invoke((ulong)(versions[0].ObjectNo - firstGone), (ulong)Math.Max(1, lastOld - firstGone + 1));
        }
    }

    public void DiffIterate(string? fromSnapshot, ulong offset, ulong length, bool includeParent, bool wholeObject,
                            Action<ulong, ulong, bool> callback)
    {
        using var scope = Index.Reading();
        var view = CurrentView();
        SnapRow? from = null;
        if (fromSnapshot is not null)
        {
            from = Catalog.Snap(view.Image, fromSnapshot);
            if (view.Snap is not null && from.SnapId > view.Snap.SnapId)
                throw Refusals.InvalidSnapshotOrder(view.Spec, fromSnapshot);
        }
        foreach (var extent in _cluster.Walker.Changed(view, from, offset, length, includeParent, wholeObject))
            callback(extent.Start, extent.End - extent.Start, extent.Exists);
    }

    /// <summary>The bytes from <paramref name="offset"/> to the end; OutOfRange (naming the asked range) past it.</summary>
    private static ulong Available(View view, ulong offset, ulong length) =>
        offset <= view.Size ? view.Size - offset : throw OutOfRange(view, offset, length);

    private static RbdException OutOfRange(View view, ulong offset, ulong length) =>
        Refusals.OutOfRange(view.Spec, offset, length, view.Size);

    public void Dispose() { }
}
