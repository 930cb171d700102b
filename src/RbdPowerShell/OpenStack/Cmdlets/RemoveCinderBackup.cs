using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Remove-CinderBackup [-Backup] backup: cinder backup-delete (its snapshot of the base image, or its full copy); refused while incremental backups depend on it.</summary>
[Cmdlet(VerbsCommon.Remove, "CinderBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveCinderBackupCommand : OpenStackCmdlet
{
    /// <summary>The Cinder backup (from Get-CinderBackup), or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(CinderBackupCompleter))]
    public object? Backup { get; set; }

    protected override void ProcessTarget() =>
        RunPlan(context => CinderBackupWorkflows.Delete(context, IdOf(Backup, "Cinder backup")), out _);
}
