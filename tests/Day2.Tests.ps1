# The day-2 rbd commands (snap purge, snap rename, diff, image-meta, feature enable/disable, status) on both backends,
# and (CephOnly) their values next to the rbd command line's on the same images.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'OpenStackHelpers.ps1')
    $MiB = 1MB
    $null = New-RbdTestStore -Name 'day2' -Pool openstack

    function New-SnappedImage([string]$Name, [string[]]$Snapshot, [string[]]$Protected = @()) {
        <# openstack/<Name> (8 MiB, 4 KiB of data) with the snapshots given, some protected. #>
        $null = New-RbdImage "openstack/$Name" -Size 8M
        Write-RbdImage "openstack/$Name" -Offset 0 -Data (New-TestBytes -Length 4096 -Seed 1)
        foreach ($s in $Snapshot) { $null = New-RbdSnapshot "openstack/$Name@$s" }
        foreach ($s in $Protected) { Protect-RbdSnapshot "openstack/$Name@$s" }
    }

    function Get-SnapshotNames([string]$Spec) { @(Get-RbdSnapshot $Spec | ForEach-Object Name) -join ',' }
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'Remove-RbdSnapshot -All (rbd snap purge)' {
    It 'removes every unprotected snapshot and keeps the protected ones with a warning, as rbd does (exit 0)' {
        New-SnappedImage purge1 -Snapshot s1, s2, s3, s4 -Protected s2, s4
        Remove-RbdSnapshot openstack/purge1 -All -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        Get-SnapshotNames openstack/purge1 | Should -Be 's2,s4'
        "$warned" | Should -BeLike '*s2, s4*protected*Unprotect-RbdSnapshot*'
    }

    It '-WhatIf lists each snapshot it would remove as rbd snap rm, and removes nothing' {
        New-SnappedImage purge2 -Snapshot a, b, c -Protected b
        $lines = Get-WhatIfLine { Remove-RbdSnapshot openstack/purge2 -All -WhatIf -WarningAction SilentlyContinue }
        $lines.Count | Should -Be 2
        $lines[0] | Should -Match (Get-RbdCommandPattern '^rbd snap rm openstack/purge2@a$')
        $lines[1] | Should -Match (Get-RbdCommandPattern '^rbd snap rm openstack/purge2@c$')
        Get-SnapshotNames openstack/purge2 | Should -Be 'a,b,c'
    }

    It 'takes images from the pipeline, shows rbd snap purge under -Verbose, and an image without snapshots is fine' {
        New-SnappedImage purge3 -Snapshot x, y
        New-SnappedImage purge4 -Snapshot @()
        $verbose = Get-VerboseText { 'openstack/purge3', 'openstack/purge4' | ForEach-Object { Get-RbdImage $_ } | Remove-RbdSnapshot -All -Confirm:$false -Verbose }
        $verbose | Should -Match (Get-RbdCommandPattern 'rbd snap purge openstack/purge3')
        Get-SnapshotNames openstack/purge3 | Should -Be ''
    }

    It 'a missing image: ImageNotFound' {
        Assert-RbdError { Remove-RbdSnapshot openstack/nothere -All -Confirm:$false } -ErrorId ImageNotFound -Category ObjectNotFound
    }
}

Describe 'Rename-RbdSnapshot (rbd snap rename)' {
    BeforeAll { New-SnappedImage ren -Snapshot s1, s2 -Protected s1 }

    It 'renames within the image, keeps protection, and -PassThru returns the snapshot' {
        $verbose = Get-VerboseText { $script:renamed = Rename-RbdSnapshot openstack/ren@s1 gold -PassThru -Verbose }
        $verbose | Should -Match (Get-RbdCommandPattern '^rbd snap rename openstack/ren@s1 openstack/ren@gold$')
        $renamed.Spec | Should -Be 'openstack/ren@gold'
        $renamed.Protected | Should -BeTrue
        Get-SnapshotNames openstack/ren | Should -Be 'gold,s2'
    }

    It 'accepts rbd''s destination spec of the same image' {
        Rename-RbdSnapshot openstack/ren@s2 openstack/ren@silver
        Get-SnapshotNames openstack/ren | Should -Be 'gold,silver'
    }

    It 'refuses <Why> with <ErrorId>' -ForEach @(
        @{ Why = 'an existing name'; Action = { Rename-RbdSnapshot openstack/ren@gold silver }; ErrorId = 'SnapshotExists'; Category = 'ResourceExists' }
        @{ Why = 'its own name'; Action = { Rename-RbdSnapshot openstack/ren@gold gold }; ErrorId = 'SnapshotExists'; Category = 'ResourceExists' }
        @{ Why = 'a missing snapshot'; Action = { Rename-RbdSnapshot openstack/ren@nos x }; ErrorId = 'SnapshotNotFound'; Category = 'ObjectNotFound' }
        @{ Why = 'another image'; Action = { Rename-RbdSnapshot openstack/ren@gold openstack/other@gold }; ErrorId = 'RenameAcrossImages'; Category = 'InvalidArgument' }
    ) {
        Assert-RbdError $Action -ErrorId $ErrorId -Category $Category
        Get-SnapshotNames openstack/ren | Should -Be 'gold,silver'
    }
}

