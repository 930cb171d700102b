using static RbdPowerShell.Engine.OpenStack.OpenStackContext;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>Nova's libvirt rbd image backend (seed §3, §5.2): boot, direct snapshot, delete.</summary>
public static class NovaWorkflows
{
    /// <summary>The snapshot Nova's resize leaves on a disk (libvirt_utils.RESIZE_SNAPSHOT_NAME).</summary>
    public const string ResizeSnapshotName = "nova-resize";

    public static string DiskName(string serverId) => serverId + "_disk";

    /// <summary>
    /// nova boot: rbd clone glance/&lt;image&gt;@snap nova/&lt;server&gt;_disk when the image is cloneable (seconds, any size),
    /// otherwise a download of the whole image into the disk (slow); then the disk is resized to the flavor's root size.
    /// </summary>
    public static WorkflowPlan<NovaServer> Boot(OpenStackContext context, string name, string imageRef, int? rootGB = null)
    {
        var image = context.Image(imageRef);
        if (image.Status != "active")
            throw new RbdException(RbdErrno.EINVAL, image.Id,
                $"Glance image '{image.Name}' ({image.Id}) is {image.Status}: it has no data to boot from. Upload it or add its location first.")
            { ErrorId = "ImageNotActive" };
        var settings = context.Settings;
        int root = rootGB ?? Math.Max(1, ToGB(image.Size));
        if (root <= 0)
            throw new RbdException(RbdErrno.EINVAL, name, $"The flavor's root disk must be at least 1 GB, not {root}.") { ErrorId = "InvalidRootSize" };
        ulong rootBytes = GiB(root);
        if (settings.UpstreamBehavior && rootBytes < image.Size)
            throw new RbdException(RbdErrno.EINVAL, image.Id,
                $"The flavor's root disk ({root} GB) is smaller than Glance image '{image.Name}' ({Size(image.Size)}). Choose a larger -RootGB.")
            { ErrorId = "FlavorDiskSmallerThanImage" };

        var server = new NovaServer
        {
            Id = context.NewId(), Name = name, ImageId = image.Id, RootGB = root, CreatedAt = context.Clock(),
        };
        string pool = settings.NovaPool, disk = DiskName(server.Id);
        server = server with { RootDisk = $"{pool}/{disk}" };
        var plan = new WorkflowPlan<NovaServer>($"boot server '{name}' from Glance image '{image.Name}'");
        var (diskSize, notCloneable) = RbdSteps.FromGlanceImage(plan, context, image, pool, disk);
        if (rootBytes > diskSize || !settings.UpstreamBehavior) RbdSteps.Resize(plan, context, pool, disk, rootBytes, diskSize);
        return plan.Finish(() => context.Save(server with { BootMethod = notCloneable is null ? "Clone" : "Download" }));
    }

    /// <summary>
    /// nova image-create (direct snapshot): snap + protect the disk, clone it into Glance's pool, flatten it
    /// (the slow part: every object is copied), unprotect + remove the temporary snapshot, snap + protect 'snap'.
    /// </summary>
    public static WorkflowPlan<GlanceImage> Snapshot(OpenStackContext context, string serverRef, string imageName)
    {
        var server = context.Server(serverRef);
        var settings = context.Settings;
        var disk = ImageSpec.Parse(server.RootDisk, SpecKind.Image);
        string novaPool = disk.Pool, diskName = disk.Image!, glancePool = settings.GlancePool;
        string snap = Guid.Parse(context.NewId()).ToString("N");
        var image = new GlanceImage
        {
            Id = context.NewId(), Name = imageName, DiskFormat = "raw", ContainerFormat = "bare", CreatedAt = context.Clock(),
        };
        string id = image.Id;
        var plan = new WorkflowPlan<GlanceImage>($"snapshot server '{server.Name}' as Glance image '{imageName}'");
        plan.Add("# Snapshot the disk and clone it into Glance's storage pool", () => { });
        RbdSteps.SnapAndProtect(plan, context, novaPool, diskName, snap);
        RbdSteps.Clone(plan, context, new ImageSpec(novaPool, diskName, snap), glancePool, id);
        plan.Add("# Flatten the image, which detaches it from the source snapshot", () => { });
        plan.AddLong(Rbd("-p", glancePool, "flatten", id),
            progress => WithImage(context.Cluster, glancePool, id, i => i.Flatten(progress)), image: $"{glancePool}/{id}");
        plan.Add("# all done with the source snapshot, clean it up", () => { });
        plan.Add(Rbd("-p", novaPool, "snap", "unprotect", $"{diskName}@{snap}"),
            () => WithImage(context.Cluster, novaPool, diskName, i => i.UnprotectSnapshot(snap)));
        plan.Add(Rbd("-p", novaPool, "snap", "rm", $"{diskName}@{snap}"),
            () => WithImage(context.Cluster, novaPool, diskName, i => i.RemoveSnapshot(snap)));
        plan.Add("# Makes a protected snapshot called 'snap' on uploaded images and hands it out", () => { });
        RbdSteps.SnapAndProtect(plan, context, glancePool, id, GlanceWorkflows.SnapshotName);
        return plan.Finish(() => context.Save(image with
        {
            Size = Stat(context.Cluster, glancePool, id).Size, Status = "active",
            Location = GlanceLocation.For(context.Cluster.Fsid, glancePool, id, GlanceWorkflows.SnapshotName),
        }));
    }

