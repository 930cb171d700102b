using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// The files cmdlets read (Import-RbdImage, Import-RbdDiff, Merge-RbdDiff) and write (Export-RbdImage,
/// Export-RbdDiff -Path, Merge-RbdDiff): the checks before (a missing folder, a folder given as a file, an existing
/// file without -Force, an unreadable or unwritable path), and the write itself, into a temporary file beside the
/// target that replaces it only once complete. A failed or stopped write (Ctrl+C) leaves neither a partial file
/// nor a damaged older one; every refusal names the path the user gave, never the temporary file.
/// </summary>
internal static class OutputFile
{
    /// <summary>
    /// Refuses a directory (PathIsDirectory), a missing folder (DirectoryNotFound) or an existing file without -Force
    /// (FileExists). Returns whether the file exists.
    /// </summary>
    public static bool Check(string file, bool force, string what, string parameter = "-Path")
    {
        if (Directory.Exists(file)) throw IsDirectory(file, $"Cannot {what} to '{file}': it is a folder, not a file.");
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null && !Directory.Exists(folder))
            throw RbdErrors.Refusal(RbdErrno.ENOENT, "DirectoryNotFound", file,
                $"Cannot {what} to '{file}': the folder '{folder}' does not exist. Create it first, or choose another {parameter}.");
        bool exists = File.Exists(file);
        if (exists && !force)
            throw RbdErrors.Refusal(RbdErrno.EEXIST, "FileExists", file,
                $"Cannot {what} to '{file}': the file already exists. Use -Force to overwrite it, or choose another {parameter}.");
        return exists;
    }

    /// <summary>Writes <paramref name="file"/> as a stream through <paramref name="write"/>, all at once or not at all.</summary>
    public static void Write(string file, string what, Action<Stream> write) => Replace(file, what, null, partial =>
    {
        using var stream = new FileStream(partial, FileMode.Open, FileAccess.Write, FileShare.None,
                                          1 << 20, FileOptions.SequentialScan);
        write(stream);
        stream.Flush(flushToDisk: false);
    });

    /// <summary>
    /// Writes <paramref name="file"/> through <paramref name="write"/>, which gets the path of a new, empty temporary
    /// file beside it; the temporary file replaces <paramref name="file"/> once complete and is deleted otherwise.
    /// With <paramref name="length"/> the file system is asked first whether it can hold a file that long (a sparse
    /// file costs only its data, so free space is not checked up front; running out of it is DiskFull).
    /// </summary>
    public static void Replace(string file, string what, ulong? length, Action<string> write)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        var partial = Path.Combine(dir, $".{Path.GetFileName(file)}.{Guid.NewGuid().ToString("N")[..8]}.partial");
        try
        {
            try
            {
                using (var handle = File.OpenHandle(partial, FileMode.CreateNew, FileAccess.Write))
                    if (length is ulong size) ProbeLength(handle, size, file, what);
            }
            catch (UnauthorizedAccessException ex) { throw Unwritable(file, what, dir, ex); }
            catch (IOException ex) when (Errno(ex) is RbdErrno.EACCES or RbdErrno.EPERM or RbdErrno.EROFS)
            {
                throw Unwritable(file, what, dir, ex);
            }
            try { write(partial); }
            catch (IOException ex) when (Errno(ex) == RbdErrno.ENOSPC)
            {
                throw RbdErrors.Refusal(RbdErrno.ENOSPC, "DiskFull", file,
                    $"Cannot {what} to '{file}': the disk is full (the file system of '{dir}' has no space left). Nothing was written.");
            }
            catch (IOException ex) when (Errno(ex) == RbdErrno.EFBIG) { throw TooLarge(file, what, null); }
            File.Move(partial, file, overwrite: true);
        }
        catch
        {
            try { File.Delete(partial); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Sets the new file's length (sparse: no data is written) and back, so a file system too small says so now.</summary>
    private static void ProbeLength(Microsoft.Win32.SafeHandles.SafeFileHandle handle, ulong size, string file, string what)
    {
        if (size > long.MaxValue) throw TooLarge(file, what, size);
        try { RandomAccess.SetLength(handle, (long)size); }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException || ex is IOException io && Errno(io) is RbdErrno.EFBIG or RbdErrno.EINVAL)
        {
            throw TooLarge(file, what, size);
        }
        RandomAccess.SetLength(handle, 0);
    }

    /// <summary>Opens a file to read; a folder, a missing file or folder, or an unreadable file are refusals naming it.</summary>
    public static FileStream OpenRead(string file, string what)
    {
        RequireReadable(file, what);
        return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
    }

    /// <summary>Refuses an input path that is a folder (PathIsDirectory), missing (FileNotFound, DirectoryNotFound) or unreadable (AccessDenied).</summary>
    public static void RequireReadable(string file, string what)
    {
        if (Directory.Exists(file)) throw IsDirectory(file, $"Cannot {what}: '{file}' is a folder, not a file.");
        if (!File.Exists(file))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (folder is not null && !Directory.Exists(folder))
                throw RbdErrors.Refusal(RbdErrno.ENOENT, "DirectoryNotFound", file,
                    $"Cannot {what}: the folder '{folder}' of '{file}' does not exist.");
            throw RbdErrors.Refusal(RbdErrno.ENOENT, "FileNotFound", file, $"Cannot {what}: the file '{file}' does not exist.");
        }
        try { File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite).Dispose(); }
        catch (UnauthorizedAccessException ex)
        {
            throw new RbdException(RbdErrno.EACCES, file, $"Cannot {what}: '{file}' cannot be read ({ex.Message})", ex)
            { ErrorId = "AccessDenied" };
        }
    }

    private static RbdException IsDirectory(string file, string message) =>
        RbdErrors.Refusal(RbdErrno.EINVAL, "PathIsDirectory", file, message + " Give a file name.");

    // ex's message names the temporary file, not the user's
    private static RbdException Unwritable(string file, string what, string dir, Exception ex) =>
        new(RbdErrno.EACCES, file, $"Cannot {what} to '{file}': the folder '{dir}' cannot be written to (permission denied or read-only).", ex)
        { ErrorId = "AccessDenied" };

    private static RbdException TooLarge(string file, string what, ulong? size) => RbdErrors.Refusal(RbdErrno.EFBIG, "FileTooLarge", file,
        $"Cannot {what} to '{file}': the file system cannot hold a file of " +
        (size is ulong s ? $"{s} bytes ({SizeParser.Format(s)})" : "that size") +
        ". Nothing was written; choose a folder on a file system that can (XFS or Btrfs hold up to 8 EiB, ext4 16 TiB).");

    /// <summary>The errno behind an IOException on Unix (.NET keeps it as the HResult), or 0.</summary>
    private static RbdErrno Errno(IOException ex) => (RbdErrno)(ex.HResult & 0xFFFF);
}
