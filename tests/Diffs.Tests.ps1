# Diff streams as a runbook would use them (issue 3): full and incremental backups of an image into a
# second store through the pipeline (Export-RbdDiff | Import-RbdDiff), export-diff to a file and
# import-diff from it, merge-diff, export format 2 with its snapshots, the refusals that leave the
# target exactly as it was, -WhatIf, -Verbose and progress.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $MiB = 1MB

    function Get-ClusterDataHash {
        <# SHA256 of a whole image or snapshot of -Cluster, read in chunks. #>
        param([Parameter(Mandatory)][string]$Spec, [Parameter(Mandatory)]$Cluster, [uint64]$ChunkSize = 8MB)
        $size = [uint64](Get-RbdImage -Spec $Spec -Cluster $Cluster -ErrorAction Stop).Size
        $h = [System.Security.Cryptography.IncrementalHash]::CreateHash([System.Security.Cryptography.HashAlgorithmName]::SHA256)
        try {
            for ($done = [uint64]0; $done -lt $size; $done += $n) {
                $n = [Math]::Min($ChunkSize, $size - $done)
                $h.AppendData((Read-RbdImage -Spec $Spec -Offset $done -Length $n -Cluster $Cluster -ErrorAction Stop))
            }
            [Convert]::ToHexString($h.GetHashAndReset())
        }
        finally { $h.Dispose() }
    }

    function New-DiffV1 {
        <#
        A hand-made 'rbd diff v1' stream written to -Path: optional from/to snapshot, image size, then -Record
        items @{ Tag = 'w'|'z'; Offset; Length; Data } in order, then 'e' (unless -NoEnd). -Banner replaces the banner.
        #>
        param([Parameter(Mandatory)][string]$Path, [string]$From, [string]$To, [uint64]$Size,
            [object[]]$Record = @(), [string]$Banner = "rbd diff v1`n", [switch]$NoEnd)
        $ms = [IO.MemoryStream]::new()
        $w = [IO.BinaryWriter]::new($ms)   # little-endian, as rbd encodes
        $w.Write([Text.Encoding]::ASCII.GetBytes($Banner))
        foreach ($pair in @(@('f', $From), @('t', $To))) {
            if ($pair[1]) {
                $name = [Text.Encoding]::UTF8.GetBytes($pair[1])
                $w.Write([byte][char]$pair[0]); $w.Write([uint32]$name.Length); $w.Write($name)
            }
        }
        $w.Write([byte][char]'s'); $w.Write([uint64]$Size)
        foreach ($r in $Record) {
            $w.Write([byte][char]$r.Tag); $w.Write([uint64]$r.Offset); $w.Write([uint64]$r.Length)
            if ($r.Tag -eq 'w') { $w.Write([byte[]]$r.Data) }
        }
        if (-not $NoEnd) { $w.Write([byte][char]'e') }
        $w.Flush()
        [IO.File]::WriteAllBytes($Path, $ms.ToArray())
        $Path
    }

    function Save-Truncated([string]$Source, [string]$Destination, [double]$Fraction) {
        <# A copy of -Source cut to -Fraction of its length. #>
        Copy-Item -LiteralPath $Source -Destination $Destination
        $fs = [IO.File]::Open($Destination, 'Open', 'ReadWrite')
        try { $fs.SetLength([long]($fs.Length * $Fraction)) } finally { $fs.Dispose() }
        $Destination
    }

    function Get-FileHead([string]$Path, [int]$Count) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        [Text.Encoding]::ASCII.GetString($bytes, 0, [Math]::Min($Count, $bytes.Length))
    }

    function Get-SpoolFile {
        <# The diff spool files of this process (Export-RbdDiff without -Path). #>
        @(Get-ChildItem -Path ([IO.Path]::GetTempPath()) -Directory -Filter "rbdps-diff-$PID-*" -ErrorAction SilentlyContinue |
            Get-ChildItem -File -ErrorAction SilentlyContinue | ForEach-Object FullName)
    }
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'the module exports the diff cmdlets' {
    It 'exports <_>' -ForEach @('Export-RbdDiff', 'Import-RbdDiff', 'Merge-RbdDiff') {
        Get-Command -Module RbdPowerShell -Name $_ -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty
    }

    It 'Import-RbdDiff takes -Path and -Spec by position, and an RbdDiff from the pipeline' {
        $cmd = Get-Command Import-RbdDiff
        $cmd.Parameters['Path'].Attributes.Where({ $_ -is [Parameter] }).Position | Should -Contain 0
        $cmd.Parameters['Spec'].Attributes.Where({ $_ -is [Parameter] }).Position | Should -Contain 1
        $cmd.Parameters['InputObject'].ParameterType.FullName | Should -Be 'RbdPowerShell.RbdDiff'
        $cmd.Parameters['InputObject'].Attributes.Where({ $_ -is [Parameter] }).ValueFromPipeline | Should -Contain $true
    }

    It 'an RbdDiff has no Cluster property, so a piped one cannot bind Import-RbdDiff -Cluster' {
        [RbdPowerShell.RbdDiff].GetProperty('Cluster') | Should -BeNullOrEmpty
        [RbdPowerShell.RbdDiff].GetProperty('SourceCluster') | Should -Not -BeNullOrEmpty
        foreach ($p in 'Source', 'FromSnapshot', 'ToSnapshot', 'Size', 'Path') {
            [RbdPowerShell.RbdDiff].GetProperty($p) | Should -Not -BeNullOrEmpty -Because "RbdDiff.$p is part of the interface"
        }
    }
}

