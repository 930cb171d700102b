namespace RbdPowerShell.Engine;

/// <summary>
/// An open image (librbd's Image): data I/O, diff-iterate, snapshots, layering.
/// Opened at a snapshot it is read-only and reads that snapshot.
/// </summary>
public interface IRbdImage : IDisposable
{
    string Pool { get; }
    string Name { get; }
    /// <summary>The snapshot this handle reads, or null for the head.</summary>
    string? Snapshot { get; }

    ImageInfo Stat();

    /// <summary>Reads into <paramref name="buffer"/>; returns the bytes read (clipped at the end of the image).</summary>
    int Read(ulong offset, Span<byte> buffer);
    void Write(ulong offset, ReadOnlySpan<byte> data);
    /// <summary>Discards a range: it reads as zeros afterwards and whole objects are freed.</summary>
    void Discard(ulong offset, ulong length);

    // Pipelined I/O (librbd's aio_read2/aio_write2/aio_discard): the same checks and errors as Read, Write and Discard,
    // thrown before anything starts; what fails later is thrown by IPendingIo.Wait. The buffer must stay untouched
    // until the I/O is waited for or disposed (IoPipeline does that). A backend without aio does it all at once.

    /// <summary>Starts reading into <paramref name="buffer"/>; Wait returns the bytes read (clipped at the end of the image).</summary>
    IPendingIo StartRead(ulong offset, Memory<byte> buffer) => CompletedIo.Of(Read(offset, buffer.Span));

    IPendingIo StartWrite(ulong offset, ReadOnlyMemory<byte> data)
    {
        Write(offset, data.Span);
        return CompletedIo.Of(data.Length);
    }

    IPendingIo StartDiscard(ulong offset, ulong length)
    {
        Discard(offset, length);
        return CompletedIo.Of(0);
    }

    /// <summary>
    /// The largest single read or write bulk copies issue (never more than an object): librbd pays per request
    /// (an OSD op per object piece), so it wants whole objects; the store wants chunks that stay in cache.
    /// </summary>
    int BulkIoSize => 1 << 20;

    /// <summary>Grows or shrinks (trimming objects past the end; a clone's overlap shrinks with it).</summary>
    void Resize(ulong size, ProgressHandler? progress = null);

    /// <summary>
    /// librbd's diff_iterate2: calls <paramref name="callback"/>(offset, length, exists) for every
    /// extent that changed between <paramref name="fromSnapshot"/> (null: the image's creation) and
    /// this handle's snapshot (or head), in offset order, never crossing an object boundary.
    /// exists=false means the extent now reads as zeros (discarded or trimmed).
    /// </summary>
    void DiffIterate(string? fromSnapshot, ulong offset, ulong length, bool includeParent, bool wholeObject,
                     Action<ulong, ulong, bool> callback);

    IReadOnlyList<SnapshotInfo> ListSnapshots();
    void CreateSnapshot(string name);
    void RemoveSnapshot(string name);
    void ProtectSnapshot(string name);
    void UnprotectSnapshot(string name);
    void RollbackSnapshot(string name, ProgressHandler? progress = null);
    void RenameSnapshot(string name, string newName);

    /// <summary>The clones of the snapshot this handle is opened at (rbd children).</summary>
    IReadOnlyList<ChildSpec> ListChildren();
    /// <summary>rbd children --all: the clones in the trash too (with their <see cref="ChildSpec.TrashId"/>).</summary>
    IReadOnlyList<ChildSpec> ListAllChildren();
    /// <summary>Copies every object still read from the parent chain, then detaches the parent.</summary>
    void Flatten(ProgressHandler? progress = null);

    // ---- day-2 (rbd image-meta, feature, status) ----

    /// <summary>rbd image-meta list: every key of the image (head) and its value, in key (byte) order.</summary>
    IReadOnlyList<KeyValuePair<string, string>> ListMetadata();
    /// <summary>rbd image-meta get: ENOENT ImageMetaNotFound for a missing key.</summary>
    string GetMetadata(string key);
    /// <summary>rbd image-meta set, checked by <see cref="ImageMetaRules"/> first; replaces an existing value.</summary>
    void SetMetadata(string key, string value);
    /// <summary>rbd image-meta remove: ENOENT ImageMetaNotFound for a missing key.</summary>
    void RemoveMetadata(string key);
    /// <summary>rbd feature enable/disable by <see cref="FeatureRules"/>; returns the features the image has afterwards.</summary>
    RbdFeatures UpdateFeatures(RbdFeatures features, bool enable);
    /// <summary>rbd status: the clients watching the image, this handle excluded; null where the backend keeps no watches.</summary>
    IReadOnlyList<ImageWatcher>? ListWatchers();
}
