using System.Globalization;
using static RbdPowerShell.Engine.OpenStack.OpenStackContext;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// Cinder's Ceph backup driver (seed §4.4, §5.3): backups are snapshots of <c>volume-&lt;id&gt;.backup.base</c> in the
/// backup cluster, filled by export-diff piped into import-diff; a full chunked copy when the diff path fails.
/// </summary>
public static class CinderBackupWorkflows
{
    public static string BaseName(string volumeId) => $"volume-{volumeId}.backup.base";

    /// <summary>The image of a full (non-diff) backup: volume-&lt;volume&gt;.backup.&lt;backup&gt;.</summary>
    public static string FullName(string volumeId, string backupId) => $"volume-{volumeId}.backup.{backupId}";

    /// <summary>backup.&lt;id&gt;.snap.&lt;timestamp&gt;, the snapshots the driver makes (and may remove).</summary>
    public static bool IsBackupSnapshot(string name) => BackupTimestamp(name) is not null;

    private static double? BackupTimestamp(string name)
    {
        int at = name.LastIndexOf(".snap.", StringComparison.Ordinal);
        return name.StartsWith("backup.", StringComparison.Ordinal) && at > 7 &&
               double.TryParse(name[(at + 6)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : null;
    }

    /// <summary>cinder backup-create [--incremental]: diff since the most recent backup snapshot, or full.</summary>
    public static WorkflowPlan<CinderBackup> Backup(OpenStackContext context, string volumeRef, bool incremental = false, string? name = null)
    {
        var volume = context.Volume(volumeRef);
        var source = ImageSpec.Parse(volume.RbdImage, SpecKind.Image);
        string pool = source.Pool, image = source.Image!;
        var backupCluster = context.BackupCluster;
        string backupPool = context.Settings.BackupPool, baseName = BaseName(volume.Id);
        var previous = context.Database.List<CinderBackup>().LastOrDefault(b => b.VolumeId == volume.Id && b.Status == "available");
        if (incremental && previous is null)
            throw new RbdException(RbdErrno.EINVAL, volume.Id,
                $"No backups available to do an incremental backup of volume '{volume.Name}' ({volume.Id}). Make a full backup first (without -Incremental).")
            { ErrorId = "InvalidBackup" };
        if (!backupCluster.ListPools().Contains(backupPool))
            throw new RbdException(RbdErrno.ENOENT, backupPool,
                $"The backup pool '{backupPool}' does not exist on the backup cluster {backupCluster.Location}. Create it with New-RbdPool {backupPool} -Cluster <backup cluster>.")
            { ErrorId = "PoolNotFound" };

        var backup = new CinderBackup
        {
            Id = context.NewId(), Name = name ?? "", VolumeId = volume.Id, ParentId = incremental ? previous!.Id : null,
            IsIncremental = incremental, SizeGB = volume.SizeGB, BackupCluster = backupCluster.Locator, CreatedAt = context.Clock(),
        };
        var plan = new WorkflowPlan<CinderBackup>($"back up volume '{volume.Name}' ({volume.Id})");
        if (context.Settings.UpstreamBehavior)
            return AddUpstreamBackup(plan, context, backup, previous, pool, image, backupCluster, backupPool);
        var sourceSnaps = Snapshots(context.Cluster, pool, image).Where(s => IsBackupSnapshot(s.Name))
            .OrderBy(s => BackupTimestamp(s.Name)).Select(s => s.Name).ToList();
        string? fromSnap = sourceSnaps.LastOrDefault();
        bool baseExists = context.ImageExists(backupCluster, backupPool, baseName);
        bool baseCreated = false;
        if (!baseExists)
        {
            foreach (var stale in sourceSnaps)
                plan.Add(Rbd("-p", pool, "snap", "rm", $"{image}@{stale}") + "   # its base image is gone",
                    () => WithImage(context.Cluster, pool, image, i => i.RemoveSnapshot(stale)));
            fromSnap = null;
            ulong size = Stat(context.Cluster, pool, image).Size;
            plan.Add(Rbd("-p", backupPool, "create", "--size", Size(size), baseName),
                () => { backupCluster.CreateImage(backupPool, baseName, size, ImageOptions.Default); baseCreated = true; },
                Rbd("-p", backupPool, "rm", baseName), () => backupCluster.RemoveImage(backupPool, baseName));
        }
        else if (fromSnap is null || !Snapshots(backupCluster, backupPool, baseName).Any(s => s.Name == fromSnap))
        {
            string why = fromSnap is null
                ? $"volume {image} has no backup snapshot to start from"
                : $"Snapshot='{fromSnap}' does not exist in base image='{baseName}'";
            return AddFullBackup(plan, context, backup, pool, image, backupCluster, backupPool, why);
        }

        string newSnap = AddSourceSnapshot(plan, context, backup, pool, image);
        string method = "Diff";
        plan.AddLong(TransferCommand(pool, image, newSnap, fromSnap, backupPool, baseName), progress =>
        {
            try
            {
                DiffTransfer.Run(context.Cluster, pool, image, newSnap, fromSnap, backupCluster, backupPool, baseName, progress);
            }
            catch (Exception ex) when (ex is RbdException or IOException)
            {
                plan.Warn($"The diff backup of volume '{volume.Name}' failed ({ex.Message}); forcing a full backup.");
                WithImage(context.Cluster, pool, image, i => i.RemoveSnapshot(newSnap));
                if (baseCreated) backupCluster.RemoveImage(backupPool, baseName);
                FullCopy(context, backup, pool, image, backupCluster, backupPool, progress);
                method = "Full";
            }
        }, image: $"{pool}/{image}");
        if (fromSnap is not null)
            plan.Add(Rbd("-p", pool, "snap", "rm", $"{image}@{fromSnap}"), () =>
            {
                if (method == "Diff") WithImage(context.Cluster, pool, image, i => i.RemoveSnapshot(fromSnap));
            });
        return plan.Finish(() => context.Save(method == "Diff"
            ? backup with { BaseImage = $"{backupPool}/{baseName}", SnapshotName = newSnap }
            : backup with { BaseImage = $"{backupPool}/{FullName(volume.Id, backup.Id)}", Method = "Full" }));
    }

    /// <summary>
    /// Today's Cinder (UpstreamBehavior): a full backup gets a base image of its own, volume-&lt;volume&gt;.backup.&lt;backup&gt;,
    /// filled by a diff since the volume's creation; an incremental one goes onto its parent's base, from the parent's
    /// snapshot there. The source keeps every backup snapshot, and a failed transfer fails the backup (no full copy).
    /// </summary>
    private static WorkflowPlan<CinderBackup> AddUpstreamBackup(WorkflowPlan<CinderBackup> plan, OpenStackContext context, CinderBackup backup,
        CinderBackup? parent, string pool, string image, IRbdCluster backupCluster, string backupPool)
    {
        string baseName;
        string? fromSnap = null;
        if (!backup.IsIncremental)
        {
            baseName = FullName(backup.VolumeId, backup.Id);
            ulong size = Stat(context.Cluster, pool, image).Size;
            plan.Add(Rbd("-p", backupPool, "create", "--size", Size(size), baseName),
                () => backupCluster.CreateImage(backupPool, baseName, size, ImageOptions.Default),
                Rbd("-p", backupPool, "rm", baseName), () => backupCluster.RemoveImage(backupPool, baseName));
        }
        else
        {
            var parentBase = ImageSpec.Parse(parent!.BaseImage, SpecKind.Image);
            (backupPool, baseName) = (parentBase.Pool, parentBase.Image!);
            fromSnap = context.ImageExists(backupCluster, backupPool, baseName)
                ? Snapshots(backupCluster, backupPool, baseName).Select(s => s.Name)
                    .FirstOrDefault(s => s.StartsWith($"backup.{parent.Id}.snap.", StringComparison.Ordinal))
                : null;
            if (fromSnap is null)
                throw new RbdException(RbdErrno.ENOENT, backup.VolumeId,
                    $"Can't find snapshot from parent {parent.Id} and base name image {backupPool}/{baseName}: the incremental backup " +
                    "has nothing to start from. Make a full backup (without -Incremental).")
                { ErrorId = "BackupRBDOperationFailed" };
        }
        string newSnap = AddSourceSnapshot(plan, context, backup, pool, image);
        plan.AddLong(TransferCommand(pool, image, newSnap, fromSnap, backupPool, baseName),
            progress => DiffTransfer.Run(context.Cluster, pool, image, newSnap, fromSnap, backupCluster, backupPool, baseName, progress),
            image: $"{pool}/{image}");
        return plan.Finish(() => context.Save(backup with { BaseImage = $"{backupPool}/{baseName}", SnapshotName = newSnap }));
    }

    /// <summary>snap create of the source's backup.&lt;backup&gt;.snap.&lt;time&gt; (undone if a later step fails); returns its name.</summary>
    private static string AddSourceSnapshot(WorkflowPlan<CinderBackup> plan, OpenStackContext context, CinderBackup backup, string pool, string image)
    {
        string snap = context.BackupSnapshotName(backup.Id);
        plan.Add(Rbd("-p", pool, "snap", "create", $"{image}@{snap}"),
            () => WithImage(context.Cluster, pool, image, i => i.CreateSnapshot(snap)),
            Rbd("-p", pool, "snap", "rm", $"{image}@{snap}"),
            () => WithImage(context.Cluster, pool, image, i => i.RemoveSnapshot(snap)));
        return snap;
    }

    /// <summary>_rbd_diff_transfer's pipe: rbd export-diff [--from-snap f] pool/image@snap - | rbd import-diff - backup_pool/base.</summary>
    private static string TransferCommand(string pool, string image, string snap, string? fromSnap, string backupPool, string baseName) =>
        Rbd("export-diff", "--pool", pool, fromSnap is null ? "" : "--from-snap", fromSnap ?? "", $"{pool}/{image}@{snap}", "-") +
        " | " + Rbd("import-diff", "--pool", backupPool, "-", $"{backupPool}/{baseName}");

    private static WorkflowPlan<CinderBackup> AddFullBackup(WorkflowPlan<CinderBackup> plan, OpenStackContext context, CinderBackup backup,
        string pool, string image, IRbdCluster backupCluster, string backupPool, string why)
    {
        string full = FullName(backup.VolumeId, backup.Id);
        plan.Add($"# {why}: forcing a full backup", () => { });
        plan.AddLong($"{Rbd("-p", backupPool, "create", "--size", Size(Stat(context.Cluster, pool, image).Size), full)}; " +
                     $"# then copy {pool}/{image} into it in {Size(context.Settings.BackupCephChunkSize)} chunks",
            progress => FullCopy(context, backup, pool, image, backupCluster, backupPool, progress),
            Rbd("-p", backupPool, "rm", full), () => backupCluster.RemoveImage(backupPool, full), $"{pool}/{image}");
        return plan.Finish(() => context.Save(backup with { BaseImage = $"{backupPool}/{full}", Method = "Full" }));
    }

    private static void FullCopy(OpenStackContext context, CinderBackup backup, string pool, string image,
                                 IRbdCluster backupCluster, string backupPool, ProgressHandler? progress)
    {
        string full = FullName(backup.VolumeId, backup.Id);
        using var from = context.Cluster.OpenImage(pool, image);
        ulong size = from.Stat().Size;
        Undo.CreateAndFill(backupCluster, backupPool, full, () => backupCluster.CreateImage(backupPool, full, size, ImageOptions.Default), () =>
        {
            using var to = backupCluster.OpenImage(backupPool, full);
            ChunkedCopy.Run(from, to, size, context.Settings.BackupCephChunkSize, progress);
        });
    }

    /// <summary>
    /// cinder backup-delete: the backup's snapshot of the base (and the base with its last snapshot), or the full
    /// backup's image; refused while incremental backups depend on it.
    /// </summary>
    public static WorkflowPlan<CinderBackup> Delete(OpenStackContext context, string backupRef)
    {
        var backup = context.Backup(backupRef);
        var dependents = context.Database.List<CinderBackup>().Where(b => b.ParentId == backup.Id).ToList();
        if (dependents.Count > 0)
            throw new RbdException(RbdErrno.EBUSY, backup.Id,
                $"Incremental backups exist for backup {backup.Id}: {string.Join(", ", dependents.Select(d => d.Id))}. Remove them first.")
            { ErrorId = "BackupHasIncrementals" };
        var cluster = context.OpenCluster(backup.BackupCluster);
        var spec = ImageSpec.Parse(backup.BaseImage, SpecKind.Image);
        string pool = spec.Pool, image = spec.Image!;
        var plan = new WorkflowPlan<CinderBackup>($"delete backup {backup.Id}");
        if (context.ImageExists(cluster, pool, image))
        {
            var snaps = Snapshots(cluster, pool, image);
            if (backup.Method == "Diff" && snaps.Any(s => s.Name == backup.SnapshotName))
                plan.Add(Rbd("-p", pool, "snap", "rm", $"{image}@{backup.SnapshotName}"),
                    () => WithImage(cluster, pool, image, i => i.RemoveSnapshot(backup.SnapshotName)));
            if (backup.Method != "Diff" || snaps.All(s => s.Name == backup.SnapshotName))
                plan.Add(Rbd("-p", pool, "rm", image), () => cluster.RemoveImage(pool, image));
        }
        return plan.Finish(() =>
        {
            context.Database.Delete<CinderBackup>(backup.Id);
            return backup with { Status = "deleted" };
        });
    }
}
