using RbdPowerShell.Engine.OpenStack;
using static RbdPowerShell.Engine.Tests.OpenStackTestBed;

namespace RbdPowerShell.Engine.Tests;

/// <summary>Cinder's RBD driver (seed §5.3): volumes (blank, from snapshot, volume or image), snapshots, clone depth, refusals.</summary>
public sealed class EmbeddedOpenStackCinderVolumeTests() : OpenStackCinderVolumeTests(Backend.Embedded);
public sealed class CephOpenStackCinderVolumeTests() : OpenStackCinderVolumeTests(Backend.Ceph);

public abstract class OpenStackCinderVolumeTests : IDisposable
{
    private readonly OpenStackTestBed _bed;

    protected OpenStackCinderVolumeTests(Backend backend) => _bed = new(backend);

    public void Dispose() => _bed.Dispose();

    private static string Image(string volumeId) => $"{Pool}/volume-{volumeId}";

    /// <summary>A 1 GB volume with 1 MiB of data at 0 and a 4 KiB write at 100 MiB.</summary>
    private CinderVolume VolumeWithData(string name, int seed)
    {
        var volume = _bed.Volume(name);
        _bed.Write(volume.RbdImage, 0, RandomBytes((int)MiB, seed));
        _bed.Write(volume.RbdImage, 100 * MiB, RandomBytes(4096, seed + 1));
        return volume;
    }

    [Fact]
    public void Blank_volume_is_one_rbd_create()
    {
        string id = _bed.NextId();
        var plan = CinderVolumeWorkflows.Create(_bed.Context, "blank", 2);
        Assert.Equal(new[] { $"rbd -p openstack create --new-format --size 2048M volume-{id}" }, plan.Commands);

        var volume = _bed.Run(plan);
        Assert.Equal((id, 2, Image(id)), (volume.Id, volume.SizeGB, volume.RbdImage));
        var info = _bed.Info(volume.RbdImage);
        Assert.Equal((2 * GiB, (ParentSpec?)null), (info.Size, info.Parent));
        Assert.Equal(volume, _bed.Database.Find<CinderVolume>(id));
    }

    [Fact]
    public void Deferred_deletion_moves_the_volume_to_the_trash_for_the_delay()
    {
        _bed.Configure(s => s with { EnableDeferredDeletion = true, DeferredDeletionDelay = 3600 });
        var volume = VolumeWithData("v", 3);
        string id;
        using (var image = _bed.Cluster.OpenImage(Pool, $"volume-{volume.Id}")) id = image.Stat().Id;
        var plan = CinderVolumeWorkflows.Delete(_bed.Context, volume.Id);
        Assert.StartsWith($"rbd -p openstack trash mv volume-{volume.Id} --expires-at '", Assert.Single(plan.Commands));

        _bed.Run(plan);
        Assert.DoesNotContain($"volume-{volume.Id}", _bed.Cluster.ListImages(Pool));
        Assert.Null(_bed.Database.Find<CinderVolume>(volume.Id));
        var entry = Assert.Single(_bed.Cluster.ListTrash(Pool));
        Assert.Equal(($"volume-{volume.Id}", id), (entry.Name, entry.Id));
        Assert.InRange(entry.DefermentEnd - entry.DeletedAt, TimeSpan.FromSeconds(3599), TimeSpan.FromSeconds(3601));
        Assert.Equal("TrashDefermentNotExpired", Assert.Throws<RbdException>(() => _bed.Cluster.RemoveFromTrash(Pool, id, force: false)).ErrorId);
    }

