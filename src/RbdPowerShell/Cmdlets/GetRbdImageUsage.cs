using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Get-RbdImageUsage [[-Spec] pool | pool/image[@snap]] [-Exact]: rbd du, one row per snapshot then
/// one for the head, at whole-object granularity (-Exact: byte extents). No spec: every pool.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RbdImageUsage", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImageUsage))]
public sealed class GetRbdImageUsageCommand : RbdQueryCmdlet
{
    /// <summary>Count changed bytes rather than whole objects (rbd du --exact).</summary>
    [Parameter]
    public SwitchParameter Exact { get; set; }

    protected override void ProcessTarget()
    {
        var target = Target;
        foreach (var pool in PoolsOf(target))
            Try(() => Report(pool, target?.Image, target?.Snapshot));
    }

    private void Report(string pool, string? image, string? snapshot)
    {
        var what = image is null ? pool : snapshot is null ? $"{pool}/{image}" : $"{pool}/{image}@{snapshot}";
        WriteCommand(RbdCommandLine.Rbd("du", Exact ? "--exact" : "", RbdCommandLine.Arg(what)));
        IEnumerable<ImageUsage> rows = DiskUsage.Run(Connection, pool, image, Exact, WriteVerbose);
        if (snapshot is not null)
        {
            rows = rows.Where(r => r.Snapshot == snapshot).ToList();
            if (!rows.Any()) throw RbdException.NotFound("Snapshot", what);
        }
        foreach (var row in rows)
            WriteObject(new RbdImageUsage(row, TargetCluster));
    }
}
