using System.Security.Cryptography;
using static RbdPowerShell.Engine.OpenStack.OpenStackContext;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>Glance's rbd store (seed §2, §5.1): upload, fast-path location, delete.</summary>
public static class GlanceWorkflows
{
    public const string SnapshotName = "snap";

    /// <summary>
    /// glance image-create [+ upload]: without a file, a queued record (the fast path's first step); with one,
    /// rbd create (objects of rbd_store_chunk_size), the data chunk by chunk with its MD5 (several writes in flight),
    /// snap create + protect.
    /// </summary>
    public static WorkflowPlan<GlanceImage> Upload(OpenStackContext context, string name, string? file,
                                                   string diskFormat = "raw", string containerFormat = "bare")
    {
        var settings = context.Settings;
        var record = new GlanceImage
        {
            Id = context.NewId(), Name = name, DiskFormat = diskFormat, ContainerFormat = containerFormat,
            CreatedAt = context.Clock(),
        };
        var plan = new WorkflowPlan<GlanceImage>($"create Glance image '{name}'");
        plan.Add($"# glance image-create --name {RbdCommandLine.Arg(name)} --disk-format {diskFormat} --container-format {containerFormat}  (id {record.Id})", () => { });
        if (file is null) return plan.Finish(() => context.Save(record));

        var info = new FileInfo(file);
        if (!info.Exists) throw new FileNotFoundException($"The file '{file}' does not exist.", file);
        ulong size = (ulong)info.Length;
        string pool = settings.GlancePool, id = record.Id;
        int order = System.Numerics.BitOperations.Log2(settings.RbdStoreChunkSize);
        string checksum = "";

        plan.Add(Rbd("-p", pool, "create", "--size", Size(size), "--object-size", Size(settings.RbdStoreChunkSize), id),
            () => context.Cluster.CreateImage(pool, id, size, new ImageOptions { Order = order }),
            Rbd("-p", pool, "rm", id), () => context.Cluster.RemoveImage(pool, id));
        plan.AddLong($"# write {file} into {pool}/{id} in {Size(settings.RbdStoreChunkSize)} chunks, computing its MD5" +
                     (settings.RbdThinProvisioning ? " (all-zero chunks skipped: rbd_thin_provisioning)" : ""),
            progress => checksum = WriteChunks(context, file, pool, id, progress), image: $"{pool}/{id}");
        RbdSteps.SnapAndProtect(plan, context, pool, id, SnapshotName);
        return plan.Finish(() => context.Save(record with
        {
            Size = size, Checksum = checksum, Status = "active",
            Location = GlanceLocation.For(context.Cluster.Fsid, pool, id, SnapshotName),
        }));
    }

    /// <summary>glance location-add: the fast path's last step after rbd import + snap create + protect.</summary>
    public static WorkflowPlan<GlanceImage> AddLocation(OpenStackContext context, string imageRef, string url)
    {
        var image = context.Image(imageRef);
        var location = GlanceLocation.Parse(url, context.Settings.GlancePool);
        if (image.Location is not null)
            throw new RbdException(RbdErrno.EEXIST, image.Id,
                $"Glance image '{image.Name}' ({image.Id}) already has the location {image.Location}.") { ErrorId = "LocationExists" };
        ulong size = image.Size;
        bool local = location.IsOn(context.Cluster);
        if (local)
        {
            if (!context.ImageExists(context.Cluster, location.Pool, location.Image) ||
                (location.Snapshot is not null && !Snapshots(context.Cluster, location.Pool, location.Image).Any(s => s.Name == location.Snapshot)))
                throw new RbdException(RbdErrno.ENOENT, url,
                    $"The location {url} does not exist on this cluster: import the image and create its snapshot first " +
                    $"(Import-RbdImage file {location.Pool}/{location.Image}; New-RbdSnapshot and Protect-RbdSnapshot {location.Pool}/{location.Image}@snap).")
                { ErrorId = "InvalidLocation" };
            size = Stat(context.Cluster, location.Pool, location.Image).Size;
        }
        var plan = new WorkflowPlan<GlanceImage>($"add the location {url} to Glance image '{image.Name}'");
        plan.Add($"# glance location-add --url {url} {image.Id}", () => { });
        return plan.Finish(() => context.Save(image with { Location = url, Size = size, Status = "active" }));
    }

