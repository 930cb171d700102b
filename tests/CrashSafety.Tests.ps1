# Crash safety of the embedded store: a pwsh process killed in the middle of a long flatten, import or
# write leaves a consistent store (Test-RbdStore finds nothing) whose images read either as before or as
# after the operation. Child processes are the same pwsh as the test run, killed by their own process id.
# Embedded only (-Tag EmbeddedOnly): what it drills is the store's own journal. On Ceph librbd has no
# transactions (a killed import leaves a partial image) and the dead client's exclusive lock holds the
# image until its watch times out; two processes at once are in Concurrency.Tests.ps1, on both backends.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $MiB = 1MB

    $storeRoot = New-RbdTestRoot
    $storeDir = Join-Path $storeRoot 'crash-store'
    $null = New-RbdTestStore -Root $storeRoot -Name 'crash-store' -Pool openstack

    # One child script for every crash scenario: connect, build its input, drop the marker, run the operation.
    $childScript = Join-Path $TestDrive 'crash-child.ps1'
    Set-Content -LiteralPath $childScript -Value @'
param([string]$Store, [string]$Marker, [string]$Op, [string]$Spec, [string]$File, [int]$Seed, [long]$Offset, [int]$Length)
$ErrorActionPreference = 'Stop'
Import-Module $env:RBDPS_MODULE
$null = Connect-RbdCluster -Path $Store
$data = $null
if ($Op -eq 'write') { $data = [byte[]]::new($Length); [System.Random]::new($Seed).NextBytes($data) }
Set-Content -LiteralPath $Marker -Value 'started'
switch ($Op) {
    'flatten' { Invoke-RbdFlatten -Spec $Spec }
    'import' { $null = Import-RbdImage -Path $File -Spec $Spec }
    'write' { Write-RbdImage -Spec $Spec -Offset $Offset -Data $data }
}
Set-Content -LiteralPath "$Marker.done" -Value 'done'
'@

    function Invoke-KilledChild {
        <#
        Runs one operation in a child pwsh, waits until it is about to start it, lets it run for a
        random 100-800 ms and kills the process. Returns whether the operation had finished by then.
        #>
        param([string]$Op, [string]$Spec, [string]$File = '', [int]$Seed = 0, [long]$Offset = 0, [int]$Length = 0)
        $marker = Join-Path $TestDrive ("marker-" + [guid]::NewGuid().ToString('N'))
        $child = Start-PwshChild -File $childScript -Arguments @(
            '-Store', $storeDir, '-Marker', $marker, '-Op', $Op, '-Spec', $Spec, '-File', $File,
            '-Seed', $Seed, '-Offset', $Offset, '-Length', $Length)
        $started = Wait-ForFile -Path $marker -Process $child.Process -TimeoutSeconds 120
        if (-not $started) {
            $r = Wait-PwshChild $child -TimeoutSeconds 5
            throw "the child never reached the $Op (exit $($r.ExitCode)): $($r.StdOut) $($r.StdErr)"
        }
        $delay = Get-Random -Minimum 100 -Maximum 801
        Start-Sleep -Milliseconds $delay
        $killed = $false
        if (-not $child.Process.HasExited) { $child.Process.Kill(); $killed = $true }
        $r = Wait-PwshChild $child -TimeoutSeconds 60
        $finished = Test-Path -LiteralPath "$marker.done"
        if (-not $finished -and -not $killed) { throw "the child's $Op failed on its own (exit $($r.ExitCode)): $($r.StdOut) $($r.StdErr)" }
        Write-Host "    $Op killed after $delay ms; finished before the kill: $finished"
        [pscustomobject]@{ Finished = $finished; DelayMs = $delay; StdErr = $r.StdErr }
    }
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'a flatten killed half way (round <_>)' -ForEach 1, 2 -Tag EmbeddedOnly {
    BeforeAll {
        # openstack/big: 2 GiB, 512 MiB of data in 8 MiB pieces spread over the whole image.
        # (made in round 1; later rounds clone the same snapshot again)
        $cloneSpec = "openstack/bigclone$_"
        $makeParent = -not (@(Get-RbdImage openstack).Name -contains 'big')
        $parent = [RbdTest.ImageModel]::new(2GB)
        if ($makeParent) { $null = New-RbdImage openstack/big -Size 2G }
        for ($k = 0; $k -lt 64; $k++) {
            $data = New-TestBytes -Length (8 * $MiB) -Seed (1000 + $k)
            $at = [uint64]$k * 32 * $MiB + 4 * $MiB
            if ($makeParent) { Write-RbdImage openstack/big -Offset $at -Data $data }
            $parent.Write($at, $data)
        }
        if ($makeParent) {
            $null = New-RbdSnapshot openstack/big@base
            Protect-RbdSnapshot openstack/big@base
        }
        $null = Copy-RbdClone openstack/big@base $cloneSpec
        # the clone owns a few objects of its own
        $clone = $parent.Copy()
        foreach ($at in [uint64](4 * $MiB + 12KB), [uint64](1GB + 8 * $MiB)) {
            $mine = New-TestBytes -Length (64KB) -Seed ([int]($at % 100000))
            Write-RbdImage $cloneSpec -Offset $at -Data $mine
            $clone.Write($at, $mine)
        }
        Get-RbdDataHash $cloneSpec | Should -Be $clone.Hash() -Because 'the clone reads right before the crash'
        $result = Invoke-KilledChild -Op flatten -Spec $cloneSpec
    }

    It 'Test-RbdStore finds nothing wrong' {
        @(Test-RbdStore) | Should -HaveCount 0
    }

    It 'the clone still has its parent (or, if the flatten had finished, none) and parent and children agree' {
        $img = Get-RbdImage $cloneSpec
        $children = @(Get-RbdChild openstack/big@base | ForEach-Object Spec)
        if ($result.Finished) { $img.Parent | Should -BeNullOrEmpty }
        if ($img.Parent) {
            "$($img.Parent)" | Should -Be 'openstack/big@base'
            $img.Overlap | Should -Be 2GB
            $children | Should -Be @($cloneSpec)
        }
        else {
            $children | Should -HaveCount 0
        }
    }

    It 'the clone reads exactly as before the crash' {
        Get-RbdDataHash $cloneSpec | Should -Be $clone.Hash()
    }

    It 'the parent snapshot is untouched' {
        Get-RbdDataHash openstack/big@base | Should -Be $parent.Hash()
        (Get-RbdSnapshot openstack/big).Protected | Should -BeTrue
    }

    It 'the flatten can be run again to the end' {
        if ((Get-RbdImage $cloneSpec).Parent) { Invoke-RbdFlatten $cloneSpec }
        (Get-RbdImage $cloneSpec).Parent | Should -BeNullOrEmpty
        @(Get-RbdChild openstack/big@base) | Should -HaveCount 0
        Get-RbdDataHash $cloneSpec | Should -Be $clone.Hash()
        @(Test-RbdStore) | Should -HaveCount 0
    }

    AfterAll {
        # free the space for the next scenarios
        Remove-RbdImage $cloneSpec -Confirm:$false -ErrorAction SilentlyContinue
    }
}

