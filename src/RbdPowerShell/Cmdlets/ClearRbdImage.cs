using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Clear-RbdImage [-Spec] pool/image -Offset n -Length n: librbd discard (reads zeros, frees whole objects).</summary>
[Cmdlet(VerbsCommon.Clear, "RbdImage", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
public sealed class ClearRbdImageCommand : RbdImageCmdlet
{
    [Parameter(Mandatory = true)]
    public ulong Offset { get; set; }

    [Parameter(Mandatory = true)]
    public ulong Length { get; set; }

    // A snapshot spec reaches the engine, which refuses it as read-only (SnapshotReadOnly).
    protected override SpecKind Kind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, $"rbd_discard {RbdCommandLine.Arg(spec.ToString())} {Offset}~{Length}",
               $"discard {Length} bytes at offset {Offset} of image '{spec}'",
               image => image.Discard(Offset, Length));
    }
}