Describe 'Get-RbdDiff (rbd diff)' {
    BeforeAll {
        $null = New-RbdImage openstack/diff -Size 12M
        Write-RbdImage openstack/diff -Offset 0 -Data (New-TestBytes -Length 8192 -Seed 1)
        Write-RbdImage openstack/diff -Offset (4 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 2)
        $null = New-RbdSnapshot openstack/diff@s1
        Clear-RbdImage openstack/diff -Offset (4 * $MiB) -Length (4 * $MiB)
        Write-RbdImage openstack/diff -Offset (8 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 3)
    }

    It 'lists the extents since creation as typed rows (Offset, Length, Exists, Type)' {
        $rows = @(Get-RbdDiff openstack/diff@s1)
        ($rows | ForEach-Object { "$($_.Offset)+$($_.Length) $($_.Type)" }) -join ';' | Should -Be "0+8192 data;$(4 * $MiB)+4096 data"
        $rows[0].Exists | Should -BeTrue
        $rows[0].Spec | Should -Be 'openstack/diff@s1'
    }

    It '-FromSnapshot -WholeObject -AsJson gives rbd diff --format json''s text' {
        $json = Get-RbdDiff openstack/diff -FromSnapshot s1 -WholeObject -AsJson
        $json | Should -Be "[{`"offset`":$(4 * $MiB),`"length`":$(4 * $MiB),`"exists`":`"false`"},{`"offset`":$(8 * $MiB),`"length`":$(4 * $MiB),`"exists`":`"true`"}]"
    }

    It 'shows the rbd command line under -Verbose and refuses a missing start snapshot' {
        Get-VerboseText { Get-RbdDiff openstack/diff -FromSnapshot s1 -WholeObject -Verbose } |
            Should -Match (Get-RbdCommandPattern '^rbd diff --from-snap s1 --whole-object openstack/diff$')
        Assert-RbdError { Get-RbdDiff openstack/diff -FromSnapshot nos } -ErrorId SnapshotNotFound -Category ObjectNotFound
    }
}

