using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Filters records by a -Name wildcard (all of them when no name is given).</summary>
internal static class OpenStackQuery
{
    public static IEnumerable<T> Matching<T>(IEnumerable<T> records, string? name) where T : IOpenStackRecord
    {
        if (name is null) return records;
        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
        return records.Where(r => pattern.IsMatch(r.Name));
    }
}
