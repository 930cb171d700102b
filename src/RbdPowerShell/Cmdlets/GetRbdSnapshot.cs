using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Get-RbdSnapshot [[-Spec] pool | pool/image[@snap]]: rbd snap ls of an image (or one snapshot), of every image of
/// a pool, or of every image of every pool when no spec is given. Names may be wildcards.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RbdSnapshot", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdSnapshot))]
public sealed class GetRbdSnapshotCommand : RbdQueryCmdlet
{
    protected override void ProcessTarget()
    {
        var target = Target;
        foreach (var pool in PoolsOf(target))
            foreach (var image in ImagesOf(pool, target?.Image))
                Try(() => List(new ImageSpec(pool, image, null), target?.Snapshot, IsPattern(target)));
    }

    private void List(ImageSpec imageSpec, string? snapshot, bool filter)
    {
        WriteCommand(RbdCommandLine.Rbd("snap", "ls", RbdCommandLine.Arg(imageSpec.ToString())));
        // Written once the image is closed: a command further down the pipeline may remove it (EBUSY on Ceph while open).
        WriteObject(Describe(imageSpec, snapshot, filter), enumerateCollection: true);
    }

    /// <param name="filter">Whether <paramref name="snapshot"/> only selects (a pattern spec), so a missing one is no error.</param>
    private List<RbdSnapshot> Describe(ImageSpec imageSpec, string? snapshot, bool filter)
    {
        using var image = OpenImage(imageSpec);
        if (snapshot is not null && !filter) return new List<RbdSnapshot> { DescribeSnapshot(image, snapshot) };
        var all = image.ListSnapshots();
        var names = snapshot is null ? null : Filter(snapshot, all.Select(s => s.Name)).ToHashSet();
        return all.Where(s => names is null || names.Contains(s.Name))
                  .Select(s => new RbdSnapshot(image.Pool, image.Name, s, TargetCluster)).ToList();
    }
}
