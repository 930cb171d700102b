using System.Runtime.CompilerServices;
using System.Buffers;

namespace RbdPowerShell.Engine;

/// <summary>rbd export-diff: the changes of an image (head or snapshot) since a snapshot, or since creation.</summary>
public static class DiffExport
{
    /// <summary>
    /// Writes the diff of <paramref name="image"/>'s view (its head, or the snapshot it was opened at) since
    /// <paramref name="fromSnapshot"/> (null: since creation, the parent's data included) as rbd 16.2's
    /// do_export_diff_fd does: banner, 'f' (with a start snapshot), 't' (when the view is a snapshot),
    /// 'p' (v2, after 't'), 's', one 'w' or 'z' per changed extent in offset order, 'e'.
    /// Nothing is written when the snapshots are refused.
    /// </summary>
    public static void Run(IRbdImage image, string? fromSnapshot, Stream output, DiffFormat format = DiffFormat.V1,
                           bool wholeObject = false, ProgressHandler? progress = null)
    {
        if (format is not (DiffFormat.V1 or DiffFormat.V2))
            throw new ArgumentOutOfRangeException(nameof(format), format, "The diff format is 1 or 2.");
        Write(image, fromSnapshot, new DiffStreamWriter(output, format), wholeObject, progress);
    }

    /// <summary>One whole diff stream (banner to 'e') onto <paramref name="writer"/>; also used by export format 2.</summary>
    internal static void Write(IRbdImage image, string? fromSnapshot, DiffStreamWriter writer, bool wholeObject,
                               ProgressHandler? progress)
    {
        var info = image.Stat();
        string? toSnapshot = image.Snapshot;
        bool isProtected = false;
        if (fromSnapshot is not null || (toSnapshot is not null && writer.Format == DiffFormat.V2))
        {
            var snapshots = image.ListSnapshots();
            if (fromSnapshot is not null && !snapshots.Any(s => s.Name == fromSnapshot))
                throw RbdException.NotFound("Snapshot", $"{image.Pool}/{image.Name}@{fromSnapshot}");
            isProtected = snapshots.FirstOrDefault(s => s.Name == toSnapshot)?.Protected ?? false;
        }

        // The header goes out with the first extent, so that a refusal of DiffIterate (start snapshot not older
        // than the end one) leaves the output untouched.
        bool started = false;
        void Start()
        {
            if (started) return;
            started = true;
            writer.WriteBanner();
            if (fromSnapshot is not null) writer.WriteFromSnap(fromSnapshot);
            if (toSnapshot is not null)
            {
                writer.WriteToSnap(toSnapshot);
                if (writer.Format == DiffFormat.V2) writer.WriteProtection(isProtected);
            }
            writer.WriteSize(info.Size);
        }

        // extents never cross an object boundary, so one object (at most one chunk) of buffer is enough
        int chunk = (int)Math.Min(info.ObjectSize, DiffRecords.IoChunk);
        var buffer = ArrayPool<byte>.Shared.Rent(chunk);
        try
        {
            image.DiffIterate(fromSnapshot, 0, info.Size, includeParent: fromSnapshot is null, wholeObject,
                (offset, length, exists) =>
                {
                    Start();
                    if (exists) WriteExtent(image, writer, offset, length, buffer.AsSpan(0, chunk));
                    else writer.WriteZero(offset, length);
                    progress?.Invoke(offset + length, info.Size);
                });
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        Start();
        writer.WriteEnd();
        progress?.Invoke(info.Size, info.Size);
    }

    /// <summary>
    /// C_ExportDiff: an extent that exists is read; all zeros become 'z', anything else 'w' with the data.
    /// Extents larger than a chunk (objects over 4 MiB) are scanned chunk by chunk and never held whole.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteExtent(IRbdImage image, DiffStreamWriter writer, ulong offset, ulong length, Span<byte> buffer)
    {
        ulong done = 0;
        bool headerWritten = false;
        while (done < length)
        {
            int n = (int)Math.Min(length - done, (ulong)buffer.Length);
            var data = buffer[..n];
            ReadFully(image, offset + done, data);
            if (!headerWritten)
            {
                if (!data.ContainsAnyExcept((byte)0)) { done += (ulong)n; continue; }
                writer.WriteDataHeader(offset, length);
                writer.WriteZeroData(done);
                headerWritten = true;
            }
            writer.WriteData(data);
            done += (ulong)n;
        }
        if (!headerWritten) writer.WriteZero(offset, length);
    }

    private static void ReadFully(IRbdImage image, ulong offset, Span<byte> data)
    {
        int n = image.Read(offset, data);
        if (n < data.Length)
            throw new RbdException(RbdErrno.EIO, $"{image.Pool}/{image.Name}",
                $"Reading {data.Length} bytes at {offset} of '{image.Pool}/{image.Name}' returned only {n}; the image changed during the export.")
            { ErrorId = "ShortRead" };
    }
}
