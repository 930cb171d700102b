using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// The base of read-only cmdlets that take a pool, an image or nothing (every pool):
/// <c>[[-Spec]] pool | pool/image[@snap]</c> or <c>-Pool [-Image [-Snapshot]]</c>. Pool, image and snapshot
/// names may be wildcards (<c>openstack/int32bit*</c>, <c>*/vm?_disk</c>); a pattern that matches nothing
/// lists nothing, as Get-ChildItem does, while a plain name that does not exist is an error.
/// </summary>
public abstract class RbdQueryCmdlet : RbdCmdlet
{
    protected const string SpecSet = "Spec";
    protected const string NameSet = "Name";

    /// <summary>A pool, pool/image or pool/image@snap; none means every pool.</summary>
    [Parameter(Position = 0, ParameterSetName = SpecSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RbdSpecCompleter))]
    [SupportsWildcards]
    public string? Spec { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    [SupportsWildcards]
    public string? Pool { get; set; }

    [Parameter(ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(RbdImageNameCompleter))]
    [SupportsWildcards]
    public string? Image { get; set; }

    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = SpecSet)]
    [ArgumentCompleter(typeof(RbdSnapshotNameCompleter))]
    [SupportsWildcards]
    public string? Snapshot { get; set; }

    /// <summary>The target of this record, or null for every pool.</summary>
    protected ImageSpec? Target =>
        ResolveSpec(ParameterSetName == SpecSet ? Spec : null, Pool, Image, Snapshot, SpecKind.PoolOrImage);

    /// <summary>The pools a query covers: the target's (or those its pattern matches), or every pool.</summary>
    protected IReadOnlyList<string> PoolsOf(ImageSpec? target) =>
        target is null ? Connection.ListPools() : Select(target.Pool, Connection.ListPools);

    /// <summary>The images of <paramref name="pool"/> a query covers: all (null), those a pattern matches, or the one named.</summary>
    protected IReadOnlyList<string> ImagesOf(string pool, string? image) =>
        image is null ? Connection.ListImages(pool) : Select(image, () => Connection.ListImages(pool));

    /// <summary>Whether a name is a wildcard pattern rather than a name.</summary>
    protected static bool IsPattern(string? name) => name is not null && WildcardPattern.ContainsWildcardCharacters(name);

    /// <summary>Whether the target names more than one thing (a pattern anywhere in it).</summary>
    protected static bool IsPattern(ImageSpec? target) =>
        target is not null && (IsPattern(target.Pool) || IsPattern(target.Image) || IsPattern(target.Snapshot));

    protected static IReadOnlyList<string> Select(string nameOrPattern, Func<IReadOnlyList<string>> list) =>
        NamePatterns.Select(nameOrPattern, list);

    protected static IReadOnlyList<string> Filter(string nameOrPattern, IEnumerable<string> names) =>
        NamePatterns.Filter(nameOrPattern, names);
}
