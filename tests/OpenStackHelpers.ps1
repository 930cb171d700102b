# Helpers for the OpenStack scenarios (Glance, Nova, Cinder). Dot-source after TestHelpers.ps1:
#   BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1'); . (Join-Path $PSScriptRoot 'OpenStackHelpers.ps1') }
# The seed uses one pool, openstack, for Glance, Nova and Cinder, and cinder_backup for backups.

function New-OpenStackTestStore {
    <# A fresh store (the session default) with the seed's pools: openstack and cinder_backup. #>
    param([string]$Name = 'openstack-store', [string]$Root = (New-RbdTestRoot))
    New-RbdTestStore -Name $Name -Root $Root -Pool openstack, cinder_backup
}

function New-TestImageFile {
    <# A file of -Length deterministic bytes (an "image file" to upload) in a new test folder; returns its path. #>
    param([Parameter(Mandatory)][int]$Length, [int]$Seed = 1, [string]$Name = 'image.raw')
    $path = Join-Path (New-RbdTestRoot) $Name
    [IO.File]::WriteAllBytes($path, (New-TestBytes -Length $Length -Seed $Seed))
    $path
}

function Get-GlanceRbdLocation {
    <# rbd://<fsid>/<pool>/<image>/snap, the location Glance's rbd store hands out. #>
    param([Parameter(Mandatory)][string]$ImageId, [string]$Pool = 'openstack', [string]$Snapshot = 'snap')
    "rbd://$((Get-RbdCluster).Fsid)/$Pool/$ImageId/$Snapshot"
}

function New-FastGlanceImage {
    <#
    The seed's fast upload (section 2.2) without a file: a queued Glance record, the rbd image created in the
    pool under the record's id (-Size, thin) with -Writes (@{ Offset; Data }) written, snap + protect, and
    the location added. Returns the active GlanceImage.
    #>
    param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][uint64]$Size, [hashtable[]]$Writes = @())
    $image = New-GlanceImage -Name $Name
    $spec = "openstack/$($image.Id)"
    $null = New-RbdImage -Spec $spec -Size $Size
    foreach ($w in $Writes) { Write-RbdImage -Spec $spec -Offset $w.Offset -Data $w.Data }
    $null = New-RbdSnapshot -Spec "$spec@snap"
    Protect-RbdSnapshot -Spec "$spec@snap"
    Add-GlanceImageLocation -Image $image -Location (Get-GlanceRbdLocation -ImageId $image.Id)
}

function Get-RbdUsedBytes {
    <# What an image really holds: the sum of its du rows (every snapshot plus the head). #>
    param([Parameter(Mandatory)][string]$Spec, [object]$Cluster)
    $extra = if ($Cluster) { @{ Cluster = $Cluster } } else { @{} }
    [uint64](@(Get-RbdImageUsage -Spec $Spec @extra) | Measure-Object -Property Used -Sum).Sum
}

function Get-RbdHeadUsedBytes {
    <# The du row of the image itself (Snapshot empty): what it holds of its own since its last snapshot. #>
    param([Parameter(Mandatory)][string]$Spec)
    [uint64](@(Get-RbdImageUsage -Spec $Spec) | Where-Object { -not $_.Snapshot })[0].Used
}

function Invoke-OnCluster {
    <# Runs the script block with -Cluster defaulting to -Cluster for the RBD cmdlets (e.g. Get-RbdDataHash on the backup cluster). #>
    param([Parameter(Mandatory)][object]$Cluster, [Parameter(Mandatory)][scriptblock]$ScriptBlock)
    $PSDefaultParameterValues = @{ '*-Rbd*:Cluster' = $Cluster }
    & $ScriptBlock
}

function Get-WhatIfLine {
    <#
    Runs the script block and returns the text of its "What if:" messages. ShouldProcess writes them to the
    host only (no stream redirection catches them), so they are read back from a transcript.
    #>
    param([Parameter(Mandatory)][scriptblock]$ScriptBlock)
    $transcript = Join-Path (New-RbdTestRoot) 'whatif.txt'
    $null = Start-Transcript -LiteralPath $transcript
    try { $null = & $ScriptBlock }
    finally { $null = Stop-Transcript }
    @(Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring('What if: '.Length) })
}

function Get-OpenStackState {
    <#
    A text fingerprint of what the OpenStack services and the store hold: every Glance, Nova and Cinder record
    (id, status, location or disk) and the store's pools, images, snapshots, children and du rows. Equal
    fingerprints mean no workflow step ran.
    #>
    $records = @(
        Get-GlanceImage | ForEach-Object { "glance $($_.Id) $($_.Name) $($_.Status) $($_.Location)" }
        Get-NovaServer | ForEach-Object { "nova $($_.Id) $($_.Name) $($_.RootDisk)" }
        Get-CinderVolume | ForEach-Object { "volume $($_.Id) $($_.Name) $($_.SizeGB) $($_.RbdImage)" }
        Get-CinderSnapshot | ForEach-Object { "snapshot $($_.Id) $($_.Name) $($_.VolumeId)" }
        Get-CinderBackup | ForEach-Object { "backup $($_.Id) $($_.VolumeId) $($_.BaseImage) $($_.SnapshotName)" }
    ) | Sort-Object
    $usage = foreach ($pool in Get-RbdPool) {
        foreach ($image in @(Get-RbdImage -Spec $pool.Name)) {
            Get-RbdImageUsage -Spec $image.Spec | ForEach-Object { "du $($image.Spec) $($_.Name) $($_.Provisioned) $($_.Used)" }
        }
    }
    (@($records) + (Get-RbdStoreState) + @($usage)) -join "`n"
}
