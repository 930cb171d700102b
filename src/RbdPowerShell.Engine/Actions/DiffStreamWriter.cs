using System.Buffers.Binary;
using System.Text;

namespace RbdPowerShell.Engine;

/// <summary>
/// Writes the records of an "rbd diff v1/v2" stream and the export-format-2 framing around them, byte for byte
/// as src/tools/rbd/action/Export.cc encodes them: integers little-endian, strings le32 length + bytes, and in v2
/// an le64 payload length after every tag except 'e'.
/// </summary>
internal sealed class DiffStreamWriter
{
    private readonly Stream _output;
    private static readonly byte[] Zeros = new byte[64 << 10];

    public DiffStreamWriter(Stream output, DiffFormat format)
    {
        _output = output;
        Format = format;
    }

    public DiffFormat Format { get; }
    private bool V2 => Format == DiffFormat.V2;

    public void WriteBanner() => _output.Write(V2 ? DiffRecords.DiffBannerV2 : DiffRecords.DiffBannerV1);

    public void WriteFromSnap(string name) => WriteName(DiffRecords.FromSnap, name);
    public void WriteToSnap(string name) => WriteName(DiffRecords.ToSnap, name);

    /// <summary>
    /// 'p' (v2 only): u8 1 when the end snapshot is protected. rbd 16.2 declares a length of 8 for its one-byte
    /// payload (and its reader reads one byte whatever the length says); the same bytes are written here.
    /// </summary>
    public void WriteProtection(bool isProtected)
    {
        Span<byte> record = stackalloc byte[10];
        int n = Tag(record, DiffRecords.ProtectionStatus, 8);
        record[n++] = isProtected ? (byte)1 : (byte)0;
        _output.Write(record[..n]);
    }

    public void WriteSize(ulong size)
    {
        Span<byte> record = stackalloc byte[17];
        int n = Tag(record, DiffRecords.ImageSize, 8);
        n = U64(record, n, size);
        _output.Write(record[..n]);
    }

    /// <summary>A 'z' record: the range reads as zeros.</summary>
    public void WriteZero(ulong offset, ulong length) => WriteExtent(DiffRecords.Zero, offset, length);

    /// <summary>The head of a 'w' record; exactly <paramref name="length"/> bytes of data must follow.</summary>
    public void WriteDataHeader(ulong offset, ulong length) => WriteExtent(DiffRecords.Write, offset, length);

    public void WriteData(ReadOnlySpan<byte> data) => _output.Write(data);

    /// <summary>Zero bytes as 'w' data.</summary>
    public void WriteZeroData(ulong count)
    {
        while (count > 0)
        {
            int n = (int)Math.Min(count, (ulong)Zeros.Length);
            _output.Write(Zeros, 0, n);
            count -= (ulong)n;
        }
    }

    public void WriteEnd() => _output.WriteByte(DiffRecords.End);

    /// <summary>The tag, offset and length of a 'w' or 'z' record (merge-diff's accept_diff_body, any format).</summary>
    public void WriteExtent(byte tag, ulong offset, ulong length)
    {
        Span<byte> record = stackalloc byte[25];
        int n = Tag(record, tag, tag == DiffRecords.Write ? 16 + length : 16);
        n = U64(record, n, offset);
        n = U64(record, n, length);
        _output.Write(record[..n]);
    }

    private void WriteName(byte tag, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        var record = new byte[13 + bytes.Length];
        int n = Tag(record, tag, 4 + (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(n), (uint)bytes.Length);
        bytes.CopyTo(record, n + 4);
        _output.Write(record, 0, n + 4 + bytes.Length);
    }

    /// <summary>The tag, and in v2 the le64 payload length after it.</summary>
    private int Tag(Span<byte> record, byte tag, ulong payload)
    {
        record[0] = tag;
        return V2 ? U64(record, 1, payload) : 1;
    }

    private static int U64(Span<byte> record, int at, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(record[at..], value);
        return at + 8;
    }

    // export format 2 framing (do_export_v2)

    public void WriteImageBanner() => _output.Write(DiffRecords.ImageBannerV2);

    /// <summary>An image header record: tag, le64 8, le64 value ('O', 'T', 'U', 'C').</summary>
    public void WriteImageProperty(byte tag, ulong value)
    {
        Span<byte> record = stackalloc byte[17];
        record[0] = tag;
        U64(record, 1, 8);
        U64(record, 9, value);
        _output.Write(record);
    }

    /// <summary>One key of the image's metadata: 'M', le64 length, then key and value each as le32 length + bytes.</summary>
    public void WriteImageMeta(string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var v = Encoding.UTF8.GetBytes(value);
        var record = new byte[9 + 8 + k.Length + v.Length];
        record[0] = DiffRecords.ImageMeta;
        int n = U64(record, 1, (ulong)(8 + k.Length + v.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(n), (uint)k.Length);
        k.CopyTo(record, n + 4);
        n += 4 + k.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(n), (uint)v.Length);
        v.CopyTo(record, n + 4);
        _output.Write(record);
    }

    public void WriteImageEnd() => _output.WriteByte(DiffRecords.ImageEnd);

    /// <summary>"rbd image diffs v2\n" and the le64 number of diffs that follow.</summary>
    public void WriteDiffsBanner(ulong count)
    {
        _output.Write(DiffRecords.ImageDiffsBannerV2);
        Span<byte> number = stackalloc byte[8];
        U64(number, 0, count);
        _output.Write(number);
    }
}
