using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Export-RbdImage [-Spec] pool/image[@snap] [-Path] file [-ExportFormat 1|2] [-Force]: rbd export of
/// the image (or a snapshot) to a raw, sparse file. An existing file is only replaced with -Force.
/// </summary>
[Cmdlet(VerbsData.Export, "RbdImage", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportRbdImageCommand : RbdSnapshotCmdlet
{
    /// <summary>The file to write, relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>1: the raw image (default). 2: rbd's image format with snapshots (not supported yet).</summary>
    [Parameter]
    [ValidateRange(1, 2)]
    public int ExportFormat { get; set; } = 1;

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the exported file's FileInfo.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        if (ExportFormat == 2)
        {
            var message = $"Cannot export '{spec}' with -ExportFormat 2: export format 2 (the image with its snapshots) " +
                          "is not supported yet. Use -ExportFormat 1 for the raw image.";
            ThrowTerminatingError(RbdErrors.Create("ExportFormatNotSupported", ErrorCategory.NotImplemented, message,
                                                   spec.ToString(), new NotSupportedException(message)));
        }
        string file = ResolvePath(Path);
        if (Directory.Exists(file))
            throw RbdErrors.Refusal(RbdErrno.EINVAL, "PathIsDirectory", file,
                $"Cannot export '{spec}' to '{file}': it is a directory. Give a file name.");
        bool exists = File.Exists(file);
        if (exists && !Force)
            throw RbdErrors.Refusal(RbdErrno.EEXIST, "FileExists", file,
                $"Cannot export '{spec}' to '{file}': the file already exists. Use -Force to overwrite it, or choose another -Path.");
        var command = RbdCommandLine.Rbd("export", RbdCommandLine.Arg(spec.ToString()), RbdCommandLine.Arg(file));
        if (!ShouldRun(command, $"export '{spec}' to '{file}'{(exists ? ", replacing that file" : "")}")) return;
        using var image = OpenImage(spec);
        if (exists) File.Delete(file);   // a sparse export leaves holes: stale data must not show through
        using (var progress = Progress("Exporting image", spec))
            RawExport.Run(image, file, progress.Handler);
        if (PassThru) WriteObject(new FileInfo(file));
    }
}
