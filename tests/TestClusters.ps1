# The clusters the Pester scenarios run on, dot-sourced by TestHelpers.ps1. One suite, two backends:
#   $env:RBDPS_BACKEND = 'Embedded' (default): every New-RbdTestStore is a new store in a temporary folder.
#   $env:RBDPS_BACKEND = 'Ceph': every New-RbdTestStore is a new RBD namespace of the cluster $env:CEPH_CONF
#   names, so tests and runs never see each other's images; its pools are rbd pools that already exist.
# Remove-RbdTestRoot (each file's AfterAll) removes what New-RbdTestRoot and New-RbdTestStore made.
# Tags: -Tag EmbeddedOnly / CephOnly mark tests that only mean something on one backend (say why in the test).

$RbdTestBackend = if ($env:RBDPS_BACKEND) { $env:RBDPS_BACKEND } else { 'Embedded' }
if ($RbdTestBackend -notin 'Embedded', 'Ceph') { throw "RBDPS_BACKEND is '$RbdTestBackend': use Embedded or Ceph." }

# An image id as Get-RbdImage shows it: the embedded store makes 12 hex digits; librbd's ids are hex of
# varying length (the client's global id and a random part).
$RbdTestImageId = if ($RbdTestBackend -eq 'Embedded') { '^[0-9a-f]{12}$' } else { '^[0-9a-f]+$' }

# The only pool names the scenarios may use on Ceph: a single OSD allows few pools and creating one takes
# seconds, so they are made once per cluster (8 placement groups) and each test gets a namespace in them.
$RbdCephTestPools = 'openstack', 'cinder_backup', 'p', 'rbd', 'other'

# Folders and namespaces to remove at the end of the file. Stores live in their own temporary folders, not in
# $TestDrive: Pester deletes whatever a Context adds to $TestDrive when the Context ends, which would pull data
# files out from under a store created by an outer block.
$RbdTestRoots = [System.Collections.Generic.List[string]]::new()
$RbdTestNamespaces = [System.Collections.Generic.List[string]]::new()