Describe 'import-diff of a hand-made v1 stream' {
    BeforeAll {
        $c = New-RbdTestStore -Name 'handmade' -Pool openstack
        $dir = New-RbdTestRoot
    }

    It 'resizes to s, writes w, discards z and creates the end snapshot' {
        $null = New-RbdImage openstack/hm -Size 4M
        Write-RbdImage openstack/hm -Offset (1 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 40)
        $data = New-TestBytes -Length 8192 -Seed 41
        $file = New-DiffV1 -Path (Join-Path $dir 'hm.diff') -To 'h1' -Size (8 * $MiB) -Record @(
            @{ Tag = 'w'; Offset = 4096; Length = 8192; Data = $data }
            @{ Tag = 'z'; Offset = 1 * $MiB; Length = 4096 }
            @{ Tag = 'w'; Offset = 6 * $MiB; Length = 8192; Data = $data }
        )
        Import-RbdDiff $file openstack/hm
        (Get-RbdImage openstack/hm).Size | Should -Be (8 * $MiB)
        @(Get-RbdSnapshot openstack/hm).Name | Should -Be @('h1')
        $model = [RbdTest.ImageModel]::new(8 * $MiB)
        $model.Write(4096, $data); $model.Write(6 * $MiB, $data)
        Get-ClusterDataHash -Spec openstack/hm@h1 -Cluster $c | Should -Be $model.Hash()
        Get-ClusterDataHash -Spec openstack/hm -Cluster $c | Should -Be $model.Hash()
        Test-Path -LiteralPath $file | Should -BeTrue -Because 'a file given with -Path is the user''s: it is never deleted'
    }
}

