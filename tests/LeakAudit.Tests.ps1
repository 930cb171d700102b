# Find-RbdLeak / Remove-RbdLeak as a runbook: a cluster that OpenStack has been using (and misusing) for a while,
# the audit of exactly what it left behind, a -WhatIf cleanup that changes nothing, and the real cleanup, after
# which the audit finds nothing and everything still in use is intact.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'OpenStackHelpers.ps1')
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'The leak audit of a messy OpenStack cluster' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore -Name leaks
        Set-OpenStackRbdConfig -RbdDestroyVolumeRetries 0
        $image = New-FastGlanceImage -Name cirros -Size 8MB -Writes @(@{ Offset = 0; Data = (New-TestBytes -Length 4096 -Seed 9) })
        $vm1 = New-NovaServer -Name vm1 -Image $image
        $vm2 = New-NovaServer -Name vm2 -Image $image
        $snapshot = New-NovaServerSnapshot -Server $vm1 -Name vm1-snap
        $v1 = New-CinderVolume -Name v1 -Image $image
        $v2 = New-CinderVolume -Name v2 -SourceVolume $v1
        $s1 = New-CinderSnapshot -Volume $v1 -Name s1
        $v3 = New-CinderVolume -Name v3 -Snapshot $s1
        $null = Backup-CinderVolume -Volume $v1
        # A server snapshot that died after its first step: Nova's uuid4().hex snapshot, protected, never cloned.
        $novaSnap = [guid]::NewGuid().ToString('N')
        $null = New-RbdSnapshot "$($vm1.RootDisk)@$novaSnap"
        Protect-RbdSnapshot "$($vm1.RootDisk)@$novaSnap"
        # A failed backup that left its snapshot on the volume.
        $failedBackup = "backup.$([guid]::NewGuid()).snap.1000.00"
        $null = New-RbdSnapshot "$($v1.RbdImage)@$failedBackup"
        # A volume deleted while it had clones (kept as .deleted), whose clone was flattened afterwards.
        $v5 = New-CinderVolume -Name v5 -Image $image
        $v6 = New-CinderVolume -Name v6 -SourceVolume $v5
        Remove-CinderVolume $v5 -Confirm:$false -WarningAction SilentlyContinue
        Invoke-RbdFlatten $v6.RbdImage
        # An interrupted delete: the volume's image went, Cinder's record did not.
        $v7 = New-CinderVolume -Name v7
        Remove-RbdImage $v7.RbdImage -Confirm:$false
        # A rescue clone of vm2's disk keeps the disk busy, so deleting vm2 leaves its disk behind.
        $null = New-RbdSnapshot "$($vm2.RootDisk)@rescue"
        Protect-RbdSnapshot "$($vm2.RootDisk)@rescue"
        Copy-RbdClone "$($vm2.RootDisk)@rescue" openstack/vm2-rescue
        $null = Remove-NovaServer $vm2 -Confirm:$false -WarningAction SilentlyContinue
        $inUse = @("openstack/$($image.Id)", "openstack/$($snapshot.Id)", $vm1.RootDisk, $v1.RbdImage, $v2.RbdImage, $v3.RbdImage,
            $v6.RbdImage, "cinder_backup/volume-$($v1.Id).backup.base")
        $expected = @(
            "UnaccountedImage openstack/vm2-rescue"
            "UnusedTemporarySnapshot $($vm1.RootDisk)@$novaSnap"
            "StaleBackupSnapshot $($v1.RbdImage)@$failedBackup"
            "DeletedVolumeWithoutClones openstack/volume-$($v5.Id).deleted"
            "OrphanedServerDisk $($vm2.RootDisk)"
            "RecordWithoutImage $($v7.RbdImage)"
        )
    }

    It 'reports exactly what was left behind, each with why and its rbd steps' {
        $findings = @(Find-RbdLeak)
        @($findings | ForEach-Object { "$($_.Kind) $($_.Spec)" } | Sort-Object) | Should -Be @($expected | Sort-Object)
        $findings | ForEach-Object { $_ | Should -BeOfType RbdPowerShell.Engine.OpenStack.LeakFinding; $_.Reason | Should -Not -BeNullOrEmpty }
        ($findings | Where-Object Kind -EQ OrphanedServerDisk).Steps | Should -Be @(
            "rbd snap unprotect $($vm2.RootDisk)@rescue", "rbd snap rm $($vm2.RootDisk)@rescue", "rbd rm $($vm2.RootDisk)")
        ($findings | Where-Object Kind -EQ StaleBackupSnapshot).Reason | Should -BeLike '*has no record*'
        ($findings | Where-Object Kind -EQ RecordWithoutImage).Steps | Should -Be @("# forget the CinderVolume record $($v7.Id): $($v7.RbdImage) is gone")
        $order = @($findings.Spec)
        $order.IndexOf('openstack/vm2-rescue') | Should -BeLessThan $order.IndexOf($vm2.RootDisk) -Because 'the clone goes before the disk it keeps busy'
    }

    It '-Kind keeps only findings of those kinds' {
        @(Find-RbdLeak -Kind OrphanedServerDisk, RecordWithoutImage).Spec | Should -Be @($vm2.RootDisk, $v7.RbdImage)
    }

    It 'Remove-RbdLeak -WhatIf prints every rbd step and changes nothing' {
        $before = Get-OpenStackState
        $findings = @(Find-RbdLeak)
        $lines = Get-WhatIfLine { $findings | Remove-RbdLeak -WhatIf }
        $lines | Should -Be @($findings.Steps | ForEach-Object { Get-RbdCommandPattern -Pattern $_ -Literal })
        $lines | Should -Contain (Get-RbdCommandPattern -Pattern "rbd rm openstack/volume-$($v5.Id).deleted" -Literal)
        Get-OpenStackState | Should -Be $before
    }

    It 'refuses a cleanup that would break a clone made since the audit (LeakHasClones)' {
        $finding = Find-RbdLeak -Kind UnusedTemporarySnapshot
        Copy-RbdClone $finding.Spec openstack/late-clone
        $before = Get-OpenStackState
        Assert-RbdError { $finding | Remove-RbdLeak -Confirm:$false } -ErrorId LeakHasClones -Target $finding.Spec | Out-Null
        Get-OpenStackState | Should -Be $before
        Remove-RbdImage openstack/late-clone -Confirm:$false
    }

    It 'the real cleanup leaves nothing for the audit and touches nothing in use' {
        $hashes = @{}
        foreach ($spec in $inUse) { $hashes[$spec] = Get-RbdDataHash $spec -Length 1MB }
        Find-RbdLeak | Remove-RbdLeak -Confirm:$false
        @(Find-RbdLeak) | Should -HaveCount 0
        foreach ($spec in $inUse) { Get-RbdDataHash $spec -Length 1MB | Should -Be $hashes[$spec] -Because "$spec is in use" }
        { Get-CinderVolume $v7.Id } | Should -Throw -ErrorId 'CinderVolumeNotFound*'
        (Get-CinderBackup).VolumeId | Should -Be @($v1.Id)
        Assert-RbdStoreHealthy
    }
}

