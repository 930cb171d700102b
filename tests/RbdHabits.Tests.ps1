# rbd's habits: what an administrator types from rbd works here too. rbd ls -l's snapshot rows, rbd du's <TOTAL>
# (without a total row in the pipelines of usage rows), merge-diff and export-diff positionally, wildcards in the
# names of the Get-* cmdlets (and their completion), Get-RbdSnapshot without a spec, a warning for -Size 1024, and
# progress that names the image.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $MiB = 1MB
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'listings as rbd prints them' {
    BeforeAll {
        $script:c = New-RbdTestStore -Name 'habits' -Pool openstack, other
        $null = New-RbdImage openstack/int32bit-1 -Size 8M
        Write-RbdImage openstack/int32bit-1 -Offset 0 -Data (New-TestBytes -Length (4 * $MiB) -Seed 5)
        $null = New-RbdSnapshot openstack/int32bit-1@snap-1
        Protect-RbdSnapshot openstack/int32bit-1@snap-1
        $null = New-RbdImage openstack/int32bit-2 -Size 4M
        $null = New-RbdImage openstack/vm1_disk -Size 4M
        $null = New-RbdSnapshot openstack/vm1_disk@snap
        $null = New-RbdImage other/int32bit-9 -Size 4M
    }
    AfterAll {
        $null = Connect-RbdTestCluster $c
        Unprotect-RbdSnapshot openstack/int32bit-1@snap-1
    }

    It 'Get-RbdImage openstack -l shows rbd ls -l''s rows: the images and their snapshots, PROT yes on the protected one' {
        $rows = @(Get-RbdImage openstack -l)
        @($rows | ForEach-Object { if ($_.Snapshot) { "$($_.Name)@$($_.Snapshot)" } else { $_.Name } }) |
            Should -Be @('int32bit-1', 'int32bit-1@snap-1', 'int32bit-2', 'vm1_disk', 'vm1_disk@snap')
        $line = @(($rows | Out-String -Width 120) -split "`n" | Where-Object { $_ -match 'int32bit-1@snap-1' })
        $line | Should -Match '8 MiB\s+2\s+yes\s'
    }

    It 'Get-RbdImage openstack lists images only, so that | Remove-RbdImage and | Get-RbdSnapshot get images' {
        @(Get-RbdImage openstack | Where-Object Snapshot) | Should -HaveCount 0
        @(Get-RbdImage openstack).Count | Should -Be 3
    }

    It 'Get-RbdImage, Get-RbdSnapshot and Get-RbdImageUsage take wildcards: <Command>' -ForEach @(
        @{ Command = 'Get-RbdImage openstack/int32bit*'; Expected = 'openstack/int32bit-1', 'openstack/int32bit-2' }
        @{ Command = 'Get-RbdImage */int32bit-?'; Expected = 'openstack/int32bit-1', 'openstack/int32bit-2', 'other/int32bit-9' }
        @{ Command = 'Get-RbdImage -Pool o* -Image *9'; Expected = 'other/int32bit-9' }
        @{ Command = 'Get-RbdImage openstack/int32bit-1@snap*'; Expected = 'openstack/int32bit-1@snap-1' }
        @{ Command = 'Get-RbdSnapshot openstack/*'; Expected = 'openstack/int32bit-1@snap-1', 'openstack/vm1_disk@snap' }
        @{ Command = 'Get-RbdSnapshot openstack/*@snap-?'; Expected = 'openstack/int32bit-1@snap-1' }
        @{ Command = 'Get-RbdSnapshot */*@snap'; Expected = @('openstack/vm1_disk@snap') }
        @{ Command = 'Get-RbdSnapshot op*'; Expected = 'openstack/int32bit-1@snap-1', 'openstack/vm1_disk@snap' }
        @{ Command = 'Get-RbdImageUsage openstack/vm*'; Expected = 'openstack/vm1_disk@snap', 'openstack/vm1_disk' }
        @{ Command = 'Get-RbdImageUsage openstack/*@snap'; Expected = 'openstack/vm1_disk@snap' }
        @{ Command = 'Get-RbdImage openstack/nothing*'; Expected = @() }
    ) {
        $found = @(& ([scriptblock]::Create($Command)) | ForEach-Object { if ($_ -is [RbdPowerShell.RbdImageUsage]) { "$($_.Pool)/$($_.Name)" } else { $_.Spec } })
        $found | Should -Be $Expected
    }

    It 'a plain name that does not exist is still an error; a pattern that matches nothing is not' {
        Assert-RbdError { Get-RbdImage openstack/nothing } -ErrorId ImageNotFound | Out-Null
        Assert-RbdError { Get-RbdSnapshot openstack/int32bit-1@nothing } -ErrorId SnapshotNotFound | Out-Null
        $errors = @()
        $null = Get-RbdSnapshot openstack/int32bit-1@nothing* -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
    }

    It 'Get-RbdSnapshot without a spec lists every snapshot of every pool (no prompt)' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module `$env:RBDPS_MODULE; `$null = $(Get-RbdTestConnectCommand $c); Get-RbdSnapshot | ForEach-Object Spec")
            @($ps.Invoke()) | Should -Be @('openstack/int32bit-1@snap-1', 'openstack/vm1_disk@snap')
            $ps.Streams.Error | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }

    It 'Get-RbdImageUsage openstack -Total ends with rbd du''s <TOTAL>: the images'' provisioned size, every row''s use' {
        $rows = @(Get-RbdImageUsage openstack -Total)
        $total = $rows[-1]
        $total.Name | Should -Be '<TOTAL>'
        $total.IsTotal | Should -BeTrue
        $total.Provisioned | Should -Be (16 * $MiB) -Because 'rbd du counts each image once, not its snapshots'
        $total.Used | Should -Be (($rows | Select-Object -SkipLast 1 | Measure-Object Used -Sum).Sum)
        ($rows | Out-String -Width 80) | Should -Match '16 MiB\s+4 MiB\s+<TOTAL>'
    }

    It 'without -Total the pipeline sees only images and snapshots: Measure-Object and Where-Object stay right' {
        $rows = @(Get-RbdImageUsage openstack)
        $rows.IsTotal | Should -Not -Contain $true
        $rows.Name | Should -Not -Contain '<TOTAL>'
        (Get-RbdImageUsage openstack | Measure-Object Used -Sum).Sum | Should -Be (4 * $MiB)
        @(Get-RbdImageUsage openstack | Where-Object Used -GT 0).Name | Should -Be @('int32bit-1@snap-1')
    }

    It 'tab completion completes a wildcard: ''Get-RbdImage openstack/int*-'' offers int32bit-1 and int32bit-2' {
        $line = 'Get-RbdImage openstack/int*-'
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($r.CompletionMatches.CompletionText) | Should -Be @('openstack/int32bit-1', 'openstack/int32bit-2')
        $line = 'Get-RbdSnapshot openstack/vm'
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($r.CompletionMatches.CompletionText) | Should -Be @('openstack/vm1_disk')
    }
}

