using System.Runtime.CompilerServices;

namespace RbdPowerShell.Engine;

/// <summary>
/// rbd import (format 1): a raw file into a new image, removed again if the import fails or is stopped. Holes are skipped
/// (SEEK_DATA/SEEK_HOLE) and so are all-zero blocks of <see cref="SparseSize"/> bytes, as rbd's --sparse-size; writes are
/// pipelined, as rbd's are.
/// </summary>
public static class RawImport
{
    public const int SparseSize = 4096;

    public static void Run(IRbdCluster cluster, string path, string pool, string image, ImageOptions options,
                           ProgressHandler? progress = null)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        long length = RandomAccess.GetLength(file);
        Undo.CreateAndFill(cluster, pool, image, () => cluster.CreateImage(pool, image, (ulong)length, options),
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
        {
            using var target = cluster.OpenImage(pool, image);
            // 1 MiB pieces stay in the CPU cache between the read, the zero scan and the write.
            using var pipeline = IoPipeline.For(target.Stat().ObjectSize, target);
            int chunkSize = pipeline.ChunkSize;
            foreach (var (start, end) in SparseFile.DataSegments(file, length))
                for (long offset = start; offset < end;)
                {
                    int n = (int)Math.Min(end - offset, chunkSize - offset % chunkSize);
                    var chunk = pipeline.Rent();
                    ReadExactly(file, chunk.AsSpan(0, n), offset);
                    WriteNonZero(pipeline, target, (ulong)offset, chunk.AsMemory(0, n));
                    pipeline.Release(chunk);
                    offset += n;
                    progress?.Invoke((ulong)offset, (ulong)length);
                }
            pipeline.Finish();
            progress?.Invoke((ulong)length, (ulong)length);
        });
    }

    private static void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle file, Span<byte> data, long offset)
    {
        int done = 0;
        while (done < data.Length)
        {
            int n = RandomAccess.Read(file, data[done..], offset + done);
            if (n <= 0) { data[done..].Clear(); return; }
            done += n;
        }
    }

    /// <summary>Writes the runs of <paramref name="data"/> (in a chunk of the pipeline) that are not all-zero blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WriteNonZero(IoPipeline pipeline, IRbdImage target, ulong offset, ReadOnlyMemory<byte> data)
    {
        foreach (var (start, length) in NonZeroRuns(data.Span, offset))
            pipeline.Write(target, offset + (ulong)start, data.Slice(start, length));
    }

    /// <summary>
    /// Writes the runs of <paramref name="data"/> that are not all-zero blocks and discards the rest, so the range
    /// reads as <paramref name="data"/> whatever it held before (import-diff's 'w', a full restore over old data).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WriteOrDiscard(IoPipeline pipeline, IRbdImage target, ulong offset, ReadOnlyMemory<byte> data)
    {
        int zeroFrom = 0;
        foreach (var (start, length) in NonZeroRuns(data.Span, offset))
        {
            if (start > zeroFrom) pipeline.Discard(target, offset + (ulong)zeroFrom, (ulong)(start - zeroFrom));
            pipeline.Write(target, offset + (ulong)start, data.Slice(start, length));
            zeroFrom = start + length;
        }
        if (zeroFrom < data.Length) pipeline.Discard(target, offset + (ulong)zeroFrom, (ulong)(data.Length - zeroFrom));
    }

    /// <summary>Runs of blocks (aligned to the image offset) that hold any non-zero byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static List<(int Start, int Length)> NonZeroRuns(ReadOnlySpan<byte> data, ulong offset)
    {
        var runs = new List<(int, int)>();
        int pos = 0, runStart = -1;
        while (pos < data.Length)
        {
            int block = (int)Math.Min((ulong)(data.Length - pos), SparseSize - (offset + (ulong)pos) % SparseSize);
            bool zero = !data.Slice(pos, block).ContainsAnyExcept((byte)0);
            if (!zero && runStart < 0) runStart = pos;
            if (zero && runStart >= 0) { runs.Add((runStart, pos - runStart)); runStart = -1; }
            pos += block;
        }
        if (runStart >= 0) runs.Add((runStart, pos - runStart));
        return runs;
    }
}
