using static RbdPowerShell.Engine.OpenStack.OpenStackContext;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// cinder backup-restore (seed §4.5, §5.3): a diff restore (export-diff of the base's restore point piped into
/// import-diff, then a resize) only when the base image and the restore point exist, the target is RBD, is empty
/// and is not the backup's own source volume; otherwise a full chunked copy. Without a target volume a new empty
/// one is created, so the fast path is taken.
/// </summary>
public static class CinderRestoreWorkflow
{
    public static WorkflowPlan<CinderBackupRestore> Restore(OpenStackContext context, string backupRef, string? volumeRef = null)
    {
        var backup = context.Backup(backupRef);
        var backupCluster = context.OpenCluster(backup.BackupCluster);
        var source = ImageSpec.Parse(backup.BaseImage, SpecKind.Image);
        bool isNew = volumeRef is null;
        var target = isNew
            ? new CinderVolume { Id = context.NewId(), Name = $"restore_backup_{backup.Id}", SizeGB = backup.SizeGB, CreatedAt = context.Clock() }
            : context.Volume(volumeRef!);
        string pool = isNew ? context.Settings.CinderPool : ImageSpec.Parse(target.RbdImage, SpecKind.Image).Pool;
        string image = isNew ? CinderVolumeWorkflows.ImageName(target.Id) : ImageSpec.Parse(target.RbdImage, SpecKind.Image).Image!;
        if (isNew) target = target with { RbdImage = $"{pool}/{image}" };
        if (target.SizeGB < backup.SizeGB)
            throw new RbdException(RbdErrno.EINVAL, target.Id,
                $"Volume '{target.Name}' ({target.SizeGB} GB) is smaller than backup {backup.Id} ({backup.SizeGB} GB).")
            { ErrorId = "VolumeSizeTooSmall" };

        var plan = new WorkflowPlan<CinderBackupRestore>($"restore backup {backup.Id} into volume '{target.Name}'");
        if (isNew)
            plan.Add(Rbd("-p", pool, "create", "--new-format", "--size", Size(GiB(target.SizeGB)), image),
                () => context.Cluster.CreateImage(pool, image, GiB(target.SizeGB), ImageOptions.Default),
                Rbd("-p", pool, "rm", image), () => context.Cluster.RemoveImage(pool, image));

        string? whyFull = WhyNotDiff(context, backup, backupCluster, source, target, isNew, pool, image);
        string restorePoint = backup.SnapshotName;
        ulong sourceSize = 0;
        if (whyFull is null)
        {
            string export = Rbd("export-diff", "--pool", source.Pool, $"{source}@{restorePoint}", "-");
            plan.AddLong($"{export} | {Rbd("import-diff", "--pool", pool, "-", $"{pool}/{image}")}",
                progress => DiffTransfer.Run(backupCluster, source.Pool, source.Image!, restorePoint, null, context.Cluster, pool, image, progress),
                image: $"{pool}/{image}");
            sourceSize = SnapshotSize(backupCluster, source, restorePoint);
        }
        else
        {
            string? snap = backup.Method == "Diff" ? restorePoint : null;
            string from = snap is null ? source.ToString() : $"{source}@{snap}";
            plan.AddLong($"# full restore ({whyFull}): copy {from} into {pool}/{image} in {Size(context.Settings.BackupCephChunkSize)} chunks",
                progress => FullCopy(context, backupCluster, source, snap, pool, image, progress), image: $"{pool}/{image}");
            sourceSize = snap is null ? Stat(backupCluster, source.Pool, source.Image!).Size : SnapshotSize(backupCluster, source, snap);
        }
        ulong targetSize = GiB(target.SizeGB);
        if (targetSize != sourceSize)
            plan.AddLong(Rbd("-p", pool, "resize", "--size", Size(targetSize), image),
                progress => WithImage(context.Cluster, pool, image, i =>
                {
                    if (i.Stat().Size != targetSize) i.Resize(targetSize, progress);
                }), image: $"{pool}/{image}");
        return plan.Finish(() =>
        {
            if (isNew) context.Save(target);
            return new CinderBackupRestore(backup.Id, target.Id, whyFull is null ? "Diff" : "Full",
                whyFull ?? "the base image and the restore point exist and the target is an empty RBD volume");
        });
    }

    /// <summary>_diff_restore_allowed: null when a diff restore is allowed, otherwise the condition that fails.</summary>
    private static string? WhyNotDiff(OpenStackContext context, CinderBackup backup, IRbdCluster backupCluster, ImageSpec source,
                                      CinderVolume target, bool isNew, string pool, string image)
    {
        if (backup.Method != "Diff")
            return $"backup {backup.Id} is a full copy ({source}), not a snapshot of a base image";
        if (!context.ImageExists(backupCluster, source.Pool, source.Image!))
            return $"the base image {source} does not exist";
        if (!Snapshots(backupCluster, source.Pool, source.Image!).Any(s => s.Name == backup.SnapshotName))
            return $"the restore point {source}@{backup.SnapshotName} does not exist";
        if (target.Id == backup.VolumeId)
            return $"volume '{target.Name}' is the backup's own source volume";
        if (!isNew && HasExtents(context.Cluster, pool, image))
            return $"volume '{target.Name}' is not empty";
        return null;
    }

    /// <summary>_rbd_has_extents: any data at all, the parent's included (diff_iterate from the start).</summary>
    private static bool HasExtents(IRbdCluster cluster, string pool, string image)
    {
        using var handle = cluster.OpenImage(pool, image);
        bool any = false;
        handle.DiffIterate(null, 0, handle.Stat().Size, includeParent: true, wholeObject: true, (_, _, exists) => any |= exists);
        return any;
    }

    private static ulong SnapshotSize(IRbdCluster cluster, ImageSpec image, string snapshot) =>
        Snapshots(cluster, image.Pool, image.Image!).FirstOrDefault(s => s.Name == snapshot)?.Size ?? 0;

    private static void FullCopy(OpenStackContext context, IRbdCluster backupCluster, ImageSpec source, string? snapshot,
                                 string pool, string image, ProgressHandler? progress)
    {
        using var from = backupCluster.OpenImage(source.Pool, source.Image!, snapshot);
        ulong size = from.Stat().Size;
        context.Cluster.Grouped(() =>
        {
            using var to = context.Cluster.OpenImage(pool, image);
            if (to.Stat().Size < size) to.Resize(size);
            ChunkedCopy.Run(from, to, size, context.Settings.BackupCephChunkSize, progress);
        });
    }
}
