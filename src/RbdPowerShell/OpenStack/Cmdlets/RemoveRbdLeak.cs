using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// Remove-RbdLeak -Finding (from Find-RbdLeak): runs each finding's cleanup. -WhatIf prints the finding's rbd steps;
/// a cleanup that would break a clone (something was cloned from it since the audit) is refused with LeakHasClones.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "RbdLeak", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveRbdLeakCommand : OpenStackCmdlet
{
    /// <summary>A finding of Find-RbdLeak.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public LeakFinding? Finding { get; set; }

    protected override void ProcessTarget()
    {
        var finding = Finding!;
        if (IsWhatIf)
        {
            // The audit planned each finding as if the earlier ones were cleaned up; now nothing is, so print its plan.
            foreach (var step in finding.Steps) ShouldProcess(TargetCluster.CommandLine(step), TargetCluster.CommandLine(step), "WhatIf");
            return;
        }
        RunPlan(context => new LeakCleanup(context).Plan(finding), out _);
    }
}
