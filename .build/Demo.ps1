<#
.SYNOPSIS
    The seed's rbd tour (section 1.1), then its OpenStack questions (section 5, DemoOpenStack.ps1),
    with RbdPowerShell on a fresh embedded store, or, when CEPH_CONF names a ceph.conf, on that Ceph cluster
    seen through a new RBD namespace (removed at the end).

.DESCRIPTION
    Started by `build.ps1 Demo` in a child pwsh. Every step prints what it did; -Verbose makes
    each cmdlet print the rbd command line it stands for. The store and the exported file live
    in a temporary folder that is removed at the end. Any error stops the demo (exit code 1).
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
Import-Module $ModulePath

$work = Join-Path ([IO.Path]::GetTempPath()) ('rbdps-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
$store = Join-Path $work 'store'
$raw = Join-Path $work 'int32bit-1.raw'
$step = 0

function Step([string] $Title) {
    $script:step++
    Write-Host ''
    Write-Host "[$script:step] $Title" -ForegroundColor Cyan
}

function Format-Bytes([double] $Bytes) {
    $units = 'B', 'KiB', 'MiB', 'GiB', 'TiB'
    $u = 0
    while ($Bytes -ge 1024 -and $u -lt $units.Count - 1) { $Bytes /= 1024; $u++ }
    '{0:0.#} {1}' -f $Bytes, $units[$u]
}

try {
    New-Item -ItemType Directory -Path $work | Out-Null

    $onCeph = [bool]$env:CEPH_CONF
    if ($onCeph) {
        $namespace = 'rbdps-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Step "Connect to the Ceph cluster in $env:CEPH_CONF through librbd, seen through a new RBD namespace $namespace"
        function Use-MainCluster { Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $namespace }
    } else {
        Step "Connect to a new embedded store in $store (created on first use)"
        function Use-MainCluster { Connect-RbdCluster $store }
    }
    $main = Use-MainCluster
    $main | Out-Host

    Step 'Create the pool openstack'
    New-RbdPool openstack -Verbose | Out-Host

    Step 'Create openstack/int32bit-test-1, 1024M, thin: nothing is allocated yet'
    New-RbdImage openstack/int32bit-test-1 -Size 1024M -Verbose | Out-Host

    Step 'Write three 4 MiB blocks of random data, at 0, 256 MiB and 512 MiB'
    $block = [byte[]]::new(4MB)
    [Random]::new(1).NextBytes($block)
    foreach ($offset in 0, 256MB, 512MB) {
        Write-RbdImage openstack/int32bit-test-1 -Offset $offset -Data $block
        Write-Host "  wrote 4 MiB at offset $(Format-Bytes $offset)"
    }

    Step 'Snapshot it: int32bit-test-1@snap-1 (like git commit)'
    New-RbdSnapshot openstack/int32bit-test-1@snap-1 -Verbose | Out-Host

    Step 'List the pool with its snapshots (rbd ls -l)'
    Get-RbdImage openstack -IncludeSnapshot | Out-Host

    Step 'Protect the snapshot: a snapshot must be protected before it can be cloned'
    Protect-RbdSnapshot openstack/int32bit-test-1@snap-1 -PassThru -Verbose | Out-Host

    Step 'Clone it to int32bit-test-2 (copy-on-write, like git branch)'
    Copy-RbdClone openstack/int32bit-test-1@snap-1 openstack/int32bit-test-2 -Verbose | Out-Host

    Step 'Children of int32bit-test-1@snap-1'
    Get-RbdChild openstack/int32bit-test-1@snap-1 -Verbose | Out-Host

    Step 'Info of int32bit-test-2: its parent'
    $clone = Get-RbdImage openstack/int32bit-test-2 -Verbose
    Write-Host "  parent: $($clone.Parent)  overlap: $(Format-Bytes $clone.Overlap)"

    Step 'Flatten int32bit-test-2: copy what it still reads from its parent, then detach'
    Invoke-RbdFlatten openstack/int32bit-test-2 -Verbose
    Write-Host "  parent now: $(if ($p = (Get-RbdImage openstack/int32bit-test-2).Parent) { $p } else { '(none)' })"

    Step 'Children of int32bit-test-1@snap-1 after the flatten'
    $children = @(Get-RbdChild openstack/int32bit-test-1@snap-1)
    Write-Host "  $(if ($children) { $children.Spec -join ', ' } else { '(none: int32bit-test-2 is independent now)' })"

    Step 'Full copy to int32bit-test-3 (rbd cp: the head only, snapshots are not copied)'
    $copy = Copy-RbdImage openstack/int32bit-test-1 openstack/int32bit-test-3 -Verbose
    $copy | Out-Host
    Write-Host "  snapshots of the copy: $(@(Get-RbdSnapshot openstack/int32bit-test-3).Count)"

    Step "Export int32bit-test-1 to a raw file: $raw"
    Export-RbdImage openstack/int32bit-test-1 $raw -Verbose
    $file = Get-Item $raw
    $allocated = if ($IsLinux -or $IsMacOS) { ' (allocated on disk: ' + ((& du -h $raw) -split '\s+')[0] + ', the file is sparse)' } else { '' }
    Write-Host "  $($file.Name): $(Format-Bytes $file.Length)$allocated"

    Step 'Disk usage (rbd du): provisioned vs used, per snapshot and head'
    $usage = @(Get-RbdImageUsage openstack/int32bit-test-1 -Verbose)
    $usage | Out-Host
    Write-Host "  total used: $(Format-Bytes ($usage | Measure-Object Used -Sum).Sum) of $(Format-Bytes $usage[-1].Provisioned) provisioned"

    Step 'Remove int32bit-test-1: unprotect and remove its snapshot first'
    Unprotect-RbdSnapshot openstack/int32bit-test-1@snap-1 -Verbose
    Remove-RbdSnapshot openstack/int32bit-test-1@snap-1 -Confirm:$false -Verbose
    Remove-RbdImage openstack/int32bit-test-1 -Confirm:$false -Verbose
    Get-RbdImage openstack | Out-Host

    if (-not $onCeph) {
        Step 'Check the store'
        $findings = @(Test-RbdStore)
        Write-Host "  $(if ($findings) { "$($findings.Count) problems:" } else { 'consistent: no findings' })"
        $findings | Out-Host
    }

    # The seed's seven OpenStack questions, on the same store.
    . (Join-Path $PSScriptRoot 'DemoOpenStack.ps1')

    Write-Host ''
    Write-Host 'Demo finished.' -ForegroundColor Green
} catch {
    Write-Host "Demo failed at step ${step}: $($_.Exception.Message)" -ForegroundColor Red
    Write-Host $_.InvocationInfo.PositionMessage
    exit 1
} finally {
    if ($onCeph -and $main) {
        # The namespace goes with its images: clones first (a pool whose images are cloned elsewhere waits a round).
        foreach ($round in 1, 2) { Get-RbdPool -Cluster $main | Remove-RbdPool -Cluster $main -Force -Confirm:$false -ErrorAction SilentlyContinue }
    }
    Get-RbdCluster -All | Disconnect-RbdCluster -Confirm:$false
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
