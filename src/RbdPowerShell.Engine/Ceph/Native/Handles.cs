using System.Runtime.InteropServices;

namespace RbdPowerShell.Engine.Ceph.Native;

/// <summary>A rados_t. Released (rados_shutdown) only after every ioctx made from it.</summary>
internal sealed class RadosHandle : SafeHandle
{
    /// <summary>
    /// rados_connect and rados_shutdown of different clients must not run at the same time in one process
    /// (ceph PR 33825: "they don't, and can't, behave well when racing"; seen here as std::system_error aborts).
    /// </summary>
    public static readonly object Lifecycle = new();

    public RadosHandle(IntPtr handle) : base(IntPtr.Zero, true) => SetHandle(handle);
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle()
    {
        lock (Lifecycle) Rados.rados_shutdown(handle);
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
    public IoCtxHandle(RadosHandle cluster) : base(cluster) => OpenHandles.Track(this);
    protected override void Close(IntPtr value) => Rados.rados_ioctx_destroy(value);
}

internal sealed class ImageHandle : DependentHandle
{
    /// <summary>
    /// Images are opened and closed one at a time in a process: concurrent rbd_open calls on one rados client
    /// aborted librados here (std::system_error thrown in an io_context thread), in about one run in three of the
    /// test suite, which opens images from several threads. An open costs milliseconds; the rest runs in parallel.
    /// </summary>
    public static readonly object OpenClose = new();

    public ImageHandle(IoCtxHandle ioctx) : base(ioctx) => OpenHandles.Track(this);
    protected override void Close(IntPtr value)
    {
        lock (OpenClose) Rbd.rbd_close(value);
    }
}

/// <summary>
/// Every native handle still open. A process that exits with librados threads running dies in C++ static
/// destructors ("terminate called after throwing std::system_error"); at exit these are closed images first,
/// then ioctxs, then clusters, whatever the caller forgot to dispose.
/// </summary>
internal static class OpenHandles
{
    private static readonly List<WeakReference> Handles = new();
    private static int registered;

    public static void Track(SafeHandle handle)
    {
        if (Interlocked.Exchange(ref registered, 1) == 0) AppDomain.CurrentDomain.ProcessExit += (_, _) => CloseAll();
        lock (Handles)
        {
            Handles.RemoveAll(h => h.Target is not SafeHandle { IsClosed: false });
            // Long weak references: a leaked handle waiting for its finalizer is still found at exit.
            Handles.Add(new WeakReference(handle, trackResurrection: true));
        }
    }

    private static void CloseAll()
    {
        List<SafeHandle> open;
        lock (Handles) open = Handles.Select(h => h.Target).OfType<SafeHandle>().ToList();
        foreach (var kind in new[] { typeof(ImageHandle), typeof(IoCtxHandle), typeof(RadosHandle) })
            foreach (var handle in open.Where(h => h.GetType() == kind))
                handle.Dispose();
    }
}
