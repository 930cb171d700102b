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
        var pools = Pool is null || WildcardPattern.ContainsWildcardCharacters(Pool)
            ? Connection.ListPools().Where(Matches(Pool)).ToList()
            : new List<string> { Pool };
        var name = Matches(Name);
        foreach (var pool in pools)
            Try(() =>
            {
                WriteCommand(RbdCommandLine.Rbd("trash", "ls", "-l", RbdCommandLine.Arg(pool)));
                foreach (var entry in Connection.ListTrash(pool).Where(e => name(e.Name)))
                    WriteObject(new RbdTrashEntry(entry, TargetCluster));
            });
    }

    private static Func<string, bool> Matches(string? pattern) =>
        pattern is null ? _ => true : new WildcardPattern(pattern, WildcardOptions.None).IsMatch;
}
