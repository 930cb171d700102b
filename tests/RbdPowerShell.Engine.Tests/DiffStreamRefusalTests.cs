using static RbdPowerShell.Engine.Tests.DiffStreamTestKit;

namespace RbdPowerShell.Engine.Tests;

public sealed class EmbeddedDiffStreamRefusalTests() : DiffStreamRefusalTests(Backend.Embedded);
public sealed class CephDiffStreamRefusalTests() : DiffStreamRefusalTests(Backend.Ceph);

/// <summary>Every foreign, corrupt or misplaced stream is refused with its ErrorId, and the target stays as it was; on both backends.</summary>
public abstract class DiffStreamRefusalTests : IDisposable
{
    private readonly TempStore _store;
    private IRbdCluster Cluster => _store.Cluster;

    /// <summary>The diff s1 → s2 of "src" (it grows the image, writes, zeroes); "dst" holds src@s1 with snapshot s1.</summary>
    private readonly byte[] _diff;

    protected DiffStreamRefusalTests(Backend backend)
    {
        _store = new TempStore(backend);
        Cluster.CreatePool(Pool);
        Cluster.CreateImage(Pool, "src", 64 << 10, new ImageOptions { Order = 12 });
        using (var src = Cluster.OpenImage(Pool, "src"))
        {
            var random = new Random(3);
            var data = new byte[20000];
            random.NextBytes(data);
            src.Write(1000, data);
            src.CreateSnapshot("s1");
            src.Resize(96 << 10);
            random.NextBytes(data);
            src.Write(30000, data);
            src.Discard(2000, 5000);
            random.NextBytes(data);
            src.Write(70000, data);
            src.CreateSnapshot("s2");
        }
        Cluster.CreateImage(Pool, "dst", 0, ImageOptions.Default);
        Import(Cluster, "dst", Export(Cluster, "src", "s1", null));
        _diff = Export(Cluster, "src", "s2", "s1");
    }

    public void Dispose() => _store.Dispose();

    /// <summary>Imports <paramref name="stream"/> into dst (seekable and as a pipe) and checks refusal and an unchanged dst.</summary>
    private void AssertRefused(byte[] stream, string errorId, bool thenApply = true, RbdErrno errno = RbdErrno.EINVAL)
    {
        string before = State(Cluster, "dst");
        foreach (bool seekable in new[] { true, false })
        {
            var ex = Assert.Throws<RbdException>(() => Import(Cluster, "dst", stream, seekable));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(errno, ex.Errno);
            Assert.Equal(Comparable(before), Comparable(State(Cluster, "dst")));
        }
        if (!thenApply) return;
        // and the good diff still applies afterwards
        Import(Cluster, "dst", _diff);
        Assert.Equal(Hash(Cluster, "src", "s2"), Hash(Cluster, "dst", "s2"));
    }

    /// <summary>
    /// The state a refusal must leave. librbd has no transactions: a stream found corrupt part-way leaves the head
    /// part-written there, as rbd import-diff does; the snapshots (and so the end snapshot) never change.
    /// </summary>
    private string Comparable(string state) => _store.Backend == Backend.Embedded ? state
        : string.Join('\n', state.Split('\n').Where(line => !line.StartsWith("head ", StringComparison.Ordinal)));

    private static byte[] Patch(byte[] data, Action<byte[]> change)
    {
        var copy = (byte[])data.Clone();
        change(copy);
        return copy;
    }

    private int LastWriteRecord()
    {
        // walk the v1 records of _diff: banner, 'f', 't', 's', then 'w'/'z'
        int pos = 12, last = -1;
        while (_diff[pos] != 'e')
        {
            last = _diff[pos] == 'w' ? pos : last;
            pos += _diff[pos] switch
            {
                (byte)'f' or (byte)'t' => 5 + BitConverter.ToInt32(_diff, pos + 1),
                (byte)'s' => 9,
                (byte)'z' => 17,
                _ => 17 + (int)BitConverter.ToUInt64(_diff, pos + 9),
            };
        }
        return last;
    }

    [Fact]
    public void Garbage_is_refused_by_its_banner() => AssertRefused(new Bytes().Text("nonsense").ToArray(), "DiffBannerInvalid");

