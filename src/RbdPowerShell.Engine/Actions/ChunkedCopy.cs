namespace RbdPowerShell.Engine;

/// <summary>
/// The slow path of Cinder's backup driver: every chunk of the first length bytes is read from one image
/// and written over the other (all-zero blocks discarded, so old data cannot survive), whatever has changed.
/// </summary>
public static class ChunkedCopy
{
    public static void Run(IRbdImage from, IRbdImage to, ulong length, ulong chunkSize, ProgressHandler? progress = null)
    {
        using var pipeline = new IoPipeline((int)Math.Min(chunkSize, 4UL << 20));
        for (ulong offset = 0; offset < length; offset += (ulong)pipeline.ChunkSize)
        {
            ulong n = Math.Min((ulong)pipeline.ChunkSize, length - offset);
            pipeline.ReadChunks(from, offset, n, (at, data) => RawImport.WriteOrDiscard(pipeline, to, at, data));
            progress?.Invoke(offset + n, length);
        }
        pipeline.Finish();
    }
}