Describe 'full and incremental backup into a second store through the pipeline' {
    BeforeAll {
        $backup = New-RbdTestStore -Name 'backup' -Pool cinder_backup
        $source = New-RbdTestStore -Name 'source' -Pool openstack   # connected last: the session default
        $model = [RbdTest.ImageModel]::new(24 * $MiB)
        $null = New-RbdImage openstack/vol -Size 24M
        $hashes = @{}
        $bag = @{}

        # s1: data in three objects
        foreach ($w in @(@(0, 1), @((5 * $MiB + 4096), 2), @((13 * $MiB), 3))) {
            $d = New-TestBytes -Length (1 * $MiB) -Seed $w[1]
            Write-RbdImage openstack/vol -Offset $w[0] -Data $d
            $model.Write($w[0], $d)
        }
        $null = New-RbdSnapshot openstack/vol@s1
        Protect-RbdSnapshot openstack/vol@s1
        $hashes['s1'] = $model.Hash()

        # s2: an overwrite, a discard, a new object
        $d = New-TestBytes -Length 8192 -Seed 4
        Write-RbdImage openstack/vol -Offset (5 * $MiB) -Data $d; $model.Write(5 * $MiB, $d)
        Clear-RbdImage openstack/vol -Offset (13 * $MiB) -Length (1 * $MiB); $model.Discard(13 * $MiB, 1 * $MiB)
        $d = New-TestBytes -Length 65536 -Seed 5
        Write-RbdImage openstack/vol -Offset (20 * $MiB) -Data $d; $model.Write(20 * $MiB, $d)
        $null = New-RbdSnapshot openstack/vol@s2
        $hashes['s2'] = $model.Hash()

        # s3: grown, with data past the old end
        Resize-RbdImage openstack/vol -Size 32M; $model.Resize(32 * $MiB)
        $d = New-TestBytes -Length 4096 -Seed 6
        Write-RbdImage openstack/vol -Offset (30 * $MiB) -Data $d; $model.Write(30 * $MiB, $d)
        $null = New-RbdSnapshot openstack/vol@s3
        $hashes['s3'] = $model.Hash()

        # the head moves on
        $d = New-TestBytes -Length 4096 -Seed 7
        Write-RbdImage openstack/vol -Offset 0 -Data $d; $model.Write(0, $d)
        $hashes['head'] = $model.Hash()

        # Cinder's first backup creates the base image (the volume's size at the time) in the backup pool.
        $null = New-RbdImage cinder_backup/vol.backup.base -Size 24M -Cluster $backup
    }

    It 'the source store is the session default' {
        Get-RbdTestClusterName (Get-RbdCluster) | Should -Be (Get-RbdTestClusterName $source)
    }

    It 'Export-RbdDiff without -Path writes an RbdDiff for the full diff to s1' {
        $before = Get-SpoolFile
        $diff = Export-RbdDiff openstack/vol@s1
        $diff | Should -HaveCount 1
        $diff.GetType().FullName | Should -Be 'RbdPowerShell.RbdDiff'
        $diff.Source | Should -Be 'openstack/vol@s1'
        $diff.FromSnapshot | Should -BeNullOrEmpty
        $diff.ToSnapshot | Should -Be 's1'
        Get-RbdTestClusterName $diff.SourceCluster | Should -Be (Get-RbdTestClusterName $source)
        Test-Path -LiteralPath $diff.Path | Should -BeTrue
        $diff.Size | Should -Be (Get-Item -LiteralPath $diff.Path).Length
        $diff.Size | Should -BeGreaterThan (3 * $MiB) -Because 'the diff carries the 3 MiB written'
        Get-FileHead $diff.Path 12 | Should -Be "rbd diff v1`n"
        @(Get-SpoolFile | Where-Object { $_ -notin $before }) | Should -Be @($diff.Path) -Because 'the stream is spooled to a temporary file, not held in memory'
        $bag.fullDiff = $diff
    }

    It 'the RbdDiff table shows SOURCE FROM TO SIZE' {
        $text = $bag.fullDiff | Out-String -Width 200
        $header = @($text -split "`r?`n" | Where-Object { $_ -match '\S' })[0]
        foreach ($col in 'SOURCE', 'FROM', 'TO', 'SIZE') { $header | Should -Match "\b$col\b" }
        $text | Should -Match 'openstack/vol@s1'
        $text | Should -Match 'MiB'
    }

    It 'the full diff piped into Import-RbdDiff -Cluster $backup restores s1 there and deletes the spooled file' {
        $bag.fullDiff | Import-RbdDiff -Spec cinder_backup/vol.backup.base -Cluster $backup
        Test-Path -LiteralPath $bag.fullDiff.Path | Should -BeFalse -Because 'Import-RbdDiff deletes a spooled diff once imported'
        @(Get-RbdSnapshot cinder_backup/vol.backup.base -Cluster $backup).Name | Should -Be @('s1')
        (Get-RbdSnapshot cinder_backup/vol.backup.base -Cluster $backup).Protected | Should -BeFalse -Because 'a v1 stream carries no protection'
        Get-ClusterDataHash -Spec cinder_backup/vol.backup.base@s1 -Cluster $backup | Should -Be $hashes['s1']
        @(Get-RbdImage openstack -Cluster $source).Name | Should -Be @('vol') -Because 'nothing is imported into the source store'
    }

    It 'incremental s1 -> s2: Export-RbdDiff -FromSnapshot s1 | Import-RbdDiff, only the changes travel' {
        $diff = Export-RbdDiff openstack/vol@s2 -FromSnapshot s1
        $diff.FromSnapshot | Should -Be 's1'
        $diff.ToSnapshot | Should -Be 's2'
        $diff.Size | Should -BeLessThan (1 * $MiB) -Because 'only 72 KiB of data changed (the discard is a z record)'
        $diff | Import-RbdDiff -Spec cinder_backup/vol.backup.base -Cluster $backup
        @(Get-RbdSnapshot cinder_backup/vol.backup.base -Cluster $backup).Name | Should -Be @('s1', 's2')
        Get-ClusterDataHash -Spec cinder_backup/vol.backup.base@s2 -Cluster $backup | Should -Be $hashes['s2']
        Get-ClusterDataHash -Spec cinder_backup/vol.backup.base@s1 -Cluster $backup | Should -Be $hashes['s1'] -Because 'the older backup point is kept'
    }

    It 'incremental s2 -> s3 in one pipeline resizes the base to the new size' {
        Export-RbdDiff openstack/vol@s3 -FromSnapshot s2 | Import-RbdDiff -Spec cinder_backup/vol.backup.base -Cluster $backup
        (Get-RbdImage cinder_backup/vol.backup.base -Cluster $backup).Size | Should -Be (32 * $MiB)
        (Get-RbdImage cinder_backup/vol.backup.base@s3 -Cluster $backup).Size | Should -Be (32 * $MiB)
        @(Get-RbdSnapshot cinder_backup/vol.backup.base -Cluster $backup).Name | Should -Be @('s1', 's2', 's3')
        Get-ClusterDataHash -Spec cinder_backup/vol.backup.base@s3 -Cluster $backup | Should -Be $hashes['s3']
    }

    It 'a diff of the head (no end snapshot) brings the base to the head without a snapshot' {
        Export-RbdDiff openstack/vol -FromSnapshot s3 | Import-RbdDiff -Spec cinder_backup/vol.backup.base -Cluster $backup
        @(Get-RbdSnapshot cinder_backup/vol.backup.base -Cluster $backup).Name | Should -Be @('s1', 's2', 's3')
        Get-ClusterDataHash -Spec cinder_backup/vol.backup.base -Cluster $backup | Should -Be $hashes['head']
    }

    It 'the piped RbdDiff does not carry its cluster into Import-RbdDiff: without -Cluster it imports into the session default' {
        $null = Connect-RbdTestCluster $backup     # the backup store becomes the default
        try {
            $null = New-RbdImage cinder_backup/restored -Size 24M
            Export-RbdDiff openstack/vol@s2 -Cluster $source | Import-RbdDiff -Spec cinder_backup/restored
            Get-ClusterDataHash -Spec cinder_backup/restored@s2 -Cluster $backup | Should -Be $hashes['s2']
            { Get-RbdImage cinder_backup/restored -Cluster $source -ErrorAction Stop } | Should -Throw
        }
        finally { $null = Connect-RbdTestCluster $source }
    }

    It 'restore: a backup point exported from the backup store into a new empty volume' {
        $null = New-RbdImage openstack/vol-restore -Size 1M
        Export-RbdDiff cinder_backup/vol.backup.base@s2 -Cluster $backup | Import-RbdDiff -Spec openstack/vol-restore
        (Get-RbdImage openstack/vol-restore).Size | Should -Be (24 * $MiB)
        Get-ClusterDataHash -Spec openstack/vol-restore -Cluster $source | Should -Be $hashes['s2']
        @(Get-RbdSnapshot openstack/vol-restore).Name | Should -Be @('s2')
    }

    It '-WholeObject reports whole objects and imports to the same data' {
        $exact = Export-RbdDiff openstack/vol@s2 -FromSnapshot s1
        $whole = Export-RbdDiff openstack/vol@s2 -FromSnapshot s1 -WholeObject
        $whole.WholeObject | Should -BeTrue
        $whole.Size | Should -BeGreaterThan $exact.Size -Because 'whole objects cover more than the changed bytes'
        $null = New-RbdImage openstack/wo -Size 24M
        Export-RbdDiff openstack/vol@s1 | Import-RbdDiff -Spec openstack/wo
        $whole | Import-RbdDiff -Spec openstack/wo
        Get-ClusterDataHash -Spec openstack/wo@s2 -Cluster $source | Should -Be $hashes['s2']
        $exact | Import-RbdDiff -Spec openstack/wo -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].FullyQualifiedErrorId | Should -Match '^DiffEndSnapshotExists(,|$)'
        Test-Path -LiteralPath $exact.Path | Should -BeTrue -Because 'a refused import keeps the spooled diff for another try'
    }

    It 'a clone''s diff since creation includes its parent''s data' {
        $null = Copy-RbdClone openstack/vol@s1 openstack/child
        $d = New-TestBytes -Length 4096 -Seed 8
        Write-RbdImage openstack/child -Offset (2 * $MiB) -Data $d
        $childModel = [RbdTest.ImageModel]::new(24 * $MiB)
        $childModel.Write(0, (Read-RbdImage openstack/vol@s1 -Offset 0 -Length (24 * $MiB)))
        $childModel.Write(2 * $MiB, $d)
        $null = New-RbdSnapshot openstack/child@c1
        $null = New-RbdImage cinder_backup/child -Size 24M -Cluster $backup
        Export-RbdDiff openstack/child@c1 | Import-RbdDiff -Spec cinder_backup/child -Cluster $backup
        (Get-RbdImage cinder_backup/child -Cluster $backup).Parent | Should -BeNullOrEmpty
        Get-ClusterDataHash -Spec cinder_backup/child@c1 -Cluster $backup | Should -Be $childModel.Hash()
    }
}

