using RbdPowerShell.Engine.OpenStack;
using static RbdPowerShell.Engine.Tests.OpenStackTestBed;

namespace RbdPowerShell.Engine.Tests;

/// <summary>Nova's rbd image backend (seed §5.2): boot by clone or download, server snapshot, delete.</summary>
public sealed class EmbeddedOpenStackNovaTests() : OpenStackNovaTests(Backend.Embedded);
public sealed class CephOpenStackNovaTests() : OpenStackNovaTests(Backend.Ceph);

public abstract class OpenStackNovaTests : IDisposable
{
    private readonly OpenStackTestBed _bed;
    private readonly GlanceImage _image;

    protected OpenStackNovaTests(Backend backend)
    {
        _bed = new(backend);
        _image = _bed.Upload();
    }

    public void Dispose() => _bed.Dispose();

    private static string Disk(string serverId) => $"{Pool}/{serverId}_disk";

    [Fact]
    public void Boot_plan_clones_the_glance_snapshot_then_resizes_to_the_root_size()
    {
        string id = _bed.NextId();
        var plan = NovaWorkflows.Boot(_bed.Context, "web", _image.Id);
        Assert.Equal(new[]
        {
            $"rbd clone openstack/{_image.Id}@snap openstack/{id}_disk",
            $"rbd resize --size 1024M openstack/{id}_disk",
        }, plan.Commands);
        Assert.False(_bed.Exists(Disk(id)));
        Assert.Equal(Disk(id), _bed.Run(plan).RootDisk);
    }

    [Fact]
    public void Booting_a_raw_image_clones_it_and_copies_no_data()
    {
        var server = _bed.Boot("web", _image);
        Assert.Equal(("Clone", Disk(server.Id), 1), (server.BootMethod, server.RootDisk, server.RootGB));
        Assert.Equal($"{Pool}/{_image.Id}@snap", _bed.Parent(server.RootDisk));
        Assert.Equal(0UL, _bed.OwnBytes(server.RootDisk));
        Assert.Equal(new[] { server.RootDisk }, _bed.Children($"{Pool}/{_image.Id}@snap"));
        Assert.Equal(ImageData, _bed.Read(server.RootDisk, 0, ImageData.Length));
        Assert.Equal(server, _bed.Database.Find<NovaServer>(server.Id));
    }

    [Fact]
    public void The_disk_is_resized_to_the_flavors_root_size()
    {
        var server = _bed.Boot("web", _image, rootGB: 3);
        Assert.Equal(3 * GiB, _bed.Info(server.RootDisk).Size);
        Assert.Equal(3, server.RootGB);
    }

    [Fact]
    public void A_qcow2_image_is_downloaded_into_an_independent_disk()
    {
        var qcow2 = _bed.Upload("cirros-qcow2", diskFormat: "qcow2");
        string id = _bed.NextId();
        var plan = NovaWorkflows.Boot(_bed.Context, "slow", qcow2.Id);
        Assert.Contains(plan.Commands, c => c.StartsWith("# not cloneable") && c.Contains("qcow2"));
        Assert.Contains($"rbd import --image-format 2 - openstack/{id}_disk   # the data of openstack/{qcow2.Id}@snap", plan.Commands);

        var server = _bed.Run(plan);
        AssertDownloaded(server, ImageData);
    }

    [Fact]
    public void A_legacy_location_without_fsid_and_snapshot_is_downloaded()
    {
        var data = RandomBytes((int)(2 * MiB), 5);
        _bed.Cluster.CreateImage(Pool, "legacy", (ulong)data.Length, ImageOptions.Default);
        _bed.Write($"{Pool}/legacy", 0, data);
        var queued = _bed.Run(GlanceWorkflows.Upload(_bed.Context, "legacy", null));
        var image = _bed.Run(GlanceWorkflows.AddLocation(_bed.Context, queued.Id, "rbd://legacy"));

        AssertDownloaded(_bed.Boot("old", image), data);
    }

