using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Merge-RbdDiff [-Path] first,second [-Destination] file [-Force], or as rbd merge-diff writes it,
/// Merge-RbdDiff first second file: two consecutive "rbd diff v1" streams (the first's end snapshot is the
/// second's start) into one. Needs no cluster.
/// </summary>
[Cmdlet(VerbsData.Merge, "RbdDiff", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class MergeRbdDiffCommand : PSCmdlet
{
    /// <summary>The two diff files, oldest first.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateCount(1, 2)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The merged diff file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    /// <summary>
    /// The third word of <c>Merge-RbdDiff first second file</c> (rbd merge-diff's order): then -Path holds the first
    /// diff and -Destination the second. Not for use by name.
    /// </summary>
    [Parameter(Position = 2, DontShow = true)]
    [ValidateNotNullOrEmpty]
    public string? MergedPath { get; set; }

    /// <summary>Replace an existing destination file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the merged file's FileInfo.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            Merge();
        }
        catch (RbdException ex)
        {
            WriteError(RbdErrors.From(ex));
        }
        catch (UnauthorizedAccessException ex)
        {
            WriteError(RbdErrors.FromIo(ex, "AccessDenied", ErrorCategory.PermissionDenied, MergedPath ?? Destination));
        }
        catch (IOException ex)
        {
            WriteError(RbdErrors.FromIo(ex, "IOError", ErrorCategory.WriteError, MergedPath ?? Destination));
        }
    }

    private void Merge()
    {
        var (inputs, output) = MergedPath is null ? (Path, Destination) : (Path.Append(Destination).ToArray(), MergedPath);
        if (inputs.Length != 2)
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"Merge-RbdDiff merges two diffs, oldest first: 'Merge-RbdDiff a.diff b.diff out.diff' or 'Merge-RbdDiff a.diff,b.diff out.diff'; {inputs.Length} were given."),
                "InvalidDiffCount", ErrorCategory.InvalidArgument, inputs));
        var resolve = SessionState.Path;
        string first = resolve.GetUnresolvedProviderPathFromPSPath(inputs[0]);
        string second = resolve.GetUnresolvedProviderPathFromPSPath(inputs[1]);
        string target = resolve.GetUnresolvedProviderPathFromPSPath(output);
        const string what = "merge the diffs";
        foreach (var input in new[] { first, second })
            OutputFile.RequireReadable(input, $"merge '{first}' and '{second}'");
        bool exists = OutputFile.Check(target, Force, what, "-Destination");
        var command = RbdCommandLine.Rbd("merge-diff", RbdCommandLine.Arg(first), RbdCommandLine.Arg(second),
                                         RbdCommandLine.Arg(target));
        var action = $"merge the diffs '{first}' and '{second}' into '{target}'{(exists ? ", replacing that file" : "")}";
        if (!ShouldProcess(command, $"Are you sure you want to {action}?\n{command}", "Confirm")) return;
        using (var a = OutputFile.OpenRead(first, what))
        using (var b = OutputFile.OpenRead(second, what))
            OutputFile.Write(target, what, output => DiffMerge.Run(a, b, output));
        if (PassThru) WriteObject(new FileInfo(target));
    }
}
