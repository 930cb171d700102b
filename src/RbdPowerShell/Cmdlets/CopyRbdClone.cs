using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Copy-RbdClone [-Source] pool/image@snap [-Destination] pool/image: rbd clone of a protected snapshot.</summary>
[Cmdlet(VerbsCommon.Copy, "RbdClone", SupportsShouldProcess = true)]
[OutputType(typeof(RbdImage))]
public sealed class CopyRbdCloneCommand : RbdCopyCmdlet
{
    protected override SpecKind SourceKind => SpecKind.Snapshot;

    protected override void ProcessTarget()
    {
        var source = SourceSpec;
        var destination = DestinationSpec;
        var command = RbdCommandLine.Rbd("clone", RbdCommandLine.Arg(source.ToString()), RbdCommandLine.Arg(destination.ToString()));
        if (!ShouldRun(command, $"clone '{source}' as a new image '{destination}'")) return;
        Connection.Clone(source.Pool, source.Image!, source.Snapshot!, destination.Pool, destination.Image!, ImageOptions.Default);
        WriteObject(Describe(destination));
    }
}
