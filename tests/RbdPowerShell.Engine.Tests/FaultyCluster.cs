namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// A cluster whose images fail the n-th pipelined write (with EIO, once the real write has ended, as an OSD error
/// would come back) and count the pipelined I/Os started and not yet waited for or disposed.
/// </summary>
internal sealed class FaultyCluster(IRbdCluster inner) : IRbdCluster
{
    /// <summary>The write (counted from 1 over every image) that fails; 0: none.</summary>
    public int FailWrite { get; set; }
    public int Writes { get; private set; }
    /// <summary>Pipelined I/Os started and not yet waited for or disposed.</summary>
    public int Outstanding { get; private set; }
    public int MaxOutstanding { get; private set; }

    internal IPendingIo Track(IPendingIo io, bool isWrite)
    {
        bool fail = isWrite && ++Writes == FailWrite;
        MaxOutstanding = Math.Max(MaxOutstanding, ++Outstanding);
        return new TrackedIo(this, io, fail);
    }

    private sealed class TrackedIo(FaultyCluster owner, IPendingIo io, bool fail) : IPendingIo
    {
        private bool _over;

        public bool IsCompleted => io.IsCompleted;

        public int Wait()
        {
            try
            {
                int n = io.Wait();
                if (fail) throw new RbdException(RbdErrno.EIO, "injected", "An injected write error.");
                return n;
            }
            finally { Over(); }
        }

        public void Dispose()
        {
            io.Dispose();
            Over();
        }

        private void Over()
        {
            if (!_over) owner.Outstanding--;
            _over = true;
        }
    }

    public Guid Fsid => inner.Fsid;
    public string Location => inner.Location;
    public string Locator => inner.Locator;
    public IRecordStore OpenRecordStore() => inner.OpenRecordStore();
    public IReadOnlyList<string> ListPools() => inner.ListPools();
    public void CreatePool(string pool) => inner.CreatePool(pool);
    public void RemovePool(string pool) => inner.RemovePool(pool);
    public IReadOnlyList<string> ListImages(string pool) => inner.ListImages(pool);
    public void CreateImage(string pool, string image, ulong size, ImageOptions options) => inner.CreateImage(pool, image, size, options);
    public void RemoveImage(string pool, string image) => inner.RemoveImage(pool, image);
    public void RenameImage(string pool, string image, string newName) => inner.RenameImage(pool, image, newName);
    public void MoveToTrash(string pool, string image, TimeSpan delay) => inner.MoveToTrash(pool, image, delay);
    public IReadOnlyList<TrashEntry> ListTrash(string pool) => inner.ListTrash(pool);
    public void RestoreFromTrash(string pool, string id, string name) => inner.RestoreFromTrash(pool, id, name);
    public void RemoveFromTrash(string pool, string id, bool force, ProgressHandler? progress = null) => inner.RemoveFromTrash(pool, id, force, progress);
    public IRbdImage OpenImageInTrash(string pool, string id, string? snapshot = null) => inner.OpenImageInTrash(pool, id, snapshot);
    public void Clone(string parentPool, string parentImage, string parentSnapshot, string childPool, string childImage, ImageOptions options) =>
        inner.Clone(parentPool, parentImage, parentSnapshot, childPool, childImage, options);
    public IRbdImage OpenImage(string pool, string image, string? snapshot = null) => new FaultyImage(this, inner.OpenImage(pool, image, snapshot));
    public T Grouped<T>(Func<T> work) => inner.Grouped(work);
    public T Consistent<T>(Func<T> work) => inner.Consistent(work);
    public void Dispose() { }
}

internal sealed class FaultyImage(FaultyCluster owner, IRbdImage inner) : IRbdImage
{
    public IPendingIo StartRead(ulong offset, Memory<byte> buffer) => owner.Track(inner.StartRead(offset, buffer), isWrite: false);
    public IPendingIo StartWrite(ulong offset, ReadOnlyMemory<byte> data) => owner.Track(inner.StartWrite(offset, data), isWrite: true);
    public IPendingIo StartDiscard(ulong offset, ulong length) => owner.Track(inner.StartDiscard(offset, length), isWrite: false);

    public string Pool => inner.Pool;
    public string Name => inner.Name;
    public string? Snapshot => inner.Snapshot;
    public ImageInfo Stat() => inner.Stat();
    public int Read(ulong offset, Span<byte> buffer) => inner.Read(offset, buffer);
    public void Write(ulong offset, ReadOnlySpan<byte> data) => inner.Write(offset, data);
    public void Discard(ulong offset, ulong length) => inner.Discard(offset, length);
    public void Resize(ulong size, ProgressHandler? progress = null) => inner.Resize(size, progress);
    public void DiffIterate(string? fromSnapshot, ulong offset, ulong length, bool includeParent, bool wholeObject, Action<ulong, ulong, bool> callback) =>
        inner.DiffIterate(fromSnapshot, offset, length, includeParent, wholeObject, callback);
    public IReadOnlyList<SnapshotInfo> ListSnapshots() => inner.ListSnapshots();
    public void CreateSnapshot(string name) => inner.CreateSnapshot(name);
    public void RemoveSnapshot(string name) => inner.RemoveSnapshot(name);
    public void ProtectSnapshot(string name) => inner.ProtectSnapshot(name);
    public void UnprotectSnapshot(string name) => inner.UnprotectSnapshot(name);
    public void RollbackSnapshot(string name, ProgressHandler? progress = null) => inner.RollbackSnapshot(name, progress);
    public void RenameSnapshot(string name, string newName) => inner.RenameSnapshot(name, newName);
    public IReadOnlyList<ChildSpec> ListChildren() => inner.ListChildren();
    public IReadOnlyList<ChildSpec> ListAllChildren() => inner.ListAllChildren();
    public void Flatten(ProgressHandler? progress = null) => inner.Flatten(progress);
    public IReadOnlyList<KeyValuePair<string, string>> ListMetadata() => inner.ListMetadata();
    public string GetMetadata(string key) => inner.GetMetadata(key);
    public void SetMetadata(string key, string value) => inner.SetMetadata(key, value);
    public void RemoveMetadata(string key) => inner.RemoveMetadata(key);
    public RbdFeatures UpdateFeatures(RbdFeatures features, bool enable) => inner.UpdateFeatures(features, enable);
    public IReadOnlyList<ImageWatcher>? ListWatchers() => inner.ListWatchers();
    public void Dispose() => inner.Dispose();
}
