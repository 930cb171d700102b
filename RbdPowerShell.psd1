@{
    RootModule           = 'RbdPowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '243778cc-c493-44a0-afc4-33ad1dde71cc'
    Author               = 'RbdPowerShell contributors'
    Copyright            = '(c) RbdPowerShell contributors.'
    Description          = 'The Ceph RBD image model (pools, thin images, snapshots, protect, clone, flatten, copy, import/export, export-diff/import-diff, du) and the OpenStack Glance, Nova and Cinder storage workflows built on it, as typed, pipeable cmdlets, on an embedded store that needs nothing installed.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('RbdPowerShell.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-RbdCluster', 'Get-RbdCluster', 'Disconnect-RbdCluster',
        'New-RbdPool', 'Get-RbdPool', 'Remove-RbdPool',
        'New-RbdImage', 'Get-RbdImage', 'Remove-RbdImage', 'Resize-RbdImage', 'Rename-RbdImage',
        'Copy-RbdImage', 'Get-RbdImageUsage',
        'Write-RbdImage', 'Read-RbdImage', 'Clear-RbdImage', 'Import-RbdImage', 'Export-RbdImage',
        'New-RbdSnapshot', 'Get-RbdSnapshot', 'Remove-RbdSnapshot', 'Protect-RbdSnapshot',
        'Unprotect-RbdSnapshot', 'Restore-RbdSnapshot',
        'Copy-RbdClone', 'Get-RbdChild', 'Invoke-RbdFlatten',
        'Export-RbdDiff', 'Import-RbdDiff', 'Merge-RbdDiff',
        'Test-RbdStore', 'Repair-RbdStore',
        'Get-RbdTrash', 'Restore-RbdTrash', 'Remove-RbdTrash', 'Clear-RbdTrash',
        'Rename-RbdSnapshot', 'Get-RbdDiff', 'Get-RbdImageMeta', 'Set-RbdImageMeta', 'Remove-RbdImageMeta',
        'Enable-RbdImageFeature', 'Disable-RbdImageFeature', 'Get-RbdImageStatus',
        'New-GlanceImage', 'Get-GlanceImage', 'Remove-GlanceImage', 'Add-GlanceImageLocation',
        'New-NovaServer', 'Get-NovaServer', 'New-NovaServerSnapshot', 'Remove-NovaServer',
        'New-CinderVolume', 'Get-CinderVolume', 'Remove-CinderVolume',
        'New-CinderSnapshot', 'Get-CinderSnapshot', 'Remove-CinderSnapshot',
        'Backup-CinderVolume', 'Get-CinderBackup', 'Remove-CinderBackup', 'Restore-CinderBackup',
        'Get-OpenStackRbdConfig', 'Set-OpenStackRbdConfig',
        'Get-RbdLineage', 'Export-RbdLineage', 'Find-RbdLeak', 'Remove-RbdLeak'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Ceph', 'RBD', 'BlockStorage', 'Snapshot', 'Clone', 'OpenStack', 'Storage', 'PSEdition_Core', 'Linux')
            # A placeholder until the project has its public home.
            ProjectUri   = 'https://github.com/example/RbdPowerShell'
            ReleaseNotes = @'
0.1.0: the rbd image model (pools, thin images, snapshots, protect, clone, flatten, copy, import/export,
export-diff/import-diff/merge-diff, du) as typed, pipeable cmdlets on an embedded store or a Ceph cluster
(librbd), and the OpenStack Glance, Nova and Cinder storage workflows built on it.
'@
        }
    }
}
