using System.Runtime.CompilerServices;

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

        using var pipeline = IoPipeline.For(info.ObjectSize, image);
        image.DiffIterate(fromSnapshot, 0, info.Size, includeParent: fromSnapshot is null, wholeObject,
            (offset, length, exists) =>
            {
                Start();
                if (exists)
                {
                    // C_ExportDiff: read with other extents' reads in flight; the stream gets the records in offset order
                    var record = new ExtentRecord(writer, offset, length);
                    pipeline.ReadChunks(image, offset, length, (_, data) => record.Add(data.Span));
                    pipeline.Then(record.End);
                }
                else pipeline.Then(() => writer.WriteZero(offset, length));
                progress?.Invoke(offset + length, info.Size);
            });
        pipeline.Finish();
        Start();
        writer.WriteEnd();
        progress?.Invoke(info.Size, info.Size);
    }

    /// <summary>
    /// One extent's record, fed chunk by chunk in order: all zeros become 'z', anything else 'w' with the data.
    /// Extents larger than a chunk (objects over 1 MiB) are never held whole.
    /// </summary>
    private sealed class ExtentRecord(DiffStreamWriter writer, ulong offset, ulong length)
    {
        private ulong _zeros;
        private bool _headerWritten;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(ReadOnlySpan<byte> data)
        {
            if (!_headerWritten)
            {
                if (!data.ContainsAnyExcept((byte)0)) { _zeros += (ulong)data.Length; return; }
                writer.WriteDataHeader(offset, length);
                writer.WriteZeroData(_zeros);
                _headerWritten = true;
            }
            writer.WriteData(data);
        }

        public void End()
        {
            if (!_headerWritten) writer.WriteZero(offset, length);
        }
    }
}
