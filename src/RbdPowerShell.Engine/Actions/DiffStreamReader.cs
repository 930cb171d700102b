using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RbdPowerShell.Engine;

/// <summary>One record of a diff stream; a 'w' record's data is still in the stream (<see cref="DiffStreamReader.ReadData"/>).</summary>
internal readonly record struct DiffRecord(byte Tag, string? Name = null, ulong Offset = 0, ulong Length = 0)
{
    /// <summary>'s': the image size; 'p': 1 when protected.</summary>
    public ulong Value => Offset;
}

/// <summary>
/// Reads rbd's diff and export-format-2 streams as src/tools/rbd/action/Import.cc does, never past what it was
/// asked for (several diffs follow each other in one export-format-2 stream) and never more than one chunk of data
/// at a time. Anything malformed is refused with DiffBannerInvalid or DiffCorrupt, naming <see cref="Description"/>.
/// </summary>
internal sealed class DiffStreamReader
{
    private readonly Stream _input;
    private readonly long _total;
    private readonly byte[] _scratch = new byte[16];

    public DiffStreamReader(Stream input, string? description = null)
    {
        _input = input;
        Description = description ?? Describe(input);
        _total = input.CanSeek ? Math.Max(0, input.Length - input.Position) : -1;
    }

    public string Description { get; }

    /// <summary>Bytes consumed so far.</summary>
    public long Consumed { get; private set; }

    /// <summary>Bytes the stream had when the reader started, or -1 when it cannot tell (a pipe).</summary>
    public long Total => _total;

    /// <summary>A name for a stream in messages: its file name, or "diff stream".</summary>
    public static string Describe(Stream stream) => stream is FileStream file ? file.Name : "diff stream";

    /// <summary>"rbd diff v1\n" or "rbd diff v2\n"; with <paramref name="required"/> only that one.</summary>
    public DiffFormat ReadDiffBanner(DiffFormat? required = null)
    {
        Span<byte> banner = stackalloc byte[DiffRecords.DiffBannerV1.Length];
        int n = ReadUpTo(banner);
        var got = banner[..n];
        if (required != DiffFormat.V2 && got.SequenceEqual(DiffRecords.DiffBannerV1)) return DiffFormat.V1;
        if (required != DiffFormat.V1 && got.SequenceEqual(DiffRecords.DiffBannerV2)) return DiffFormat.V2;
        throw DiffRecords.BannerInvalid(Description, required switch
        {
            DiffFormat.V1 => "an 'rbd diff v1' stream",
            DiffFormat.V2 => "an 'rbd diff v2' stream",
            _ => "an rbd diff stream ('rbd diff v1' or 'rbd diff v2')",
        });
    }

    /// <summary>Checks a fixed banner such as "rbd image v2\n".</summary>
    public void ExpectBanner(ReadOnlySpan<byte> banner, string what)
    {
        Span<byte> got = stackalloc byte[banner.Length];
        int n = ReadUpTo(got);
        if (!got[..n].SequenceEqual(banner)) throw DiffRecords.BannerInvalid(Description, what);
    }

