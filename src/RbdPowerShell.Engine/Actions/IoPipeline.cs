using System.Buffers;
using System.Runtime.InteropServices;

namespace RbdPowerShell.Engine;

/// <summary>
/// Keeps up to <see cref="MaxInFlight"/> reads, writes and discards in flight (rbd's rbd_concurrent_management_ops)
/// through <see cref="IRbdImage.StartRead"/> and its siblings, in buffers from a few pooled chunks, so memory stays
/// flat whatever the image size. Everything runs on the caller's thread: a read's continuation runs after the
/// continuations of everything started before it (output stays in order); writes and discards end in any order.
/// Dispose waits for every I/O still in flight, so after a failure or Ctrl+C no chunk is freed while librbd uses it.
/// On a backend without aio each I/O is over when it starts and one chunk serves over and over (it stays in cache).
/// </summary>
internal sealed class IoPipeline : IDisposable
{
    public const int MaxInFlight = 10;
    /// <summary>At most this much in chunks: rbd import's 10 objects of 4 MiB.</summary>
    private const long MaxChunkBytes = 40L << 20;
    /// <summary>Bounds the continuations queued behind a slow read (export-diff's 'z' records).</summary>
    private const int MaxQueued = 4 * MaxInFlight;

    private readonly List<Entry> _queue = new();
    private readonly Dictionary<byte[], int> _users = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<byte[]> _free = new();
    private readonly int _maxChunks;
    private int _inFlight;
    private bool _inContinuation;

    public IoPipeline(int chunkSize)
    {
        ChunkSize = chunkSize;
        _maxChunks = (int)Math.Clamp(MaxChunkBytes / chunkSize, 2, MaxInFlight);
    }

    /// <summary>A pipeline whose chunks suit every image it serves: the largest of their bulk I/O sizes, at most an object.</summary>
    public static IoPipeline For(ulong objectSize, params IRbdImage[] images) =>
        new((int)Math.Min(objectSize, (ulong)images.Max(image => image.BulkIoSize)));

    /// <summary>The usable length of a chunk from <see cref="Rent"/>.</summary>
    public int ChunkSize { get; }

    private sealed record Entry(IPendingIo? Io, byte[]? Chunk, Action<int>? Then);

    /// <summary>A chunk to fill; waits for I/Os to end while every chunk is in use. Give it back with <see cref="Release"/>.</summary>
    public byte[] Rent()
    {
        Pump();
        while (_free.Count == 0 && _users.Count >= _maxChunks)
        {
            if (_queue.Count == 0) throw new InvalidOperationException("Every chunk of the pipeline is rented and none is released.");
            FinishOldest();
        }
        var chunk = _free.Count > 0 ? _free.Pop() : ArrayPool<byte>.Shared.Rent(ChunkSize);
        _users[chunk] = 1;
        return chunk;
    }

    /// <summary>The renter is done with a chunk: it is reused once the I/Os started on it have ended.</summary>
    public void Release(byte[] chunk)
    {
        if (--_users[chunk] == 0) _free.Push(chunk);
    }

    /// <summary>Writes <paramref name="data"/>, which must lie in a rented chunk.</summary>
    public void Write(IRbdImage image, ulong offset, ReadOnlyMemory<byte> data)
    {
        var chunk = ChunkOf(data);
        MakeRoom();
        Add(image.StartWrite(offset, data), chunk, null);
    }

    public void Discard(IRbdImage image, ulong offset, ulong length)
    {
        MakeRoom();
        Add(image.StartDiscard(offset, length), null, null);
    }

    /// <summary>Reads into <paramref name="buffer"/> (in a rented chunk); <paramref name="then"/> gets the bytes read.</summary>
    public void Read(IRbdImage image, ulong offset, Memory<byte> buffer, Action<int> then)
    {
        var chunk = ChunkOf(buffer);
        MakeRoom();
        Add(image.StartRead(offset, buffer), chunk, then);
    }

    /// <summary>
    /// Reads [offset, offset+length) chunk by chunk and hands each chunk's data, in offset order, to
    /// <paramref name="consume"/> (which may start writes from it); a short read means the image shrank meanwhile.
    /// </summary>
    public void ReadChunks(IRbdImage image, ulong offset, ulong length, Action<ulong, ReadOnlyMemory<byte>> consume)
    {
        for (ulong done = 0; done < length;)
        {
            int n = (int)Math.Min((ulong)ChunkSize, length - done);
            var chunk = Rent();
            ulong at = offset + done;
            Read(image, at, chunk.AsMemory(0, n), read =>
            {
                if (read < n) throw ShortRead(image, at, n, read);
                consume(at, chunk.AsMemory(0, n));
                Release(chunk);
            });
            done += (ulong)n;
        }
    }

    private static RbdException ShortRead(IRbdImage image, ulong offset, int length, int read) =>
        new(RbdErrno.EIO, $"{image.Pool}/{image.Name}",
            $"Reading {length} bytes at {offset} of '{image.Pool}/{image.Name}' returned only {read}; the image changed while it was read.")
        { ErrorId = "ShortRead" };

    /// <summary>Runs <paramref name="action"/> after the continuations of every read started before it.</summary>
    public void Then(Action action)
    {
        MakeRoom();
        Add(null, null, _ => action());
    }

    /// <summary>Waits for every I/O and runs every continuation; throws the first error.</summary>
    public void Finish()
    {
        while (_queue.Count > 0) FinishOldest();
    }

    /// <summary>Waits for whatever is still in flight (its errors no longer matter) and returns the chunks.</summary>
    public void Dispose()
    {
        foreach (var entry in _queue) entry.Io?.Dispose();
        _queue.Clear();
        foreach (var chunk in _users.Keys) ArrayPool<byte>.Shared.Return(chunk);
        _users.Clear();
        _free.Clear();
    }

    private byte[] ChunkOf(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Array is { } array && _users.ContainsKey(array)
            ? array
            : throw new ArgumentException("Pipelined I/O goes through a chunk rented from the pipeline.", nameof(memory));

    private void Add(IPendingIo? io, byte[]? chunk, Action<int>? then)
    {
        if (io is not null) _inFlight++;
        if (chunk is not null) _users[chunk]++;
        _queue.Add(new Entry(io, chunk, then));
    }

    /// <summary>Ends what has completed, then waits while the pipeline is full. A continuation's own I/Os skip the wait.</summary>
    private void MakeRoom()
    {
        if (_inContinuation) return;
        Pump();
        while (_inFlight >= MaxInFlight || _queue.Count >= MaxQueued) FinishOldest();
    }

    /// <summary>Ends, without waiting, every completed write and discard, and completed reads up to the first pending one.</summary>
    private void Pump()
    {
        bool ordered = true;
        for (int i = 0; i < _queue.Count;)
        {
            var entry = _queue[i];
            bool mayEnd = entry.Then is null || ordered;
            if (mayEnd && (entry.Io is null || entry.Io.IsCompleted)) End(i);
            else
            {
                if (entry.Then is not null) ordered = false;
                i++;
            }
        }
    }

    private void FinishOldest()
    {
        End(0);
        Pump();
    }

    private void End(int index)
    {
        var entry = _queue[index];
        _queue.RemoveAt(index);
        int result = 0;
        if (entry.Io is not null)
        {
            try { result = entry.Io.Wait(); }
            finally
            {
                entry.Io.Dispose();
                _inFlight--;
                if (entry.Chunk is not null) Release(entry.Chunk);
            }
        }
        if (entry.Then is null) return;
        _inContinuation = true;
        try { entry.Then(result); }
        finally { _inContinuation = false; }
    }
}