    [Fact]
    public void Volume_snapshot_is_snap_create_and_protect()
    {
        var volume = _bed.Volume("v");
        string id = _bed.NextId();
        var plan = CinderSnapshotWorkflows.Create(_bed.Context, volume.Id, "s");
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap create volume-{volume.Id}@snapshot-{id}",
            $"rbd -p openstack snap protect volume-{volume.Id}@snapshot-{id}",
        }, plan.Commands);

        var snapshot = _bed.Run(plan);
        Assert.Equal(($"{volume.RbdImage}@snapshot-{id}", volume.Id), (snapshot.RbdSnapshot, snapshot.VolumeId));
        var snap = Assert.Single(_bed.Snaps(volume.RbdImage));
        Assert.Equal(($"snapshot-{id}", true), (snap.Name, snap.Protected));
    }

    [Fact]
    public void Volume_from_snapshot_clones_it_and_resizes()
    {
        var source = VolumeWithData("src", 1);
        var snapshot = _bed.Snapshot(source, "s");
        string atSnapshot = _bed.Content(snapshot.RbdSnapshot);
        _bed.Write(source.RbdImage, 0, RandomBytes(4096, 99));
        string id = _bed.NextId();

        var plan = CinderVolumeWorkflows.Create(_bed.Context, "copy", 2, snapshotRef: snapshot.Id);
        Assert.Equal(new[]
        {
            $"rbd clone {snapshot.RbdSnapshot} openstack/volume-{id}",
            $"rbd resize --size 2048M openstack/volume-{id}",
        }, plan.Commands);
        var volume = _bed.Run(plan);
        Assert.Equal(snapshot.RbdSnapshot, _bed.Parent(volume.RbdImage));
        Assert.Equal(0UL, _bed.OwnBytes(volume.RbdImage));
        Assert.Equal(2 * GiB, _bed.Info(volume.RbdImage).Size);
        Assert.Equal(Blocks(atSnapshot), Blocks(_bed.Content(volume.RbdImage)));
        Assert.Equal((2, snapshot.Id), (volume.SizeGB, volume.SnapshotId));
    }

    [Fact]
    public void Flatten_volume_from_snapshot_detaches_it_so_the_snapshot_can_go()
    {
        _bed.Configure(s => s with { RbdFlattenVolumeFromSnapshot = true });
        var source = VolumeWithData("src", 2);
        var snapshot = _bed.Snapshot(source, "s");
        string id = _bed.NextId();
        var plan = CinderVolumeWorkflows.Create(_bed.Context, "copy", snapshotRef: snapshot.Id);
        Assert.Equal(new[] { $"rbd clone {snapshot.RbdSnapshot} {Image(id)}", $"rbd flatten {Image(id)}" }, plan.Commands);

        var volume = _bed.Run(plan);
        Assert.Null(_bed.Parent(volume.RbdImage));
        Assert.Equal(_bed.Content(snapshot.RbdSnapshot), _bed.Content(volume.RbdImage));
        _bed.Run(CinderSnapshotWorkflows.Delete(_bed.Context, snapshot.Id));
        Assert.Empty(_bed.Snaps(source.RbdImage));
    }

    [Fact]
    public void Volume_from_volume_is_a_clone_of_a_new_clone_snap()
    {
        var source = VolumeWithData("src", 3);
        string id = _bed.NextId(), cloneSnap = $"{source.RbdImage}@volume-{id}.clone_snap";
        var plan = CinderVolumeWorkflows.Create(_bed.Context, "copy", sourceVolumeRef: source.Id);
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap create volume-{source.Id}@volume-{id}.clone_snap",
            $"rbd -p openstack snap protect volume-{source.Id}@volume-{id}.clone_snap",
            $"rbd clone {cloneSnap} {Image(id)}",
        }, RbdSteps(plan));

        var volume = _bed.Run(plan);
        Assert.Equal(cloneSnap, _bed.Parent(volume.RbdImage));
        Assert.True(Assert.Single(_bed.Snaps(source.RbdImage)).Protected);
        Assert.Equal(new[] { volume.RbdImage }, _bed.Children(cloneSnap));
        Assert.Equal(_bed.Content(source.RbdImage), _bed.Content(volume.RbdImage));
        Assert.Equal(source.Id, volume.SourceVolumeId);
    }

    [Fact]
    public void Reaching_the_max_clone_depth_flattens_the_new_volume_and_removes_its_clone_snap()
    {
        _bed.Configure(s => s with { RbdMaxCloneDepth = 2 });
        var first = VolumeWithData("v1", 4);
        var second = _bed.Volume("v2", source: first.Id);
        Assert.Equal($"{first.RbdImage}@volume-{second.Id}.clone_snap", _bed.Parent(second.RbdImage));
        _bed.Write(second.RbdImage, 50 * MiB, RandomBytes(4096, 40));

        string id = _bed.NextId(), cloneSnap = $"{second.RbdImage}@volume-{id}.clone_snap";
        var plan = CinderVolumeWorkflows.Create(_bed.Context, "v3", sourceVolumeRef: second.Id);
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap create volume-{second.Id}@volume-{id}.clone_snap",
            $"rbd -p openstack snap protect volume-{second.Id}@volume-{id}.clone_snap",
            $"rbd clone {cloneSnap} {Image(id)}",
            $"rbd flatten {Image(id)}",
            $"rbd snap unprotect {cloneSnap}",
            $"rbd snap rm {cloneSnap}",
        }, RbdSteps(plan));

        var third = _bed.Run(plan);
        Assert.Null(_bed.Parent(third.RbdImage));
        Assert.Empty(_bed.Snaps(second.RbdImage));
        Assert.Equal($"{first.RbdImage}@volume-{second.Id}.clone_snap", _bed.Parent(second.RbdImage));
        Assert.Equal(_bed.Content(second.RbdImage), _bed.Content(third.RbdImage));
    }

    [Fact]
    public void A_max_clone_depth_of_zero_makes_full_copies()
    {
        _bed.Configure(s => s with { RbdMaxCloneDepth = 0 });
        var source = VolumeWithData("src", 5);
        string id = _bed.NextId();
        var plan = CinderVolumeWorkflows.Create(_bed.Context, "copy", sourceVolumeRef: source.Id);
        Assert.Equal(new[] { $"rbd copy {source.RbdImage} {Image(id)}" }, RbdSteps(plan));

        var volume = _bed.Run(plan);
        Assert.Null(_bed.Parent(volume.RbdImage));
        Assert.Empty(_bed.Snaps(source.RbdImage));
        Assert.Equal(_bed.Content(source.RbdImage), _bed.Content(volume.RbdImage));
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, ".clone_snap")]
    public void Upstream_counts_clone_depth_only_through_clone_snaps(bool upstream, string? parentSuffix)
    {
        var image = _bed.Upload();
        var fromImage = _bed.Volume("from-image", image: image.Id);
        _bed.Configure(s => (upstream ? s.AsUpstream() : s) with { RbdMaxCloneDepth = 2 });
        var copy = _bed.Volume("copy", source: fromImage.Id);
        // Seed: depth 2 (the Glance parent counts) reaches the maximum; upstream: depth 1, still a clone.
        Assert.Equal(parentSuffix is null ? null : $"{fromImage.RbdImage}@volume-{copy.Id}{parentSuffix}", _bed.Parent(copy.RbdImage));
        Assert.Equal(ImageData, _bed.Read(copy.RbdImage, 0, ImageData.Length));
    }

    [Fact]
    public void Volume_from_image_clones_the_glance_snapshot_and_resizes()
    {
        var image = _bed.Upload();
        string id = _bed.NextId();
        var plan = CinderVolumeWorkflows.Create(_bed.Context, "boot", 2, imageRef: image.Id);
        Assert.Equal(new[]
        {
            $"rbd clone openstack/{image.Id}@snap {Image(id)}",
            $"rbd resize --size 2048M {Image(id)}",
        }, plan.Commands);

        var volume = _bed.Run(plan);
        Assert.Equal($"{Pool}/{image.Id}@snap", _bed.Parent(volume.RbdImage));
        Assert.Equal((0UL, 2 * GiB), (_bed.OwnBytes(volume.RbdImage), _bed.Info(volume.RbdImage).Size));
        Assert.Equal(ImageData, _bed.Read(volume.RbdImage, 0, ImageData.Length));
        Assert.Equal((image.Id, 2), (volume.ImageId, volume.SizeGB));
    }

    [Fact]
    public void A_qcow2_image_is_downloaded_into_the_volume()
    {
        var image = _bed.Upload("qcow", diskFormat: "qcow2");
        var plan = CinderVolumeWorkflows.Create(_bed.Context, "boot", imageRef: image.Id);
        Assert.Contains(plan.Commands, c => c.StartsWith("# not cloneable") && c.Contains("qcow2"));

        var volume = _bed.Run(plan);
        Assert.Null(_bed.Parent(volume.RbdImage));
        Assert.Empty(_bed.Children($"{Pool}/{image.Id}@snap"));
        Assert.Equal(GiB, _bed.Info(volume.RbdImage).Size);
        Assert.Equal(ImageData, _bed.Read(volume.RbdImage, 0, ImageData.Length));
    }

    [Fact]
    public void A_snapshot_with_a_clone_is_busy_and_nothing_changes()
    {
        var source = VolumeWithData("src", 6);
        var snapshot = _bed.Snapshot(source, "s");
        var clone = _bed.Volume("clone", snapshot: snapshot.Id);
        string before = _bed.State();

        var refused = Assert.Throws<RbdException>(() => _bed.Run(CinderSnapshotWorkflows.Delete(_bed.Context, snapshot.Id)));
        Assert.Equal(("SnapshotIsBusy", RbdErrno.EBUSY), (refused.ErrorId, refused.Errno));
        Assert.Contains($"volume 'clone' ({clone.Id})", refused.Message);
        Assert.Equal(before, _bed.State());
    }

    [Fact]
    public void A_volume_with_clones_is_kept_as_a_silent_deleted_image_until_the_last_clone_goes()
    {
        var source = VolumeWithData("src", 7);
        string data = _bed.Content(source.RbdImage);
        var clone = _bed.Volume("clone", source: source.Id);
        string kept = source.RbdImage + ".deleted";

        var plan = CinderVolumeWorkflows.Delete(_bed.Context, source.Id);
        Assert.Equal(new[] { $"rbd mv {source.RbdImage} {kept}" }, RbdSteps(plan));
        _bed.Run(plan);
        Assert.Null(_bed.Database.Find<CinderVolume>(source.Id));
        Assert.False(_bed.Exists(source.RbdImage));
        Assert.True(_bed.Exists(kept));
        Assert.Contains(_bed.Observer.Warnings, w => w.Contains(kept));
        Assert.Equal($"{kept}@volume-{clone.Id}.clone_snap", _bed.Parent(clone.RbdImage));
        Assert.Equal(data, _bed.Content(clone.RbdImage));

        plan = CinderVolumeWorkflows.Delete(_bed.Context, clone.Id);
        string cloneSnap = $"{kept}@volume-{clone.Id}.clone_snap";
        Assert.Equal(new[] { $"rbd -p openstack rm volume-{clone.Id}", $"rbd snap unprotect {cloneSnap}", $"rbd snap rm {cloneSnap}",
                             $"rbd -p openstack rm volume-{source.Id}.deleted" },
                     RbdSteps(plan).Select(c => c.Split("   #")[0]));
        _bed.Run(plan);
        Assert.False(_bed.Exists(clone.RbdImage));
        Assert.False(_bed.Exists(kept));
    }

    [Fact]
    public void A_volume_with_a_snapshot_cinder_does_not_manage_is_busy_and_nothing_changes()
    {
        var volume = VolumeWithData("v", 17);
        var spec = ImageSpec.Parse(volume.RbdImage, SpecKind.Image);
        using (var image = _bed.Cluster.OpenImage(spec.Pool, spec.Image!)) image.CreateSnapshot("by-hand");
        string before = _bed.State();

        var refused = Assert.Throws<RbdException>(() => _bed.Run(CinderVolumeWorkflows.Delete(_bed.Context, volume.Id)));
        Assert.Equal(("VolumeIsBusy", RbdErrno.EBUSY), (refused.ErrorId, refused.Errno));
        Assert.Contains("by-hand", refused.Message);
        Assert.Equal(before, _bed.State());
    }

    [Fact]
    public void A_volume_with_snapshots_is_refused_and_nothing_changes()
    {
        var volume = VolumeWithData("v", 8);
        var snapshot = _bed.Snapshot(volume, "keep");
        string before = _bed.State();

        var refused = Assert.Throws<RbdException>(() => _bed.Run(CinderVolumeWorkflows.Delete(_bed.Context, volume.Id)));
        Assert.Equal("VolumeHasSnapshots", refused.ErrorId);
        Assert.Contains($"'keep' ({snapshot.Id})", refused.Message);
        Assert.Equal(before, _bed.State());
    }

    [Fact]
    public void Deleting_a_cloned_volume_removes_its_parents_clone_snap_and_frees_the_source()
    {
        var source = VolumeWithData("src", 9);
        var clone = _bed.Volume("clone", source: source.Id);
        var plan = CinderVolumeWorkflows.Delete(_bed.Context, clone.Id);
        string cloneSnap = $"{source.RbdImage}@volume-{clone.Id}.clone_snap";
        Assert.Equal(new[] { $"rbd -p openstack rm volume-{clone.Id}", $"rbd snap unprotect {cloneSnap}", $"rbd snap rm {cloneSnap}" },
                     RbdSteps(plan));

        _bed.Run(plan);
        Assert.False(_bed.Exists(clone.RbdImage));
        Assert.Empty(_bed.Snaps(source.RbdImage));
        Assert.Null(_bed.Database.Find<CinderVolume>(clone.Id));
        _bed.Run(CinderVolumeWorkflows.Delete(_bed.Context, source.Id));
        Assert.False(_bed.Exists(source.RbdImage));
    }

    [Fact]
    public void Todays_delete_removes_a_volume_even_with_deferred_deletion_and_leaves_its_parents_clone_snap()
    {
        _bed.Configure(s => s with { CinderFlattenOnDelete = true, EnableDeferredDeletion = true, DeferredDeletionDelay = 3600 });
        var source = VolumeWithData("src", 21);
        var clone = _bed.Volume("clone", source: source.Id);
        var plan = CinderVolumeWorkflows.Delete(_bed.Context, clone.Id);
        Assert.Equal(new[] { $"rbd -p openstack rm volume-{clone.Id}" }, RbdSteps(plan).Select(c => c.Split("   #")[0]));

        _bed.Run(plan);
        Assert.False(_bed.Exists(clone.RbdImage));
        Assert.Empty(_bed.Cluster.ListTrash(Pool));
        Assert.Null(_bed.Database.Find<CinderVolume>(clone.Id));
        var left = Assert.Single(_bed.Snaps(source.RbdImage));
        Assert.Equal(($"volume-{clone.Id}.clone_snap", true), (left.Name, left.Protected));
        Assert.Empty(_bed.Children($"{source.RbdImage}@{left.Name}"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Todays_delete_flattens_the_clones_of_snapshots_it_does_not_manage_and_trashes_the_volume(bool deferred)
    {
        _bed.Configure(s => s with { CinderFlattenOnDelete = true, EnableDeferredDeletion = deferred, DeferredDeletionDelay = 3600 });
        var volume = VolumeWithData("v", 22);
        string image = CinderVolumeWorkflows.ImageName(volume.Id), id;
        using (var handle = _bed.Cluster.OpenImage(Pool, image))
        {
            handle.CreateSnapshot("by-hand");
            handle.ProtectSnapshot("by-hand");
            id = handle.Stat().Id;
        }
        _bed.Cluster.Clone(Pool, image, "by-hand", Pool, "hand-clone", ImageOptions.Default);
        string data = _bed.Content($"{Pool}/hand-clone");

        var plan = CinderVolumeWorkflows.Delete(_bed.Context, volume.Id);
        var steps = RbdSteps(plan);
        Assert.Equal(new[] { $"rbd flatten {Pool}/hand-clone", $"rbd -p openstack trash mv {image}" },
                     steps.Select(c => c.Split("   #")[0].Split(" --expires-at")[0]));
        Assert.Equal(deferred, steps[1].Contains("--expires-at"));
        Assert.Contains(plan.Commands, c => c == $"# rbd children {Pool}/{image}: clone {Pool}/hand-clone");

        _bed.Run(plan);
        Assert.Null(_bed.Parent($"{Pool}/hand-clone"));
        Assert.Equal(Blocks(data), Blocks(_bed.Content($"{Pool}/hand-clone")));
        Assert.False(_bed.Exists(volume.RbdImage));
        Assert.Null(_bed.Database.Find<CinderVolume>(volume.Id));
        var entry = Assert.Single(_bed.Cluster.ListTrash(Pool));
        Assert.Equal((image, id), (entry.Name, entry.Id));
        var delay = deferred ? TimeSpan.FromHours(1) : TimeSpan.Zero;
        Assert.InRange(entry.DefermentEnd - entry.DeletedAt, delay - TimeSpan.FromSeconds(1), delay + TimeSpan.FromSeconds(1));
        using var trashed = _bed.Cluster.OpenImageInTrash(Pool, id);
        Assert.Equal("by-hand", Assert.Single(trashed.ListSnapshots()).Name);
    }

    [Fact]
    public void Todays_snapshot_delete_flattens_the_volumes_cloned_from_it()
    {
        _bed.Configure(s => s with { CinderFlattenOnDelete = true });
        var source = VolumeWithData("src", 23);
        var snapshot = _bed.Snapshot(source, "s");
        var clone = _bed.Volume("clone", snapshot: snapshot.Id);
        string data = _bed.Content(clone.RbdImage);

        var plan = CinderSnapshotWorkflows.Delete(_bed.Context, snapshot.Id);
        Assert.Equal(new[] { $"rbd flatten {clone.RbdImage}", $"rbd snap unprotect {snapshot.RbdSnapshot}", $"rbd snap rm {snapshot.RbdSnapshot}" },
                     RbdSteps(plan));
        Assert.Contains(plan.Commands, c => c == $"# rbd children {snapshot.RbdSnapshot}: volume 'clone' ({clone.Id})");

        _bed.Run(plan);
        Assert.Null(_bed.Parent(clone.RbdImage));
        Assert.Equal(data, _bed.Content(clone.RbdImage));
        Assert.Empty(_bed.Snaps(source.RbdImage));
        Assert.Null(_bed.Database.Find<CinderSnapshot>(snapshot.Id));
    }

    [Fact]
    public void Upstream_turns_on_todays_cinder_and_glance_deletes_and_the_change_names_them()
    {
        var upstream = OpenStackSettings.Default.AsUpstream();
        Assert.True(upstream.CinderFlattenOnDelete && upstream.GlanceTrashOnDelete);
        Assert.False(OpenStackSettings.Default.CinderFlattenOnDelete || OpenStackSettings.Default.GlanceTrashOnDelete);
        var plan = OpenStackSettingsChange.Plan(_bed.Database, _bed.Database.Settings with { CinderFlattenOnDelete = true, GlanceTrashOnDelete = true });
        Assert.Equal(new[] { "set RbdPowerShell CinderFlattenOnDelete = true", "set RbdPowerShell GlanceTrashOnDelete = true" }, plan.Commands);
        Assert.True(_bed.Run(plan).GlanceTrashOnDelete);
        Assert.True(_bed.Database.Settings.CinderFlattenOnDelete);
    }
}
