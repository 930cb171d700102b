using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Get-RbdPool [[-Name] pool]: every pool, the pools matching a wildcard, or one pool (PoolNotFound if missing).</summary>
[Cmdlet(VerbsCommon.Get, "RbdPool")]
[OutputType(typeof(RbdPool))]
public sealed class GetRbdPoolCommand : RbdCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessTarget()
    {
        WriteCommand("ceph osd pool ls");
        var pools = Connection.ListPools();
        IEnumerable<string> selected;
        if (string.IsNullOrEmpty(Name))
        {
            selected = pools;
        }
        else if (WildcardPattern.ContainsWildcardCharacters(Name))
        {
            var pattern = new WildcardPattern(Name, WildcardOptions.None);
            selected = pools.Where(pattern.IsMatch);
        }
        else
        {
            if (!pools.Contains(Name)) throw RbdException.NotFound("Pool", Name);
            selected = new[] { Name };
        }
        foreach (var pool in selected)
            Try(() => WriteObject(new RbdPool(pool, Connection.ListImages(pool).Count, TargetCluster)));
    }
}
