# The Glance, Nova and Cinder cmdlets as PowerShell commands: -WhatIf prints each workflow's rbd command lines
# (the seed's section 5 blocks) and changes nothing, -Verbose prints them as they run, records flow through
# pipelines, and the OpenStack settings live with the cluster (a new session sees them).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'OpenStackHelpers.ps1')
    $MiB = 1MB
}

AfterAll {
    Remove-RbdTestRoot
}

Describe '-WhatIf prints the rbd command lines of each workflow and changes nothing' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore -Name 'whatif-store'
        $file = New-TestImageFile -Length (8 * $MiB) -Seed 801
        $image = New-GlanceImage -Name cirros -Path $file
        $unused = New-GlanceImage -Name unused -Path $file
        $queued = New-GlanceImage -Name queued
        $queuedSpec = "openstack/$($queued.Id)"
        $null = New-RbdImage $queuedSpec -Size 8M
        $null = New-RbdSnapshot "$queuedSpec@snap"
        Protect-RbdSnapshot "$queuedSpec@snap"
        $server = New-NovaServer -Name web -Image $image
        $volume = New-CinderVolume -Name data -SizeGB 1
        Write-RbdImage $volume.RbdImage -Offset 0 -Data (New-TestBytes -Length (4 * $MiB) -Seed 802)
        $snapshot = New-CinderSnapshot -Volume $volume -Name data-snap
        $backup = Backup-CinderVolume -Volume $volume
        $spare = New-CinderVolume -Name spare -SizeGB 1
        $img = $image.Id
        $disk = "$($server.Id)_disk"
        $vol = "volume-$($volume.Id)"
    }
    BeforeEach {
        $before = Get-OpenStackState
    }
    AfterEach {
        Get-OpenStackState | Should -Be $before -Because '-WhatIf must not change the store or the OpenStack records'
    }

    It '<Command> -WhatIf' -ForEach @(
        @{ Command = 'New-GlanceImage -Path'; Action = { New-GlanceImage cirros2 -Path $file -WhatIf }
            Pattern = { '^rbd -p openstack create --size 8M --object-size 8M [0-9a-f-]{36}$', '^rbd -p openstack snap protect [0-9a-f-]{36}@snap$' } }
        @{ Command = 'New-GlanceImage (queued)'; Action = { New-GlanceImage later -WhatIf }; Pattern = { '^# glance image-create --name later' } }
        @{ Command = 'Add-GlanceImageLocation'; Action = { Add-GlanceImageLocation $queued (Get-GlanceRbdLocation $queued.Id) -WhatIf }
            Pattern = { "^# glance location-add --url rbd://\S+/openstack/$($queued.Id)/snap $($queued.Id)$" } }
        @{ Command = 'Remove-GlanceImage'; Action = { Remove-GlanceImage $unused -WhatIf }
            Pattern = { "^rbd -p openstack snap unprotect $($unused.Id)@snap$", "^rbd -p openstack snap rm $($unused.Id)@snap$", "^rbd -p openstack rm $($unused.Id)$" } }
        @{ Command = 'New-NovaServer'; Action = { New-NovaServer web2 -Image $image -WhatIf }
            Pattern = { "^rbd clone openstack/$img@snap openstack/[0-9a-f-]{36}_disk$" } }
        @{ Command = 'New-NovaServerSnapshot'; Action = { New-NovaServerSnapshot $server web-snap -WhatIf }
            Pattern = { "^rbd -p openstack snap create $disk@\w+$", "^rbd clone openstack/$disk@\w+ openstack/[0-9a-f-]{36}$",
            '^rbd -p openstack flatten [0-9a-f-]{36}$', "^rbd -p openstack snap rm $disk@\w+$", '^rbd -p openstack snap protect [0-9a-f-]{36}@snap$' } }
        @{ Command = 'Remove-NovaServer'; Action = { Remove-NovaServer $server -WhatIf }; Pattern = { "^rbd -p openstack rm $disk$" } }
        @{ Command = 'New-CinderVolume (blank)'; Action = { New-CinderVolume blank -SizeGB 2 -WhatIf }
            Pattern = { '^rbd -p openstack create --new-format --size 2048M volume-[0-9a-f-]{36}$' } }
        @{ Command = 'New-CinderVolume -Image'; Action = { New-CinderVolume boot -Image $image -WhatIf }
            Pattern = { "^rbd clone openstack/$img@snap openstack/volume-[0-9a-f-]{36}$" } }
        @{ Command = 'New-CinderVolume -SourceVolume'; Action = { New-CinderVolume copy -SourceVolume $volume -WhatIf }
            Pattern = { "^rbd -p openstack snap create $vol@volume-[0-9a-f-]{36}\.clone_snap$", "^rbd clone openstack/$vol@volume-[0-9a-f-]{36}\.clone_snap openstack/volume-[0-9a-f-]{36}$" } }
        @{ Command = 'New-CinderVolume -Snapshot'; Action = { New-CinderVolume fromsnap -Snapshot $snapshot -WhatIf }
            Pattern = { "^rbd clone openstack/$vol@snapshot-$($snapshot.Id) openstack/volume-[0-9a-f-]{36}$" } }
        @{ Command = 'New-CinderSnapshot'; Action = { New-CinderSnapshot $volume snap2 -WhatIf }
            Pattern = { "^rbd -p openstack snap create $vol@snapshot-[0-9a-f-]{36}$", "^rbd -p openstack snap protect $vol@snapshot-[0-9a-f-]{36}$" } }
        @{ Command = 'Backup-CinderVolume -Incremental'; Action = { Backup-CinderVolume $volume -Incremental -WhatIf }
            Pattern = { "^rbd export-diff --pool openstack --from-snap $([regex]::Escape($backup.SnapshotName)) openstack/$vol@backup\.[0-9a-f-]{36}\.snap\.[0-9.]+ - \| rbd import-diff --pool cinder_backup - cinder_backup/$vol\.backup\.base$" } }
        @{ Command = 'Restore-CinderBackup (new volume)'; Action = { Restore-CinderBackup $backup -WhatIf }
            Pattern = { "^rbd export-diff --pool cinder_backup cinder_backup/$vol\.backup\.base@$([regex]::Escape($backup.SnapshotName)) - \| rbd import-diff --pool openstack - openstack/volume-[0-9a-f-]{36}$" } }
        @{ Command = 'Restore-CinderBackup -Volume (source)'; Action = { Restore-CinderBackup $backup -Volume $volume -WhatIf }; Pattern = { '^# full restore' } }
        @{ Command = 'Remove-CinderSnapshot'; Action = { Remove-CinderSnapshot $snapshot -WhatIf }
            Pattern = { "^rbd snap unprotect openstack/$vol@snapshot-$($snapshot.Id)$", "^rbd snap rm openstack/$vol@snapshot-$($snapshot.Id)$" } }
        @{ Command = 'Remove-CinderVolume'; Action = { Remove-CinderVolume $spare -WhatIf }; Pattern = { "^rbd -p openstack rm volume-$($spare.Id)$" } }
        @{ Command = 'Remove-CinderBackup'; Action = { Remove-CinderBackup $backup -WhatIf }; Pattern = { "^rbd -p cinder_backup (snap rm|rm) $vol\.backup\.base" } }
    ) {
        $lines = Get-WhatIfLine $Action
        foreach ($p in & $Pattern) {
            $p = Get-RbdCommandPattern $p
            @($lines | Where-Object { $_ -match $p }) | Should -Not -BeNullOrEmpty -Because "-WhatIf printed:`n$($lines -join "`n")"
        }
    }

    It 'Set-OpenStackRbdConfig -WhatIf leaves the settings as they were' {
        $settings = Get-OpenStackRbdConfig | Out-String
        Set-OpenStackRbdConfig -RbdMaxCloneDepth 1 -CinderPool elsewhere -WhatIf
        Get-OpenStackRbdConfig | Out-String | Should -Be $settings
    }
}

Describe 'the fingerprint the -WhatIf checks compare does see a workflow run' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore -Name 'fingerprint-store'
        $volume = New-CinderVolume -Name v -SizeGB 1
    }

    It '<Step> changes it' -ForEach @(
        @{ Step = 'a new record and rbd image'; Action = { New-CinderVolume w -SizeGB 1 } }
        @{ Step = 'data written to a volume'; Action = { Write-RbdImage $volume.RbdImage -Offset 0 -Data (New-TestBytes -Length 4096 -Seed 9) } }
        @{ Step = 'a snapshot'; Action = { New-CinderSnapshot $volume s } }
    ) {
        $before = Get-OpenStackState
        $null = & $Action
        Get-OpenStackState | Should -Not -Be $before
    }
}

Describe '-Verbose prints the seed''s command lines as they run' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore -Name 'verbose-store'
        $file = New-TestImageFile -Length (8 * $MiB) -Seed 811
        $run = @{}
    }

    # In order: each step uses what the ones before made.
    It '<Command>' -ForEach @(
        @{ Command = 'New-GlanceImage -Path'; Action = { $run.Image = New-GlanceImage cirros -Path $file -Verbose }
            Pattern = { "rbd -p openstack create --size 8M --object-size 8M $($run.Image.Id)", "rbd -p openstack snap create $($run.Image.Id)@snap", "rbd -p openstack snap protect $($run.Image.Id)@snap" } }
        @{ Command = 'New-NovaServer'; Action = { $run.Server = New-NovaServer web -Image $run.Image -Verbose }
            Pattern = { "rbd clone openstack/$($run.Image.Id)@snap openstack/$($run.Server.Id)_disk" } }
        @{ Command = 'New-NovaServerSnapshot'; Action = { $run.Snap = New-NovaServerSnapshot $run.Server web-snap -Verbose }
            Pattern = { "rbd -p openstack flatten $($run.Snap.Id)" } }
        @{ Command = 'New-CinderVolume'; Action = { $run.Volume = New-CinderVolume data -SizeGB 1 -Verbose }
            Pattern = { "rbd -p openstack create --new-format --size 1024M volume-$($run.Volume.Id)" } }
        @{ Command = 'New-CinderVolume -SourceVolume'; Action = { $run.Copy = New-CinderVolume copy -SourceVolume $run.Volume -Verbose }
            Pattern = { "rbd clone openstack/volume-$($run.Volume.Id)@volume-$($run.Copy.Id).clone_snap openstack/volume-$($run.Copy.Id)" } }
        @{ Command = 'New-CinderSnapshot'; Action = { $run.Snapshot = New-CinderSnapshot $run.Volume s1 -Verbose }
            Pattern = { "rbd -p openstack snap protect volume-$($run.Volume.Id)@snapshot-$($run.Snapshot.Id)" } }
        @{ Command = 'Backup-CinderVolume'; Action = { $run.Backup = Backup-CinderVolume $run.Volume -Verbose }
            Pattern = { "rbd export-diff --pool openstack openstack/volume-$($run.Volume.Id)@$($run.Backup.SnapshotName) - | rbd import-diff --pool cinder_backup - $($run.Backup.BaseImage)" } }
        @{ Command = 'Restore-CinderBackup'; Action = { $run.Restore = Restore-CinderBackup $run.Backup -Verbose }
            Pattern = { "rbd export-diff --pool cinder_backup $($run.Backup.BaseImage)@$($run.Backup.SnapshotName) - | rbd import-diff --pool openstack - openstack/volume-$($run.Restore.VolumeId)" } }
        @{ Command = 'Remove-NovaServer'; Action = { Remove-NovaServer $run.Server -Confirm:$false -Verbose }
            Pattern = { "rbd -p openstack rm $($run.Server.Id)_disk" } }
        @{ Command = 'Remove-GlanceImage'; Action = { Remove-GlanceImage $run.Image -Confirm:$false -Verbose }
            Pattern = { "rbd -p openstack snap unprotect $($run.Image.Id)@snap", "rbd -p openstack snap rm $($run.Image.Id)@snap", "rbd -p openstack rm $($run.Image.Id)" } }
    ) {
        $text = Get-VerboseText $Action
        foreach ($line in & $Pattern) {
            $text | Should -BeLike "*$([WildcardPattern]::Escape((Get-RbdCommandPattern $line -Literal)))*" -Because "the verbose output was:`n$text"
        }
    }
}

