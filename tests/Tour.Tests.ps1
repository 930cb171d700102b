# The seed article's section 1.1 ("rbd tour") as a runbook: every rbd command it shows, run through
# the cmdlets on a fresh cluster (an embedded store, or a namespace of a Ceph cluster), checking what the
# article says each one does.
# Steps run in order and build on each other (like the article).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $MiB = 1MB
    $GiB = 1GB
    $null = New-RbdTestStore -Name 'tour-store'
    # What each image must read as; filled in step by step.
    $tour = @{}
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'The rbd tour of the seed article, section 1.1' {

    Context 'pool and image' {
        It 'rbd pool create openstack: New-RbdPool makes an empty pool' {
            $pool = New-RbdPool -Name openstack
            $pool.Name | Should -Be 'openstack'
            $pool.Images | Should -Be 0
            (Get-RbdPool -Name openstack).Name | Should -Be 'openstack'
            @(Get-RbdImage -Spec openstack) | Should -HaveCount 0
        }

        It 'rbd -p openstack create --size 1024 int32bit-test-1: a 1 GiB format 2 image with the default features' {
            $created = New-RbdImage -Spec openstack/int32bit-test-1 -Size 1024M
            $created.Spec | Should -Be 'openstack/int32bit-test-1'

            $img = Get-RbdImage -Spec openstack/int32bit-test-1
            $img.Pool | Should -Be 'openstack'
            $img.Name | Should -Be 'int32bit-test-1'
            $img.Size | Should -Be 1GB
            $img.Order | Should -Be 22
            $img.ObjectSize | Should -Be (4 * $MiB)
            $img.Objects | Should -Be 256
            $img.Id | Should -MatchExactly $RbdTestImageId
            $img.BlockNamePrefix | Should -Be ('rbd_data.' + $img.Id)
            $img.Format | Should -Be 2
            ($img.Features -join ',') | Should -Be 'layering,exclusive-lock,object-map,fast-diff,deep-flatten'
            $img.Parent | Should -BeNullOrEmpty
            $img.Overlap | Should -BeNullOrEmpty
            $img.Id | Should -Be $created.Id
            $tour.Id1 = $img.Id
            $tour.Test1 = [RbdTest.ImageModel]::new(1GB)
        }

        It 'a new image is thin: it uses nothing and reads zeros' {
            $du = @(Get-RbdImageUsage -Spec openstack/int32bit-test-1)
            $du | Should -HaveCount 1
            $du[0].Provisioned | Should -Be 1GB
            $du[0].Used | Should -Be 0
            $bytes = Read-RbdImage -Spec openstack/int32bit-test-1 -Offset (512 * $MiB) -Length (4 * $MiB)
            ($bytes -is [byte[]]) | Should -BeTrue -Because 'Read-RbdImage writes one byte[], not unrolled bytes'
            $bytes.Length | Should -Be (4 * $MiB)
            [RbdTest.Bytes]::IsZero($bytes) | Should -BeTrue
        }
    }

    Context 'writing data and rbd du' {
        It 'three 4 MiB writes show 12 MiB used of 1 GiB provisioned (the article''s 12288k)' {
            $tour.Writes = @(
                @{ Offset = [uint64]0; Data = (New-TestBytes -Length (4 * $MiB) -Seed 11) }
                @{ Offset = [uint64](8 * $MiB); Data = (New-TestBytes -Length (4 * $MiB) -Seed 12) }
                @{ Offset = [uint64](1020 * $MiB); Data = (New-TestBytes -Length (4 * $MiB) -Seed 13) }
            )
            foreach ($w in $tour.Writes) {
                Write-RbdImage -Spec openstack/int32bit-test-1 -Offset $w.Offset -Data $w.Data
                $tour.Test1.Write($w.Offset, $w.Data)
            }
            $du = @(Get-RbdImageUsage -Spec openstack/int32bit-test-1)
            $du | Should -HaveCount 1
            $du[0].Name | Should -Be 'int32bit-test-1'
            $du[0].Snapshot | Should -BeNullOrEmpty
            $du[0].Provisioned | Should -Be 1GB
            $du[0].Used | Should -Be (12 * $MiB)
        }

        It 'Read-RbdImage returns exactly the bytes written' {
            foreach ($w in $tour.Writes) {
                $back = Read-RbdImage -Spec openstack/int32bit-test-1 -Offset $w.Offset -Length $w.Data.Length
                $back.Length | Should -Be $w.Data.Length
                Get-BytesHash $back | Should -Be (Get-BytesHash $w.Data)
            }
            # a read straddling written and unwritten space
            $edge = Read-RbdImage -Spec openstack/int32bit-test-1 -Offset (12 * $MiB - 100) -Length 200
            Get-BytesHash $edge | Should -Be (Get-BytesHash $tour.Test1.Read(12 * $MiB - 100, 200))
        }

        It 'everything else reads as zeros (whole-image hash)' {
            [RbdTest.Bytes]::IsZero((Read-RbdImage -Spec openstack/int32bit-test-1 -Offset (4 * $MiB) -Length (4 * $MiB))) | Should -BeTrue
            [RbdTest.Bytes]::IsZero((Read-RbdImage -Spec openstack/int32bit-test-1 -Offset (1016 * $MiB) -Length (4 * $MiB))) | Should -BeTrue
            Get-RbdDataHash -Spec openstack/int32bit-test-1 | Should -Be $tour.Test1.Hash()
        }
    }

    Context 'snapshots' {
        It 'rbd -p openstack snap create int32bit-test-1@snap-1' {
            $snap = New-RbdSnapshot -Spec openstack/int32bit-test-1@snap-1
            $snap.Spec | Should -Be 'openstack/int32bit-test-1@snap-1'
            $snap.Name | Should -Be 'snap-1'
            $snap.Image | Should -Be 'int32bit-test-1'
            $snap.Pool | Should -Be 'openstack'
            $tour.Snap1 = $tour.Test1.Copy()
        }

        It 'rbd snap create --pool openstack --image int32bit-test-1 --snap snap-2 is the same thing' {
            $snap = New-RbdSnapshot -Pool openstack -Image int32bit-test-1 -Snapshot snap-2
            $snap.Spec | Should -Be 'openstack/int32bit-test-1@snap-2'
        }

        It 'rbd snap ls lists both with increasing ids, the image size and no protection' {
            $snaps = @(Get-RbdSnapshot -Spec openstack/int32bit-test-1)
            $snaps | Should -HaveCount 2
            $snaps.Name | Should -Be @('snap-1', 'snap-2')
            [uint64]$snaps[1].Id | Should -BeGreaterThan ([uint64]$snaps[0].Id)
            foreach ($s in $snaps) {
                $s.Size | Should -Be 1GB
                $s.Protected | Should -BeFalse
            }
            (Get-RbdImage -Spec openstack/int32bit-test-1).Snapshots | Should -Be 2
        }

        It 'a snapshot reads the image as it was' {
            Get-RbdDataHash -Spec openstack/int32bit-test-1@snap-1 | Should -Be $tour.Snap1.Hash()
        }

        It 'snap-2 is removed again with the -Pool/-Image/-Snapshot form' {
            Remove-RbdSnapshot -Pool openstack -Image int32bit-test-1 -Snapshot snap-2 -Confirm:$false
            @(Get-RbdSnapshot -Spec openstack/int32bit-test-1).Name | Should -Be @('snap-1')
        }
    }

    Context 'protect, clone, children and parent' {
        It 'rbd snap protect int32bit-test-1@snap-1' {
            Protect-RbdSnapshot -Spec openstack/int32bit-test-1@snap-1
            (Get-RbdSnapshot -Spec openstack/int32bit-test-1 | Where-Object Name -EQ 'snap-1').Protected | Should -BeTrue
        }

        It 'rbd clone int32bit-test-1@snap-1 int32bit-test-2' {
            $clone = Copy-RbdClone -Source openstack/int32bit-test-1@snap-1 -Destination openstack/int32bit-test-2
            $clone.Spec | Should -Be 'openstack/int32bit-test-2'
            $clone.Id | Should -Not -Be $tour.Id1
        }

        It 'rbd children openstack/int32bit-test-1@snap-1 prints openstack/int32bit-test-2' {
            $children = @(Get-RbdChild -Spec openstack/int32bit-test-1@snap-1)
            $children | Should -HaveCount 1
            $children[0].Spec | Should -Be 'openstack/int32bit-test-2'
            $children[0].Name | Should -Be 'int32bit-test-2'
        }

        It 'rbd info int32bit-test-2 shows parent: openstack/int32bit-test-1@snap-1 and the overlap' {
            $img = Get-RbdImage -Spec openstack/int32bit-test-2
            "$($img.Parent)" | Should -Be 'openstack/int32bit-test-1@snap-1'
            $img.Overlap | Should -Be 1GB
            $img.Size | Should -Be 1GB
            $img.Id | Should -MatchExactly $RbdTestImageId
        }

        It 'a clone uses no space of its own and reads its parent''s data' {
            (Get-RbdImageUsage -Spec openstack/int32bit-test-2 | Where-Object { -not $_.Snapshot }).Used | Should -Be 0
            Get-RbdDataHash -Spec openstack/int32bit-test-2 | Should -Be $tour.Snap1.Hash()
        }

        It 'writing to the parent after the snapshot does not show through the clone' {
            $junk = New-TestBytes -Length (64KB) -Seed 99
            Write-RbdImage -Spec openstack/int32bit-test-1 -Offset (16 * $MiB) -Data $junk
            $tour.Test1.Write(16 * $MiB, $junk)
            [RbdTest.Bytes]::IsZero((Read-RbdImage -Spec openstack/int32bit-test-2 -Offset (16 * $MiB) -Length 64KB)) | Should -BeTrue
            Get-BytesHash (Read-RbdImage -Spec openstack/int32bit-test-1 -Offset (16 * $MiB) -Length 64KB) | Should -Be (Get-BytesHash $junk)
        }

        It 'a 64 KiB write into the clone copies the whole object up: du shows 4 MiB' {
            $small = New-TestBytes -Length (64KB) -Seed 21
            $at = [uint64](8 * $MiB + 100KB)   # inside an object the parent has data in
            Write-RbdImage -Spec openstack/int32bit-test-2 -Offset $at -Data $small
            $tour.Test2 = $tour.Snap1.Copy()
            $tour.Test2.Write($at, $small)

            $head = Get-RbdImageUsage -Spec openstack/int32bit-test-2 | Where-Object { -not $_.Snapshot }
            $head.Used | Should -Be (4 * $MiB)
            $head.Provisioned | Should -Be 1GB
            # the rest of that object still holds the parent's bytes (copy-up, not a zero fill)
            Get-RbdDataHash -Spec openstack/int32bit-test-2 -Offset (8 * $MiB) -Length (4 * $MiB) |
                Should -Be $tour.Test2.Hash(8 * $MiB, 4 * $MiB)
            Get-RbdDataHash -Spec openstack/int32bit-test-2 | Should -Be $tour.Test2.Hash()
        }

        It 'the parent snapshot is untouched by the clone''s write' {
            Get-RbdDataHash -Spec openstack/int32bit-test-1@snap-1 | Should -Be $tour.Snap1.Hash()
        }
    }

    Context 'flatten' {
        It 'rbd flatten int32bit-test-2 detaches the clone and keeps its data' {
            Invoke-RbdFlatten -Spec openstack/int32bit-test-2
            $img = Get-RbdImage -Spec openstack/int32bit-test-2
            $img.Parent | Should -BeNullOrEmpty
            $img.Overlap | Should -BeNullOrEmpty
            Get-RbdDataHash -Spec openstack/int32bit-test-2 | Should -Be $tour.Test2.Hash()
        }

        It 'after flatten int32bit-test-1@snap-1 has no children' {
            @(Get-RbdChild -Spec openstack/int32bit-test-1@snap-1) | Should -HaveCount 0
        }

        It 'the flattened image now owns the objects it read from the parent (3 objects = 12 MiB)' {
            (Get-RbdImageUsage -Spec openstack/int32bit-test-2 | Where-Object { -not $_.Snapshot }).Used | Should -Be (12 * $MiB)
        }
    }

    Context 'copy' {
        It 'rbd cp int32bit-test-1 int32bit-test-3: same data, no snapshots' {
            $copy = Copy-RbdImage -Source openstack/int32bit-test-1 -Destination openstack/int32bit-test-3
            $copy.Spec | Should -Be 'openstack/int32bit-test-3'
            $img = Get-RbdImage -Spec openstack/int32bit-test-3
            $img.Size | Should -Be 1GB
            $img.Parent | Should -BeNullOrEmpty
            $img.Id | Should -Not -Be $tour.Id1
            @(Get-RbdSnapshot -Spec openstack/int32bit-test-3) | Should -HaveCount 0
            Get-RbdDataHash -Spec openstack/int32bit-test-3 | Should -Be $tour.Test1.Hash()
            $tour.Test3 = $tour.Test1.Copy()
        }

        It 'the copy is sparse: it uses only the objects holding data' {
            (Get-RbdImageUsage -Spec openstack/int32bit-test-3 | Where-Object { -not $_.Snapshot }).Used |
                Should -Be ($tour.Test1.NonZeroObjects * 4 * $MiB)
        }

        It 'the copy is independent of its source' {
            $other = New-TestBytes -Length 4096 -Seed 31
            Write-RbdImage -Spec openstack/int32bit-test-3 -Offset 0 -Data $other
            $tour.Test3.Write(0, $other)
            Get-RbdDataHash -Spec openstack/int32bit-test-1 -Offset 0 -Length (4 * $MiB) | Should -Be $tour.Test1.Hash(0, 4 * $MiB)
            Get-RbdDataHash -Spec openstack/int32bit-test-3 -Offset 0 -Length (4 * $MiB) | Should -Be $tour.Test3.Hash(0, 4 * $MiB)
        }
    }

    Context 'export and import' {
        It 'rbd export int32bit-test-1 int32bit-1.raw writes a 1 GiB sparse raw file' {
            $tour.Raw = Join-Path $TestDrive 'int32bit-1.raw'
            Export-RbdImage -Spec openstack/int32bit-test-1 -Path $tour.Raw
            (Get-Item -LiteralPath $tour.Raw).Length | Should -Be 1GB
            Get-AllocatedBytes -Path $tour.Raw | Should -BeLessThan (64 * $MiB) -Because 'unwritten space is left as holes'
            $sha = [System.Security.Cryptography.SHA256]::Create()
            try {
                $fs = [IO.File]::OpenRead($tour.Raw)
                try { [Convert]::ToHexString($sha.ComputeHash($fs)) | Should -Be $tour.Test1.Hash() }
                finally { $fs.Dispose() }
            }
            finally { $sha.Dispose() }
        }

        It 'rbd import int32bit-1.raw gives an image with identical bytes' {
            $imported = Import-RbdImage -Path $tour.Raw -Spec openstack/int32bit-test-4
            $imported.Spec | Should -Be 'openstack/int32bit-test-4'
            $img = Get-RbdImage -Spec openstack/int32bit-test-4
            $img.Size | Should -Be 1GB
            Get-RbdDataHash -Spec openstack/int32bit-test-4 | Should -Be $tour.Test1.Hash()
            $tour.Test4 = $tour.Test1.Copy()
        }

        It 'import skips the holes: the imported image uses only the objects with data' {
            (Get-RbdImageUsage -Spec openstack/int32bit-test-4 | Where-Object { -not $_.Snapshot }).Used |
                Should -Be ($tour.Test1.NonZeroObjects * 4 * $MiB)
        }

        It 'exporting a snapshot writes the snapshot''s data' {
            $raw = Join-Path $TestDrive 'snap-1.raw'
            Export-RbdImage -Spec openstack/int32bit-test-1@snap-1 -Path $raw
            $sha = [System.Security.Cryptography.SHA256]::Create()
            $fs = [IO.File]::OpenRead($raw)
            try { [Convert]::ToHexString($sha.ComputeHash($fs)) | Should -Be $tour.Snap1.Hash() }
            finally { $fs.Dispose(); $sha.Dispose() }
        }
    }

    Context 'resize' {
        It 'rbd resize grows an image; the new space reads zeros' {
            Resize-RbdImage -Spec openstack/int32bit-test-4 -Size 2G
            $tour.Test4.Resize(2GB)
            $img = Get-RbdImage -Spec openstack/int32bit-test-4
            $img.Size | Should -Be 2GB
            $img.Objects | Should -Be 512
            [RbdTest.Bytes]::IsZero((Read-RbdImage -Spec openstack/int32bit-test-4 -Offset (2GB - 4MB) -Length (4 * $MiB))) | Should -BeTrue
            Get-RbdDataHash -Spec openstack/int32bit-test-4 -Offset 0 -Length 1GB | Should -Be $tour.Test4.Hash(0, 1GB)
        }

        It 'shrinking is refused without -AllowShrink and the size is unchanged' {
            $e = Assert-RbdError { Resize-RbdImage -Spec openstack/int32bit-test-4 -Size 512M } -ErrorId ShrinkNotAllowed -Category InvalidArgument -Target 'openstack/int32bit-test-4'
            $e.Exception.Message | Should -Match 'AllowShrink'
            (Get-RbdImage -Spec openstack/int32bit-test-4).Size | Should -Be 2GB
        }

        It 'shrinking with -AllowShrink trims the data past the new end' {
            Resize-RbdImage -Spec openstack/int32bit-test-4 -Size 512M -AllowShrink
            $tour.Test4.Resize(512MB)
            (Get-RbdImage -Spec openstack/int32bit-test-4).Size | Should -Be 512MB
            (Get-RbdImage -Spec openstack/int32bit-test-4).Objects | Should -Be 128
            (Get-RbdImageUsage -Spec openstack/int32bit-test-4 | Where-Object { -not $_.Snapshot }).Used | Should -Be ($tour.Test4.NonZeroObjects * 4 * $MiB)
            # grown again, the trimmed object reads zeros: the data is gone, not hidden
            Resize-RbdImage -Spec openstack/int32bit-test-4 -Size 1G
            $tour.Test4.Resize(1GB)
            [RbdTest.Bytes]::IsZero((Read-RbdImage -Spec openstack/int32bit-test-4 -Offset (1020 * $MiB) -Length (4 * $MiB))) | Should -BeTrue
            Get-RbdDataHash -Spec openstack/int32bit-test-4 | Should -Be $tour.Test4.Hash()
        }
    }

    Context 'rename' {
        It 'rbd mv int32bit-test-4 int32bit-test-5 keeps the id and the data' {
            $id = (Get-RbdImage -Spec openstack/int32bit-test-4).Id
            Rename-RbdImage -Spec openstack/int32bit-test-4 -NewName int32bit-test-5
            $img = Get-RbdImage -Spec openstack/int32bit-test-5
            $img.Id | Should -Be $id
            Assert-RbdError { Get-RbdImage -Spec openstack/int32bit-test-4 } -ErrorId ImageNotFound -Category ObjectNotFound -Target 'openstack/int32bit-test-4'
            Get-RbdDataHash -Spec openstack/int32bit-test-5 | Should -Be $tour.Test4.Hash()
        }
    }

    Context 'rollback (git reset)' {
        It 'the head has changed since snap-1' {
            Get-RbdDataHash -Spec openstack/int32bit-test-1 | Should -Not -Be $tour.Snap1.Hash()
        }

        It 'rbd snap rollback int32bit-test-1@snap-1 brings back the snapshot''s data' {
            $more = New-TestBytes -Length (6 * $MiB) -Seed 41
            Write-RbdImage -Spec openstack/int32bit-test-1 -Offset (2 * $MiB) -Data $more
            Restore-RbdSnapshot -Spec openstack/int32bit-test-1@snap-1
            $tour.Test1 = $tour.Snap1.Copy()
            Get-RbdDataHash -Spec openstack/int32bit-test-1 | Should -Be $tour.Snap1.Hash()
            @(Get-RbdSnapshot -Spec openstack/int32bit-test-1).Name | Should -Be @('snap-1')
        }
    }

    Context 'discard' {
        It 'Clear-RbdImage of a whole object reads zeros and frees its space' {
            $objects = $tour.Test3.NonZeroObjects
            (Get-RbdImageUsage -Spec openstack/int32bit-test-3 | Where-Object { -not $_.Snapshot }).Used | Should -Be ($objects * 4 * $MiB)
            Clear-RbdImage -Spec openstack/int32bit-test-3 -Offset 0 -Length (4 * $MiB)
            $tour.Test3.Discard(0, 4 * $MiB)
            [RbdTest.Bytes]::IsZero((Read-RbdImage -Spec openstack/int32bit-test-3 -Offset 0 -Length (4 * $MiB))) | Should -BeTrue
            (Get-RbdImageUsage -Spec openstack/int32bit-test-3 | Where-Object { -not $_.Snapshot }).Used | Should -Be (($objects - 1) * 4 * $MiB)
        }

        It 'Clear-RbdImage of part of an object zeros just that range' {
            Clear-RbdImage -Spec openstack/int32bit-test-3 -Offset (8 * $MiB + 4KB) -Length 64KB
            $tour.Test3.Discard(8 * $MiB + 4KB, 64KB)
            [RbdTest.Bytes]::IsZero((Read-RbdImage -Spec openstack/int32bit-test-3 -Offset (8 * $MiB + 4KB) -Length 64KB)) | Should -BeTrue
            Get-RbdDataHash -Spec openstack/int32bit-test-3 | Should -Be $tour.Test3.Hash()
        }
    }

    Context 'cleanup: unprotect, snap rm, rm' {
        It 'rbd snap unprotect int32bit-test-1@snap-1 (no children left)' {
            Unprotect-RbdSnapshot -Spec openstack/int32bit-test-1@snap-1
            (Get-RbdSnapshot -Spec openstack/int32bit-test-1).Protected | Should -BeFalse
        }

        It 'rbd snap rm int32bit-test-1@snap-1' {
            Remove-RbdSnapshot -Spec openstack/int32bit-test-1@snap-1 -Confirm:$false
            @(Get-RbdSnapshot -Spec openstack/int32bit-test-1) | Should -HaveCount 0
            Assert-RbdError { Read-RbdImage -Spec openstack/int32bit-test-1@snap-1 -Offset 0 -Length 1 } -ErrorId SnapshotNotFound -Category ObjectNotFound -Target 'openstack/int32bit-test-1@snap-1'
        }

        It 'rbd rm int32bit-test-1' {
            Remove-RbdImage -Spec openstack/int32bit-test-1 -Confirm:$false
            Assert-RbdError { Get-RbdImage -Spec openstack/int32bit-test-1 } -ErrorId ImageNotFound -Category ObjectNotFound
            @(Get-RbdImage -Spec openstack).Name | Sort-Object | Should -Be @('int32bit-test-2', 'int32bit-test-3', 'int32bit-test-5')
        }

        It 'the other images are untouched' {
            Get-RbdDataHash -Spec openstack/int32bit-test-2 | Should -Be $tour.Test2.Hash()
            Get-RbdDataHash -Spec openstack/int32bit-test-3 | Should -Be $tour.Test3.Hash()
        }

        # The embedded store's own consistency check; a Ceph cluster checks itself (scrub).
        It 'Test-RbdStore finds nothing wrong with the store' -Tag EmbeddedOnly {
            @(Test-RbdStore) | Should -HaveCount 0
        }
    }
}
