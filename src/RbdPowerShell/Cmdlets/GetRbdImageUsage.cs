using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Get-RbdImageUsage [[-Spec] pool | pool/image[@snap]] [-Exact] [-Total]: rbd du, one row per snapshot then
/// one for the head, at whole-object granularity (-Exact: byte extents). No spec: every pool. Names may be wildcards.
/// rbd du's &lt;TOTAL&gt; line comes only with -Total, as a last row marked IsTotal: without it every row is an
/// image or a snapshot, so <c>| Measure-Object Used -Sum</c> and <c>| Where-Object</c> see only real rows.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RbdImageUsage", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImageUsage))]
public sealed class GetRbdImageUsageCommand : RbdQueryCmdlet
{
    private readonly List<RbdImageUsage> reported = new();

    /// <summary>Count changed bytes rather than whole objects (rbd du --exact).</summary>
    [Parameter]
    public SwitchParameter Exact { get; set; }

    /// <summary>End with rbd du's &lt;TOTAL&gt; row: the provisioned size of the images and the space all rows use.</summary>
    [Parameter]
    public SwitchParameter Total { get; set; }

    protected override void ProcessTarget()
    {
        var target = Target;
        foreach (var pool in PoolsOf(target))
        {
            if (target?.Image is null) Try(() => Report(pool, null, null));
            else foreach (var image in ImagesOf(pool, target.Image)) Try(() => Report(pool, image, target.Snapshot));
        }
    }

    protected override void EndProcessing()
    {
        if (Total) WriteObject(RbdImageUsage.TotalOf(reported, reported.FirstOrDefault()?.Cluster));
    }

    private void Report(string pool, string? image, string? snapshot)
    {
        var what = image is null ? pool : snapshot is null ? $"{pool}/{image}" : $"{pool}/{image}@{snapshot}";
        WriteCommand(RbdCommandLine.Rbd("du", Exact ? "--exact" : "", RbdCommandLine.Arg(what)));
        IEnumerable<ImageUsage> rows = DiskUsage.Run(Connection, pool, image, Exact, WriteVerbose);
        if (snapshot is not null)
        {
            var selected = Filter(snapshot, rows.Where(r => r.Snapshot is not null).Select(r => r.Snapshot!));
            rows = rows.Where(r => r.Snapshot is not null && selected.Contains(r.Snapshot)).ToList();
            if (!rows.Any() && !IsPattern(Target)) throw RbdException.NotFound("Snapshot", what);
        }
        foreach (var row in rows)
        {
            var usage = new RbdImageUsage(row, TargetCluster);
            if (Total) reported.Add(usage);
            WriteObject(usage);
        }
    }
}
