using System.Runtime.InteropServices;

namespace RbdPowerShell.Engine.Ceph.Native;

/// <summary>librados.so.2: one declaration per C call the backend uses. Every int result is 0 or -errno.</summary>
internal static unsafe partial class Rados
{
    public const string Library = "librados.so.2";

    [DllImport(Library)] public static extern int rados_create(out IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string id);
    [DllImport(Library)] public static extern int rados_conf_read_file(RadosHandle cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);
    [DllImport(Library)] public static extern int rados_conf_set(RadosHandle cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string option, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);
    [DllImport(Library)] public static extern int rados_connect(RadosHandle cluster);
    [DllImport(Library)] public static extern void rados_shutdown(IntPtr cluster);
    [DllImport(Library)] public static extern int rados_cluster_fsid(RadosHandle cluster, byte* buffer, nuint length);
    [DllImport(Library)] public static extern int rados_pool_list(RadosHandle cluster, byte* buffer, nuint length);
    [DllImport(Library)] public static extern long rados_pool_lookup(RadosHandle cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string pool);
    [DllImport(Library)] public static extern int rados_pool_create(RadosHandle cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string pool);
    [DllImport(Library)] public static extern int rados_pool_delete(RadosHandle cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string pool);

    [DllImport(Library)] public static extern int rados_ioctx_create(RadosHandle cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string pool, out IntPtr ioctx);
    [DllImport(Library)] public static extern void rados_ioctx_destroy(IntPtr ioctx);
    [DllImport(Library)] public static extern void rados_ioctx_set_namespace(IoCtxHandle ioctx, [MarshalAs(UnmanagedType.LPUTF8Str)] string? nspace);
    [DllImport(Library)] public static extern int rados_application_list(IoCtxHandle ioctx, byte* values, ref nuint length);
    [DllImport(Library)] public static extern int rados_remove(IoCtxHandle ioctx, [MarshalAs(UnmanagedType.LPUTF8Str)] string oid);

    [DllImport(Library)] public static extern IntPtr rados_create_write_op();
    [DllImport(Library)] public static extern void rados_release_write_op(IntPtr op);
    [DllImport(Library)] public static extern void rados_write_op_create(IntPtr op, int exclusive, IntPtr category);
    [DllImport(Library)] public static extern void rados_write_op_omap_set2(IntPtr op, byte** keys, byte** values, nuint* keyLengths, nuint* valueLengths, nuint count);
    [DllImport(Library)] public static extern void rados_write_op_omap_rm_keys2(IntPtr op, byte** keys, nuint* keyLengths, nuint count);
    [DllImport(Library)] public static extern int rados_write_op_operate(IntPtr op, IoCtxHandle ioctx, [MarshalAs(UnmanagedType.LPUTF8Str)] string oid, IntPtr mtime, int flags);

    [DllImport(Library)] public static extern IntPtr rados_create_read_op();
    [DllImport(Library)] public static extern void rados_release_read_op(IntPtr op);
    [DllImport(Library)] public static extern void rados_read_op_omap_get_vals2(IntPtr op, [MarshalAs(UnmanagedType.LPUTF8Str)] string? startAfter, [MarshalAs(UnmanagedType.LPUTF8Str)] string? filterPrefix, ulong maxReturn, out IntPtr iterator, byte* more, int* result);
    [DllImport(Library)] public static extern int rados_read_op_operate(IntPtr op, IoCtxHandle ioctx, [MarshalAs(UnmanagedType.LPUTF8Str)] string oid, int flags);
    [DllImport(Library)] public static extern int rados_omap_get_next2(IntPtr iterator, out byte* key, out byte* value, out nuint keyLength, out nuint valueLength);
    [DllImport(Library)] public static extern void rados_omap_get_end(IntPtr iterator);
}

// ---- day-2: who this client is, to tell its own watch from others' (rbd status) ----

internal static unsafe partial class Rados
{
    [DllImport(Library)] public static extern IntPtr rados_ioctx_get_cluster(IoCtxHandle ioctx);
    [DllImport(Library)] public static extern ulong rados_get_instance_id(IntPtr cluster);
}
