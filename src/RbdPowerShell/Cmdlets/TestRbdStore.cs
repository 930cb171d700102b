using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Test-RbdStore: checks the embedded store's consistency; writes one RbdStoreFinding per problem (none when healthy).</summary>
[Cmdlet(VerbsDiagnostic.Test, "RbdStore")]
[OutputType(typeof(RbdStoreFinding))]
public sealed class TestRbdStoreCommand : RbdCmdlet
{
    protected override void ProcessTarget()
    {
        var cluster = TargetCluster;
        if (cluster.Connection is not IRbdStoreCheck check)
            throw RbdErrors.Refusal(RbdErrno.ENOTSUP, "NotSupported", cluster.Location,
                $"The cluster at '{cluster.Location}' ({cluster.Backend}) cannot check itself; Test-RbdStore works on embedded stores.");
        WriteCommand($"checking the store at {cluster.Location}");
        foreach (var finding in check.Check())
            WriteObject(new RbdStoreFinding(finding));
    }
}
