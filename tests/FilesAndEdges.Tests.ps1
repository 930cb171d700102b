# Files and folders are safe, Test-RbdStore only tests (Repair-RbdStore repairs), and sizes at librbd's edges.
# Files: a failed export leaves no file, missing folders / folders as files / unwritable paths are refusals naming
# the path, for input and output; a piped diff's errors name its image. Sizes: the same limits on both backends.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $null = New-RbdTestStore -Name 'files' -Pool openstack
    $null = New-RbdImage openstack/small -Size 8M
    Write-RbdImage openstack/small -Offset 0 -Data (New-TestBytes -Length 8192 -Seed 7)
    $null = New-RbdSnapshot openstack/small@s1
    $dir = Join-Path $TestDrive 'out'
    $null = New-Item -ItemType Directory -Path $dir
    $missing = Join-Path $TestDrive 'no-such-folder/x.raw'
    # A folder nothing may write into, not even root: immutable (chattr +i) where the file system allows it.
    $locked = Join-Path $TestDrive 'locked'
    $null = New-Item -ItemType Directory -Path $locked
    & chattr +i $locked 2>$null
    $lockedWorks = $LASTEXITCODE -eq 0
}

AfterAll {
    if ($lockedWorks) { & chattr -i $locked 2>$null }
    Remove-RbdTestRoot
}

Describe 'an export that cannot be written leaves no file' {
    It 'an image larger than the file system can hold is FileTooLarge before anything is read, and leaves nothing' {
        # 20 TiB, thin; ext4 holds files up to 16 TiB (kept small: librbd's remove visits every object)
        $null = New-RbdImage openstack/huge -Size 20T
        try {
            $file = Join-Path $dir 'huge.raw'
            Assert-RbdError { Export-RbdImage openstack/huge $file } -ErrorId FileTooLarge -Category LimitsExceeded -Target $file -MessageLike '*20 TiB*'
            @(Get-ChildItem -Force -LiteralPath $dir) | Should -HaveCount 0 -Because 'neither the file nor a temporary one is left'
        }
        finally { Remove-RbdImage openstack/huge -Confirm:$false }
    }

    It 'a failed -Force export keeps the file that was there' {
        $null = New-RbdImage openstack/huge2 -Size 20T
        try {
            $file = Join-Path $dir 'kept.raw'
            Set-Content -LiteralPath $file -Value 'old content'
            Assert-RbdError { Export-RbdImage openstack/huge2 $file -Force } -ErrorId FileTooLarge -Target $file
            Get-Content -LiteralPath $file | Should -Be 'old content'
            @(Get-ChildItem -Force -LiteralPath $dir).Name | Should -Be @('kept.raw')
        }
        finally { Remove-RbdImage openstack/huge2 -Confirm:$false; Remove-Item -LiteralPath $file }
    }

    It 'a stopped export (Ctrl+C) leaves no partial file' {
        $null = New-RbdImage openstack/stop -Size 1G
        foreach ($k in 0..31) { Write-RbdImage openstack/stop -Offset ($k * 32MB) -Data (New-TestBytes -Length (1MB) -Seed $k) }
        $file = Join-Path $dir 'stopped.raw'
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:RBDPS_MODULE'").AddStatement().AddCommand('Export-RbdImage').
                AddParameter('Spec', 'openstack/stop').AddParameter('Path', $file).AddParameter('Cluster', (Get-RbdCluster))
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Get-ChildItem -Force -LiteralPath $dir -Filter '*.partial') -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 5
            }
            $ps.Stop()
            try { $null = $ps.EndInvoke($async) } catch { }
            # stopped mid-way or finished first: never a partial or temporary file
            @(Get-ChildItem -Force -LiteralPath $dir | Where-Object Name -like '*.partial') | Should -HaveCount 0
            if (Test-Path $file) { (Get-Item $file).Length | Should -Be 1GB; Remove-Item $file }
        }
        finally { $ps.Dispose(); Remove-RbdImage openstack/stop -Confirm:$false -ErrorAction SilentlyContinue }
    }
}