Describe 'export-diff to a file, import-diff from it, merge-diff' {
    BeforeAll {
        $c = New-RbdTestStore -Name 'files' -Pool openstack
        $dir = New-RbdTestRoot
        $null = New-RbdImage openstack/img -Size 16M
        $model = [RbdTest.ImageModel]::new(16 * $MiB)
        $d = New-TestBytes -Length (2 * $MiB) -Seed 11
        Write-RbdImage openstack/img -Offset (1 * $MiB) -Data $d; $model.Write(1 * $MiB, $d)
        $null = New-RbdSnapshot openstack/img@s1
        $h1 = $model.Hash()
        $d = New-TestBytes -Length 12288 -Seed 12
        Write-RbdImage openstack/img -Offset (2 * $MiB) -Data $d; $model.Write(2 * $MiB, $d)
        Clear-RbdImage openstack/img -Offset (1 * $MiB) -Length 65536; $model.Discard(1 * $MiB, 65536)
        $d = New-TestBytes -Length 4096 -Seed 13
        Write-RbdImage openstack/img -Offset (9 * $MiB) -Data $d; $model.Write(9 * $MiB, $d)
        $null = New-RbdSnapshot openstack/img@s2
        $h2 = $model.Hash()
        $full = Join-Path $dir 'img-s1.diff'
        $incr = Join-Path $dir 'img-s1-s2.diff'
        $merged = Join-Path $dir 'img-s2.diff'
    }

    It 'Export-RbdDiff -Path writes an rbd diff v1 file and nothing to the pipeline' {
        $out = @(Export-RbdDiff openstack/img@s1 -Path $full)
        $out | Should -HaveCount 0
        Get-FileHead $full 12 | Should -Be "rbd diff v1`n"
        $out = @(Export-RbdDiff openstack/img@s2 -FromSnapshot s1 -Path $incr)
        $out | Should -HaveCount 0
        (Get-Item $incr).Length | Should -BeLessThan (Get-Item $full).Length
    }

    It 'an existing file is refused without -Force (FileExists) and kept as it was' {
        $before = Get-FileHash $full
        Assert-RbdError { Export-RbdDiff openstack/img@s2 -Path $full } -ErrorId FileExists -Category ResourceExists -Target $full
        (Get-FileHash $full).Hash | Should -Be $before.Hash
    }

    It '-Force replaces it, and -PassThru writes an RbdDiff of the file' {
        $other = Join-Path $dir 'other.diff'
        Set-Content -LiteralPath $other -Value 'old content'
        $r = Export-RbdDiff openstack/img@s1 -Path $other -Force -PassThru
        $r.Path | Should -Be $other
        $r.IsTemporary | Should -BeFalse
        $r.Size | Should -Be (Get-Item $other).Length
        (Get-FileHash $other).Hash | Should -Be (Get-FileHash $full).Hash -Because 'the same export gives the same bytes'
        $null = New-RbdImage openstack/from-passthru -Size 16M
        $r | Import-RbdDiff -Spec openstack/from-passthru
        Test-Path -LiteralPath $other | Should -BeTrue -Because 'only spooled temporary files are deleted after an import'
    }

    It 'Import-RbdDiff file pool/image applies the full diff, then the incremental one' {
        $null = New-RbdImage openstack/copy -Size 16M
        Import-RbdDiff $full openstack/copy
        Import-RbdDiff -Path $incr -Spec openstack/copy
        @(Get-RbdSnapshot openstack/copy).Name | Should -Be @('s1', 's2')
        Get-ClusterDataHash -Spec openstack/copy@s1 -Cluster $c | Should -Be $h1
        Get-ClusterDataHash -Spec openstack/copy@s2 -Cluster $c | Should -Be $h2
    }

    It 'Import-RbdDiff -PassThru returns the image; a FileInfo binds -Path' {
        $null = New-RbdImage openstack/copy2 -Size 16M
        $img = Get-Item $full | Import-RbdDiff -Spec openstack/copy2 -PassThru
        $img.Spec | Should -Be 'openstack/copy2'
        $img.Snapshots | Should -Be 1
    }

    It 'Merge-RbdDiff first,second destination gives one diff from creation to s2' {
        Merge-RbdDiff $full, $incr $merged
        Get-FileHead $merged 12 | Should -Be "rbd diff v1`n"
        $null = New-RbdImage openstack/merged -Size 4M
        Import-RbdDiff $merged openstack/merged
        @(Get-RbdSnapshot openstack/merged).Name | Should -Be @('s2') -Because 'the merged diff keeps the first from (none) and the second to'
        (Get-RbdImage openstack/merged).Size | Should -Be (16 * $MiB)
        Get-ClusterDataHash -Spec openstack/merged@s2 -Cluster $c | Should -Be $h2
    }

    It 'Merge-RbdDiff refuses an existing destination without -Force; -Force -PassThru replaces it' {
        Assert-RbdError { Merge-RbdDiff $full, $incr $merged } -ErrorId FileExists -Target $merged
        $fi = Merge-RbdDiff -Path $full, $incr -Destination $merged -Force -PassThru
        $fi.FullName | Should -Be $merged
    }

    It 'Merge-RbdDiff of diffs that do not follow each other is refused (DiffMergeMismatch) and writes nothing' {
        $bad = Join-Path $dir 'bad-merge.diff'
        Assert-RbdError { Merge-RbdDiff $incr, $full $bad } -ErrorId DiffMergeMismatch
        Test-Path -LiteralPath $bad | Should -BeFalse
        @(Get-ChildItem -LiteralPath $dir -Force -Filter '*.partial') | Should -HaveCount 0 -Because 'no partial file is left behind'
    }

    It 'Merge-RbdDiff of a missing file is FileNotFound' {
        Assert-RbdError { Merge-RbdDiff $full, (Join-Path $dir 'nope.diff') (Join-Path $dir 'x.diff') } -ErrorId FileNotFound -Category ObjectNotFound
    }

    It 'Import-RbdDiff of a missing file is FileNotFound' {
        Assert-RbdError { Import-RbdDiff (Join-Path $dir 'nope.diff') openstack/copy } -ErrorId FileNotFound -Category ObjectNotFound
    }

    It 'Export-RbdDiff -FromSnapshot of a snapshot that does not exist is refused and writes no file' {
        $f = Join-Path $dir 'ghost.diff'
        Assert-RbdError { Export-RbdDiff openstack/img@s2 -FromSnapshot ghost -Path $f } -ErrorId SnapshotNotFound -Category ObjectNotFound
        Test-Path -LiteralPath $f | Should -BeFalse
    }
}

