using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Repair-RbdStore: deletes the embedded store's leftover data files (of a process killed in the middle of a
/// write, and of removed data no reader needs any more) and writes what it freed. It never changes an image;
/// problems Test-RbdStore reports are left for a person to look at.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "RbdStore", SupportsShouldProcess = true)]
[OutputType(typeof(RbdStoreRepair))]
public sealed class RepairRbdStoreCommand : RbdCmdlet
{
    protected override void ProcessTarget()
    {
        var cluster = TargetCluster;
        var check = StoreCheckOf(cluster, "Repair-RbdStore");
        var found = check.Check().Leftovers;
        var action = $"delete {found.Files} leftover data files ({SizeParser.Format(found.Bytes)}) " +
                     $"of the store at '{cluster.Location}'";
        if (!ShouldProcess(cluster.Location, action)) return;
        var freed = found.Files == 0 ? StoreLeftovers.None : check.Repair();
        WriteVerbose($"deleted {freed.Files} leftover data files, {freed.Bytes} bytes");
        WriteObject(new RbdStoreRepair(cluster.Location, freed));
    }
}