Describe 'an import killed half way (round <_>)' -ForEach 1, 2 -Tag EmbeddedOnly {
    BeforeAll {
        # a 2 GiB sparse raw file with 384 MiB of real data
        $raw = Join-Path $TestDrive 'big.raw'
        $fileModel = [RbdTest.ImageModel]::new(2GB)
        $fs = [IO.File]::Create($raw)
        try {
            $fs.SetLength(2GB)
            for ($k = 0; $k -lt 48; $k++) {
                $data = New-TestBytes -Length (8 * $MiB) -Seed (2000 + $k)
                $at = [uint64]$k * 40 * $MiB + 1 * $MiB
                $fs.Position = $at
                $fs.Write($data, 0, $data.Length)
                $fileModel.Write($at, $data)
            }
            $tail = New-TestBytes -Length 4096 -Seed 2999
            $fs.Position = 2GB - 4096
            $fs.Write($tail, 0, $tail.Length)
            $fileModel.Write(2GB - 4096, $tail)
        }
        finally { $fs.Dispose() }
        Get-AllocatedBytes $raw | Should -BeLessThan (1GB) -Because 'the input file is sparse'
        $imageSpec = "openstack/imported$_"
        $result = Invoke-KilledChild -Op import -Spec $imageSpec -File $raw
    }

    It 'Test-RbdStore finds nothing wrong' {
        @(Test-RbdStore) | Should -HaveCount 0
    }

    It 'the image is either absent or complete with identical content' {
        $e = Get-RbdErrorRecord { Get-RbdImage $imageSpec }
        if ($result.Finished) { $e | Should -BeNullOrEmpty -Because 'the import had finished' }
        if ($e) {
            $e.FullyQualifiedErrorId | Should -Match '^ImageNotFound(,|$)'
            @(Get-RbdImage openstack).Spec | Should -Not -Contain $imageSpec
            Write-Host '    the image is absent'
        }
        else {
            (Get-RbdImage $imageSpec).Size | Should -Be 2GB
            Get-RbdDataHash $imageSpec | Should -Be $fileModel.Hash()
            Write-Host '    the image is complete'
        }
    }

    It 'the import can be run again (nothing half-made blocks the name)' {
        Remove-RbdImage $imageSpec -Confirm:$false -ErrorAction SilentlyContinue
        $null = Import-RbdImage -Path $raw -Spec $imageSpec
        Get-RbdDataHash $imageSpec | Should -Be $fileModel.Hash()
        @(Test-RbdStore) | Should -HaveCount 0
        Remove-RbdImage $imageSpec -Confirm:$false
    }
}

