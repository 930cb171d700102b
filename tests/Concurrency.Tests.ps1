# Two pwsh processes working on one cluster at once (an embedded store directory, or one namespace of a Ceph
# cluster): each creates, writes, snapshots and reads its own images, and both write into one shared image.
# Nothing is lost or mixed up, and the embedded store stays consistent.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'two processes using one cluster at once' {
    BeforeAll {
        $count = 30       # iterations per writer; each does 6 operations
        $cluster = New-RbdTestStore -Name 'two-writers' -Pool openstack
        $null = New-RbdImage openstack/shared -Size 16M
        $writerScript = Join-Path $TestDrive 'writer.ps1'
        Set-Content -LiteralPath $writerScript -Value @'
param([string]$Connect, [int]$Writer, [int]$Count, [string]$Result)
$ErrorActionPreference = 'Stop'
try {
    Import-Module $env:RBDPS_MODULE
    $null = & ([scriptblock]::Create($Connect))
    for ($i = 1; $i -le $Count; $i++) {
        $name = "openstack/w$Writer-$i"
        $a = [byte[]]::new(256KB); [System.Random]::new($Writer * 1000 + $i).NextBytes($a)
        $b = [byte[]]::new(64KB); [System.Random]::new($Writer * 1000 + $i + 500).NextBytes($b)
        $null = New-RbdImage $name -Size 8M
        Write-RbdImage $name -Offset 0 -Data $a
        $null = New-RbdSnapshot "$name@s"
        Write-RbdImage $name -Offset (5MB) -Data $b
        # both writers write into the same objects of one shared image, at disjoint offsets
        Write-RbdImage openstack/shared -Offset ([uint64]$i * 256KB + ($Writer - 1) * 64KB) -Data $b
        $back = Read-RbdImage $name -Offset 0 -Length (256KB)
        if ([Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($back)) -ne [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($a))) {
            throw "$name read back different data"
        }
    }
    Set-Content -LiteralPath $Result -Value 'ok'
}
catch {
    Set-Content -LiteralPath $Result -Value "$_`n$($_.ScriptStackTrace)"
    exit 1
}
'@
        $children = foreach ($w in 1, 2) {
            Start-PwshChild -File $writerScript -Arguments @('-Connect', (Get-RbdTestConnectCommand $cluster), '-Writer', $w, '-Count', $count, '-Result', (Join-Path $TestDrive "writer$w.txt"))
        }
        $results = foreach ($c in $children) { Wait-PwshChild $c -TimeoutSeconds 150 }
    }

    It 'writer <_> finished every operation without an error' -ForEach 1, 2 {
        $r = $results[$_ - 1]
        $r.TimedOut | Should -BeFalse
        $report = Get-Content -Raw -LiteralPath (Join-Path $TestDrive "writer$_.txt") -ErrorAction SilentlyContinue
        "$report".Trim() | Should -Be 'ok' -Because "the writer reported: $report $($r.StdErr)"
        $r.ExitCode | Should -Be 0
    }

    # The embedded store's own check; a Ceph cluster checks itself (scrub).
    It 'Test-RbdStore finds nothing wrong' -Tag EmbeddedOnly {
        @(Test-RbdStore) | Should -HaveCount 0
    }

    It 'every image exists with the data its writer wrote, and its snapshot with the data before the snapshot' {
        $names = @(Get-RbdImage openstack | ForEach-Object Name | Where-Object { $_ -like 'w*-*' })
        foreach ($w in 1, 2) {
            for ($i = 1; $i -le $count; $i++) {
                $name = "openstack/w$w-$i"
                $names | Should -Contain "w$w-$i"
                $a = New-TestBytes -Length (256KB) -Seed ($w * 1000 + $i)
                $b = New-TestBytes -Length (64KB) -Seed ($w * 1000 + $i + 500)
                $m = [RbdTest.ImageModel]::new(8MB)
                $m.Write(0, $a)
                $snap = $m.Copy()
                $m.Write(5MB, $b)
                Get-RbdDataHash $name | Should -Be $m.Hash() -Because "$name holds what writer $w wrote"
                Get-RbdDataHash "$name@s" | Should -Be $snap.Hash() -Because "$name@s holds the data before the snapshot"
                @(Get-RbdSnapshot $name).Name | Should -Be @('s')
            }
        }
        $names | Should -HaveCount (2 * $count)
    }

    It 'the shared image has both writers'' data' {
        $m = [RbdTest.ImageModel]::new(16MB)
        foreach ($w in 1, 2) {
            for ($i = 1; $i -le $count; $i++) {
                $m.Write([uint64]$i * 256KB + ($w - 1) * 64KB, (New-TestBytes -Length (64KB) -Seed ($w * 1000 + $i + 500)))
            }
        }
        Get-RbdDataHash openstack/shared | Should -Be $m.Hash()
    }
}

