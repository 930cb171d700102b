# The default table views at 80 and 120 columns: whatever the names' lengths (Cinder backup snapshots are named
# volume-<uuid>@backup.<uuid>.snap.<timestamp>, about 107 characters), every number column stays on screen and
# every row shows its numbers; a snapshot list of several images says which image each row belongs to.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $MiB = 1MB
    $Uuid = '8a3e1c2b-0d3b-4b86-9d2a-1c9b3a5f7e21'
    $LongImage = "volume-$Uuid"
    $LongSnap = 'backup.1f0e4a6b-3c2d-4e5f-8a9b-0c1d2e3f4a5b.snap.1733131312.123'
    $LongClone = "$LongImage-clone-of-a-snapshot-with-a-long-name"

    function Format-Size([uint64]$Bytes) { [RbdPowerShell.Engine.SizeParser]::Format($Bytes) }

    function Assert-NumbersKept {
        <#
        Renders -InputObject at -Width columns and checks that each -Label is a column header, that no line is wider
        than the screen, and that the -Row patterns (one per object, anchored at the line start) match lines in order.
        #>
        param([object[]]$InputObject, [int]$Width, [string[]]$Label, [string[]]$Row)
        $text = $InputObject | Out-String -Width $Width
        $lines = @($text -split "`r?`n")
        foreach ($l in $Label) {
            @($lines | Where-Object { $_ -match "(^|\s)$([regex]::Escape($l))(\s|$)" }) |
                Should -Not -BeNullOrEmpty -Because "column $l must be shown at $Width columns:`n$text"
        }
        @($lines | Where-Object { $_.TrimEnd().Length -gt $Width }) | Should -BeNullOrEmpty -Because "no line is wider than $Width"
        $at = 0
        foreach ($pattern in $Row) {
            while ($at -lt $lines.Count -and $lines[$at] -notmatch "^\s*$pattern") { $at++ }
            $at | Should -BeLessThan $lines.Count -Because "a row starting '$pattern' must follow in order at $Width columns:`n$text"
            $at++
        }
    }
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'views keep their numbers at <Width> columns' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
    BeforeAll {
        $script:cluster = New-RbdTestStore -Name 'views' -Pool openstack
        $null = New-RbdImage "openstack/$LongImage" -Size 1G
        Write-RbdImage "openstack/$LongImage" -Offset 0 -Data (New-TestBytes -Length (4 * $MiB + 1) -Seed 3)
        $null = New-RbdSnapshot "openstack/$LongImage@$LongSnap"
        $null = New-RbdImage openstack/a -Size 10M
        $null = New-RbdSnapshot openstack/a@snap
        Protect-RbdSnapshot openstack/a@snap
        $null = Copy-RbdClone openstack/a@snap "openstack/$LongClone"
    }
    AfterAll {
        Get-RbdImage "openstack/$LongClone" | Remove-RbdImage -Confirm:$false
        Unprotect-RbdSnapshot openstack/a@snap
    }

    It 'Get-RbdImage openstack -IncludeSnapshot (rbd ls -l): SIZE FMT PROT LOCK, then NAME and PARENT' {
        $images = @(Get-RbdImage openstack -IncludeSnapshot)
        $images.Count | Should -Be 5
        $rows = $images | ForEach-Object { "$([regex]::Escape((Format-Size $_.Size)))\s+2\s+$(if ($_.Protected) { 'yes' } else { '' })" }
        Assert-NumbersKept $images -Width $Width -Label SIZE, FMT, PROT, LOCK, NAME, PARENT -Row $rows
    }

    It 'Get-RbdImageUsage openstack (rbd du): PROVISIONED and USED of every row, the 107-character names too' {
        $usage = @(Get-RbdImageUsage openstack)
        $usage.Name | Should -Contain "$LongImage@$LongSnap"
        $rows = $usage | ForEach-Object { "$([regex]::Escape((Format-Size $_.Provisioned)))\s+$([regex]::Escape((Format-Size $_.Used)))\s" }
        Assert-NumbersKept $usage -Width $Width -Label PROVISIONED, USED, NAME -Row $rows
        ($usage | Out-String -Width $Width) | Should -Match '8 MiB' -Because 'the snapshot holds 4 MiB and a byte: two whole objects'
    }

    It 'Get-RbdImage openstack | Get-RbdSnapshot: each image heads its own rows, with SNAPID SIZE PROTECTED' {
        $snaps = @(Get-RbdImage openstack | Get-RbdSnapshot)
        $snaps.Count | Should -Be 2
        $rows = foreach ($s in $snaps | Sort-Object Image) {
            "Image: openstack/$([regex]::Escape($s.Image))"
            "$($s.Id)\s+$([regex]::Escape((Format-Size $s.Size)))\s"
        }
        Assert-NumbersKept ($snaps | Sort-Object Image) -Width $Width -Label SNAPID, SIZE, PROTECTED, TIMESTAMP, NAME -Row $rows
    }

    It 'Get-RbdPool, a clone''s Parent, Export-RbdDiff -PassThru and Get-RbdCluster keep theirs' {
        $pool = Get-RbdPool openstack
        Assert-NumbersKept $pool -Width $Width -Label IMAGES, NAME -Row "$($pool.Images)\s+openstack"
        $parent = (Get-RbdImage "openstack/$LongClone").Parent
        Assert-NumbersKept $parent -Width $Width -Label SNAPID, PARENT, IMAGEID -Row "$($parent.SnapshotId)\s+openstack/a@snap"
        $diff = Export-RbdDiff "openstack/$LongImage@$LongSnap" -Path (Join-Path $TestDrive "d$Width.diff") -PassThru
        Assert-NumbersKept $diff -Width $Width -Label SIZE, SOURCE -Row "$([regex]::Escape((Format-Size $diff.Size)))\s+openstack/"
        Assert-NumbersKept $cluster -Width $Width -Label Backend, Fsid -Row "$($cluster.Backend)\s+$($cluster.Fsid)"
    }

    It 'OpenStack records keep their SIZE and ID: <Type>' -ForEach @(
        @{ Type = 'CinderBackup'; Values = @{ SizeGB = 1024; VolumeId = '0'; IsIncremental = $true; Method = 'Diff' }; Row = '1024\s+yes\s+Diff\s+{id}'; Label = 'SIZE', 'INCR', 'METHOD', 'ID', 'NAME' }
        @{ Type = 'CinderVolume'; Values = @{ SizeGB = 20; RbdImage = 'openstack/volume-x' }; Row = '20\s+{id}'; Label = 'SIZE', 'ID', 'STATUS', 'NAME', 'RBD_IMAGE' }
        @{ Type = 'CinderSnapshot'; Values = @{ SizeGB = 20; VolumeId = '0' }; Row = '20\s+{id}'; Label = 'SIZE', 'ID', 'STATUS', 'NAME', 'VOLUME_ID' }
        @{ Type = 'GlanceImage'; Values = @{ Size = [uint64]1GB }; Row = '1 GiB\s+raw\s+{id}'; Label = 'SIZE', 'DISK_FORMAT', 'ID', 'STATUS', 'NAME' }
        @{ Type = 'NovaServer'; Values = @{ ImageId = '0'; RootDisk = 'openstack/x_disk' }; Row = '{id}\s+ACTIVE'; Label = 'ID', 'STATUS', 'NAME', 'IMAGE', 'ROOT_DISK' }
    ) {
        $id = [guid]::NewGuid().ToString()
        $values = $Values.Clone()
        $values.Id = $id
        $values.Name = "$LongImage@$LongSnap"
        $record = New-Object "RbdPowerShell.Engine.OpenStack.$Type" -Property $values
        Assert-NumbersKept $record -Width $Width -Label $Label -Row $Row.Replace('{id}', $id)
    }
}
