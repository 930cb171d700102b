using System.Runtime.CompilerServices;

namespace RbdPowerShell.Engine;

/// <summary>rbd import-diff: applies a v1 or v2 diff stream to an image, all at once or not at all.</summary>
public static class DiffImport
{
    /// <summary>
    /// Applies the stream (its banner decides v1 or v2) to pool/image's head inside
    /// <see cref="IRbdCluster.Grouped{T}"/>: a refusal leaves the image as it was (its checks come before any change);
    /// a stream corrupt part-way leaves the image as it was on the embedded store, and part-written on librbd, as rbd import-diff does.
    /// </summary>
    public static void Run(IRbdCluster cluster, string pool, string image, Stream input, ProgressHandler? progress = null)
    {
        var reader = new DiffStreamReader(input);
        cluster.Grouped(() =>
        {
            using var target = cluster.OpenImage(pool, image);
            Apply(target, reader, null, progress);
        });
    }

    /// <summary>
    /// do_import_diff_fd: banner, then the records in stream order — 'f' must exist on the image, 't' must not,
    /// 'p' remembered, 's' resizes, 'z' zeroes, 'w' writes (all-zero 4 KiB blocks of it zeroed, not written,
    /// as rbd's --sparse-size; several writes in flight, as rbd's) — up to 'e'; then, once every write has ended, the
    /// end snapshot is created and protected when 'p' says so.
    /// Reads nothing past the 'e'. Also used by export format 2 (<paramref name="required"/> = V2).
    /// </summary>
    internal static void Apply(IRbdImage target, DiffStreamReader reader, DiffFormat? required, ProgressHandler? progress)
    {
        var format = reader.ReadDiffBanner(required);
        string spec = $"{target.Pool}/{target.Name}";
        var info = target.Stat();
        ulong size = info.Size;
        string? endSnapshot = null;
        bool protect = false;
        using var pipeline = IoPipeline.For(info.ObjectSize, target);
        ulong written = 0; // the end of the last extent started: a record before it waits for what is in flight
        while (true)
        {
            var record = reader.ReadRecord(format);
            switch (record.Tag)
            {
                case DiffRecords.End:
                    pipeline.Finish();
                    if (endSnapshot is not null)
                    {
                        target.CreateSnapshot(endSnapshot);
                        if (protect) target.ProtectSnapshot(endSnapshot);
                    }
                    progress?.Invoke(size, size);
                    return;
                case DiffRecords.FromSnap:
                    if (!HasSnapshot(target, record.Name!))
                        throw new RbdException(RbdErrno.ENOENT, $"{spec}@{record.Name}",
                            $"start snapshot '{record.Name}' does not exist in the image '{spec}'. The diff '{reader.Description}' " +
                            $"applies on top of '{record.Name}': import the diffs that lead up to it first.")
                        { ErrorId = "DiffStartSnapshotMissing" };
                    break;
                case DiffRecords.ToSnap:
                    if (HasSnapshot(target, record.Name!))
                        throw new RbdException(RbdErrno.EEXIST, $"{spec}@{record.Name}",
                            $"end snapshot '{record.Name}' already exists in the image '{spec}', so the diff '{reader.Description}' " +
                            "was applied already. Remove the snapshot (Remove-RbdSnapshot) to apply it again.")
                        { ErrorId = "DiffEndSnapshotExists" };
                    endSnapshot = record.Name;
                    break;
                case DiffRecords.ProtectionStatus:
                    protect = record.Value != 0;
                    break;
                case DiffRecords.ImageSize:
                    pipeline.Finish();
                    if (record.Value != size) target.Resize(record.Value);
                    size = record.Value;
                    break;
                case DiffRecords.Zero:
                case DiffRecords.Write:
                    CheckExtent(reader, record, size);
                    if (record.Offset < written) pipeline.Finish();
                    written = record.Offset + record.Length;
                    if (record.Tag == DiffRecords.Zero) pipeline.Discard(target, record.Offset, record.Length);
                    else WriteData(pipeline, target, reader, record.Offset, record.Length);
                    break;
            }
            if (progress is not null)
            {
                if (reader.Total > 0) progress((ulong)reader.Consumed, (ulong)reader.Total);
                else progress(Math.Min(record.Offset + record.Length, size), size);
            }
        }
    }

    private static bool HasSnapshot(IRbdImage image, string name) => image.ListSnapshots().Any(s => s.Name == name);

    private static void CheckExtent(DiffStreamReader reader, DiffRecord record, ulong size)
    {
        if (record.Offset > size || record.Length > size - record.Offset)
            throw reader.Corrupt($"the {DiffRecords.TagName(record.Tag)} extent {record.Offset}+{record.Length} lies past the image size {size}");
    }

    /// <summary>Streams a 'w' record's data in chunks; all-zero 4 KiB blocks are zeroed instead of written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteData(IoPipeline pipeline, IRbdImage target, DiffStreamReader reader, ulong offset, ulong length)
    {
        for (ulong done = 0; done < length;)
        {
            int n = (int)Math.Min(length - done, (ulong)pipeline.ChunkSize);
            var chunk = pipeline.Rent();
            reader.ReadData(chunk.AsSpan(0, n));
            RawImport.WriteOrDiscard(pipeline, target, offset + done, chunk.AsMemory(0, n));
            pipeline.Release(chunk);
            done += (ulong)n;
        }
    }
}
