using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// Backup-CinderVolume [-Volume] volume [-Incremental] [-Name name]: cinder backup-create into the backup pool of
/// the backup cluster: export-diff of a new backup snapshot piped into import-diff on volume-&lt;id&gt;.backup.base
/// (from the previous backup snapshot when there is one), a full chunked copy when the diff path fails.
/// </summary>
[Cmdlet("Backup", "CinderVolume", SupportsShouldProcess = true)]
[OutputType(typeof(CinderBackup))]
public sealed class BackupCinderVolumeCommand : OpenStackCmdlet
{
    /// <summary>The CinderVolume (from Get-CinderVolume), or its id or name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(CinderVolumeCompleter))]
    public object? Volume { get; set; }

    /// <summary>cinder backup-create --incremental: refused when the volume has no backup yet.</summary>
    [Parameter]
    public SwitchParameter Incremental { get; set; }

    /// <summary>The backup's name (cinder backup-create --name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessTarget() =>
        RunAndWrite(context => CinderBackupWorkflows.Backup(context, IdOf(Volume, "Cinder volume"), Incremental, Name));
}
