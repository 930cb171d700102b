# Shared helpers for the RbdPowerShell Pester scenarios. Dot-source it in BeforeAll:
#   BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
# It imports the module under test ($env:RBDPS_MODULE, else out/RbdPowerShell/RbdPowerShell.psd1).

if (-not $env:RBDPS_MODULE) {
    $env:RBDPS_MODULE = Join-Path $PSScriptRoot '../out/RbdPowerShell/RbdPowerShell.psd1'
}
# Child processes and runspaces import the same module through this variable.
$env:RBDPS_MODULE = [IO.Path]::GetFullPath($env:RBDPS_MODULE)
Import-Module $env:RBDPS_MODULE -Force -ErrorAction Stop

# A runbook stops at its first failed step: any error in a test is a failure at that line.
$ErrorActionPreference = 'Stop'

# The backend ($env:RBDPS_BACKEND) and the fresh clusters each test works in: New-RbdTestStore, Remove-RbdTestRoot.
. (Join-Path $PSScriptRoot 'TestClusters.ps1')

# A small in-memory model of an image's content (what it must read as), plus fast hashing.
if (-not ('RbdTest.ImageModel' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;

namespace RbdTest
{
    public static class Bytes
    {
        /// <summary>Deterministic pseudo-random bytes (the same seed gives the same bytes in every process).</summary>
        public static byte[] Random(int length, int seed)
        {
            var b = new byte[length];
            new System.Random(seed).NextBytes(b);
            return b;
        }

        public static string Hash(byte[] data) => Convert.ToHexString(SHA256.HashData(data));

        public static string Hash(byte[] data, int offset, int length) =>
            Convert.ToHexString(SHA256.HashData(new ReadOnlySpan<byte>(data, offset, length)));

        public static bool IsZero(byte[] data) => data.AsSpan().IndexOfAnyExcept((byte)0) < 0;

        public static string ZeroHash(ulong length)
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var zero = new byte[1 << 20];
            while (length > 0)
            {
                int n = (int)Math.Min((ulong)zero.Length, length);
                h.AppendData(zero, 0, n);
                length -= (ulong)n;
            }
            return Convert.ToHexString(h.GetHashAndReset());
        }
    }

    /// <summary>What an image must read as: touched objects are kept, everything else is zero.</summary>
    public sealed class ImageModel
    {
        private readonly Dictionary<ulong, byte[]> _objects = new();
        public ulong Size { get; private set; }
        public int Order { get; }
        public ulong ObjectSize => 1UL << Order;

        public ImageModel(ulong size, int order = 22) { Size = size; Order = order; }

        public ImageModel Copy()
        {
            var m = new ImageModel(Size, Order);
            foreach (var kv in _objects) m._objects[kv.Key] = (byte[])kv.Value.Clone();
            return m;
        }

        public void Write(ulong offset, byte[] data)
        {
            if (offset + (ulong)data.Length > Size) throw new ArgumentOutOfRangeException(nameof(offset));
            ulong pos = 0;
            while (pos < (ulong)data.Length)
            {
                ulong at = offset + pos;
                ulong obj = at >> Order, inObj = at & (ObjectSize - 1);
                int n = (int)Math.Min(ObjectSize - inObj, (ulong)data.Length - pos);
                if (!_objects.TryGetValue(obj, out var buf)) _objects[obj] = buf = new byte[ObjectSize];
                Buffer.BlockCopy(data, (int)pos, buf, (int)inObj, n);
                pos += (ulong)n;
            }
        }

        public void Discard(ulong offset, ulong length)
        {
            ulong end = Math.Min(Size, offset + length);
            for (ulong at = offset; at < end;)
            {
                ulong obj = at >> Order, inObj = at & (ObjectSize - 1);
                ulong n = Math.Min(ObjectSize - inObj, end - at);
                if (_objects.TryGetValue(obj, out var buf))
                {
                    if (n == ObjectSize) _objects.Remove(obj);
                    else Array.Clear(buf, (int)inObj, (int)n);
                }
                at += n;
            }
        }

        public void Resize(ulong size)
        {
            if (size < Size)
            {
                Discard(size, Size - size);
                foreach (var k in _objects.Keys.Where(k => (k << Order) >= size).ToList()) _objects.Remove(k);
            }
            Size = size;
        }

        public byte[] Read(ulong offset, int length)
        {
            var result = new byte[length];
            for (ulong pos = 0; pos < (ulong)length;)
            {
                ulong at = offset + pos;
                ulong obj = at >> Order, inObj = at & (ObjectSize - 1);
                int n = (int)Math.Min(ObjectSize - inObj, (ulong)length - pos);
                if (_objects.TryGetValue(obj, out var buf)) Buffer.BlockCopy(buf, (int)inObj, result, (int)pos, n);
                pos += (ulong)n;
            }
            return result;
        }

        public string Hash() => Hash(0, Size);

        public string Hash(ulong offset, ulong length)
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var zero = new byte[ObjectSize];
            ulong end = offset + length;
            for (ulong at = offset; at < end;)
            {
                ulong obj = at >> Order, inObj = at & (ObjectSize - 1);
                int n = (int)Math.Min(ObjectSize - inObj, end - at);
                h.AppendData(_objects.TryGetValue(obj, out var buf) ? buf : zero, (int)inObj, n);
                at += (ulong)n;
            }
            return Convert.ToHexString(h.GetHashAndReset());
        }

        /// <summary>Objects holding any non-zero byte (what a whole-object du counts for a fresh, unsnapshotted image).</summary>
        public int NonZeroObjects => _objects.Values.Count(b => !Bytes.IsZero(b));
    }
}
'@
}

