# Every refusal of SPEC sections 2 and 5: the error a script can catch (ErrorId, category, target,
# a message naming the object) and a store left exactly as it was — and nothing written outside it.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $MiB = 1MB

    # The store lives a few levels down in its own folder so that any name used as a path would land
    # in that folder, where the listing below sees it (on Ceph the folder stays empty: nothing is a file).
    $testRoot = New-RbdTestRoot
    $storeParent = Join-Path $testRoot 'l1/l2/l3'
    $null = New-Item -ItemType Directory -Path $storeParent -Force
    $null = New-RbdTestStore -Root $storeParent -Name 'store' -Pool openstack
    $storeDir = Join-Path $storeParent 'store'

    # openstack/img (8 MiB, data) with snapshots 'snap' (protected, cloned to openstack/child) and 'plain';
    # openstack/lonely (4 MiB) with one unprotected snapshot 'only'.
    $null = New-RbdImage openstack/img -Size 8M
    Write-RbdImage openstack/img -Offset 0 -Data (New-TestBytes -Length (1 * $MiB) -Seed 1)
    Write-RbdImage openstack/img -Offset (5 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 2)
    $null = New-RbdSnapshot openstack/img@snap
    Protect-RbdSnapshot openstack/img@snap
    $null = Copy-RbdClone openstack/img@snap openstack/child
    Write-RbdImage openstack/img -Offset 0 -Data (New-TestBytes -Length 4096 -Seed 3)
    $null = New-RbdSnapshot openstack/img@plain
    Write-RbdImage openstack/child -Offset (6 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 4)
    $null = New-RbdImage openstack/lonely -Size 4M
    Write-RbdImage openstack/lonely -Offset 0 -Data (New-TestBytes -Length 4096 -Seed 5)
    $null = New-RbdSnapshot openstack/lonely@only

    # a raw file to import, outside the store
    $rawFile = Join-Path $TestDrive 'in.raw'
    [IO.File]::WriteAllBytes($rawFile, (New-TestBytes -Length (1 * $MiB) -Seed 6))
    $exportFile = Join-Path $TestDrive 'out.raw'
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'Refusals leave the store unchanged' {
    BeforeEach {
        $stateBefore = Get-RbdStoreState -WithData
        $filesBefore = @(Get-FileListing -Path $testRoot -Exclude $storeDir) + @(Get-FileListing -Path $TestDrive)
    }
    AfterEach {
        Get-RbdStoreState -WithData | Should -Be $stateBefore -Because 'a refused command changes nothing in the store'
        @(Get-FileListing -Path $testRoot -Exclude $storeDir) + @(Get-FileListing -Path $TestDrive) | Should -Be $filesBefore -Because 'nothing is written outside the store'
        Assert-RbdStoreHealthy
    }

    Context 'protection and layering (SPEC 2)' {
        It 'clone of an unprotected snapshot: SnapshotNotProtected (EINVAL)' {
            $e = Assert-RbdError { Copy-RbdClone openstack/img@plain openstack/newclone } -ErrorId SnapshotNotProtected -Category InvalidArgument -Target 'openstack/img@plain'
            $e.Exception.Message | Should -BeLike '*img@plain*'
            Assert-RbdError { Get-RbdImage openstack/newclone } -ErrorId ImageNotFound
        }

        It 'remove a protected snapshot: SnapshotProtected (EBUSY)' {
            $e = Assert-RbdError { Remove-RbdSnapshot openstack/img@snap -Confirm:$false } -ErrorId SnapshotProtected -Category ResourceBusy -Target 'openstack/img@snap'
            $e.Exception.Message | Should -BeLike '*img@snap*'
        }

        It 'unprotect a snapshot that has clones: SnapshotHasChildren (EBUSY)' {
            $e = Assert-RbdError { Unprotect-RbdSnapshot openstack/img@snap } -ErrorId SnapshotHasChildren -Category ResourceBusy -Target 'openstack/img@snap'
            $e.Exception.Message | Should -BeLike '*img@snap*'
        }

        It 'remove an image with snapshots: ImageHasSnapshots (ENOTEMPTY), telling to run rbd snap purge' {
            $e = Assert-RbdError { Remove-RbdImage openstack/lonely -Confirm:$false } -ErrorId ImageHasSnapshots -Category InvalidOperation -Target 'openstack/lonely'
            $e.Exception.Message | Should -BeLike "*rbd snap purge*"
            $e.Exception.Message | Should -BeLike '*lonely*'
        }

        It 'remove an image whose snapshot has clones is refused and the clone still reads its parent' {
            $childHash = Get-RbdDataHash openstack/child
            Assert-RbdError { Remove-RbdImage openstack/img -Confirm:$false } -ErrorId ImageHasSnapshots, ImageHasChildren -Category InvalidOperation, ResourceBusy -Target 'openstack/img'
            Get-RbdDataHash openstack/child | Should -Be $childHash
            "$((Get-RbdImage openstack/child).Parent)" | Should -Be 'openstack/img@snap'
        }

        It 'remove a pool that still has images without -Force: PoolInUse' {
            Assert-RbdError { Remove-RbdPool openstack -Confirm:$false } -ErrorId PoolInUse -Target 'openstack'
        }

        It 'write to a snapshot is refused (snapshots are read-only)' {
            Assert-RbdError { Write-RbdImage openstack/img@snap -Offset 0 -Data ([byte[]](1, 2, 3)) } -ErrorId SnapshotReadOnly, InvalidSpec -Category InvalidOperation, InvalidArgument -Target 'openstack/img@snap'
        }

        It 'write past the end of an image: OutOfRange' {
            Assert-RbdError { Write-RbdImage openstack/img -Offset (8 * $MiB - 2) -Data ([byte[]](1, 2, 3)) } -ErrorId OutOfRange -Target 'openstack/img'
        }
    }

    Context 'things that already exist (EEXIST)' {
        It 'create an existing image: ImageExists' {
            $e = Assert-RbdError { New-RbdImage openstack/img -Size 1G } -ErrorId ImageExists -Category ResourceExists -Target 'openstack/img'
            $e.Exception.Message | Should -BeLike '*openstack/img*'
            (Get-RbdImage openstack/img).Size | Should -Be (8 * $MiB)
        }

        It 'create an existing snapshot: SnapshotExists' {
            Assert-RbdError { New-RbdSnapshot openstack/img@plain } -ErrorId SnapshotExists -Category ResourceExists -Target 'openstack/img@plain'
        }

        It 'create an existing pool: PoolExists' {
            Assert-RbdError { New-RbdPool openstack } -ErrorId PoolExists -Category ResourceExists -Target 'openstack'
        }

        It 'clone onto an existing image: ImageExists' {
            Assert-RbdError { Copy-RbdClone openstack/img@snap openstack/lonely } -ErrorId ImageExists -Category ResourceExists -Target 'openstack/lonely'
        }

        It 'copy onto an existing image: ImageExists' {
            Assert-RbdError { Copy-RbdImage openstack/img openstack/lonely } -ErrorId ImageExists -Category ResourceExists -Target 'openstack/lonely'
        }

        It 'rename onto an existing image: ImageExists' {
            Assert-RbdError { Rename-RbdImage openstack/img -NewName lonely } -ErrorId ImageExists -Category ResourceExists -Target 'openstack/lonely', 'openstack/img', 'lonely'
        }

        It 'import onto an existing image: ImageExists' {
            Assert-RbdError { Import-RbdImage -Path $rawFile -Spec openstack/lonely } -ErrorId ImageExists -Category ResourceExists -Target 'openstack/lonely'
        }
    }

    Context 'shrink' {
        It 'shrink without -AllowShrink: ShrinkNotAllowed, size unchanged' {
            $e = Assert-RbdError { Resize-RbdImage openstack/img -Size 4M } -ErrorId ShrinkNotAllowed -Category InvalidArgument -Target 'openstack/img'
            $e.Exception.Message | Should -BeLike '*AllowShrink*'
            (Get-RbdImage openstack/img).Size | Should -Be (8 * $MiB)
        }
    }

    Context 'missing pool, image or snapshot (ENOENT)' {
        It '<Command>: <ErrorId>' -ForEach @(
            @{ Command = 'Get-RbdImage nopool/img'; Action = { Get-RbdImage nopool/img }; ErrorId = 'PoolNotFound'; Target = 'nopool/img', 'nopool' }
            @{ Command = 'Get-RbdImage nopool'; Action = { Get-RbdImage nopool }; ErrorId = 'PoolNotFound'; Target = 'nopool' }
            @{ Command = 'New-RbdImage nopool/img'; Action = { New-RbdImage nopool/img -Size 1M }; ErrorId = 'PoolNotFound'; Target = 'nopool/img', 'nopool' }
            @{ Command = 'Get-RbdPool nopool'; Action = { Get-RbdPool nopool }; ErrorId = 'PoolNotFound'; Target = 'nopool' }
            @{ Command = 'Remove-RbdPool nopool'; Action = { Remove-RbdPool nopool -Confirm:$false }; ErrorId = 'PoolNotFound'; Target = 'nopool' }
            @{ Command = 'Copy-RbdClone into a missing pool'; Action = { Copy-RbdClone openstack/img@snap nopool/c }; ErrorId = 'PoolNotFound'; Target = 'nopool/c', 'nopool' }
            @{ Command = 'Get-RbdImage openstack/ghost'; Action = { Get-RbdImage openstack/ghost }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Remove-RbdImage openstack/ghost'; Action = { Remove-RbdImage openstack/ghost -Confirm:$false }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Resize-RbdImage openstack/ghost'; Action = { Resize-RbdImage openstack/ghost -Size 1G }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Rename-RbdImage openstack/ghost'; Action = { Rename-RbdImage openstack/ghost -NewName ghost2 }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Copy-RbdImage openstack/ghost'; Action = { Copy-RbdImage openstack/ghost openstack/ghost2 }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Read-RbdImage openstack/ghost'; Action = { Read-RbdImage openstack/ghost -Offset 0 -Length 1 }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Write-RbdImage openstack/ghost'; Action = { Write-RbdImage openstack/ghost -Offset 0 -Data ([byte[]](1)) }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Clear-RbdImage openstack/ghost'; Action = { Clear-RbdImage openstack/ghost -Offset 0 -Length 1 }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Get-RbdImageUsage openstack/ghost'; Action = { Get-RbdImageUsage openstack/ghost }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Invoke-RbdFlatten openstack/ghost'; Action = { Invoke-RbdFlatten openstack/ghost }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Export-RbdImage openstack/ghost'; Action = { Export-RbdImage openstack/ghost $exportFile }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'New-RbdSnapshot openstack/ghost@s'; Action = { New-RbdSnapshot openstack/ghost@s }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost', 'openstack/ghost@s' }
            @{ Command = 'Get-RbdSnapshot openstack/ghost'; Action = { Get-RbdSnapshot openstack/ghost }; ErrorId = 'ImageNotFound'; Target = 'openstack/ghost' }
            @{ Command = 'Remove-RbdSnapshot openstack/img@ghost'; Action = { Remove-RbdSnapshot openstack/img@ghost -Confirm:$false }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Protect-RbdSnapshot openstack/img@ghost'; Action = { Protect-RbdSnapshot openstack/img@ghost }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Unprotect-RbdSnapshot openstack/img@ghost'; Action = { Unprotect-RbdSnapshot openstack/img@ghost }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Restore-RbdSnapshot openstack/img@ghost'; Action = { Restore-RbdSnapshot openstack/img@ghost }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Copy-RbdClone openstack/img@ghost'; Action = { Copy-RbdClone openstack/img@ghost openstack/c }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Get-RbdChild openstack/img@ghost'; Action = { Get-RbdChild openstack/img@ghost }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Read-RbdImage openstack/img@ghost'; Action = { Read-RbdImage openstack/img@ghost -Offset 0 -Length 1 }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Export-RbdImage openstack/img@ghost'; Action = { Export-RbdImage openstack/img@ghost $exportFile }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Copy-RbdImage openstack/img@ghost'; Action = { Copy-RbdImage openstack/img@ghost openstack/c }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
            @{ Command = 'Get-RbdImage openstack/img@ghost'; Action = { Get-RbdImage openstack/img@ghost }; ErrorId = 'SnapshotNotFound'; Target = 'openstack/img@ghost' }
        ) {
            $e = Assert-RbdError $Action -ErrorId $ErrorId -Category ObjectNotFound -Target $Target
            $shortest = @($Target | Sort-Object Length)[0]
            $e.Exception.Message | Should -BeLike "*$shortest*" -Because 'the message names what is missing'
        }
    }

    Context 'malformed specs, sizes and names (EINVAL)' {
        It 'malformed spec a/b/c/d@e@f in <Command>: InvalidSpec' -ForEach @(
            @{ Command = 'Get-RbdImage'; Action = { Get-RbdImage 'a/b/c/d@e@f' } }
            @{ Command = 'New-RbdImage'; Action = { New-RbdImage 'a/b/c/d@e@f' -Size 1M } }
            @{ Command = 'Remove-RbdImage'; Action = { Remove-RbdImage 'a/b/c/d@e@f' -Confirm:$false } }
            @{ Command = 'New-RbdSnapshot'; Action = { New-RbdSnapshot 'a/b/c/d@e@f' } }
            @{ Command = 'Copy-RbdClone'; Action = { Copy-RbdClone 'a/b/c/d@e@f' openstack/c } }
            @{ Command = 'Read-RbdImage'; Action = { Read-RbdImage 'a/b/c/d@e@f' -Offset 0 -Length 1 } }
        ) {
            $e = Assert-RbdError $Action -ErrorId InvalidSpec -Category InvalidArgument -Target 'a/b/c/d@e@f'
            $e.Exception.Message | Should -BeLike '*a/b/c/d@e@f*'
        }

        It 'a snapshot spec where an image is expected, or none where one is required (<Target>): InvalidSpec' -ForEach @(
            @{ Action = { New-RbdSnapshot openstack/img }; Target = 'openstack/img' }
            @{ Action = { Protect-RbdSnapshot openstack/img }; Target = 'openstack/img' }
            @{ Action = { Copy-RbdClone openstack/img openstack/c }; Target = 'openstack/img' }
            @{ Action = { New-RbdImage openstack/img2@s -Size 1M }; Target = 'openstack/img2@s' }
        ) {
            Assert-RbdError $Action -ErrorId InvalidSpec -Category InvalidArgument -Target $Target
        }

        It 'size <Size> in <Command>: InvalidSize' -ForEach @(
            @{ Command = 'New-RbdImage'; Size = '-5'; Action = { New-RbdImage openstack/sized -Size '-5' } }
            @{ Command = 'New-RbdImage'; Size = 'ten'; Action = { New-RbdImage openstack/sized -Size 'ten' } }
            @{ Command = 'New-RbdImage'; Size = -1; Action = { New-RbdImage openstack/sized -Size -1 } }
            @{ Command = 'New-RbdImage'; Size = '10Q'; Action = { New-RbdImage openstack/sized -Size '10Q' } }
            @{ Command = 'New-RbdImage'; Size = 1.5; Action = { New-RbdImage openstack/sized -Size 1.5 } }
            @{ Command = 'Resize-RbdImage'; Size = 'ten'; Action = { Resize-RbdImage openstack/img -Size 'ten' } }
            @{ Command = 'Resize-RbdImage'; Size = -1; Action = { Resize-RbdImage openstack/img -Size -1 -AllowShrink } }
        ) {
            $e = Assert-RbdError $Action -ErrorId InvalidSize -Category InvalidArgument
            "$($e.TargetObject)" | Should -BeIn @("$Size", 'openstack/sized', 'openstack/img')
        }

        It 'name <Name> in <Command>: refused, never a path' -ForEach @(
            @{ Command = 'New-RbdImage'; Name = '../x'; Action = { New-RbdImage '../x' -Size 1M } }
            @{ Command = 'New-RbdImage'; Name = 'openstack/../x'; Action = { New-RbdImage 'openstack/../x' -Size 1M } }
            @{ Command = 'New-RbdImage'; Name = 'openstack/..'; Action = { New-RbdImage 'openstack/..' -Size 1M } }
            @{ Command = 'New-RbdImage'; Name = '../../etc/x'; Action = { New-RbdImage '../../etc/x' -Size 1M } }
            @{ Command = 'New-RbdPool'; Name = '..'; Action = { New-RbdPool '..' } }
            @{ Command = 'New-RbdPool'; Name = '../../etc'; Action = { New-RbdPool '../../etc' } }
            @{ Command = 'New-RbdSnapshot'; Name = 'openstack/img@..'; Action = { New-RbdSnapshot 'openstack/img@..' } }
            @{ Command = 'New-RbdSnapshot'; Name = 'openstack/img@../../x'; Action = { New-RbdSnapshot 'openstack/img@../../x' } }
            @{ Command = 'Rename-RbdImage'; Name = '../x'; Action = { Rename-RbdImage openstack/img -NewName '../x' } }
            @{ Command = 'Copy-RbdImage'; Name = 'openstack/../../x'; Action = { Copy-RbdImage openstack/img 'openstack/../../x' } }
            @{ Command = 'Copy-RbdClone'; Name = '../x'; Action = { Copy-RbdClone openstack/img@snap '../x' } }
            @{ Command = 'Import-RbdImage'; Name = 'openstack/../x'; Action = { Import-RbdImage -Path $rawFile -Spec 'openstack/../x' } }
        ) {
            $e = Assert-RbdError $Action -ErrorId InvalidName, InvalidSpec -Category InvalidArgument
            "$($e.TargetObject)" | Should -BeIn @($Name, "openstack/$Name", '..') -Because 'the target is the spec or the name that was refused'
        }

        It 'a bare name with a pool given by -Pool: -Pool ''..'' is refused' {
            Assert-RbdError { New-RbdSnapshot -Pool '..' -Image img -Snapshot s } -ErrorId InvalidName, InvalidSpec -Category InvalidArgument
        }
    }
}

Describe 'No cluster connected' {
    It 'a fresh session without Connect-RbdCluster gets NoCluster' {
        $script = Join-Path $TestDrive 'nocluster.ps1'
        Set-Content -LiteralPath $script -Value @'
Import-Module $env:RBDPS_MODULE
try { Get-RbdImage openstack/img -ErrorAction Stop; 'NO ERROR' }
catch { "ID=$($_.FullyQualifiedErrorId)"; "MSG=$($_.Exception.Message)" }
'@
        $r = Wait-PwshChild (Start-PwshChild -File $script) -TimeoutSeconds 120
        $r.TimedOut | Should -BeFalse
        $r.StdOut | Should -Match '(?m)^ID=NoCluster(,|$)' -Because "the output was: $($r.StdOut) $($r.StdErr)"
        $r.StdOut | Should -Match 'Connect-RbdCluster' -Because 'the message says what to do'
    }
}
