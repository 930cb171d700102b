using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// The base of cmdlets that act on one trash entry: <c>[-Id] pool/id</c> as rbd writes it (or an id with -Pool),
/// or RbdTrashEntry objects from Get-RbdTrash (their Pool and Id bind by property name).
/// </summary>
public abstract class RbdTrashCmdlet : RbdCmdlet
{
    /// <summary>pool/id, or the image id with -Pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>The pool (default: rbd, or the pool written before the id).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    public string? Pool { get; set; }

    /// <summary>The entry the parameters name; TrashEntryNotFound when the pool's trash does not hold it.</summary>
    protected TrashEntry Entry()
    {
        var (pool, id) = Target();
        return Connection.ListTrash(pool).FirstOrDefault(e => e.Id == id) ?? throw Refusals.TrashEntryNotFound(pool, id);
    }

    private (string Pool, string Id) Target()
    {
        int slash = Id.LastIndexOf('/');
        string id = Id[(slash + 1)..];
        string pool = slash < 0 ? Pool ?? ImageSpec.DefaultPool : Id[..slash];
        if (slash >= 0 && Pool is not null && Pool != pool)
            throw ImageSpec.Invalid(Id, $"it names pool '{pool}' but -Pool says '{Pool}'");
        NameRules.Check(pool, "pool", Id);
        if (id.Length == 0 || !id.All(char.IsAsciiLetterOrDigit))
            throw ImageSpec.Invalid(Id, "expected pool/id with the image id that Get-RbdTrash shows");
        return (pool, id);
    }
}