function New-TestBytes {
    <# Deterministic pseudo-random data: the same -Seed gives the same bytes in every process. #>
    param([Parameter(Mandatory)][int]$Length, [int]$Seed = 1)
    , [RbdTest.Bytes]::Random($Length, $Seed)
}

function Get-BytesHash {
    param([Parameter(Mandatory)][AllowEmptyCollection()][byte[]]$Bytes)
    [RbdTest.Bytes]::Hash($Bytes)
}

function Get-RbdDataHash {
    <#
    SHA256 of an image (or snapshot) range as read through Read-RbdImage, in chunks.
    Without -Length: the whole image (its current size). Fails if a read returns a short buffer.
    #>
    param([Parameter(Mandatory)][string]$Spec,
        [uint64]$Offset = 0,
        [Nullable[uint64]]$Length = $null,
        [uint64]$ChunkSize = 32MB)
    if ($null -eq $Length) {
        $size = [uint64](Get-RbdImage -Spec $Spec -ErrorAction Stop).Size
        $Length = $size - $Offset
    }
    $h = [System.Security.Cryptography.IncrementalHash]::CreateHash([System.Security.Cryptography.HashAlgorithmName]::SHA256)
    try {
        $done = [uint64]0
        while ($done -lt $Length) {
            $n = [Math]::Min($ChunkSize, $Length - $done)
            $buf = Read-RbdImage -Spec $Spec -Offset ($Offset + $done) -Length $n -ErrorAction Stop
            if ($null -eq $buf -or $buf -isnot [byte[]] -or [uint64]$buf.Length -ne $n) {
                throw "Read-RbdImage $Spec -Offset $($Offset + $done) -Length $n did not return one byte[] of $n bytes (got $(if ($null -eq $buf) { 'nothing' } else { "$($buf.GetType().Name) of $(@($buf).Length)" }))."
            }
            $h.AppendData($buf)
            $done += $n
        }
        [Convert]::ToHexString($h.GetHashAndReset())
    }
    finally { $h.Dispose() }
}

function Get-RbdErrorRecord {
    <# Runs the script block with -ErrorAction Stop semantics and returns the ErrorRecord it failed with (or $null). #>
    param([Parameter(Mandatory)][scriptblock]$ScriptBlock)
    $ErrorActionPreference = 'Stop'
    try { $null = & $ScriptBlock }
    catch { return $_ }
    $null
}

