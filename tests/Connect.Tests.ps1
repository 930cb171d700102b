# Connecting and disconnecting (SPEC 3.1): Connect-RbdCluster's two parameter sets, its refusal of a folder that
# is not a store, Disconnect-RbdCluster and what a disconnected RbdCluster does, Get-RbdCluster's list.
# Connecting to a real Ceph cluster is tested where one runs; here only what needs no librbd.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function New-ForeignFolder {
        <# A folder with files but no store in it, like /etc/ceph. #>
        $dir = Join-Path (New-RbdTestRoot) 'etc-ceph'
        $null = New-Item -ItemType Directory -Path (Join-Path $dir 'sub') -Force
        Set-Content -LiteralPath (Join-Path $dir 'ceph.conf') -Value "[global]`nmon_host = 192.0.2.1"
        $dir
    }
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'Connect-RbdCluster -Path' {
    It 'refuses a folder holding other files but no store (NotAStore) and writes nothing into it' {
        $current = New-RbdTestStore
        $dir = New-ForeignFolder
        $before = Get-FileListing -Path $dir
        $e = Assert-RbdError { Connect-RbdCluster -Path $dir } -ErrorId NotAStore -Category InvalidArgument -Target $dir
        $e.Exception.Message | Should -BeLike '*-Force*'
        $e.Exception.Message | Should -BeLike "*-ConfigFile*ceph.conf*" -Because 'a folder with a ceph.conf hints at -ConfigFile'
        Get-FileListing -Path $dir | Should -Be $before -Because 'a refused connect creates no file'
        (Get-RbdCluster).Location | Should -Be $current.Location -Because 'the session default stays'
        @(Get-RbdCluster -All).Location | Should -Not -Contain $dir
    }

    It 'a relative path is refused the same way' {
        $dir = New-ForeignFolder
        Push-Location (Split-Path $dir)
        try { Assert-RbdError { Connect-RbdCluster etc-ceph } -ErrorId NotAStore -Target $dir | Out-Null }
        finally { Pop-Location }
    }

    It '-Force creates the store among the folder''s files, which stay; later connects need no -Force' {
        $dir = New-ForeignFolder
        $cluster = Connect-RbdCluster -Path $dir -Force
        $cluster.Location | Should -Be $dir
        Test-Path -LiteralPath (Join-Path $dir 'ceph.conf') | Should -BeTrue
        $null = New-RbdPool forced
        Disconnect-RbdCluster $cluster
        (Connect-RbdCluster -Path $dir).Fsid | Should -Be $cluster.Fsid
        @(Get-RbdPool).Name | Should -Be @('forced')
    }

    It 'an empty folder and a missing one become stores' {
        $empty = New-RbdTestRoot
        (Connect-RbdCluster -Path $empty).Backend | Should -Be 'Embedded'
        $missing = Join-Path (New-RbdTestRoot) 'a/b'
        (Connect-RbdCluster -Path $missing).Location | Should -Be $missing
        Test-Path -LiteralPath $missing -PathType Container | Should -BeTrue
    }

    It 'connecting twice to one store returns the open cluster' {
        $first = New-RbdTestStore
        $second = Connect-RbdCluster -Path ($first.Location + [IO.Path]::DirectorySeparatorChar)
        [object]::ReferenceEquals($first, $second) | Should -BeTrue
    }
}