Describe 'diff commands take rbd''s positional order' {
    BeforeAll {
        $script:c = New-RbdTestStore -Name 'positional' -Pool openstack
        $script:dir = New-RbdTestRoot
        $null = New-RbdImage openstack/src -Size 8M
        Write-RbdImage openstack/src -Offset 0 -Data (New-TestBytes -Length $MiB -Seed 1)
        $null = New-RbdSnapshot openstack/src@s1
        Write-RbdImage openstack/src -Offset (4 * $MiB) -Data (New-TestBytes -Length $MiB -Seed 2)
        $null = New-RbdSnapshot openstack/src@s2
    }

    It 'Export-RbdDiff spec file writes the file (rbd export-diff spec file)' {
        Export-RbdDiff openstack/src@s1 (Join-Path $dir 'a.diff')
        Export-RbdDiff openstack/src@s2 (Join-Path $dir 'b.diff') -FromSnapshot s1
        (Get-Item (Join-Path $dir 'a.diff')).Length | Should -BeGreaterThan $MiB
        (Get-Item (Join-Path $dir 'b.diff')).Length | Should -BeGreaterThan $MiB
    }

    It 'Merge-RbdDiff a.diff b.diff out.diff merges as rbd merge-diff does, and equals the comma form' {
        Push-Location $dir
        try {
            Merge-RbdDiff a.diff b.diff out.diff
            Merge-RbdDiff a.diff, b.diff comma.diff
        }
        finally { Pop-Location }
        Get-BytesHash ([IO.File]::ReadAllBytes((Join-Path $dir 'out.diff'))) |
            Should -Be (Get-BytesHash ([IO.File]::ReadAllBytes((Join-Path $dir 'comma.diff'))))
        $null = New-RbdImage openstack/dst -Size 8M
        Import-RbdDiff (Join-Path $dir 'out.diff') openstack/dst
        Get-RbdDataHash openstack/dst@s2 | Should -Be (Get-RbdDataHash openstack/src@s2)
    }

    It 'Merge-RbdDiff with one diff, or three, is refused with InvalidDiffCount and writes nothing' {
        $e = Get-RbdErrorRecord { Merge-RbdDiff (Join-Path $dir 'a.diff') -Destination (Join-Path $dir 'one.diff') }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidDiffCount*'
        Test-Path (Join-Path $dir 'one.diff') | Should -BeFalse
    }
}

