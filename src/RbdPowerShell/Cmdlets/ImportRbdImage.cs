using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Import-RbdImage [-Path] file [-Spec] pool/image [-ObjectSize size] [-ExportFormat 1|2]: rbd import of a raw file
/// into a new image, or of a file in rbd's export format 2 (recognised by its banner "rbd image v2\n") into a new
/// image with all its snapshots and their protection.
/// </summary>
[Cmdlet(VerbsData.Import, "RbdImage", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class ImportRbdImageCommand : RbdCmdlet
{
    private const string SpecSet = "Spec";
    private const string NameSet = "Name";

    /// <summary>The raw file, relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The new image, pool/image.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = SpecSet)]
    [ArgumentCompleter(typeof(RbdSpecCompleter))]
    [ValidateNotNullOrEmpty]
    public string Spec { get; set; } = "";

    [Parameter(ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    public string? Pool { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = NameSet)]
    public string? Image { get; set; }

    /// <summary>The object size of the new image, a power of two from 4K to 32M (default 4M).</summary>
    [Parameter]
    public object? ObjectSize { get; set; }

    /// <summary>1: a raw image; 2: rbd's export format 2. Default: 2 when the file starts with its banner, else 1.</summary>
    [Parameter]
    [ValidateRange(1, 2)]
    public int? ExportFormat { get; set; }

    /// <summary>The banner of rbd's export format 2 (rbd image v2\n).</summary>
    private static readonly byte[] ImageBannerV2 = "rbd image v2\n"u8.ToArray();

    protected override void ProcessTarget()
    {
        var spec = RequireSpec(ParameterSetName == SpecSet ? Spec : null, Pool, Image, null, SpecKind.Image);
        var (options, objectSizeArg) = ParseObjectSize(ObjectSize);
        string file = ResolvePath(Path);
        OutputFile.RequireReadable(file, $"import '{file}' into '{spec}'");
        int format = ExportFormat ?? (HasImageBannerV2(file) ? 2 : 1);
        var command = RbdCommandLine.Rbd("import", format == 2 ? "--export-format 2" : "", objectSizeArg,
                                         RbdCommandLine.Arg(file), RbdCommandLine.Arg(spec.ToString()));
        var what = format == 2 ? "with its snapshots " : "";
        if (!ShouldRun(command, $"import '{file}' {what}into a new image '{spec}'")) return;
        using (var progress = Progress("Importing into", spec))
        {
            if (format == 2)
            {
                using var input = OutputFile.OpenRead(file, $"import '{file}' into '{spec}'");
                ImageImportV2.Run(Connection, input, spec.Pool, spec.Image!, options, progress.Handler);
            }
            else
            {
                RawImport.Run(Connection, file, spec.Pool, spec.Image!, options, progress.Handler);
            }
        }
        WriteObject(Describe(spec));
    }

    /// <summary>Whether the file starts with the banner of export format 2 (a raw image almost never does).</summary>
    private static bool HasImageBannerV2(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        Span<byte> head = stackalloc byte[ImageBannerV2.Length];
        int done = 0;
        while (done < head.Length)
        {
            int n = stream.Read(head[done..]);
            if (n <= 0) return false;
            done += n;
        }
        return head.SequenceEqual(ImageBannerV2);
    }
}
