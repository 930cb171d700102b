using System.Runtime.CompilerServices;

namespace RbdPowerShell.Engine;

/// <summary>
/// rbd export (format 1): the whole image (or a snapshot of it) to a raw file of the image's size.
/// Only allocated extents are read (several reads in flight), and all-zero blocks are left as holes.
/// </summary>
public static class RawExport
{
    public static void Run(IRbdImage image, string path, ProgressHandler? progress = null)
    {
        var info = image.Stat();
        using var file = NewFile.Open(path, FileAccess.ReadWrite, FileShare.None);
        RandomAccess.SetLength(file, (long)info.Size);
        using var pipeline = IoPipeline.For(info.ObjectSize, image);
        image.DiffIterate(null, 0, info.Size, includeParent: true, wholeObject: false, (offset, length, exists) =>
        {
            if (!exists) return;
            pipeline.ReadChunks(image, offset, length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (at, data) =>
            {
                foreach (var (start, runLength) in RawImport.NonZeroRuns(data.Span, at))
                    RandomAccess.Write(file, data.Span.Slice(start, runLength), (long)at + start);
            });
            progress?.Invoke(offset + length, info.Size);
        });
        pipeline.Finish();
        progress?.Invoke(info.Size, info.Size);
    }
}
