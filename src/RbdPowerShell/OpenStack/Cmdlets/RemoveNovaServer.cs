using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Remove-NovaServer [-Server] server: nova delete (every image of Nova's pool named after the server, snapshots first, retrying busy ones).</summary>
[Cmdlet(VerbsCommon.Remove, "NovaServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveNovaServerCommand : OpenStackCmdlet
{
    /// <summary>The Nova server (from Get-NovaServer), or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(NovaServerCompleter))]
    public object? Server { get; set; }

    protected override void ProcessTarget() =>
        RunPlan(context => NovaWorkflows.Delete(context, IdOf(Server, "Nova server")), out _);
}
