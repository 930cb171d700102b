using RbdPowerShell.Engine.OpenStack;
using static RbdPowerShell.Engine.Tests.OpenStackTestBed;

namespace RbdPowerShell.Engine.Tests;

/// <summary>The leak audit on a messy OpenStack deployment, its cleanup plans, and their refusal to break a clone.</summary>
public sealed class EmbeddedLeakAuditTests() : LeakAuditTests(Backend.Embedded);
public sealed class CephLeakAuditTests() : LeakAuditTests(Backend.Ceph);

public abstract class LeakAuditTests : IDisposable
{
    private readonly OpenStackTestBed _bed;

    protected LeakAuditTests(Backend backend) => _bed = new(backend);

    public void Dispose() => _bed.Dispose();

    private void Snap(string spec, string snap, bool protect)
    {
        var (pool, image, _) = Split(spec);
        using var handle = _bed.Cluster.OpenImage(pool, image);
        handle.CreateSnapshot(snap);
        if (protect) handle.ProtectSnapshot(snap);
    }

    /// <summary>Builds the mess; returns the leaks it must show and what is in use.</summary>
    private (HashSet<(LeakKind, string)> Leaks, string[] InUse) Mess()
    {
        var c = _bed.Cluster;
        var image = _bed.Imported("cirros", 8 * MiB, RandomBytes(4096, 7));
        var vm1 = _bed.Boot("vm1", image);
        var vm2 = _bed.Boot("vm2", image);
        _bed.Database.Delete<NovaServer>(vm2.Id);                       // Nova forgot it, its disk stayed
        string novaSnap = Guid.NewGuid().ToString("N");
        Snap(vm1.RootDisk, novaSnap, protect: true);                  // a server snapshot that never finished
        var v1 = _bed.Volume("v1", image: image.Id);
        var v2 = _bed.Volume("v2", source: v1.Id);
        string strayCloneSnap = $"volume-{Guid.NewGuid()}.clone_snap";
        Snap(v1.RbdImage, strayCloneSnap, protect: true);             // a clone from a volume that failed
        _bed.Backup(v1);
        string failedBackup = $"backup.{Guid.NewGuid()}.snap.1000.00";
        Snap(v1.RbdImage, failedBackup, protect: false);              // a backup that failed after its snapshot
        Snap(v1.RbdImage, "manual", protect: true);
        var v5 = _bed.Volume("v5", image: image.Id);
        var v6 = _bed.Volume("v6", source: v5.Id);
        _bed.Run(CinderVolumeWorkflows.Delete(_bed.Context, v5.Id));   // kept as volume-<v5>.deleted
        using (var h = c.OpenImage(Pool, $"volume-{v6.Id}")) h.Flatten(); // its last clone let go of it
        string orphanBase = $"volume-{Guid.NewGuid()}.backup.base";
        c.CreateImage(BackupPool, orphanBase, MiB, ImageOptions.Default);
        var v7 = _bed.Volume("v7");
        c.RemoveImage(Pool, $"volume-{v7.Id}");                        // a delete interrupted before the record went
        c.CreateImage(Pool, "scratch", MiB, ImageOptions.Default);

        var leaks = new HashSet<(LeakKind, string)>
        {
            (LeakKind.OrphanedServerDisk, vm2.RootDisk),
            (LeakKind.UnusedTemporarySnapshot, $"{vm1.RootDisk}@{novaSnap}"),
            (LeakKind.UnusedTemporarySnapshot, $"{v1.RbdImage}@{strayCloneSnap}"),
            (LeakKind.StaleBackupSnapshot, $"{v1.RbdImage}@{failedBackup}"),
            (LeakKind.UnusedProtectedSnapshot, $"{v1.RbdImage}@manual"),
            (LeakKind.DeletedVolumeWithoutClones, $"{Pool}/volume-{v5.Id}.deleted"),
            (LeakKind.OrphanedBackupBase, $"{BackupPool}/{orphanBase}"),
            (LeakKind.RecordWithoutImage, v7.RbdImage),
            (LeakKind.UnaccountedImage, $"{Pool}/scratch"),
        };
        return (leaks, new[] { $"{Pool}/{image.Id}", vm1.RootDisk, v1.RbdImage, v2.RbdImage, v6.RbdImage, $"{BackupPool}/volume-{v1.Id}.backup.base" });
    }

    [Fact]
    public void The_audit_finds_exactly_the_leftovers_and_their_cleanup_leaves_nothing_in_use_touched()
    {
        var (leaks, inUse) = Mess();
        var findings = LeakAudit.Run(_bed.Context);
        Assert.Equal(leaks, findings.Select(f => (f.Kind, f.Spec)).ToHashSet());
        Assert.Equal(leaks.Count, findings.Count);

        var deleted = findings.Single(f => f.Kind == LeakKind.DeletedVolumeWithoutClones);
        string snap = _bed.SnapNames(deleted.Spec).Single();
        Assert.Equal(new[] { $"rbd snap unprotect {deleted.Spec}@{snap}", $"rbd snap rm {deleted.Spec}@{snap}", $"rbd rm {deleted.Spec}" }, deleted.Steps);
        var stale = findings.Single(f => f.Kind == LeakKind.StaleBackupSnapshot);
        Assert.Equal(new[] { $"rbd snap rm {stale.Spec}" }, stale.Steps);

        foreach (var finding in findings) _bed.Run(new LeakCleanup(_bed.Context).Plan(finding));

        Assert.Empty(LeakAudit.Run(_bed.Context));
        Assert.All(inUse, spec => Assert.True(_bed.Exists(spec), spec));
        Assert.Null(_bed.Database.Find<CinderVolume>(findings.Single(f => f.Kind == LeakKind.RecordWithoutImage).RecordId!));
    }

    [Fact]
    public void A_cleanup_that_would_break_a_clone_is_refused()
    {
        Mess();
        var finding = LeakAudit.Run(_bed.Context).Single(f => f.Kind == LeakKind.UnusedProtectedSnapshot);
        var (pool, image, snap) = Split(finding.Spec);
        _bed.Cluster.Clone(pool, image, snap!, Pool, "new-clone", ImageOptions.Default);

        var ex = Assert.Throws<RbdException>(() => new LeakCleanup(_bed.Context).Plan(finding));
        Assert.Equal(("LeakHasClones", RbdErrno.EBUSY), (ex.ErrorId, ex.Errno));
        Assert.Contains($"{Pool}/new-clone", ex.Message);
        Assert.Contains(snap!, _bed.SnapNames($"{pool}/{image}"));
    }

    [Fact]
    public void A_cleanup_that_frees_a_parent_comes_before_the_parent_in_the_findings()
    {
        var c = _bed.Cluster;
        c.CreateImage(Pool, "base", MiB, ImageOptions.Default);
        Snap($"{Pool}/base", "s", protect: true);
        c.Clone(Pool, "base", "s", Pool, "child", ImageOptions.Default);

        var findings = LeakAudit.Run(_bed.Context);

        Assert.Equal(new[] { (LeakKind.UnaccountedImage, $"{Pool}/child"), (LeakKind.UnaccountedImage, $"{Pool}/base") },
            findings.Select(f => (f.Kind, f.Spec)));
        Assert.Equal(new[] { $"rbd snap unprotect {Pool}/base@s", $"rbd snap rm {Pool}/base@s", $"rbd rm {Pool}/base" }, findings[1].Steps);
        foreach (var finding in findings) _bed.Run(new LeakCleanup(_bed.Context).Plan(finding));
        Assert.Empty(c.ListImages(Pool));
    }
}
