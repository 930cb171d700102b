using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Export-RbdImage [-Spec] pool/image[@snap] [-Path] file [-ExportFormat 1|2] [-Force]: rbd export of
/// the image (or a snapshot) to a raw, sparse file, or with -ExportFormat 2 (rbd export --export-format 2) of the
/// image with all its snapshots and their protection, also for pool/image@snap (as rbd 16.2 does). An existing file
/// is only replaced with -Force.
/// </summary>
[Cmdlet(VerbsData.Export, "RbdImage", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportRbdImageCommand : RbdSnapshotCmdlet
{
    /// <summary>The file to write, relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>1: the raw image (default). 2: rbd's export format 2, the image with all its snapshots, even given @snap.</summary>
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
        string file = ResolvePath(Path);
        var what = $"export '{spec}'";
        bool exists = OutputFile.Check(file, Force, what);
        var command = RbdCommandLine.Rbd("export", ExportFormat == 2 ? "--export-format 2" : "",
                                         RbdCommandLine.Arg(spec.ToString()), RbdCommandLine.Arg(file));
        if (!ShouldRun(command, $"export '{spec}' to '{file}'{(exists ? ", replacing that file" : "")}")) return;
        using (var progress = Progress("Exporting", spec))
        {
            if (ExportFormat == 2)
            {
                // the engine opens the head and each snapshot itself; like rbd, a snapshot spec still exports the image
                OutputFile.Write(file, what, stream =>
                    ImageExportV2.Run(Connection, spec.Pool, spec.Image!, spec.Snapshot, stream, progress.Handler));
            }
            else
            {
                // a new temporary file, sparse: no stale data shows through its holes
                using var image = OpenImage(spec);
                OutputFile.Replace(file, what, image.Stat().Size, partial => RawExport.Run(image, partial, progress.Handler));
            }
        }
        if (PassThru) WriteObject(new FileInfo(file));
    }
}
