namespace RbdPowerShell.Engine.Tests;

public sealed class EmbeddedTourTests() : TourTests(Backend.Embedded);
public sealed class CephTourTests() : TourTests(Backend.Ceph);

/// <summary>The seed's section 1.1 tour on the engine, with the values real rbd 16.2 shows, on both backends.</summary>
public abstract class TourTests : IDisposable
{
    private const ulong MiB = 1 << 20, GiB = 1 << 30;
    private readonly TempStore _store;
    private IRbdCluster Cluster => _store.Cluster;

    protected TourTests(Backend backend)
    {
        _store = new TempStore(backend);
        Cluster.CreatePool("openstack");
        Cluster.CreateImage("openstack", "int32bit-test-1", GiB, ImageOptions.Default);
    }

    public void Dispose() => _store.Dispose();

    private static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private void WriteThreeObjects()
    {
        using var image = Cluster.OpenImage("openstack", "int32bit-test-1");
        for (int i = 0; i < 3; i++) image.Write((ulong)i * 4 * MiB, Pattern(4 << 20, i));
    }

    [Fact]
    public void A_new_image_has_rbds_default_layout()
    {
        using var image = Cluster.OpenImage("openstack", "int32bit-test-1");
        var info = image.Stat();
        Assert.Equal((GiB, 22, 4 * MiB, 256UL, 2), (info.Size, info.Order, info.ObjectSize, info.Objects, info.Format));
        Assert.Matches("^[0-9a-f]{8,16}$", info.Id); // librbd: the client's global id and a random number, in hex
        Assert.Equal("rbd_data." + info.Id, info.BlockNamePrefix);
        Assert.Equal(RbdFeatures.Layering | RbdFeatures.ExclusiveLock | RbdFeatures.ObjectMap | RbdFeatures.FastDiff | RbdFeatures.DeepFlatten, info.Features);
        Assert.Equal(61UL, (ulong)info.Features);
        Assert.Null(info.Parent);
    }

    [Fact]
    public void Du_counts_whole_objects_and_a_clone_copies_up_one()
    {
        WriteThreeObjects();
        var usage = DiskUsage.Run(Cluster, "openstack", "int32bit-test-1");
        Assert.Equal(new[] { (GiB, 12 * MiB) }, usage.Select(u => (u.Provisioned, u.Used)));

        using (var image = Cluster.OpenImage("openstack", "int32bit-test-1"))
        {
            image.CreateSnapshot("snap-1");
            image.ProtectSnapshot("snap-1");
        }
        Cluster.Clone("openstack", "int32bit-test-1", "snap-1", "openstack", "int32bit-test-2", ImageOptions.Default);
        Assert.Equal(0UL, DiskUsage.Run(Cluster, "openstack", "int32bit-test-2").Single().Used);
        using (var clone = Cluster.OpenImage("openstack", "int32bit-test-2"))
            clone.Write(8 * MiB + 4096, Pattern(64 << 10, 9));
        Assert.Equal(4 * MiB, DiskUsage.Run(Cluster, "openstack", "int32bit-test-2").Single().Used);
        var exact = DiskUsage.Run(Cluster, "openstack", "int32bit-test-2", exact: true).Single();
        Assert.Equal(4 * MiB, exact.Used);

        var rows = DiskUsage.Run(Cluster, "openstack", "int32bit-test-1");
        Assert.Equal(new[] { ("int32bit-test-1@snap-1", 12 * MiB), ("int32bit-test-1", 0UL) }, rows.Select(r => (r.Name, r.Used)));
    }