Describe 'The leak audit of a cluster OpenStack populated with rbd alone (no records)' -Tag OpenStack, CephOnly {
    # CephOnly: the images are made by the rbd command line, as OpenStack's services make them, in the test's
    # namespace; only the naming conventions can tell what they are.
    BeforeAll {
        $cluster = New-OpenStackTestStore -Name cli
        # pool/namespace/image specs: with --namespace, rbd clone would put the clone in the default namespace.
        $rbd = { & rbd --conf $env:CEPH_CONF @args 2>&1; if ($LASTEXITCODE) { throw "rbd $args failed" } }
        $o = "openstack/$($cluster.Namespace)"; $b = "cinder_backup/$($cluster.Namespace)"
        $glance = [guid]::NewGuid().ToString(); $server = [guid]::NewGuid().ToString(); $vol = [guid]::NewGuid().ToString()
        $gone = [guid]::NewGuid().ToString(); $nova = [guid]::NewGuid().ToString('N')
        $null = & $rbd create --size 8M "$o/$glance"
        $null = & $rbd snap create "$o/$glance@snap"
        $null = & $rbd snap protect "$o/$glance@snap"
        $null = & $rbd clone "$o/$glance@snap" "$o/${server}_disk"
        $null = & $rbd snap create "$o/${server}_disk@$nova"
        $null = & $rbd snap protect "$o/${server}_disk@$nova"
        $null = & $rbd clone "$o/$glance@snap" "$o/volume-$vol"
        $null = & $rbd snap create "$o/volume-$vol@backup.$([guid]::NewGuid()).snap.1500000000.10"
        $null = & $rbd snap create "$o/volume-$vol@backup.$([guid]::NewGuid()).snap.1500000900.20"
        $null = & $rbd create --size 1M "$b/volume-$vol.backup.base"
        $null = & $rbd create --size 1M "$b/volume-$gone.backup.base"
        $null = & $rbd create --size 1M "$o/volume-$gone.deleted"
        $null = & $rbd create --size 1M "$o/scratch"
    }

    It 'lineage types every image by its name alone' {
        $kinds = @{}; Get-RbdLineage | ForEach-Object { $kinds[$_.Spec] = "$($_.OpenStackKind)" }
        $kinds["openstack/$glance"] | Should -Be GlanceImage
        $kinds["openstack/$glance@snap"] | Should -Be GlanceSnapshot
        $kinds["openstack/${server}_disk"] | Should -Be NovaRootDisk
        $kinds["openstack/${server}_disk@$nova"] | Should -Be TemporarySnapshot
        $kinds["openstack/volume-$vol"] | Should -Be CinderVolume
        $kinds["cinder_backup/volume-$vol.backup.base"] | Should -Be BackupBase
        $kinds["openstack/volume-$gone.deleted"] | Should -Be DeletedVolume
        $kinds['openstack/scratch'] | Should -Be Unknown
    }

    It 'the audit finds what the names say is left over, and the cleanup leaves nothing' {
        $older = @(& $rbd snap ls "$o/volume-$vol" --format json | ConvertFrom-Json | Where-Object name -Like '*.1500000000.10').name
        @(Find-RbdLeak | ForEach-Object { "$($_.Kind) $($_.Spec)" } | Sort-Object) | Should -Be @(@(
                "UnusedTemporarySnapshot openstack/${server}_disk@$nova"
                "StaleBackupSnapshot openstack/volume-$vol@$older"
                "OrphanedBackupBase cinder_backup/volume-$gone.backup.base"
                "DeletedVolumeWithoutClones openstack/volume-$gone.deleted"
                "UnaccountedImage openstack/scratch"
            ) | Sort-Object)
        Find-RbdLeak | Remove-RbdLeak -Confirm:$false
        @(Find-RbdLeak) | Should -HaveCount 0
        (& $rbd ls $o) | Sort-Object | Should -Be (@($glance, "${server}_disk", "volume-$vol") | Sort-Object)
    }
}
