using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// The base of read-only cmdlets that take a pool, an image or nothing (every pool):
/// <c>[[-Spec]] pool | pool/image[@snap]</c> or <c>-Pool [-Image [-Snapshot]]</c>.
/// </summary>
public abstract class RbdQueryCmdlet : RbdCmdlet
{
    protected const string SpecSet = "Spec";
    protected const string NameSet = "Name";

    /// <summary>A pool, pool/image or pool/image@snap; none means every pool.</summary>
    [Parameter(Position = 0, ParameterSetName = SpecSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RbdSpecCompleter))]
    public string? Spec { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    public string? Pool { get; set; }

    [Parameter(ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(RbdImageNameCompleter))]
    public string? Image { get; set; }

    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = SpecSet)]
    [ArgumentCompleter(typeof(RbdSnapshotNameCompleter))]
    public string? Snapshot { get; set; }

    /// <summary>The target of this record, or null for every pool.</summary>
    protected ImageSpec? Target =>
        ResolveSpec(ParameterSetName == SpecSet ? Spec : null, Pool, Image, Snapshot, SpecKind.PoolOrImage);

    /// <summary>The pools a query covers: the target's, or every pool.</summary>
    protected IReadOnlyList<string> PoolsOf(ImageSpec? target) =>
        target is null ? Connection.ListPools() : new[] { target.Pool };
}
