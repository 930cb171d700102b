# Get-RbdLineage / Export-RbdLineage as a runbook: what depends on a Glance image (which servers and volumes keep
# it alive), the tree across pools typed by what each node is to OpenStack, the console view, and the pictures.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'OpenStackHelpers.ps1')
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'The lineage of a Glance image' -Tag OpenStack {
    BeforeAll {
        $null = New-OpenStackTestStore -Name lineage
        $image = New-FastGlanceImage -Name cirros -Size 8MB -Writes @(@{ Offset = 0; Data = (New-TestBytes -Length 4096 -Seed 3) })
        $glance = "openstack/$($image.Id)"
        $vm1 = New-NovaServer -Name vm1 -Image $image
        $v1 = New-CinderVolume -Name v1 -Image $image
        $v2 = New-CinderVolume -Name v2 -SourceVolume $v1
        $s1 = New-CinderSnapshot -Volume $v1 -Name s1
        $v3 = New-CinderVolume -Name v3 -Snapshot $s1
        $null = New-RbdPool -Name other
        Copy-RbdClone "$($s1.RbdSnapshot)" other/elsewhere
        $cloneSnap = "$($v1.RbdImage)@volume-$($v2.Id).clone_snap"
    }

    It 'shows the servers and volumes that keep the image alive, recursively and across pools' {
        $nodes = @(Get-RbdLineage $glance)
        $nodes | ForEach-Object { $_ | Should -BeOfType RbdPowerShell.Engine.LineageNode }
        @($nodes | ForEach-Object { '{0} {1} {2} {3}' -f $_.Depth, $_.Spec, $_.OpenStackKind, $_.OpenStackName } | Sort-Object) | Should -Be (@(
                "0 $glance GlanceImage cirros"
                "1 $glance@snap GlanceSnapshot cirros"
                "2 $($vm1.RootDisk) NovaRootDisk vm1"
                "2 $($v1.RbdImage) CinderVolume v1"
                "3 $cloneSnap TemporarySnapshot "
                "3 $($s1.RbdSnapshot) VolumeSnapshot s1"
                "4 $($v2.RbdImage) CinderVolume v2"
                "4 $($v3.RbdImage) CinderVolume v3"
                "4 other/elsewhere Unknown "
            ) | Sort-Object)
        ($nodes | Where-Object { -not $_.IsSnapshot -and $_.Depth -eq 2 }).Description | Sort-Object |
            Should -Be (@("root disk of server 'vm1' ($($vm1.Id))", "volume 'v1' ($($v1.Id))") | Sort-Object)
    }

    It 'carries size, rbd du''s used space and protection' {
        $nodes = @(Get-RbdLineage $glance)
        $snap = $nodes | Where-Object Spec -EQ "$glance@snap"
        ($snap.Size, $snap.Protected, $snap.ChildCount) | Should -Be @(8MB, $true, 2)
        $snap.Used | Should -Be ((Get-RbdImageUsage $glance | Where-Object Snapshot -EQ snap).Used)
        ($nodes | Where-Object Spec -EQ $vm1.RootDisk).Size | Should -Be 1GB
        ($nodes | Where-Object Spec -EQ $v1.RbdImage).Protected | Should -BeNullOrEmpty
    }

    It 'takes a snapshot, a pool or nothing (the whole cluster)' {
        @(Get-RbdLineage $cloneSnap).Spec | Should -Be @($cloneSnap, $v2.RbdImage)
        @(Get-RbdLineage other).Spec | Should -Be @('other/elsewhere') -Because 'a pool''s roots are its images that are not clones of one of its own'
        @(Get-RbdLineage).Count | Should -Be 9
        @(Get-RbdLineage openstack).Count | Should -Be 9
        Get-VerboseText { Get-RbdLineage $cloneSnap -Verbose } | Should -Match (Get-RbdCommandPattern -Pattern "^rbd children --descendants $([regex]::Escape($cloneSnap))$")
    }

    It 'reads as a tree at 80 columns with the numbers visible' {
        $text = Get-RbdLineage $glance | Out-String -Width 80
        $lines = $text -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^\s+SIZE\s+USED PROT OPENSTACK\s+LINEAGE'
        $lines | Where-Object { $_ -match 'NovaRootDisk' } | Should -Match "^\s+1 GiB\s+0 B\s+NovaRootDisk\s+└ 'vm1' openstack/"
        $lines | Where-Object { $_ -match 'GlanceSnapshot' } | Should -Match "^\s+8 MiB\s+4 MiB yes\s+GlanceSnapshot\s+'cirros' @snap"
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'Export-RbdLineage writes DOT and Mermaid with a node per image and snapshot and an edge per link' {
        $root = New-RbdTestRoot
        $nodes = @(Get-RbdLineage $glance)
        $dotFile = Export-RbdLineage $glance (Join-Path $root 'l.dot')
        $dot = Get-Content -LiteralPath $dotFile.FullName -Raw
        ([regex]::Matches($dot, '(?m)^  n\d+ \[label=')).Count | Should -Be $nodes.Count
        ([regex]::Matches($dot, '(?m)^  n\d+ -> n\d+;')).Count | Should -Be ($nodes.Count - 1)
        $dot | Should -Match "label=`"$([regex]::Escape($vm1.RootDisk))\\nNovaRootDisk 'vm1'\\n1 GiB`", shape=component"
        $dot | Should -Match "label=`"$([regex]::Escape($v1.RbdImage))\\nCinderVolume 'v1'\\n1 GiB`", shape=cylinder"
        $mmd = Get-Content -LiteralPath (Export-RbdLineage $glance (Join-Path $root 'l.mmd')).FullName -Raw
        $mmd | Should -Match '^flowchart LR'
        ([regex]::Matches($mmd, '(?m)^  n\d+ --> n\d+$')).Count | Should -Be ($nodes.Count - 1)
        $pipedFile = Get-RbdLineage $glance | Export-RbdLineage -Path (Join-Path $root 'piped.dot')
        Get-Content -LiteralPath $pipedFile.FullName -Raw | Should -Be $dot
    }

    It 'SVG needs Graphviz: drawn when dot is installed, otherwise GraphvizNotFound' {
        $file = Join-Path (New-RbdTestRoot) 'l.svg'
        if (Get-Command dot -CommandType Application -ErrorAction SilentlyContinue) {
            Export-RbdLineage $glance $file | Out-Null
            Get-Content -LiteralPath $file -Raw | Should -Match '<svg'
        }
        else {
            $e = Assert-RbdError { Export-RbdLineage $glance $file } -ErrorId GraphvizNotFound
            $e.CategoryInfo.Category | Should -Be 'NotInstalled'
            Test-Path -LiteralPath $file | Should -BeFalse
        }
    }

    It 'refuses an unknown extension and an existing file without -Force' {
        $root = New-RbdTestRoot
        Assert-RbdError { Export-RbdLineage $glance (Join-Path $root 'l.png') } -ErrorId UnknownGraphFormat | Out-Null
        $null = Export-RbdLineage $glance (Join-Path $root 'l.dot')
        Assert-RbdError { Export-RbdLineage $glance (Join-Path $root 'l.dot') } -ErrorId FileExists | Out-Null
        $null = Export-RbdLineage $glance (Join-Path $root 'l.dot') -Force
    }
}
