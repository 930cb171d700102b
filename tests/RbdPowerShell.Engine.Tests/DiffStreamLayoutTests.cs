using static RbdPowerShell.Engine.Tests.DiffStreamTestKit;

namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// The exact bytes of each stream kind, built by hand from Ceph's layouts (doc/dev/rbd-diff.rst, rbd-export.rst,
/// src/tools/rbd/action/Export.cc, MergeDiff.cc). The extents are what diff-iterate reports: an object new since
/// the start reports [0, its size), a grown one [old size, new size) plus what was written below.
/// </summary>
public sealed class EmbeddedDiffStreamLayoutTests() : DiffStreamLayoutTests(Backend.Embedded);
public sealed class CephDiffStreamLayoutTests() : DiffStreamLayoutTests(Backend.Ceph);

public abstract class DiffStreamLayoutTests(Backend backend)
{
    private static byte[] Data(int zeros, string text) =>
        new byte[zeros].Concat(System.Text.Encoding.ASCII.GetBytes(text)).ToArray();

    /// <summary>A 8 KiB image of 4 KiB objects: "abcd" at 100, s1, "xy" at 200 and 4 zero bytes at 5000, s2, object 0 discarded.</summary>
    private TempStore Tiny(bool protect = false)
    {
        var store = new TempStore(backend);
        store.Cluster.CreatePool(Pool);
        store.Cluster.CreateImage(Pool, "t", 8192, new ImageOptions { Order = 12 });
        using var image = store.Cluster.OpenImage(Pool, "t");
        image.Write(100, "abcd"u8);
        image.CreateSnapshot("s1");
        image.Write(200, "xy"u8);
        image.Write(5000, new byte[4]);
        image.CreateSnapshot("s2");
        if (protect) image.ProtectSnapshot("s2");
        image.Discard(0, 4096);
        return store;
    }

    [Fact]
    public void One_small_write_gives_the_exact_v1_stream()
    {
        using var store = new TempStore(backend);
        store.Cluster.CreatePool(Pool);
        store.Cluster.CreateImage(Pool, "t", 8192, new ImageOptions { Order = 12 });
        using (var image = store.Cluster.OpenImage(Pool, "t")) image.Write(100, "abcd"u8);
        var expected = new Bytes().Text("rbd diff v1\n")
            .Tag('s').U64(8192)
            .Tag('w').U64(0).U64(104).Raw(Data(100, "abcd"))
            .Tag('e').ToArray();
        Assert.Equal(expected, Export(store.Cluster, "t", null, null));
    }

    [Fact]
    public void V1_between_snapshots_has_f_t_s_w_z_e()
    {
        using var store = Tiny();
        var expected = new Bytes().Text("rbd diff v1\n")
            .Tag('f').Name("s1")
            .Tag('t').Name("s2")
            .Tag('s').U64(8192)
            .Tag('w').U64(104).U64(98).Raw(Data(96, "xy"))
            .Tag('z').U64(4096).U64(908)          // read as all zeros: 'z', not 'w'
            .Tag('e').ToArray();
        Assert.Equal(expected, Export(store.Cluster, "t", "s2", "s1"));

        // from creation to a snapshot: no 'f'; from a snapshot to the head: no 't'
        Assert.Equal(new Bytes().Text("rbd diff v1\n").Tag('t').Name("s1").Tag('s').U64(8192)
                .Tag('w').U64(0).U64(104).Raw(Data(100, "abcd")).Tag('e').ToArray(),
            Export(store.Cluster, "t", "s1", null));
        Assert.Equal(new Bytes().Text("rbd diff v1\n").Tag('f').Name("s2").Tag('s').U64(8192)
                .Tag('z').U64(0).U64(202).Tag('e').ToArray(),
            Export(store.Cluster, "t", null, "s2"));
    }

