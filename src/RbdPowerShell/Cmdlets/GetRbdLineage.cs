using System.Management.Automation;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// Get-RbdLineage [[-Spec] pool | pool/image | pool/image@snap]: the tree of images, snapshots and clones under the
/// target (every image with no parent when none is given), across pools, each node with its size, rbd du's used
/// space, protection and what it is to OpenStack.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RbdLineage", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(LineageNode))]
public sealed class GetRbdLineageCommand : RbdQueryCmdlet
{
    protected override void ProcessTarget()
    {
        var target = Target;
        foreach (var node in Of(TargetCluster, target, WriteVerbose)) WriteObject(node);
    }

    /// <summary>The lineage under a target (null: the whole cluster), with -Verbose's rbd equivalent.</summary>
    internal static IReadOnlyList<LineageNode> Of(RbdCluster cluster, ImageSpec? target, Action<string> verbose)
    {
        string spec = target is null ? "" : RbdCommandLine.Arg(target.ToString());
        verbose(cluster.CommandLine(target?.Snapshot is not null
            ? RbdCommandLine.Rbd("children", "--descendants", spec) : RbdCommandLine.Rbd("du", spec)));
        return Lineage.Build(cluster.Connection, new OpenStackRoles(OpenStackSession.Database(cluster)), target);
    }
}
