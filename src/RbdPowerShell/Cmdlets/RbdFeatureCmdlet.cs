using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Enable-/Disable-RbdImageFeature [-Spec] pool/image [-Feature] name[,name]: rbd feature enable/disable, with rbd's rules
/// (<see cref="FeatureRules"/>). -PassThru returns the image.
/// </summary>
public abstract class RbdFeatureCmdlet : RbdImageCmdlet
{
    /// <summary>rbd feature names: exclusive-lock, object-map, fast-diff, journaling (and deep-flatten, to disable).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateSet("layering", "striping", "exclusive-lock", "object-map", "fast-diff", "deep-flatten", "journaling",
                 "data-pool", "operations", "migrating", "non-primary")]
    public string[] Feature { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.Image;

    protected abstract bool Enable { get; }

    protected override void ProcessTarget()
    {
        var spec = Target;
        var features = FeatureNames.Parse(Feature);
        string verb = Enable ? "enable" : "disable";
        var command = RbdCommandLine.Rbd(new[] { "feature", verb, RbdCommandLine.Arg(spec.ToString()) }.Concat(FeatureNames.Of(features)).ToArray());
        if (Change(spec, command, $"{verb} {FeatureNames.Text(features)} on image '{spec}'", image => image.UpdateFeatures(features, Enable)) && PassThru)
            WriteObject(Describe(spec));
    }
}

[Cmdlet(VerbsLifecycle.Enable, "RbdImageFeature", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class EnableRbdImageFeatureCommand : RbdFeatureCmdlet
{
    protected override bool Enable => true;
}

[Cmdlet(VerbsLifecycle.Disable, "RbdImageFeature", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class DisableRbdImageFeatureCommand : RbdFeatureCmdlet
{
    protected override bool Enable => false;
}