    [Fact]
    public void Clone_children_parent_and_flatten()
    {
        WriteThreeObjects();
        using var parent = Cluster.OpenImage("openstack", "int32bit-test-1");
        parent.CreateSnapshot("snap-1");
        var refused = Assert.Throws<RbdException>(() =>
            Cluster.Clone("openstack", "int32bit-test-1", "snap-1", "openstack", "int32bit-test-2", ImageOptions.Default));
        Assert.Equal((RbdErrno.EINVAL, "SnapshotNotProtected", "openstack/int32bit-test-1@snap-1"), (refused.Errno, refused.ErrorId, refused.Target));

        parent.ProtectSnapshot("snap-1");
        Cluster.Clone("openstack", "int32bit-test-1", "snap-1", "openstack", "int32bit-test-2", ImageOptions.Default);
        using var atSnap = Cluster.OpenImage("openstack", "int32bit-test-1", "snap-1");
        Assert.Equal(new[] { "openstack/int32bit-test-2" }, atSnap.ListChildren().Select(c => c.ToString()));

        using var clone = Cluster.OpenImage("openstack", "int32bit-test-2");
        var info = clone.Stat();
        Assert.Equal("openstack/int32bit-test-1@snap-1", info.Parent?.ToString());
        Assert.Equal(GiB, info.Overlap);
        var read = new byte[4 << 20];
        clone.Read(4 * MiB, read);
        Assert.Equal(Pattern(4 << 20, 1), read);

        Assert.Equal("SnapshotHasChildren", Assert.Throws<RbdException>(() => parent.UnprotectSnapshot("snap-1")).ErrorId);
        Assert.Equal("SnapshotProtected", Assert.Throws<RbdException>(() => parent.RemoveSnapshot("snap-1")).ErrorId);
        Assert.Equal("ImageHasSnapshots", Assert.Throws<RbdException>(() => Cluster.RemoveImage("openstack", "int32bit-test-1")).ErrorId);

        var steps = new List<ulong>();
        clone.Flatten((done, total) => steps.Add(done * 100 / total));
        Assert.Equal(100UL, steps[^1]);
        Assert.Null(clone.Stat().Parent);
        Assert.Empty(atSnap.ListChildren());
        Assert.Equal(12 * MiB, DiskUsage.Run(Cluster, "openstack", "int32bit-test-2").Single().Used);
        clone.Read(4 * MiB, read);
        Assert.Equal(Pattern(4 << 20, 1), read);

        parent.UnprotectSnapshot("snap-1");
        parent.RemoveSnapshot("snap-1");
        parent.Dispose(); // librbd refuses (EBUSY) to remove an image its own process holds open
        Cluster.RemoveImage("openstack", "int32bit-test-1");
        clone.Read(8 * MiB, read);
        Assert.Equal(Pattern(4 << 20, 2), read);
        Assert.Empty(_store.Check());
    }

    [Fact]
    public void Export_and_import_keep_holes()
    {
        WriteThreeObjects();
        string file = Path.Combine(_store.Directory, "int32bit-1.raw");
        using (var image = Cluster.OpenImage("openstack", "int32bit-test-1"))
            RawExport.Run(image, file);
        Assert.Equal((long)GiB, new FileInfo(file).Length);
        Assert.True(AllocatedBytes(file) <= 13 * (long)MiB, $"the export allocates {AllocatedBytes(file)} bytes");

        RawImport.Run(Cluster, file, "openstack", "imported", ImageOptions.Default);
        Assert.Equal(12 * MiB, DiskUsage.Run(Cluster, "openstack", "imported").Single().Used);
        using var imported = Cluster.OpenImage("openstack", "imported");
        Assert.Equal(GiB, imported.Stat().Size);
        var read = new byte[4 << 20];
        imported.Read(8 * MiB, read);
        Assert.Equal(Pattern(4 << 20, 2), read);
        imported.Read(512 * MiB, read);
        Assert.DoesNotContain(read, b => b != 0);
    }

    [Fact]
    public void Copy_is_independent_and_has_no_snapshots()
    {
        WriteThreeObjects();
        using (var image = Cluster.OpenImage("openstack", "int32bit-test-1")) image.CreateSnapshot("snap-1");
        ImageCopy.Run(Cluster, "openstack", "int32bit-test-1", null, Cluster, "openstack", "int32bit-test-3");
        using var copy = Cluster.OpenImage("openstack", "int32bit-test-3");
        Assert.Empty(copy.ListSnapshots());
        Assert.Null(copy.Stat().Parent);
        Assert.Equal(12 * MiB, DiskUsage.Run(Cluster, "openstack", "int32bit-test-3").Single().Used);
        using (var image = Cluster.OpenImage("openstack", "int32bit-test-1")) image.Discard(0, GiB);
        var read = new byte[4 << 20];
        copy.Read(0, read);
        Assert.Equal(Pattern(4 << 20, 0), read);
    }

