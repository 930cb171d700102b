using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// A file a cmdlet writes a stream into (Export-RbdDiff -Path, Merge-RbdDiff, Export-RbdImage -ExportFormat 2):
/// the checks before writing (a directory, an existing file without -Force) and the write itself, into a
/// temporary file beside the target that replaces it only once complete, so a failed or stopped write leaves
/// neither a partial file nor a damaged older one.
/// </summary>
internal static class OutputFile
{
    /// <summary>Refuses a directory (PathIsDirectory) or an existing file without -Force (FileExists). Returns whether the file exists.</summary>
    public static bool Check(string file, bool force, string what, string parameter = "-Path")
    {
        if (Directory.Exists(file))
            throw RbdErrors.Refusal(RbdErrno.EINVAL, "PathIsDirectory", file,
                $"Cannot {what} to '{file}': it is a directory. Give a file name.");
        bool exists = File.Exists(file);
        if (exists && !force)
            throw RbdErrors.Refusal(RbdErrno.EEXIST, "FileExists", file,
                $"Cannot {what} to '{file}': the file already exists. Use -Force to overwrite it, or choose another {parameter}.");
        return exists;
    }

    /// <summary>Writes <paramref name="file"/> through <paramref name="write"/>, all at once or not at all.</summary>
    public static void Write(string file, Action<Stream> write)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        var partial = Path.Combine(dir, $".{Path.GetFileName(file)}.{Guid.NewGuid().ToString("N")[..8]}.partial");
        try
        {
            using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                                               1 << 20, FileOptions.SequentialScan))
            {
                write(stream);
                stream.Flush(flushToDisk: false);
            }
            File.Move(partial, file, overwrite: true);
        }
        catch
        {
            try { File.Delete(partial); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Opens a stream file for reading; a missing file is FileNotFound (ENOENT).</summary>
    public static FileStream OpenRead(string file, string what)
    {
        if (!File.Exists(file))
            throw RbdErrors.Refusal(RbdErrno.ENOENT, "FileNotFound", file,
                $"Cannot {what}: the file '{file}' does not exist.");
        return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
    }
}