function New-RbdTestRoot {
    <# A new, empty temporary folder, removed by Remove-RbdTestRoot. #>
    $path = Join-Path ([IO.Path]::GetTempPath()) ('rbdps-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $path -Force
    $RbdTestRoots.Add($path)
    $path
}

function New-RbdTestStore {
    <#
    Connects the session to a fresh, empty cluster and returns the RbdCluster. Embedded: a new store directory
    -Name under -Root (by default a new temporary folder); its Location is that directory. Ceph: a new namespace
    (pester-<Name>-<random>) of $env:CEPH_CONF's cluster; -Root is not used. -Pool creates pools right away.
    #>
    param([string]$Name = 'store',
        [string]$Root,
        [string[]]$Pool = @())
    if ($RbdTestBackend -eq 'Ceph') {
        Initialize-RbdCephTestPool -Pool $Pool
        $ns = "pester-$Name-" + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $RbdTestNamespaces.Add($ns)
        $cluster = Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $ns -ErrorAction Stop
    }
    else {
        if (-not $Root) { $Root = New-RbdTestRoot }
        $cluster = Connect-RbdCluster -Path (Join-Path $Root $Name) -ErrorAction Stop
    }
    foreach ($p in $Pool) { $null = New-RbdPool -Name $p -ErrorAction Stop }
    $cluster
}

function Get-RbdTestConnectCommand {
    <# The Connect-RbdCluster command line that opens -Cluster again (for child processes and other runspaces). #>
    param([Parameter(Mandatory)][object]$Cluster)
    $q = { "'" + ($args[0] -replace "'", "''") + "'" }
    if ($Cluster.Backend -eq 'Ceph') {
        "Connect-RbdCluster -ConfigFile $(& $q $Cluster.Location) -Id $(& $q $Cluster.ClientId) -Namespace $(& $q $Cluster.Namespace)"
    }
    else { "Connect-RbdCluster -Path $(& $q $Cluster.Location)" }
}

function Connect-RbdTestCluster {
    <# Makes -Cluster the session default again (Connect-RbdCluster returns the open cluster); returns it. #>
    param([Parameter(Mandatory)][object]$Cluster)
    & ([scriptblock]::Create((Get-RbdTestConnectCommand $Cluster)))
}

function Get-RbdTestClusterName {
    <# What tells two test clusters apart: the store directory, or on Ceph the conf and the namespace. #>
    param([Parameter(Mandatory)][object]$Cluster)
    if ($Cluster.Namespace) { "$($Cluster.Location)#$($Cluster.Namespace)" } else { $Cluster.Location }
}

function Assert-RbdStoreHealthy {
    <#
    Embedded: Test-RbdStore finds nothing wrong. Ceph: nothing to check here (Test-RbdStore is the embedded
    store's fsck; a Ceph cluster checks itself with scrub).
    #>
    if ($RbdTestBackend -eq 'Embedded') { @(Test-RbdStore) | Should -HaveCount 0 -Because 'Test-RbdStore finds nothing wrong' }
}

function Initialize-RbdCephTestPool {
    <#
    Makes sure the Ceph cluster has every pool of $RbdCephTestPools (ceph osd pool create <name> 8 + rbd pool init),
    once per process; refuses a -Pool that is not in that list.
    #>
    param([string[]]$Pool = @())
    foreach ($p in $Pool) {
        if ($p -notin $RbdCephTestPools) { throw "Pool '$p' is not one of the Ceph test pools ($($RbdCephTestPools -join ', ')): add it to `$RbdCephTestPools in TestClusters.ps1." }
    }
    if ($global:RbdCephTestPoolsReady -eq $env:CEPH_CONF) { return }
    if (-not $env:CEPH_CONF -or -not (Test-Path -LiteralPath $env:CEPH_CONF)) {
        throw "RBDPS_BACKEND is Ceph but CEPH_CONF ('$env:CEPH_CONF') names no ceph.conf (start a cluster with shared/ceph/start-cluster.sh)."
    }
    $existing = @(& ceph --conf $env:CEPH_CONF osd pool ls 2>$null)
    if ($LASTEXITCODE -ne 0) { throw "ceph osd pool ls failed on the cluster of $env:CEPH_CONF (exit $LASTEXITCODE)." }
    foreach ($p in $RbdCephTestPools | Where-Object { $_ -notin $existing }) {
        $null = & ceph --conf $env:CEPH_CONF osd pool create $p 8 2>&1
        $null = & rbd --conf $env:CEPH_CONF pool init $p 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Could not create the Ceph test pool '$p' (exit $LASTEXITCODE)." }
    }
    $global:RbdCephTestPoolsReady = $env:CEPH_CONF
}

function Remove-RbdTestNamespace {
    <#
    Removes the namespace -Namespace made by New-RbdTestStore: in each pool of the view, every image (clones
    before their parents: Remove-RbdPool -Force) and then the namespace. A pool whose images are parents of
    clones in another pool is tried again after the others. Never touches the default namespace.
    #>
    param([Parameter(Mandatory)][string]$Namespace)
    if ($Namespace -notlike 'pester-*') { throw "Refusing to remove '$Namespace': not a test namespace." }
    $cluster = Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $Namespace -ErrorAction Stop
    try {
        if ($cluster.Namespace -ne $Namespace) { throw "Connected to namespace '$($cluster.Namespace)', not '$Namespace'." }
        $left = @(Get-RbdPool -Cluster $cluster -ErrorAction Stop).Name
        for ($round = 0; $left -and $round -lt 3; $round++) {
            $left = @(foreach ($p in $left) {
                    try { Remove-RbdPool -Name $p -Force -Confirm:$false -Cluster $cluster -ErrorAction Stop }
                    catch { if ($round -eq 2) { Write-Warning "namespace ${Namespace}: $_" }; $p }
                })
        }
        if ($left) { throw "Namespace '$Namespace' could not be removed from pool(s) $($left -join ', ')." }
    }
    finally { Disconnect-RbdCluster -Cluster $cluster -Confirm:$false }
}

function Remove-RbdTestRoot {
    <# Removes every namespace New-RbdTestStore made (Ceph) and every folder New-RbdTestRoot made in this test file. #>
    $failed = @(foreach ($ns in $RbdTestNamespaces) {
            try { Remove-RbdTestNamespace -Namespace $ns } catch { "${ns}: $_" }
        })
    $RbdTestNamespaces.Clear()
    foreach ($p in $RbdTestRoots) { Remove-Item -LiteralPath $p -Recurse -Force -ErrorAction SilentlyContinue }
    $RbdTestRoots.Clear()
    if ($failed) { throw "Test namespaces left on the cluster: $($failed -join '; ')" }
}
