using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Read-RbdImage [-Spec] pool/image[@snap] -Offset n -Length n: librbd read. Writes one byte[] (not
/// enumerated), shorter than -Length when the read reaches the end of the image.
/// </summary>
[Cmdlet(VerbsCommunications.Read, "RbdImage", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(byte[]))]
public sealed class ReadRbdImageCommand : RbdSnapshotCmdlet
{
    [Parameter(Mandatory = true)]
    public ulong Offset { get; set; }

    [Parameter(Mandatory = true)]
    public ulong Length { get; set; }

    protected override SpecKind Kind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        if (Length > (ulong)Array.MaxLength)
            throw RbdErrors.Refusal(RbdErrno.EINVAL, "OutOfRange", spec.ToString(),
                $"Cannot read {Length} bytes of '{spec}' at once: at most {Array.MaxLength} bytes fit in one byte[]. " +
                "Read it in parts, or use Export-RbdImage.");
        WriteCommand($"rbd_read {RbdCommandLine.Arg(spec.ToString())} {Offset}~{Length}");
        using var image = OpenImage(spec);
        var buffer = new byte[Length];
        int read = image.Read(Offset, buffer);
        if (read < buffer.Length) Array.Resize(ref buffer, Math.Max(read, 0));
        WriteObject(buffer, enumerateCollection: false);
    }
}
