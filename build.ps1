#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks RbdPowerShell.

.DESCRIPTION
    Build  restore, compile and lay out the importable module in out/RbdPowerShell (with help).
    Test   Build, then the xunit engine tests and the Pester scenarios (tests/*.Tests.ps1), once on the
           embedded store and once on the Ceph cluster CEPH_CONF names (required when CI=true).
    Demo   Build, then the seed's rbd tour on a fresh embedded store in a temporary folder.
    Bench  Build, then the engine benchmarks (ratios against cp --sparse=always; scale figures in seconds) and
           the Get-RbdImage listing through the cmdlet.
    Shell  Build, then an interactive pwsh with the module imported.
    Package  Build, then the module package out/package/RbdPowerShell.<version>.nupkg that Install-PSResource
           installs from a folder repository (see README). Test builds it too (tests/Package.Tests.ps1 installs it).

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Shell', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/RbdPowerShell'
$manifest = Join-Path $moduleDir 'RbdPowerShell.psd1'
$resultsDir = Join-Path $root 'out/TestResults'
$packageDir = Join-Path $root 'out/package'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Write-Step([string] $Text) { Write-Host "==> $Text" -ForegroundColor Cyan }

# Runs a native command, streaming its output to the host; throws when it exits non-zero.
function Invoke-Native([string] $What, [scriptblock] $Command) {
    & $Command | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

# Child pwsh processes keep the built assembly out of this session (a loaded dll cannot be
# unloaded). They share this console, so Shell is interactive. Under `dotnet pwsh` this
# process is dotnet itself, so run pwsh.dll through it.
# -WithoutWhatIfLines: the "What if:" messages of -WhatIf calls go to the host, not to a stream, so no redirection in
# a test can keep them out of the log (tests that check them read them back from a transcript); they are left out of
# the child's output here and counted instead.
function Invoke-ChildPwsh([string[]] $Arguments, [switch] $WithoutWhatIfLines) {
    $exe = [Environment]::ProcessPath
    $start = [Diagnostics.ProcessStartInfo]::new($exe)
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in @('-NoLogo', '-NoProfile') + $Arguments) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = [bool] $WithoutWhatIfLines
    $process = [Diagnostics.Process]::Start($start)
    if ($WithoutWhatIfLines) {
        $hidden = 0
        while ($null -ne ($line = $process.StandardOutput.ReadLine())) {
            if ($line.StartsWith('What if: ')) { $hidden++ } else { [Console]::Out.WriteLine($line) }
        }
        if ($hidden) { Write-Host "($hidden 'What if:' messages of the -WhatIf tests left out of this log)" }
    }
    $process.WaitForExit()
    $process.ExitCode
}

function Invoke-Build {
    $project = Join-Path $root 'src/RbdPowerShell/RbdPowerShell.csproj'
    if (-not (Test-Path $project)) { throw "The cmdlet project $project does not exist." }

    Write-Step "Publishing the module to $moduleDir"
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    # Publish (not build) so dependencies and runtimes/<rid>/native/libe_sqlite3.so are copied.
    Invoke-Native 'dotnet publish' { dotnet publish $project -c $Configuration -o $moduleDir --nologo }
    # PowerShellStandard.Library is compile-time only; pwsh brings the real assembly.
    Remove-Item (Join-Path $moduleDir 'System.Management.Automation.dll') -ErrorAction Ignore

    Copy-Item (Join-Path $root 'RbdPowerShell.psd1') $moduleDir
    $format = Join-Path $root 'src/RbdPowerShell/RbdPowerShell.Format.ps1xml'
    if (Test-Path $format) {
        Copy-Item $format $moduleDir
    } else {
        Write-Warning "No $format yet: writing an empty one so the manifest imports."
        Set-Content (Join-Path $moduleDir 'RbdPowerShell.Format.ps1xml') '<Configuration><ViewDefinitions /></Configuration>'
    }
    Get-ChildItem (Join-Path $root 'src/RbdPowerShell') -Filter '*.Types.ps1xml' -File | Copy-Item -Destination $moduleDir

    $helpSource = Join-Path $root 'en-US'
    $helpTarget = Join-Path $moduleDir 'en-US'
    if (-not (Get-ChildItem $helpSource -Filter *.md -ErrorAction Ignore)) {
        Write-Warning "No help markdown in $helpSource."
    } elseif (Get-Module -ListAvailable platyPS) {
        Write-Step 'Building help with PlatyPS'
        Import-Module platyPS
        New-ExternalHelp -Path $helpSource -OutputPath $helpTarget -Force | Out-Null
    } else {
        Write-Step 'Building help (PlatyPS is not installed: .build/ConvertTo-Maml.ps1)'
        & (Join-Path $root '.build/ConvertTo-Maml.ps1') -Path $helpSource -OutputPath $helpTarget | Out-Null
    }
    Write-Host "Module: $manifest"
}

# Packs the built module (out/RbdPowerShell, with its managed and native dependencies) into a .nupkg that
# Install-PSResource installs from a folder repository; PSResourceGet ships with PowerShell 7.4 and later.
function New-ModulePackage {
    Write-Step "Packing the module into $packageDir"
    if (Test-Path $packageDir) { Remove-Item $packageDir -Recurse -Force }
    New-Item -ItemType Directory $packageDir | Out-Null
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    Compress-PSResource -Path $moduleDir -DestinationPath $packageDir
    $package = Get-ChildItem $packageDir -Filter 'RbdPowerShell.*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "Compress-PSResource left no RbdPowerShell package in $packageDir." }
    Write-Host "Package: $($package.FullName)"
}

# Returns @{ Passed; Failed } from a trx logger file; a run that broke before reporting counts as one failure.
function Invoke-Xunit {
    $project = Join-Path $root 'tests/RbdPowerShell.Engine.Tests/RbdPowerShell.Engine.Tests.csproj'
    if (-not (Test-Path $project)) {
        Write-Warning "No xunit project at $project."
        return @{ Passed = 0; Failed = 0 }
    }
    Write-Step 'xunit: engine tests'
    dotnet test $project -c $Configuration --nologo --logger 'trx;LogFileName=xunit.trx' --results-directory $resultsDir | Out-Host
    $exitCode = $LASTEXITCODE
    $passed = 0; $failed = 0
    $trx = Join-Path $resultsDir 'xunit.trx'
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
        $passed = [int]$counters.passed
        $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    if ($exitCode -ne 0 -and $failed -eq 0) {
        Write-Host "dotnet test exited with code $exitCode without reporting a failed test (build error or crashed test host); counted as one failure." -ForegroundColor Red
        $failed = 1
    }
    @{ Passed = $passed; Failed = $failed }
}

# Pester 5.7.1 comes from NuGet (.config/tools/Tools.csproj); the assets file names the packages folder.
function Get-PesterManifest {
    $tools = Join-Path $root '.config/tools/Tools.csproj'
    Invoke-Native 'restoring Pester' { dotnet restore $tools --nologo --verbosity quiet }
    $assets = Get-Content (Join-Path $root '.config/tools/obj/project.assets.json') -Raw | ConvertFrom-Json
    foreach ($folder in $assets.packageFolders.PSObject.Properties.Name) {
        $candidate = Join-Path $folder 'pester/5.7.1/tools/Pester.psd1'
        if (Test-Path $candidate) { return $candidate }
    }
    throw 'Pester 5.7.1 was restored but Pester.psd1 was not found in the NuGet packages folders.'
}

# The backends the Pester suite runs on: Embedded always; Ceph when CEPH_CONF names a cluster, and under CI
# (CI=true) always, so that a missing cluster fails the run instead of skipping it.
function Get-PesterBackends {
    if ($env:CEPH_CONF -or $env:CI -eq 'true') { @('Embedded', 'Ceph') } else { @('Embedded') }
}

# Runs the suite once on -Backend in a child pwsh; returns its summary (Passed, Failed, Seconds).
function Invoke-PesterTests([string] $Backend) {
    $scripts = @(Get-ChildItem (Join-Path $root 'tests') -Filter '*.Tests.ps1' -File -ErrorAction Ignore)
    if (-not $scripts) {
        Write-Warning 'No tests/*.Tests.ps1 files.'
        return [pscustomobject]@{ Passed = 0; Failed = 0; Seconds = 0 }
    }
    Write-Step "Pester on $($Backend): $($scripts.Count) test files"
    $summary = Join-Path $resultsDir "pester-summary-$Backend.json"
    $env:RBDPS_MODULE = $manifest
    $exitCode = Invoke-ChildPwsh @('-NonInteractive', '-File', (Join-Path $root '.build/Invoke-PesterTests.ps1'),
        '-PesterManifest', (Get-PesterManifest), '-Path', (Join-Path $root 'tests'),
        '-ResultDirectory', $resultsDir, '-Backend', $Backend) -WithoutWhatIfLines
    if (-not (Test-Path $summary)) {
        Write-Host "The Pester run on $Backend exited with code $exitCode before writing its summary; counted as one failure." -ForegroundColor Red
        return [pscustomobject]@{ Passed = 0; Failed = 1; Seconds = 0 }
    }
    $counts = Get-Content $summary -Raw | ConvertFrom-Json
    [pscustomobject]@{ Passed = [int]$counts.Passed; Failed = [int]$counts.Failed; Seconds = [int]$counts.Seconds }
}

function Invoke-Test {
    Invoke-Build
    New-ModulePackage
    if (Test-Path $resultsDir) { Remove-Item $resultsDir -Recurse -Force }
    New-Item -ItemType Directory $resultsDir | Out-Null
    $xunit = Invoke-Xunit
    $backends = Get-PesterBackends
    $pester = [ordered]@{}
    foreach ($backend in $backends) { $pester[$backend] = Invoke-PesterTests $backend }
    $passed = [int]($pester.Values | Measure-Object -Property Passed -Sum).Sum
    $failed = [int]($pester.Values | Measure-Object -Property Failed -Sum).Sum
    Write-Host ''
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed"
    foreach ($backend in $pester.Keys) {
        $r = $pester[$backend]
        Write-Host "Pester ($backend): $($r.Passed) passed, $($r.Failed) failed in $($r.Seconds) s"
    }
    if ('Ceph' -notin $backends) { Write-Host 'Pester (Ceph): skipped, CEPH_CONF is not set (shared/ceph/start-cluster.sh starts a cluster)' }
    Write-Host "Pester: $passed passed, $failed failed"
    if ($xunit.Failed -or $failed) { return 1 }
    0
}

try {
    $exitCode = switch ($Task) {
        'Build' { Invoke-Build; 0 }
        'Test' { Invoke-Test }
        'Demo' {
            Invoke-Build
            Write-Step 'Demo: the seed''s rbd tour on a fresh embedded store'
            Invoke-ChildPwsh @('-NonInteractive', '-File', (Join-Path $root '.build/Demo.ps1'), '-ModulePath', $manifest)
        }
        'Bench' {
            Invoke-Build
            Write-Step 'Benchmarks (Release)'
            Invoke-Native 'the benchmark' { dotnet run -c Release --project (Join-Path $root 'tests/RbdPowerShell.Bench') }
            Write-Step 'Benchmark: Get-RbdImage of a pool of 10,000 images through the cmdlet'
            Invoke-ChildPwsh @('-NonInteractive', '-File', (Join-Path $root 'tests/RbdPowerShell.Bench/ListBench.ps1'), '-ModulePath', $manifest)
        }
        'Package' { Invoke-Build; New-ModulePackage; 0 }
        'Shell' {
            Invoke-Build
            $quoted = $manifest -replace "'", "''"
            Invoke-ChildPwsh @('-NoExit', '-Command',
                "Import-Module '$quoted'; Write-Host 'RbdPowerShell imported. Try: Connect-RbdCluster ~/rbd-store; Get-Command -Module RbdPowerShell'")
        }
    }
    exit $exitCode
} catch {
    Write-Host "build.ps1 ${Task}: $($_.Exception.Message)" -ForegroundColor Red
    # Our own throws say enough; anything else gets its position.
    if (-not $_.Exception.WasThrownFromThrowStatement) { Write-Host $_.InvocationInfo.PositionMessage }
    exit 1
}
