using static RbdPowerShell.Engine.OpenStack.OpenStackContext;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// Plans the cleanup of leak findings as rbd steps: snapshots unprotected and removed, images removed, and (as
/// Cinder's _delete_clone_parent_refs does) the .clone_snap a removed volume was cloned from, with its .deleted
/// parent when nothing else is left of it. A step that would break a clone is refused (LeakHasClones). What the
/// plans remove is kept in <see cref="Gone"/>, so the audit can plan what is left once earlier findings are cleaned.
/// </summary>
public sealed class LeakCleanup
{
    private readonly OpenStackContext _context;

    /// <param name="gone">Specs already planned away (the audit's earlier findings); empty for a real cleanup.</param>
    public LeakCleanup(OpenStackContext context, ISet<string>? gone = null)
    {
        _context = context;
        Gone = gone ?? new HashSet<string>(StringComparer.Ordinal);
    }

    public ISet<string> Gone { get; }

    private IRbdCluster Cluster => _context.Cluster;

    public WorkflowPlan<LeakFinding> Plan(LeakFinding finding)
    {
        var plan = new WorkflowPlan<LeakFinding>($"clean up {finding.Kind} {finding.Spec}");
        if (finding.Kind == LeakKind.RecordWithoutImage)
        {
            plan.Add($"# forget the {finding.RecordType} record {finding.RecordId}: {finding.Spec} is gone",
                () => Forget(finding.RecordType!, finding.RecordId!));
            return plan.Finish(() => finding);
        }
        var spec = ImageSpec.Parse(finding.Spec);
        if (spec.Snapshot is null) RemoveImage(plan, spec.Pool, spec.Image!);
        else RemoveSnapshot(plan, spec, Snapshots(Cluster, spec.Pool, spec.Image!).First(s => s.Name == spec.Snapshot));
        return plan.Finish(() => finding);
    }

    private void RemoveImage(WorkflowPlan<LeakFinding> plan, string pool, string image)
    {
        ParentSpec? parent;
        using (var handle = Cluster.OpenImage(pool, image))
        {
            parent = handle.Stat().Parent;
            foreach (var snap in handle.ListSnapshots().Where(s => !Gone.Contains($"{pool}/{image}@{s.Name}")))
                RemoveSnapshot(plan, new ImageSpec(pool, image, snap.Name), snap);
        }
        plan.Add(Rbd("rm", $"{pool}/{image}"), () => Cluster.RemoveImage(pool, image));
        Gone.Add($"{pool}/{image}");
        if (parent is not null && parent.Snapshot == VolumeName(image) + CinderVolumeWorkflows.CloneSnapSuffix)
            RemoveCloneSource(plan, parent);
    }

    /// <summary>The source's .clone_snap once its last clone goes, and a .deleted source with nothing left, up the chain.</summary>
    private void RemoveCloneSource(WorkflowPlan<LeakFinding> plan, ParentSpec source)
    {
        var spec = new ImageSpec(source.Pool, source.Image, source.Snapshot);
        if (LiveClones(spec).Count > 0) return;
        var snaps = Snapshots(Cluster, source.Pool, source.Image);
        RemoveSnapshot(plan, spec, snaps.First(s => s.Name == source.Snapshot));
        bool othersLeft = snaps.Any(s => !Gone.Contains($"{source.Pool}/{source.Image}@{s.Name}"));
        if (source.Image.EndsWith(".deleted", StringComparison.Ordinal) && !othersLeft)
            RemoveImage(plan, source.Pool, source.Image);
    }

    private void RemoveSnapshot(WorkflowPlan<LeakFinding> plan, ImageSpec spec, SnapshotInfo snap)
    {
        var clones = LiveClones(spec);
        if (clones.Count > 0)
            throw new RbdException(RbdErrno.EBUSY, spec.ToString(),
                $"{spec} is not a leak any more: removing it would break {_context.Describe(clones)}, cloned from it. Run Find-RbdLeak again.")
            { ErrorId = "LeakHasClones" };
        string pool = spec.Pool, image = spec.Image!, name = spec.Snapshot!;
        if (snap.Protected)
            plan.Add(Rbd("snap", "unprotect", spec.ToString()), () => WithImage(Cluster, pool, image, i => i.UnprotectSnapshot(name)));
        plan.Add(Rbd("snap", "rm", spec.ToString()), () => WithImage(Cluster, pool, image, i => i.RemoveSnapshot(name)));
        Gone.Add(spec.ToString());
    }

    private List<ChildSpec> LiveClones(ImageSpec snapshot) =>
        Children(Cluster, snapshot.Pool, snapshot.Image!, snapshot.Snapshot!).Where(c => !Gone.Contains(c.ToString())).ToList();

    private static string VolumeName(string image) => image.EndsWith(".deleted", StringComparison.Ordinal) ? image[..^".deleted".Length] : image;

    private void Forget(string recordType, string id)
    {
        var database = _context.Database;
        switch (recordType)
        {
            case nameof(GlanceImage): database.Delete<GlanceImage>(id); break;
            case nameof(NovaServer): database.Delete<NovaServer>(id); break;
            case nameof(CinderVolume): database.Delete<CinderVolume>(id); break;
            case nameof(CinderSnapshot): database.Delete<CinderSnapshot>(id); break;
            case nameof(CinderBackup): database.Delete<CinderBackup>(id); break;
            default: throw new RbdException(RbdErrno.EINVAL, recordType, $"'{recordType}' is not an OpenStack record type.") { ErrorId = "InvalidRecordType" };
        }
    }
}
