# The seed article's seven questions about OpenStack on Ceph (its section 5), each answered as a runbook:
# run the Glance / Nova / Cinder workflow, then look at what the rbd layer shows (parents, overlap,
# protection, children, du, data hashes, refusals). Each Describe works on its own fresh store.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'OpenStackHelpers.ps1')
    $MiB = 1MB
}

AfterAll {
    Remove-RbdTestRoot
}

Describe '1. Why must uploaded images be raw?' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore
        # 16 MiB: two whole Glance chunks (8 MiB objects), so du counts exactly the data.
        $file = New-TestImageFile -Length (16 * $MiB) -Seed 101
        $fileHash = Get-BytesHash ([IO.File]::ReadAllBytes($file))
        $qcow2 = New-GlanceImage -Name cirros-qcow2 -Path $file -DiskFormat qcow2
        $raw = New-GlanceImage -Name cirros-raw -Path $file -DiskFormat raw
    }

    It 'both uploads are active Glance images: openstack/{image id}@snap, protected, holding the 16 MiB' {
        foreach ($image in $qcow2, $raw) {
            $image.Status | Should -Be 'active'
            $image.Size | Should -Be (16 * $MiB)
            $image.Location | Should -Be (Get-GlanceRbdLocation -ImageId $image.Id)
            (Get-RbdSnapshot "openstack/$($image.Id)" | Where-Object Name -EQ 'snap').Protected | Should -BeTrue
            Get-RbdUsedBytes "openstack/$($image.Id)" | Should -Be (16 * $MiB)
            Get-RbdDataHash "openstack/$($image.Id)" | Should -Be $fileHash
        }
    }

    It 'a qcow2 image boots by Download: the disk has no parent and holds its own copy of the data' {
        $server = New-NovaServer -Name from-qcow2 -Image $qcow2
        $server.BootMethod | Should -Be 'Download'
        $server.RootDisk | Should -Be "openstack/$($server.Id)_disk"
        $disk = Get-RbdImage $server.RootDisk
        $disk.Parent | Should -BeNullOrEmpty
        @(Get-RbdChild "openstack/$($qcow2.Id)@snap") | Should -HaveCount 0
        Get-RbdUsedBytes $server.RootDisk | Should -Be (16 * $MiB) -Because 'every byte of the image was written into the disk'
        Get-RbdDataHash $server.RootDisk -Length (16 * $MiB) | Should -Be $fileHash
    }

    It 'a raw image boots by Clone: the disk''s parent is the Glance image@snap and it uses nothing' {
        $server = New-NovaServer -Name from-raw -Image $raw
        $server.BootMethod | Should -Be 'Clone'
        $disk = Get-RbdImage $server.RootDisk
        "$($disk.Parent)" | Should -Be "openstack/$($raw.Id)@snap"
        $disk.Overlap | Should -Be (16 * $MiB)
        @(Get-RbdChild "openstack/$($raw.Id)@snap").Spec | Should -Be @($server.RootDisk)
        Get-RbdUsedBytes $server.RootDisk | Should -Be 0 -Because 'a clone reads its parent''s objects until it writes'
        Get-RbdDataHash $server.RootDisk -Length (16 * $MiB) | Should -Be $fileHash
    }
}

Describe '2. How to upload a large image fast?' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore
        $file = New-TestImageFile -Length (12 * $MiB) -Seed 202 -Name 'big.raw'
        $fileHash = Get-BytesHash ([IO.File]::ReadAllBytes($file))
        $state = @{}
    }

    It 'glance image-create without data: a queued record, no rbd image yet' {
        $state.Image = New-GlanceImage -Name fast-upload
        $state.Image.Status | Should -Be 'queued'
        $state.Image.Location | Should -BeNullOrEmpty
        @(Get-RbdImage openstack) | Should -HaveCount 0
    }

    It 'rbd import straight into the pool as the image id, then snap create + protect @snap' {
        $spec = "openstack/$($state.Image.Id)"
        $null = Import-RbdImage -Path $file -Spec $spec
        $null = New-RbdSnapshot "$spec@snap"
        Protect-RbdSnapshot "$spec@snap"
        (Get-RbdImage $spec).Size | Should -Be (12 * $MiB)
        (Get-RbdSnapshot $spec).Protected | Should -Be @($true)
        (Get-GlanceImage $state.Image.Id).Status | Should -Be 'queued' -Because 'Glance does not know about the data yet'
    }

    It 'glance location-add rbd://{fsid}/openstack/{image id}/snap makes it active' {
        $location = Get-GlanceRbdLocation -ImageId $state.Image.Id
        $active = Add-GlanceImageLocation -Image $state.Image -Location $location
        $active.Status | Should -Be 'active'
        $active.Location | Should -Be $location
        $active.Size | Should -Be (12 * $MiB)
        (Get-GlanceImage $state.Image.Id).Status | Should -Be 'active'
    }

    It 'a location that does not exist on the cluster is refused' {
        $other = New-GlanceImage -Name no-data
        Assert-RbdError { Add-GlanceImageLocation $other (Get-GlanceRbdLocation -ImageId $other.Id) } -ErrorId InvalidLocation
        (Get-GlanceImage $other.Id).Status | Should -Be 'queued'
    }

    It 'a server boots from it by Clone' {
        $server = New-NovaServer -Name fast -Image $state.Image.Id
        $server.BootMethod | Should -Be 'Clone'
        "$((Get-RbdImage $server.RootDisk).Parent)" | Should -Be "openstack/$($state.Image.Id)@snap"
        Get-RbdDataHash $server.RootDisk -Length (12 * $MiB) | Should -Be $fileHash
    }
}

