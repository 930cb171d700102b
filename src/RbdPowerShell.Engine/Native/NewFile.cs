using Microsoft.Win32.SafeHandles;

namespace RbdPowerShell.Engine;

/// <summary>
/// Opens a file to be written from scratch. FileMode.Create truncates with ftruncate(0) even a file it has just
/// created, and ext4 (auto_da_alloc) then writes the whole file back when it is closed, which makes every new blob
/// or export wait for the disk. A new file is therefore created with CreateNew; only an existing one is truncated.
/// </summary>
public static class NewFile
{
    public static SafeFileHandle Open(string path, FileAccess access, FileShare share)
    {
        try { return File.OpenHandle(path, FileMode.CreateNew, access, share); }
        catch (IOException) when (File.Exists(path)) { return File.OpenHandle(path, FileMode.Create, access, share); }
    }
}