Describe 'export format 2 keeps snapshots and their protection' {
    BeforeAll {
        $c = New-RbdTestStore -Name 'format2' -Pool openstack
        $other = New-RbdTestStore -Name 'format2-other' -Pool openstack
        $null = Connect-RbdTestCluster $c
        $dir = New-RbdTestRoot
        $null = New-RbdImage openstack/img -Size 12M -ObjectSize 8M
        $model = [RbdTest.ImageModel]::new(12 * $MiB, 23)
        $d = New-TestBytes -Length (1 * $MiB) -Seed 21
        Write-RbdImage openstack/img -Offset 0 -Data $d; $model.Write(0, $d)
        $null = New-RbdSnapshot openstack/img@gold
        Protect-RbdSnapshot openstack/img@gold
        $hGold = $model.Hash()
        $d = New-TestBytes -Length 8192 -Seed 22
        Write-RbdImage openstack/img -Offset (9 * $MiB) -Data $d; $model.Write(9 * $MiB, $d)
        Clear-RbdImage openstack/img -Offset 0 -Length 4096; $model.Discard(0, 4096)
        $null = New-RbdSnapshot openstack/img@plain
        $hPlain = $model.Hash()
        $d = New-TestBytes -Length 4096 -Seed 23
        Write-RbdImage openstack/img -Offset (11 * $MiB) -Data $d; $model.Write(11 * $MiB, $d)
        $hHead = $model.Hash()
        $v2 = Join-Path $dir 'img.v2'
    }

    It 'Export-RbdImage -ExportFormat 2 writes the rbd image v2 banner' {
        Export-RbdImage openstack/img $v2 -ExportFormat 2
        Get-FileHead $v2 13 | Should -Be "rbd image v2`n"
    }

    It 'Import-RbdImage recognises the banner and recreates every snapshot, its protection and the data' {
        $img = Import-RbdImage $v2 openstack/img2
        $img.Spec | Should -Be 'openstack/img2'
        $img.Size | Should -Be (12 * $MiB)
        $img.Order | Should -Be 23 -Because 'the order comes from the O record'
        $snaps = @(Get-RbdSnapshot openstack/img2)
        $snaps.Name | Should -Be @('gold', 'plain')
        $snaps.Protected | Should -Be @($true, $false)
        Get-ClusterDataHash -Spec openstack/img2@gold -Cluster $c | Should -Be $hGold
        Get-ClusterDataHash -Spec openstack/img2@plain -Cluster $c | Should -Be $hPlain
        Get-ClusterDataHash -Spec openstack/img2 -Cluster $c | Should -Be $hHead
    }

    It 'Import-RbdImage -ExportFormat 2 into another cluster' {
        $img = Import-RbdImage $v2 openstack/moved -ExportFormat 2 -Cluster $other
        Get-RbdTestClusterName $img.Cluster | Should -Be (Get-RbdTestClusterName $other)
        @(Get-RbdSnapshot openstack/moved -Cluster $other).Name | Should -Be @('gold', 'plain')
        Get-ClusterDataHash -Spec openstack/moved -Cluster $other | Should -Be $hHead
    }

    It 'a raw file is still imported raw; -ExportFormat 1 imports even a v2 file byte for byte' {
        $raw = Join-Path $dir 'img.raw'
        Export-RbdImage openstack/img $raw
        $r = Import-RbdImage $raw openstack/raw
        @(Get-RbdSnapshot openstack/raw) | Should -HaveCount 0
        Get-ClusterDataHash -Spec openstack/raw -Cluster $c | Should -Be $hHead
        $asRaw = Import-RbdImage $v2 openstack/v2-as-raw -ExportFormat 1
        $asRaw.Size | Should -Be (Get-Item $v2).Length
    }

    It 'Export-RbdImage -ExportFormat 2 refuses an existing file without -Force' {
        Assert-RbdError { Export-RbdImage openstack/img $v2 -ExportFormat 2 } -ErrorId FileExists -Target $v2
        Export-RbdImage openstack/img $v2 -ExportFormat 2 -Force
        Get-FileHead $v2 13 | Should -Be "rbd image v2`n"
    }

    It 'Export-RbdImage pool/image@snap -ExportFormat 2 writes the whole image, as rbd 16.2 does, and imports with every snapshot' {
        $ofGold = Join-Path $dir 'gold.v2'
        Export-RbdImage openstack/img@gold $ofGold -ExportFormat 2
        (Get-FileHash $ofGold).Hash | Should -Be (Get-FileHash $v2).Hash -Because 'rbd writes every snapshot and the head, whichever snapshot is named'
        $null = Import-RbdImage $ofGold openstack/from-gold
        $snaps = @(Get-RbdSnapshot openstack/from-gold)
        $snaps.Name | Should -Be @('gold', 'plain')
        $snaps.Protected | Should -Be @($true, $false)
        Get-ClusterDataHash -Spec openstack/from-gold@gold -Cluster $c | Should -Be $hGold
        Get-ClusterDataHash -Spec openstack/from-gold@plain -Cluster $c | Should -Be $hPlain
        Get-ClusterDataHash -Spec openstack/from-gold -Cluster $c | Should -Be $hHead
    }

    It 'Export-RbdImage -ExportFormat 2 of a missing snapshot is SnapshotNotFound and writes no file' {
        $f = Join-Path $dir 'ghost.v2'
        Assert-RbdError { Export-RbdImage -Pool openstack -Image img -Snapshot ghost -Path $f -ExportFormat 2 } -ErrorId SnapshotNotFound -Category ObjectNotFound
        Test-Path -LiteralPath $f | Should -BeFalse
    }

    It 'a corrupt format 2 file is refused and no image is left behind' {
        $cut = Save-Truncated $v2 (Join-Path $dir 'cut.v2') 0.5
        $state = Get-RbdStoreState
        $e = Get-RbdErrorRecord { Import-RbdImage $cut openstack/cut }
        $e | Should -Not -BeNullOrEmpty
        Get-RbdStoreState | Should -Be $state
    }
}