Describe '3. Why does booting a server take seconds?' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore
        $writes = @(
            @{ Offset = [uint64]0; Data = (New-TestBytes -Length (8 * $MiB) -Seed 301) }
            @{ Offset = [uint64](512 * $MiB); Data = (New-TestBytes -Length (8 * $MiB) -Seed 302) }
        )
        $small = New-FastGlanceImage -Name small-1g -Size 1GB -Writes $writes
        $large = New-FastGlanceImage -Name large-10g -Size 10GB -Writes $writes
    }

    It 'booting from a <Label> image copies no data: parent set, the disk uses 0 bytes' -ForEach @(
        @{ Label = '1 GiB'; Which = 'small'; Size = 1GB }
        @{ Label = '10 GiB'; Which = 'large'; Size = 10GB }
    ) {
        $image = Get-Variable -Name $Which -ValueOnly
        $server = New-NovaServer -Name "boot-$Which" -Image $image
        $server.BootMethod | Should -Be 'Clone'
        $disk = Get-RbdImage $server.RootDisk
        "$($disk.Parent)" | Should -Be "openstack/$($image.Id)@snap"
        $disk.Overlap | Should -Be $Size
        $disk.Size | Should -Be $Size -Because 'the root disk is the image''s size, no larger flavor was asked for'
        Get-RbdUsedBytes $server.RootDisk | Should -Be 0
        Get-BytesHash (Read-RbdImage $server.RootDisk -Offset (512 * $MiB) -Length (8 * $MiB)) | Should -Be (Get-BytesHash $writes[1].Data)
    }

    It 'the two disks hold the same (nothing), whatever the image size; the images keep their 16 MiB' {
        $disks = @(Get-NovaServer | ForEach-Object RootDisk)
        $disks | Should -HaveCount 2
        $disks | ForEach-Object { Get-RbdUsedBytes $_ } | Should -Be @(0, 0)
        Get-RbdUsedBytes "openstack/$($small.Id)" | Should -Be (16 * $MiB)
        Get-RbdUsedBytes "openstack/$($large.Id)" | Should -Be (16 * $MiB)
    }

    It 'what the guest writes is all a disk holds: one 64 KiB write copies up one 4 MiB object' {
        $disk = (Get-NovaServer -Name boot-large).RootDisk
        Write-RbdImage $disk -Offset (9GB) -Data (New-TestBytes -Length 65536 -Seed 303)
        Get-RbdUsedBytes $disk | Should -Be (4 * $MiB)
        Get-RbdUsedBytes "openstack/$($large.Id)" | Should -Be (16 * $MiB) -Because 'the parent is never written'
    }

    It 'a larger flavor (-RootGB) only resizes the clone: still no data copied' {
        $server = New-NovaServer -Name boot-bigger -Image $small -RootGB 20
        $disk = Get-RbdImage $server.RootDisk
        $disk.Size | Should -Be 20GB
        $disk.Overlap | Should -Be 1GB
        Get-RbdUsedBytes $server.RootDisk | Should -Be 0
    }
}

