using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>New-RbdImage [-Spec] pool/image -Size size [-ObjectSize size]: rbd create.</summary>
[Cmdlet(VerbsCommon.New, "RbdImage", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class NewRbdImageCommand : RbdImageCmdlet
{
    /// <summary>Bytes (1GB) or an rbd size (1024M, 10G).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public object Size { get; set; } = 0;

    /// <summary>The object size, a power of two from 4K to 32M (default 4M, order 22).</summary>
    [Parameter]
    public object? ObjectSize { get; set; }

    protected override SpecKind Kind => SpecKind.Image;

    protected override void ProcessTarget()
    {
        var spec = Target;
        ulong size = ParseImageSize(Size);
        var (options, objectSizeArg) = ParseObjectSize(ObjectSize);
        var command = RbdCommandLine.Rbd("create", "--size", RbdCommandLine.Size(size), objectSizeArg,
                                         RbdCommandLine.Arg(spec.ToString()));
        if (!ShouldRun(command, $"create image '{spec}'")) return;
        Connection.CreateImage(spec.Pool, spec.Image!, size, options);
        WriteObject(Describe(spec));
    }
}
