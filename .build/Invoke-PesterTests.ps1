<#
.SYNOPSIS
    Runs the Pester scenarios in a fresh pwsh (started by build.ps1 Test).

.DESCRIPTION
    Imports the given Pester, runs every *.Tests.ps1 under -Path, writes NUnit results and a
    pester-summary.json ({ Passed, Failed }) to -ResultDirectory. The tests import the built
    module from $env:RBDPS_MODULE. Failed counts failed tests plus blocks and files that failed
    outside a test (a BeforeAll or a parse error), so those cannot pass silently.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultDirectory
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -Force
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultDirectory 'pester.xml'

$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[ordered]@{ Passed = $result.PassedCount; Failed = $failed } | ConvertTo-Json |
    Set-Content (Join-Path $ResultDirectory 'pester-summary.json')
exit ([Math]::Min($failed, 1))