Describe '4. Why does a server snapshot take minutes but a volume snapshot seconds?' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore
        $base = New-FastGlanceImage -Name base -Size 1GB -Writes @(@{ Offset = [uint64]0; Data = (New-TestBytes -Length (8 * $MiB) -Seed 401) })
        $server = New-NovaServer -Name web -Image $base
        Write-RbdImage $server.RootDisk -Offset (64 * $MiB) -Data (New-TestBytes -Length (8 * $MiB) -Seed 402)
        $state = @{}
    }

    It 'New-NovaServerSnapshot: -Verbose shows snap + protect, clone into Glance''s pool, then flatten' {
        $verbose = Get-VerboseText { $state.Image = New-NovaServerSnapshot -Server $server -Name web-snap -Verbose }
        $verbose | Should -Match (Get-RbdCommandPattern "rbd -p openstack snap protect $($server.Id)_disk@\w+")
        $verbose | Should -Match (Get-RbdCommandPattern "rbd clone openstack/$($server.Id)_disk@\w+ openstack/$($state.Image.Id)")
        $verbose | Should -Match (Get-RbdCommandPattern "rbd -p openstack flatten $($state.Image.Id)")
        $state.Image.Status | Should -Be 'active'
        $state.Image.Location | Should -Be (Get-GlanceRbdLocation -ImageId $state.Image.Id)
    }

    It 'the new Glance image has no parent and holds a full copy of the disk''s data (the slow part)' {
        $spec = "openstack/$($state.Image.Id)"
        (Get-RbdImage $spec).Parent | Should -BeNullOrEmpty
        Get-RbdUsedBytes $spec | Should -Be (16 * $MiB) -Because 'flatten copied the 8 MiB read from the base image and the 8 MiB the server wrote'
        (Get-RbdSnapshot $spec).Name | Should -Be @('snap')
        (Get-RbdSnapshot $spec).Protected | Should -Be @($true)
        Get-RbdDataHash $spec | Should -Be (Get-RbdDataHash $server.RootDisk)
    }

    It 'the temporary snapshot of the disk is gone; the disk is still a clone of the base image' {
        @(Get-RbdSnapshot $server.RootDisk) | Should -HaveCount 0
        "$((Get-RbdImage $server.RootDisk).Parent)" | Should -Be "openstack/$($base.Id)@snap"
    }

    It 'New-CinderSnapshot only adds a protected snapshot-{id}: no new image, nothing copied' {
        $volume = New-CinderVolume -Name data -SizeGB 1
        Write-RbdImage $volume.RbdImage -Offset 0 -Data (New-TestBytes -Length (8 * $MiB) -Seed 403)
        $imagesBefore = @(Get-RbdImage openstack).Spec
        $usedBefore = Get-RbdUsedBytes $volume.RbdImage

        $snapshot = New-CinderSnapshot -Volume $volume -Name data-snap
        $snapshot.VolumeId | Should -Be $volume.Id
        $snaps = @(Get-RbdSnapshot $volume.RbdImage)
        $snaps.Name | Should -Be @("snapshot-$($snapshot.Id)")
        $snaps[0].Protected | Should -BeTrue
        @(Get-RbdImage openstack).Spec | Should -Be $imagesBefore
        Get-RbdUsedBytes $volume.RbdImage | Should -Be $usedBefore -Because 'a snapshot copies nothing (copy-on-write afterwards)'
    }
}

Describe '5. Why can''t an image be deleted while servers exist?' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore
        $image = New-GlanceImage -Name cirros -Path (New-TestImageFile -Length (8 * $MiB) -Seed 501)
        $server = New-NovaServer -Name vm1 -Image $image
    }

    It 'Remove-GlanceImage is refused with InUseByStore, naming the server' {
        $before = Get-OpenStackState
        $e = Assert-RbdError { Remove-GlanceImage $image -Confirm:$false } -ErrorId InUseByStore -Target $image.Id
        $e.FullyQualifiedErrorId | Should -BeLike 'InUseByStore*'
        $e.Exception.Message | Should -BeLike "*server 'vm1' ($($server.Id))*"
        Get-OpenStackState | Should -Be $before -Because 'a refused delete changes nothing'
    }

    It 'the image, its snapshot and the protection are intact' {
        (Get-GlanceImage $image.Id).Status | Should -Be 'active'
        $snap = Get-RbdSnapshot "openstack/$($image.Id)"
        $snap.Name | Should -Be 'snap'
        $snap.Protected | Should -BeTrue
        @(Get-RbdChild "openstack/$($image.Id)@snap").Spec | Should -Be @($server.RootDisk)
    }

    It 'Get-RbdLineage answers in one line: the server vm1 keeps the image alive' {
        $kept = @(Get-RbdLineage "openstack/$($image.Id)" | Where-Object { -not $_.IsSnapshot -and $_.Depth -gt 0 })
        @($kept | ForEach-Object { "$($_.OpenStackKind) $($_.OpenStackName) $($_.OpenStackId) $($_.Spec)" }) |
            Should -Be @("NovaRootDisk vm1 $($server.Id) $($server.RootDisk)")
    }

    It 'after Remove-NovaServer the delete succeeds and the rbd image is gone' {
        Remove-NovaServer $server -Confirm:$false
        { Get-RbdImage $server.RootDisk } | Should -Throw -ErrorId 'ImageNotFound*'
        Remove-GlanceImage $image -Confirm:$false
        { Get-RbdImage "openstack/$($image.Id)" } | Should -Throw -ErrorId 'ImageNotFound*'
        { Get-GlanceImage $image.Id } | Should -Throw -ErrorId 'GlanceImageNotFound*'
        @(Get-RbdImage openstack) | Should -HaveCount 0
    }
}

