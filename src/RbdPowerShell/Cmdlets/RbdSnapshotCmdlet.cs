using System.Management.Automation;

namespace RbdPowerShell;

/// <summary>
/// The base of cmdlets that target a snapshot (or an image or its snapshot): adds <c>-Snapshot</c>, which
/// goes with <c>-Pool/-Image</c> or completes a spec without one, so
/// <c>Get-RbdImage pool/image | New-RbdSnapshot -Snapshot s1</c> works.
/// </summary>
public abstract class RbdSnapshotCmdlet : RbdImageCmdlet
{
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = SpecSet)]
    [ArgumentCompleter(typeof(RbdSnapshotNameCompleter))]
    public string? Snapshot { get; set; }

    protected override string? SnapshotName => Snapshot;
}