Describe 'Get-/Set-/Remove-RbdImageMeta (rbd image-meta)' {
    BeforeAll { $null = New-RbdImage openstack/meta -Size 4M }

    It 'sets, lists in key order, gets one key and replaces a value' {
        Set-RbdImageMeta openstack/meta zeta 1
        Set-RbdImageMeta openstack/meta alpha 'first value'
        $passed = Set-RbdImageMeta openstack/meta conf_rbd_cache false -PassThru
        $passed.Key, $passed.Value, $passed.Spec | Should -Be 'conf_rbd_cache', 'false', 'openstack/meta'
        Set-RbdImageMeta openstack/meta alpha replaced
        (Get-RbdImageMeta openstack/meta | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ';' | Should -Be 'alpha=replaced;conf_rbd_cache=false;zeta=1'
        (Get-RbdImageMeta openstack/meta alpha).Value | Should -Be 'replaced'
    }

    It 'removes the keys piped from Get-RbdImageMeta, and -WhatIf removes nothing' {
        $lines = Get-WhatIfLine { Get-RbdImageMeta openstack/meta zeta | Remove-RbdImageMeta -WhatIf }
        $lines | Should -Match (Get-RbdCommandPattern '^rbd image-meta remove openstack/meta zeta$')
        (Get-RbdImageMeta openstack/meta zeta).Value | Should -Be '1'
        Get-RbdImageMeta openstack/meta zeta | Remove-RbdImageMeta -Confirm:$false
        @(Get-RbdImageMeta openstack/meta).Key -join ',' | Should -Be 'alpha,conf_rbd_cache'
    }

    It 'refuses <Why> with <ErrorId>, changing nothing' -ForEach @(
        @{ Why = 'getting a missing key'; Action = { Get-RbdImageMeta openstack/meta nokey }; ErrorId = 'ImageMetaNotFound'; Category = 'ObjectNotFound' }
        @{ Why = 'removing a missing key'; Action = { Remove-RbdImageMeta openstack/meta nokey -Confirm:$false }; ErrorId = 'ImageMetaNotFound'; Category = 'ObjectNotFound' }
        @{ Why = 'an unknown option override'; Action = { Set-RbdImageMeta openstack/meta conf_rbd_nosuch x }; ErrorId = 'ImageMetaOverrideNotAllowed'; Category = 'InvalidArgument' }
        @{ Why = 'a bad option value'; Action = { Set-RbdImageMeta openstack/meta conf_rbd_cache yes }; ErrorId = 'InvalidImageMetaValue'; Category = 'InvalidArgument' }
        @{ Why = 'a missing image'; Action = { Get-RbdImageMeta openstack/nothere }; ErrorId = 'ImageNotFound'; Category = 'ObjectNotFound' }
        @{ Why = 'a snapshot spec'; Action = { Set-RbdImageMeta openstack/meta@s k v }; ErrorId = 'InvalidSpec'; Category = 'InvalidArgument' }
    ) {
        Assert-RbdError $Action -ErrorId $ErrorId -Category $Category -Target 'openstack/meta', 'openstack/nothere', 'openstack/meta@s'
        @(Get-RbdImageMeta openstack/meta).Key -join ',' | Should -Be 'alpha,conf_rbd_cache'
        (Get-RbdImageMeta openstack/meta conf_rbd_cache).Value | Should -Be 'false'
    }
}

Describe 'Enable-/Disable-RbdImageFeature (rbd feature)' {
    BeforeAll { $null = New-RbdImage openstack/feat -Size 4M }

    It 'disabling fast-diff takes object-map with it, as librbd 16.2 does; -PassThru returns the image' {
        $verbose = Get-VerboseText { $script:image = Disable-RbdImageFeature openstack/feat fast-diff -PassThru -Verbose }
        $verbose | Should -Match (Get-RbdCommandPattern '^rbd feature disable openstack/feat fast-diff$')
        $image.Features -join ',' | Should -Be 'layering,exclusive-lock,deep-flatten'
    }

    It 'enables object-map with fast-diff, and exclusive-lock with journaling in one call' {
        Enable-RbdImageFeature openstack/feat object-map
        (Get-RbdImage openstack/feat).Features -join ',' | Should -Be 'layering,exclusive-lock,object-map,fast-diff,deep-flatten'
        Disable-RbdImageFeature openstack/feat object-map, exclusive-lock
        Enable-RbdImageFeature openstack/feat exclusive-lock, journaling
        (Get-RbdImage openstack/feat).Features -join ',' | Should -Be 'layering,exclusive-lock,deep-flatten,journaling'
        Disable-RbdImageFeature openstack/feat journaling, deep-flatten
        (Get-RbdImage openstack/feat).Features -join ',' | Should -Be 'layering,exclusive-lock'
    }

    It 'refuses <Why> with <ErrorId>, changing nothing' -ForEach @(
        @{ Why = 'enabling layering'; Action = { Enable-RbdImageFeature openstack/feat layering }; ErrorId = 'FeatureImmutable' }
        @{ Why = 'enabling deep-flatten'; Action = { Enable-RbdImageFeature openstack/feat deep-flatten }; ErrorId = 'FeatureImmutable' }
        @{ Why = 'an enabled feature'; Action = { Enable-RbdImageFeature openstack/feat exclusive-lock }; ErrorId = 'FeatureAlreadyEnabled' }
        @{ Why = 'a disabled feature'; Action = { Disable-RbdImageFeature openstack/feat journaling }; ErrorId = 'FeatureAlreadyDisabled' }
    ) {
        Assert-RbdError $Action -ErrorId $ErrorId -Category InvalidArgument -Target 'openstack/feat'
        (Get-RbdImage openstack/feat).Features -join ',' | Should -Be 'layering,exclusive-lock'
    }

    It 'object-map needs exclusive-lock, and exclusive-lock stays while object-map is on' {
        Disable-RbdImageFeature openstack/feat exclusive-lock
        Assert-RbdError { Enable-RbdImageFeature openstack/feat object-map } -ErrorId FeatureNeedsExclusiveLock -Category InvalidArgument
        Enable-RbdImageFeature openstack/feat exclusive-lock, object-map
        Assert-RbdError { Disable-RbdImageFeature openstack/feat exclusive-lock } -ErrorId ExclusiveLockInUse -Category InvalidArgument
        (Get-RbdImage openstack/feat).Features -join ',' | Should -Be 'layering,exclusive-lock,object-map,fast-diff'
    }

    It 'an unknown feature name is refused before anything runs' {
        { Enable-RbdImageFeature openstack/feat bogus } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}

Describe 'Get-RbdImageStatus (rbd status)' {
    BeforeAll { $null = New-RbdImage openstack/stat -Size 4M }

    It 'says on the embedded store that it cannot see watchers' -Tag EmbeddedOnly {
        $status = Get-RbdImageStatus openstack/stat
        $status.Spec | Should -Be 'openstack/stat'
        $status.WatchersKnown | Should -BeFalse
        $status.Watchers.Count | Should -Be 0
        $status.Note | Should -BeLike '*cannot be shown*'
    }

    It 'shows no watchers of an idle image on Ceph' -Tag CephOnly {
        $status = Get-RbdImageStatus openstack/stat
        $status.WatchersKnown | Should -BeTrue
        $status.Watchers.Count | Should -Be 0
        $status.Note | Should -BeNullOrEmpty
    }

    It 'shows rbd status under -Verbose' {
        Get-VerboseText { $null = Get-RbdImageStatus openstack/stat -Verbose } | Should -Match (Get-RbdCommandPattern '^rbd status openstack/stat$')
    }
}

Describe 'the rbd command line gives the same values' -Tag CephOnly {
    BeforeAll {
        $ns = (Get-RbdCluster).Namespace
        $at = "openstack/$ns"

        function Invoke-RbdTool {
            <# rbd on the test cluster: its stdout, and the exit code in $script:rbdExit. #>
            $out = & rbd --conf $env:CEPH_CONF @args 2>$null
            $script:rbdExit = $LASTEXITCODE
            $out
        }
        function Get-RbdToolJson { (Invoke-RbdTool @args --format json) -join "`n" }

        $null = New-RbdImage openstack/cmp -Size 12M
        Write-RbdImage openstack/cmp -Offset 0 -Data (New-TestBytes -Length 8192 -Seed 4)
        Write-RbdImage openstack/cmp -Offset (4 * $MiB) -Data (New-TestBytes -Length 4096 -Seed 5)
        $null = New-RbdSnapshot openstack/cmp@s1
        Clear-RbdImage openstack/cmp -Offset (4 * $MiB) -Length (4 * $MiB)
        Write-RbdImage openstack/cmp -Offset (8 * $MiB) -Data (New-TestBytes -Length (4 * $MiB) -Seed 6)
    }

    It 'rbd diff --format json <Arguments> equals Get-RbdDiff -AsJson' -ForEach @(
        @{ Arguments = @('cmp@s1'); Splat = @{ Spec = 'openstack/cmp@s1' } }
        @{ Arguments = @('--from-snap', 's1', 'cmp'); Splat = @{ Spec = 'openstack/cmp'; FromSnapshot = 's1' } }
        @{ Arguments = @('--whole-object', 'cmp'); Splat = @{ Spec = 'openstack/cmp'; WholeObject = $true } }
        @{ Arguments = @('--from-snap', 's1', '--whole-object', 'cmp'); Splat = @{ Spec = 'openstack/cmp'; FromSnapshot = 's1'; WholeObject = $true } }
        @{ Arguments = @('--from-snap', 's1', 'cmp@s1'); Splat = @{ Spec = 'openstack/cmp@s1'; FromSnapshot = 's1' } }
    ) {
        $args2 = $Arguments.Clone(); $args2[-1] = "$at/$($Arguments[-1])"
        $theirs = Get-RbdToolJson diff @args2
        Get-RbdDiff @Splat -AsJson | Should -Be $theirs
    }

    It 'rbd image-meta list --format json shows what Set-RbdImageMeta set, and rbd image-meta set what Get-RbdImageMeta reads' {
        Set-RbdImageMeta openstack/cmp conf_rbd_qos_iops_limit 10K
        Set-RbdImageMeta openstack/cmp note 'a b'
        $null = Invoke-RbdTool image-meta set "$at/cmp" fromrbd yes
        $mine = [ordered]@{}
        Get-RbdImageMeta openstack/cmp | ForEach-Object { $mine[$_.Key] = $_.Value }
        Get-RbdToolJson image-meta list "$at/cmp" | Should -Be ($mine | ConvertTo-Json -Compress)
    }

    It 'rbd refuses the image-meta and feature changes the cmdlets refuse, with the same errno' {
        $null = Invoke-RbdTool image-meta get "$at/cmp" nokey; $rbdExit | Should -Be 2
        $null = Invoke-RbdTool image-meta set "$at/cmp" conf_rbd_cache yes; $rbdExit | Should -Be 22
        $null = Invoke-RbdTool feature enable "$at/cmp" layering; $rbdExit | Should -Be 22
        $null = Invoke-RbdTool feature disable "$at/cmp" exclusive-lock; $rbdExit | Should -Be 22
        $null = Invoke-RbdTool snap rename "$at/cmp@s1" "$at/cmp@s1"; $rbdExit | Should -Be 17
        (Get-RbdErrorRecord { Get-RbdImageMeta openstack/cmp nokey }).Exception.Errno | Should -Be 'ENOENT'
        (Get-RbdErrorRecord { Set-RbdImageMeta openstack/cmp conf_rbd_cache yes }).Exception.Errno | Should -Be 'EINVAL'
        (Get-RbdErrorRecord { Enable-RbdImageFeature openstack/cmp layering }).Exception.Errno | Should -Be 'EINVAL'
        (Get-RbdErrorRecord { Disable-RbdImageFeature openstack/cmp exclusive-lock }).Exception.Errno | Should -Be 'EINVAL'
        (Get-RbdErrorRecord { Rename-RbdSnapshot openstack/cmp@s1 s1 }).Exception.Errno | Should -Be 'EEXIST'
    }

    It 'rbd export --export-format 2 of an image with metadata is byte for byte Export-RbdImage -ExportFormat 2, and rbd import reads its keys' {
        Set-RbdImageMeta openstack/cmp owner team-a
        $ours = Join-Path $TestDrive 'ours.v2'; $theirs = Join-Path $TestDrive 'theirs.v2'
        Export-RbdImage openstack/cmp $ours -ExportFormat 2
        $null = Invoke-RbdTool export --export-format 2 --no-progress "$at/cmp" $theirs
        (Get-FileHash $ours).Hash | Should -Be (Get-FileHash $theirs).Hash
        $null = Invoke-RbdTool import --export-format 2 --no-progress $ours "$at/fromours"
        Get-RbdToolJson image-meta list "$at/fromours" | Should -Be (Get-RbdToolJson image-meta list "$at/cmp")
    }

    It 'rbd info shows the features after Disable-/Enable-RbdImageFeature' {
        Disable-RbdImageFeature openstack/cmp fast-diff
        ((Get-RbdToolJson info "$at/cmp") | ConvertFrom-Json).features -join ',' | Should -Be ((Get-RbdImage openstack/cmp).Features -join ',')
        $null = Invoke-RbdTool feature enable "$at/cmp" fast-diff
        (Get-RbdImage openstack/cmp).Features -join ',' | Should -Be 'layering,exclusive-lock,object-map,fast-diff,deep-flatten'
    }

    It 'rbd snap purge and Remove-RbdSnapshot -All leave the same snapshots' {
        foreach ($name in 'viarbd', 'viacmdlet') { New-SnappedImage $name -Snapshot s1, s2, s3 -Protected s2 }
        $null = Invoke-RbdTool snap purge "$at/viarbd" --no-progress
        $rbdExit | Should -Be 0
        Remove-RbdSnapshot openstack/viacmdlet -All -Confirm:$false -WarningAction SilentlyContinue
        Get-SnapshotNames openstack/viacmdlet | Should -Be (Get-SnapshotNames openstack/viarbd)
    }

    It 'rbd status and Get-RbdImageStatus show the same watcher while rbd bench holds the image open' {
        $bench = Start-Process -FilePath rbd -ArgumentList '--conf', $env:CEPH_CONF, 'bench', '--io-type', 'read', '--io-size', '4096',
            '--io-threads', '1', '--io-total', '100G', "$at/cmp" -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'bench.out') -RedirectStandardError (Join-Path $TestDrive 'bench.err')
        try {
            $deadline = (Get-Date).AddSeconds(30)
            do { Start-Sleep -Milliseconds 300; $theirs = (Get-RbdToolJson status "$at/cmp") | ConvertFrom-Json }
            until ($theirs.watchers.Count -gt 0 -or (Get-Date) -gt $deadline)
            $theirs.watchers.Count | Should -Be 1
            $mine = Get-RbdImageStatus openstack/cmp
            $mine.Watchers.Count | Should -Be 1
            $mine.Watchers[0].Address | Should -Be $theirs.watchers[0].address
            $mine.Watchers[0].Client | Should -Be $theirs.watchers[0].client
            $mine.Watchers[0].Cookie | Should -Be $theirs.watchers[0].cookie
        }
        finally { Stop-Process -Id $bench.Id -ErrorAction SilentlyContinue; $bench.WaitForExit() }
    }
}
