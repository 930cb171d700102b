# What the cmdlets write is what the rbd tool reads, and the other way round, on the Ceph cluster CEPH_CONF names.
# -Tag CephOnly: the embedded store has no rbd tool. rbd sees the test's namespace as pool/<namespace>/image.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $MiB = 1MB

    function Invoke-RbdTool {
        <# The rbd command line tool on the test cluster; returns its output lines, throws when it fails. #>
        $out = & rbd --conf $env:CEPH_CONF @args 2>$null
        if ($LASTEXITCODE -ne 0) { throw "rbd $args failed (exit $LASTEXITCODE)" }
        $out
    }

    function Get-RbdToolJson { (Invoke-RbdTool @args --format json) -join "`n" | ConvertFrom-Json }

    function Get-FileSha256([string]$Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'the rbd tool reads what the cmdlets wrote' -Tag CephOnly {
    BeforeAll {
        $ns = (New-RbdTestStore -Name 'interop' -Pool openstack).Namespace
        $at = "openstack/$ns"    # rbd's spec prefix for this namespace
        $dir = New-RbdTestRoot

        # openstack/img: data, snapshot s1 (protected, cloned to openstack/child), more data, s2, and the head.
        $img = [RbdTest.ImageModel]::new(16 * $MiB)
        $null = New-RbdImage openstack/img -Size 16M
        foreach ($w in @(@(0, 1), @((5 * $MiB + 4096), 2))) {
            $d = New-TestBytes -Length (1 * $MiB) -Seed $w[1]
            Write-RbdImage openstack/img -Offset $w[0] -Data $d; $img.Write($w[0], $d)
        }
        $null = New-RbdSnapshot openstack/img@s1
        Protect-RbdSnapshot openstack/img@s1
        $s1 = $img.Copy()
        $d = New-TestBytes -Length 65536 -Seed 3
        Write-RbdImage openstack/img -Offset (13 * $MiB) -Data $d; $img.Write(13 * $MiB, $d)
        $null = New-RbdSnapshot openstack/img@s2
        $s2 = $img.Copy()
        $null = Copy-RbdClone openstack/img@s1 openstack/child
        Write-RbdImage openstack/child -Offset (9 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 4)
    }

    It 'rbd export of the image and of a snapshot gives the bytes Write-RbdImage wrote' {
        Invoke-RbdTool export "$at/img" (Join-Path $dir 'img.raw') | Out-Null
        Get-FileSha256 (Join-Path $dir 'img.raw') | Should -Be $img.Hash()
        Invoke-RbdTool export "$at/img@s1" (Join-Path $dir 's1.raw') | Out-Null
        Get-FileSha256 (Join-Path $dir 's1.raw') | Should -Be $s1.Hash()
    }

    It 'rbd info --format json shows the size, order, features, id and prefix Get-RbdImage shows' {
        $mine = Get-RbdImage openstack/img
        $theirs = Get-RbdToolJson info "$at/img"
        $theirs.name | Should -Be $mine.Name
        $theirs.id | Should -Be $mine.Id
        $theirs.size | Should -Be $mine.Size
        $theirs.order | Should -Be $mine.Order
        $theirs.object_size | Should -Be $mine.ObjectSize
        $theirs.objects | Should -Be $mine.Objects
        $theirs.block_name_prefix | Should -Be $mine.BlockNamePrefix
        $theirs.format | Should -Be $mine.Format
        ($theirs.features -join ',') | Should -Be ($mine.Features -join ',')
        $theirs.snapshot_count | Should -Be $mine.Snapshots
    }

    It 'rbd info of the clone shows the parent and overlap Get-RbdImage shows' {
        $mine = Get-RbdImage openstack/child
        $parent = (Get-RbdToolJson info "$at/child").parent
        "$($parent.pool)/$($parent.image)@$($parent.snapshot)" | Should -Be "$($mine.Parent)"
        $parent.pool_namespace | Should -Be $ns
        $parent.overlap | Should -Be $mine.Overlap
    }

    It 'rbd snap ls --format json lists the ids, names, sizes and protection Get-RbdSnapshot shows' {
        $mine = @(Get-RbdSnapshot openstack/img)
        $theirs = @(Get-RbdToolJson snap ls "$at/img")
        $theirs | Should -HaveCount $mine.Count
        for ($i = 0; $i -lt $mine.Count; $i++) {
            $theirs[$i].id | Should -Be $mine[$i].Id
            $theirs[$i].name | Should -Be $mine[$i].Name
            $theirs[$i].size | Should -Be $mine[$i].Size
            $theirs[$i].protected | Should -Be "$($mine[$i].Protected)".ToLowerInvariant()
        }
    }

    It 'rbd children lists the clones Get-RbdChild shows' {
        $theirs = @(Get-RbdToolJson children "$at/img@s1")
        @($theirs | ForEach-Object { "$($_.pool)/$($_.image)" }) | Should -Be @(Get-RbdChild openstack/img@s1 | ForEach-Object Spec)
        $theirs.pool_namespace | Should -Be $ns
    }

    It 'rbd du --format json shows the rows Get-RbdImageUsage shows (<_>)' -ForEach 'img', 'child' {
        $theirs = @((Get-RbdToolJson du "$at/$_").images | ForEach-Object {
                "$($_.name)$(if ($_.snapshot) { '@' + $_.snapshot }) $($_.provisioned_size) $($_.used_size)" })
        @(Get-RbdImageUsage "openstack/$_" | ForEach-Object { "$($_.Name) $($_.Provisioned) $($_.Used)" }) | Should -Be $theirs
    }

    It 'rbd import-diff applies what Export-RbdDiff wrote; Import-RbdDiff applies what rbd export-diff wrote' {
        Export-RbdDiff openstack/img@s1 -Path (Join-Path $dir 's1.diff')
        Invoke-RbdTool create --size 16M "$at/fromdiff" | Out-Null
        Invoke-RbdTool import-diff (Join-Path $dir 's1.diff') "$at/fromdiff" | Out-Null
        Get-RbdDataHash openstack/fromdiff@s1 | Should -Be $s1.Hash()

        Invoke-RbdTool export-diff --from-snap s1 "$at/img@s2" (Join-Path $dir 's1-s2.diff') | Out-Null
        Import-RbdDiff (Join-Path $dir 's1-s2.diff') openstack/fromdiff
        @(Get-RbdSnapshot openstack/fromdiff).Name | Should -Be @('s1', 's2')
        Get-RbdDataHash openstack/fromdiff@s2 | Should -Be $s2.Hash()
    }
}

Describe 'the cmdlets read what the rbd tool wrote' -Tag CephOnly {
    BeforeAll {
        $ns = (New-RbdTestStore -Name 'interop-rbd' -Pool openstack).Namespace
        $at = "openstack/$ns"
        $raw = Join-Path (New-RbdTestRoot) 'disk.raw'
        $disk = [RbdTest.ImageModel]::new(12 * $MiB)
        $disk.Write(1 * $MiB, (New-TestBytes -Length (2 * $MiB) -Seed 11))
        $disk.Write(9 * $MiB, (New-TestBytes -Length 4096 -Seed 12))
        [IO.File]::WriteAllBytes($raw, $disk.Read(0, 12 * $MiB))
    }

    It 'rbd import: Get-RbdImage shows the image and Read-RbdImage reads the file''s bytes' {
        Invoke-RbdTool import $raw "$at/disk" | Out-Null
        $mine = Get-RbdImage openstack/disk
        $mine.Size | Should -Be (12 * $MiB)
        $mine.Id | Should -Be (Get-RbdToolJson info "$at/disk").id
        Get-RbdDataHash openstack/disk | Should -Be $disk.Hash()
    }

    It 'rbd snap create, snap protect and clone: Get-RbdSnapshot, Get-RbdChild and the clone''s Parent' {
        Invoke-RbdTool snap create "$at/disk@gold" | Out-Null
        Invoke-RbdTool snap protect "$at/disk@gold" | Out-Null
        Invoke-RbdTool clone "$at/disk@gold" "$at/vm" | Out-Null
        $snap = Get-RbdSnapshot openstack/disk@gold
        $snap.Protected | Should -BeTrue
        $snap.Id | Should -Be (Get-RbdToolJson snap ls "$at/disk")[0].id
        @(Get-RbdChild openstack/disk@gold).Spec | Should -Be @('openstack/vm')
        "$((Get-RbdImage openstack/vm).Parent)" | Should -Be 'openstack/disk@gold'
        Get-RbdDataHash openstack/vm | Should -Be $disk.Hash()
    }

    It 'rbd resize and rbd rm: Get-RbdImage sees the new size, then ImageNotFound' {
        Invoke-RbdTool resize --size 32M "$at/vm" | Out-Null
        (Get-RbdImage openstack/vm).Size | Should -Be (32 * $MiB)
        Invoke-RbdTool rm "$at/vm" | Out-Null
        Assert-RbdError { Get-RbdImage openstack/vm } -ErrorId ImageNotFound | Out-Null
        @(Get-RbdChild openstack/disk@gold) | Should -HaveCount 0
    }
}