    [Theory]
    [InlineData("rbd diff v3\n")]
    [InlineData("rbd image v2\n")]
    [InlineData("")]
    [InlineData("RBD DIFF V1\n")]
    public void A_wrong_banner_is_refused(string banner) =>
        AssertRefused(new Bytes().Text(banner).Raw(_diff.AsSpan(12)).ToArray(), "DiffBannerInvalid");

    [Fact]
    public void An_unknown_tag_in_v1_is_refused_after_the_writes() =>
        AssertRefused(_diff[..^1].Append((byte)'x').Append((byte)'e').ToArray(), "DiffCorrupt");

    [Fact]
    public void A_length_past_the_end_is_refused() =>
        AssertRefused(Patch(_diff, d => BitConverter.TryWriteBytes(d.AsSpan(LastWriteRecord() + 9), 1UL << 40)), "DiffCorrupt");

    [Fact]
    public void Truncated_data_is_refused() => AssertRefused(_diff[..(LastWriteRecord() + 17 + 100)], "DiffCorrupt");

    [Fact]
    public void A_missing_e_is_refused() => AssertRefused(_diff[..^1], "DiffCorrupt");

    [Fact]
    public void A_truncated_record_header_is_refused() => AssertRefused(_diff[..(LastWriteRecord() + 5)], "DiffCorrupt");

    [Fact]
    public void An_extent_past_the_image_size_is_refused()
    {
        // the good diff's records, then one more 'w' ending 1 byte past the new size
        var bad = new Bytes().Raw(_diff.AsSpan(0, _diff.Length - 1))
            .Tag('w').U64((96 << 10) - 3).U64(4).Text("abcd").Tag('e').ToArray();
        AssertRefused(bad, "DiffCorrupt", thenApply: false);
        var badZero = new Bytes().Raw(_diff.AsSpan(0, _diff.Length - 1)).Tag('z').U64(ulong.MaxValue).U64(2).Tag('e').ToArray();
        AssertRefused(badZero, "DiffCorrupt");
    }

    [Fact]
    public void A_missing_start_snapshot_is_refused()
    {
        var bad = new Bytes().Text("rbd diff v1\n").Tag('f').Name("nosuch").Raw(_diff.AsSpan(12 + 5 + 2)).ToArray();
        string before = State(Cluster, "dst");
        var ex = Assert.Throws<RbdException>(() => Import(Cluster, "dst", bad));
        Assert.Equal("DiffStartSnapshotMissing", ex.ErrorId);
        Assert.Equal($"{Pool}/dst@nosuch", ex.Target);
        Assert.Contains("start snapshot 'nosuch' does not exist in the image", ex.Message);
        Assert.Equal(before, State(Cluster, "dst"));
    }

    [Fact]
    public void An_existing_end_snapshot_is_refused()
    {
        Import(Cluster, "dst", _diff);
        string before = State(Cluster, "dst");
        var ex = Assert.Throws<RbdException>(() => Import(Cluster, "dst", _diff));
        Assert.Equal("DiffEndSnapshotExists", ex.ErrorId);
        Assert.Equal(RbdErrno.EEXIST, ex.Errno);
        Assert.Equal($"{Pool}/dst@s2", ex.Target);
        Assert.Contains("end snapshot 's2' already exists", ex.Message);
        Assert.Equal(before, State(Cluster, "dst"));
    }

    [Fact]
    public void A_v2_record_with_a_wrong_length_is_refused()
    {
        var v2 = Export(Cluster, "src", "s2", "s1", DiffFormat.V2);
        // the 's' record: tag at 12 + (1+8+4+2) * 2 + (1+8+1); its length field says 9 instead of 8
        int s = 12 + 15 * 2 + 10;
        Assert.Equal((byte)'s', v2[s]);
        AssertRefused(Patch(v2, d => d[s + 1] = 9), "DiffCorrupt", thenApply: false);
        AssertRefused(v2[..^1], "DiffCorrupt");
    }

    [Fact]
    public void A_missing_image_is_refused()
    {
        var ex = Assert.Throws<RbdException>(() => Import(Cluster, "nosuch", _diff));
        Assert.Equal(RbdErrno.ENOENT, ex.Errno);
    }

