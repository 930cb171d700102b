using RbdPowerShell.Engine.OpenStack;
using static RbdPowerShell.Engine.Tests.OpenStackTestBed;

namespace RbdPowerShell.Engine.Tests;

/// <summary>Cinder's Ceph backup driver on a second cluster (seed §5.3): full and incremental backups, restores.</summary>
public sealed class EmbeddedOpenStackCinderBackupTests() : OpenStackCinderBackupTests(Backend.Embedded, Backend.Embedded);
public sealed class CephOpenStackCinderBackupTests() : OpenStackCinderBackupTests(Backend.Ceph, Backend.Embedded);
/// <summary>Volumes on an embedded store, backups into a Ceph cluster (the other direction across backends).</summary>
public sealed class EmbeddedToCephOpenStackCinderBackupTests() : OpenStackCinderBackupTests(Backend.Embedded, Backend.Ceph);

public abstract class OpenStackCinderBackupTests : IDisposable
{
    private readonly OpenStackTestBed _bed;
    private readonly CinderVolume _volume;
    private int _writes;

    protected OpenStackCinderBackupTests(Backend backend, Backend backupBackend)
    {
        _bed = new(backend, backupBackend);
        _volume = _bed.Volume("data");
        Change();
    }

    public void Dispose() => _bed.Dispose();

    private string BaseSpec => $"{BackupPool}/volume-{_volume.Id}.backup.base";

    /// <summary>Writes new data into the volume (a different place each time, and over the first MiB).</summary>
    private void Change()
    {
        _writes++;
        _bed.Write(_volume.RbdImage, 0, RandomBytes((int)MiB, 100 + _writes));
        _bed.Write(_volume.RbdImage, (ulong)_writes * 64 * MiB, RandomBytes(8192, 200 + _writes));
    }

    private string BackupContent(CinderBackup backup) => _bed.Content($"{backup.BaseImage}@{backup.SnapshotName}", _bed.BackupCluster);

