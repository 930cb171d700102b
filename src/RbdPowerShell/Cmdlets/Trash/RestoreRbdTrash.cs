using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Restore-RbdTrash [-Id] pool/id [-NewName name]: rbd trash restore (the image comes back with its id, snapshots and clones).</summary>
[Cmdlet(VerbsData.Restore, "RbdTrash", SupportsShouldProcess = true)]
[OutputType(typeof(RbdImage))]
public sealed class RestoreRbdTrashCommand : RbdTrashCmdlet
{
    /// <summary>The name to restore it under (default: the name it had).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    /// <summary>Writes the restored image.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessTarget()
    {
        var entry = Entry();
        string name = NewName ?? entry.Name;
        string command = RbdCommandLine.Rbd("trash", "restore", RbdCommandLine.Arg($"{entry.Pool}/{entry.Id}"),
            NewName is null ? "" : "--image " + RbdCommandLine.Arg(NewName));
        if (!ShouldRun(command, $"restore '{entry.Name}' ({entry.Pool}/{entry.Id}) from the trash as '{entry.Pool}/{name}'")) return;
        Connection.RestoreFromTrash(entry.Pool, entry.Id, name);
        if (PassThru) WriteObject(Describe(new ImageSpec(entry.Pool, name, null)));
    }
}
