using System.Management.Automation;

namespace RbdPowerShell;

/// <summary>Wildcards in the names of Get-* cmdlets: one rule for every listing.</summary>
internal static class NamePatterns
{
    /// <summary>
    /// The names <paramref name="nameOrPattern"/> selects: a plain name as it is (opening it reports what is missing),
    /// a pattern the listed names it matches (a name equal to the pattern, such as 'a[1]', counts as a match too).
    /// </summary>
    public static IReadOnlyList<string> Select(string nameOrPattern, Func<IReadOnlyList<string>> list) =>
        WildcardPattern.ContainsWildcardCharacters(nameOrPattern) ? Filter(nameOrPattern, list()) : new[] { nameOrPattern };

    /// <summary>
    /// The listed names that <paramref name="nameOrPattern"/> matches. For the snapshot of a pattern spec
    /// (<c>*/vm*@snap</c>): an image without that snapshot is not an error, it is just not one of those selected.
    /// </summary>
    public static IReadOnlyList<string> Filter(string nameOrPattern, IEnumerable<string> names)
    {
        var pattern = new WildcardPattern(nameOrPattern, WildcardOptions.None);
        return names.Where(n => n == nameOrPattern || pattern.IsMatch(n)).ToList();
    }
}
