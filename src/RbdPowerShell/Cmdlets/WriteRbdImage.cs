using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Write-RbdImage [-Spec] pool/image -Offset n -Data byte[]: librbd write.</summary>
[Cmdlet(VerbsCommunications.Write, "RbdImage", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
public sealed class WriteRbdImageCommand : RbdImageCmdlet
{
    [Parameter(Mandatory = true)]
    public ulong Offset { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public byte[] Data { get; set; } = Array.Empty<byte>();

    // A snapshot spec reaches the engine, which refuses it as read-only (SnapshotReadOnly).
    protected override SpecKind Kind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, $"rbd_write {RbdCommandLine.Arg(spec.ToString())} {Offset}~{Data.Length}",
               $"write {Data.Length} bytes at offset {Offset} of image '{spec}'",
               image => image.Write(Offset, Data));
    }
}
