using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Get-RbdImageStatus [-Spec] pool/image: rbd status (the image's watchers; on the embedded store, a note that it cannot tell).</summary>
[Cmdlet(VerbsCommon.Get, "RbdImageStatus", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImageStatus))]
public sealed class GetRbdImageStatusCommand : RbdImageCmdlet
{
    protected override SpecKind Kind => SpecKind.Image;

    protected override void ProcessTarget()
    {
        var spec = Target;
        WriteCommand(RbdCommandLine.Rbd("status", RbdCommandLine.Arg(spec.ToString())));
        IReadOnlyList<ImageWatcher>? watchers;
        using (var image = OpenImage(spec)) watchers = image.ListWatchers();
        WriteObject(new RbdImageStatus(spec.Pool, spec.Image!, watchers, TargetCluster));
    }
}
