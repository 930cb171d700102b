using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>New-RbdPool [-Name] pool: ceph osd pool create + rbd pool init.</summary>
[Cmdlet(VerbsCommon.New, "RbdPool", SupportsShouldProcess = true)]
[OutputType(typeof(RbdPool))]
public sealed class NewRbdPoolCommand : RbdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    protected override void ProcessTarget()
    {
        NameRules.Check(Name, "pool");
        var command = TargetCluster.Namespace is { } ns
            ? $"rbd namespace create --pool {RbdCommandLine.Arg(Name)} --namespace {RbdCommandLine.Arg(ns)}  # a pool as this namespace sees it"
            : $"ceph osd pool create {RbdCommandLine.Arg(Name)} && rbd pool init {RbdCommandLine.Arg(Name)}";
        if (!ShouldRun(command, $"create pool '{Name}'")) return;
        Connection.CreatePool(Name);
        WriteObject(new RbdPool(Name, 0, TargetCluster));
    }
}