Describe 'refusals leave the target unchanged' {
    BeforeAll {
        $c = New-RbdTestStore -Name 'refusals' -Pool openstack
        $dir = New-RbdTestRoot
        $null = New-RbdImage openstack/src -Size 8M
        Write-RbdImage openstack/src -Offset 0 -Data (New-TestBytes -Length 65536 -Seed 31)
        $null = New-RbdSnapshot openstack/src@s1
        Write-RbdImage openstack/src -Offset (4 * $MiB) -Data (New-TestBytes -Length 65536 -Seed 32)
        $null = New-RbdSnapshot openstack/src@s2
        $full = Join-Path $dir 'full.diff'
        $incr = Join-Path $dir 'incr.diff'
        # The refusal cases below need a target with data and a snapshot.
        $null = New-RbdImage openstack/target -Size 8M
        Write-RbdImage openstack/target -Offset (1 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 33)
        $null = New-RbdSnapshot openstack/target@s1
        Write-RbdImage openstack/target -Offset (2 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 34)

        function Assert-TargetAfterCorruptStream([string]$Before) {
            <#
            The embedded store applies a stream all at once or not at all. librbd, as rbd import-diff does, keeps
            the records read before the corruption (writes, discards, the resize of an s record), but the end
            snapshot comes only after the e record: it is never made.
            #>
            if ($RbdTestBackend -eq 'Embedded') { Get-RbdStoreState -WithData | Should -Be $Before }
            else { @(Get-RbdSnapshot openstack/target).Name | Should -Be @('s1') }
        }
    }
    BeforeEach {
        $state = Get-RbdStoreState -WithData
    }

    It 'the streams export' {
        Export-RbdDiff openstack/src@s1 -Path $full
        Export-RbdDiff openstack/src@s2 -FromSnapshot s1 -Path $incr
        $state = Get-RbdStoreState -WithData   # the store did not change, but read it again for the next checks
    }

    It 'a start snapshot missing from the target: DiffStartSnapshotMissing' {
        $null = New-RbdImage openstack/blank -Size 8M
        $state = Get-RbdStoreState -WithData
        $e = Assert-RbdError { Import-RbdDiff $incr openstack/blank } -ErrorId DiffStartSnapshotMissing -Category InvalidArgument, ObjectNotFound
        $e.Exception.Message | Should -BeLike "*start snapshot 's1' does not exist in the image*"
        Get-RbdStoreState -WithData | Should -Be $state
    }

    It 'an end snapshot that already exists: DiffEndSnapshotExists' {
        $e = Assert-RbdError { Import-RbdDiff $full openstack/target } -ErrorId DiffEndSnapshotExists -Category ResourceExists
        $e.Exception.Message | Should -BeLike "*end snapshot 's1' already exists*"
        Get-RbdStoreState -WithData | Should -Be $state
    }

    It 'a wrong banner: DiffBannerInvalid' {
        $f = New-DiffV1 -Path (Join-Path $dir 'banner.diff') -Banner "rbd diff v9`n" -To 'x1' -Size (8 * $MiB)
        Assert-RbdError { Import-RbdDiff $f openstack/target } -ErrorId DiffBannerInvalid -Category InvalidArgument
        Get-RbdStoreState -WithData | Should -Be $state
    }

    It 'a foreign file (a raw image): DiffBannerInvalid' {
        $f = Join-Path $dir 'foreign.raw'
        [IO.File]::WriteAllBytes($f, (New-TestBytes -Length 65536 -Seed 35))
        Assert-RbdError { Import-RbdDiff $f openstack/target } -ErrorId DiffBannerInvalid
        Get-RbdStoreState -WithData | Should -Be $state
    }

    It 'a truncated stream (cut inside a w record): DiffCorrupt, no partial data and no end snapshot' {
        $f = Save-Truncated $incr (Join-Path $dir 'truncated.diff') (2 / 3)
        $null = New-RbdImage openstack/t2 -Size 8M
        Import-RbdDiff $full openstack/t2
        $state = Get-RbdStoreState -WithData
        Assert-RbdError { Import-RbdDiff $f openstack/t2 } -ErrorId DiffCorrupt
        Get-RbdStoreState -WithData | Should -Be $state
        @(Get-RbdSnapshot openstack/t2).Name | Should -Be @('s1')
    }

    It 'a stream without its e record: DiffCorrupt' {
        $f = New-DiffV1 -Path (Join-Path $dir 'noend.diff') -To 'x2' -Size (8 * $MiB) -NoEnd -Record @(
            @{ Tag = 'w'; Offset = 0; Length = 4096; Data = (New-TestBytes -Length 4096 -Seed 36) })
        Assert-RbdError { Import-RbdDiff $f openstack/target } -ErrorId DiffCorrupt
        Assert-TargetAfterCorruptStream $state
    }

    It 'an unknown tag in a v1 stream: DiffCorrupt' {
        $f = New-DiffV1 -Path (Join-Path $dir 'tag.diff') -To 'x3' -Size (8 * $MiB) -Record @(
            @{ Tag = 'w'; Offset = 0; Length = 4096; Data = (New-TestBytes -Length 4096 -Seed 37) }
            @{ Tag = 'q'; Offset = 0; Length = 0 })
        Assert-RbdError { Import-RbdDiff $f openstack/target } -ErrorId DiffCorrupt
        Assert-TargetAfterCorruptStream $state
    }

    It 'an extent past the image size (after s, which sets the size): DiffCorrupt' {
        $f = New-DiffV1 -Path (Join-Path $dir 'past.diff') -To 'x4' -Size (16 * $MiB) -Record @(
            @{ Tag = 'w'; Offset = 0; Length = 4096; Data = (New-TestBytes -Length 4096 -Seed 38) }
            @{ Tag = 'w'; Offset = 16 * $MiB; Length = 4096; Data = (New-TestBytes -Length 4096 -Seed 39) })
        Assert-RbdError { Import-RbdDiff $f openstack/target } -ErrorId DiffCorrupt
        Assert-TargetAfterCorruptStream $state
    }

    It 'a length past the end of the stream: DiffCorrupt' {
        $f = New-DiffV1 -Path (Join-Path $dir 'long.diff') -To 'x5' -Size (8 * $MiB) -NoEnd -Record @(
            @{ Tag = 'w'; Offset = 0; Length = 1MB; Data = (New-TestBytes -Length 4096 -Seed 40) })
        Assert-RbdError { Import-RbdDiff $f openstack/target } -ErrorId DiffCorrupt
        Assert-TargetAfterCorruptStream $state
    }

    It 'a missing target image: ImageNotFound' {
        Assert-RbdError { Import-RbdDiff $full openstack/ghost } -ErrorId ImageNotFound -Category ObjectNotFound
        Get-RbdStoreState -WithData | Should -Be $state
    }

    It 'a refusal in a pipeline is non-terminating: the next diff is still imported' {
        $null = New-RbdImage openstack/t3 -Size 8M
        $state = Get-RbdStoreState
        $ev = $null
        $diffs = @((Export-RbdDiff openstack/src@s2 -FromSnapshot s1), (Export-RbdDiff openstack/src@s1))
        $diffs | Import-RbdDiff -Spec openstack/t3 -ErrorAction SilentlyContinue -ErrorVariable ev
        @($ev) | Should -HaveCount 1
        $ev[0].FullyQualifiedErrorId | Should -Match '^DiffStartSnapshotMissing(,|$)'
        @(Get-RbdSnapshot openstack/t3).Name | Should -Be @('s1')
    }
}

