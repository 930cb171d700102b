using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Import-RbdImage [-Path] file [-Spec] pool/image [-ObjectSize size]: rbd import of a raw file into a new image.</summary>
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

    protected override void ProcessTarget()
    {
        var spec = RequireSpec(ParameterSetName == SpecSet ? Spec : null, Pool, Image, null, SpecKind.Image);
        var (options, objectSizeArg) = ParseObjectSize(ObjectSize);
        string file = ResolvePath(Path);
        if (!File.Exists(file))
            throw RbdErrors.Refusal(RbdErrno.ENOENT, "FileNotFound", file,
                $"Cannot import '{file}' into '{spec}': the file does not exist.");
        var command = RbdCommandLine.Rbd("import", objectSizeArg, RbdCommandLine.Arg(file), RbdCommandLine.Arg(spec.ToString()));
        if (!ShouldRun(command, $"import '{file}' into a new image '{spec}'")) return;
        using (var progress = Progress("Importing image", spec))
            RawImport.Run(Connection, file, spec.Pool, spec.Image!, options, progress.Handler);
        WriteObject(Describe(spec));
    }
}
