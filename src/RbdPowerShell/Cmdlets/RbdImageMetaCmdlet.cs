using System.Management.Automation;

namespace RbdPowerShell;

/// <summary>The base of the image-meta cmdlets: <c>[-Spec] pool/image [-Key] key</c>, both also from piped RbdImageMeta objects.</summary>
public abstract class RbdImageMetaCmdlet : RbdImageCmdlet
{
    protected override Engine.SpecKind Kind => Engine.SpecKind.Image;

    protected static string Arg(string value) => Engine.RbdCommandLine.Arg(value);

    protected RbdImageMeta Meta(Engine.ImageSpec spec, string key, string value) => new(spec.Pool, spec.Image!, key, value, TargetCluster);
}
