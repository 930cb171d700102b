using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Import-RbdDiff [-Path] file [-Spec] pool/image, or an RbdDiff from the pipeline: rbd import-diff, applies a
/// diff stream (v1 or v2) to an existing image, all at once or not at all, and creates its end snapshot.
/// A piped RbdDiff's temporary file is deleted once imported. The target is in -Cluster (or the session's
/// cluster), whatever cluster the diff came from. From the pipeline -Spec is named
/// (<c>Export-RbdDiff ... | Import-RbdDiff -Spec pool/image</c>): PowerShell binds positional arguments before
/// pipeline input, so a lone positional argument is the file of the default (Path) parameter set.
/// </summary>
[Cmdlet(VerbsData.Import, "RbdDiff", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(RbdImage))]
public sealed class ImportRbdDiffCommand : RbdCmdlet
{
    private const string PathSet = "Path";
    private const string InputObjectSet = "InputObject";

    /// <summary>The diff file, relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>A diff written by Export-RbdDiff.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public RbdDiff? InputObject { get; set; }

    /// <summary>The image to apply the diff to, pool/image.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = InputObjectSet)]
    [ArgumentCompleter(typeof(RbdSpecCompleter))]
    [ValidateNotNullOrEmpty]
    public string Spec { get; set; } = "";

    /// <summary>Write the image after the import.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessTarget()
    {
        var spec = RequireSpec(Spec, null, null, null, SpecKind.Image);
        string file = InputObject is not null ? InputObject.Path : ResolvePath(Path);
        var command = RbdCommandLine.Rbd("import-diff", RbdCommandLine.Arg(file), RbdCommandLine.Arg(spec.ToString()));
        // a piped RbdDiff may bind -Path through its Path property: a spooled file is named by its image, either way
        var source = InputObject?.Source ?? DiffSpool.SourceOf(file);
        var what = source is null ? $"the diff '{file}'" : $"the diff of '{source}'";
        if (!ShouldRun(command, $"import {what} into image '{spec}'")) return;
        bool spooled = InputObject?.IsTemporary ?? DiffSpool.SourceOf(file) is not null;
        if (spooled && !DiffSpool.IsSpooled(file))
            throw RbdErrors.Refusal(RbdErrno.ENOENT, "DiffAlreadyImported", source!,
                $"Cannot import {what} into '{spec}': that diff was already imported (a piped diff is used once) " +
                "or its module was removed. Export it again, or use Export-RbdDiff -Path to keep it in a file.");
        using (var input = OutputFile.OpenRead(file, $"import {what} into '{spec}'"))
        using (var progress = Progress("Importing diff into", spec))
            DiffImport.Run(Connection, spec.Pool, spec.Image!, input, progress.Handler);
        // A spooled diff (Export-RbdDiff without -Path) is used once: delete it, however it was bound
        // (a piped RbdDiff may bind -Path through its Path property). A user's own file is never deleted.
        if (DiffSpool.IsSpooled(file)) DiffSpool.Delete(file);
        if (PassThru) WriteObject(Describe(spec));
    }
}