    [Fact]
    public void V2_has_lengths_and_p_after_t()
    {
        using var store = Tiny(protect: true);
        var expected = new Bytes().Text("rbd diff v2\n")
            .Tag('f').U64(6).Name("s1")
            .Tag('t').U64(6).Name("s2")
            .Tag('p').U64(8).U8(1)
            .Tag('s').U64(8).U64(8192)
            .Tag('w').U64(16 + 98).U64(104).U64(98).Raw(Data(96, "xy"))
            .Tag('z').U64(16).U64(4096).U64(908)
            .Tag('e').ToArray();
        Assert.Equal(expected, Export(store.Cluster, "t", "s2", "s1", DiffFormat.V2));
        // the head has no 't', so no 'p'
        Assert.Equal(new Bytes().Text("rbd diff v2\n").Tag('f').U64(6).Name("s2").Tag('s').U64(8).U64(8192)
                .Tag('z').U64(16).U64(0).U64(202).Tag('e').ToArray(),
            Export(store.Cluster, "t", null, "s2", DiffFormat.V2));
    }

    [Fact]
    public void Whole_object_reports_whole_objects()
    {
        using var store = Tiny();
        var expected = new Bytes().Text("rbd diff v1\n").Tag('f').Name("s1").Tag('t').Name("s2").Tag('s').U64(8192)
            .Tag('w').U64(0).U64(4096).Raw(Data(100, "abcd").Concat(Data(96, "xy")).Concat(new byte[4096 - 202]).ToArray())
            .Tag('z').U64(4096).U64(4096)
            .Tag('e').ToArray();
        Assert.Equal(expected, Export(store.Cluster, "t", "s2", "s1", wholeObject: true));
    }

    [Fact]
    public void Export_format_2_layout()
    {
        using var store = Tiny();
        using (var image = store.Cluster.OpenImage(Pool, "t")) image.ProtectSnapshot("s1");
        var output = new MemoryStream();
        ImageExportV2.Run(store.Cluster, Pool, "t", output);
        var expected = new Bytes().Text("rbd image v2\n")
            .Tag('O').U64(8).U64(12)
            .Tag('T').U64(8).U64(61)
            .Tag('U').U64(8).U64(4096)
            .Tag('C').U64(8).U64(1)
            .Tag('E')
            .Text("rbd image diffs v2\n").U64(3)
            // s1, from creation
            .Text("rbd diff v2\n").Tag('t').U64(6).Name("s1").Tag('p').U64(8).U8(1).Tag('s').U64(8).U64(8192)
            .Tag('w').U64(16 + 104).U64(0).U64(104).Raw(Data(100, "abcd")).Tag('e')
            // s2, from s1
            .Text("rbd diff v2\n").Tag('f').U64(6).Name("s1").Tag('t').U64(6).Name("s2").Tag('p').U64(8).U8(0)
            .Tag('s').U64(8).U64(8192)
            .Tag('w').U64(16 + 98).U64(104).U64(98).Raw(Data(96, "xy")).Tag('z').U64(16).U64(4096).U64(908).Tag('e')
            // the head, from s2
            .Text("rbd diff v2\n").Tag('f').U64(6).Name("s2").Tag('s').U64(8).U64(8192)
            .Tag('z').U64(16).U64(0).U64(202).Tag('e')
            .ToArray();
        Assert.Equal(expected, output.ToArray());

        // and it imports back: s1 protected, s2 not, every view identical
        output.Position = 0;
        ImageImportV2.Run(store.Cluster, output, Pool, "u", ImageOptions.Default);
        Assert.Equal(State(store.Cluster, "t"), State(store.Cluster, "u"));
        Assert.Equal([true, false], Snapshots(store.Cluster, "u").Select(s => s.Protected));
    }

