using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Test-RbdStore: checks the embedded store's consistency and changes nothing; writes one RbdStoreFinding per
/// problem (none when healthy). -Verbose says what it checked, and what leftover data Repair-RbdStore would free.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "RbdStore")]
[OutputType(typeof(RbdStoreFinding))]
public sealed class TestRbdStoreCommand : RbdCmdlet
{
    protected override void ProcessTarget()
    {
        var cluster = TargetCluster;
        var check = StoreCheckOf(cluster, "Test-RbdStore");
        WriteCommand($"checking the store at {cluster.Location}");
        var report = check.Check();
        foreach (var line in report.Checked) WriteVerbose("checked " + line);
        WriteVerbose(report.Leftovers.Files == 0
            ? "no leftover data files"
            : $"{report.Leftovers.Files} leftover data files ({SizeParser.Format(report.Leftovers.Bytes)}) of " +
              "interrupted or removed writes, not a fault: Repair-RbdStore frees them");
        WriteVerbose($"{report.Findings.Count} problems found");
        foreach (var finding in report.Findings)
            WriteObject(new RbdStoreFinding(finding));
    }
}
