using RbdPowerShell.Engine.OpenStack;
using static RbdPowerShell.Engine.Tests.OpenStackTestBed;

namespace RbdPowerShell.Engine.Tests;

/// <summary>What every workflow shares: plans that change nothing until run, cleanup after a failed step, persistence.</summary>
public sealed class EmbeddedOpenStackPlanTests() : OpenStackPlanTests(Backend.Embedded);
public sealed class CephOpenStackPlanTests() : OpenStackPlanTests(Backend.Ceph);

public abstract class OpenStackPlanTests : IDisposable
{
    private readonly OpenStackTestBed _bed;

    protected OpenStackPlanTests(Backend backend) => _bed = new(backend);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public void Building_a_plan_changes_nothing()
    {
        var image = _bed.Upload();
        var volume = _bed.Volume("v");
        string before = _bed.State();
        int commandsRun = _bed.Observer.Commands.Count;

        var plans = new object[]
        {
            NovaWorkflows.Boot(_bed.Context, "web", image.Id),
            CinderVolumeWorkflows.Create(_bed.Context, "copy", sourceVolumeRef: volume.Id),
            CinderSnapshotWorkflows.Create(_bed.Context, volume.Id, "s"),
            CinderBackupWorkflows.Backup(_bed.Context, volume.Id),
            GlanceWorkflows.Delete(_bed.Context, image.Id),
            CinderVolumeWorkflows.Delete(_bed.Context, volume.Id),
        };
        Assert.Equal(6, plans.Length);
        Assert.Equal(before, _bed.State());
        Assert.Equal(commandsRun, _bed.Observer.Commands.Count);
    }

    [Fact]
    public void A_stop_during_the_flatten_of_a_server_snapshot_undoes_the_clone_and_the_disk_snapshot()
    {
        var image = _bed.Upload();
        var server = _bed.Boot("web", image);
        string before = _bed.State();

        var plan = NovaWorkflows.Snapshot(_bed.Context, server.Id, "snap");
        Assert.Throws<OperationCanceledException>(() => plan.Run(new StoppingObserver("flatten")));
        Assert.Equal(before, _bed.State());
    }

    /// <summary>Stops the run (as Ctrl+C does through progress) when a command containing <paramref name="at"/> reports progress.</summary>
    private sealed class StoppingObserver(string at) : IPlanObserver
    {
        public void Running(string command) { }
        public ProgressHandler? Progress(string command) =>
            command.Contains(at) ? (_, _) => throw new OperationCanceledException() : null;
        public void Warning(string message) { }
    }

    [Fact]
    public void A_missing_nova_pool_fails_the_boot_and_leaves_nothing()
    {
        var image = _bed.Upload();
        _bed.Configure(s => s with { NovaPool = "nova" });
        string before = _bed.State();

        var failed = Assert.Throws<RbdException>(() => _bed.Boot("web", image));
        Assert.Equal(RbdErrno.ENOENT, failed.Errno);
        Assert.Contains("rbd clone", failed.Message);
        Assert.Contains("Nothing had to be cleaned up", failed.Message);
        Assert.Equal(before, _bed.State());
    }

    [Fact]
    public void A_taken_glance_name_makes_the_server_snapshot_undo_its_snapshot_of_the_disk()
    {
        var image = _bed.Upload();
        var server = _bed.Boot("web", image);
        string disk = $"{server.Id}_disk", snap = Guid.Parse(_bed.NextId(1)).ToString("N"), taken = _bed.NextId(2);
        _bed.Cluster.CreateImage(Pool, taken, MiB, ImageOptions.Default);
        _bed.Write($"{Pool}/{taken}", 0, RandomBytes(4096, 11));
        string takenContent = _bed.Content($"{Pool}/{taken}");
        string before = _bed.State();

        var failed = Assert.Throws<RbdException>(() => _bed.Run(NovaWorkflows.Snapshot(_bed.Context, server.Id, "snap")));
        Assert.Equal((RbdErrno.EEXIST, "ImageExists"), (failed.Errno, failed.ErrorId));
        Assert.Contains($"Cleaned up: rbd -p openstack snap unprotect {disk}@{snap}; rbd -p openstack snap rm {disk}@{snap}.", failed.Message);
        Assert.Equal(before, _bed.State());
        Assert.Equal(takenContent, _bed.Content($"{Pool}/{taken}"));
    }

