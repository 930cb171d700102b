using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Copy-RbdImage [-Source] pool/image[@snap] [-Destination] pool/image [-DestinationCluster c]: rbd cp,
/// a full independent copy of the head (or of a snapshot); snapshots are not copied.
/// </summary>
[Cmdlet(VerbsCommon.Copy, "RbdImage", SupportsShouldProcess = true)]
[OutputType(typeof(RbdImage))]
public sealed class CopyRbdImageCommand : RbdCopyCmdlet
{
    /// <summary>Copy into another cluster (default: the source's).</summary>
    [Parameter]
    public RbdCluster? DestinationCluster { get; set; }

    protected override SpecKind SourceKind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var source = SourceSpec;
        var destination = DestinationSpec;
        var sourceCluster = TargetCluster;
        var destinationCluster = DestinationCluster ?? sourceCluster;
        var command = RbdCommandLine.Rbd("cp", RbdCommandLine.Arg(source.ToString()), RbdCommandLine.Arg(destination.ToString()));
        if (destinationCluster != sourceCluster) command += $"  # into the cluster at {destinationCluster.Location}";
        if (!ShouldRun(command, $"copy '{source}' to a new image '{destination}'")) return;
        using (var progress = Progress("Copying", $"{source} to {destination}"))
            ImageCopy.Run(sourceCluster.Connection, source.Pool, source.Image!, source.Snapshot,
                          destinationCluster.Connection, destination.Pool, destination.Image!, progress.Handler);
        WriteObject(Describe(destination, destinationCluster));
    }
}