Describe 'Connect-RbdCluster -ConfigFile' {
    It 'is a parameter set of its own' {
        $syntax = Get-Command Connect-RbdCluster -Syntax | Out-String
        $syntax | Should -Match 'Connect-RbdCluster \[-Path\] <string> \[-Force\]'
        $syntax | Should -Match 'Connect-RbdCluster -ConfigFile <string> \[-Id <string>\] \[-Keyring <string>\] \[-Namespace <string>\] \[-TimeoutSec <int>\]'
        $ceph = (Get-Command Connect-RbdCluster).ParameterSets | Where-Object Name -EQ 'Ceph'
        ($ceph.Parameters | Where-Object Name -EQ 'ConfigFile').IsMandatory | Should -BeTrue
        (Get-Command Connect-RbdCluster).DefaultParameterSet | Should -Be 'Path'
    }

    It '-Path and -ConfigFile together are refused by parameter binding' {
        $e = Get-RbdErrorRecord { Connect-RbdCluster -Path (New-RbdTestRoot) -ConfigFile ./ceph.conf }
        $e.FullyQualifiedErrorId | Should -BeLike 'AmbiguousParameterSet*'
    }

    It 'a missing configuration file: CephConfigUnreadable (ObjectNotFound), resolved against the location' {
        $current = New-RbdTestStore
        $root = New-RbdTestRoot
        Push-Location $root
        try {
            Assert-RbdError { Connect-RbdCluster -ConfigFile missing.conf -Id cinder -Namespace ns } -ErrorId CephConfigUnreadable `
                -Category ObjectNotFound -Target (Join-Path $root 'missing.conf') -MessageLike '*missing.conf*' | Out-Null
        }
        finally { Pop-Location }
        (Get-RbdCluster).Location | Should -Be $current.Location -Because 'the session default stays'
        @(Get-RbdCluster -All).Backend | Should -Not -Contain 'Ceph'
    }

    It 'a missing keyring: CephKeyringUnreadable (ObjectNotFound), before librbd is asked' {
        $conf = Join-Path (New-ForeignFolder) 'ceph.conf'
        $keyring = Join-Path (Split-Path $conf) 'ceph.client.admin.keyring'
        Assert-RbdError { Connect-RbdCluster -ConfigFile $conf -Keyring $keyring } -ErrorId CephKeyringUnreadable `
            -Category ObjectNotFound -Target $keyring | Out-Null
    }

    It '-TimeoutSec must be positive' {
        $e = Get-RbdErrorRecord { Connect-RbdCluster -ConfigFile ./ceph.conf -TimeoutSec 0 }
        $e.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
    }
}

Describe 'Disconnect-RbdCluster' {
    BeforeEach {
        $other = New-RbdTestStore -Pool other
        $null = New-RbdImage other/img -Size 4M
        $cluster = New-RbdTestStore -Pool openstack
        $image = New-RbdImage openstack/img -Size 4M
        $null = Get-OpenStackRbdConfig   # opens the store's OpenStack database
    }

    It 'closes the current cluster: no current cluster, not in -All, IsConnected false' {
        Disconnect-RbdCluster
        Get-RbdCluster | Should -BeNullOrEmpty
        @(Get-RbdCluster -All).Location | Should -Not -Contain $cluster.Location
        @(Get-RbdCluster -All).Location | Should -Contain $other.Location
        $cluster.IsConnected | Should -BeFalse
        Assert-RbdError { Get-RbdPool } -ErrorId NoCluster | Out-Null
    }

    It 'using it afterwards: ClusterDisconnected (ConnectionError), from -Cluster, a piped object or OpenStack' {
        Disconnect-RbdCluster -Cluster $cluster
        Assert-RbdError { Get-RbdPool -Cluster $cluster } -ErrorId ClusterDisconnected -Category ConnectionError `
            -Target $cluster.Location -MessageLike '*Connect-RbdCluster*' | Out-Null
        Assert-RbdError { $image | Get-RbdSnapshot } -ErrorId ClusterDisconnected | Out-Null
        Assert-RbdError { Get-OpenStackRbdConfig -Cluster $cluster } -ErrorId ClusterDisconnected | Out-Null
        Assert-RbdError { Copy-RbdImage other/img openstack/copy -Cluster $other -DestinationCluster $cluster } `
            -ErrorId ClusterDisconnected | Out-Null
    }

    It 'a non-current cluster: the current one stays' {
        Disconnect-RbdCluster $other
        (Get-RbdCluster).Location | Should -Be $cluster.Location
        $other.IsConnected | Should -BeFalse
    }

    It '-WhatIf closes nothing' {
        Disconnect-RbdCluster -WhatIf
        $cluster.IsConnected | Should -BeTrue
        (Get-RbdCluster).Location | Should -Be $cluster.Location
    }

    It 'disconnecting twice does nothing the second time' {
        Disconnect-RbdCluster $cluster
        { Disconnect-RbdCluster $cluster } | Should -Not -Throw
    }

    It 'connecting again opens a new, working cluster on the same store' {
        Set-OpenStackRbdConfig -RbdMaxCloneDepth 7 | Out-Null
        Disconnect-RbdCluster $cluster
        $again = Connect-RbdCluster -Path $cluster.Location
        [object]::ReferenceEquals($again, $cluster) | Should -BeFalse
        $again.Fsid | Should -Be $cluster.Fsid
        (Get-RbdImage openstack/img).Size | Should -Be (4 * 1MB)
        (Get-OpenStackRbdConfig).RbdMaxCloneDepth | Should -Be 7
    }
}

Describe 'Get-RbdCluster' {
    It 'returns the current cluster, and with -All every open one' {
        $a = New-RbdTestStore
        $b = New-RbdTestStore
        (Get-RbdCluster).Location | Should -Be $b.Location
        $all = @(Get-RbdCluster -All).Location
        $all | Should -Contain $a.Location
        $all | Should -Contain $b.Location
    }

    It 'its view shows Backend, Fsid, Location and Namespace' {
        $c = New-RbdTestStore
        $header = (Get-RbdCluster | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_ -match '\S' } | Select-Object -First 1
        $header | Should -Match '^Backend\s+Fsid\s+Location\s+Namespace\s*$'
        Get-RbdCluster | Out-String -Width 200 | Should -Match ([regex]::Escape("Embedded $($c.Fsid) $($c.Location)"))
    }

    It 'Get-RbdCluster -All | Disconnect-RbdCluster closes them all' {
        $null = New-RbdTestStore
        $null = New-RbdTestStore
        $open = @(Get-RbdCluster -All)
        Get-RbdCluster -All | Disconnect-RbdCluster
        @(Get-RbdCluster -All) | Should -HaveCount 0
        Get-RbdCluster | Should -BeNullOrEmpty
        $open.IsConnected | Should -Not -Contain $true
    }
}