Describe 'pipelines' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore -Name 'pipeline-store'
        $image = New-GlanceImage -Name cirros -Path (New-TestImageFile -Length (4 * $MiB) -Seed 821)
        $null = 'web1', 'web2' | ForEach-Object { New-NovaServer $_ -Image $image }
        $v1 = New-CinderVolume -Name v1 -SizeGB 1
        $null = New-CinderVolume -Name v2 -SizeGB 1
    }

    It 'Get-CinderVolume v1 | Backup-CinderVolume backs up that volume' {
        $backup = Get-CinderVolume v1 | Backup-CinderVolume
        $backup.VolumeId | Should -Be $v1.Id
        @(Get-CinderBackup).Id | Should -Be @($backup.Id)
        @(Get-CinderBackup -VolumeId v1).Id | Should -Be @($backup.Id)
    }

    It 'Get-CinderVolume | New-CinderSnapshot -Name s snapshots every volume' {
        $snaps = @(Get-CinderVolume | New-CinderSnapshot -Name s)
        $snaps | Should -HaveCount 2
        foreach ($s in $snaps) {
            (Get-RbdSnapshot (Get-CinderVolume $s.VolumeId).RbdImage | Where-Object Name -EQ "snapshot-$($s.Id)").Protected | Should -BeTrue
        }
    }

    It 'Get-NovaServer | Remove-NovaServer removes every server and its disk' {
        @(Get-NovaServer) | Should -HaveCount 2
        Get-NovaServer | Remove-NovaServer -Confirm:$false
        @(Get-NovaServer) | Should -HaveCount 0
        @(Get-RbdImage openstack | Where-Object Name -Like '*_disk') | Should -HaveCount 0
        @(Get-RbdChild "openstack/$($image.Id)@snap") | Should -HaveCount 0
    }

    It 'Get-GlanceImage cirros | Remove-GlanceImage then succeeds' {
        Get-GlanceImage -Name cirros | Remove-GlanceImage -Confirm:$false
        @(Get-GlanceImage) | Should -HaveCount 0
    }

    It 'records carry their cluster down the pipeline: Get-CinderVolume -Cluster $other | Remove-CinderVolume acts on $other' {
        $default = Get-RbdCluster
        $other = New-RbdTestStore -Name 'pipeline-other' -Pool openstack
        try {
            $null = New-CinderVolume -Name elsewhere -SizeGB 1 -Cluster $other
            Connect-RbdTestCluster $default | Out-Null
            Get-RbdTestClusterName (Get-CinderVolume -Cluster $other).Cluster | Should -Be (Get-RbdTestClusterName $other)
            Get-CinderVolume -Cluster $other | New-CinderSnapshot -Name s | Remove-CinderSnapshot -Confirm:$false
            Get-CinderVolume -Cluster $other | Remove-CinderVolume -Confirm:$false
            @(Get-CinderVolume -Cluster $other) | Should -HaveCount 0
            @(Get-RbdImage openstack -Cluster $other) | Should -HaveCount 0
            @(Get-CinderVolume).Name | Should -Contain 'v1' -Because 'the default cluster is left alone'
        }
        finally { Connect-RbdTestCluster $default | Out-Null }
    }
}