Describe 'paths that cannot be used are refusals naming them' {
    It '<Cmd> to a missing folder is DirectoryNotFound' -ForEach @(
        @{ Cmd = 'Export-RbdImage'; Run = { param($p) Export-RbdImage openstack/small $p } }
        @{ Cmd = 'Export-RbdImage -ExportFormat 2'; Run = { param($p) Export-RbdImage openstack/small $p -ExportFormat 2 } }
        @{ Cmd = 'Export-RbdDiff'; Run = { param($p) Export-RbdDiff openstack/small -Path $p } }
    ) {
        Assert-RbdError { & $Run $missing } -ErrorId DirectoryNotFound -Category ObjectNotFound -Target $missing
        Test-Path (Split-Path $missing) | Should -BeFalse
    }

    It '<Cmd> to a folder is PathIsDirectory' -ForEach @(
        @{ Cmd = 'Export-RbdImage'; Run = { param($p) Export-RbdImage openstack/small $p -Force } }
        @{ Cmd = 'Export-RbdDiff'; Run = { param($p) Export-RbdDiff openstack/small -Path $p -Force } }
    ) {
        Assert-RbdError { & $Run $dir } -ErrorId PathIsDirectory -Category InvalidArgument -Target $dir
    }

    It '<Cmd> into a folder that cannot be written is AccessDenied naming the file, not a temporary one' -ForEach @(
        @{ Cmd = 'Export-RbdImage'; Run = { param($p) Export-RbdImage openstack/small $p } }
        @{ Cmd = 'Export-RbdDiff'; Run = { param($p) Export-RbdDiff openstack/small -Path $p } }
    ) {
        if (-not $lockedWorks) { Set-ItResult -Skipped -Because 'chattr +i is not available here' }
        $file = Join-Path $locked 'x.out'
        $e = Assert-RbdError { & $Run $file } -ErrorId AccessDenied -Category PermissionDenied -Target $file
        $e.Exception.Message | Should -Not -BeLike '*.partial*'
    }

    It 'Import-RbdImage of <Case> is <Id>' -ForEach @(
        @{ Case = 'a missing folder'; Id = 'DirectoryNotFound'; Category = 'ObjectNotFound'; Path = { $missing } }
        @{ Case = 'a folder'; Id = 'PathIsDirectory'; Category = 'InvalidArgument'; Path = { $dir } }
        @{ Case = 'a missing file'; Id = 'FileNotFound'; Category = 'ObjectNotFound'; Path = { Join-Path $dir 'none.raw' } }
    ) {
        $p = & $Path
        Assert-RbdError { Import-RbdImage $p openstack/imported } -ErrorId $Id -Category $Category -Target $p
        @(Get-RbdImage openstack).Name | Should -Not -Contain 'imported'
    }

    It 'Import-RbdDiff and Merge-RbdDiff of a folder are PathIsDirectory' {
        Assert-RbdError { Import-RbdDiff $dir openstack/small } -ErrorId PathIsDirectory -Target $dir
        Assert-RbdError { Merge-RbdDiff $dir, $dir (Join-Path $dir 'm.diff') } -ErrorId PathIsDirectory -Target $dir
    }

    It 'a piped diff imported twice names its image, never its temporary file' {
        $null = New-RbdImage openstack/target -Size 8M
        $diff = Export-RbdDiff openstack/small@s1
        $diff | Import-RbdDiff -Spec openstack/target
        foreach ($again in { $diff | Import-RbdDiff -Spec openstack/target }, { Import-RbdDiff -InputObject $diff -Spec openstack/target }) {
            $e = Assert-RbdError $again -ErrorId DiffAlreadyImported -Category ObjectNotFound -Target 'openstack/small@s1'
            $e.Exception.Message | Should -Not -BeLike "*$($diff.Path)*"
        }
        Remove-RbdSnapshot openstack/target@s1 -Confirm:$false
        Remove-RbdImage openstack/target -Confirm:$false
    }
}