Describe 'listings while another process removes snapshots and images' {
    BeforeAll {
        $cluster = New-RbdTestStore -Name 'busy' -Pool openstack
        $count = 24
        for ($i = 1; $i -le $count; $i++) {
            $null = New-RbdImage "openstack/busy$i" -Size 4M
            foreach ($s in 1..3) { $null = New-RbdSnapshot "openstack/busy$i@s$s" }
        }
        $removerScript = Join-Path $TestDrive 'remover.ps1'
        Set-Content -LiteralPath $removerScript -Value @'
param([string]$Connect, [int]$Count, [string]$Result)
$ErrorActionPreference = 'Stop'
try {
    Import-Module $env:RBDPS_MODULE
    $null = & ([scriptblock]::Create($Connect))
    # on Ceph a removal is refused (EBUSY) while the listing has the image open: the remover tries again
    function Retry([scriptblock]$Remove) {
        for ($t = 1; ; $t++) { try { & $Remove; return } catch { if ($t -ge 50) { throw }; Start-Sleep -Milliseconds 50 } }
    }
    for ($i = 1; $i -le $Count; $i++) {
        foreach ($s in 1..3) { Retry { Remove-RbdSnapshot "openstack/busy$i@s$s" -Confirm:$false } }
        Retry { Remove-RbdImage "openstack/busy$i" -Confirm:$false }
    }
    Set-Content -LiteralPath $Result -Value 'ok'
}
catch { Set-Content -LiteralPath $Result -Value "$_"; exit 1 }
'@
        $result = Join-Path $TestDrive 'remover.txt'
        $remover = Start-PwshChild -File $removerScript -Arguments @('-Connect', (Get-RbdTestConnectCommand $cluster), '-Count', $count, '-Result', $result)
        $calls = 0; $failures = [System.Collections.Generic.List[string]]::new(); $verbose = ''
        while (-not $remover.Process.HasExited -and $calls -lt 2000) {
            foreach ($listing in { Get-RbdImageUsage openstack -Verbose }, { Get-RbdImage openstack -IncludeSnapshot -Verbose }) {
                $calls++
                $errs = $null
                $v = & $listing -ErrorVariable errs -ErrorAction SilentlyContinue 4>&1 |
                    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
                $verbose += ($v.Message -join "`n") + "`n"
                foreach ($e in $errs) { $failures.Add("$listing : $($e.FullyQualifiedErrorId) $e") }
            }
        }
        $r = Wait-PwshChild $remover -TimeoutSeconds 120
        Write-Host "    $calls listings while the remover ran; $($failures.Count) failed; skipped lines: $(([regex]::Matches($verbose, 'skipped')).Count)"
    }

    It 'the remover finished' {
        (Get-Content -Raw -LiteralPath $result).Trim() | Should -Be 'ok' -Because $r.StdErr
    }

    It 'no listing failed on an image or snapshot removed after it was listed' {
        $calls | Should -BeGreaterThan 0
        $failures | Should -HaveCount 0
    }

    It 'what Ceph could not read any more was skipped, and -Verbose said so' -Tag CephOnly {
        # the embedded store reads one state per listing and never needs to skip
        if ($verbose -notmatch 'skipped') { Set-ItResult -Inconclusive -Because 'no removal fell between a listing and its reading this time' }
        $verbose | Should -Match "skipped (image|snapshot) 'openstack/busy\d+"
    }

    It 'the embedded store never skipped: each listing read one state' -Tag EmbeddedOnly {
        $verbose | Should -Not -Match 'skipped'
    }
}
