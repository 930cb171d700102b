using static RbdPowerShell.Engine.OpenStack.OpenStackContext;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>Cinder snapshots (seed §4.3, §5.3): snap create + protect (seconds, whatever the size); delete.</summary>
public static class CinderSnapshotWorkflows
{
    public static string SnapshotName(string snapshotId) => "snapshot-" + snapshotId;

    public static WorkflowPlan<CinderSnapshot> Create(OpenStackContext context, string volumeRef, string name)
    {
        var volume = context.Volume(volumeRef);
        var image = ImageSpec.Parse(volume.RbdImage, SpecKind.Image);
        var snapshot = new CinderSnapshot
        {
            Id = context.NewId(), Name = name, VolumeId = volume.Id, SizeGB = volume.SizeGB, CreatedAt = context.Clock(),
        };
        string snap = SnapshotName(snapshot.Id);
        snapshot = snapshot with { RbdSnapshot = (image with { Snapshot = snap }).ToString() };
        var plan = new WorkflowPlan<CinderSnapshot>($"snapshot volume '{volume.Name}' as '{name}'");
        RbdSteps.SnapAndProtect(plan, context, image.Pool, image.Image!, snap);
        return plan.Finish(() => context.Save(snapshot));
    }

    /// <summary>
    /// cinder snapshot-delete: unprotect + snap rm; refused (SnapshotIsBusy) while volumes are clones of it, unless
    /// CinderFlattenOnDelete (today's driver), which flattens them first.
    /// </summary>
    public static WorkflowPlan<CinderSnapshot> Delete(OpenStackContext context, string snapshotRef)
    {
        var snapshot = context.Snapshot(snapshotRef);
        var spec = ImageSpec.Parse(snapshot.RbdSnapshot, SpecKind.Snapshot);
        var plan = new WorkflowPlan<CinderSnapshot>($"delete snapshot '{snapshot.Name}' ({snapshot.Id})");
        if (context.ImageExists(context.Cluster, spec.Pool, spec.Image!) &&
            Snapshots(context.Cluster, spec.Pool, spec.Image!).FirstOrDefault(s => s.Name == spec.Snapshot) is { } info)
        {
            var children = Children(context.Cluster, spec.Pool, spec.Image!, spec.Snapshot!);
            if (children.Count > 0 && context.Settings.CinderFlattenOnDelete)
            {
                plan.Add("# today's delete_snapshot: snap unprotect is busy, so flatten the clones and unprotect again", () => { });
                RbdSteps.FlattenChildren(plan, context, spec.ToString(), children);
            }
            else if (children.Count > 0)
                throw context.Busy("SnapshotIsBusy", snapshot.Id, $"Snapshot '{snapshot.Name}' ({snapshot.Id})", children, spec.ToString(),
                    "Delete or flatten them first (rbd_flatten_volume_from_snapshot = true makes new volumes independent).");
            RbdSteps.UnprotectAndRemove(plan, context, spec, info.Protected);
        }
        return plan.Finish(() =>
        {
            context.Database.Delete<CinderSnapshot>(snapshot.Id);
            return snapshot with { Status = "deleted" };
        });
    }
}
