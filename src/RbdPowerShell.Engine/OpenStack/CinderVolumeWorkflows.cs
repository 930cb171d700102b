using static RbdPowerShell.Engine.OpenStack.OpenStackContext;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>Cinder's RBD volume driver (seed §4.2, §5.3): create (blank, from snapshot, volume or image) and delete.</summary>
public static class CinderVolumeWorkflows
{
    public const string CloneSnapSuffix = ".clone_snap";

    public static string ImageName(string volumeId) => "volume-" + volumeId;

    /// <summary>cinder create: blank, or from one source (a snapshot, a volume or a Glance image).</summary>
    public static WorkflowPlan<CinderVolume> Create(OpenStackContext context, string name, int? sizeGB = null,
        string? snapshotRef = null, string? sourceVolumeRef = null, string? imageRef = null)
    {
        if (new[] { snapshotRef, sourceVolumeRef, imageRef }.Count(s => s is not null) > 1)
            throw new RbdException(RbdErrno.EINVAL, name, "Give at most one of -Snapshot, -SourceVolume and -Image.") { ErrorId = "InvalidVolumeSource" };
        if (sizeGB is <= 0)
            throw new RbdException(RbdErrno.EINVAL, name, $"-SizeGB must be at least 1, not {sizeGB}.") { ErrorId = "InvalidVolumeSize" };
        var volume = new CinderVolume { Id = context.NewId(), Name = name, CreatedAt = context.Clock() };
        string pool = context.Settings.CinderPool, image = ImageName(volume.Id);
        volume = volume with { RbdImage = $"{pool}/{image}" };

        if (snapshotRef is not null) return FromSnapshot(context, volume, pool, image, sizeGB, context.Snapshot(snapshotRef));
        if (sourceVolumeRef is not null) return FromVolume(context, volume, pool, image, sizeGB, context.Volume(sourceVolumeRef));
        if (imageRef is not null) return FromImage(context, volume, pool, image, sizeGB, context.Image(imageRef));

        int size = sizeGB ?? 1;
        var plan = new WorkflowPlan<CinderVolume>($"create blank volume '{name}' ({size} GB)");
        plan.Add(Rbd("-p", pool, "create", "--new-format", "--size", Size(GiB(size)), image),
            () => context.Cluster.CreateImage(pool, image, GiB(size), ImageOptions.Default));
        return plan.Finish(() => context.Save(volume with { SizeGB = size }));
    }

    private static WorkflowPlan<CinderVolume> FromSnapshot(OpenStackContext context, CinderVolume volume, string pool, string image,
                                                           int? sizeGB, CinderSnapshot snapshot)
    {
        int size = AtLeast(sizeGB ?? snapshot.SizeGB, snapshot.SizeGB, $"snapshot '{snapshot.Name}' ({snapshot.Id})", volume.Name);
        var source = ImageSpec.Parse(snapshot.RbdSnapshot, SpecKind.Snapshot);
        var plan = new WorkflowPlan<CinderVolume>($"create volume '{volume.Name}' from snapshot '{snapshot.Name}'");
        RbdSteps.Clone(plan, context, source, pool, image);
        if (context.Settings.RbdFlattenVolumeFromSnapshot) RbdSteps.Flatten(plan, context, pool, image);
        RbdSteps.Resize(plan, context, pool, image, GiB(size), GiB(snapshot.SizeGB));
        return plan.Finish(() => context.Save(volume with { SizeGB = size, SnapshotId = snapshot.Id }));
    }