    [Fact]
    public void Export_format_2_imports_atomically_or_not_at_all()
    {
        var stream = new MemoryStream();
        ImageExportV2.Run(Cluster, Pool, "src", stream);
        var good = stream.ToArray();
        foreach (var (bad, errorId) in new[]
                 {
                     (good[..^1], "DiffCorrupt"),                                   // the head's 'e' missing
                     (good[..(good.Length / 2)], "DiffCorrupt"),                    // truncated in the middle
                     (new Bytes().Text("rbd image v1\n").Raw(good.AsSpan(13)).ToArray(), "DiffBannerInvalid"),
                     (Patch(good, d => d[13 + 17 * 4 + 1 + 5] = (byte)'X'), "DiffBannerInvalid"), // "rbd image diffs v2" damaged
                     (Patch(good, d => d[13 + 17 * 4 + 1 + 19 + 8 + 5] = (byte)'1'), "DiffBannerInvalid"), // a v1 diff inside
                     (good[..(13 + 17 * 2)], "DiffCorrupt"),                         // header without 'E'
                 })
        {
            foreach (bool seekable in new[] { true, false })
            {
                var ex = Assert.Throws<RbdException>(() => ImageImportV2.Run(Cluster,
                    seekable ? new MemoryStream(bad) : new PipeStream(bad), Pool, "copy", ImageOptions.Default));
                Assert.Equal(errorId, ex.ErrorId);
                Assert.DoesNotContain("copy", Cluster.ListImages(Pool));
            }
        }
        var exists = Assert.Throws<RbdException>(() => ImageImportV2.Run(Cluster, new MemoryStream(good), Pool, "dst", ImageOptions.Default));
        Assert.Equal(RbdErrno.EEXIST, exists.Errno);
        ImageImportV2.Run(Cluster, new MemoryStream(good), Pool, "copy", ImageOptions.Default);
        Assert.Equal(State(Cluster, "src"), State(Cluster, "copy"));
    }

    [Fact]
    public void Merge_refuses_diffs_that_do_not_follow_each_other()
    {
        var d1 = Export(Cluster, "src", "s1", null);
        var d2 = Export(Cluster, "src", "s2", "s1");
        var output = new MemoryStream();
        var ex = Assert.Throws<RbdException>(() => DiffMerge.Run(new MemoryStream(d2), new MemoryStream(d1), output));
        Assert.Equal("DiffMergeMismatch", ex.ErrorId);
        Assert.Equal(0, output.Length);
        ex = Assert.Throws<RbdException>(() => DiffMerge.Run(new MemoryStream(d1), new MemoryStream(d2[..^1]), new MemoryStream()));
        Assert.Equal("DiffCorrupt", ex.ErrorId);
        ex = Assert.Throws<RbdException>(() => DiffMerge.Run(new MemoryStream(Export(Cluster, "src", "s1", null, DiffFormat.V2)),
            new MemoryStream(d2), new MemoryStream()));
        Assert.Equal("DiffBannerInvalid", ex.ErrorId);
        // out of order extents
        var unordered = new Bytes().Text("rbd diff v1\n").Tag('t').Name("s1").Tag('s').U64(100)
            .Tag('z').U64(50).U64(10).Tag('z').U64(10).U64(10).Tag('e').ToArray();
        var next = new Bytes().Text("rbd diff v1\n").Tag('f').Name("s1").Tag('s').U64(100).Tag('e').ToArray();
        ex = Assert.Throws<RbdException>(() => DiffMerge.Run(new MemoryStream(unordered), new MemoryStream(next), new MemoryStream()));
        Assert.Equal("DiffCorrupt", ex.ErrorId);
    }

    [Fact]
    public void Export_refuses_a_missing_start_snapshot_without_writing()
    {
        using var image = Cluster.OpenImage(Pool, "src");
        var output = new MemoryStream();
        var ex = Assert.Throws<RbdException>(() => DiffExport.Run(image, "nosuch", output));
        Assert.Equal(RbdErrno.ENOENT, ex.Errno);
        Assert.Equal(0, output.Length);
        using var s1 = Cluster.OpenImage(Pool, "src", "s1");
        Assert.Throws<RbdException>(() => DiffExport.Run(s1, "s2", output));
        Assert.Equal(0, output.Length);
    }
}