Describe '-WhatIf changes nothing' {
    BeforeAll {
        $c = New-RbdTestStore -Name 'whatif' -Pool openstack
        $dir = New-RbdTestRoot
        $null = New-RbdImage openstack/img -Size 8M
        Write-RbdImage openstack/img -Offset 0 -Data (New-TestBytes -Length 65536 -Seed 51)
        $null = New-RbdSnapshot openstack/img@s1
        Write-RbdImage openstack/img -Offset (4 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 52)
        $null = New-RbdSnapshot openstack/img@s2
        $null = New-RbdImage openstack/target -Size 8M
        $files = Join-Path $dir 'files'
        $null = New-Item -ItemType Directory -Path $files
        $full = Join-Path $files 'full.diff'
        $incr = Join-Path $files 'incr.diff'
        $v2 = Join-Path $files 'img.v2'
    }
    BeforeEach {
        $stateBefore = Get-RbdStoreState -WithData
        $filesBefore = Get-FileListing -Path $files
        $spoolBefore = Get-SpoolFile
    }
    AfterEach {
        Get-RbdStoreState -WithData | Should -Be $stateBefore -Because '-WhatIf must not change the store'
        Get-FileListing -Path $files | Should -Be $filesBefore -Because '-WhatIf must not write files'
    }

    It 'the files used below exist (made without -WhatIf)' {
        Export-RbdDiff openstack/img@s1 -Path $full
        Export-RbdDiff openstack/img@s2 -FromSnapshot s1 -Path $incr
        Export-RbdImage openstack/img $v2 -ExportFormat 2
        $filesBefore = Get-FileListing -Path $files
    }

    It '<Name> -WhatIf' -ForEach @(
        @{ Name = 'Export-RbdDiff to the pipeline'; Action = { Export-RbdDiff openstack/img@s2 -FromSnapshot s1 -WhatIf } }
        @{ Name = 'Export-RbdDiff -Path'; Action = { Export-RbdDiff openstack/img@s2 -Path (Join-Path $files 'new.diff') -WhatIf } }
        @{ Name = 'Export-RbdDiff -Path -Force over a file'; Action = { Export-RbdDiff openstack/img@s2 -Path $full -Force -WhatIf } }
        @{ Name = 'Import-RbdDiff'; Action = { Import-RbdDiff $full openstack/target -WhatIf } }
        @{ Name = 'Merge-RbdDiff'; Action = { Merge-RbdDiff $full, $incr (Join-Path $files 'merged.diff') -WhatIf } }
        @{ Name = 'Export-RbdImage -ExportFormat 2'; Action = { Export-RbdImage openstack/img (Join-Path $files 'x.v2') -ExportFormat 2 -WhatIf } }
        @{ Name = 'Import-RbdImage of a format 2 file'; Action = { Import-RbdImage $v2 openstack/imported -WhatIf } }
    ) {
        $out = @(& $Action)     # any error stops the test ($ErrorActionPreference is Stop)
        $out | Should -HaveCount 0
        @(Get-SpoolFile).Count | Should -Be @($spoolBefore).Count -Because 'nothing is spooled either'
    }

    It 'Export-RbdDiff | Import-RbdDiff -WhatIf keeps the spooled diff' {
        $diff = Export-RbdDiff openstack/img@s1
        $diff | Import-RbdDiff -Spec openstack/target -WhatIf
        Test-Path -LiteralPath $diff.Path | Should -BeTrue
        $spoolBefore = Get-SpoolFile
    }
}