function Assert-RbdError {
    <#
    Asserts the script block is refused with one of -ErrorId (FullyQualifiedErrorId starts with it),
    the given -Category and -Target (TargetObject; any of the given values). Returns the ErrorRecord.
    #>
    param([Parameter(Mandatory)][scriptblock]$ScriptBlock,
        [Parameter(Mandatory)][string[]]$ErrorId,
        [System.Management.Automation.ErrorCategory[]]$Category,
        [object[]]$Target,
        [string[]]$MessageLike)
    $e = Get-RbdErrorRecord $ScriptBlock
    $e | Should -Not -BeNullOrEmpty -Because "{ $ScriptBlock } must be refused with $($ErrorId -join ' or ')"
    $pattern = '^(' + (($ErrorId | ForEach-Object { [regex]::Escape($_) }) -join '|') + ')(,|$)'
    $e.FullyQualifiedErrorId | Should -Match $pattern -Because "the ErrorId must be $($ErrorId -join ' or ') (message: $($e.Exception.Message))"
    if ($PSBoundParameters.ContainsKey('Category')) {
        $e.CategoryInfo.Category | Should -BeIn $Category -Because "$($ErrorId -join '/') maps to $($Category -join ' or ')"
    }
    if ($PSBoundParameters.ContainsKey('Target')) {
        "$($e.TargetObject)" | Should -BeIn ($Target | ForEach-Object { "$_" }) -Because 'TargetObject names what was refused'
    }
    foreach ($m in $MessageLike) {
        $e.Exception.Message | Should -BeLike $m
    }
    $e
}

function Get-RbdStoreState {
    <#
    A text fingerprint of everything the store holds: pools, images (id, size, order, parent, overlap),
    snapshots (id, size, protection, children) and, with -WithData, the hash of every image head
    and snapshot and the du rows. Two equal fingerprints mean nothing observable changed.
    #>
    param([switch]$WithData)
    $lines = foreach ($pool in @(Get-RbdPool -ErrorAction Stop) | Sort-Object Name) {
        "pool $($pool.Name) images=$($pool.Images)"
        foreach ($img in @(Get-RbdImage -Spec $pool.Name -ErrorAction Stop) | Sort-Object Name) {
            "image $($img.Spec) id=$($img.Id) size=$($img.Size) order=$($img.Order) objects=$($img.Objects) parent=$($img.Parent) overlap=$($img.Overlap) features=$($img.Features -join ',')"
            foreach ($s in @(Get-RbdSnapshot -Spec $img.Spec -ErrorAction Stop) | Sort-Object { [uint64]$_.Id }) {
                $children = @(Get-RbdChild -Spec $s.Spec -ErrorAction Stop | ForEach-Object Spec | Sort-Object) -join ','
                "  snap $($s.Spec) id=$($s.Id) size=$($s.Size) protected=$($s.Protected) children=$children"
                if ($WithData) { "    data $(Get-RbdDataHash -Spec $s.Spec)" }
            }
            if ($WithData) {
                "  data $(Get-RbdDataHash -Spec $img.Spec)"
                foreach ($u in @(Get-RbdImageUsage -Spec $img.Spec -ErrorAction Stop)) { "  du $($u.Name) $($u.Provisioned) $($u.Used)" }
            }
        }
    }
    $lines -join "`n"
}

