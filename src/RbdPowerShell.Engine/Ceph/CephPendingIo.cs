using System.Buffers;
using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>
/// One librbd aio call in flight. Its completion has no callback (nothing runs on librbd's threads): it is waited for
/// with rbd_aio_wait_for_complete. It holds the pin of its buffer, which librbd reads from and writes into without
/// copying, and a reference on the image handle, so that rbd_close cannot come first; all are let go once it is over.
/// </summary>
internal sealed unsafe class CephPendingIo : IPendingIo
{
    private readonly ImageHandle _image;
    private readonly string _operation, _target;
    private readonly int? _length;
    private IntPtr _completion;
    private MemoryHandle _pin;
    private bool _imageReferenced;

    /// <param name="length">What Wait returns for a write or discard; null for a read (the bytes librbd read).</param>
    public CephPendingIo(ImageHandle image, Memory<byte> buffer, string operation, string target, int? length)
    {
        _image = image;
        _operation = operation;
        _target = target;
        _length = length;
        image.DangerousAddRef(ref _imageReferenced);
        _pin = buffer.Pin();
        int rc = Rbd.rbd_aio_create_completion(IntPtr.Zero, IntPtr.Zero, out _completion);
        if (rc < 0) Fail(rc);
    }

    public IntPtr Completion => _completion;
    public byte* Buffer => (byte*)_pin.Pointer;

    /// <summary>Takes the aio call's own return: a refusal before anything started releases all and throws.</summary>
    public IPendingIo Started(int rc)
    {
        if (rc < 0) Fail(rc);
        return this;
    }

    public bool IsCompleted => _completion == IntPtr.Zero || Rbd.rbd_aio_is_complete(_completion) != 0;

    public int Wait()
    {
        if (_completion == IntPtr.Zero) throw new ObjectDisposedException(nameof(CephPendingIo));
        Rbd.rbd_aio_wait_for_complete(_completion);
        long rc = Rbd.rbd_aio_get_return_value(_completion);
        Release();
        CephErrors.Check(rc, _operation, _target);
        return _length ?? (int)rc;
    }

    private void Fail(int rc)
    {
        Release();
        CephErrors.Check(rc, _operation, _target);
    }

    public void Dispose()
    {
        if (_completion != IntPtr.Zero) Rbd.rbd_aio_wait_for_complete(_completion);
        Release();
    }

    private void Release()
    {
        if (_completion != IntPtr.Zero) Rbd.rbd_aio_release(_completion);
        _completion = IntPtr.Zero;
        _pin.Dispose();
        if (_imageReferenced) _image.DangerousRelease();
        _imageReferenced = false;
    }
}
