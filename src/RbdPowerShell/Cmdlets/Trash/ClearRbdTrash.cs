using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Clear-RbdTrash [[-Pool] pool]: rbd trash purge, removing every image of the pool's trash whose deferment has
/// ended (of every pool without -Pool). What cannot go (it still has snapshots) is an error each, the rest goes on.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "RbdTrash", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class ClearRbdTrashCommand : RbdCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    public string? Pool { get; set; }

    /// <summary>Does not ask for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessTarget()
    {
        foreach (var pool in Pool is null ? Connection.ListPools() : new[] { Pool })
            Try(() => Purge(pool));
    }

    private void Purge(string pool)
    {
        var now = DateTime.UtcNow;
        var expired = Connection.ListTrash(pool).Where(e => e.IsExpired(now)).ToList();
        if (expired.Count == 0 && Pool is null) return;
        string names = expired.Count == 0 ? "nothing" : string.Join(", ", expired.Select(e => $"{e.Name} ({e.Id})"));
        if (!ShouldRun(RbdCommandLine.Rbd("trash", "purge", RbdCommandLine.Arg(pool)),
                $"permanently remove the expired images of the trash of pool '{pool}': {names}", Force)) return;
        using var progress = Progress("Purging the trash", pool);
        for (int i = 0; i < expired.Count; i++)
        {
            var entry = expired[i];
            Try(() => Connection.RemoveFromTrash(pool, entry.Id, force: false));
            progress.Handler((ulong)i + 1, (ulong)expired.Count);
        }
    }
}
