using static RbdPowerShell.Engine.Tests.DiffStreamTestKit;

namespace RbdPowerShell.Engine.Tests;

public sealed class EmbeddedDiffStreamRoundTripTests() : DiffStreamRoundTripTests(Backend.Embedded);
public sealed class CephDiffStreamRoundTripTests() : DiffStreamRoundTripTests(Backend.Ceph);

/// <summary>Random images through every stream kind: export-diff v1/v2, export format 2, merge-diff; on both backends.</summary>
public abstract class DiffStreamRoundTripTests(Backend backend)
{
    public static IEnumerable<object[]> Cases() =>
        new[] { 12, 13, 14, 16, 18, 20, 22 }.SelectMany((order, i) => new[] { new object[] { order, 1000 + i * 31 }, new object[] { order, 2000 + i * 17 } });

    /// <summary>Imports the chain into <paramref name="targetName"/> and checks every snapshot and the head.</summary>
    private static void ImportChainAndCompare(IRbdCluster source, IRbdCluster target, string targetName, int targetOrder,
                                              List<byte[]> chain, bool protection, bool seekable = true)
    {
        target.CreateImage(Pool, targetName, 0, new ImageOptions { Order = targetOrder });
        foreach (var diff in chain) Import(target, targetName, diff, seekable);
        var expected = Snapshots(source, "src");
        var got = Snapshots(target, targetName);
        Assert.Equal(expected.Select(s => s.Name), got.Select(s => s.Name));
        foreach (var (e, g) in expected.Zip(got))
        {
            Assert.Equal(e.Size, g.Size);
            Assert.Equal(protection && e.Protected, g.Protected);
            Assert.Equal(Hash(source, "src", e.Name), Hash(target, targetName, g.Name));
        }
        Assert.Equal(Hash(source, "src"), Hash(target, targetName));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Export_diff_v1_chain_imports_identically_into_another_store_and_the_same_store(int order, int seed)
    {
        using var a = new TempStore(backend);
        using var b = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        b.Cluster.CreatePool(Pool);
        BuildRandomImage(a.Cluster, "src", seed, order);
        var chain = ExportChain(a.Cluster, "src");
        ImportChainAndCompare(a.Cluster, b.Cluster, "copy", 12 + seed % 11, chain, protection: false);
        ImportChainAndCompare(a.Cluster, a.Cluster, "copy", order, chain, protection: false, seekable: false);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Export_diff_v2_chain_carries_protection(int order, int seed)
    {
        using var a = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        BuildRandomImage(a.Cluster, "src", seed + 5, order);
        ImportChainAndCompare(a.Cluster, a.Cluster, "copy", order, ExportChain(a.Cluster, "src", DiffFormat.V2), protection: true);
    }

    [Theory]
    [InlineData(12, 77)]
    [InlineData(16, 78)]
    [InlineData(22, 79)]
    public void Whole_object_diffs_import_identically(int order, int seed)
    {
        using var a = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        BuildRandomImage(a.Cluster, "src", seed, order);
        ImportChainAndCompare(a.Cluster, a.Cluster, "copy", order, ExportChain(a.Cluster, "src", wholeObject: true), protection: false);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Export_format_2_recreates_every_snapshot_with_protection_and_content(int order, int seed)
    {
        using var a = new TempStore(backend);
        using var b = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        b.Cluster.CreatePool(Pool);
        BuildRandomImage(a.Cluster, "src", seed + 9, order);
        var stream = new MemoryStream();
        ImageExportV2.Run(a.Cluster, Pool, "src", stream);
        stream.Position = 0;
        ImageImportV2.Run(b.Cluster, stream, Pool, "copy", ImageOptions.Default);
        Assert.Equal(stream.Length, stream.Position);
        Assert.Equal(State(a.Cluster, "src"), State(b.Cluster, "copy"));
        Assert.Equal(Snapshots(a.Cluster, "src").Select(s => s.Size), Snapshots(b.Cluster, "copy").Select(s => s.Size));
        using var copy = b.Cluster.OpenImage(Pool, "copy");
        Assert.Equal(order, copy.Stat().Order);
        Assert.Equal(RbdFeatures.Default, copy.Stat().Features);

        // the caller's options win over the stream's, as in rbd; a pipe works as well as a file
        ImageImportV2.Run(b.Cluster, new PipeStream(stream.ToArray()), Pool, "copy2", new ImageOptions { Order = 12 });
        Assert.Equal(State(a.Cluster, "src"), State(b.Cluster, "copy2"));
        using var copy2 = b.Cluster.OpenImage(Pool, "copy2");
        Assert.Equal(12, copy2.Stat().Order);
    }

    /// <summary>Like rbd 16.2, pool/image@snap in export format 2 is the whole image's stream, whichever snapshot.</summary>
    [Fact]
    public void Export_format_2_of_a_snapshot_round_trips_the_whole_image()
    {
        using var a = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        a.Cluster.CreateImage(Pool, "src", 3 << 16, new ImageOptions { Order = 16 });
        using (var image = a.Cluster.OpenImage(Pool, "src"))
        {
            var random = new Random(42);
            foreach (var (snap, protect, size) in new[] { ("s1", true, 3 << 16), ("s2", false, 3 << 16), ("s3", true, 5 << 16) })
            {
                image.Resize((ulong)size);
                var data = new byte[70000];
                random.NextBytes(data);
                image.Write((ulong)random.Next(size - data.Length), data);
                image.CreateSnapshot(snap);
                if (protect) image.ProtectSnapshot(snap);
            }
            image.Discard(0, 1 << 16);
        }
        byte[] ExportV2(string? snapshot)
        {
            var stream = new MemoryStream();
            ImageExportV2.Run(a.Cluster, Pool, "src", snapshot, stream);
            return stream.ToArray();
        }
        var whole = ExportV2(null);
        Assert.Equal(whole, ExportV2("s1"));
        Assert.Equal(whole, ExportV2("s3"));

        ImageImportV2.Run(a.Cluster, new MemoryStream(ExportV2("s2")), Pool, "copy", ImageOptions.Default);
        Assert.Equal(State(a.Cluster, "src"), State(a.Cluster, "copy"));
        Assert.Equal([true, false, true], Snapshots(a.Cluster, "copy").Select(s => s.Protected));

        var output = new MemoryStream();
        var missing = Assert.Throws<RbdException>(() => ImageExportV2.Run(a.Cluster, Pool, "src", "nosuch", output));
        Assert.Equal(RbdErrno.ENOENT, missing.Errno);
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merged_diffs_import_like_both_diffs(int order, int seed)
    {
        using var a = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        BuildRandomImage(a.Cluster, "src", seed + 3, order, steps: 40);
        var chain = ExportChain(a.Cluster, "src");
        var snaps = Snapshots(a.Cluster, "src");
        if (chain.Count < 3) return;   // fewer than two snapshots: nothing to merge but creation → head

        // creation → s0 merged with s0 → s1, and every later consecutive pair merged
        for (int i = 0; i + 1 < chain.Count; i++)
        {
            var merged = new MemoryStream();
            DiffMerge.Run(new MemoryStream(chain[i]), new MemoryStream(chain[i + 1]), merged);
            string both = "both" + i, one = "merged" + i;
            foreach (var name in new[] { both, one })
            {
                a.Cluster.CreateImage(Pool, name, 0, new ImageOptions { Order = order });
                for (int j = 0; j < i; j++) Import(a.Cluster, name, chain[j]);
            }
            Import(a.Cluster, both, chain[i]);
            Import(a.Cluster, both, chain[i + 1]);
            Import(a.Cluster, one, merged.ToArray());
            Assert.Equal(Hash(a.Cluster, both), Hash(a.Cluster, one));
            string expected = i + 1 < snaps.Count ? Hash(a.Cluster, "src", snaps[i + 1].Name) : Hash(a.Cluster, "src");
            Assert.Equal(expected, Hash(a.Cluster, one));
            var oneSnaps = Snapshots(a.Cluster, one).Select(s => s.Name).ToList();
            Assert.Equal(snaps.Take(i).Select(s => s.Name).Concat(i + 1 < snaps.Count ? [snaps[i + 1].Name] : []), oneSnaps);
            if (i >= 2) break;   // enough pairs per image
        }
    }

    [Fact]
    public void Merging_a_merge_with_the_next_diff_matches_the_direct_diff()
    {
        using var a = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        a.Cluster.CreateImage(Pool, "src", 64 << 10, new ImageOptions { Order = 12 });
        using (var image = a.Cluster.OpenImage(Pool, "src"))
        {
            var random = new Random(5);
            for (int s = 0; s < 4; s++)
            {
                for (int w = 0; w < 10; w++)
                {
                    var data = new byte[random.Next(1, 9000)];
                    random.NextBytes(data);
                    ulong size = image.Stat().Size;
                    ulong offset = (ulong)random.NextInt64(0, (long)(size - (ulong)data.Length));
                    if (w % 4 == 3) image.Discard(offset, (ulong)data.Length); else image.Write(offset, data);
                }
                image.Resize((ulong)random.Next(20 << 10, 100 << 10));
                image.CreateSnapshot("s" + s);
            }
        }
        var d01 = Export(a.Cluster, "src", "s1", "s0");
        var d12 = Export(a.Cluster, "src", "s2", "s1");
        var d23 = Export(a.Cluster, "src", "s3", "s2");
        var m02 = new MemoryStream();
        DiffMerge.Run(new MemoryStream(d01), new MemoryStream(d12), m02);
        var m03 = new MemoryStream();
        DiffMerge.Run(new MemoryStream(m02.ToArray()), new MemoryStream(d23), m03);

        a.Cluster.CreateImage(Pool, "copy", 0, ImageOptions.Default);
        Import(a.Cluster, "copy", Export(a.Cluster, "src", "s0", null));
        Import(a.Cluster, "copy", m03.ToArray());
        Assert.Equal(Hash(a.Cluster, "src", "s3"), Hash(a.Cluster, "copy"));
        Assert.Equal(["s0", "s3"], Snapshots(a.Cluster, "copy").Select(s => s.Name));
    }

    [Fact]
    public void Export_diff_of_a_clone_from_creation_includes_the_parent_data()
    {
        using var a = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        BuildRandomImage(a.Cluster, "src", 4242, 14, steps: 12);
        using (var parent = a.Cluster.OpenImage(Pool, "src"))
        {
            parent.CreateSnapshot("base");
            parent.ProtectSnapshot("base");
        }
        a.Cluster.Clone(Pool, "src", "base", Pool, "child", ImageOptions.Default);
        using (var child = a.Cluster.OpenImage(Pool, "child"))
        {
            child.Write(100, new byte[] { 1, 2, 3 });
            child.CreateSnapshot("c1");
        }
        using var b = new TempStore(backend);
        b.Cluster.CreatePool(Pool);
        b.Cluster.CreateImage(Pool, "copy", 0, ImageOptions.Default);
        foreach (var diff in ExportChain(a.Cluster, "child")) Import(b.Cluster, "copy", diff);
        Assert.Equal(Hash(a.Cluster, "child", "c1"), Hash(b.Cluster, "copy", "c1"));
        Assert.Equal(Hash(a.Cluster, "child"), Hash(b.Cluster, "copy"));
    }

    [Fact]
    public void Large_objects_stream_in_chunks()
    {
        // order 24: 16 MiB objects, extents bigger than one 4 MiB chunk, with a zero chunk first and a zero object
        using var a = new TempStore(backend);
        a.Cluster.CreatePool(Pool);
        a.Cluster.CreateImage(Pool, "src", 40 << 20, new ImageOptions { Order = 24 });
        using (var image = a.Cluster.OpenImage(Pool, "src"))
        {
            var data = new byte[(10 << 20) + 5];
            new Random(1).NextBytes(data.AsSpan(5 << 20));
            image.Write(1000, data);
            image.Write(17 << 20, new byte[6 << 20]);   // zeros: exported as 'z'
        }
        var diff = Export(a.Cluster, "src", null, null);
        // object 0 is new: one 'w' of [0, its size) with its zero chunks; object 1 reads as zeros: one 'z'
        Assert.Equal(12 + 9 + (17 + 1000 + (10 << 20) + 5) + 17 + 1, diff.Length);
        a.Cluster.CreateImage(Pool, "copy", 0, ImageOptions.Default);
        Import(a.Cluster, "copy", diff, seekable: false);
        Assert.Equal(Hash(a.Cluster, "src"), Hash(a.Cluster, "copy"));
    }
}
