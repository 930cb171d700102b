using System.Runtime.CompilerServices;
using System.Buffers;

namespace RbdPowerShell.Engine;

/// <summary>
/// rbd export (format 1): the whole image (or a snapshot of it) to a raw file of the image's size.
/// Only allocated extents are read, and all-zero blocks are left as holes.
/// </summary>
public static class RawExport
{
    public static void Run(IRbdImage image, string path, ProgressHandler? progress = null)
    {
        var info = image.Stat();
        using var file = NewFile.Open(path, FileAccess.ReadWrite, FileShare.None);
        RandomAccess.SetLength(file, (long)info.Size);
        int chunk = (int)Math.Min(info.ObjectSize, 1 << 20);
        var buffer = ArrayPool<byte>.Shared.Rent(chunk);
        try
        {
            image.DiffIterate(null, 0, info.Size, includeParent: true, wholeObject: false, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (offset, length, exists) =>
            {
                if (!exists) return;
                for (ulong done = 0; done < length;)
                {
                    int n = (int)Math.Min((ulong)chunk, length - done);
                    var data = buffer.AsSpan(0, n);
                    image.Read(offset + done, data);
                    foreach (var (start, runLength) in RawImport.NonZeroRuns(data, offset + done))
                        RandomAccess.Write(file, data.Slice(start, runLength), (long)(offset + done) + start);
                    done += (ulong)n;
                }
                progress?.Invoke(offset + length, info.Size);
            });
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        progress?.Invoke(info.Size, info.Size);
    }
}