Describe 'a bare number as -Size' {
    BeforeAll {
        $null = New-RbdTestStore -Name 'size' -Pool openstack
    }

    It '-Size <Size> makes <Bytes> bytes and <Warns> that rbd would read MiB' -ForEach @(
        @{ Size = 1024; Bytes = 1024; Warns = 'warns' }
        @{ Size = '4096'; Bytes = 4096; Warns = 'warns' }
        @{ Size = '1024M'; Bytes = 1GB; Warns = 'does not warn' }
        @{ Size = 4MB; Bytes = 4MB; Warns = 'does not warn' }
        @{ Size = '512B'; Bytes = 512; Warns = 'does not warn' }
    ) {
        $name = "openstack/s$Bytes"
        $image = New-RbdImage $name -Size $Size -WarningVariable warnings -WarningAction SilentlyContinue
        $image.Size | Should -Be $Bytes
        if ($Warns -eq 'warns') { "$warnings" | Should -Match "rbd reads a bare number as MiB.*${Size}M" }
        else { $warnings | Should -BeNullOrEmpty }
        Resize-RbdImage $name -Size 2048 -WarningVariable resizeWarnings -WarningAction SilentlyContinue -AllowShrink
        "$resizeWarnings" | Should -Match 'MiB'
        Remove-RbdImage $name -Confirm:$false
    }
}

Describe 'progress names the image it works on' {
    BeforeAll {
        $script:c = New-RbdTestStore -Name 'progress-names' -Pool openstack
        $null = New-RbdImage openstack/vm1_disk -Size 16M
        Write-RbdImage openstack/vm1_disk -Offset 0 -Data (New-TestBytes -Length (8 * $MiB) -Seed 4)
        $script:raw = Join-Path (New-RbdTestRoot) 'vm1.raw'
    }
    AfterAll {
        $null = Connect-RbdTestCluster $c
    }

    It 'Export-RbdImage reports "Exporting openstack/vm1_disk" with a percentage' {
        $records = Get-ProgressActivity -Cluster $c -Command "Export-RbdImage openstack/vm1_disk '$raw'"
        $records | Should -Contain 'Exporting openstack/vm1_disk'
        @($records | Where-Object { $_ -match '^\d+%$' }) | Should -Not -BeNullOrEmpty
    }

    It 'an OpenStack flow names the image of each long step: New-GlanceImage uploads into openstack/<id>' {
        $records = Get-ProgressActivity -Cluster $c -Command "New-GlanceImage cirros -Path '$raw' -Confirm:`$false | Out-Null"
        $ids = @(Invoke-Command { $null = Connect-RbdTestCluster $c; Get-GlanceImage cirros } | ForEach-Object Id)
        $ids | Should -HaveCount 1
        ($records -join "`n") | Should -Match ([regex]::Escape("openstack/$($ids[0])"))
    }
}

Describe 'the README tour pasted as a script' {
    It 'runs without a prompt or an error and leaves no int32bit-1.raw in the current folder' {
        $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../README.md')
        $tour = [regex]::Match($readme, '## A tour[\s\S]*?```powershell\r?\n([\s\S]*?)```').Groups[1].Value
        $tour | Should -Match 'Remove-RbdImage openstack/int32bit-test-1 -Confirm:\$false'
        $c = New-RbdTestStore -Name 'readme'
        $script = $tour -replace '(?m)^Import-Module .*$', 'Import-Module $env:RBDPS_MODULE' -replace '(?m)^Connect-RbdCluster .*$', (Get-RbdTestConnectCommand $c)
        $cwd = New-RbdTestRoot
        $ps = [powershell]::Create()
        try {
            # A hostless runspace cannot prompt: a confirmation the tour forgets to waive fails the run.
            $null = $ps.AddScript("Set-Location '$cwd'; `$ConfirmPreference = 'High'; $script")
            $null = $ps.Invoke()
            @($ps.Streams.Error | ForEach-Object { "$_" }) | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
        @(Get-ChildItem $cwd) | Should -BeNullOrEmpty -Because 'the tour writes its raw file to the temporary folder'
        $null = Connect-RbdTestCluster $c
        @(Get-RbdImage openstack).Name | Sort-Object | Should -Be @('imported', 'int32bit-test-2', 'int32bit-test-3')
        Get-RbdImage openstack | Remove-RbdImage -Confirm:$false
        Remove-Item (Join-Path ([IO.Path]::GetTempPath()) int32bit-1.raw) -ErrorAction Ignore
    }
}
