# Connecting and disconnecting (SPEC 3.1): Connect-RbdCluster's two parameter sets, its refusal of a folder that
# is not a store, Disconnect-RbdCluster and what a disconnected RbdCluster does, Get-RbdCluster's list; on the
# Ceph run also a real cluster (CEPH_CONF): its fsid, namespaces as separate clusters, Test-RbdStore's refusal.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function New-ForeignFolder {
        <# A folder with files but no store in it, like /etc/ceph. #>
        $dir = Join-Path (New-RbdTestRoot) 'etc-ceph'
        $null = New-Item -ItemType Directory -Path (Join-Path $dir 'sub') -Force
        Set-Content -LiteralPath (Join-Path $dir 'ceph.conf') -Value "[global]`nmon_host = 192.0.2.1"
        $dir
    }

    function Get-ViewRowPattern {
        <# A table row holding these values in order, in columns padded with spaces. #>
        '(?m)^' + (@($args | Where-Object { "$_" } | ForEach-Object { [regex]::Escape("$_") }) -join '\s+') + '\s*$'
    }
}

AfterAll {
    Remove-RbdTestRoot
}

# Store directories exist on the embedded backend only.
Describe 'Connect-RbdCluster -Path' -Tag EmbeddedOnly {
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
        $syntax | Should -Match 'Connect-RbdCluster -ConfigFile <string> \[-Id <string>\] \[-Keyring <string>\] \[-RecordPool <string>\] \[-Namespace <string>\] \[-TimeoutSec <int>\]'
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
        Get-RbdTestClusterName (Get-RbdCluster) | Should -Be (Get-RbdTestClusterName $current) -Because 'the session default stays'
        @(Get-RbdCluster -All | Where-Object Namespace -EQ 'ns') | Should -HaveCount 0 -Because 'a refused connect opens nothing'
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
        $open = { @(Get-RbdCluster -All | ForEach-Object { Get-RbdTestClusterName $_ }) }
    }

    It 'closes the current cluster: no current cluster, not in -All, IsConnected false' {
        Disconnect-RbdCluster
        Get-RbdCluster | Should -BeNullOrEmpty
        & $open | Should -Not -Contain (Get-RbdTestClusterName $cluster)
        & $open | Should -Contain (Get-RbdTestClusterName $other)
        $cluster.IsConnected | Should -BeFalse
        Assert-RbdError { Get-RbdPool } -ErrorId NoCluster | Out-Null
    }

    It 'using it afterwards: ClusterDisconnected (ConnectionError), from -Cluster or a piped object' {
        Disconnect-RbdCluster -Cluster $cluster
        Assert-RbdError { Get-RbdPool -Cluster $cluster } -ErrorId ClusterDisconnected -Category ConnectionError `
            -Target $cluster.Location -MessageLike '*Connect-RbdCluster*' | Out-Null
        Assert-RbdError { $image | Get-RbdSnapshot } -ErrorId ClusterDisconnected | Out-Null
        Assert-RbdError { Copy-RbdImage other/img openstack/copy -Cluster $other -DestinationCluster $cluster } `
            -ErrorId ClusterDisconnected | Out-Null
    }

    It 'closes its OpenStack database too: ClusterDisconnected from the OpenStack cmdlets; the settings stay' -Tag OpenStack {
        Set-OpenStackRbdConfig -RbdMaxCloneDepth 7 | Out-Null   # opens the store's OpenStack database
        Disconnect-RbdCluster $cluster
        Assert-RbdError { Get-OpenStackRbdConfig -Cluster $cluster } -ErrorId ClusterDisconnected | Out-Null
        $null = Connect-RbdTestCluster $cluster
        (Get-OpenStackRbdConfig).RbdMaxCloneDepth | Should -Be 7
    }

    It 'a non-current cluster: the current one stays' {
        Disconnect-RbdCluster $other
        Get-RbdTestClusterName (Get-RbdCluster) | Should -Be (Get-RbdTestClusterName $cluster)
        $other.IsConnected | Should -BeFalse
    }

    It '-WhatIf closes nothing' {
        Disconnect-RbdCluster -WhatIf
        $cluster.IsConnected | Should -BeTrue
        Get-RbdTestClusterName (Get-RbdCluster) | Should -Be (Get-RbdTestClusterName $cluster)
    }

    It 'disconnecting twice does nothing the second time' {
        Disconnect-RbdCluster $cluster
        { Disconnect-RbdCluster $cluster } | Should -Not -Throw
    }

    It 'connecting again opens a new, working cluster on the same store' {
        Disconnect-RbdCluster $cluster
        $again = Connect-RbdTestCluster $cluster
        [object]::ReferenceEquals($again, $cluster) | Should -BeFalse
        $again.Fsid | Should -Be $cluster.Fsid
        (Get-RbdImage openstack/img).Size | Should -Be (4 * 1MB)
    }
}

