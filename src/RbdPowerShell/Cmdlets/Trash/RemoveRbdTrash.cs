using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Remove-RbdTrash [-Id] pool/id [-Force]: rbd trash rm (refused before its deferment ends unless -Force).</summary>
[Cmdlet(VerbsCommon.Remove, "RbdTrash", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveRbdTrashCommand : RbdTrashCmdlet
{
    /// <summary>Removes it before its deferment ends (rbd trash rm --force), without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessTarget()
    {
        var entry = Entry();
        string spec = $"{entry.Pool}/{entry.Id}";
        string command = RbdCommandLine.Rbd("trash", "rm", RbdCommandLine.Arg(spec), Force ? "--force" : "");
        if (!ShouldRun(command, $"permanently remove '{entry.Name}' ({spec}) from the trash", Force)) return;
        using var progress = Progress("Removing from the trash", $"{entry.Pool}/{entry.Name} ({entry.Id})");
        Connection.RemoveFromTrash(entry.Pool, entry.Id, Force, progress.Handler);
    }
}
