using System.Management.Automation;

namespace RbdPowerShell;

/// <summary>
/// Runs when pwsh imports and removes the module: teaches the runtime where the SQLite native
/// library lives, and closes the clusters this session opened (deleting the diff spool files left).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => NativeLibraries.Register();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        OpenStackSession.CloseAll();
        RbdSession.DisconnectAll();
        DiffSpool.Clean();   // diffs exported to the pipeline and never imported
    }
}
