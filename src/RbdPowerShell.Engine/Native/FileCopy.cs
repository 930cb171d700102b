using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RbdPowerShell.Engine;

/// <summary>Copies a byte range between files in the kernel (copy_file_range) where it can, else through a buffer.</summary>
internal static class FileCopy
{
    [DllImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static extern nint CopyFileRange(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);

    public static void Range(SafeFileHandle source, SafeFileHandle target, long offset, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            long inOffset = offset, outOffset = offset, end = offset + length;
            while (inOffset < end)
            {
                nint n = CopyFileRange((int)source.DangerousGetHandle(), ref inOffset,
                                       (int)target.DangerousGetHandle(), ref outOffset, (nuint)(end - inOffset), 0);
                if (n <= 0) break;
            }
            if (inOffset >= end) return;
            length = end - inOffset;
            offset = inOffset;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long done = 0; done < length;)
            {
                int n = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done)), offset + done);
                if (n <= 0) break;
                RandomAccess.Write(target, buffer.AsSpan(0, n), offset + done);
                done += n;
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }
}
