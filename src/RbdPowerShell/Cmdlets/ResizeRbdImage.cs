using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Resize-RbdImage [-Spec] pool/image -Size size [-AllowShrink]: rbd resize. Shrinking is refused
/// (ShrinkNotAllowed) unless -AllowShrink; nothing changes then.
/// </summary>
[Cmdlet(VerbsCommon.Resize, "RbdImage", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class ResizeRbdImageCommand : RbdImageCmdlet
{
    /// <summary>The new size: bytes (1GB) or an rbd size (1024M, 10G).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public object Size { get; set; } = 0;

    /// <summary>Allow a smaller size (the data past the new end is discarded).</summary>
    [Parameter]
    public SwitchParameter AllowShrink { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    // A snapshot spec reaches the engine, which refuses it as read-only (SnapshotReadOnly).
    protected override SpecKind Kind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        ulong size = ParseImageSize(Size);
        using var image = OpenImage(spec);
        if (spec.Snapshot is null && !AllowShrink)
        {
            ulong current = image.Stat().Size;
            if (size < current)
                throw RbdErrors.Refusal(RbdErrno.EINVAL, "ShrinkNotAllowed", spec.ToString(),
                    $"Image '{spec}' is {SizeParser.Format(current)}; resizing it to {SizeParser.Format(size)} would " +
                    "discard the data past the new end. Use -AllowShrink to shrink it.");
        }
        var command = RbdCommandLine.Rbd("resize", "--size", RbdCommandLine.Size(size),
                                         AllowShrink ? "--allow-shrink" : "", RbdCommandLine.Arg(spec.ToString()));
        if (!ShouldRun(command, $"resize image '{spec}' to {SizeParser.Format(size)}")) return;
        using (var progress = Progress("Resizing", spec))
            image.Resize(size, progress.Handler);
        if (PassThru) WriteObject(Describe(image));
    }
}
