using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Get-CinderBackup [[-Id] id] [-Name name] [-VolumeId volume]: cinder backup-list / backup-show.</summary>
[Cmdlet(VerbsCommon.Get, "CinderBackup")]
[OutputType(typeof(CinderBackup))]
public sealed class GetCinderBackupCommand : OpenStackGetCmdlet<CinderBackup>
{
    /// <summary>The backup's id or name.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("BackupId")]
    [ArgumentCompleter(typeof(CinderBackupCompleter))]
    public string? Id { get; set; }

    /// <summary>Only backups of this volume (its id or name): cinder backup-list --volume-id.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(CinderVolumeCompleter))]
    public string? VolumeId { get; set; }

    protected override string? IdOrName => Id;

    protected override CinderBackup Lookup(OpenStackContext context, string idOrName) => context.Backup(idOrName);

    protected override IEnumerable<CinderBackup> Filter(OpenStackContext context, IEnumerable<CinderBackup> records) =>
        OfVolume(context, records, VolumeId, b => b.VolumeId);
}
