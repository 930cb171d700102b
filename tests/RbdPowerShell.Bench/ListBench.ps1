<#
.SYNOPSIS
    Get-RbdImage of a pool of 10,000 images on the embedded store, through the cmdlet: the objects alone
    (| Out-Null) and as the console table (| Out-String -Width 120). Prints seconds, the median of 3 runs.

.DESCRIPTION
    Started by `build.ps1 Bench` in a child pwsh. The images are created through the engine in one
    transaction (what is timed is the listing, not the setup); the store lives in a temporary folder.
#>
param([Parameter(Mandatory)] [string] $ModulePath, [int] $Images = 10000, [int] $Runs = 3)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
Import-Module $ModulePath

$work = Join-Path ([IO.Path]::GetTempPath()) ('rbdps-listbench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
try {
    $store = [RbdPowerShell.Engine.Embedded.EmbeddedCluster]::Open($work)
    try {
        $store.CreatePool('many')
        [RbdPowerShell.Engine.RbdClusterExtensions]::Grouped($store, [Action] {
            foreach ($i in 1..$Images) { $store.CreateImage('many', ('image-{0:D5}' -f $i), 1GB, [RbdPowerShell.Engine.ImageOptions]::Default) }
        })
    } finally { $store.Dispose() }

    Connect-RbdCluster $work | Out-Null
    function Measure-Median([scriptblock] $Work) {
        $times = foreach ($run in 1..$Runs) { (Measure-Command $Work).TotalSeconds }
        ($times | Sort-Object)[[int][math]::Floor($Runs / 2)]
    }
    $count = @(Get-RbdImage many).Count
    if ($count -ne $Images) { throw "Get-RbdImage listed $count images of $Images." }
    $objects = Measure-Median { Get-RbdImage many | Out-Null }
    $table = Measure-Median { Get-RbdImage many | Out-String -Width 120 | Out-Null }
    Write-Host ('Get-RbdImage many ({0} images, {1} cores): {2:0.000} s; as a console table (Out-String -Width 120) {3:0.000} s' -f
        $Images, [Environment]::ProcessorCount, $objects, $table)
    Disconnect-RbdCluster
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
