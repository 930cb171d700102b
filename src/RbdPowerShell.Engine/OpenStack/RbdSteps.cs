using static RbdPowerShell.Engine.OpenStack.OpenStackContext;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// The rbd steps the Glance, Nova and Cinder workflows share, each with its command line, its engine call and (where
/// a later failure must take it back) its undo.
/// </summary>
internal static class RbdSteps
{
    /// <summary>snap create + snap protect of <c>pool/image@snap</c>, each undone if a later step fails.</summary>
    public static void SnapAndProtect<T>(WorkflowPlan<T> plan, OpenStackContext context, string pool, string image, string snapshot)
    {
        plan.Add(Rbd("-p", pool, "snap", "create", $"{image}@{snapshot}"),
            () => WithImage(context.Cluster, pool, image, i => i.CreateSnapshot(snapshot)),
            Rbd("-p", pool, "snap", "rm", $"{image}@{snapshot}"),
            () => WithImage(context.Cluster, pool, image, i => i.RemoveSnapshot(snapshot)));
        plan.Add(Rbd("-p", pool, "snap", "protect", $"{image}@{snapshot}"),
            () => WithImage(context.Cluster, pool, image, i => i.ProtectSnapshot(snapshot)),
            Rbd("-p", pool, "snap", "unprotect", $"{image}@{snapshot}"),
            () => WithImage(context.Cluster, pool, image, i => i.UnprotectSnapshot(snapshot)));
    }

    /// <summary>snap unprotect (when protected, undone by protect) + snap rm of <paramref name="snapshot"/>.</summary>
    public static void UnprotectAndRemove<T>(WorkflowPlan<T> plan, OpenStackContext context, ImageSpec snapshot, bool isProtected = true)
    {
        string pool = snapshot.Pool, image = snapshot.Image!, snap = snapshot.Snapshot!;
        if (isProtected)
            plan.Add(Rbd("snap", "unprotect", snapshot.ToString()),
                () => WithImage(context.Cluster, pool, image, i => i.UnprotectSnapshot(snap)),
                Rbd("snap", "protect", snapshot.ToString()),
                () => WithImage(context.Cluster, pool, image, i => i.ProtectSnapshot(snap)));
        plan.Add(Rbd("snap", "rm", snapshot.ToString()),
            () => WithImage(context.Cluster, pool, image, i => i.RemoveSnapshot(snap)));
    }

    /// <summary>rbd clone of a protected snapshot into pool/image, removed again if a later step fails.</summary>
    public static void Clone<T>(WorkflowPlan<T> plan, OpenStackContext context, ImageSpec source, string pool, string image) =>
        plan.Add(Rbd("clone", source.ToString(), $"{pool}/{image}"),
            () => context.Cluster.Clone(source.Pool, source.Image!, source.Snapshot!, pool, image, ImageOptions.Default),
            Rbd("rm", $"{pool}/{image}"), () => context.Cluster.RemoveImage(pool, image));

    public static void Flatten<T>(WorkflowPlan<T> plan, OpenStackContext context, string pool, string image) =>
        plan.AddLong(Rbd("flatten", $"{pool}/{image}"),
            progress => WithImage(context.Cluster, pool, image, i => i.Flatten(progress)), image: $"{pool}/{image}");

    /// <summary>
    /// rbd trash mv of pool/image, kept from removal for <paramref name="delay"/> (--expires-at when more than none);
    /// <paramref name="why"/> follows as a comment.
    /// </summary>
    public static void MoveToTrash<T>(WorkflowPlan<T> plan, OpenStackContext context, string pool, string image, TimeSpan delay, string why) =>
        plan.Add(Rbd("-p", pool, "trash", "mv", image) +
                 (delay > TimeSpan.Zero ? $" --expires-at '{DateTime.UtcNow + delay:yyyy-MM-dd HH:mm:ss} UTC'" : "") + $"   # {why}",
            () => context.Cluster.MoveToTrash(pool, image, delay));

    /// <summary>
    /// Cinder's _flatten_children: rbd flatten of every clone of <paramref name="of"/> (an image: the clones of all of
    /// its snapshots, as rbd children lists them), one after the other.
    /// </summary>
    public static void FlattenChildren<T>(WorkflowPlan<T> plan, OpenStackContext context, string of, IReadOnlyList<ChildSpec> children)
    {
        plan.Add($"# {Rbd("children", of)}: {(children.Count == 0 ? "none" : context.Describe(children))}", () => { });
        foreach (var child in children) Flatten(plan, context, child.Pool, child.Image);
    }

    /// <summary>rbd resize to <paramref name="size"/> bytes (--allow-shrink when smaller than <paramref name="current"/>); nothing when equal.</summary>
    public static void Resize<T>(WorkflowPlan<T> plan, OpenStackContext context, string pool, string image, ulong size, ulong current)
    {
        if (size == current) return;
        plan.AddLong(Rbd("resize", "--size", Size(size), size < current ? "--allow-shrink" : "", $"{pool}/{image}"),
            progress => WithImage(context.Cluster, pool, image, i => i.Resize(size, progress)), image: $"{pool}/{image}");
    }

    /// <summary>
    /// Nova's and Cinder's image to disk: rbd clone of the Glance image's snapshot when it is cloneable, otherwise a
    /// download of all of it. Returns the new image's size and why it was not cloned (null when it was).
    /// </summary>
    public static (ulong Size, string? NotCloneable) FromGlanceImage<T>(WorkflowPlan<T> plan, OpenStackContext context,
                                                                        GlanceImage glanceImage, string pool, string image)
    {
        string? notCloneable = GlanceLocation.WhyNotCloneable(context, glanceImage, out var location);
        if (notCloneable is not null) return (Download(plan, context, glanceImage, location, notCloneable, pool, image), notCloneable);
        Clone(plan, context, new ImageSpec(location!.Pool, location.Image, location.Snapshot), pool, image);
        return (glanceImage.Size, null);
    }

    /// <summary>
    /// The slow path of Nova and Cinder for an image they cannot clone: the whole Glance image is downloaded and
    /// written into a new pool/image (rbd import's object size). Returns the size of the new image.
    /// </summary>
    private static ulong Download<T>(WorkflowPlan<T> plan, OpenStackContext context, GlanceImage glanceImage, GlanceLocation? location,
                                    string whyNotCloneable, string pool, string image)
    {
        var (dataPool, dataImage, dataSnap) = GlanceLocation.DataOf(context, glanceImage, location);
        string source = dataSnap is null ? $"{dataPool}/{dataImage}" : $"{dataPool}/{dataImage}@{dataSnap}";
        plan.Add($"# not cloneable ({whyNotCloneable}): download Glance image {glanceImage.Id} ({Size(glanceImage.Size)}) and write all of it", () => { });
        plan.AddLong(Rbd("import", "--image-format", "2", "-", $"{pool}/{image}") + $"   # the data of {source}",
            progress => ImageCopy.Run(context.Cluster, dataPool, dataImage, dataSnap, context.Cluster, pool, image, progress, ImageOptions.Default),
            Rbd("rm", $"{pool}/{image}"), () => context.Cluster.RemoveImage(pool, image), $"{pool}/{image}");
        return Stat(context.Cluster, dataPool, dataImage).Size;
    }
}