    [Fact]
    public void A_taken_volume_name_makes_the_clone_undo_its_clone_snap_and_keeps_the_other_image()
    {
        var source = _bed.Volume("src");
        string taken = $"volume-{_bed.NextId()}";
        _bed.Cluster.CreateImage(Pool, taken, MiB, ImageOptions.Default);
        string before = _bed.State();

        var failed = Assert.Throws<RbdException>(() => _bed.Volume("copy", source: source.Id));
        Assert.Contains($"Cleaned up: rbd -p openstack snap unprotect volume-{source.Id}@{taken}.clone_snap; " +
                        $"rbd -p openstack snap rm volume-{source.Id}@{taken}.clone_snap.", failed.Message);
        Assert.Equal(before, _bed.State());
        Assert.Null(_bed.Database.Find<CinderVolume>(taken["volume-".Length..]));
    }

    [Fact]
    public void An_upload_whose_file_vanishes_removes_the_image_it_created()
    {
        string id = _bed.NextId(), file = _bed.WriteFile(ImageData);
        var plan = GlanceWorkflows.Upload(_bed.Context, "cirros", file);
        string before = _bed.State();
        File.Delete(file);

        var failed = Assert.Throws<RbdException>(() => _bed.Run(plan));
        Assert.Equal("WorkflowStepFailed", failed.ErrorId);
        Assert.Contains($"Cleaned up: rbd -p openstack rm {id}.", failed.Message);
        Assert.Contains($"rbd -p openstack rm {id}", _bed.Observer.Commands);
        Assert.Equal(before, _bed.State());
    }

    [Fact]
    public void Settings_and_records_survive_reopening_the_database()
    {
        var image = _bed.Upload();
        var server = _bed.Boot("web", image);
        var volume = _bed.Volume("v", 3);
        var snapshot = _bed.Snapshot(volume, "s");
        var backup = _bed.Backup(volume);
        _bed.Configure(s => s with { RbdMaxCloneDepth = 3, RbdFlattenVolumeFromSnapshot = true, RbdDestroyVolumeRetries = 4 });
        var settings = _bed.Database.Settings;

        _bed.ReopenDatabase();
        Assert.Equal(settings, _bed.Database.Settings);
        Assert.Equal((3, true, 4), (_bed.Context.Settings.RbdMaxCloneDepth, _bed.Context.Settings.RbdFlattenVolumeFromSnapshot,
                                    _bed.Context.Settings.RbdDestroyVolumeRetries));
        Assert.Equal(image, _bed.Context.Image("cirros"));
        Assert.Equal(server, _bed.Context.Server(server.Id));
        Assert.Equal(volume, _bed.Context.Volume("v"));
        Assert.Equal(snapshot, _bed.Context.Snapshot(snapshot.Id));
        Assert.Equal(backup, _bed.Context.Backup(backup.Id));
    }

    [Fact]
    public void Invalid_settings_are_refused_and_the_old_ones_kept()
    {
        var refused = Assert.Throws<RbdException>(() => _bed.Configure(s => s with { RbdStoreChunkSize = 3 * MiB }));
        Assert.Equal("InvalidSetting", refused.ErrorId);
        Assert.Equal(8 * MiB, _bed.Database.Settings.RbdStoreChunkSize);
    }

    [Fact]
    public void Records_are_found_by_unique_name_and_an_unknown_one_is_named()
    {
        _bed.Volume("same");
        _bed.Volume("same");
        Assert.Equal("AmbiguousName", Assert.Throws<RbdException>(() => _bed.Context.Volume("same")).ErrorId);
        var missing = Assert.Throws<RbdException>(() => _bed.Context.Image("nope"));
        Assert.Equal(("GlanceImageNotFound", RbdErrno.ENOENT), (missing.ErrorId, missing.Errno));
        Assert.Contains("'nope'", missing.Message);
    }
}
