using System.Diagnostics;
using System.Text;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell.Engine;

/// <summary>
/// A lineage as a picture: Graphviz DOT, Mermaid, or SVG rendered by Graphviz's dot. Each node is labelled with
/// its name, what it is to OpenStack and its size; OpenStack kinds differ by shape and colour.
/// </summary>
public static class LineageGraph
{
    private sealed record Style(string DotShape, string Color, string MermaidOpen, string MermaidClose);

    private static Style StyleOf(OpenStackKind kind) => kind switch
    {
        OpenStackKind.GlanceImage => new("box3d", "#9ecae1", "[[", "]]"),
        OpenStackKind.GlanceSnapshot => new("ellipse", "#c6dbef", "([", "])"),
        OpenStackKind.NovaRootDisk => new("component", "#a1d99b", "[/", "/]"),
        OpenStackKind.CinderVolume => new("cylinder", "#fdd0a2", "[(", ")]"),
        OpenStackKind.VolumeSnapshot => new("ellipse", "#fee6ce", "([", "])"),
        OpenStackKind.BackupBase => new("folder", "#bcbddc", "[\\", "\\]"),
        OpenStackKind.BackupSnapshot => new("ellipse", "#dadaeb", "([", "])"),
        OpenStackKind.TemporarySnapshot => new("diamond", "#fff7bc", "{", "}"),
        OpenStackKind.DeletedVolume => new("cylinder", "#d9d9d9", "[(", ")]"),
        _ => new("octagon", "#fc9272", "{{", "}}"),
    };

    private static string Label(LineageNode node) =>
        $"{(node.Depth == 0 || !node.IsSnapshot ? node.Spec : "@" + node.Snapshot)}\n{node.OpenStackKind}" +
        (node.OpenStackName is { Length: > 0 } name ? $" '{name}'" : "") + $"\n{SizeParser.Format(node.Size)}" +
        (node.Protected == true ? ", protected" : "") + (node.InTrash ? ", in trash" : "");

    private static IEnumerable<(string From, string To)> Edges(IReadOnlyList<LineageNode> nodes, Dictionary<string, string> ids) =>
        nodes.Where(n => n.ParentSpec is not null && ids.ContainsKey(n.ParentSpec)).Select(n => (ids[n.ParentSpec!], ids[n.Spec]));

    private static Dictionary<string, string> Ids(IReadOnlyList<LineageNode> nodes) =>
        nodes.Select((n, i) => (n.Spec, Id: "n" + i)).GroupBy(x => x.Spec).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);

    public static string ToDot(IReadOnlyList<LineageNode> nodes)
    {
        var ids = Ids(nodes);
        var text = new StringBuilder("digraph lineage {\n  rankdir=LR;\n  node [style=filled, fontname=\"Helvetica\"];\n");
        foreach (var node in nodes)
        {
            var style = StyleOf(node.OpenStackKind);
            string label = Label(node).Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
            text.Append($"  {ids[node.Spec]} [label=\"{label}\", shape={style.DotShape}, fillcolor=\"{style.Color}\"" +
                        (node.IsSnapshot ? ", style=\"filled,dashed\"" : "") + "];\n");
        }
        foreach (var (from, to) in Edges(nodes, ids)) text.Append($"  {from} -> {to};\n");
        return text.Append("}\n").ToString();
    }

    public static string ToMermaid(IReadOnlyList<LineageNode> nodes)
    {
        var ids = Ids(nodes);
        var text = new StringBuilder("flowchart LR\n");
        foreach (var node in nodes)
        {
            var style = StyleOf(node.OpenStackKind);
            string label = Label(node).Replace("\"", "#quot;").Replace("\n", "<br/>");
            text.Append($"  {ids[node.Spec]}{style.MermaidOpen}\"{label}\"{style.MermaidClose}:::{node.OpenStackKind}\n");
        }
        foreach (var (from, to) in Edges(nodes, ids)) text.Append($"  {from} --> {to}\n");
        foreach (var kind in nodes.Select(n => n.OpenStackKind).Distinct())
            text.Append($"  classDef {kind} fill:{StyleOf(kind).Color},stroke:#333\n");
        return text.ToString();
    }

    /// <summary>Renders DOT to SVG with Graphviz's dot (on PATH); GraphvizNotFound when it is not installed.</summary>
    public static string ToSvg(IReadOnlyList<LineageNode> nodes)
    {
        string dot = FindDot() ?? throw new RbdException(RbdErrno.ENOENT, "dot",
            "Graphviz's 'dot' is not installed (not found on PATH), so no SVG can be drawn. Install Graphviz, or export to .dot or .mmd instead.")
        { ErrorId = "GraphvizNotFound" };
        var start = new ProcessStartInfo(dot, "-Tsvg")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(ToDot(nodes));
        process.StandardInput.Close();
        string svg = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new RbdException(RbdErrno.EIO, "dot", $"Graphviz's dot failed (exit {process.ExitCode}): {error.Result.Trim()}") { ErrorId = "GraphvizFailed" };
        return svg;
    }

    private static string? FindDot() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { Path.Combine(dir, "dot"), Path.Combine(dir, "dot.exe") }).FirstOrDefault(File.Exists);
}
