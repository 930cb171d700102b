using System.Runtime.CompilerServices;
using System.Buffers;

namespace RbdPowerShell.Engine;

/// <summary>
/// The slow path of Cinder's backup driver: every chunk of the first length bytes is read from one image
/// and written over the other (all-zero blocks discarded, so old data cannot survive), whatever has changed.
/// </summary>
public static class ChunkedCopy
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(IRbdImage from, IRbdImage to, ulong length, ulong chunkSize, ProgressHandler? progress = null)
    {
        int chunk = (int)Math.Min(chunkSize, 4UL << 20);
        var buffer = ArrayPool<byte>.Shared.Rent(chunk);
        try
        {
            for (ulong offset = 0; offset < length;)
            {
                var data = buffer.AsSpan(0, (int)Math.Min((ulong)chunk, length - offset));
                int n = from.Read(offset, data);
                data = data[..n];
                if (n == 0) break;
                RawImport.WriteOrDiscard(to, offset, data);
                offset += (ulong)n;
                progress?.Invoke(offset, length);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }
}