Describe '6. Why restore a backup into an empty volume rather than over an existing one?' -Tag OpenStack {
    BeforeAll {
        # The backup cluster is a second store (cinder.conf backup_ceph_conf); the main store is connected last.
        $root = New-RbdTestRoot
        $backupCluster = New-RbdTestStore -Root $root -Name 'backup-cluster' -Pool cinder_backup
        $null = New-OpenStackTestStore -Root $root
        Set-OpenStackRbdConfig -BackupCluster $backupCluster

        $volume = New-CinderVolume -Name db -SizeGB 1
        $model = [RbdTest.ImageModel]::new(1GB)
        function Write-Volume([string]$Spec, [uint64]$Offset, [int]$Length, [int]$Seed, $Model) {
            $data = New-TestBytes -Length $Length -Seed $Seed
            Write-RbdImage $Spec -Offset $Offset -Data $data
            if ($Model) { $Model.Write($Offset, $data) }
        }
        $state = @{}
    }

    It 'the first backup creates volume-{id}.backup.base in cinder_backup on the backup cluster' {
        Write-Volume $volume.RbdImage 0 (8 * $MiB) 601 $model
        $state.Hash1 = $model.Hash()
        $b1 = Backup-CinderVolume $volume
        $b1.VolumeId | Should -Be $volume.Id
        $b1.IsIncremental | Should -BeFalse
        $b1.BaseImage | Should -Be "cinder_backup/volume-$($volume.Id).backup.base"
        $b1.SnapshotName | Should -Match "^backup\.$($b1.Id)\.snap\.[0-9.]+$"
        (Get-RbdImage $b1.BaseImage -Cluster $backupCluster).Size | Should -Be 1GB
        { Get-RbdImage $b1.BaseImage } | Should -Throw -ErrorId 'ImageNotFound*' -Because 'the base lives on the backup cluster only'
        $state.B1 = $b1
    }

    It 'an incremental backup adds a snapshot to the base; the volume keeps only the newest backup snapshot' {
        Write-Volume $volume.RbdImage (300 * $MiB) (4 * $MiB) 602 $model
        $state.Hash2 = $model.Hash()
        $b2 = Backup-CinderVolume $volume -Incremental
        $b2.IsIncremental | Should -BeTrue
        $b2.ParentId | Should -Be $state.B1.Id
        $b2.BaseImage | Should -Be $state.B1.BaseImage
        @(Get-RbdSnapshot $b2.BaseImage -Cluster $backupCluster).Name | Should -Be @($state.B1.SnapshotName, $b2.SnapshotName)
        @(Get-RbdSnapshot $volume.RbdImage).Name | Should -Be @($b2.SnapshotName)
        Invoke-OnCluster $backupCluster { Get-RbdDataHash "$($b2.BaseImage)@$($state.B1.SnapshotName)" } | Should -Be $state.Hash1
        Invoke-OnCluster $backupCluster { Get-RbdDataHash "$($b2.BaseImage)@$($b2.SnapshotName)" } | Should -Be $state.Hash2
        $state.B2 = $b2
    }

    It 'with no -Volume a new empty volume is created and the fast Diff path is taken (<Which>)' -ForEach @(
        @{ Which = 'B2'; HashKey = 'Hash2' }
        @{ Which = 'B1'; HashKey = 'Hash1' }
    ) {
        $restore = Restore-CinderBackup $state[$Which]
        $restore.Method | Should -Be 'Diff'
        $restore.BackupId | Should -Be $state[$Which].Id
        $target = Get-CinderVolume $restore.VolumeId
        $target.SizeGB | Should -Be 1
        Get-RbdDataHash $target.RbdImage | Should -Be $state[$HashKey]
    }

    It 'into the source volume itself: Full (a chunked copy), and the data is the backup''s again' {
        Write-Volume $volume.RbdImage (700 * $MiB) (4 * $MiB) 603 $null
        $restore = Restore-CinderBackup $state.B2 -Volume $volume
        $restore.Method | Should -Be 'Full'
        $restore.VolumeId | Should -Be $volume.Id
        Get-RbdDataHash $volume.RbdImage | Should -Be $state.Hash2
    }

    It 'into a volume that holds data: Full, and nothing of the old data is left' {
        $used = New-CinderVolume -Name scratch -SizeGB 1
        Write-Volume $used.RbdImage (900 * $MiB) (4 * $MiB) 604 $null
        $restore = Restore-CinderBackup $state.B2 -Volume $used
        $restore.Method | Should -Be 'Full'
        Get-RbdDataHash $used.RbdImage | Should -Be $state.Hash2
    }

    It 'into an empty volume: Diff (only the backup''s extents move)' {
        $empty = New-CinderVolume -Name fresh -SizeGB 1
        $restore = Restore-CinderBackup $state.B2 -Volume $empty
        $restore.Method | Should -Be 'Diff'
        Get-RbdDataHash $empty.RbdImage | Should -Be $state.Hash2
        Get-RbdHeadUsedBytes $empty.RbdImage | Should -Be 0 -Because 'import-diff ends with the restore point as a snapshot; the head holds nothing new'
    }

    It 'without a backup cluster set, the base lives in cinder_backup of the same cluster' {
        $null = New-OpenStackTestStore -Name 'same-cluster'
        $v = New-CinderVolume -Name local -SizeGB 1
        Write-Volume $v.RbdImage 0 (4 * $MiB) 605 $null
        $b = Backup-CinderVolume $v
        (Get-RbdImage $b.BaseImage).Name | Should -Be "volume-$($v.Id).backup.base"
        (Restore-CinderBackup $b).Method | Should -Be 'Diff'
    }
}

