using System.Runtime.CompilerServices;
using System.Buffers;

namespace RbdPowerShell.Engine;

/// <summary>
/// rbd cp: a full, independent copy of an image head or snapshot into a new image with the same order
/// and features (or <c>options</c>, as rbd import gives); snapshots are not copied, unallocated and all-zero blocks are
/// not written.
/// </summary>
public static class ImageCopy
{
    public static void Run(IRbdCluster source, string pool, string image, string? snapshot,
                           IRbdCluster destination, string destinationPool, string destinationImage,
                           ProgressHandler? progress = null, ImageOptions? options = null)
    {
        using var from = source.OpenImage(pool, image, snapshot);
        var info = from.Stat();
        Undo.CreateAndFill(destination, destinationPool, destinationImage,
            () => destination.CreateImage(destinationPool, destinationImage, info.Size,
                options ?? new ImageOptions { Order = info.Order, Features = info.Features }),
            () =>
        {
            using var to = destination.OpenImage(destinationPool, destinationImage);
            int chunk = (int)Math.Min(info.ObjectSize, RawImport.IoChunk);
            var buffer = ArrayPool<byte>.Shared.Rent(chunk);
            try
            {
                from.DiffIterate(null, 0, info.Size, includeParent: true, wholeObject: false, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (offset, length, exists) =>
                {
                    if (!exists) return;
                    for (ulong done = 0; done < length;)
                    {
                        int n = (int)Math.Min((ulong)chunk, length - done);
                        var data = buffer.AsSpan(0, n);
                        from.Read(offset + done, data);
                        RawImport.WriteNonZero(to, offset + done, data);
                        done += (ulong)n;
                    }
                    progress?.Invoke(offset + length, info.Size);
                });
            }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
            progress?.Invoke(info.Size, info.Size);
        });
    }
}