    private static WorkflowPlan<CinderVolume> FromVolume(OpenStackContext context, CinderVolume volume, string pool, string image,
                                                         int? sizeGB, CinderVolume sourceVolume)
    {
        var settings = context.Settings;
        int size = AtLeast(sizeGB ?? sourceVolume.SizeGB, sourceVolume.SizeGB, $"volume '{sourceVolume.Name}' ({sourceVolume.Id})", volume.Name);
        var source = ImageSpec.Parse(sourceVolume.RbdImage, SpecKind.Image);
        var plan = new WorkflowPlan<CinderVolume>($"create volume '{volume.Name}' from volume '{sourceVolume.Name}'");
        if (settings.RbdMaxCloneDepth <= 0)
        {
            plan.Add($"# Do full copy if rbd_max_clone_depth <= 0 ({settings.RbdMaxCloneDepth})", () => { });
            plan.AddLong(Rbd("copy", source.ToString(), $"{pool}/{image}"),
                progress => ImageCopy.Run(context.Cluster, source.Pool, source.Image!, null, context.Cluster, pool, image, progress),
                Rbd("rm", $"{pool}/{image}"), () => context.Cluster.RemoveImage(pool, image), $"{pool}/{image}");
        }
        else
        {
            string cloneSnap = image + CloneSnapSuffix;
            var snapSpec = source with { Snapshot = cloneSnap };
            plan.Add("# Otherwise do COW clone. Create new snapshot of source volume", () => { });
            RbdSteps.SnapAndProtect(plan, context, source.Pool, source.Image!, cloneSnap);
            plan.Add("# Now clone source volume snapshot", () => { });
            RbdSteps.Clone(plan, context, snapSpec, pool, image);
            int depth = CloneDepth(context, source.Pool, source.Image!) + 1;
            if (depth >= settings.RbdMaxCloneDepth)
            {
                plan.Add($"# clone depth {depth} reached rbd_max_clone_depth {settings.RbdMaxCloneDepth}: flatten the new volume", () => { });
                RbdSteps.Flatten(plan, context, pool, image);
                plan.Add("# remove temporary snap", () => { });
                RbdSteps.UnprotectAndRemove(plan, context, snapSpec);
            }
        }
        RbdSteps.Resize(plan, context, pool, image, GiB(size), GiB(sourceVolume.SizeGB));
        return plan.Finish(() => context.Save(volume with { SizeGB = size, SourceVolumeId = sourceVolume.Id }));
    }

    private static WorkflowPlan<CinderVolume> FromImage(OpenStackContext context, CinderVolume volume, string pool, string image,
                                                        int? sizeGB, GlanceImage glanceImage)
    {
        int imageGB = Math.Max(1, ToGB(glanceImage.Size));
        int size = AtLeast(sizeGB ?? imageGB, imageGB, $"Glance image '{glanceImage.Name}' ({glanceImage.Id})", volume.Name);
        var plan = new WorkflowPlan<CinderVolume>($"create volume '{volume.Name}' from Glance image '{glanceImage.Name}'");
        var (current, _) = RbdSteps.FromGlanceImage(plan, context, glanceImage, pool, image);
        if (GiB(size) > current) RbdSteps.Resize(plan, context, pool, image, GiB(size), current);
        return plan.Finish(() => context.Save(volume with { SizeGB = size, ImageId = glanceImage.Id }));
    }