Describe 'Get-RbdCluster' {
    It 'returns the current cluster, and with -All every open one' {
        $a = New-RbdTestStore
        $b = New-RbdTestStore
        Get-RbdTestClusterName (Get-RbdCluster) | Should -Be (Get-RbdTestClusterName $b)
        $all = @(Get-RbdCluster -All | ForEach-Object { Get-RbdTestClusterName $_ })
        $all | Should -Contain (Get-RbdTestClusterName $a)
        $all | Should -Contain (Get-RbdTestClusterName $b)
    }

    It 'its view shows Backend, Fsid, Location and Namespace' {
        $c = New-RbdTestStore
        $header = (Get-RbdCluster | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_ -match '\S' } | Select-Object -First 1
        $header | Should -Match '^Backend\s+Fsid\s+Location\s+Namespace\s*$'
        Get-RbdCluster | Out-String -Width 250 | Should -Match (Get-ViewRowPattern $RbdTestBackend $c.Fsid $c.Location $c.Namespace)
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

Describe 'Connect-RbdCluster -ConfigFile to the Ceph cluster CEPH_CONF names' -Tag CephOnly {
    BeforeAll {
        $fsid = (& ceph --conf $env:CEPH_CONF fsid 2>$null | Select-Object -First 1).Trim()
        $ns = New-RbdTestStore -Name 'connect' -Pool openstack | ForEach-Object Namespace   # removed at the end with its images
    }

    It 'connects through librbd: Backend Ceph, the cluster''s own fsid (ceph fsid), client admin, the namespace' {
        $c = Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $ns
        $c.Backend | Should -Be 'Ceph'
        "$($c.Fsid)" | Should -Be $fsid
        $c.Location | Should -Be $env:CEPH_CONF
        $c.ClientId | Should -Be 'admin'
        $c.Namespace | Should -Be $ns
        $c.IsConnected | Should -BeTrue
        Get-RbdCluster | Out-String -Width 250 | Should -Match (Get-ViewRowPattern Ceph $fsid $env:CEPH_CONF $ns)
    }

    It 'the same conf, client and namespace return the open cluster; -Id admin is the default client' {
        $first = Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $ns
        $second = Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Id admin -Namespace $ns
        [object]::ReferenceEquals($first, $second) | Should -BeTrue
    }

    It 'another namespace is another cluster with the same fsid: neither sees the other''s images' {
        $null = New-RbdImage openstack/mine -Size 4M -Cluster (Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $ns)
        $other = New-RbdTestStore -Name 'connect-other' -Pool openstack
        "$($other.Fsid)" | Should -Be $fsid
        $other.Namespace | Should -Not -Be $ns
        @(Get-RbdImage openstack -Cluster $other) | Should -HaveCount 0
        $null = New-RbdImage openstack/theirs -Size 4M -Cluster $other
        @(Get-RbdImage openstack -Cluster (Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $ns)).Name | Should -Be @('mine')
    }

    It 'Disconnect-RbdCluster closes it: ClusterDisconnected afterwards; connecting again sees the same images' {
        $c = Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $ns
        Disconnect-RbdCluster $c
        $c.IsConnected | Should -BeFalse
        Get-RbdCluster | Should -BeNullOrEmpty
        Assert-RbdError { Get-RbdImage openstack -Cluster $c } -ErrorId ClusterDisconnected -Category ConnectionError | Out-Null
        $again = Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $ns
        [object]::ReferenceEquals($again, $c) | Should -BeFalse
        @(Get-RbdImage openstack).Name | Should -Be @('mine')
    }

    It 'Test-RbdStore (the embedded store''s check) refuses a Ceph cluster: NotSupported' {
        $null = Connect-RbdCluster -ConfigFile $env:CEPH_CONF -Namespace $ns
        Assert-RbdError { Test-RbdStore } -ErrorId NotSupported -Target $env:CEPH_CONF -MessageLike '*embedded*' | Out-Null
    }

    It 'monitors that do not answer: CephConnectTimeout after -TimeoutSec, and nothing is opened' {
        $conf = Join-Path (New-RbdTestRoot) 'ceph.conf'
        Set-Content -LiteralPath $conf -Value "[global]`nmon_host = 127.0.0.1:9`nauth_client_required = none"
        $before = @(Get-RbdCluster -All).Count
        $took = Measure-Command {
            Assert-RbdError { Connect-RbdCluster -ConfigFile $conf -TimeoutSec 2 } -ErrorId CephConnectTimeout -Target $conf | Out-Null
        }
        $took.TotalSeconds | Should -BeLessThan 30 -Because 'the connection gives up after -TimeoutSec'
        @(Get-RbdCluster -All) | Should -HaveCount $before
    }
}
