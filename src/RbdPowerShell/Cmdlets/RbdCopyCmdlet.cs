using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// The base of Copy-RbdImage and Copy-RbdClone: <c>[-Source] spec [-Destination] pool/image</c>.
/// A piped RbdImage/RbdSnapshot binds -Source through its Spec property.
/// </summary>
public abstract class RbdCopyCmdlet : RbdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Spec")]
    [ArgumentCompleter(typeof(RbdSpecCompleter))]
    [ValidateNotNullOrEmpty]
    public string Source { get; set; } = "";

    /// <summary>The new image, pool/image.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(RbdSpecCompleter))]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    /// <summary>What -Source must name.</summary>
    protected abstract SpecKind SourceKind { get; }

    protected ImageSpec SourceSpec => RequireSpec(Source, null, null, null, SourceKind);
    protected ImageSpec DestinationSpec => RequireSpec(Destination, null, null, null, SpecKind.Image);
}