Describe '7. After creating a volume from an image, can the image be deleted?' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore
        $file = New-TestImageFile -Length (8 * $MiB) -Seed 701
        $image = New-GlanceImage -Name ubuntu -Path $file
        $volume = New-CinderVolume -Name from-image -Image $image
    }

    It 'the volume''s rbd image is a clone of glance/{image id}@snap' {
        $volume.ImageId | Should -Be $image.Id
        $rbd = Get-RbdImage $volume.RbdImage
        "$($rbd.Parent)" | Should -Be "openstack/$($image.Id)@snap"
        $rbd.Size | Should -Be 1GB -Because 'Cinder sizes are whole GB'
        Get-RbdUsedBytes $volume.RbdImage | Should -Be 0
    }

    It 'Get-RbdLineage answers in one line: the volume from-image keeps the image alive' {
        $kept = @(Get-RbdLineage "openstack/$($image.Id)" | Where-Object { -not $_.IsSnapshot -and $_.Depth -gt 0 })
        @($kept | ForEach-Object { "$($_.OpenStackKind) $($_.OpenStackName) $($_.Spec)" }) |
            Should -Be @("CinderVolume from-image $($volume.RbdImage)")
    }

    It 'deleting the image is refused with InUseByStore, naming the volume; nothing changes' {
        $before = Get-OpenStackState
        $e = Assert-RbdError { Remove-GlanceImage $image -Confirm:$false } -ErrorId InUseByStore
        $e.Exception.Message | Should -BeLike "*volume 'from-image' ($($volume.Id))*"
        Get-OpenStackState | Should -Be $before
    }

    It 'after Invoke-RbdFlatten of the volume the image deletes, and the volume keeps its data' {
        $hash = Get-RbdDataHash $volume.RbdImage
        Invoke-RbdFlatten $volume.RbdImage
        (Get-RbdImage $volume.RbdImage).Parent | Should -BeNullOrEmpty
        Remove-GlanceImage $image -Confirm:$false
        { Get-RbdImage "openstack/$($image.Id)" } | Should -Throw -ErrorId 'ImageNotFound*'
        Get-RbdDataHash $volume.RbdImage | Should -Be $hash
    }

    It 'or after removing the volume, the image deletes too' {
        $other = New-GlanceImage -Name debian -Path $file
        $v = New-CinderVolume -Name from-debian -Image $other
        Assert-RbdError { Remove-GlanceImage $other -Confirm:$false } -ErrorId InUseByStore | Out-Null
        Remove-CinderVolume $v -Confirm:$false
        { Get-RbdImage $v.RbdImage } | Should -Throw -ErrorId 'ImageNotFound*'
        Remove-GlanceImage $other -Confirm:$false
        { Get-GlanceImage $other.Id } | Should -Throw -ErrorId 'GlanceImageNotFound*'
    }
}