Describe 'sizes at librbd''s edges' {
    It '<Size> is refused (InvalidSize) and creates nothing' -ForEach @(
        @{ Size = [uint64]::MaxValue; Like = '*largest image size is 9223372036854775808 bytes*' }
        @{ Size = [uint64]9223372036854775809; Like = '*largest image size*' }
        @{ Size = [math]::Pow(2, 64); Like = '*too large*' }
        @{ Size = '16E'; Like = '*too large*' }
        @{ Size = '1P'; Like = '*object-map*256000000 objects*' }
    ) {
        Assert-RbdError { New-RbdImage openstack/edge -Size $Size } -ErrorId InvalidSize -Category InvalidArgument -MessageLike $Like
        @(Get-RbdImage openstack).Name | Should -Not -Contain 'edge'
    }

    # Embedded only: librbd's remove of a 976 TiB image visits its 256,000,000 objects (many minutes on the test cluster)
    It 'the largest object-map size is accepted, and resizing one object past it is refused' -Tag EmbeddedOnly {
        $max = [uint64]256000000 * 4MB
        $img = New-RbdImage openstack/edge -Size $max
        try {
            $img.Size | Should -Be $max
            $img.Objects | Should -Be 256000000
            Write-RbdImage openstack/edge -Offset ($max - 4096) -Data (New-TestBytes -Length 4096 -Seed 9)
            (Get-RbdImageUsage openstack/edge).Used | Should -Be 4MB -Because 'the one written object is counted, nothing wraps'
            Assert-RbdError { Resize-RbdImage openstack/edge -Size ($max + 1) -Confirm:$false } -ErrorId InvalidSize -Target openstack/edge
            (Get-RbdImage openstack/edge).Size | Should -Be $max
        }
        finally { Remove-RbdImage openstack/edge -Confirm:$false }
    }

    It 'OutOfRange names the length asked for' {
        Assert-RbdError { Read-RbdImage openstack/small -Offset 16MB -Length 4096 } -ErrorId OutOfRange -MessageLike '*16777216+4096*'
    }
}

Describe 'Test-RbdStore changes nothing; Repair-RbdStore frees leftovers' -Tag EmbeddedOnly {
    BeforeAll {
        $store = (Get-RbdCluster).Location
        # what a writer killed before its commit leaves: a data file past every blob id the index has handed out
        $leftover = Join-Path $store 'data/ff/7fffffffffffffff'
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $leftover)
        [IO.File]::WriteAllBytes($leftover, (New-TestBytes -Length (64KB) -Seed 11))
    }

    It 'Test-RbdStore finds no problem, keeps every file, and says under -Verbose what it checked and what is left over' {
        $before = Get-FileListing $store
        $verbose = Get-VerboseText { @(Test-RbdStore -Verbose) | Should -HaveCount 0 }
        Get-FileListing $store | Should -Be $before
        Test-Path $leftover | Should -BeTrue
        $verbose | Should -Match 'checked the index'
        $verbose | Should -Match 'checked \d+ data files'
        $verbose | Should -Match '1 leftover data files \(64 KiB\).*Repair-RbdStore'
    }

    It 'Repair-RbdStore -WhatIf deletes nothing' {
        Repair-RbdStore -WhatIf | Should -BeNullOrEmpty
        Test-Path $leftover | Should -BeTrue
    }

    It 'Repair-RbdStore deletes the leftover and reports what it freed; the images are untouched' {
        $state = Get-RbdStoreState -WithData
        $r = Repair-RbdStore -Confirm:$false
        $r.GetType().Name | Should -Be 'RbdStoreRepair'
        $r.FilesDeleted | Should -Be 1
        $r.BytesFreed | Should -Be 64KB
        Test-Path $leftover | Should -BeFalse
        Get-RbdStoreState -WithData | Should -Be $state
        (Repair-RbdStore -Confirm:$false).BytesFreed | Should -Be 0
        @(Test-RbdStore) | Should -HaveCount 0
    }
}
