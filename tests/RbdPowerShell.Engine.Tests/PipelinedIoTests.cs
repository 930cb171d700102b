using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell.Engine.Tests;

public sealed class EmbeddedPipelinedIoTests() : PipelinedIoTests(Backend.Embedded);
public sealed class CephPipelinedIoTests() : PipelinedIoTests(Backend.Ceph);

/// <summary>
/// The bulk paths keep several I/Os in flight (IoPipeline) on both backends: a multi-object image with holes and
/// zero blocks comes through import, export, copy, export-diff/import-diff, the Cinder chunked copy and the Glance
/// upload identical; a failed write or a stop part-way waits for every I/O in flight and leaves no image behind.
/// </summary>
public abstract class PipelinedIoTests : IDisposable
{
    private const ulong MiB = 1 << 20;
    private const string Pool = "openstack";
    /// <summary>Eleven 4 MiB objects, the last one partial.</summary>
    private const ulong Size = 40 * MiB + 12288;
    private readonly TempStore _store;
    private readonly FaultyCluster _cluster;
    private readonly string _raw;
    private OpenStackDatabase? _database;

    protected PipelinedIoTests(Backend backend)
    {
        _store = new TempStore(backend);
        _store.Cluster.CreatePool(Pool);
        _cluster = new FaultyCluster(_store.Cluster);
        _raw = WriteRaw(Path.Combine(_store.Directory, "source.raw"));
    }

    public void Dispose()
    {
        _database?.Dispose();
        _store.Dispose();
    }

    /// <summary>Data across object boundaries, holes, a zero 4 KiB block and a zero MiB inside data, a partial last object.</summary>
    private static string WriteRaw(string path)
    {
        var random = new Random(5);
        using var file = new FileStream(path, FileMode.CreateNew);
        file.SetLength((long)Size);
        void Put(ulong offset, byte[] data)
        {
            file.Position = (long)offset;
            file.Write(data);
        }
        byte[] Random(ulong length)
        {
            var data = new byte[length];
            random.NextBytes(data);
            return data;
        }
        Put(0, Random(3 * MiB + 100));
        Put(6 * MiB - 4096, Random(8 * MiB));
        Put(8 * MiB, new byte[4096]);
        Put(9 * MiB, new byte[MiB]);
        Put(20 * MiB + 512, Random(5000));
        Put(Size - 9000, Random(9000));
        return path;
    }

    private byte[] Contents(string image)
    {
        using var handle = _store.Cluster.OpenImage(Pool, image);
        var data = new byte[handle.Stat().Size];
        Assert.Equal(data.Length, handle.Read(0, data));
        return data;
    }

    private void Fill(string image, ulong offset, int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        using var handle = _store.Cluster.OpenImage(Pool, image);
        handle.Write(offset, data);
    }

    /// <summary>Every I/O waited for; on Ceph several were in flight at once.</summary>
    private void AssertPipelined()
    {
        Assert.Equal(0, _cluster.Outstanding);
        if (_store.Backend == Backend.Ceph) Assert.True(_cluster.MaxOutstanding > 1, $"at most {_cluster.MaxOutstanding} I/O in flight");
    }

    private void AssertNoImage(string image)
    {
        Assert.Equal(0, _cluster.Outstanding);
        Assert.DoesNotContain(image, _store.Cluster.ListImages(Pool));
        Assert.Empty(_store.Check());
    }

    [Fact]
    public void Import_export_and_copy_keep_the_data()
    {
        var expected = File.ReadAllBytes(_raw);
        RawImport.Run(_cluster, _raw, Pool, "a", ImageOptions.Default);
        AssertPipelined();
        Assert.Equal(expected, Contents("a"));

        string exported = Path.Combine(_store.Directory, "exported.raw");
        using (var image = _cluster.OpenImage(Pool, "a")) RawExport.Run(image, exported);
        Assert.Equal(expected, File.ReadAllBytes(exported));

        ImageCopy.Run(_cluster, Pool, "a", null, _cluster, Pool, "b");
        AssertPipelined();
        Assert.Equal(expected, Contents("b"));
    }

