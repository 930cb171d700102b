using System.Security.Cryptography;
using RbdPowerShell.Engine.OpenStack;
using static RbdPowerShell.Engine.Tests.OpenStackTestBed;

namespace RbdPowerShell.Engine.Tests;

/// <summary>Glance's rbd store (seed §5.1): upload, delete, and why an image in use cannot be deleted.</summary>
public sealed class EmbeddedOpenStackGlanceTests() : OpenStackGlanceTests(Backend.Embedded);
public sealed class CephOpenStackGlanceTests() : OpenStackGlanceTests(Backend.Ceph);

public abstract class OpenStackGlanceTests : IDisposable
{
    private readonly OpenStackTestBed _bed;

    protected OpenStackGlanceTests(Backend backend) => _bed = new(backend);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public void Upload_plan_is_create_snap_create_snap_protect()
    {
        string id = _bed.NextId();
        var plan = GlanceWorkflows.Upload(_bed.Context, "cirros", _bed.WriteFile(ImageData));
        Assert.Equal(new[]
        {
            $"rbd -p openstack create --size 9437189B --object-size 8M {id}",
            $"rbd -p openstack snap create {id}@snap",
            $"rbd -p openstack snap protect {id}@snap",
        }, RbdSteps(plan));
        Assert.False(_bed.Exists($"{Pool}/{id}"));

        var image = _bed.Run(plan);
        Assert.Equal(id, image.Id);
        Assert.Equal(plan.Commands, _bed.Observer.Commands);
    }

    [Fact]
    public void Upload_stores_the_file_in_chunk_sized_objects_with_its_md5()
    {
        var image = _bed.Upload();
        Assert.Equal(Convert.ToHexString(MD5.HashData(ImageData)).ToLowerInvariant(), image.Checksum);
        Assert.Equal(("active", (ulong)ImageData.Length), (image.Status, image.Size));
        Assert.Equal($"rbd://{_bed.Cluster.Fsid}/openstack/{image.Id}/snap", image.Location);

        var info = _bed.Info($"{Pool}/{image.Id}");
        Assert.Equal(((ulong)ImageData.Length, 23, (string?)null), (info.Size, info.Order, info.Parent?.ToString()));
        var snap = Assert.Single(_bed.Snaps($"{Pool}/{image.Id}"));
        Assert.Equal(("snap", true), (snap.Name, snap.Protected));
        Assert.Equal(ImageData, _bed.Read($"{Pool}/{image.Id}@snap", 0, ImageData.Length));
        Assert.Equal(image, _bed.Database.Find<GlanceImage>(image.Id));
    }

    [Fact]
    public void Thin_provisioning_skips_all_zero_chunks_but_keeps_the_checksum()
    {
        _bed.Configure(s => s with { RbdThinProvisioning = true });
        var data = new byte[16 * MiB + 4096];
        RandomBytes(4096, 7).CopyTo(data, (int)(16 * MiB));
        var image = _bed.Upload("sparse", data);
        Assert.Equal(Convert.ToHexString(MD5.HashData(data)).ToLowerInvariant(), image.Checksum);
        Assert.InRange(_bed.OwnBytes($"{Pool}/{image.Id}"), 4096UL, 8 * MiB);  // only the last chunk was written
        Assert.Equal(data, _bed.Read($"{Pool}/{image.Id}", 0, data.Length));
    }