    /// <summary>
    /// glance image-delete: snap unprotect, snap rm, rm; refused (InUseByStore) while clones of it exist. An image
    /// with other snapshots fails rbd rm (ImageHasSnapshots), or with GlanceTrashOnDelete (today's glance_store
    /// _delete_image) goes to the rbd trash instead.
    /// </summary>
    public static WorkflowPlan<GlanceImage> Delete(OpenStackContext context, string imageRef)
    {
        var image = context.Image(imageRef);
        var plan = new WorkflowPlan<GlanceImage>($"delete Glance image '{image.Name}' ({image.Id})");
        plan.Add($"# glance image-delete {image.Id}", () => { });
        GlanceLocation? location = image.Location is null ? null : GlanceLocation.Parse(image.Location, context.Settings.GlancePool);
        bool local = location is not null && location.IsOn(context.Cluster);
        if (local && context.ImageExists(context.Cluster, location!.Pool, location.Image))
        {
            string pool = location.Pool, id = location.Image;
            var snaps = Snapshots(context.Cluster, pool, id);
            if (location.Snapshot is { } snap && snaps.FirstOrDefault(s => s.Name == snap) is { } info)
            {
                var children = Children(context.Cluster, pool, id, snap);
                if (children.Count > 0)
                    throw context.Busy("InUseByStore", image.Id, $"Glance image '{image.Name}' ({image.Id})", children,
                        $"{pool}/{id}@{snap}", "Delete those servers and volumes (or flatten them) first.");
                if (info.Protected)
                    plan.Add(Rbd("-p", pool, "snap", "unprotect", $"{id}@{snap}"),
                        () => WithImage(context.Cluster, pool, id, i => i.UnprotectSnapshot(snap)),
                        Rbd("-p", pool, "snap", "protect", $"{id}@{snap}"),
                        () => WithImage(context.Cluster, pool, id, i => i.ProtectSnapshot(snap)));
                plan.Add(Rbd("-p", pool, "snap", "rm", $"{id}@{snap}"),
                    () => WithImage(context.Cluster, pool, id, i => i.RemoveSnapshot(snap)));
            }
            var left = snaps.Where(s => s.Name != location.Snapshot).Select(s => s.Name).ToList();
            if (left.Count > 0 && context.Settings.GlanceTrashOnDelete)
                RbdSteps.MoveToTrash(plan, context, pool, id, TimeSpan.Zero,
                    $"rbd rm fails, it has snapshot(s) left ({string.Join(", ", left)}): trash it instead");
            else
                plan.Add(Rbd("-p", pool, "rm", id), () => context.Cluster.RemoveImage(pool, id));
        }
        return plan.Finish(() =>
        {
            context.Database.Delete<GlanceImage>(image.Id);
            return image with { Status = "deleted" };
        });
    }

    private static string WriteChunks(OpenStackContext context, string file, string pool, string id, ProgressHandler? progress)
    {
        int chunk = (int)context.Settings.RbdStoreChunkSize;
        bool thin = context.Settings.RbdThinProvisioning;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using var image = context.Cluster.OpenImage(pool, id);
        using var pipeline = new IoPipeline(chunk);
        ulong total = (ulong)input.Length, offset = 0;
        while (true)
        {
            var buffer = pipeline.Rent();
            int n = input.ReadAtLeast(buffer.AsSpan(0, chunk), chunk, throwOnEndOfStream: false);
            if (n == 0) break;
            var data = buffer.AsMemory(0, n);
            md5.AppendData(data.Span);
            if (!thin || data.Span.ContainsAnyExcept((byte)0)) pipeline.Write(image, offset, data);
            pipeline.Release(buffer);
            offset += (ulong)n;
            progress?.Invoke(offset, total);
        }
        pipeline.Finish();
        return Convert.ToHexString(md5.GetHashAndReset()).ToLowerInvariant();
    }
}
