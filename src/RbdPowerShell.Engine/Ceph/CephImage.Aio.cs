using System.Runtime.InteropServices;
using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>Pipelined I/O: rbd_aio_read2, rbd_aio_write2 and rbd_aio_discard after the checks the synchronous calls make.</summary>
internal sealed unsafe partial class CephImage
{
    public IPendingIo StartRead(ulong offset, Memory<byte> buffer)
    {
        int n = (int)Clipped(offset, (ulong)buffer.Length);
        if (n == 0) return CompletedIo.Of(0);
        var io = new CephPendingIo(_handle, buffer, "Reading", Spec, length: null);
        return io.Started(Rbd.rbd_aio_read2(_handle, offset, (nuint)n, io.Buffer, io.Completion, 0));
    }

    public IPendingIo StartWrite(ulong offset, ReadOnlyMemory<byte> data)
    {
        CheckWrite(offset, data.Length);
        if (data.IsEmpty) return CompletedIo.Of(0);
        var io = new CephPendingIo(_handle, MemoryMarshal.AsMemory(data), "Writing to", Spec, data.Length);
        return io.Started(Rbd.rbd_aio_write2(_handle, offset, (nuint)data.Length, io.Buffer, io.Completion, 0));
    }

    public IPendingIo StartDiscard(ulong offset, ulong length)
    {
        RequireHead();
        ulong clipped = Clipped(offset, length);
        if (clipped == 0) return CompletedIo.Of(0);
        var io = new CephPendingIo(_handle, Memory<byte>.Empty, "Discarding in", Spec, 0);
        return io.Started(Rbd.rbd_aio_discard(_handle, offset, clipped, io.Completion));
    }
}