    [Fact]
    public void Upstream_a_full_backup_gets_its_own_base_and_an_incremental_one_goes_onto_its_parents()
    {
        _bed.Configure(s => s with { UpstreamBehavior = true });
        var plan = CinderBackupWorkflows.Backup(_bed.Context, _volume.Id);
        var full = _bed.Run(plan);
        string fullBase = $"{BackupPool}/volume-{_volume.Id}.backup.{full.Id}";
        Assert.Equal(new[]
        {
            $"rbd -p cinder_backup create --size 1024M volume-{_volume.Id}.backup.{full.Id}",
            $"rbd -p openstack snap create volume-{_volume.Id}@{full.SnapshotName}",
            $"rbd export-diff --pool openstack {_volume.RbdImage}@{full.SnapshotName} - | rbd import-diff --pool cinder_backup - {fullBase}",
        }, plan.Commands);
        Assert.Equal((fullBase, "Diff"), (full.BaseImage, full.Method));
        string fullData = _bed.Content(_volume.RbdImage);

        Change();
        plan = CinderBackupWorkflows.Backup(_bed.Context, _volume.Id, incremental: true);
        var incremental = _bed.Run(plan);
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap create volume-{_volume.Id}@{incremental.SnapshotName}",
            $"rbd export-diff --pool openstack --from-snap {full.SnapshotName} {_volume.RbdImage}@{incremental.SnapshotName} - | " +
            $"rbd import-diff --pool cinder_backup - {fullBase}",
        }, plan.Commands);
        Assert.Equal((fullBase, full.Id), (incremental.BaseImage, incremental.ParentId));
        Assert.Equal(new[] { full.SnapshotName, incremental.SnapshotName }, _bed.SnapNames(_volume.RbdImage));
        Assert.Equal(fullData, BackupContent(full));
        Assert.Equal(_bed.Content(_volume.RbdImage), BackupContent(incremental));

        var restore = _bed.Run(CinderRestoreWorkflow.Restore(_bed.Context, incremental.Id));
        Assert.Equal("Diff", restore.Method);
        Assert.Equal(Blocks(BackupContent(incremental)), Blocks(_bed.Content(_bed.Database.Find<CinderVolume>(restore.VolumeId)!.RbdImage)));

        var second = _bed.Backup(_volume);
        Assert.Equal($"{BackupPool}/volume-{_volume.Id}.backup.{second.Id}", second.BaseImage);
        Assert.False(_bed.Exists(BaseSpec, _bed.BackupCluster));
    }

    [Fact]
    public void Upstream_an_incremental_backup_without_its_parents_snapshot_fails_and_leaves_nothing()
    {
        _bed.Configure(s => s with { UpstreamBehavior = true });
        var full = _bed.Backup(_volume);
        using (var image = _bed.BackupCluster.OpenImage(BackupPool, $"volume-{_volume.Id}.backup.{full.Id}"))
            image.RemoveSnapshot(full.SnapshotName);
        string before = _bed.State();

        var failed = Assert.Throws<RbdException>(() => CinderBackupWorkflows.Backup(_bed.Context, _volume.Id, incremental: true));
        Assert.Equal("BackupRBDOperationFailed", failed.ErrorId);
        Assert.Contains(full.Id, failed.Message);
        Assert.Equal(before, _bed.State());
    }

    [Fact]
    public void First_backup_creates_the_base_and_pipes_export_diff_into_import_diff()
    {
        var plan = CinderBackupWorkflows.Backup(_bed.Context, _volume.Id);
        var backup = _bed.Run(plan);
        string snap = backup.SnapshotName;
        Assert.Matches($@"^backup\.{backup.Id}\.snap\.\d+\.\d\d$", snap);
        Assert.Equal(new[]
        {
            $"rbd -p cinder_backup create --size 1024M volume-{_volume.Id}.backup.base",
            $"rbd -p openstack snap create volume-{_volume.Id}@{snap}",
            $"rbd export-diff --pool openstack {_volume.RbdImage}@{snap} - | rbd import-diff --pool cinder_backup - {BaseSpec}",
        }, plan.Commands);

        Assert.Equal((BaseSpec, "Diff", false, _bed.BackupCluster.Locator), (backup.BaseImage, backup.Method, backup.IsIncremental, backup.BackupCluster));
        Assert.False(_bed.Exists(BaseSpec, _bed.Cluster));
        Assert.Equal(new[] { snap }, _bed.SnapNames(BaseSpec, _bed.BackupCluster));
        Assert.Equal(new[] { snap }, _bed.SnapNames(_volume.RbdImage));
        Assert.Equal(_bed.Content(_volume.RbdImage), BackupContent(backup));
    }

    [Fact]
    public void Incremental_backup_exports_from_the_last_backup_snapshot_then_removes_it_from_the_source()
    {
        var first = _bed.Backup(_volume);
        Change();
        var plan = CinderBackupWorkflows.Backup(_bed.Context, _volume.Id, incremental: true);
        var second = _bed.Run(plan);
        string from = first.SnapshotName, to = second.SnapshotName;
        Assert.Equal(new[]
        {
            $"rbd -p openstack snap create volume-{_volume.Id}@{to}",
            $"rbd export-diff --pool openstack --from-snap {from} {_volume.RbdImage}@{to} - | rbd import-diff --pool cinder_backup - {BaseSpec}",
            $"rbd -p openstack snap rm volume-{_volume.Id}@{from}",
        }, plan.Commands);
        Assert.Equal((first.Id, true, "Diff"), (second.ParentId, second.IsIncremental, second.Method));
    }

    [Fact]
    public void Each_backup_is_a_snapshot_of_the_base_holding_the_volume_as_it_was()
    {
        var contents = new List<string>();
        var backups = new List<CinderBackup>();
        for (int i = 0; i < 3; i++)
        {
            if (i > 0) Change();
            contents.Add(_bed.Content(_volume.RbdImage));
            backups.Add(_bed.Backup(_volume, incremental: i > 0));
        }

        Assert.Equal(backups.Select(b => b.SnapshotName), _bed.SnapNames(BaseSpec, _bed.BackupCluster));
        Assert.Equal(new[] { backups[^1].SnapshotName }, _bed.SnapNames(_volume.RbdImage));
        Assert.Equal(contents, backups.Select(BackupContent));
        Assert.Equal(3, contents.Distinct().Count());
    }

    [Fact]
    public void An_incremental_backup_without_a_previous_one_is_refused()
    {
        string before = _bed.State();
        var refused = Assert.Throws<RbdException>(() => CinderBackupWorkflows.Backup(_bed.Context, _volume.Id, incremental: true));
        Assert.Equal(("InvalidBackup", RbdErrno.EINVAL), (refused.ErrorId, refused.Errno));
        Assert.Equal(before, _bed.State());
    }

    [Fact]
    public void A_base_missing_the_from_snapshot_forces_a_full_backup()
    {
        var first = _bed.Backup(_volume);
        using (var baseImage = _bed.BackupCluster.OpenImage(BackupPool, $"volume-{_volume.Id}.backup.base"))
            baseImage.RemoveSnapshot(first.SnapshotName);
        Change();

        var plan = CinderBackupWorkflows.Backup(_bed.Context, _volume.Id, incremental: true);
        Assert.Contains(plan.Commands, c => c.StartsWith("# ") && c.Contains("does not exist in base image") && c.Contains("full backup"));
        var second = _bed.Run(plan);
        string full = $"{BackupPool}/volume-{_volume.Id}.backup.{second.Id}";
        Assert.Equal(("Full", full), (second.Method, second.BaseImage));
        Assert.Equal(_bed.Content(_volume.RbdImage), _bed.Content(full, _bed.BackupCluster));
    }

    [Fact]
    public void A_backup_with_incrementals_cannot_be_deleted_until_they_are()
    {
        var first = _bed.Backup(_volume);
        Change();
        var second = _bed.Backup(_volume, incremental: true);
        string before = _bed.State();

        var refused = Assert.Throws<RbdException>(() => CinderBackupWorkflows.Delete(_bed.Context, first.Id));
        Assert.Equal("BackupHasIncrementals", refused.ErrorId);
        Assert.Contains(second.Id, refused.Message);
        Assert.Equal(before, _bed.State());

        _bed.Run(CinderBackupWorkflows.Delete(_bed.Context, second.Id));
        _bed.Run(CinderBackupWorkflows.Delete(_bed.Context, first.Id));
        Assert.False(_bed.Exists(BaseSpec, _bed.BackupCluster));
        Assert.Empty(_bed.Database.List<CinderBackup>());
    }

    [Fact]
    public void Restore_to_a_new_volume_is_a_diff_restore_of_the_restore_point()
    {
        var backup = _bed.Backup(_volume);
        string atBackup = _bed.Content(_volume.RbdImage);
        Change();
        string id = _bed.NextId();

        var plan = CinderRestoreWorkflow.Restore(_bed.Context, backup.Id);
        Assert.Equal(new[]
        {
            $"rbd -p openstack create --new-format --size 1024M volume-{id}",
            $"rbd export-diff --pool cinder_backup {BaseSpec}@{backup.SnapshotName} - | rbd import-diff --pool openstack - openstack/volume-{id}",
        }, plan.Commands);
        var restore = _bed.Run(plan);
        Assert.Equal((backup.Id, id, "Diff"), (restore.BackupId, restore.VolumeId, restore.Method));
        var volume = _bed.Database.Find<CinderVolume>(id)!;
        Assert.Equal(($"{Pool}/volume-{id}", 1), (volume.RbdImage, volume.SizeGB));
        Assert.Equal(atBackup, _bed.Content(volume.RbdImage));
    }

    [Fact]
    public void Restore_into_the_source_volume_is_a_full_copy_back_to_the_backup()
    {
        var backup = _bed.Backup(_volume);
        string atBackup = _bed.Content(_volume.RbdImage);
        Change();

        var restore = _bed.Run(CinderRestoreWorkflow.Restore(_bed.Context, backup.Id, _volume.Id));
        Assert.Equal(("Full", _volume.Id), (restore.Method, restore.VolumeId));
        Assert.Contains("own source volume", restore.Reason);
        Assert.Equal(atBackup, _bed.Content(_volume.RbdImage));
    }

    [Fact]
    public void Restore_into_a_volume_with_data_is_a_full_copy()
    {
        var backup = _bed.Backup(_volume);
        var other = _bed.Volume("other");
        _bed.Write(other.RbdImage, 512 * MiB, RandomBytes(4096, 77));

        var restore = _bed.Run(CinderRestoreWorkflow.Restore(_bed.Context, backup.Id, other.Id));
        Assert.Equal("Full", restore.Method);
        Assert.Contains("not empty", restore.Reason);
        Assert.Equal(BackupContent(backup), _bed.Content(other.RbdImage));
    }

    [Fact]
    public void Restore_into_an_empty_larger_volume_is_a_diff_then_a_resize()
    {
        var first = _bed.Backup(_volume);
        string atFirst = _bed.Content(_volume.RbdImage);
        Change();
        _bed.Backup(_volume, incremental: true);
        var empty = _bed.Volume("empty", 2);

        var plan = CinderRestoreWorkflow.Restore(_bed.Context, first.Id, empty.Id);
        Assert.Equal(new[]
        {
            $"rbd export-diff --pool cinder_backup {BaseSpec}@{first.SnapshotName} - | rbd import-diff --pool openstack - {empty.RbdImage}",
            $"rbd -p openstack resize --size 2048M volume-{empty.Id}",
        }, plan.Commands);
        Assert.Equal("Diff", _bed.Run(plan).Method);
        Assert.Equal(2 * GiB, _bed.Info(empty.RbdImage).Size);
        Assert.Equal(Blocks(atFirst), Blocks(_bed.Content(empty.RbdImage)));
    }

    [Fact]
    public void A_backup_of_a_volume_cloned_from_an_image_holds_the_images_data_too()
    {
        var image = _bed.Upload();
        var volume = _bed.Volume("from-image", image: image.Id);
        _bed.Write(volume.RbdImage, 300 * MiB, RandomBytes(4096, 33));

        var backup = _bed.Backup(volume);
        Assert.Equal(_bed.Content(volume.RbdImage), BackupContent(backup));
        Assert.Equal(ImageData, _bed.Read($"{backup.BaseImage}@{backup.SnapshotName}", 0, ImageData.Length, _bed.BackupCluster));
    }

    [Fact]
    public void Deleting_a_backed_up_volume_removes_its_backup_snapshot_but_not_the_backup()
    {
        var backup = _bed.Backup(_volume);
        string content = BackupContent(backup);
        var plan = CinderVolumeWorkflows.Delete(_bed.Context, _volume.Id);
        Assert.Equal(new[] { $"rbd snap rm {_volume.RbdImage}@{backup.SnapshotName}", $"rbd -p openstack rm volume-{_volume.Id}" }, RbdSteps(plan));

        _bed.Run(plan);
        Assert.False(_bed.Exists(_volume.RbdImage));
        Assert.Equal(content, BackupContent(backup));
        var restore = _bed.Run(CinderRestoreWorkflow.Restore(_bed.Context, backup.Id));
        Assert.Equal("Diff", restore.Method);
        Assert.Equal(content, _bed.Content($"{Pool}/volume-{restore.VolumeId}"));
    }

    [Fact]
    public void A_backup_pool_missing_on_the_backup_cluster_is_refused_before_anything_changes()
    {
        _bed.BackupCluster.RemovePool(BackupPool);
        string before = _bed.State();
        var refused = Assert.Throws<RbdException>(() => CinderBackupWorkflows.Backup(_bed.Context, _volume.Id));
        Assert.Equal(("PoolNotFound", RbdErrno.ENOENT), (refused.ErrorId, refused.Errno));
        Assert.Equal(before, _bed.State());
    }
}
