# rbd trash as a runbook: an image deleted by mistake comes back with its data and snapshots; deferred deletion
# keeps it for a while; a purge removes only what has expired. On both backends; on Ceph the rbd tool agrees.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $cluster = New-RbdTestStore -Name 'trash' -Pool openstack
    function New-VolumeImage([string] $Name) {
        $null = New-RbdImage "openstack/$Name" -Size 8M
        Write-RbdImage "openstack/$Name" -Offset 0 -Data (New-TestBytes -Length 4096 -Seed 7)
    }
}

AfterAll {
    Remove-RbdTestRoot
}

Describe 'Remove-RbdImage -Trash and Restore-RbdTrash' {
    It 'moves an image to the trash, frees its name, and restores it with its id, data and snapshots' {
        New-VolumeImage 'vol'
        $null = New-RbdSnapshot openstack/vol@before
        $image = Get-RbdImage openstack/vol
        $hash = Get-RbdDataHash -Spec openstack/vol

        $verbose = Get-VerboseText { Remove-RbdImage openstack/vol -Trash -Confirm:$false -Verbose }
        $verbose | Should -Match (Get-RbdCommandPattern '^rbd trash mv openstack/vol$')
        Get-RbdImage openstack | Where-Object Name -eq 'vol' | Should -BeNullOrEmpty
        $entry = Get-RbdTrash openstack
        $entry | Should -HaveCount 1
        $entry | Should -BeOfType RbdPowerShell.RbdTrashEntry
        ($entry.Id, $entry.Name, $entry.Status, "$($entry.Source)") | Should -Be @($image.Id, 'vol', 'expired', 'User')
        "$entry" | Should -Be "openstack/$($image.Id)"

        $entry | Restore-RbdTrash -Confirm:$false
        Get-RbdTrash openstack | Should -BeNullOrEmpty
        (Get-RbdImage openstack/vol).Id | Should -Be $image.Id
        Get-RbdDataHash -Spec openstack/vol | Should -Be $hash
        (Get-RbdSnapshot openstack/vol).Name | Should -Be 'before'
    }

    It 'refuses to restore over an image that took the name, and restores under -NewName' {
        New-VolumeImage 'taken'
        $id = (Get-RbdImage openstack/taken).Id
        Remove-RbdImage openstack/taken -Trash -Confirm:$false
        New-VolumeImage 'taken'
        $before = Get-RbdStoreState
        Assert-RbdError { Restore-RbdTrash "openstack/$id" } -ErrorId ImageExists -Category ResourceExists -Target 'openstack/taken' -MessageLike '*-NewName*'
        Get-RbdStoreState | Should -Be $before
        $restored = Restore-RbdTrash "openstack/$id" -NewName taken-old -PassThru
        ($restored.Spec, $restored.Id) | Should -Be @('openstack/taken-old', $id)
    }

    It 'names unknown trash entries and malformed ids clearly' {
        Assert-RbdError { Restore-RbdTrash openstack/0123456789ab } -ErrorId TrashEntryNotFound -Category ObjectNotFound -Target 'openstack/0123456789ab'
        Assert-RbdError { Remove-RbdTrash openstack/../../x -Force } -ErrorId InvalidSpec, InvalidName -Category InvalidArgument
    }
}

Describe 'Deferred deletion and purge' {
    It 'keeps a delayed image until its time unless -Force, and Clear-RbdTrash removes only what expired' {
        New-VolumeImage 'later'
        New-VolumeImage 'now'
        New-VolumeImage 'snapped'
        $null = New-RbdSnapshot openstack/snapped@keep
        Remove-RbdImage openstack/later -Delay (New-TimeSpan -Hours 1) -Confirm:$false
        'openstack/now', 'openstack/snapped' | Remove-RbdImage -Trash -Confirm:$false
        $later = Get-RbdTrash openstack -Name later
        $later.Status | Should -Be 'protected'
        $later.DefermentEnd - $later.DeletedAt | Should -BeGreaterOrEqual (New-TimeSpan -Minutes 59)

        Assert-RbdError { $later | Remove-RbdTrash -Confirm:$false } -ErrorId TrashDefermentNotExpired -Category PermissionDenied -MessageLike '*-Force*'

        Clear-RbdTrash openstack -WhatIf 6>&1 | Out-Null
        (Get-RbdTrash openstack -Name now) | Should -Not -BeNullOrEmpty -Because '-WhatIf removes nothing'

        $errors = $null
        Clear-RbdTrash openstack -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        @($errors).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Match '^ImageHasSnapshots'
        (Get-RbdTrash openstack).Name | Sort-Object | Should -Be @('later', 'snapped')

        $later | Remove-RbdTrash -Force
        (Get-RbdTrash openstack).Name | Should -Be 'snapped'
    }

    It 'lists the trash with the rbd tool''s ids and names' -Tag CephOnly {
        $ns = (Get-RbdCluster).Namespace
        $json = rbd trash ls --format json --namespace $ns openstack 2>$null | ConvertFrom-Json
        $ours = Get-RbdTrash openstack
        ($ours | ForEach-Object { "$($_.Id) $($_.Name)" } | Sort-Object) | Should -Be ($json | ForEach-Object { "$($_.id) $($_.name)" } | Sort-Object)
    }
}