    [Fact]
    public void Hand_built_streams_import_as_rbd_writes_them()
    {
        using var store = new TempStore(backend);
        store.Cluster.CreatePool(Pool);
        store.Cluster.CreateImage(Pool, "t", 100, ImageOptions.Default);
        using (var image = store.Cluster.OpenImage(Pool, "t")) image.Write(0, Enumerable.Repeat((byte)7, 100).ToArray());

        // v2 with a record of a later version ('X', 3 bytes) that rbd skips by its length; 'p' protects the end snapshot
        var v2 = new Bytes().Text("rbd diff v2\n")
            .Tag('t').U64(6).Name("a1").Tag('p').U64(1).U8(1)
            .Tag('X').U64(3).Text("???")
            .Tag('s').U64(8).U64(9000)
            .Tag('z').U64(16).U64(10).U64(20)
            .Tag('w').U64(16 + 5).U64(8000).U64(5).Text("hello")
            .Tag('e').ToArray();
        Import(store.Cluster, "t", v2);
        var expected = Enumerable.Repeat((byte)7, 100).Concat(new byte[8900]).ToArray();
        expected.AsSpan(10, 20).Clear();
        "hello"u8.CopyTo(expected.AsSpan(8000));
        using (var image = store.Cluster.OpenImage(Pool, "t", "a1"))
        {
            var got = new byte[9000];
            Assert.Equal(9000, image.Read(0, got));
            Assert.Equal(expected, got);
        }
        Assert.True(Snapshots(store.Cluster, "t").Single().Protected);

        // v1 from a1, shrinking, the 't' before the 'f' (order of metadata records is free), then zeroing
        var v1 = new Bytes().Text("rbd diff v1\n").Tag('t').Name("a2").Tag('f').Name("a1").Tag('s').U64(50)
            .Tag('w').U64(0).U64(3).Text("abc").Tag('e').Text("trailing bytes are not read").ToArray();
        Import(store.Cluster, "t", v1);
        Assert.Equal(["a1", "a2"], Snapshots(store.Cluster, "t").Select(s => s.Name));
        using (var image = store.Cluster.OpenImage(Pool, "t"))
        {
            var got = new byte[50];
            Assert.Equal(50UL, image.Stat().Size);
            image.Read(0, got);
            Assert.Equal("abc"u8.ToArray().Concat(expected.Skip(3).Take(47)), got);
        }
    }

    private static byte[] Merge(byte[] first, byte[] second)
    {
        var output = new MemoryStream();
        DiffMerge.Run(new MemoryStream(first), new MemoryStream(second), output);
        return output.ToArray();
    }

    [Fact]
    public void Merge_cuts_the_first_diffs_extents_around_the_second_ones()
    {
        var first = new Bytes().Text("rbd diff v1\n").Tag('f').Name("a").Tag('t').Name("b").Tag('s').U64(100)
            .Tag('w').U64(0).U64(10).Text("0123456789")
            .Tag('w').U64(20).U64(10).Text("ABCDEFGHIJ")
            .Tag('e').ToArray();
        var second = new Bytes().Text("rbd diff v1\n").Tag('f').Name("b").Tag('t').Name("c").Tag('s').U64(100)
            .Tag('z').U64(5).U64(10)
            .Tag('w').U64(25).U64(2).Text("xy")
            .Tag('e').ToArray();
        var expected = new Bytes().Text("rbd diff v1\n").Tag('f').Name("a").Tag('t').Name("c").Tag('s').U64(100)
            .Tag('w').U64(0).U64(5).Text("01234")
            .Tag('z').U64(5).U64(10)
            .Tag('w').U64(20).U64(5).Text("ABCDE")
            .Tag('w').U64(25).U64(2).Text("xy")
            .Tag('w').U64(27).U64(3).Text("HIJ")
            .Tag('e').ToArray();
        Assert.Equal(expected, Merge(first, second));
    }

    [Fact]
    public void Merge_zeroes_a_grown_tail_and_drops_extents_past_a_shrunk_end()
    {
        var first = new Bytes().Text("rbd diff v1\n").Tag('t').Name("b").Tag('s').U64(100)
            .Tag('w').U64(40).U64(4).Text("abcd").Tag('w').U64(90).U64(10).Text("0123456789").Tag('e').ToArray();
        var grown = new Bytes().Text("rbd diff v1\n").Tag('f').Name("b").Tag('s').U64(200)
            .Tag('w').U64(150).U64(2).Text("xy").Tag('e').ToArray();
        Assert.Equal(new Bytes().Text("rbd diff v1\n").Tag('s').U64(200)
                .Tag('w').U64(40).U64(4).Text("abcd").Tag('w').U64(90).U64(10).Text("0123456789")
                .Tag('z').U64(100).U64(50).Tag('w').U64(150).U64(2).Text("xy").Tag('z').U64(152).U64(48)
                .Tag('e').ToArray(),
            Merge(first, grown));

        var shrunk = new Bytes().Text("rbd diff v1\n").Tag('f').Name("b").Tag('t').Name("c").Tag('s').U64(42).Tag('e').ToArray();
        Assert.Equal(new Bytes().Text("rbd diff v1\n").Tag('t').Name("c").Tag('s').U64(42)
                .Tag('w').U64(40).U64(2).Text("ab").Tag('e').ToArray(),
            Merge(first, shrunk));
    }
}
