namespace RbdPowerShell;

/// <summary>
/// Temporary files that hold diff streams between Export-RbdDiff and Import-RbdDiff (a pipeline never holds
/// a stream in memory). They live in one folder per process under the temporary directory; Import-RbdDiff
/// deletes each after a successful import, and the module's removal (and the process's exit) deletes what is left.
/// </summary>
internal static class DiffSpool
{
    private static readonly object Gate = new();
    private static readonly HashSet<string> Files = new(StringComparer.Ordinal);
    /// <summary>Every spool file of this session and the image it holds the diff of, also once deleted (for errors).</summary>
    private static readonly Dictionary<string, string> Sources = new(StringComparer.Ordinal);
    private static string? folder;
    private static bool exitHooked;

    /// <summary>A new, empty spool file's path for the diff of <paramref name="source"/> (created by the caller), registered for cleanup.</summary>
    public static string NewFile(string source)
    {
        lock (Gate)
        {
            if (folder is null || !Directory.Exists(folder))
            {
                folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(),
                    $"rbdps-diff-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
                Directory.CreateDirectory(folder);
            }
            if (!exitHooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Clean();
                exitHooked = true;
            }
            var path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".rbddiff");
            Files.Add(path);
            Sources[path] = source;
            return path;
        }
    }

    /// <summary>Whether <paramref name="path"/> is a spool file this process made and has not deleted yet.</summary>
    public static bool IsSpooled(string path)
    {
        lock (Gate) return Files.Contains(path);
    }

    /// <summary>The image whose diff <paramref name="path"/> held, if it is (or was) a spool file of this session.</summary>
    public static string? SourceOf(string path)
    {
        lock (Gate) return Sources.GetValueOrDefault(path);
    }

    /// <summary>Deletes one spool file (never a file this process did not spool).</summary>
    public static void Delete(string path)
    {
        lock (Gate)
        {
            if (!Files.Remove(path)) return;
        }
        TryDelete(path);
    }

    /// <summary>Deletes every spool file left and the spool folder (module removal, process exit).</summary>
    public static void Clean()
    {
        List<string> left;
        string? dir;
        lock (Gate)
        {
            left = Files.ToList();
            Files.Clear();
            dir = folder;
            folder = null;
        }
        foreach (var path in left) TryDelete(path);
        if (dir is not null)
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
