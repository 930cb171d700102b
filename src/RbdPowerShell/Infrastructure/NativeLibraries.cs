using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace RbdPowerShell;

/// <summary>
/// pwsh does not read the module's deps.json, so a DllImport of "e_sqlite3" (SQLitePCLRaw's provider,
/// used by Microsoft.Data.Sqlite) only probes pwsh's own folder and fails with "Unable to load shared
/// library 'e_sqlite3'". This resolver finds the library in the module folder's runtimes/&lt;rid&gt;/native/.
/// </summary>
internal static class NativeLibraries
{
    private const string Sqlite = "e_sqlite3";
    private static int registered;
    private static IntPtr loaded;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
        var own = AssemblyLoadContext.GetLoadContext(typeof(NativeLibraries).Assembly);
        if (own is not null && own != AssemblyLoadContext.Default)
            own.ResolvingUnmanagedDll += Resolve;
    }

    private static IntPtr Resolve(Assembly requester, string libraryName)
    {
        if (!libraryName.Contains(Sqlite, StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
        if (loaded != IntPtr.Zero) return loaded;
        foreach (var candidate in Candidates())
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
                return loaded = handle;
        }
        return IntPtr.Zero;
    }

    /// <summary>The files to try, most specific first.</summary>
    internal static IEnumerable<string> Candidates()
    {
        var moduleDir = Path.GetDirectoryName(typeof(NativeLibraries).Assembly.Location) ?? AppContext.BaseDirectory;
        var file = OperatingSystem.IsWindows() ? Sqlite + ".dll"
                 : OperatingSystem.IsMacOS() ? "lib" + Sqlite + ".dylib"
                 : "lib" + Sqlite + ".so";
        foreach (var rid in RuntimeIds())
            yield return Path.Combine(moduleDir, "runtimes", rid, "native", file);
        yield return Path.Combine(moduleDir, file);
    }

    private static IEnumerable<string> RuntimeIds()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        var seen = new HashSet<string>();
        IEnumerable<string> All()
        {
            yield return RuntimeInformation.RuntimeIdentifier;
            if (OperatingSystem.IsWindows()) yield return "win-" + arch;
            else if (OperatingSystem.IsMacOS()) { yield return "osx-" + arch; yield return "maccatalyst-" + arch; }
            else
            {
                if (IsMusl()) yield return "linux-musl-" + arch;
                yield return "linux-" + arch;
                if (arch == "arm") yield return "linux-armel";
            }
        }
        foreach (var rid in All())
            if (seen.Add(rid)) yield return rid;
    }

    private static bool IsMusl()
    {
        try { return Directory.EnumerateFiles("/lib", "ld-musl-*").Any(); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