    /// <summary>
    /// The next record of a diff stream. v1: unknown tags are refused (rbd would read them as one stray byte).
    /// v2: records of unknown tags are skipped by their length, as rbd does; known records must have the length
    /// rbd writes for them.
    /// </summary>
    public DiffRecord ReadRecord(DiffFormat format)
    {
        while (true)
        {
            if (ReadUpTo(_scratch.AsSpan(0, 1)) == 0)
                throw Corrupt("it ends without the 'e' record");
            byte tag = _scratch[0];
            if (tag == DiffRecords.End) return new DiffRecord(tag);
            ulong payload = 0;
            if (format == DiffFormat.V2)
            {
                payload = ReadU64($"the length of a {DiffRecords.TagName(tag)} record");
                CheckAvailable(payload, $"a {DiffRecords.TagName(tag)} record");
            }
            switch (tag)
            {
                case DiffRecords.FromSnap:
                case DiffRecords.ToSnap:
                {
                    string name = ReadName(tag);
                    if (format == DiffFormat.V2) CheckLength(tag, payload, 4 + (ulong)Encoding.UTF8.GetByteCount(name));
                    return new DiffRecord(tag, name);
                }
                case DiffRecords.ImageSize:
                    if (format == DiffFormat.V2) CheckLength(tag, payload, 8);
                    return new DiffRecord(tag, Offset: ReadU64("the image size"));
                case DiffRecords.ProtectionStatus when format == DiffFormat.V2:
                    // rbd writes length 8 for a one-byte payload and reads one byte whatever the length; so does this.
                    ReadExactly(_scratch.AsSpan(0, 1), "the protection status");
                    return new DiffRecord(tag, Offset: _scratch[0] != 0 ? 1UL : 0UL);
                case DiffRecords.Write:
                case DiffRecords.Zero:
                {
                    ReadExactly(_scratch.AsSpan(0, 16), $"the offset and length of a {DiffRecords.TagName(tag)} record");
                    ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(_scratch);
                    ulong length = BinaryPrimitives.ReadUInt64LittleEndian(_scratch.AsSpan(8));
                    if (format == DiffFormat.V2)
                        CheckLength(tag, payload, tag == DiffRecords.Zero ? 16 : 16 + length);
                    if (tag == DiffRecords.Write) CheckAvailable(length, $"the data of the 'w' record at offset {offset}");
                    return new DiffRecord(tag, Offset: offset, Length: length);
                }
                default:
                    if (format == DiffFormat.V1)
                        throw Corrupt($"unknown record tag {DiffRecords.TagName(tag)} at byte {Consumed - 1}");
                    Skip(payload);
                    continue;
            }
        }
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes of record data.</summary>
    public void ReadData(Span<byte> buffer) => ReadExactly(buffer, "'w' data");

    public ulong ReadU64(string what)
    {
        ReadExactly(_scratch.AsSpan(0, 8), what);
        return BinaryPrimitives.ReadUInt64LittleEndian(_scratch);
    }

    /// <summary>utils::read_string: le32 length (at most 4096) + bytes.</summary>
    public string ReadName(byte tag)
    {
        ReadExactly(_scratch.AsSpan(0, 4), $"the name length of a {DiffRecords.TagName(tag)} record");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_scratch);
        if (length > DiffRecords.MaxNameLength)
            throw Corrupt($"a {DiffRecords.TagName(tag)} record names a snapshot of {length} bytes (at most {DiffRecords.MaxNameLength})");
        var bytes = new byte[length];
        ReadExactly(bytes, $"the snapshot name of a {DiffRecords.TagName(tag)} record");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Skips <paramref name="count"/> bytes (seeking where the stream can).</summary>
    public void Skip(ulong count)
    {
        if (count == 0) return;
        CheckAvailable(count, "skipped data");
        if (_input.CanSeek)
        {
            _input.Seek((long)count, SeekOrigin.Current);
            Consumed += (long)count;
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, 1 << 20));
        try
        {
            while (count > 0)
            {
                int n = (int)Math.Min(count, (ulong)buffer.Length);
                ReadExactly(buffer.AsSpan(0, n), "skipped data");
                count -= (ulong)n;
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Refuses a length that reaches past the end of a stream whose length is known.</summary>
    public void CheckAvailable(ulong count, string what)
    {
        if (_total >= 0 && count > (ulong)(_total - Consumed))
            throw Corrupt($"{what} is {count} bytes long but only {_total - Consumed} bytes are left");
    }

    public RbdException Corrupt(string detail) => DiffRecords.Corrupt(Description, detail);

    private void CheckLength(byte tag, ulong payload, ulong expected)
    {
        if (payload != expected)
            throw Corrupt($"a {DiffRecords.TagName(tag)} record says its payload is {payload} bytes, but it holds {expected}");
    }

    private void ReadExactly(Span<byte> buffer, string what)
    {
        if (ReadUpTo(buffer) < buffer.Length)
            throw Corrupt($"it ends inside {what} (at byte {Consumed})");
    }

    private int ReadUpTo(Span<byte> buffer)
    {
        int n = _input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        Consumed += n;
        return n;
    }
}
