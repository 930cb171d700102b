using System.Management.Automation;
using System.Text;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Export-RbdLineage [-Spec] target [-Path] file: the lineage as a picture, by the file's extension: Graphviz DOT
/// (.dot), Mermaid (.mmd) or SVG (.svg, drawn by Graphviz's dot when it is installed). Also takes Get-RbdLineage's
/// nodes from the pipeline.
/// </summary>
[Cmdlet(VerbsData.Export, "RbdLineage", DefaultParameterSetName = SpecSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportRbdLineageCommand : RbdCmdlet
{
    private const string SpecSet = "Spec", NodeSet = "Node";
    private readonly List<LineageNode> _nodes = new();

    /// <summary>A pool, pool/image or pool/image@snap.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SpecSet)]
    [ArgumentCompleter(typeof(RbdSpecCompleter))]
    [ValidateNotNullOrEmpty]
    public string Spec { get; set; } = "";

    /// <summary>Nodes from Get-RbdLineage.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = NodeSet)]
    public LineageNode? InputObject { get; set; }

    /// <summary>The file to write: .dot, .mmd or .svg.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = SpecSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NodeSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessTarget()
    {
        if (ParameterSetName == NodeSet) { if (InputObject is not null) _nodes.Add(InputObject); return; }
        var target = RequireSpec(Spec, null, null, null, SpecKind.PoolOrImage);
        Export(GetRbdLineageCommand.Of(TargetCluster, target, WriteVerbose), target.ToString());
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == NodeSet) Try(() => Export(_nodes, "the piped lineage"));
    }

    private void Export(IReadOnlyList<LineageNode> nodes, string what)
    {
        string file = ResolvePath(Path);
        string extension = System.IO.Path.GetExtension(file).ToLowerInvariant();
        Func<IReadOnlyList<LineageNode>, string> render = extension switch
        {
            ".dot" or ".gv" => LineageGraph.ToDot,
            ".mmd" => LineageGraph.ToMermaid,
            ".svg" => LineageGraph.ToSvg,
            _ => throw RbdErrors.Refusal(RbdErrno.EINVAL, "UnknownGraphFormat", file,
                $"Cannot tell the picture format of '{file}' from its extension: use .dot (Graphviz), .mmd (Mermaid) or .svg."),
        };
        OutputFile.Check(file, Force, $"export the lineage of {what}");
        if (!ShouldProcess(file, $"Export the lineage of {what} ({nodes.Count} nodes)")) return;
        string text = render(nodes);
        OutputFile.Write(file, $"export the lineage of {what}", stream => stream.Write(Encoding.UTF8.GetBytes(text)));
        WriteObject(new FileInfo(file));
    }
}