    /// <summary>
    /// cinder delete, as the RBD driver's delete_volume does it: refused while Cinder snapshots of it exist
    /// (VolumeHasSnapshots) or while it has rbd snapshots Cinder does not manage (VolumeIsBusy, naming them); its
    /// backup.* snapshots go first. A volume that has a *.clone_snap (volumes were cloned from it) cannot be removed,
    /// so it is renamed volume-&lt;id&gt;.deleted and kept, silently, until its last clone is deleted. Otherwise the image
    /// is removed and, when it was a clone of its source's volume-&lt;id&gt;.clone_snap, that snapshot too, and then a
    /// parent left as *.deleted with no snapshots, up the chain.
    /// </summary>
    public static WorkflowPlan<CinderVolume> Delete(OpenStackContext context, string volumeRef)
    {
        var volume = context.Volume(volumeRef);
        var spec = ImageSpec.Parse(volume.RbdImage, SpecKind.Image);
        string pool = spec.Pool, image = spec.Image!;
        var snapshots = context.Database.List<CinderSnapshot>().Where(s => s.VolumeId == volume.Id).ToList();
        if (snapshots.Count > 0)
            throw new RbdException(RbdErrno.EBUSY, volume.Id,
                $"Volume '{volume.Name}' ({volume.Id}) still has {snapshots.Count} dependent snapshot(s): " +
                $"{string.Join(", ", snapshots.Select(s => $"'{s.Name}' ({s.Id})"))}. Remove them with Remove-CinderSnapshot first.")
            { ErrorId = "VolumeHasSnapshots" };
        var plan = new WorkflowPlan<CinderVolume>($"delete volume '{volume.Name}' ({volume.Id})");
        string? keptAs = null;
        if (context.ImageExists(context.Cluster, pool, image))
        {
            var snaps = Snapshots(context.Cluster, pool, image);
            var foreign = snaps.Where(s => !CinderBackupWorkflows.IsBackupSnapshot(s.Name) && !IsCloneSnap(s.Name)).ToList();
            var settings = context.Settings;
            if (foreign.Count > 0 && !settings.CinderFlattenOnDelete)
            {
                var clones = foreign.SelectMany(s => Children(context.Cluster, pool, image, s.Name)).ToList();
                throw new RbdException(RbdErrno.EBUSY, volume.Id,
                    $"Volume '{volume.Name}' ({volume.Id}) is busy: its image {spec} has snapshots Cinder does not manage " +
                    $"({string.Join(", ", foreign.Select(s => s.Name))}){(clones.Count > 0 ? $", cloned by {context.Describe(clones)}" : "")}. " +
                    "Remove them (and their clones) first.")
                { ErrorId = "VolumeIsBusy" };
            }
            foreach (var snap in snaps.Where(s => CinderBackupWorkflows.IsBackupSnapshot(s.Name)))
                RbdSteps.UnprotectAndRemove(plan, context, spec with { Snapshot = snap.Name }, snap.Protected);
            if (snaps.FirstOrDefault(s => IsCloneSnap(s.Name)) is { } cloneSnap)
            {
                keptAs = $"{pool}/{image}.deleted";
                var clones = Children(context.Cluster, pool, image, cloneSnap.Name);
                plan.Add($"# {image} has copy-on-write clones ({(clones.Count == 0 ? "none left" : context.Describe(clones))}): " +
                         $"keep it as a silent {image}.deleted until they are deleted", () => { });
                plan.Add(Rbd("mv", $"{pool}/{image}", keptAs), () => context.Cluster.RenameImage(pool, image, image + ".deleted"));
            }
            else if (settings.CinderFlattenOnDelete)
                AddTodaysRemove(plan, context, pool, image, foreign);
            else if (settings.EnableDeferredDeletion)
                RbdSteps.MoveToTrash(plan, context, pool, image, TimeSpan.FromSeconds(settings.DeferredDeletionDelay),
                    "enable_deferred_deletion: the parent's clone_snap stays while the volume is in the trash");
            else
            {
                plan.Add(Rbd("-p", pool, "rm", image), () => context.Cluster.RemoveImage(pool, image));
                AddParentRefsCleanup(plan, context, CloneParent(context, pool, image, null));
            }
        }
        return plan.Finish(() =>
        {
            context.Database.Delete<CinderVolume>(volume.Id);
            if (keptAs is not null)
                plan.Warn($"Volume '{volume.Name}' ({volume.Id}) is deleted; its data stays in {keptAs} until the volumes cloned from it are deleted.");
            return volume with { Status = "deleted" };
        });
    }

