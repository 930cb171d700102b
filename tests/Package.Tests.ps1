# A real install (issue 8): the module package that build.ps1 Package (and Test) builds installs with
# Install-PSResource from a folder repository into a fresh module path, and a new pwsh (not the dev session)
# imports it by name and runs its cmdlets on a store, using the native SQLite library the package carries.
# No network: the repository is a local folder, registered in a throwaway PSResourceGet configuration.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $moduleDir = Split-Path $env:RBDPS_MODULE
    $script:packageDir = Join-Path (Split-Path $moduleDir) 'package'
    $script:package = Get-ChildItem $packageDir -Filter 'RbdPowerShell.*.nupkg' -ErrorAction Ignore | Select-Object -First 1
    if (-not $package) {
        # Under CI the package is build.ps1 Test's: a missing one is a failure, not something to make up here.
        if ($env:CI -eq 'true') { throw "No module package in ${packageDir}: build.ps1 Test (or Package) builds it." }
        $script:packageDir = Join-Path (New-RbdTestRoot) 'package'
        $null = New-Item -ItemType Directory $packageDir
        Compress-PSResource -Path $moduleDir -DestinationPath $packageDir
        $script:package = Get-ChildItem $packageDir -Filter 'RbdPowerShell.*.nupkg' | Select-Object -First 1
    }

    # Installs the package in a child pwsh whose home (PSResourceGet's repositories, the CurrentUser module path)
    # lies under $Root, imports the module by name and uses it; returns what the child saw.
    function Invoke-PackageInstall([string] $Root) {
        $repository = Join-Path $Root 'repository'
        $null = New-Item -ItemType Directory $repository -Force
        Copy-Item $package.FullName $repository
        $script = Join-Path $Root 'install.ps1'
        Set-Content $script @'
param([string] $Repository, [string] $Store)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name RbdLocal -Uri $Repository -Trusted
try { Install-PSResource -Name RbdPowerShell -Repository RbdLocal -Scope CurrentUser -Quiet }
finally { Unregister-PSResourceRepository -Name RbdLocal }
$available = @(Get-Module -ListAvailable RbdPowerShell)
Import-Module RbdPowerShell
$null = Connect-RbdCluster $Store
$null = New-RbdPool rbd
$null = New-RbdImage rbd/vm1 -Size 1G
$image = Get-RbdImage rbd/vm1
[pscustomobject]@{
    ModuleBase   = (Get-Module RbdPowerShell).ModuleBase
    Available    = @($available.ModuleBase)
    Version      = "$((Get-Module RbdPowerShell).Version)"
    Commands     = @(Get-Command -Module RbdPowerShell).Count
    Spec         = $image.Spec
    Size         = $image.Size
    Repositories = @(Get-PSResourceRepository | ForEach-Object Name)
} | ConvertTo-Json -Compress
'@
        $psi = Get-PwshStartInfo -File $script -Arguments @($repository, (Join-Path $Root 'store'))
        # PowerShell and PSResourceGet keep user data under $HOME/.local/share: a home of its own keeps the user's
        # repositories and modules out of it (and it out of them).
        $childHome = Join-Path $Root 'home'
        $data = Join-Path $childHome '.local/share'
        $psi.Environment["HOME"] = $childHome
        $null = $psi.Environment.Remove('XDG_DATA_HOME')
        $psi.Environment['PSModulePath'] = Join-Path $data 'powershell/Modules'
        $null = $psi.Environment.Remove('RBDPS_MODULE')
        $process = [Diagnostics.Process]::Start($psi)
        $out = $process.StandardOutput.ReadToEndAsync()
        $err = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(300000)) { $process.Kill(); $process.WaitForExit() }
        [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $out.Result; StdErr = $err.Result; Data = $data }
    }
}

AfterAll {
    Remove-RbdTestRoot
}

# Installing does not depend on the backend: it runs once, on the embedded run.
Describe 'The module package' -Tag EmbeddedOnly {
    It 'holds the manifest, the assemblies and the native SQLite library for linux-x64' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package.FullName)
        try { $entries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        foreach ($file in 'RbdPowerShell.psd1', 'RbdPowerShell.dll', 'RbdPowerShell.Engine.dll', 'Microsoft.Data.Sqlite.dll',
                 'SQLitePCLRaw.core.dll', 'SQLitePCLRaw.provider.e_sqlite3.dll', 'SQLitePCLRaw.batteries_v2.dll',
                 'RbdPowerShell.Format.ps1xml', 'en-US/RbdPowerShell.dll-Help.xml', 'runtimes/linux-x64/native/libe_sqlite3.so') {
            $entries | Should -Contain $file
        }
    }

    It 'has a manifest fit for the PowerShell Gallery: version, tags, URIs, release notes, Core, no wildcard exports' {
        $manifest = Import-PowerShellDataFile (Join-Path (Split-Path $env:RBDPS_MODULE) 'RbdPowerShell.psd1')
        $manifest.ModuleVersion | Should -Match '^\d+\.\d+\.\d+$'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Ceph'
        $manifest.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') {
            $manifest.ContainsKey($key) | Should -BeTrue -Because "$key must be listed (an absent key exports everything)"
            @($manifest[$key]) -join ',' | Should -Not -Match '\*' -Because "$key must not use wildcards"
        }
        $exported = @((Get-Module RbdPowerShell).ExportedCmdlets.Keys)
        @($manifest.CmdletsToExport) | Sort-Object | Should -Be ($exported | Sort-Object) -Because 'every cmdlet is listed'
    }

    It 'installs with Install-PSResource from a folder repository into a fresh module path and imports by name' {
        $root = New-RbdTestRoot
        $result = Invoke-PackageInstall -Root $root
        $result.ExitCode | Should -Be 0 -Because $result.StdErr
        $seen = $result.StdOut.Trim() -split "`n" | Select-Object -Last 1 | ConvertFrom-Json
        $installed = Join-Path $result.Data 'powershell/Modules/RbdPowerShell'
        $seen.ModuleBase | Should -BeLike "$installed*"
        $seen.Available | Should -HaveCount 1 -Because 'only the installed copy is on the fresh module path'
        $seen.Version | Should -Be "$((Import-PowerShellDataFile (Join-Path (Split-Path $env:RBDPS_MODULE) 'RbdPowerShell.psd1')).ModuleVersion)"
        $seen.Commands | Should -Be @((Get-Module RbdPowerShell).ExportedCmdlets.Keys).Count
        $seen.Spec | Should -Be 'rbd/vm1'
        $seen.Size | Should -Be 1GB
        $seen.Repositories | Should -Not -Contain 'RbdLocal' -Because 'the test repository is unregistered afterwards'
        Test-Path (Join-Path $seen.ModuleBase 'runtimes/linux-x64/native/libe_sqlite3.so') | Should -BeTrue
    }
}
