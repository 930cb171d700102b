using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// The base of the name completers: finds the cluster (-Cluster on the command line or the session's
/// current one), lists names from it, and quotes the results. Completion never throws.
/// </summary>
public abstract class RbdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                          CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var cluster = ClusterOf(fakeBoundParameters);
            if (cluster is null) return Array.Empty<CompletionResult>();
            var word = Unquote(wordToComplete ?? "");
            return Complete(cluster.Connection, word, fakeBoundParameters)
                .Select(text => new CompletionResult(Quote(text), text, CompletionResultType.ParameterValue, text))
                .ToList();
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>The completion texts for <paramref name="word"/> (unquoted).</summary>
    protected abstract IEnumerable<string> Complete(IRbdCluster cluster, string word, IDictionary bound);

    /// <summary>The names that start with <paramref name="prefix"/>, or that a wildcard prefix (int32bit*-1) matches.</summary>
    protected static IEnumerable<string> Matching(IEnumerable<string> names, string prefix)
    {
        Func<string, bool> matches = WildcardPattern.ContainsWildcardCharacters(prefix)
            ? new WildcardPattern(prefix + "*", WildcardOptions.IgnoreCase).IsMatch
            : n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
        return names.Where(matches).OrderBy(n => n, StringComparer.Ordinal);
    }

    protected static string? Bound(IDictionary bound, string name) =>
        bound.Contains(name) ? Unwrap(bound[name])?.ToString() : null;

    protected static IEnumerable<string> Snapshots(IRbdCluster cluster, string pool, string image)
    {
        using var handle = cluster.OpenImage(pool, image);
        return handle.ListSnapshots().Select(s => s.Name).ToList();
    }

    private static RbdCluster? ClusterOf(IDictionary bound) =>
        (bound.Contains("Cluster") ? Unwrap(bound["Cluster"]) as RbdCluster : null) ?? RbdSession.Current;

    private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;

    private static string Unquote(string word) =>
        word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word.Trim(word[0]) : word;

    private static string Quote(string text) =>
        text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || "/@._-+:=".Contains(c))
            ? text
            : "'" + text.Replace("'", "''") + "'";
}

/// <summary>Completes specs: <c>pool/</c>, then <c>pool/image</c>, then <c>pool/image@snap</c>.</summary>
public sealed class RbdSpecCompleter : RbdCompleter
{
    protected override IEnumerable<string> Complete(IRbdCluster cluster, string word, IDictionary bound)
    {
        int slash = word.IndexOf('/');
        if (slash < 0)
            return Matching(cluster.ListPools(), word).Select(p => p + "/");
        string pool = word[..slash];
        string rest = word[(slash + 1)..];
        int at = rest.IndexOf('@');
        if (at < 0)
            return Matching(cluster.ListImages(pool), rest).Select(i => $"{pool}/{i}");
        string image = rest[..at];
        return Matching(Snapshots(cluster, pool, image), rest[(at + 1)..]).Select(s => $"{pool}/{image}@{s}");
    }
}

/// <summary>Completes pool names (-Pool, and -Name of the pool cmdlets).</summary>
public sealed class RbdPoolCompleter : RbdCompleter
{
    protected override IEnumerable<string> Complete(IRbdCluster cluster, string word, IDictionary bound) =>
        Matching(cluster.ListPools(), word);
}

/// <summary>Completes image names of -Pool (default rbd) for -Image.</summary>
public sealed class RbdImageNameCompleter : RbdCompleter
{
    protected override IEnumerable<string> Complete(IRbdCluster cluster, string word, IDictionary bound) =>
        Matching(cluster.ListImages(Bound(bound, "Pool") ?? ImageSpec.DefaultPool), word);
}

/// <summary>Completes snapshot names of the image named by -Spec or -Pool/-Image, for -Snapshot.</summary>
public sealed class RbdSnapshotNameCompleter : RbdCompleter
{
    protected override IEnumerable<string> Complete(IRbdCluster cluster, string word, IDictionary bound)
    {
        var spec = Bound(bound, "Spec");
        string? pool, image;
        if (spec is not null)
        {
            var parsed = ImageSpec.Parse(spec, SpecKind.ImageOrSnapshot);
            (pool, image) = (parsed.Pool, parsed.Image);
        }
        else
        {
            (pool, image) = (Bound(bound, "Pool") ?? ImageSpec.DefaultPool, Bound(bound, "Image"));
        }
        return image is null ? Array.Empty<string>() : Matching(Snapshots(cluster, pool, image), word);
    }
}
