namespace RbdPowerShell.Engine;

/// <summary>
/// rbd cp: a full, independent copy of an image head or snapshot into a new image with the same order
/// and features (or <c>options</c>, as rbd import gives) and the image's metadata; snapshots are not copied, unallocated and all-zero blocks are
/// not written. Reads and writes are pipelined, as librbd's copy does.
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
            foreach (var (key, value) in from.ListMetadata()) to.SetMetadata(key, value);
            using var pipeline = IoPipeline.For(info.ObjectSize, from, to);
            from.DiffIterate(null, 0, info.Size, includeParent: true, wholeObject: false, (offset, length, exists) =>
            {
                if (!exists) return;
                pipeline.ReadChunks(from, offset, length, (at, data) => RawImport.WriteNonZero(pipeline, to, at, data));
                progress?.Invoke(offset + length, info.Size);
            });
            pipeline.Finish();
            progress?.Invoke(info.Size, info.Size);
        });
    }
}
