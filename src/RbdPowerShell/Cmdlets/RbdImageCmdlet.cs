using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// The base of cmdlets that target one image: <c>[-Spec] pool/image</c> (position 0, from the pipeline
/// as a string or by the Spec property of piped RbdImage/RbdSnapshot objects), or <c>-Pool/-Image</c>.
/// <see cref="RbdSnapshotCmdlet"/> adds <c>-Snapshot</c>.
/// </summary>
public abstract class RbdImageCmdlet : RbdCmdlet
{
    protected const string SpecSet = "Spec";
    protected const string NameSet = "Name";

    /// <summary>pool/image or pool/image@snap, as rbd writes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SpecSet,
               ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RbdSpecCompleter))]
    [ValidateNotNullOrEmpty]
    public string Spec { get; set; } = "";

    /// <summary>The pool (default: rbd).</summary>
    [Parameter(ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    public string? Pool { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(RbdImageNameCompleter))]
    public string? Image { get; set; }

    /// <summary>What the target must be: an image, a snapshot, or either.</summary>
    protected abstract SpecKind Kind { get; }

    /// <summary>The -Snapshot parameter, where a cmdlet has one.</summary>
    protected virtual string? SnapshotName => null;

    /// <summary>The target of this record.</summary>
    protected ImageSpec Target =>
        RequireSpec(ParameterSetName == SpecSet ? Spec : null, Pool, Image, SnapshotName, Kind);

    /// <summary>
    /// The common shape of a change: ShouldProcess with the rbd command line, open the image, change it.
    /// Returns false when -WhatIf or the user declined (nothing was touched).
    /// </summary>
    protected bool Change(ImageSpec spec, string command, string action, Action<IRbdImage> change)
    {
        if (!ShouldRun(command, action)) return false;
        using var image = OpenImage(spec with { Snapshot = Kind == SpecKind.Snapshot ? null : spec.Snapshot });
        change(image);
        return true;
    }
}