    [Fact]
    public void Resize_rollback_rename_and_discard()
    {
        WriteThreeObjects();
        using var image = Cluster.OpenImage("openstack", "int32bit-test-1");
        image.CreateSnapshot("snap-1");
        image.Resize(6 * MiB);
        Assert.Equal(6 * MiB, image.Stat().Size);
        Assert.Equal("OutOfRange", Assert.Throws<RbdException>(() => image.Write(6 * MiB, new byte[1])).ErrorId);
        image.Resize(2 * GiB);
        var read = new byte[4 << 20];
        image.Read(4 * MiB, read);
        Assert.Equal(Pattern(4 << 20, 1).AsSpan(0, 2 << 20).ToArray(), read.AsSpan(0, 2 << 20).ToArray());
        Assert.DoesNotContain(read.AsSpan(2 << 20).ToArray(), b => b != 0);

        image.RollbackSnapshot("snap-1");
        Assert.Equal(GiB, image.Stat().Size);
        image.Read(8 * MiB, read);
        Assert.Equal(Pattern(4 << 20, 2), read);

        image.Discard(0, 8 * MiB);
        image.Read(0, read);
        Assert.DoesNotContain(read, b => b != 0);
        Assert.Equal(4 * MiB, DiskUsage.Run(Cluster, "openstack", "int32bit-test-1")[^1].Used);

        Cluster.RenameImage("openstack", "int32bit-test-1", "renamed");
        Assert.Equal(new[] { "renamed" }, Cluster.ListImages("openstack"));
        Assert.Equal("renamed", image.Stat().Name);
    }

    [Fact]
    public void Refusals_use_librbds_codes_and_change_nothing()
    {
        void Refused(RbdErrno errno, string id, string target, Action action)
        {
            var ex = Assert.Throws<RbdException>(action);
            Assert.Equal((errno, id, target), (ex.Errno, ex.ErrorId, ex.Target));
        }
        Refused(RbdErrno.EEXIST, "ImageExists", "openstack/int32bit-test-1",
            () => Cluster.CreateImage("openstack", "int32bit-test-1", GiB, ImageOptions.Default));
        Refused(RbdErrno.ENOENT, "PoolNotFound", "nopool", () => Cluster.OpenImage("nopool", "x"));
        Refused(RbdErrno.ENOENT, "ImageNotFound", "openstack/nothing", () => Cluster.OpenImage("openstack", "nothing"));
        Refused(RbdErrno.ENOENT, "SnapshotNotFound", "openstack/int32bit-test-1@nosnap",
            () => Cluster.OpenImage("openstack", "int32bit-test-1", "nosnap"));
        Refused(RbdErrno.EINVAL, "InvalidName", "openstack/../x",
            () => Cluster.CreateImage("openstack", "../x", GiB, ImageOptions.Default));
        Refused(RbdErrno.EEXIST, "PoolExists", "openstack", () => Cluster.CreatePool("openstack"));
        using var snapshot = Cluster.OpenImage("openstack", "int32bit-test-1");
        snapshot.CreateSnapshot("s");
        using var readOnly = Cluster.OpenImage("openstack", "int32bit-test-1", "s");
        Refused(RbdErrno.EROFS, "SnapshotReadOnly", "openstack/int32bit-test-1@s", () => readOnly.Write(0, new byte[1]));
        Assert.Equal(new[] { "int32bit-test-1" }, Cluster.ListImages("openstack"));
        if (_store.Backend == Backend.Embedded)
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_store.Directory, "store")).Select(Path.GetFileName)
            .Except(new[] { "index.db", "index.db-wal", "index.db-shm", "data", "readers.lock" }));
    }

    [Fact]
    public void Snapshot_and_clone_cost_the_same_for_a_huge_thin_image()
    {
        Cluster.CreateImage("openstack", "huge", 1UL << 40, ImageOptions.Default);
        using var huge = Cluster.OpenImage("openstack", "huge");
        huge.Write((1UL << 40) - 4096, Pattern(4096, 3));
        huge.CreateSnapshot("s");
        huge.ProtectSnapshot("s");
        Cluster.Clone("openstack", "huge", "s", "openstack", "huge-clone", ImageOptions.Default);
        using var clone = Cluster.OpenImage("openstack", "huge-clone");
        var tail = new byte[4096];
        clone.Read((1UL << 40) - 4096, tail);
        Assert.Equal(Pattern(4096, 3), tail);
        Assert.Equal(4 * MiB, DiskUsage.Run(Cluster, "openstack", "huge")[0].Used);
    }

    internal static long AllocatedBytes(string path)
    {
        var info = new System.Diagnostics.ProcessStartInfo("stat", $"-c %b \"{path}\"") { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        return long.Parse(process.StandardOutput.ReadToEnd().Trim()) * 512;
    }
}