    /// <summary>
    /// nova delete: every image of Nova's pool whose name starts with the server's UUID is removed, its snapshots
    /// first (seed) or only nova-resize (upstream), retrying a busy image rbd_destroy_volume_retries times; an image
    /// that stays busy is left behind with a warning that names it and what depends on it.
    /// </summary>
    public static WorkflowPlan<NovaServer> Delete(OpenStackContext context, string serverRef)
    {
        var server = context.Server(serverRef);
        var settings = context.Settings;
        string pool = ImageSpec.Parse(server.RootDisk, SpecKind.Image).Pool;
        var plan = new WorkflowPlan<NovaServer>($"delete server '{server.Name}' ({server.Id})");
        var disks = context.Cluster.ListPools().Contains(pool)
            ? context.Cluster.ListImages(pool).Where(i => i.StartsWith(server.Id, StringComparison.Ordinal)).ToList()
            : new List<string>();
        plan.Add($"# for image in $(rbd -p {pool} ls | grep '^{server.Id}'): {(disks.Count == 0 ? "none" : string.Join(" ", disks))}", () => { });
        var warnings = new List<string>();
        foreach (var disk in disks)
        {
            if (!settings.UpstreamBehavior)
                foreach (var snap in Snapshots(context.Cluster, pool, disk))
                {
                    string name = snap.Name;
                    if (snap.Protected)
                        plan.Add(Rbd("-p", pool, "snap", "unprotect", $"{disk}@{name}"),
                            () => Tolerate(() => WithImage(context.Cluster, pool, disk, i => i.UnprotectSnapshot(name))));
                    plan.Add(Rbd("-p", pool, "snap", "rm", $"{disk}@{name}"),
                        () => Tolerate(() => WithImage(context.Cluster, pool, disk, i => i.RemoveSnapshot(name))));
                }
            plan.Add(Rbd("-p", pool, "rm", disk), () =>
            {
                if (DestroyWithRetries(context, pool, disk) is not { } left) return;
                warnings.Add(left);
                plan.Warn($"Server '{server.Name}' ({server.Id}) is deleted, but its disk was left behind: {left}.");
            });
        }
        return plan.Finish(() =>
        {
            context.Database.Delete<NovaServer>(server.Id);
            return server with { Status = warnings.Count == 0 ? "DELETED" : "DELETED (disks left: " + string.Join("; ", warnings) + ")" };
        });
    }

    /// <summary>
    /// rbd_utils._destroy_volume: remove; on ImageHasSnapshots remove nova-resize; on busy wait and retry. Returns
    /// null when removed, otherwise a description of the image left behind.
    /// </summary>
    private static string? DestroyWithRetries(OpenStackContext context, string pool, string disk)
    {
        var settings = context.Settings;
        RbdException? last = null;
        for (int attempt = 0; attempt <= settings.RbdDestroyVolumeRetries; attempt++)
        {
            if (attempt > 0) context.Sleep(TimeSpan.FromSeconds(settings.RbdDestroyVolumeRetryInterval));
            try
            {
                context.Cluster.RemoveImage(pool, disk);
                return null;
            }
            catch (RbdException ex) when (ex.Errno is RbdErrno.ENOTEMPTY or RbdErrno.EBUSY)
            {
                last = ex;
                if (ex.Errno == RbdErrno.ENOTEMPTY)
                    Tolerate(() => WithImage(context.Cluster, pool, disk, i =>
                    {
                        if (i.ListSnapshots().Any(s => s.Name == ResizeSnapshotName)) i.RemoveSnapshot(ResizeSnapshotName);
                    }));
            }
            catch (RbdException ex) when (ex.Errno == RbdErrno.ENOENT)
            {
                return null;
            }
        }
        var dependents = Snapshots(context.Cluster, pool, disk)
            .SelectMany(s => Children(context.Cluster, pool, disk, s.Name)).ToList();
        return $"{pool}/{disk} could not be removed after {settings.RbdDestroyVolumeRetries + 1} attempts ({last!.Message.TrimEnd('.')})" +
               (dependents.Count > 0 ? $"; in the way: {context.Describe(dependents)}" : "");
    }

    /// <summary>Runs a best-effort step: a busy or missing snapshot is left for the retries to report.</summary>
    private static void Tolerate(Action work)
    {
        try { work(); }
        catch (RbdException ex) when (ex.Errno is RbdErrno.EBUSY or RbdErrno.ENOENT or RbdErrno.ENOTEMPTY) { }
    }
}