    [Fact]
    public void Import_diff_of_an_export_diff_zeroes_the_zero_blocks_it_carries()
    {
        RawImport.Run(_store.Cluster, _raw, Pool, "a", ImageOptions.Default);
        using (var image = _store.Cluster.OpenImage(Pool, "a")) image.CreateSnapshot("s1");
        var stream = new MemoryStream();
        using (var view = _cluster.OpenImage(Pool, "a", "s1")) DiffExport.Run(view, null, stream);
        AssertPipelined();

        _store.Cluster.CreateImage(Pool, "c", Size, ImageOptions.Default);
        Fill("c", 8 * MiB, 4096, 1);   // old data under the zero blocks the stream's 'w' records carry
        Fill("c", 9 * MiB, (int)MiB, 2);
        stream.Position = 0;
        DiffImport.Run(_cluster, Pool, "c", stream);
        AssertPipelined();
        Assert.Equal(Contents("a"), Contents("c"));
        using var copy = _store.Cluster.OpenImage(Pool, "c");
        Assert.Equal("s1", copy.ListSnapshots().Single().Name);
    }

    [Fact]
    public void The_chunked_copy_overwrites_everything_it_covers()
    {
        RawImport.Run(_store.Cluster, _raw, Pool, "a", ImageOptions.Default);
        _store.Cluster.CreateImage(Pool, "d", Size, ImageOptions.Default);
        Fill("d", 0, (int)Size, 3);
        using (var from = _cluster.OpenImage(Pool, "a"))
        using (var to = _cluster.OpenImage(Pool, "d"))
            ChunkedCopy.Run(from, to, Size, 4 * MiB);
        AssertPipelined();
        Assert.Equal(Contents("a"), Contents("d"));
    }

    private WorkflowPlan<GlanceImage> GlanceUpload()
    {
        _database ??= OpenStackDatabase.Open(_cluster);
        var context = new OpenStackContext(_cluster, _database, _ => throw new InvalidOperationException("one cluster"));
        return GlanceWorkflows.Upload(context, "cirros", _raw);
    }

    [Fact]
    public void The_glance_upload_keeps_the_data()
    {
        var image = GlanceUpload().Run();
        AssertPipelined();
        Assert.Equal(File.ReadAllBytes(_raw), Contents(image.Id));
    }

    public static IEnumerable<object[]> Failures() =>
        new[] { "import", "copy", "glance" }.SelectMany(action => new[] { new object[] { action, 2 }, new object[] { action, 4 } });

    /// <summary>The n-th write fails while others are in flight: the error comes out, and what was created is gone.</summary>
    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failed_write_waits_for_the_rest_and_leaves_no_image(string action, int failing)
    {
        if (action == "copy") RawImport.Run(_store.Cluster, _raw, Pool, "a", ImageOptions.Default);
        _cluster.FailWrite = failing;
        var error = action switch
        {
            "import" => Assert.Throws<RbdException>(() => RawImport.Run(_cluster, _raw, Pool, "b", ImageOptions.Default)),
            "copy" => Assert.Throws<RbdException>(() => ImageCopy.Run(_cluster, Pool, "a", null, _cluster, Pool, "b")),
            _ => Assert.Throws<RbdException>(() => GlanceUpload().Run()),
        };
        Assert.Contains("injected", error.ToString());
        Assert.True(_cluster.Writes >= failing);
        Assert.Equal(action == "copy" ? new[] { "a" } : Array.Empty<string>(), _store.Cluster.ListImages(Pool));
        AssertNoImage("b");
    }

    /// <summary>Ctrl+C reaches the engine as an exception from the progress handler.</summary>
    [Theory]
    [InlineData("import")]
    [InlineData("copy")]
    [InlineData("export-diff")]
    public void A_stop_part_way_waits_for_the_rest_and_leaves_no_image(string action)
    {
        if (action != "import") RawImport.Run(_store.Cluster, _raw, Pool, "a", ImageOptions.Default);
        int reports = 0;
        ProgressHandler stop = (_, _) =>
        {
            if (++reports == 3) throw new OperationCanceledException();
        };
        Assert.Throws<OperationCanceledException>(() =>
        {
            switch (action)
            {
                case "import": RawImport.Run(_cluster, _raw, Pool, "b", ImageOptions.Default, stop); break;
                case "copy": ImageCopy.Run(_cluster, Pool, "a", null, _cluster, Pool, "b", stop); break;
                default:
                    using (var image = _cluster.OpenImage(Pool, "a")) DiffExport.Run(image, null, Stream.Null, progress: stop);
                    break;
            }
        });
        AssertNoImage("b");
    }
}
