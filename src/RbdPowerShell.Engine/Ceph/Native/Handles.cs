using System.Runtime.InteropServices;

namespace RbdPowerShell.Engine.Ceph.Native;

/// <summary>A rados_t. Released (rados_shutdown) only after every ioctx made from it.</summary>
internal sealed class RadosHandle : SafeHandle
{
    public RadosHandle(IntPtr handle) : base(IntPtr.Zero, true) => SetHandle(handle);
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle()
    {
        Rados.rados_shutdown(handle);
        return true;
    }
}

/// <summary>
/// A handle that keeps its owner alive: an ioctx keeps its cluster, an image its ioctx, so closing in any
/// order never closes an image after rados_shutdown (which hangs).
/// </summary>
internal abstract class DependentHandle : SafeHandle
{
    private readonly SafeHandle _owner;
    private bool _ownerReferenced;

    protected DependentHandle(SafeHandle owner) : base(IntPtr.Zero, true)
    {
        _owner = owner;
        owner.DangerousAddRef(ref _ownerReferenced);
    }

    /// <summary>Takes the native pointer once the native call that made it succeeded.</summary>
    public void Attach(IntPtr value) => SetHandle(value);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected abstract void Close(IntPtr value);

    protected override bool ReleaseHandle()
    {
        Close(handle);
        if (_ownerReferenced) _owner.DangerousRelease();
        return true;
    }

    /// <summary>A handle whose native call failed still holds its owner: let it go.</summary>
    public void Abandon()
    {
        if (IsInvalid && _ownerReferenced)
        {
            _ownerReferenced = false;
            _owner.DangerousRelease();
        }
        SetHandleAsInvalid();
    }
}

internal sealed class IoCtxHandle : DependentHandle
{
    public IoCtxHandle(RadosHandle cluster) : base(cluster) { }
    protected override void Close(IntPtr value) => Rados.rados_ioctx_destroy(value);
}

internal sealed class ImageHandle : DependentHandle
{
    public ImageHandle(IoCtxHandle ioctx) : base(ioctx) { }
    protected override void Close(IntPtr value) => Rbd.rbd_close(value);
}
