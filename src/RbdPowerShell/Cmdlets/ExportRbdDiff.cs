using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Export-RbdDiff [-Spec] pool/image[@snap] [[-Path] file] [-FromSnapshot s] [-WholeObject] [-Force]: rbd export-diff,
/// the changes of the image (or snapshot) since a snapshot, or since its creation, as an "rbd diff v1" stream.
/// With -Path the stream goes to that file; without it, to a temporary file described by an RbdDiff object that
/// Import-RbdDiff takes from the pipeline (and deletes once imported).
/// </summary>
[Cmdlet(VerbsData.Export, "RbdDiff", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdDiff))]
public sealed class ExportRbdDiffCommand : RbdSnapshotCmdlet
{
    /// <summary>The start snapshot (rbd's --from-snap); without it, everything since the image was created.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RbdSnapshotNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? FromSnapshot { get; set; }

    /// <summary>The file to write (second position, as rbd export-diff's); without it the stream is spooled and an RbdDiff goes down the pipeline.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Report whole objects instead of exact extents (--whole-object).</summary>
    [Parameter]
    public SwitchParameter WholeObject { get; set; }

    /// <summary>Replace an existing -Path file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>With -Path: write an RbdDiff object describing the file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.ImageOrSnapshot;

    protected override void ProcessTarget()
    {
        var spec = Target;
        if (FromSnapshot is not null) NameRules.Check(FromSnapshot, "snapshot", $"{spec.Pool}/{spec.Image}@{FromSnapshot}");
        string? file = Path is null ? null : ResolvePath(Path);
        var what = $"export the diff of '{spec}'";
        bool exists = file is not null && OutputFile.Check(file, Force, what);
        var command = RbdCommandLine.Rbd("export-diff",
            FromSnapshot is null ? "" : "--from-snap " + RbdCommandLine.Arg(FromSnapshot),
            WholeObject ? "--whole-object" : "",
            RbdCommandLine.Arg(spec.ToString()),
            file is null ? "-" : RbdCommandLine.Arg(file));
        var since = FromSnapshot is null ? "since its creation" : $"since snapshot '{FromSnapshot}'";
        var action = file is null
            ? $"export the changes of '{spec}' {since}"
            : $"export the changes of '{spec}' {since} to '{file}'{(exists ? ", replacing that file" : "")}";
        if (!ShouldRun(command, action)) return;

        var cluster = TargetCluster;
        using var image = OpenImage(spec, cluster);
        string path;
        bool temporary = file is null;
        using (var progress = Progress("Exporting diff of", spec))
        {
            if (file is not null)
            {
                OutputFile.Write(file, what, stream =>
                    DiffExport.Run(image, FromSnapshot, stream, DiffFormat.V1, WholeObject, progress.Handler));
                path = file;
            }
            else
            {
                path = DiffSpool.NewFile(spec.ToString());
                try
                {
                    using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read,
                                                      1 << 20, FileOptions.SequentialScan);
                    DiffExport.Run(image, FromSnapshot, stream, DiffFormat.V1, WholeObject, progress.Handler);
                }
                catch (IOException ex)
                {
                    DiffSpool.Delete(path);
                    // the temporary file is the module's business: the error is about the image
                    throw new RbdException(RbdErrno.EIO, spec.ToString(),
                        $"Cannot {what}: its temporary copy in '{System.IO.Path.GetTempPath()}' could not be written ({ex.Message}). " +
                        "Free space there, or give -Path.", ex) { ErrorId = "DiffSpoolFailed" };
                }
                catch
                {
                    DiffSpool.Delete(path);
                    throw;
                }
            }
        }
        if (file is null || PassThru)
            WriteObject(new RbdDiff(spec.ToString(), FromSnapshot, spec.Snapshot, new FileInfo(path).Length, path,
                                    temporary, WholeObject, cluster));
    }
}
