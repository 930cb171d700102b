# How the cmdlets behave as PowerShell commands: -WhatIf/-Confirm, pipelines, -Verbose command lines,
# progress, tab completion, help and the table views a user sees.

BeforeDiscovery {
    $modulePath = if ($env:RBDPS_MODULE) { $env:RBDPS_MODULE } else { Join-Path $PSScriptRoot '../out/RbdPowerShell/RbdPowerShell.psd1' }
    Import-Module $modulePath -Force
    $exportedCommands = @(Get-Command -Module RbdPowerShell -CommandType Cmdlet, Function | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
    # Commands that change state; everything else only reads (or connects).
    $readOnlyVerbs = 'Get', 'Read', 'Test', 'Connect', 'Find'
    $stateChanging = @($exportedCommands | Where-Object { ($_.Name -split '-')[0] -notin $readOnlyVerbs })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $MiB = 1MB
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'the module exports the issue''s cmdlets' {
    It 'exports <_>' -ForEach @(
        'Connect-RbdCluster', 'Get-RbdCluster', 'New-RbdPool', 'Get-RbdPool', 'Remove-RbdPool',
        'New-RbdImage', 'Get-RbdImage', 'Remove-RbdImage', 'Resize-RbdImage', 'Rename-RbdImage', 'Copy-RbdImage',
        'Get-RbdImageUsage', 'Write-RbdImage', 'Read-RbdImage', 'Clear-RbdImage', 'Import-RbdImage', 'Export-RbdImage',
        'New-RbdSnapshot', 'Get-RbdSnapshot', 'Remove-RbdSnapshot', 'Protect-RbdSnapshot', 'Unprotect-RbdSnapshot',
        'Restore-RbdSnapshot', 'Copy-RbdClone', 'Get-RbdChild', 'Invoke-RbdFlatten', 'Test-RbdStore'
    ) {
        Get-Command -Module RbdPowerShell -Name $_ -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty
    }
}

Describe '-WhatIf changes nothing' {
    BeforeAll {
        $null = New-RbdTestStore -Name 'whatif-store' -Pool openstack
        $null = New-RbdImage openstack/img -Size 16M
        Write-RbdImage openstack/img -Offset 0 -Data (New-TestBytes -Length (2 * $MiB) -Seed 1)
        Write-RbdImage openstack/img -Offset (9 * $MiB) -Data (New-TestBytes -Length (1 * $MiB) -Seed 2)
        $null = New-RbdSnapshot openstack/img@keep
        Protect-RbdSnapshot openstack/img@keep
        $null = Copy-RbdClone openstack/img@keep openstack/clone
        Write-RbdImage openstack/clone -Offset (12 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 3)
        $null = New-RbdSnapshot openstack/img@plain
        Write-RbdImage openstack/img -Offset 0 -Data (New-TestBytes -Length (1 * $MiB) -Seed 4)
        $null = New-RbdImage openstack/other -Size 4M
        Write-RbdImage openstack/other -Offset 0 -Data (New-TestBytes -Length 4096 -Seed 5)
        $null = New-RbdSnapshot openstack/other@guarded
        Protect-RbdSnapshot openstack/other@guarded
        $null = New-RbdImage openstack/bare -Size 4M
        $rawFile = Join-Path $TestDrive 'whatif.raw'
        [IO.File]::WriteAllBytes($rawFile, (New-TestBytes -Length (1 * $MiB) -Seed 6))
        $exportFile = Join-Path $TestDrive 'whatif-export.raw'
    }
    BeforeEach {
        $stateBefore = Get-RbdStoreState -WithData
        $filesBefore = Get-FileListing -Path $TestDrive
    }
    AfterEach {
        Get-RbdStoreState -WithData | Should -Be $stateBefore -Because '-WhatIf must not change the store'
        Get-FileListing -Path $TestDrive | Should -Be $filesBefore -Because '-WhatIf must not write files'
    }

    It '<Command> -WhatIf' -ForEach @(
        @{ Command = 'New-RbdPool'; Action = { New-RbdPool newpool -WhatIf } }
        @{ Command = 'Remove-RbdPool'; Action = { Remove-RbdPool openstack -Force -WhatIf } }
        @{ Command = 'New-RbdImage'; Action = { New-RbdImage openstack/new -Size 1G -WhatIf } }
        @{ Command = 'Remove-RbdImage'; Action = { Remove-RbdImage openstack/bare -WhatIf } }
        @{ Command = 'Resize-RbdImage (grow)'; Action = { Resize-RbdImage openstack/img -Size 1G -WhatIf } }
        @{ Command = 'Resize-RbdImage (shrink)'; Action = { Resize-RbdImage openstack/img -Size 4M -AllowShrink -WhatIf } }
        @{ Command = 'Rename-RbdImage'; Action = { Rename-RbdImage openstack/img -NewName renamed -WhatIf } }
        @{ Command = 'Copy-RbdImage'; Action = { Copy-RbdImage openstack/img openstack/copied -WhatIf } }
        @{ Command = 'Write-RbdImage'; Action = { Write-RbdImage openstack/img -Offset 0 -Data (New-TestBytes -Length 8192 -Seed 9) -WhatIf } }
        @{ Command = 'Clear-RbdImage'; Action = { Clear-RbdImage openstack/img -Offset 0 -Length (4 * $MiB) -WhatIf } }
        @{ Command = 'Import-RbdImage'; Action = { Import-RbdImage -Path $rawFile -Spec openstack/imported -WhatIf } }
        @{ Command = 'Export-RbdImage'; Action = { Export-RbdImage openstack/img -Path $exportFile -WhatIf } }
        @{ Command = 'New-RbdSnapshot'; Action = { New-RbdSnapshot openstack/img@new -WhatIf } }
        @{ Command = 'Remove-RbdSnapshot'; Action = { Remove-RbdSnapshot openstack/img@plain -WhatIf } }
        @{ Command = 'Protect-RbdSnapshot'; Action = { Protect-RbdSnapshot openstack/img@plain -WhatIf } }
        @{ Command = 'Unprotect-RbdSnapshot'; Action = { Unprotect-RbdSnapshot openstack/other@guarded -WhatIf } }
        @{ Command = 'Restore-RbdSnapshot'; Action = { Restore-RbdSnapshot openstack/img@plain -WhatIf } }
        @{ Command = 'Copy-RbdClone'; Action = { Copy-RbdClone openstack/img@keep openstack/clone2 -WhatIf } }
        @{ Command = 'Invoke-RbdFlatten'; Action = { Invoke-RbdFlatten openstack/clone -WhatIf } }
        @{ Command = 'Remove-RbdSnapshot from the pipeline'; Action = { Get-RbdSnapshot openstack/img | Remove-RbdSnapshot -WhatIf } }
        @{ Command = 'Remove-RbdImage from the pipeline'; Action = { Get-RbdImage openstack | Remove-RbdImage -WhatIf } }
    ) {
        $e = Get-RbdErrorRecord $Action
        $e | Should -BeNullOrEmpty -Because "-WhatIf is not an error ($($e.Exception.Message))"
    }

    It 'the same operations without -WhatIf do change the store (so the comparison can fail)' {
        Resize-RbdImage openstack/bare -Size 8M
        Get-RbdStoreState -WithData | Should -Not -Be $stateBefore
        Resize-RbdImage openstack/bare -Size 4M -AllowShrink
    }
}

Describe 'every state-changing cmdlet supports ShouldProcess' {
    It '<Name> has -WhatIf and -Confirm' -ForEach $stateChanging {
        $cmd = Get-Command $Name
        $cmd.Parameters.Keys | Should -Contain 'WhatIf'
        $cmd.Parameters.Keys | Should -Contain 'Confirm'
    }
}

Describe 'removals ask for confirmation (ConfirmImpact High)' {
    It '<_> has ConfirmImpact High' -ForEach @('Remove-RbdImage', 'Remove-RbdSnapshot', 'Remove-RbdPool', 'Remove-RbdLeak') {
        $type = (Get-Command $_).ImplementingType
        $type | Should -Not -BeNullOrEmpty
        $attr = $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
        $attr.SupportsShouldProcess | Should -BeTrue
        $attr.ConfirmImpact | Should -Be ([System.Management.Automation.ConfirmImpact]::High)
    }

    It '<_> does not prompt by default (ConfirmImpact below High)' -ForEach @('New-RbdImage', 'New-RbdSnapshot', 'Write-RbdImage', 'Copy-RbdClone', 'Protect-RbdSnapshot') {
        $attr = (Get-Command $_).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
        $attr.ConfirmImpact | Should -BeLessThan ([System.Management.Automation.ConfirmImpact]::High)
    }
}

Describe 'pipelines' {
    BeforeAll {
        $c2 = New-RbdTestStore -Name 'pipe-store-2' -Pool openstack
        $c1 = New-RbdTestStore -Name 'pipe-store-1' -Pool openstack   # connected last: the session default
        foreach ($n in 'a', 'b', 'c') {
            $null = New-RbdImage "openstack/$n" -Size 8M
            Write-RbdImage "openstack/$n" -Offset 0 -Data (New-TestBytes -Length 4096 -Seed ([int][char]$n))
        }
        $null = New-RbdImage openstack/x -Size 4M -Cluster $c2
        $null = New-RbdImage openstack/y -Size 4M -Cluster $c2
    }

    It 'the last Connect-RbdCluster is the session default' {
        Get-RbdTestClusterName (Get-RbdCluster) | Should -Be (Get-RbdTestClusterName $c1)
        @(Get-RbdImage openstack).Name | Sort-Object | Should -Be @('a', 'b', 'c')
        @(Get-RbdImage openstack -Cluster $c2).Name | Sort-Object | Should -Be @('x', 'y')
        Get-RbdTestClusterName $c1 | Should -Not -Be (Get-RbdTestClusterName $c2)
    }

    It '''openstack/a'',''openstack/b'' | Get-RbdImage' {
        $imgs = @('openstack/a', 'openstack/b' | Get-RbdImage)
        $imgs.Spec | Should -Be @('openstack/a', 'openstack/b')
        Get-RbdTestClusterName $imgs[0].Cluster | Should -Be (Get-RbdTestClusterName $c1)
    }

    It 'a missing item in a pipeline is a non-terminating error; the others still come out' {
        $ev = $null
        $imgs = @('openstack/a', 'openstack/ghost', 'openstack/b' | Get-RbdImage -ErrorAction SilentlyContinue -ErrorVariable ev)
        $imgs.Spec | Should -Be @('openstack/a', 'openstack/b')
        @($ev) | Should -HaveCount 1
        $ev[0].FullyQualifiedErrorId | Should -Match '^ImageNotFound(,|$)'
        $ev[0].TargetObject | Should -Be 'openstack/ghost'
    }

    It 'objects with a Spec property bind by property name' {
        $img = [pscustomobject]@{ Spec = 'openstack/c' } | Get-RbdImage
        $img.Name | Should -Be 'c'
    }

    It 'Get-RbdImage openstack/a | Get-RbdImageUsage' {
        $du = @(Get-RbdImage openstack/a | Get-RbdImageUsage)
        $du | Should -HaveCount 1
        $du[0].Used | Should -Be (4 * $MiB)
    }

    It 'Get-RbdImage openstack/a | Resize-RbdImage -Size 64M' {
        Get-RbdImage openstack/a | Resize-RbdImage -Size 64M
        (Get-RbdImage openstack/a).Size | Should -Be (64 * $MiB)
        $r = Get-RbdImage openstack/a | Resize-RbdImage -Size 32M -AllowShrink -PassThru
        $r.Size | Should -Be (32 * $MiB)
        (Get-RbdImage openstack/a).Size | Should -Be (32 * $MiB)
    }

    It '''openstack/a@s1'',''openstack/a@s2'' | New-RbdSnapshot, then Get-RbdImage | Get-RbdSnapshot' {
        $snaps = @('openstack/a@s1', 'openstack/a@s2' | New-RbdSnapshot)
        $snaps.Spec | Should -Be @('openstack/a@s1', 'openstack/a@s2')
        @(Get-RbdImage openstack/a | Get-RbdSnapshot).Name | Should -Be @('s1', 's2')
    }

    It 'Get-RbdSnapshot | Protect-RbdSnapshot protects every snapshot' {
        Get-RbdSnapshot openstack/a | Protect-RbdSnapshot
        @(Get-RbdSnapshot openstack/a | Where-Object { -not $_.Protected }) | Should -HaveCount 0
    }

    It 'clone, Get-RbdSnapshot | Get-RbdChild | Invoke-RbdFlatten' {
        $null = Copy-RbdClone openstack/a@s1 openstack/a-child
        $children = @(Get-RbdSnapshot openstack/a | Where-Object Name -EQ 's1' | Get-RbdChild)
        $children.Spec | Should -Be @('openstack/a-child')
        $children | Invoke-RbdFlatten
        (Get-RbdImage openstack/a-child).Parent | Should -BeNullOrEmpty
        @(Get-RbdChild openstack/a@s1) | Should -HaveCount 0
    }

    It 'Get-RbdSnapshot | Unprotect-RbdSnapshot; Get-RbdSnapshot openstack/a | Remove-RbdSnapshot -Confirm:$false' {
        Get-RbdSnapshot openstack/a | Unprotect-RbdSnapshot
        Get-RbdSnapshot openstack/a | Remove-RbdSnapshot -Confirm:$false
        @(Get-RbdSnapshot openstack/a) | Should -HaveCount 0
    }

    It 'Get-RbdImage openstack | Remove-RbdImage -Confirm:$false empties the pool' {
        Get-RbdImage openstack | Remove-RbdImage -Confirm:$false
        @(Get-RbdImage openstack) | Should -HaveCount 0
        @(Get-RbdImage openstack -Cluster $c2) | Should -HaveCount 2 -Because 'the other cluster is untouched'
    }

    It 'piped objects carry their own cluster: removing images of another cluster leaves the default alone' {
        $null = New-RbdImage openstack/x -Size 4M     # same name, default cluster
        Get-RbdImage openstack/x -Cluster $c2 | Remove-RbdImage -Confirm:$false
        @(Get-RbdImage openstack -Cluster $c2).Name | Should -Be @('y')
        Get-RbdTestClusterName (Get-RbdImage openstack/x).Cluster | Should -Be (Get-RbdTestClusterName $c1)
    }

    It 'Copy-RbdImage -DestinationCluster copies across clusters' {
        $data = New-TestBytes -Length 8192 -Seed 77
        Write-RbdImage openstack/x -Offset (1 * $MiB) -Data $data
        $copy = Copy-RbdImage openstack/x openstack/x-copy -DestinationCluster $c2
        Get-RbdTestClusterName $copy.Cluster | Should -Be (Get-RbdTestClusterName $c2)
        Get-BytesHash (Read-RbdImage openstack/x-copy -Offset (1 * $MiB) -Length 8192 -Cluster $c2) | Should -Be (Get-BytesHash $data)
        { Get-RbdImage openstack/x-copy -ErrorAction Stop } | Should -Throw -ErrorId 'ImageNotFound*'
    }

    It 'Get-RbdImage without a spec lists the images of every pool' {
        $null = New-RbdPool other
        $null = New-RbdImage other/z -Size 1M
        @(Get-RbdImage).Spec | Sort-Object | Should -Be @('openstack/x', 'other/z')
    }
}

Describe '-Verbose prints the equivalent rbd command line' {
    BeforeAll {
        $null = New-RbdTestStore -Name 'verbose-store'
        $raw = Join-Path $TestDrive 'verbose.raw'
        $raw2 = Join-Path $TestDrive 'verbose2.raw'
        [IO.File]::WriteAllBytes($raw, (New-TestBytes -Length (1 * $MiB) -Seed 8))
    }

    # In order: each step needs the ones before it.
    It '<Command> prints <Pattern>' -ForEach @(
        @{ Command = 'New-RbdPool'; Action = { New-RbdPool openstack -Verbose }; Pattern = '(ceph osd pool create|rbd pool init) openstack'
            InNamespace = 'rbd namespace create --pool openstack --namespace {ns}' }
        @{ Command = 'New-RbdImage'; Action = { New-RbdImage openstack/v1 -Size 1024M -Verbose }; Pattern = 'rbd create .*openstack/v1' }
        @{ Command = 'New-RbdImage (size)'; Action = { New-RbdImage openstack/v0 -Size 1024M -Verbose }; Pattern = '--size 1024M' }
        @{ Command = 'Get-RbdImage (info)'; Action = { Get-RbdImage openstack/v1 -Verbose }; Pattern = 'rbd info openstack/v1' }
        @{ Command = 'Get-RbdImage (ls)'; Action = { Get-RbdImage openstack -Verbose }; Pattern = 'rbd (ls|list)( -l)? (-p )?openstack' }
        @{ Command = 'New-RbdSnapshot'; Action = { New-RbdSnapshot openstack/v1@s1 -Verbose }; Pattern = 'rbd snap create openstack/v1@s1' }
        @{ Command = 'Get-RbdSnapshot'; Action = { Get-RbdSnapshot openstack/v1 -Verbose }; Pattern = 'rbd snap (ls|list) openstack/v1' }
        @{ Command = 'Protect-RbdSnapshot'; Action = { Protect-RbdSnapshot openstack/v1@s1 -Verbose }; Pattern = 'rbd snap protect openstack/v1@s1' }
        @{ Command = 'Copy-RbdClone'; Action = { Copy-RbdClone openstack/v1@s1 openstack/v2 -Verbose }; Pattern = 'rbd clone openstack/v1@s1 openstack/v2' }
        @{ Command = 'Get-RbdChild'; Action = { Get-RbdChild openstack/v1@s1 -Verbose }; Pattern = 'rbd children openstack/v1@s1' }
        @{ Command = 'Get-RbdImageUsage'; Action = { Get-RbdImageUsage openstack/v1 -Verbose }; Pattern = 'rbd du openstack/v1' }
        @{ Command = 'Invoke-RbdFlatten'; Action = { Invoke-RbdFlatten openstack/v2 -Verbose }; Pattern = 'rbd flatten openstack/v2' }
        @{ Command = 'Resize-RbdImage'; Action = { Resize-RbdImage openstack/v2 -Size 2G -Verbose }; Pattern = 'rbd resize .*openstack/v2' }
        @{ Command = 'Rename-RbdImage'; Action = { Rename-RbdImage openstack/v2 -NewName v3 -Verbose }; Pattern = 'rbd (mv|rename) openstack/v2 (openstack/)?v3' }
        @{ Command = 'Copy-RbdImage'; Action = { Copy-RbdImage openstack/v1 openstack/v4 -Verbose }; Pattern = 'rbd (cp|copy) openstack/v1 openstack/v4' }
        @{ Command = 'Export-RbdImage'; Action = { Export-RbdImage openstack/v1 $raw2 -Verbose }; Pattern = 'rbd export openstack/v1 ' }
        @{ Command = 'Import-RbdImage'; Action = { Import-RbdImage $raw openstack/v5 -Verbose }; Pattern = 'rbd import .*verbose\.raw.* openstack/v5' }
        @{ Command = 'Restore-RbdSnapshot'; Action = { Restore-RbdSnapshot openstack/v1@s1 -Verbose }; Pattern = 'rbd snap rollback openstack/v1@s1' }
        @{ Command = 'Unprotect-RbdSnapshot'; Action = { Unprotect-RbdSnapshot openstack/v1@s1 -Verbose }; Pattern = 'rbd snap unprotect openstack/v1@s1' }
        @{ Command = 'Remove-RbdSnapshot'; Action = { Remove-RbdSnapshot openstack/v1@s1 -Confirm:$false -Verbose }; Pattern = 'rbd snap (rm|remove) openstack/v1@s1' }
        @{ Command = 'Remove-RbdImage'; Action = { Remove-RbdImage openstack/v4 -Confirm:$false -Verbose }; Pattern = 'rbd (rm|remove) openstack/v4' }
    ) {
        $text = Get-VerboseText $Action
        $text | Should -Match (Get-RbdCommandPattern $Pattern -InNamespace $InNamespace) -Because "the verbose output was: $text"
    }
}

Describe 'long operations report progress' {
    BeforeAll {
        $cluster = New-RbdTestStore -Name 'progress-store' -Pool openstack
        $null = New-RbdImage openstack/src -Size 64M
        Write-RbdImage openstack/src -Offset 0 -Data (New-TestBytes -Length (16 * $MiB) -Seed 10)
        $null = New-RbdSnapshot openstack/src@s
        Protect-RbdSnapshot openstack/src@s
        $null = Copy-RbdClone openstack/src@s openstack/cl
        $progressRaw = Join-Path $TestDrive 'progress.raw'
    }
    AfterAll {
        $null = Connect-RbdTestCluster $cluster
    }

    It '<Command> reports "<Activity>", naming its image' -ForEach @(
        @{ Command = 'Invoke-RbdFlatten openstack/cl'; Activity = 'Flattening openstack/cl' }
        @{ Command = 'Copy-RbdImage openstack/src openstack/cp'; Activity = 'Copying openstack/src to openstack/cp' }
        @{ Command = "Export-RbdImage openstack/src '{raw}'"; Activity = 'Exporting openstack/src' }
        @{ Command = "Import-RbdImage '{raw}' openstack/imp"; Activity = 'Importing into openstack/imp' }
        @{ Command = 'Restore-RbdSnapshot openstack/src@s'; Activity = 'Rolling back to openstack/src@s' }
        @{ Command = 'Resize-RbdImage openstack/src -Size 128M'; Activity = 'Resizing openstack/src' }
    ) {
        $activities = Get-ProgressActivity -Cluster $cluster -Command $Command.Replace('{raw}', $progressRaw)
        ($activities -join "`n") | Should -BeLike "*$Activity*"
    }
}

Describe 'tab completion of pool, image and snapshot names' {
    BeforeAll {
        $null = New-RbdTestStore -Name 'completion-store' -Pool openstack, other
        $null = New-RbdImage openstack/img -Size 4M
        $null = New-RbdImage openstack/image2 -Size 4M
        $null = New-RbdImage openstack/zzz -Size 4M
        $null = New-RbdSnapshot openstack/img@s1
        $null = New-RbdSnapshot openstack/img@s2

        function Get-Completion([string]$Line) {
            $r = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
            @($r.CompletionMatches | ForEach-Object { $_.CompletionText.Trim("'", '"') })
        }
    }

    It '''Get-RbdImage open'' completes the pool openstack' {
        $c = Get-Completion 'Get-RbdImage open'
        @($c | Where-Object { $_ -match '^openstack/?$' }) | Should -Not -BeNullOrEmpty -Because "completions were: $($c -join ', ')"
        $c | Should -Not -Contain 'other'
    }

    It '''Get-RbdSnapshot openstack/im'' completes the images of the pool' {
        $c = Get-Completion 'Get-RbdSnapshot openstack/im'
        $c | Should -Contain 'openstack/img'
        $c | Should -Contain 'openstack/image2'
        $c | Should -Not -Contain 'openstack/zzz'
    }

    It '''Remove-RbdSnapshot openstack/img@'' completes the snapshots' {
        $c = Get-Completion 'Remove-RbdSnapshot openstack/img@'
        $c | Should -Contain 'openstack/img@s1'
        $c | Should -Contain 'openstack/img@s2'
    }

    It '''Copy-RbdClone openstack/img@s'' completes the snapshots too' {
        $c = Get-Completion 'Copy-RbdClone openstack/img@s'
        $c | Should -Contain 'openstack/img@s1'
    }

    It '''Get-RbdPool -Name ot'' completes pool names' {
        Get-Completion 'Get-RbdPool -Name ot' | Should -Contain 'other'
    }
}

Describe 'help' {
    It 'Get-Help <Name> -Full has a synopsis, a description and an example' -ForEach $exportedCommands {
        $help = Get-Help $Name -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        "$($help.Synopsis)".Trim() | Should -Not -BeLike "$Name *" -Because 'a synopsis is a sentence, not the generated syntax'
        @($help.examples.example) | Should -Not -BeNullOrEmpty -Because "$Name needs at least one example"
        "$(@($help.examples.example)[0].code)" | Should -Match '\w' -Because 'the example shows a command'
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'about_RbdPowerShell exists' {
        (Get-Help about_RbdPowerShell | Out-String) | Should -Match 'Rbd'
    }
}

Describe 'table views look like rbd''s' {
    BeforeAll {
        $null = New-RbdTestStore -Name 'format-store' -Pool openstack
        $null = New-RbdImage openstack/int32bit-test-1 -Size 1024M
        foreach ($i in 0..2) {
            Write-RbdImage openstack/int32bit-test-1 -Offset ([uint64]$i * 4 * $MiB) -Data (New-TestBytes -Length (4 * $MiB) -Seed (20 + $i))
        }
        $null = New-RbdSnapshot openstack/int32bit-test-1@snap-1
        Protect-RbdSnapshot openstack/int32bit-test-1@snap-1
        $null = Copy-RbdClone openstack/int32bit-test-1@snap-1 openstack/int32bit-test-2
    }

    It 'Get-RbdImage openstack shows NAME SIZE PARENT FMT PROT LOCK columns, sizes like 1 GiB and the parent spec' {
        $text = Get-RbdImage openstack | Out-String -Width 250
        $header = @($text -split "`r?`n" | Where-Object { $_ -match '\S' })[0]
        foreach ($col in 'NAME', 'SIZE', 'PARENT', 'FMT', 'PROT', 'LOCK') {
            $header | Should -Match "\b$col\b" -Because "the header was: $header"
        }
        $text | Should -Match '1 GiB'
        $text | Should -Match 'int32bit-test-2'
        $text | Should -Match ([regex]::Escape('openstack/int32bit-test-1@snap-1'))
    }

    It 'Get-RbdImageUsage shows NAME PROVISIONED USED and 12 MiB' {
        $text = Get-RbdImageUsage openstack/int32bit-test-1 | Out-String -Width 250
        foreach ($col in 'NAME', 'PROVISIONED', 'USED') { $text | Should -Match "\b$col\b" }
        $text | Should -Match '12 MiB'
        $text | Should -Match '1 GiB'
        $text | Should -Match 'int32bit-test-1@snap-1'
    }

    It 'Get-RbdSnapshot shows the snapshot with its size' {
        $text = Get-RbdSnapshot openstack/int32bit-test-1 | Out-String -Width 250
        $text | Should -Match 'snap-1'
        $text | Should -Match '1 GiB'
    }
}
