using System.Runtime.InteropServices;

namespace RbdPowerShell.Engine.Ceph.Native;

/// <summary>librbd.so.1: one declaration per C call the backend uses. Every int result is 0 or -errno.</summary>
internal static unsafe partial class Rbd
{
    public const string Library = "librbd.so.1";

    public const int OptionFormat = 0, OptionFeatures = 1, OptionOrder = 2, OptionCloneFormat = 12;

    [DllImport(Library)] public static extern int rbd_pool_init(IoCtxHandle io, [MarshalAs(UnmanagedType.U1)] bool force);
    [DllImport(Library)] public static extern int rbd_namespace_create(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Library)] public static extern int rbd_namespace_remove(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Library)] public static extern int rbd_namespace_exists(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.U1)] out bool exists);

    [DllImport(Library)] public static extern void rbd_image_options_create(out IntPtr options);
    [DllImport(Library)] public static extern void rbd_image_options_destroy(IntPtr options);
    [DllImport(Library)] public static extern int rbd_image_options_set_uint64(IntPtr options, int name, ulong value);

    [DllImport(Library)] public static extern int rbd_list2(IoCtxHandle io, ImageSpecNative* images, ref nuint max);
    [DllImport(Library)] public static extern void rbd_image_spec_list_cleanup(ImageSpecNative* images, nuint count);
    [DllImport(Library)] public static extern int rbd_create4(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, ulong size, IntPtr options);
    [DllImport(Library)] public static extern int rbd_clone3(IoCtxHandle parentIo, [MarshalAs(UnmanagedType.LPUTF8Str)] string parentName, [MarshalAs(UnmanagedType.LPUTF8Str)] string parentSnap,
                                                             IoCtxHandle childIo, [MarshalAs(UnmanagedType.LPUTF8Str)] string childName, IntPtr options);
    [DllImport(Library)] public static extern int rbd_remove_with_progress(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, IntPtr callback, IntPtr data);
    [DllImport(Library)] public static extern int rbd_rename(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string newName);

    [DllImport(Library)] public static extern int rbd_open(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, out IntPtr image, [MarshalAs(UnmanagedType.LPUTF8Str)] string? snapshot);
    [DllImport(Library)] public static extern int rbd_open_read_only(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, out IntPtr image, [MarshalAs(UnmanagedType.LPUTF8Str)] string? snapshot);
    [DllImport(Library)] public static extern int rbd_open_by_id_read_only(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string id, out IntPtr image, [MarshalAs(UnmanagedType.LPUTF8Str)] string? snapshot);
    [DllImport(Library)] public static extern int rbd_snap_set(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string? snapshot);
    [DllImport(Library)] public static extern int rbd_close(IntPtr image);

    [DllImport(Library)] public static extern int rbd_stat(ImageHandle image, out ImageInfoNative info, nuint size);
    [DllImport(Library)] public static extern int rbd_get_id(ImageHandle image, byte* id, nuint length);
    [DllImport(Library)] public static extern int rbd_get_name(ImageHandle image, byte* name, ref nuint length);
    [DllImport(Library)] public static extern int rbd_get_features(ImageHandle image, out ulong features);
    [DllImport(Library)] public static extern int rbd_get_create_timestamp(ImageHandle image, out TimeSpecNative timestamp);
    [DllImport(Library)] public static extern int rbd_get_parent(ImageHandle image, out LinkedImageSpecNative parent, out SnapSpecNative parentSnap);
    [DllImport(Library)] public static extern void rbd_linked_image_spec_cleanup(ref LinkedImageSpecNative spec);
    [DllImport(Library)] public static extern void rbd_snap_spec_cleanup(ref SnapSpecNative spec);
    [DllImport(Library)] public static extern int rbd_get_size(ImageHandle image, out ulong size);
    [DllImport(Library)] public static extern int rbd_get_overlap(ImageHandle image, out ulong overlap);

    [DllImport(Library)] public static extern nint rbd_read2(ImageHandle image, ulong offset, nuint length, byte* buffer, int flags);
    [DllImport(Library)] public static extern nint rbd_write2(ImageHandle image, ulong offset, nuint length, byte* buffer, int flags);
    [DllImport(Library)] public static extern int rbd_discard(ImageHandle image, ulong offset, ulong length);
    [DllImport(Library)] public static extern int rbd_resize_with_progress(ImageHandle image, ulong size, IntPtr callback, IntPtr data);
    [DllImport(Library)] public static extern int rbd_diff_iterate2(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string? fromSnapshot, ulong offset, ulong length,
                                                                    byte includeParent, byte wholeObject, IntPtr callback, IntPtr data);

    [DllImport(Library)] public static extern int rbd_snap_list(ImageHandle image, SnapInfoNative* snaps, ref int max);
    [DllImport(Library)] public static extern void rbd_snap_list_end(SnapInfoNative* snaps);
    [DllImport(Library)] public static extern int rbd_snap_is_protected(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, out int isProtected);
    [DllImport(Library)] public static extern int rbd_snap_get_timestamp(ImageHandle image, ulong snapId, out TimeSpecNative timestamp);
    [DllImport(Library)] public static extern int rbd_snap_create(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Library)] public static extern int rbd_snap_remove(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Library)] public static extern int rbd_snap_protect(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Library)] public static extern int rbd_snap_unprotect(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Library)] public static extern int rbd_snap_rollback_with_progress(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, IntPtr callback, IntPtr data);
    [DllImport(Library)] public static extern int rbd_snap_rename(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string newName);

    [DllImport(Library)] public static extern int rbd_list_children3(ImageHandle image, LinkedImageSpecNative* children, ref nuint max);
    [DllImport(Library)] public static extern void rbd_linked_image_spec_list_cleanup(LinkedImageSpecNative* children, nuint count);
    [DllImport(Library)] public static extern int rbd_flatten_with_progress(ImageHandle image, IntPtr callback, IntPtr data);

    [DllImport(Library)] public static extern int rbd_trash_move(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, ulong delaySeconds);
    [DllImport(Library)] public static extern int rbd_trash_list(IoCtxHandle io, TrashImageInfoNative* entries, ref nuint count);
    [DllImport(Library)] public static extern void rbd_trash_list_cleanup(TrashImageInfoNative* entries, nuint count);
    [DllImport(Library)] public static extern int rbd_trash_restore(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string id, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Library)] public static extern int rbd_trash_remove_with_progress(IoCtxHandle io, [MarshalAs(UnmanagedType.LPUTF8Str)] string id, [MarshalAs(UnmanagedType.U1)] bool force, IntPtr callback, IntPtr data);

    [DllImport(Library)] public static extern int rbd_aio_create_completion(IntPtr argument, IntPtr callback, out IntPtr completion);
    [DllImport(Library)] public static extern int rbd_aio_write2(ImageHandle image, ulong offset, nuint length, byte* buffer, IntPtr completion, int flags);
    [DllImport(Library)] public static extern int rbd_aio_read2(ImageHandle image, ulong offset, nuint length, byte* buffer, IntPtr completion, int flags);
    [DllImport(Library)] public static extern int rbd_aio_discard(ImageHandle image, ulong offset, ulong length, IntPtr completion);
    [DllImport(Library)] public static extern int rbd_aio_is_complete(IntPtr completion);
    [DllImport(Library)] public static extern int rbd_aio_wait_for_complete(IntPtr completion);
    [DllImport(Library)] public static extern nint rbd_aio_get_return_value(IntPtr completion);
    [DllImport(Library)] public static extern void rbd_aio_release(IntPtr completion);
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ImageSpecNative
{
    public byte* Id;
    public byte* Name;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LinkedImageSpecNative
{
    public long PoolId;
    public byte* PoolName;
    public byte* PoolNamespace;
    public byte* ImageId;
    public byte* ImageName;
    public byte Trash;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TrashImageInfoNative
{
    public byte* Id;
    public byte* Name;
    public int Source;
    public long DeletionTime;
    public long DefermentEndTime;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SnapSpecNative
{
    public ulong Id;
    public int NamespaceType;
    public byte* Name;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SnapInfoNative
{
    public ulong Id;
    public ulong Size;
    public byte* Name;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ImageInfoNative
{
    public ulong Size;
    public ulong ObjectSize;
    public ulong Objects;
    public int Order;
    public fixed byte BlockNamePrefix[24];
    public long ParentPool;
    public fixed byte ParentName[96];
}

[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpecNative
{
    public long Seconds;
    public long Nanoseconds;

    public DateTime ToDateTime() =>
        DateTime.UnixEpoch.AddSeconds(Seconds).AddTicks(Nanoseconds / 100);
}

// ---- day-2: image metadata, feature updates, watchers (rbd image-meta, feature, status) ----

internal static unsafe partial class Rbd
{
    [DllImport(Library)] public static extern int rbd_metadata_get(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string key, byte* value, ref nuint length);
    [DllImport(Library)] public static extern int rbd_metadata_set(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string key, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);
    [DllImport(Library)] public static extern int rbd_metadata_remove(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string key);
    [DllImport(Library)] public static extern int rbd_metadata_list(ImageHandle image, [MarshalAs(UnmanagedType.LPUTF8Str)] string start, ulong max,
                                                                    byte* keys, ref nuint keysLength, byte* values, ref nuint valuesLength);
    [DllImport(Library)] public static extern int rbd_update_features(ImageHandle image, ulong features, byte enabled);
    [DllImport(Library)] public static extern int rbd_watchers_list(ImageHandle image, ImageWatcherNative* watchers, ref nuint max);
    [DllImport(Library)] public static extern void rbd_watchers_list_cleanup(ImageWatcherNative* watchers, nuint count);
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ImageWatcherNative
{
    public byte* Address;
    public long Id;
    public ulong Cookie;
}