    /// <summary>
    /// Today's _delete_volume (CinderFlattenOnDelete) after its clone_snap check: rbd rm, the fast path, which returns
    /// without _delete_clone_parent_refs (the parent's clone_snap stays). An image with snapshots left cannot be
    /// removed: the clones of its snapshots are flattened (_flatten_children), rbd rm still finds the snapshots, and
    /// the image goes to the trash (deferred_deletion_delay only when enable_deferred_deletion).
    /// </summary>
    private static void AddTodaysRemove<T>(WorkflowPlan<T> plan, OpenStackContext context, string pool, string image,
                                           IReadOnlyList<SnapshotInfo> snapshots)
    {
        var settings = context.Settings;
        if (snapshots.Count == 0)
        {
            string parentNote = CloneParent(context, pool, image, null) is { } parent ? $"; {parent} stays (no _delete_clone_parent_refs after it)" : "";
            plan.Add(Rbd("-p", pool, "rm", image) + $"   # the fast path{parentNote}", () => context.Cluster.RemoveImage(pool, image));
            return;
        }
        plan.Add($"# rbd rm fails: {image} has snapshots ({string.Join(", ", snapshots.Select(s => s.Name))}); " +
                 "flatten the clones of them (rbd_concurrent_flatten_operations at a time)", () => { });
        RbdSteps.FlattenChildren(plan, context, $"{pool}/{image}",
            snapshots.SelectMany(s => Children(context.Cluster, pool, image, s.Name)).ToList());
        var delay = settings.EnableDeferredDeletion ? TimeSpan.FromSeconds(settings.DeferredDeletionDelay) : TimeSpan.Zero;
        RbdSteps.MoveToTrash(plan, context, pool, image, delay, "rbd rm still finds snapshots: trash it instead");
        if (CloneParent(context, pool, image, null) is { } source)
            plan.Add($"# {image} stays a clone of {source} in the trash: today's _delete_clone_parent_refs fails there " +
                     "(the snapshot is busy), so it is kept until the trash is purged", () => { });
    }

    private static bool IsCloneSnap(string snapshot) => snapshot.EndsWith(CloneSnapSuffix, StringComparison.Ordinal);

    /// <summary>
    /// _get_clone_info: the parent snapshot of the image (or of one of its snapshots) when it is the source's
    /// &lt;image&gt;.clone_snap, i.e. when Cinder cloned this volume from a volume; null otherwise.
    /// </summary>
    private static ImageSpec? CloneParent(OpenStackContext context, string pool, string image, string? atSnapshot)
    {
        using var handle = context.Cluster.OpenImage(pool, image, atSnapshot);
        string name = image.EndsWith(".deleted", StringComparison.Ordinal) ? image[..^".deleted".Length] : image;
        return handle.Stat().Parent is { } parent && parent.Snapshot == name + CloneSnapSuffix
            ? new ImageSpec(parent.Pool, parent.Image, parent.Snapshot) : null;
    }

    /// <summary>
    /// _delete_clone_parent_refs: the parent's clone_snap goes; a parent that Cinder already deleted (*.deleted) and
    /// has no snapshot left goes too, and so on up to its own parent.
    /// </summary>
    private static void AddParentRefsCleanup<T>(WorkflowPlan<T> plan, OpenStackContext context, ImageSpec? parentSnap)
    {
        for (var current = parentSnap; current is not null;)
        {
            string pool = current.Pool, image = current.Image!, snap = current.Snapshot!;
            var grandparent = CloneParent(context, pool, image, snap);
            bool hasOtherSnaps = Snapshots(context.Cluster, pool, image).Any(s => s.Name != snap);
            plan.Add($"# {image} was the source of this clone: remove its {snap}", () => { });
            RbdSteps.UnprotectAndRemove(plan, context, current);
            if (hasOtherSnaps || !image.EndsWith(".deleted", StringComparison.Ordinal)) return;
            plan.Add(Rbd("-p", pool, "rm", image) + "   # deleted in Cinder, and nothing depends on it any more",
                () => context.Cluster.RemoveImage(pool, image));
            current = grandparent;
        }
    }

    /// <summary>
    /// Cinder's _get_clone_depth: how many parents the image has (seed), or only those reached through
    /// *.clone_snap snapshots (upstream).
    /// </summary>
    public static int CloneDepth(OpenStackContext context, string pool, string image)
    {
        int depth = 0;
        for (var info = Stat(context.Cluster, pool, image); info.Parent is { } parent; info = Stat(context.Cluster, parent.Pool, parent.Image))
        {
            if (context.Settings.UpstreamBehavior && !parent.Snapshot.EndsWith(CloneSnapSuffix, StringComparison.Ordinal)) break;
            depth++;
        }
        return depth;
    }

    private static int AtLeast(int size, int minimum, string source, string name) =>
        size >= minimum ? size : throw new RbdException(RbdErrno.EINVAL, name,
            $"A volume made from {source} needs at least {minimum} GB, not {size}.") { ErrorId = "VolumeSizeTooSmall" };
}