Describe '-Verbose prints the rbd command line' {
    BeforeAll {
        $c = New-RbdTestStore -Name 'verbose' -Pool openstack
        $dir = New-RbdTestRoot
        $null = New-RbdImage openstack/img -Size 8M
        Write-RbdImage openstack/img -Offset 0 -Data (New-TestBytes -Length 4096 -Seed 61)
        $null = New-RbdSnapshot openstack/img@s1
        $null = New-RbdSnapshot openstack/img@s2
        $null = New-RbdImage openstack/target -Size 8M
        $a = Join-Path $dir 'a.diff'
        $b = Join-Path $dir 'b.diff'
        $m = Join-Path $dir 'm.diff'
        $v2 = Join-Path $dir 'img.v2'
        $bag = @{}
    }

    # In order: each step needs the ones before it.
    It '<Name> prints <Pattern>' -ForEach @(
        @{ Name = 'Export-RbdDiff to the pipeline'; Action = { $bag.piped = Export-RbdDiff openstack/img@s2 -FromSnapshot s1 -Verbose }; Pattern = 'rbd export-diff --from-snap s1 openstack/img@s2 -(\r?\n|$)' }
        @{ Name = 'Export-RbdDiff -Path'; Action = { Export-RbdDiff openstack/img@s1 -Path $a -Verbose }; Pattern = 'rbd export-diff openstack/img@s1 \S*a\.diff' }
        @{ Name = 'Export-RbdDiff -WholeObject'; Action = { Export-RbdDiff openstack/img@s2 -FromSnapshot s1 -WholeObject -Path $b -Verbose }; Pattern = 'rbd export-diff --from-snap s1 --whole-object openstack/img@s2 \S*b\.diff' }
        @{ Name = 'Import-RbdDiff'; Action = { Import-RbdDiff $a openstack/target -Verbose }; Pattern = 'rbd import-diff \S*a\.diff openstack/target' }
        @{ Name = 'Import-RbdDiff from the pipeline'; Action = { $bag.piped | Import-RbdDiff -Spec openstack/target -Verbose }; Pattern = 'rbd import-diff \S+ openstack/target' }
        @{ Name = 'Merge-RbdDiff'; Action = { Merge-RbdDiff $a, $b $m -Verbose }; Pattern = 'rbd merge-diff \S*a\.diff \S*b\.diff \S*m\.diff' }
        @{ Name = 'Export-RbdImage -ExportFormat 2'; Action = { Export-RbdImage openstack/img $v2 -ExportFormat 2 -Verbose }; Pattern = 'rbd export --export-format 2 openstack/img \S*img\.v2' }
        @{ Name = 'Import-RbdImage (format 2)'; Action = { Import-RbdImage $v2 openstack/img2 -Verbose }; Pattern = 'rbd import --export-format 2 \S*img\.v2 openstack/img2' }
    ) {
        $text = Get-VerboseText $Action
        $text | Should -Match (Get-RbdCommandPattern $Pattern) -Because "the verbose output was: $text"
    }
}

Describe 'progress, tab completion and spool cleanup' {
    BeforeAll {
        $root = New-RbdTestRoot
        $c = New-RbdTestStore -Name 'progress' -Pool openstack
        $null = New-RbdImage openstack/img -Size 16M
        Write-RbdImage openstack/img -Offset 0 -Data (New-TestBytes -Length (4 * $MiB) -Seed 71)
        $null = New-RbdSnapshot openstack/img@s1
        Write-RbdImage openstack/img -Offset (8 * $MiB) -Data (New-TestBytes -Length (4 * $MiB) -Seed 72)
        $null = New-RbdSnapshot openstack/img@s2
        $null = New-RbdImage openstack/target -Size 16M
        $diffFile = Join-Path $root 'p.diff'
    }
    AfterAll {
        $null = Connect-RbdTestCluster $c
    }

    It '<Command> reports "<Activity>"' -ForEach @(
        @{ Command = "Export-RbdDiff openstack/img@s1 -Path '{file}'"; Activity = 'Exporting diff of openstack/img@s1' }
        @{ Command = "Import-RbdDiff '{file}' openstack/target"; Activity = 'Importing diff into openstack/target' }
    ) {
        $activities = Get-ProgressActivity -Cluster $c -Command $Command.Replace('{file}', $diffFile)
        ($activities -join "`n") | Should -BeLike "*$Activity*"
    }

    It '''Export-RbdDiff openstack/img@'' completes the snapshots; -FromSnapshot completes snapshot names' {
        $null = Connect-RbdTestCluster $c
        $r = TabExpansion2 -inputScript 'Export-RbdDiff openstack/img@' -cursorColumn 'Export-RbdDiff openstack/img@'.Length
        @($r.CompletionMatches.CompletionText) | Should -Contain 'openstack/img@s1'
        $line = 'Export-RbdDiff openstack/img@s2 -FromSnapshot '
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($r.CompletionMatches.CompletionText) | Should -Contain 's1'
        $line = 'Import-RbdDiff ./x.diff openstack/ta'
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($r.CompletionMatches.CompletionText) | Should -Contain 'openstack/target'
    }

    It 'removing the module deletes the diffs spooled and never imported' {
        $script = Join-Path $root 'spool-child.ps1'
        Set-Content -LiteralPath $script -Value @"
Import-Module `$env:RBDPS_MODULE -ErrorAction Stop
`$null = $(Get-RbdTestConnectCommand $c)
`$d = Export-RbdDiff openstack/img@s1 -ErrorAction Stop
'exists:' + (Test-Path -LiteralPath `$d.Path)
Remove-Module RbdPowerShell
'after:' + (Test-Path -LiteralPath `$d.Path)
"@
        $child = Wait-PwshChild (Start-PwshChild -File $script)
        $child.ExitCode | Should -Be 0 -Because $child.StdErr
        $child.StdOut | Should -Match 'exists:True'
        $child.StdOut | Should -Match 'after:False'
    }
}
