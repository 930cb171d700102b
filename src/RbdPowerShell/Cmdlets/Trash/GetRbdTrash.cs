using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Get-RbdTrash [[-Pool] pool] [-Name wildcard]: rbd trash ls -l, of one pool, pools matching a wildcard, or all.</summary>
[Cmdlet(VerbsCommon.Get, "RbdTrash")]
[OutputType(typeof(RbdTrashEntry))]
public sealed class GetRbdTrashCommand : RbdCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    [SupportsWildcards]
    public string? Pool { get; set; }

    /// <summary>Only entries whose former image name matches.</summary>
    [Parameter]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessTarget()
    {
        var pools = Pool is null ? Connection.ListPools() : NamePatterns.Select(Pool, Connection.ListPools);
        foreach (var pool in pools)
            Try(() =>
            {
                WriteCommand(RbdCommandLine.Rbd("trash", "ls", "-l", RbdCommandLine.Arg(pool)));
                var entries = Connection.ListTrash(pool);
                var names = Name is null ? null : NamePatterns.Filter(Name, entries.Select(e => e.Name)).ToHashSet();
                foreach (var entry in entries.Where(e => names?.Contains(e.Name) ?? true))
                    WriteObject(new RbdTrashEntry(entry, TargetCluster));
            });
    }
}