Describe 'Remove-CinderVolume of a volume that others were cloned from' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore -Name 'deleted-store'
        $source = New-CinderVolume -Name source -SizeGB 1
        Write-RbdImage $source.RbdImage -Offset 0 -Data (New-TestBytes -Length (4 * $MiB) -Seed 831)
        $hash = Get-RbdDataHash $source.RbdImage
        $copy = New-CinderVolume -Name copy -SourceVolume $source
    }

    It 'deletes the record but keeps the image as volume-{id}.deleted, with a warning that names it' {
        Remove-CinderVolume $source -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        @(Get-CinderVolume).Name | Should -Be @('copy')
        "$($warned[0])" | Should -Match ([regex]::Escape("$($source.RbdImage).deleted"))
        (Get-RbdImage $copy.RbdImage).Parent.ToString() | Should -Be "$($source.RbdImage).deleted@volume-$($copy.Id).clone_snap"
        Get-RbdDataHash $copy.RbdImage | Should -Be $hash
    }

    It 'the last clone''s delete takes the .deleted image with it' {
        Remove-CinderVolume $copy -Confirm:$false
        @(Get-RbdImage openstack) | Should -HaveCount 0
    }
}

Describe 'the OpenStack settings live with the cluster' -Tag OpenStack {
    BeforeAll {
        $root = New-RbdTestRoot
        $backupCluster = New-RbdTestStore -Root $root -Name 'settings-backup' -Pool cinder_backup
        $cluster = New-OpenStackTestStore -Root $root -Name 'settings-store'
    }

    It 'Get-OpenStackRbdConfig shows the seed''s defaults' {
        $config = Get-OpenStackRbdConfig
        $config.GlancePool | Should -Be 'openstack'
        $config.NovaPool | Should -Be 'openstack'
        $config.CinderPool | Should -Be 'openstack'
        $config.BackupPool | Should -Be 'cinder_backup'
        $config.RbdMaxCloneDepth | Should -Be 5
        $config.RbdStoreChunkSize | Should -Be (8 * $MiB)
        $config.RbdFlattenVolumeFromSnapshot | Should -BeFalse
    }

    It 'settings persist across Connect-RbdCluster in a new runspace' {
        Set-OpenStackRbdConfig -RbdMaxCloneDepth 3 -RbdFlattenVolumeFromSnapshot $true -RbdStoreChunkSize 4M -BackupCluster $backupCluster
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module `$env:RBDPS_MODULE; `$null = $(Get-RbdTestConnectCommand $cluster); Get-OpenStackRbdConfig")
            $config = @($ps.Invoke())
            $ps.Streams.Error | ForEach-Object { throw "the new runspace failed: $_" }
        }
        finally { $ps.Dispose() }
        $config | Should -HaveCount 1
        $config[0].RbdMaxCloneDepth | Should -Be 3
        $config[0].RbdFlattenVolumeFromSnapshot | Should -BeTrue
        $config[0].RbdStoreChunkSize | Should -Be (4 * $MiB)
        "$($config[0].BackupCluster)" | Should -BeLike "*$($backupCluster.Location)*$($backupCluster.Namespace)*"
    }

    It 'a new Glance upload uses the persisted chunk size (4 MiB objects)' {
        $image = New-GlanceImage -Name chunky -Path (New-TestImageFile -Length (8 * $MiB) -Seed 831)
        (Get-RbdImage "openstack/$($image.Id)").ObjectSize | Should -Be (4 * $MiB)
    }

    It 'a volume from a snapshot is flattened when RbdFlattenVolumeFromSnapshot is set' {
        $v = New-CinderVolume -Name src -SizeGB 1
        $s = New-CinderSnapshot $v s
        $fromSnap = New-CinderVolume -Name flat -Snapshot $s
        (Get-RbdImage $fromSnap.RbdImage).Parent | Should -BeNullOrEmpty
    }

    It 'an invalid setting is refused and nothing is saved' {
        $before = Get-OpenStackRbdConfig | Out-String
        Assert-RbdError { Set-OpenStackRbdConfig -RbdStoreChunkSize 3M } -ErrorId InvalidSetting | Out-Null
        Get-OpenStackRbdConfig | Out-String | Should -Be $before
    }

    It '-Upstream turns on today''s Cinder and Glance deletes; Remove-CinderSnapshot then flattens the clones in the way' {
        $lines = (Get-WhatIfLine { Set-OpenStackRbdConfig -Upstream -WhatIf }) -join "`n"
        $lines | Should -Match 'set RbdPowerShell CinderFlattenOnDelete = true'
        $lines | Should -Match 'set RbdPowerShell GlanceTrashOnDelete = true'
        $config = Set-OpenStackRbdConfig -CinderFlattenOnDelete $true -GlanceTrashOnDelete $true -RbdFlattenVolumeFromSnapshot $false
        @($config.CinderFlattenOnDelete, $config.GlanceTrashOnDelete) | Should -Be @($true, $true)
        $v = New-CinderVolume -Name today -SizeGB 1
        $s = New-CinderSnapshot $v s
        $clone = New-CinderVolume -Name today-clone -Snapshot $s
        (Get-RbdImage $clone.RbdImage).Parent | Should -Not -BeNullOrEmpty
        Remove-CinderSnapshot $s -Confirm:$false
        (Get-RbdImage $clone.RbdImage).Parent | Should -BeNullOrEmpty
        Get-CinderSnapshot | Where-Object Id -eq $s.Id | Should -BeNullOrEmpty
    }
}
