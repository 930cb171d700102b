using System.Diagnostics;
using System.Runtime.InteropServices;
using RbdPowerShell.Engine.Ceph;
using RbdPowerShell.Engine.Ceph.Native;
using CephBackend = RbdPowerShell.Engine.Ceph.CephCluster;

namespace RbdPowerShell.Engine.Tests;

/// <summary>What only the librbd backend has to get right: native layouts, connecting, librbd's threads, handle lifetimes.</summary>
public class CephBackendTests
{
    private const ulong MiB = 1 << 20;

    [Fact]
    public void Native_structs_have_librbds_sizes()
    {
        Assert.Equal(160, Marshal.SizeOf<ImageInfoNative>());
        Assert.Equal(48, Marshal.SizeOf<LinkedImageSpecNative>());
        Assert.Equal(24, Marshal.SizeOf<SnapSpecNative>());
        Assert.Equal(24, Marshal.SizeOf<SnapInfoNative>());
        Assert.Equal(16, Marshal.SizeOf<ImageSpecNative>());
        Assert.Equal(16, Marshal.SizeOf<TimeSpecNative>());
        Assert.Equal(40, Marshal.SizeOf<TrashImageInfoNative>());
    }

    [Fact]
    public void A_missing_conf_is_refused_before_librados_is_asked()
    {
        var ex = Assert.Throws<RbdException>(() => CephBackend.Connect(new CephConnectOptions("/nonexistent/ceph.conf")));
        Assert.Equal(("CephConfigUnreadable", RbdErrno.ENOENT), (ex.ErrorId, ex.Errno));
    }

    [Fact]
    public void An_unreachable_monitor_fails_within_the_timeout()
    {
        string conf = Path.Combine(Path.GetTempPath(), $"rbdps-nomon-{Guid.NewGuid():n}.conf");
        File.WriteAllText(conf, "[global]\nmon host = 127.0.0.1:9\nauth client required = none\n");
        try
        {
            var clock = Stopwatch.StartNew();
            var ex = Assert.Throws<RbdException>(() => CephBackend.Connect(new CephConnectOptions(conf) { Timeout = TimeSpan.FromSeconds(2) }));
            Assert.Equal(("CephConnectTimeout", RbdErrno.ETIMEDOUT), (ex.ErrorId, ex.Errno));
            Assert.InRange(clock.Elapsed.TotalSeconds, 1, 8);
        }
        finally { File.Delete(conf); }
    }

    [Fact]
    public void Progress_of_librbd_threads_arrives_on_the_calling_thread_and_ends_at_100()
    {
        using var store = new TempStore(Backend.Ceph);
        using var clone = Clone(store);
        int thread = Environment.CurrentManagedThreadId;
        var reports = new List<(int Thread, ulong Done, ulong Total)>();
        clone.Flatten((done, total) => reports.Add((Environment.CurrentManagedThreadId, done, total)));
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(thread, r.Thread));
        Assert.Equal(reports[^1].Total, reports[^1].Done);
        Assert.Null(clone.Stat().Parent);
    }

    [Fact]
    public void A_handler_that_throws_cancels_the_librbd_call_and_its_exception_comes_back()
    {
        using var store = new TempStore(Backend.Ceph);
        // 4,096 objects: the cancel reaches librbd (asynchronously, from the calling thread) long before a flatten that
        // size could end, even on a loaded machine; with 16 objects a slow caller sometimes saw the flatten finish first.
        using var clone = Clone(store, order: 12);
        var stop = new OperationCanceledException("Ctrl+C");
        var thrown = Assert.Throws<OperationCanceledException>(() => clone.Flatten((_, _) => throw stop));
        Assert.Same(stop, thrown);
        Assert.Equal("p/parent@s", clone.Stat().Parent?.ToString()); // a cancelled flatten keeps its parent
    }

    [Fact]
    public void Closing_the_cluster_before_its_images_neither_hangs_nor_breaks_them()
    {
        using var store = new TempStore(Backend.Ceph);
        store.Cluster.CreatePool("p");
        store.Cluster.CreateImage("p", "i", MiB, ImageOptions.Default);
        var other = CephBackend.Connect(CephTestCluster.Options(store.Namespace!));
        var image = other.OpenImage("p", "i");
        other.Dispose();
        image.Write(0, new byte[] { 1, 2, 3 });
        var read = new byte[3];
        image.Read(0, read);
        Assert.Equal(new byte[] { 1, 2, 3 }, read);
        image.Dispose();
    }

    [Fact]
    public void Records_written_by_one_connection_are_read_by_another()
    {
        using var store = new TempStore(Backend.Ceph);
        store.Cluster.CreatePool("openstack");
        using (var records = store.Cluster.OpenRecordStore())
        {
            records.Put("record/x/1", "{\"a\":1}");
            records.Put("record/x/2", "{\"a\":2}");
            records.Put("record/y/1", "other");
            records.Delete("record/x/2");
        }
        using var second = CephBackend.Connect(CephTestCluster.Options(store.Namespace!) with { ClientId = "admin" });
        using var seen = second.OpenRecordStore();
        Assert.Equal(new[] { "record/x/1" }, seen.List("record/x/").Select(r => r.Key));
        Assert.Equal("other", seen.Get("record/y/1"));
        Assert.Null(seen.Get("record/x/2"));
    }

    /// <summary>p/child, a clone of p/parent@s (16 objects of 1 MiB with data), opened.</summary>
    private static IRbdImage Clone(TempStore store, int order = 20)
    {
        var cluster = store.Cluster;
        cluster.CreatePool("p");
        cluster.CreateImage("p", "parent", 16 * MiB, new ImageOptions { Order = order });
        using (var parent = cluster.OpenImage("p", "parent"))
        {
            for (ulong at = 0; at < 16 * MiB; at += MiB) parent.Write(at, new byte[4096]);
            parent.Write(0, new byte[] { 9 });
            parent.CreateSnapshot("s");
            parent.ProtectSnapshot("s");
        }
        cluster.Clone("p", "parent", "s", "p", "child", ImageOptions.Default);
        return cluster.OpenImage("p", "child");
    }
}
