using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// The base of Get-NovaServer and the Get-Cinder* cmdlets: one record by id or name (-Id), or the list
/// (nova list, cinder list), narrowed by the -Name wildcard and any filter of the cmdlet.
/// </summary>
public abstract class OpenStackGetCmdlet<T> : OpenStackCmdlet where T : class, IOpenStackRecord
{
    /// <summary>Only records with this name (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>The -Id of the derived cmdlet (declared there, with its completer).</summary>
    protected abstract string? IdOrName { get; }

    protected abstract T Lookup(OpenStackContext context, string idOrName);

    /// <summary>The cmdlet's own filters (-VolumeId); all records by default.</summary>
    protected virtual IEnumerable<T> Filter(OpenStackContext context, IEnumerable<T> records) => records;

    protected override void ProcessTarget()
    {
        var context = Context;
        IEnumerable<T> records = IdOrName is { } id ? new[] { Lookup(context, id) } : context.Database.List<T>();
        foreach (var record in Filter(context, OpenStackQuery.Matching(records, Name))) WriteRecord(record);
    }

    /// <summary>
    /// The records of one volume (-VolumeId: its id or name; all records when null). A volume that is gone
    /// (its backups outlive it) is matched by its id.
    /// </summary>
    protected static IEnumerable<T> OfVolume(OpenStackContext context, IEnumerable<T> records, string? volumeRef, Func<T, string> volumeIdOf)
    {
        if (volumeRef is null) return records;
        bool isName = context.Database.Find<CinderVolume>(volumeRef) is null &&
                      context.Database.List<CinderVolume>().Any(v => v.Name == volumeRef);
        string volumeId = isName ? context.Volume(volumeRef).Id : volumeRef;
        return records.Where(r => volumeIdOf(r) == volumeId);
    }
}
