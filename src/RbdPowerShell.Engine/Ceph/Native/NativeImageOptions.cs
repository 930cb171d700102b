namespace RbdPowerShell.Engine.Ceph.Native;

/// <summary>An rbd_image_options_t for create/clone: format 2, order, features and (for clones) the clone format.</summary>
internal sealed class NativeImageOptions : IDisposable
{
    public NativeImageOptions(int order, RbdFeatures features, int? cloneFormat = null)
    {
        Rbd.rbd_image_options_create(out var handle);
        Handle = handle;
        Set(Rbd.OptionFormat, 2);
        Set(Rbd.OptionOrder, (ulong)order);
        Set(Rbd.OptionFeatures, (ulong)features);
        if (cloneFormat is int format) Set(Rbd.OptionCloneFormat, (ulong)format);
    }

    public IntPtr Handle { get; private set; }

    private void Set(int option, ulong value) => CephErrors.Check(Rbd.rbd_image_options_set_uint64(Handle, option, value), "Setting image option", option.ToString());

    public void Dispose()
    {
        if (Handle == IntPtr.Zero) return;
        Rbd.rbd_image_options_destroy(Handle);
        Handle = IntPtr.Zero;
    }
}