    [Fact]
    public void An_image_on_another_cluster_is_downloaded()
    {
        var data = RandomBytes((int)MiB, 6);
        var image = _bed.Imported("foreign", (ulong)data.Length, data, fsid: Guid.NewGuid());
        var plan = NovaWorkflows.Boot(_bed.Context, "remote", image.Id);
        Assert.Contains(plan.Commands, c => c.StartsWith("# not cloneable") && c.Contains("another cluster"));
        AssertDownloaded(_bed.Run(plan), data);
    }

    private void AssertDownloaded(NovaServer server, byte[] data)
    {
        Assert.Equal("Download", server.BootMethod);
        Assert.Null(_bed.Parent(server.RootDisk));
        Assert.True(_bed.OwnBytes(server.RootDisk) >= (ulong)data.Length);
        Assert.Equal(GiB, _bed.Info(server.RootDisk).Size);
        Assert.Equal(data, _bed.Read(server.RootDisk, 0, data.Length));
    }

    [Fact]
    public void Server_snapshot_plan_is_the_seeds_eight_rbd_steps()
    {
        var server = _bed.Boot("web", _image);
        string disk = $"{server.Id}_disk", snap = Guid.Parse(_bed.NextId(1)).ToString("N"), id = _bed.NextId(2);
        var plan = NovaWorkflows.Snapshot(_bed.Context, server.Id, "web-snap");
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap create {disk}@{snap}",
            $"rbd -p openstack snap protect {disk}@{snap}",
            $"rbd clone openstack/{disk}@{snap} openstack/{id}",
            $"rbd -p openstack flatten {id}",
            $"rbd -p openstack snap unprotect {disk}@{snap}",
            $"rbd -p openstack snap rm {disk}@{snap}",
            $"rbd -p openstack snap create {id}@snap",
            $"rbd -p openstack snap protect {id}@snap",
        }, RbdSteps(plan));
        Assert.Equal(id, _bed.Run(plan).Id);
    }

    [Fact]
    public void Server_snapshot_is_a_flattened_copy_of_the_disk_and_leaves_no_temporary_snapshot()
    {
        var server = _bed.Boot("web", _image);
        _bed.Write(server.RootDisk, 20 * MiB, RandomBytes(4096, 8));
        string disk = _bed.Content(server.RootDisk);

        var snapshot = _bed.Run(NovaWorkflows.Snapshot(_bed.Context, server.Id, "web-snap"));
        string spec = $"{Pool}/{snapshot.Id}";
        Assert.Null(_bed.Parent(spec));
        Assert.Equal(disk, _bed.Content(spec));
        Assert.Equal(disk, _bed.Content(spec + "@snap"));
        Assert.True(Assert.Single(_bed.Snaps(spec)).Protected);
        Assert.Empty(_bed.Snaps(server.RootDisk));
        Assert.Equal(("active", GiB, $"rbd://{_bed.Cluster.Fsid}/openstack/{snapshot.Id}/snap"),
                     (snapshot.Status, snapshot.Size, snapshot.Location));

        var second = _bed.Boot("web2", snapshot);
        Assert.Equal($"{spec}@snap", _bed.Parent(second.RootDisk));
    }

    [Fact]
    public void Delete_removes_every_image_named_after_the_server_with_its_snapshots()
    {
        var server = _bed.Boot("web", _image);
        _bed.Cluster.CreateImage(Pool, $"{server.Id}_disk.config", MiB, ImageOptions.Default);
        _bed.Cluster.CreateImage(Pool, "unrelated", MiB, ImageOptions.Default);
        using (var handle = _bed.Cluster.OpenImage(Pool, $"{server.Id}_disk"))
        {
            handle.CreateSnapshot("kept");
            handle.ProtectSnapshot("kept");
        }

        var plan = NovaWorkflows.Delete(_bed.Context, server.Id);
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap unprotect {server.Id}_disk@kept",
            $"rbd -p openstack snap rm {server.Id}_disk@kept",
            $"rbd -p openstack rm {server.Id}_disk",
            $"rbd -p openstack rm {server.Id}_disk.config",
        }, RbdSteps(plan));

        Assert.Equal("DELETED", _bed.Run(plan).Status);
        Assert.Equal(new[] { _image.Id, "unrelated" }, _bed.Cluster.ListImages(Pool).Order());
        Assert.Empty(_bed.Children($"{Pool}/{_image.Id}@snap"));
        Assert.Null(_bed.Database.Find<NovaServer>(server.Id));
        Assert.Empty(_bed.Observer.Warnings);
    }

    [Fact]
    public void A_busy_disk_is_retried_at_the_configured_interval_then_left_with_a_warning()
    {
        _bed.Configure(s => s with { RbdDestroyVolumeRetries = 3, RbdDestroyVolumeRetryInterval = 2.5 });
        var server = _bed.Boot("web", _image);
        using (var handle = _bed.Cluster.OpenImage(Pool, $"{server.Id}_disk"))
        {
            handle.CreateSnapshot("base");
            handle.ProtectSnapshot("base");
        }
        _bed.Cluster.Clone(Pool, $"{server.Id}_disk", "base", Pool, "dependent", ImageOptions.Default);

        var deleted = _bed.Run(NovaWorkflows.Delete(_bed.Context, server.Id));
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromSeconds(2.5), 3), _bed.Sleeps);
        var warning = Assert.Single(_bed.Observer.Warnings);
        Assert.Contains($"{server.Id}_disk", warning);
        Assert.Contains("after 4 attempts", warning);
        Assert.Contains("openstack/dependent", warning);
        Assert.StartsWith("DELETED (disks left", deleted.Status);
        Assert.Null(_bed.Database.Find<NovaServer>(server.Id));
        Assert.True(_bed.Exists(server.RootDisk));
        Assert.Equal(new[] { "openstack/dependent" }, _bed.Children($"{server.RootDisk}@base"));
    }

    [Fact]
    public void The_seed_shrinks_a_disk_larger_than_the_flavor()
    {
        var big = _bed.Imported("big", 2 * GiB, RandomBytes(4096, 9));
        string id = _bed.NextId();
        var plan = NovaWorkflows.Boot(_bed.Context, "small", big.Id, rootGB: 1);
        Assert.Equal($"rbd resize --size 1024M --allow-shrink openstack/{id}_disk", plan.Commands[^1]);
        var server = _bed.Run(plan);
        var info = _bed.Info(server.RootDisk);
        Assert.Equal((GiB, GiB), (info.Size, info.Overlap));
        Assert.Equal(RandomBytes(4096, 9), _bed.Read(server.RootDisk, 0, 4096));
    }

    [Fact]
    public void Upstream_delete_removes_only_the_resize_snapshot_and_retries_after_the_interval()
    {
        _bed.Configure(s => s.AsUpstream());
        var server = _bed.Boot("web", _image);
        using (var handle = _bed.Cluster.OpenImage(Pool, $"{server.Id}_disk"))
            handle.CreateSnapshot(NovaWorkflows.ResizeSnapshotName);

        var plan = NovaWorkflows.Delete(_bed.Context, server.Id);
        Assert.Equal(new[] { $"rbd -p openstack rm {server.Id}_disk" }, RbdSteps(plan));
        Assert.Equal("DELETED", _bed.Run(plan).Status);
        Assert.False(_bed.Exists(server.RootDisk));
        Assert.Equal(new[] { TimeSpan.FromSeconds(5) }, _bed.Sleeps);
        Assert.Empty(_bed.Observer.Warnings);
    }

    [Fact]
    public void Upstream_refuses_a_flavor_smaller_than_the_image()
    {
        var big = _bed.Imported("big", GiB + 4096, RandomBytes(4096, 9));
        _bed.Configure(s => s.AsUpstream());
        var refused = Assert.Throws<RbdException>(() => NovaWorkflows.Boot(_bed.Context, "tiny", big.Id, rootGB: 1));
        Assert.Equal("FlavorDiskSmallerThanImage", refused.ErrorId);
        Assert.Empty(_bed.Database.List<NovaServer>());
    }
}
