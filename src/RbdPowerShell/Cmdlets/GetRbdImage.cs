using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Get-RbdImage [[-Spec] pool | pool/image[@snap]]: rbd info of one image (or of the image as of a
/// snapshot), or rbd ls -l of a pool (every pool when no spec is given).
/// </summary>
[Cmdlet(VerbsCommon.Get, "RbdImage", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class GetRbdImageCommand : RbdQueryCmdlet
{
    /// <summary>The type name that selects the rbd info list view for a single image.</summary>
    public const string InfoTypeName = "RbdPowerShell.RbdImage#Info";

    /// <summary>When listing a pool, also list each image's snapshots (as rbd ls -l does).</summary>
    [Parameter]
    public SwitchParameter IncludeSnapshot { get; set; }

    protected override void ProcessTarget()
    {
        var target = Target;
        if (target?.Image is not null)
        {
            WriteCommand(RbdCommandLine.Rbd("info", RbdCommandLine.Arg(target.ToString())));
            WriteObjectAs(Describe(target), InfoTypeName);
            return;
        }
        foreach (var pool in PoolsOf(target))
            Try(() => List(pool));
    }

    private void List(string pool)
    {
        WriteCommand(RbdCommandLine.Rbd("ls", "-l", RbdCommandLine.Arg(pool)));
        // Described first (as one state of the store where the backend has one), written once closed: a command
        // further down the pipeline may remove an image, which librbd refuses (EBUSY) while this process holds it open.
        // What another client removed after the listing is skipped (-Verbose says so).
        var described = Connection.Consistent(() =>
        {
            var found = new List<RbdImage>();
            foreach (var name in Connection.ListImages(pool))
                Try(() => Listing.Try($"image '{pool}/{name}'", () => DescribeWithSnapshots(pool, name, found), WriteVerbose));
            return found;
        });
        WriteObject(described, enumerateCollection: true);
    }

    private void DescribeWithSnapshots(string pool, string name, List<RbdImage> found)
    {
        using var image = Connection.OpenImage(pool, name);
        found.Add(Describe(image));
        if (IncludeSnapshot)
            foreach (var snapshot in image.ListSnapshots())
                Listing.Try($"snapshot '{pool}/{name}@{snapshot.Name}'", () =>
                {
                    using var view = Connection.OpenImage(pool, name, snapshot.Name);
                    found.Add(Describe(view));
                }, WriteVerbose);
    }
}