    [Fact]
    public void Delete_plan_is_unprotect_snap_rm_rm_and_removes_image_and_record()
    {
        var image = _bed.Upload();
        var plan = GlanceWorkflows.Delete(_bed.Context, image.Id);
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap unprotect {image.Id}@snap",
            $"rbd -p openstack snap rm {image.Id}@snap",
            $"rbd -p openstack rm {image.Id}",
        }, RbdSteps(plan));
        Assert.True(_bed.Exists($"{Pool}/{image.Id}"));

        Assert.Equal("deleted", _bed.Run(plan).Status);
        Assert.False(_bed.Exists($"{Pool}/{image.Id}"));
        Assert.Null(_bed.Database.Find<GlanceImage>(image.Id));
    }

    [Fact]
    public void Delete_is_refused_while_a_server_is_a_clone_and_allowed_after_it_is_deleted()
    {
        var image = _bed.Upload();
        var server = _bed.Boot("web", image);
        string before = _bed.State();

        var refused = Assert.Throws<RbdException>(() => _bed.Run(GlanceWorkflows.Delete(_bed.Context, image.Id)));
        Assert.Equal(("InUseByStore", RbdErrno.EBUSY), (refused.ErrorId, refused.Errno));
        Assert.Contains($"server 'web' ({server.Id})", refused.Message);
        Assert.Equal(before, _bed.State());

        _bed.Run(NovaWorkflows.Delete(_bed.Context, server.Id));
        Assert.Empty(_bed.Children($"{Pool}/{image.Id}@snap"));
        _bed.Run(GlanceWorkflows.Delete(_bed.Context, image.Id));
        Assert.False(_bed.Exists($"{Pool}/{image.Id}"));
    }

    [Fact]
    public void A_volume_from_the_image_keeps_it_busy_until_the_volume_is_deleted()
    {
        var image = _bed.Upload();
        var volume = _bed.Volume("data", image: image.Id);

        var refused = Assert.Throws<RbdException>(() => GlanceWorkflows.Delete(_bed.Context, image.Id));
        Assert.Equal("InUseByStore", refused.ErrorId);
        Assert.Contains($"volume 'data' ({volume.Id})", refused.Message);

        _bed.Run(CinderVolumeWorkflows.Delete(_bed.Context, volume.Id));
        _bed.Run(GlanceWorkflows.Delete(_bed.Context, image.Id));
        Assert.False(_bed.Exists($"{Pool}/{image.Id}"));
    }

    [Fact]
    public void A_flattened_volume_frees_the_image_and_keeps_its_data_after_the_image_is_deleted()
    {
        var image = _bed.Upload();
        var volume = _bed.Volume("data", image: image.Id);
        using (var handle = _bed.Cluster.OpenImage(Pool, CinderVolumeWorkflows.ImageName(volume.Id)))
            handle.Flatten();

        _bed.Run(GlanceWorkflows.Delete(_bed.Context, image.Id));
        Assert.False(_bed.Exists($"{Pool}/{image.Id}"));
        Assert.Null(_bed.Parent(volume.RbdImage));
        Assert.Equal(ImageData, _bed.Read(volume.RbdImage, 0, ImageData.Length));
    }

    [Fact]
    public void The_fast_path_adds_the_location_of_an_imported_image()
    {
        var image = _bed.Imported("big", 3 * MiB, RandomBytes((int)MiB, 3));
        Assert.Equal(("active", $"rbd://{_bed.Cluster.Fsid}/openstack/{image.Id}/snap", 3 * MiB), (image.Status, image.Location, image.Size));
        Assert.Null(image.Checksum);
        Assert.Equal("Clone", _bed.Boot("fast", image).BootMethod);
    }

    [Fact]
    public void A_location_that_does_not_exist_is_refused()
    {
        var queued = _bed.Run(GlanceWorkflows.Upload(_bed.Context, "big", null));
        var refused = Assert.Throws<RbdException>(() =>
            GlanceWorkflows.AddLocation(_bed.Context, queued.Id, $"rbd://{_bed.Cluster.Fsid}/{Pool}/{queued.Id}/snap"));
        Assert.Equal("InvalidLocation", refused.ErrorId);
        Assert.Equal("queued", _bed.Database.Find<GlanceImage>(queued.Id)!.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_image_with_snapshots_left_fails_rbd_rm_or_today_goes_to_the_trash(bool trash)
    {
        _bed.Configure(s => s with { GlanceTrashOnDelete = trash });
        var image = _bed.Upload();
        string id;
        using (var handle = _bed.Cluster.OpenImage(Pool, image.Id))
        {
            handle.CreateSnapshot("by-hand");
            id = handle.Stat().Id;
        }
        var plan = GlanceWorkflows.Delete(_bed.Context, image.Id);
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap unprotect {image.Id}@snap",
            $"rbd -p openstack snap rm {image.Id}@snap",
            trash ? $"rbd -p openstack trash mv {image.Id}" : $"rbd -p openstack rm {image.Id}",
        }, RbdSteps(plan).Select(c => c.Split("   #")[0]));
        if (!trash)
        {
            Assert.Equal("ImageHasSnapshots", Assert.Throws<RbdException>(() => _bed.Run(plan)).ErrorId);
            Assert.True(_bed.Exists($"{Pool}/{image.Id}"));
            Assert.NotNull(_bed.Database.Find<GlanceImage>(image.Id));
            return;
        }

        Assert.Equal("deleted", _bed.Run(plan).Status);
        Assert.False(_bed.Exists($"{Pool}/{image.Id}"));
        Assert.Null(_bed.Database.Find<GlanceImage>(image.Id));
        var entry = Assert.Single(_bed.Cluster.ListTrash(Pool));
        Assert.Equal((image.Id, id), (entry.Name, entry.Id));
        Assert.InRange(entry.DefermentEnd - entry.DeletedAt, -TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));   // no delay
        using var trashed = _bed.Cluster.OpenImageInTrash(Pool, id);
        Assert.Equal("by-hand", Assert.Single(trashed.ListSnapshots()).Name);
    }
}
