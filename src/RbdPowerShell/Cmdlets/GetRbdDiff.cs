using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Get-RbdDiff [-Spec] pool/image[@snap] [-FromSnapshot snap] [-WholeObject] [-AsJson]: rbd diff, the extents that changed
/// since a snapshot (or since the image was created) as RbdDiffExtent objects, or as rbd diff --format json prints them.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RbdDiff", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdDiffExtent), typeof(string))]
public sealed class GetRbdDiffCommand : RbdSnapshotCmdlet
{
    /// <summary>rbd diff --from-snap: the snapshot to compare from (default: the image's creation).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RbdSnapshotNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? FromSnapshot { get; set; }

    /// <summary>rbd diff --whole-object: whole objects instead of the extents in them.</summary>
    [Parameter]
    public SwitchParameter WholeObject { get; set; }

    /// <summary>One string, exactly what rbd diff --format json prints.</summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    protected override SpecKind Kind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        WriteCommand(RbdCommandLine.Rbd("diff", FromSnapshot is null ? "" : "--from-snap " + RbdCommandLine.Arg(FromSnapshot),
            WholeObject ? "--whole-object" : "", AsJson ? "--format json" : "", RbdCommandLine.Arg(spec.ToString())));
        IReadOnlyList<DiffExtent> extents;
        using (var image = OpenImage(spec)) extents = DiffListing.List(image, FromSnapshot, WholeObject);
        if (AsJson) WriteObject(DiffListing.ToJson(extents));
        else WriteObject(extents.Select(e => new RbdDiffExtent(spec.ToString(), e)), enumerateCollection: true);
    }
}
