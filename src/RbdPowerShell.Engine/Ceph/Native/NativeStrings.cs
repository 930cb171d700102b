using System.Runtime.InteropServices;
using System.Text;

namespace RbdPowerShell.Engine.Ceph.Native;

/// <summary>C strings and the grow-on-ERANGE buffers of librados/librbd calls.</summary>
internal static unsafe class NativeStrings
{
    private const int ERange = 34;

    public static string Read(byte* text) => text == null ? "" : Marshal.PtrToStringUTF8((IntPtr)text) ?? "";

    /// <summary>The NUL-terminated text at the start of <paramref name="buffer"/>.</summary>
    public static string FromBuffer(byte[] buffer)
    {
        int end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }

    /// <summary>Calls <paramref name="call"/>(buffer, length) with a larger buffer until it stops saying ERANGE; returns the bytes.</summary>
    public static byte[] Buffer(Func<IntPtr, nuint, long> call, string operation, string target, int initial = 256)
    {
        for (int size = initial; ; size *= 2)
        {
            var buffer = new byte[size];
            long rc;
            fixed (byte* p = buffer) rc = call((IntPtr)p, (nuint)size);
            if (rc == -ERange) continue;
            CephErrors.Check(rc, operation, target);
            return rc > 0 && rc <= size ? buffer[..(int)rc] : buffer;
        }
    }

    /// <summary>A buffer of NUL-separated names ending in an empty one.</summary>
    public static List<string> SplitNames(byte[] buffer)
    {
        var names = new List<string>();
        int start = 0;
        for (int i = 0; i < buffer.Length; i++)
        {
            if (buffer[i] != 0) continue;
            if (i == start) break;
            names.Add(Encoding.UTF8.GetString(buffer, start, i - start));
            start = i + 1;
        }
        return names;
    }
}

/// <summary>librbd's list calls: a caller-allocated array, -ERANGE with the count needed when it is too small, a cleanup.</summary>
internal static unsafe class NativeLists
{
    public delegate int ListCall<T>(T* items, ref nuint count) where T : unmanaged;
    public delegate void Cleanup<T>(T* items, nuint count) where T : unmanaged;

    public static List<R> Read<T, R>(ListCall<T> list, Func<T, R> map, Cleanup<T> cleanup, string operation, string target)
        where T : unmanaged
    {
        for (nuint max = 16; ; max *= 2)
        {
            var items = new T[max];
            nuint count = max;
            fixed (T* p = items)
            {
                int rc = list(p, ref count);
                if (rc == -34) { max = Math.Max(max, count); continue; }
                CephErrors.Check(rc, operation, target);
                try
                {
                    var result = new List<R>((int)count);
                    for (nuint i = 0; i < count; i++) result.Add(map(p[i]));
                    return result;
                }
                finally { cleanup(p, count); }
            }
        }
    }
}
