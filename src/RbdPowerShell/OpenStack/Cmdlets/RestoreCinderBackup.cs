using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// Restore-CinderBackup [-Backup] backup [[-Volume] volume]: cinder backup-restore. A diff restore (export-diff of the
/// restore point piped into import-diff) when the target is an empty RBD volume other than the source; otherwise a
/// full chunked copy. Without -Volume a new volume is created (so the diff path is taken). Returns what it did.
/// </summary>
[Cmdlet(VerbsData.Restore, "CinderBackup", SupportsShouldProcess = true)]
[OutputType(typeof(CinderBackupRestore))]
public sealed class RestoreCinderBackupCommand : OpenStackCmdlet
{
    /// <summary>The CinderBackup (from Get-CinderBackup), or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(CinderBackupCompleter))]
    public object? Backup { get; set; }

    /// <summary>The volume to overwrite (its data is replaced); a new volume when omitted.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(CinderVolumeCompleter))]
    public object? Volume { get; set; }

    protected override void ProcessTarget() =>
        RunAndWrite(context => CinderRestoreWorkflow.Restore(context, IdOf(Backup, "Cinder backup"),
            Volume is null ? null : IdOf(Volume, "Cinder volume")));
}
