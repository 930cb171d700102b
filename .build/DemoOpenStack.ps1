<#
.SYNOPSIS
    The OpenStack part of the demo: the seed's seven questions (its section 5), each answered by running
    the Glance, Nova and Cinder workflow and showing what the rbd layer holds afterwards.

.DESCRIPTION
    Dot-sourced by Demo.ps1 after the rbd tour, on the same store (the session's cluster). Uses Demo.ps1's
    Step, Format-Bytes, $work and Use-MainCluster. The backup cluster is an embedded store in $work (on Ceph: backups
    cross from the Ceph cluster into that store and are restored back).
#>

function Question([string] $Text) {
    Write-Host ''
    Write-Host "=== $Text ===" -ForegroundColor Yellow
}

function Show([string] $Label, $Value) { Write-Host ("  {0,-28} {1}" -f "${Label}:", $Value) }

function Get-UsedBytes([string] $Spec, $Cluster = (Get-RbdCluster)) {
    (@(Get-RbdImageUsage $Spec -Cluster $Cluster) | Measure-Object Used -Sum).Sum
}

function Show-Disk([string] $Spec) {
    $image = Get-RbdImage $Spec
    Show 'rbd image' $Spec
    Show '  parent' $(if ($image.Parent) { "$($image.Parent) (overlap $(Format-Bytes $image.Overlap))" } else { '(none)' })
    Show '  used' "$(Format-Bytes (Get-UsedBytes $Spec)) of $(Format-Bytes $image.Size)"
}

function Get-RandomBytes([int] $Length, [int] $Seed) {
    $bytes = [byte[]]::new($Length)
    [Random]::new($Seed).NextBytes($bytes)
    , $bytes
}

function New-ImageFile([string] $Name, [int] $Length, [int] $Seed) {
    $path = Join-Path $work $Name
    [IO.File]::WriteAllBytes($path, (Get-RandomBytes $Length $Seed))
    $path
}

function Get-Location([string] $ImageId) { "rbd://$((Get-RbdCluster).Fsid)/openstack/$ImageId/snap" }

Write-Host ''
Write-Host 'OpenStack on RBD: the seed''s seven questions, answered on the same store' -ForegroundColor Green
Step 'Create the backup pool cinder_backup (openstack is the Glance, Nova and Cinder pool)'
New-RbdPool cinder_backup -Verbose | Out-Null
Get-OpenStackRbdConfig | Format-List GlancePool, NovaPool, CinderPool, BackupPool, RbdStoreChunkSize, RbdMaxCloneDepth | Out-Host
$cirrosFile = New-ImageFile 'cirros.img' 16MB 42

Question '1. Why must uploaded images be raw?'
Step 'Upload the same 16 MiB file twice: as qcow2 and as raw (rbd create, 8 MiB chunks with MD5, snap + protect)'
$qcow2 = New-GlanceImage cirros-qcow2 -Path $cirrosFile -DiskFormat qcow2
$raw = New-GlanceImage cirros-raw -Path $cirrosFile -DiskFormat raw -Verbose
foreach ($image in $qcow2, $raw) { Show "$($image.Name) ($($image.DiskFormat))" "$($image.Status), $($image.Location)" }
Step 'Boot a server from each'
$fromQcow2 = New-NovaServer vm-qcow2 -Image $qcow2
$fromRaw = New-NovaServer vm-raw -Image $raw -Verbose
foreach ($server in $fromQcow2, $fromRaw) {
    Show "server $($server.Name)" "booted by $($server.BootMethod)"
    Show-Disk $server.RootDisk
}
Write-Host '  => only a raw image is cloned (copy-on-write); any other format is downloaded and written whole.'

Question '2. How to upload a large image fast?'
Step 'glance image-create with no data: a queued record'
$fast = New-GlanceImage fast-upload
Show 'status' $fast.Status
Step "rbd import the file straight into openstack/$($fast.Id), snap create + protect @snap"
Import-RbdImage $cirrosFile "openstack/$($fast.Id)" -Verbose | Out-Null
New-RbdSnapshot "openstack/$($fast.Id)@snap" -Verbose | Out-Null
Protect-RbdSnapshot "openstack/$($fast.Id)@snap" -Verbose
Step 'glance location-add rbd://<fsid>/openstack/<id>/snap'
$fast = Add-GlanceImageLocation $fast (Get-Location $fast.Id) -Verbose
Show 'status' "$($fast.Status), $($fast.Location)"
$fastServer = New-NovaServer vm-fast -Image $fast
Show "server $($fastServer.Name)" "booted by $($fastServer.BootMethod)"

Question '3. Why does booting a server take seconds?'
Step 'A 10 GiB thin image with 16 MiB written (the fast path, without a file)'
$large = New-GlanceImage large-10g
New-RbdImage "openstack/$($large.Id)" -Size 10G | Out-Null
Write-RbdImage "openstack/$($large.Id)" -Offset 0 -Data (Get-RandomBytes 16MB 43)
New-RbdSnapshot "openstack/$($large.Id)@snap" | Out-Null
Protect-RbdSnapshot "openstack/$($large.Id)@snap"
$large = Add-GlanceImageLocation $large (Get-Location $large.Id)
Step 'Boot from the 10 GiB image and compare with the 16 MiB one'
$elapsed = Measure-Command { $script:bigServer = New-NovaServer vm-large -Image $large }
Show "booted in" ('{0:0.000} s' -f $elapsed.TotalSeconds)
Show-Disk $bigServer.RootDisk
Show-Disk $fromRaw.RootDisk
Write-Host '  => a clone copies no data: both disks use 0 B, whatever the image size.'

Question '4. Why does a server snapshot take minutes but a volume snapshot seconds?'
Step 'The server writes 8 MiB, then nova image-create (snap, protect, clone, FLATTEN, unprotect, rm, snap + protect)'
Write-RbdImage $fromRaw.RootDisk -Offset 64MB -Data (Get-RandomBytes 8MB 44)
$serverSnap = New-NovaServerSnapshot $fromRaw vm-raw-snap -Verbose
Show-Disk "openstack/$($serverSnap.Id)"
Show 'temporary disk snapshots' "$(@(Get-RbdSnapshot $fromRaw.RootDisk).Count) left"
Step 'A Cinder volume with 8 MiB of data, then cinder snapshot-create (snap create + protect)'
$volume = New-CinderVolume data -SizeGB 1 -Verbose
Write-RbdImage $volume.RbdImage -Offset 0 -Data (Get-RandomBytes 8MB 45)
$volumeSnap = New-CinderSnapshot $volume data-snap -Verbose
Get-RbdSnapshot $volume.RbdImage | Out-Host
Write-Host "  => the server snapshot copied $(Format-Bytes (Get-UsedBytes "openstack/$($serverSnap.Id)")) (flatten); the volume snapshot copied nothing."

Question '5. Why can''t an image be deleted while servers exist?'
Step "glance image-delete $($raw.Name) while $($fromRaw.Name) boots from it"
try {
    Remove-GlanceImage $raw -Confirm:$false
    throw 'Remove-GlanceImage should have been refused.'
} catch {
    if ($_.FullyQualifiedErrorId -notlike 'InUseByStore*') { throw }
    Show 'refused' "$($_.FullyQualifiedErrorId.Split(',')[0]): $($_.Exception.Message)"
}
Show 'snap still protected' (Get-RbdSnapshot "openstack/$($raw.Id)").Protected
Step "nova delete $($fromRaw.Name), then the image delete succeeds"
Remove-NovaServer $fromRaw -Confirm:$false -Verbose
Remove-GlanceImage $raw -Confirm:$false -Verbose
Show 'rbd image' $(if (Get-RbdImage openstack | Where-Object Name -EQ $raw.Id) { 'still there' } else { 'gone' })

Question '6. Why restore a backup into an empty volume rather than over an existing one?'
$backupStore = Join-Path $work 'backup-store'
Step "A second store as the backup cluster (backup_ceph_conf): $backupStore"
$backupCluster = Connect-RbdCluster $backupStore
New-RbdPool cinder_backup -Cluster $backupCluster | Out-Null
Use-MainCluster | Out-Null
Set-OpenStackRbdConfig -BackupCluster $backupCluster | Out-Null
Step 'Full backup, write 4 MiB more, incremental backup (export-diff | import-diff)'
$full = Backup-CinderVolume $volume -Verbose
Write-RbdImage $volume.RbdImage -Offset 512MB -Data (Get-RandomBytes 4MB 46)
$incremental = Backup-CinderVolume $volume -Incremental
Show 'base image' "$($full.BaseImage) on the backup cluster"
Show 'base snapshots' ((Get-RbdSnapshot $full.BaseImage -Cluster $backupCluster).Name -join ', ')
Show 'volume snapshots (backup)' ((Get-RbdSnapshot $volume.RbdImage | Where-Object Name -Like 'backup.*').Name -join ', ')
Step 'Restore the incremental backup four ways'
$busy = New-CinderVolume busy -SizeGB 1
Write-RbdImage $busy.RbdImage -Offset 0 -Data (Get-RandomBytes 4096 47)
$empty = New-CinderVolume empty -SizeGB 1
$restores = @(
    [pscustomobject]@{ Into = 'a new volume (no -Volume)'; Result = Restore-CinderBackup $incremental }
    [pscustomobject]@{ Into = 'the source volume'; Result = Restore-CinderBackup $incremental -Volume $volume }
    [pscustomobject]@{ Into = 'a volume holding data'; Result = Restore-CinderBackup $incremental -Volume $busy }
    [pscustomobject]@{ Into = 'an empty volume'; Result = Restore-CinderBackup $incremental -Volume $empty }
)
foreach ($r in $restores) { Show $r.Into "$($r.Result.Method): $($r.Result.Reason)" }
Write-Host '  => only an empty volume (other than the source) takes the Diff path; everything else is a full, slow copy.'

Question '7. After creating a volume from an image, can the image be deleted?'
$ubuntu = New-GlanceImage ubuntu -Path $cirrosFile
$fromImage = New-CinderVolume from-ubuntu -Image $ubuntu -Verbose
Show-Disk $fromImage.RbdImage
try {
    Remove-GlanceImage $ubuntu -Confirm:$false
    throw 'Remove-GlanceImage should have been refused.'
} catch {
    if ($_.FullyQualifiedErrorId -notlike 'InUseByStore*') { throw }
    Show 'refused' $_.Exception.Message
}
Step "rbd flatten $($fromImage.RbdImage), then delete the image"
Invoke-RbdFlatten $fromImage.RbdImage -Verbose
Remove-GlanceImage $ubuntu -Confirm:$false
Show-Disk $fromImage.RbdImage
Write-Host '  => yes, once the volume no longer reads from it (flattened, or deleted).'

Step 'What OpenStack holds now (glance image-list, nova list, cinder list)'
foreach ($list in { Get-GlanceImage }, { Get-NovaServer }, { Get-CinderVolume }) {
    & $list | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
}

Step 'Check the embedded stores'
foreach ($cluster in @((Get-RbdCluster), $backupCluster) | Where-Object Backend -EQ Embedded) {
    $findings = @(Test-RbdStore -Cluster $cluster)
    Show $cluster.Location $(if ($findings) { "$($findings.Count) problems" } else { 'consistent: no findings' })
    $findings | Out-Host
}
