<#
.SYNOPSIS
    Runs the Pester scenarios on one backend in a fresh pwsh (started by build.ps1 Test, once per backend).

.DESCRIPTION
    Imports the given Pester, runs every *.Tests.ps1 under -Path with $env:RBDPS_BACKEND = -Backend, writes
    NUnit results (pester-<Backend>.xml) and a summary (pester-summary-<Backend>.json: { Backend, Passed,
    Failed, Seconds }) to -ResultDirectory. The tests import the built module from $env:RBDPS_MODULE.
    Failed counts failed tests plus blocks and files that failed outside a test (a BeforeAll or a parse
    error), so those cannot pass silently.

    Embedded: a temporary store directory per test cluster. Ceph: a namespace per test cluster of the
    cluster $env:CEPH_CONF names; a missing CEPH_CONF is one failure, not a skip.
    Tests tagged for the other backend are left out, and so are the areas in $NotYetOnCeph below.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultDirectory,
    [ValidateSet('Embedded', 'Ceph')] [string] $Backend = 'Embedded'
)

# Tags of areas that do not run on Ceph yet (none today); add one here only with the reason beside it.
$NotYetOnCeph = @()

$ErrorActionPreference = 'Stop'
$summaryFile = Join-Path $ResultDirectory "pester-summary-$Backend.json"
function Write-Summary([int] $Passed, [int] $Failed, [double] $Seconds) {
    [ordered]@{ Backend = $Backend; Passed = $Passed; Failed = $Failed; Seconds = [Math]::Round($Seconds) } |
        ConvertTo-Json | Set-Content $summaryFile
}

$env:RBDPS_BACKEND = $Backend
if ($Backend -eq 'Ceph' -and -not ($env:CEPH_CONF -and (Test-Path -LiteralPath $env:CEPH_CONF))) {
    Write-Host "Pester on Ceph needs a cluster: CEPH_CONF ('$env:CEPH_CONF') names no ceph.conf (start one with shared/ceph/start-cluster.sh). Counted as one failure." -ForegroundColor Red
    Write-Summary 0 1 0
    exit 1
}

Import-Module $PesterManifest -Force
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Filter.ExcludeTag = if ($Backend -eq 'Ceph') { @('EmbeddedOnly') + $NotYetOnCeph } else { @('CephOnly') }
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultDirectory "pester-$Backend.xml"

Write-Host "Pester on the $Backend backend$(if ($Backend -eq 'Ceph') { " ($env:CEPH_CONF)" }), leaving out tags: $($config.Filter.ExcludeTag.Value -join ', ')"
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Summary $result.PassedCount $failed $result.Duration.TotalSeconds
exit ([Math]::Min($failed, 1))