Describe 'a large write killed half way (round <_>)' -ForEach 1, 2 -Tag EmbeddedOnly {
    BeforeAll {
        $len = 256 * $MiB
        $off = [uint64](2 * $MiB)   # starts and ends inside an object
        $oldData = New-TestBytes -Length $len -Seed 500
        $newData = New-TestBytes -Length $len -Seed 501
        $wr = "openstack/wr$_"
        $null = New-RbdImage $wr -Size 512M
        for ($p = 0; $p -lt $len; $p += 32 * $MiB) {
            $piece = [byte[]]::new(32 * $MiB)
            [Array]::Copy($oldData, $p, $piece, 0, $piece.Length)
            Write-RbdImage $wr -Offset ($off + [uint64]$p) -Data $piece
        }
        $result = Invoke-KilledChild -Op write -Spec $wr -Seed 501 -Offset $off -Length $len
    }

    It 'Test-RbdStore finds nothing wrong' {
        @(Test-RbdStore) | Should -HaveCount 0
    }

    It 'every object of the range reads either the old or the new data, never a mix' {
        $objSize = 4 * $MiB
        $newCount = 0; $oldCount = 0
        $start = $off
        $end = $off + [uint64]$len
        while ($start -lt $end) {
            $objEnd = [uint64]($start - ($start % $objSize) + $objSize)
            if ($objEnd -gt $end) { $objEnd = $end }
            $n = [int]($objEnd - $start)
            $rel = [int]($start - $off)
            $got = Get-BytesHash (Read-RbdImage $wr -Offset $start -Length $n)
            $old = [RbdTest.Bytes]::Hash($oldData, $rel, $n)
            $new = [RbdTest.Bytes]::Hash($newData, $rel, $n)
            $got | Should -BeIn @($old, $new) -Because "bytes $start..$objEnd must be all old or all new"
            if ($got -eq $new) { $newCount++ } else { $oldCount++ }
            $start = [uint64]$objEnd
        }
        Write-Host "    objects with new data: $newCount, with old data: $oldCount"
        if ($result.Finished) { $oldCount | Should -Be 0 -Because 'the write had finished' }
    }

    It 'nothing outside the written range changed' {
        [RbdTest.Bytes]::IsZero((Read-RbdImage $wr -Offset 0 -Length $off)) | Should -BeTrue
        [RbdTest.Bytes]::IsZero((Read-RbdImage $wr -Offset ($off + [uint64]$len) -Length (512 * $MiB - $off - $len))) | Should -BeTrue
    }

    It 'the image can be written again afterwards' {
        Write-RbdImage $wr -Offset $off -Data $newData
        Get-RbdDataHash $wr -Offset $off -Length $len | Should -Be (Get-BytesHash $newData)
        Remove-RbdImage $wr -Confirm:$false
        @(Test-RbdStore) | Should -HaveCount 0
    }
}