function Get-FileListing {
    <# Every file and directory under -Path (relative paths, sorted), except those under -Exclude. #>
    param([Parameter(Mandatory)][string]$Path, [string[]]$Exclude = @())
    $root = (Resolve-Path -LiteralPath $Path).ProviderPath.TrimEnd('/', '\')
    $ex = $Exclude | ForEach-Object { (Resolve-Path -LiteralPath $_ -ErrorAction SilentlyContinue).ProviderPath } | Where-Object { $_ }
    @(Get-ChildItem -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue |
        Where-Object { $full = $_.FullName; -not ($ex | Where-Object { $full -eq $_ -or $full.StartsWith($_ + [IO.Path]::DirectorySeparatorChar) }) } |
        ForEach-Object { $_.FullName.Substring($root.Length) } | Sort-Object)
}

function Get-VerboseText {
    <# Runs the script block and returns its verbose messages joined by newlines (output is discarded). #>
    param([Parameter(Mandatory)][scriptblock]$ScriptBlock)
    $records = & $ScriptBlock 4>&1
    (@($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)) -join "`n"
}

function Get-ProgressActivity {
    <#
    Runs -Command on -Cluster in another runspace (progress records are only observable from another
    runspace's streams) and returns the activities and status lines it reported. The session default is
    whatever that runspace connected last: reconnect with Connect-RbdTestCluster afterwards.
    #>
    param([Parameter(Mandatory)][object]$Cluster, [Parameter(Mandatory)][string]$Command)
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module `$env:RBDPS_MODULE; `$null = $(Get-RbdTestConnectCommand $Cluster); `$ProgressPreference = 'Continue'; $Command")
        $null = $ps.Invoke()
        $ps.Streams.Error | ForEach-Object { throw "$Command failed: $_" }
        @($ps.Streams.Progress | ForEach-Object { $_.Activity; $_.StatusDescription })
    }
    finally { $ps.Dispose() }
}

function Get-RbdCommandPattern {
    <#
    What a -Verbose or -WhatIf rbd command line must match on -Cluster: -Pattern, a regular expression written for
    rbd's default namespace ('^rbd snap create p/i@s'), or with -Literal plain text (for -BeLike). On a Ceph
    connection seen through a namespace each rbd command (first, or after a pipe) is given --namespace <ns>;
    -InNamespace (with {ns} for the namespace) replaces a pattern that differs more.
    #>
    param([Parameter(Mandatory)][string]$Pattern, [string]$InNamespace, [switch]$Literal, [object]$Cluster = (Get-RbdCluster))
    $ns = $Cluster.Namespace
    # rbd merge-diff reads and writes files only: no cluster, no namespace.
    if (-not $ns -or $Pattern -match '^\^?rbd merge-diff ') { return $Pattern }
    $ns = if ($Literal) { $ns } else { [regex]::Escape($ns) }
    if ($InNamespace) { return $InNamespace.Replace('{ns}', $ns) }
    $Pattern -replace '(^\^?|\\?\|\s)rbd ', "`${1}rbd --namespace $ns "
}

function Get-AllocatedBytes {
    <# Disk space a file really uses (st_blocks * 512 on Unix), to tell sparse files apart. #>
    param([Parameter(Mandatory)][string]$Path)
    $full = (Resolve-Path -LiteralPath $Path).ProviderPath
    $blocks = & stat -c '%b' -- $full
    $unit = & stat -c '%B' -- $full
    [uint64]$blocks * [uint64]$unit
}

function Get-PwshStartInfo {
    <#
    A ProcessStartInfo that runs a child pwsh on -File with -Arguments, stdout/stderr redirected.
    Works both for a native pwsh and for `dotnet pwsh` (the local tool), where the process is dotnet.
    #>
    param([Parameter(Mandatory)][string]$File, [string[]]$Arguments = @())
    $exe = [Environment]::ProcessPath
    if (-not $exe) { $exe = (Get-Process -Id $PID).Path }
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -like 'dotnet*') {
        $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
    }
    foreach ($a in @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $File) + $Arguments) { $psi.ArgumentList.Add([string]$a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.Environment['RBDPS_MODULE'] = $env:RBDPS_MODULE
    $psi
}

function Start-PwshChild {
    <# Starts a child pwsh running -File; returns an object with Process, StdOut and StdErr (tasks). #>
    param([Parameter(Mandatory)][string]$File, [string[]]$Arguments = @())
    $p = [System.Diagnostics.Process]::Start((Get-PwshStartInfo -File $File -Arguments $Arguments))
    [pscustomobject]@{
        Process = $p
        StdOut  = $p.StandardOutput.ReadToEndAsync()
        StdErr  = $p.StandardError.ReadToEndAsync()
    }
}

function Wait-PwshChild {
    <# Waits for a child started by Start-PwshChild; kills it (by its own id) if it overruns. Returns its exit code and output. #>
    param([Parameter(Mandatory)]$Child, [int]$TimeoutSeconds = 120)
    $finished = $Child.Process.WaitForExit($TimeoutSeconds * 1000)
    if (-not $finished) { $Child.Process.Kill(); $Child.Process.WaitForExit() }
    $Child.Process.WaitForExit()
    [pscustomobject]@{
        TimedOut = -not $finished
        ExitCode = $Child.Process.ExitCode
        StdOut   = $Child.StdOut.GetAwaiter().GetResult()
        StdErr   = $Child.StdErr.GetAwaiter().GetResult()
    }
}

function Wait-ForFile {
    <# Polls until -Path exists or -Process exits or the timeout passes; returns whether the file exists. #>
    param([Parameter(Mandatory)][string]$Path, [System.Diagnostics.Process]$Process, [int]$TimeoutSeconds = 90)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path -LiteralPath $Path)) {
        if ($Process -and $Process.HasExited) { return (Test-Path -LiteralPath $Path) }
        if ([DateTime]::UtcNow -gt $deadline) { return $false }
        Start-Sleep -Milliseconds 20
    }
    $true
}
