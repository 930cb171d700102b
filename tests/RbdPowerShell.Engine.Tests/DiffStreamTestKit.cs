using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace RbdPowerShell.Engine.Tests;

/// <summary>Helpers of the diff stream tests: random images, whole-state fingerprints, stream building.</summary>
internal static class DiffStreamTestKit
{
    public const string Pool = "p";

    /// <summary>A random image: writes (random, zero, partly zero), discards, snapshots (some protected), resizes.</summary>
    public static void BuildRandomImage(IRbdCluster cluster, string name, int seed, int order, int steps = 30)
    {
        var random = new Random(seed);
        ulong objectSize = 1UL << order;
        ulong maxSize = Math.Max(objectSize * 2, Math.Min(objectSize * 10, 6UL << 20));
        ulong size = (ulong)random.NextInt64(1, (long)maxSize);
        cluster.CreateImage(Pool, name, size, new ImageOptions { Order = order });
        using var image = cluster.OpenImage(Pool, name);
        int snaps = 0;
        for (int step = 0; step < steps; step++)
        {
            int op = random.Next(100);
            if (op < 45 && size > 0)
            {
                ulong offset = (ulong)random.NextInt64(0, (long)size);
                ulong length = (ulong)random.NextInt64(1, (long)Math.Min(size - offset, Math.Min(2 * objectSize, 1UL << 20)) + 1);
                var data = new byte[length];
                int kind = random.Next(6);
                if (kind > 0) random.NextBytes(data);
                if (kind == 1) data.AsSpan(0, data.Length / 2).Clear();
                image.Write(offset, data);
            }
            else if (op < 58 && size > 0)
            {
                ulong offset = (ulong)random.NextInt64(0, (long)size);
                ulong length = (ulong)random.NextInt64(1, (long)(size - offset) + 1);
                image.Discard(offset, length);
            }
            else if (op < 75)
            {
                string snap = "s" + snaps++;
                image.CreateSnapshot(snap);
                if (random.Next(3) == 0) image.ProtectSnapshot(snap);
            }
            else if (op < 85)
            {
                size = (ulong)random.NextInt64(1, (long)maxSize);
                image.Resize(size);
            }
        }
    }

    public static IReadOnlyList<SnapshotInfo> Snapshots(IRbdCluster cluster, string name)
    {
        using var image = cluster.OpenImage(Pool, name);
        return image.ListSnapshots().OrderBy(s => s.Id).ToList();
    }

    public static string Hash(IRbdImage image)
    {
        ulong size = image.Stat().Size;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (ulong offset = 0; offset < size;)
        {
            int n = (int)Math.Min((ulong)buffer.Length, size - offset);
            Assert.Equal(n, image.Read(offset, buffer.AsSpan(0, n)));
            sha.AppendData(buffer, 0, n);
            offset += (ulong)n;
        }
        return $"{size}:{Convert.ToHexString(sha.GetHashAndReset())[..16]}";
    }

    public static string Hash(IRbdCluster cluster, string name, string? snapshot = null)
    {
        using var image = cluster.OpenImage(Pool, name, snapshot);
        return Hash(image);
    }

    /// <summary>Everything an import may change: size and content of the head and of every snapshot, and protection.</summary>
    public static string State(IRbdCluster cluster, string name, bool withProtection = true)
    {
        var lines = Snapshots(cluster, name)
            .Select(s => $"{s.Name} {(withProtection ? s.Protected.ToString() : "")} {Hash(cluster, name, s.Name)}")
            .Append("head " + Hash(cluster, name));
        return string.Join("\n", lines);
    }

    public static byte[] Export(IRbdCluster cluster, string name, string? snapshot, string? from,
                                DiffFormat format = DiffFormat.V1, bool wholeObject = false)
    {
        using var image = cluster.OpenImage(Pool, name, snapshot);
        var output = new MemoryStream();
        DiffExport.Run(image, from, output, format, wholeObject);
        return output.ToArray();
    }

    /// <summary>The diffs of an image's history: creation → first snapshot → … → last snapshot → head.</summary>
    public static List<byte[]> ExportChain(IRbdCluster cluster, string name, DiffFormat format = DiffFormat.V1, bool wholeObject = false)
    {
        var diffs = new List<byte[]>();
        string? previous = null;
        foreach (var snap in Snapshots(cluster, name))
        {
            diffs.Add(Export(cluster, name, snap.Name, previous, format, wholeObject));
            previous = snap.Name;
        }
        diffs.Add(Export(cluster, name, null, previous, format, wholeObject));
        return diffs;
    }

    public static void Import(IRbdCluster cluster, string name, byte[] diff, bool seekable = true) =>
        DiffImport.Run(cluster, Pool, name, seekable ? new MemoryStream(diff) : new PipeStream(diff));

    /// <summary>Builds streams by hand: tags, le32/le64, strings.</summary>
    public sealed class Bytes
    {
        private readonly MemoryStream _stream = new();
        public Bytes Text(string text) { _stream.Write(Encoding.UTF8.GetBytes(text)); return this; }
        public Bytes Tag(char tag) { _stream.WriteByte((byte)tag); return this; }
        public Bytes U8(byte value) { _stream.WriteByte(value); return this; }
        public Bytes U32(uint value) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, value); _stream.Write(b); return this; }
        public Bytes U64(ulong value) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, value); _stream.Write(b); return this; }
        public Bytes Name(string name) => U32((uint)Encoding.UTF8.GetByteCount(name)).Text(name);
        public Bytes Raw(ReadOnlySpan<byte> data) { _stream.Write(data); return this; }
        public byte[] ToArray() => _stream.ToArray();
    }

    /// <summary>A forward-only stream, as a pipe: no length, no seeking.</summary>
    public sealed class PipeStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
