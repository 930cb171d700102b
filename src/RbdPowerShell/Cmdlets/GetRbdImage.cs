using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Get-RbdImage [[-Spec] pool | pool/image[@snap]]: rbd info of one image (or of the image as of a
/// snapshot), or rbd ls -l of a pool (every pool when no spec is given). Wildcards in the pool or image
/// name list the matching images as rbd ls -l rows.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RbdImage", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class GetRbdImageCommand : RbdQueryCmdlet
{
    /// <summary>The type name that selects the rbd info list view for a single image.</summary>
    public const string InfoTypeName = "RbdPowerShell.RbdImage#Info";

    /// <summary>When listing a pool, also list each image's snapshots (as rbd ls -l does).</summary>
    [Parameter]
    [Alias("l")]
    public SwitchParameter IncludeSnapshot { get; set; }

    protected override void ProcessTarget()
    {
        var target = Target;
        if (target?.Image is not null && !IsPattern(target))
        {
            WriteCommand(RbdCommandLine.Rbd("info", RbdCommandLine.Arg(target.ToString())));
            WriteObjectAs(Describe(target), InfoTypeName);
            return;
        }
        foreach (var pool in PoolsOf(target))
            Try(() => List(pool, target?.Image, target?.Snapshot));
    }

    private void List(string pool, string? image, string? snapshot)
    {
        WriteCommand(RbdCommandLine.Rbd("ls", "-l", RbdCommandLine.Arg(pool)));
        // Described first (as one state of the store where the backend has one), written once closed: a command
        // further down the pipeline may remove an image, which librbd refuses (EBUSY) while this process holds it open.
        // What another client removed after the listing is skipped (-Verbose says so).
        if (image is null && snapshot is null)
        {
            foreach (var row in Connection.DescribeImages(pool, IncludeSnapshot, SkipVanished))
                WriteObject(new RbdImage(row.Info, row.Snapshots.Count, row.Protected, TargetCluster));
            return;
        }
        var described = Connection.Consistent(() =>
        {
            var found = new List<RbdImage>();
            foreach (var name in ImagesOf(pool, image))
                Try(() => Listing.Try($"image '{pool}/{name}'", () => found.AddRange(DescribeWithSnapshots(pool, name, snapshot)), WriteVerbose));
            return found;
        });
        WriteObject(described, enumerateCollection: true);
    }

    private void SkipVanished(RbdException ex)
    {
        if (Listing.Vanished(ex)) WriteVerbose($"skipped {ex.Target}: it was removed after it was listed ({ex.Message})");
        else Fail(ex);
    }

    /// <summary>The image, then (with -IncludeSnapshot, or the snapshots a -Snapshot pattern selects) its snapshots.</summary>
    private List<RbdImage> DescribeWithSnapshots(string pool, string name, string? snapshot)
    {
        using var image = Connection.OpenImage(pool, name);
        var described = new List<RbdImage>();
        if (snapshot is null) described.Add(Describe(image));
        if (!IncludeSnapshot && snapshot is null) return described;
        var names = image.ListSnapshots().Select(s => s.Name).ToList();
        foreach (var snap in snapshot is null ? names : Filter(snapshot, names))
            Listing.Try($"snapshot '{pool}/{name}@{snap}'", () =>
            {
                using var view = Connection.OpenImage(pool, name, snap);
                described.Add(Describe(view));
            }, WriteVerbose);
        return described;
    }
}
