using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RbdPowerShell.Engine;

/// <summary>The data segments of a (possibly sparse) file, found with lseek SEEK_DATA/SEEK_HOLE where the OS has them.</summary>
internal static class SparseFile
{
    private const int SeekData = 3, SeekHole = 4;

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static extern long LSeek(int fd, long offset, int whence);

    public static IEnumerable<(long Start, long End)> DataSegments(SafeFileHandle handle, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            if (length > 0) yield return (0, length);
            yield break;
        }
        int fd = (int)handle.DangerousGetHandle();
        long position = 0;
        while (position < length)
        {
            long start = LSeek(fd, position, SeekData);
            if (start < 0)
            {
                // ENXIO: no data past position; anything else (EINVAL: not supported): treat the rest as data.
                if (Marshal.GetLastPInvokeError() != 6) yield return (position, length);
                yield break;
            }
            long end = LSeek(fd, start, SeekHole);
            if (end < 0 || end > length) end = length;
            yield return (start, end);
            position = end;
        }
    }
}
