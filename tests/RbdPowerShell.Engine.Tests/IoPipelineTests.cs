using System.Runtime.InteropServices;

namespace RbdPowerShell.Engine.Tests;

/// <summary>The pipeline's own rules, on an image whose I/Os end in a random order (or at once, as the embedded store's).</summary>
public class IoPipelineTests
{
    private const int Chunk = 1 << 20;

    [Fact]
    public void At_most_ten_are_in_flight_and_a_chunk_is_reused_only_once_its_IOs_have_ended()
    {
        var image = new ScriptedImage(seed: 1);
        var chunks = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        using (var pipeline = new IoPipeline(Chunk))
        {
            for (int i = 0; i < 200; i++)
            {
                var chunk = pipeline.Rent();
                Assert.False(image.InUse(chunk), "a chunk came back while an I/O still used it");
                chunks.Add(chunk);
                for (int part = 0; part < 3; part++)
                    pipeline.Write(image, (ulong)(i * Chunk + part * 4096), chunk.AsMemory(part * 4096, 4096));
                pipeline.Release(chunk);
            }
            pipeline.Finish();
        }
        Assert.InRange(image.MaxInFlight, 2, IoPipeline.MaxInFlight);
        Assert.InRange(chunks.Count, 2, IoPipeline.MaxInFlight);
        Assert.Equal(0, image.InFlight);
    }

    [Fact]
    public void Continuations_run_in_the_order_their_reads_started()
    {
        var image = new ScriptedImage(seed: 2);
        var seen = new List<ulong>();
        using (var pipeline = new IoPipeline(Chunk))
        {
            foreach (ulong i in Enumerable.Range(0, 60))
            {
                pipeline.ReadChunks(image, i * 3 * Chunk, 2 * Chunk + 10, (at, _) => seen.Add(at));
                pipeline.Then(() => seen.Add(ulong.MaxValue - i));
            }
            pipeline.Finish();
        }
        var expected = Enumerable.Range(0, 60).Select(i => (ulong)i)
            .SelectMany(i => new[] { i * 3 * Chunk, i * 3 * Chunk + Chunk, i * 3 * Chunk + 2 * Chunk, ulong.MaxValue - i });
        Assert.Equal(expected, seen);
        Assert.True(image.CompletedOutOfOrder, "the I/Os all ended in order: the test proves nothing");
    }

    [Fact]
    public void A_failure_waits_for_every_IO_in_flight_before_Dispose_returns()
    {
        var image = new ScriptedImage(seed: 3) { FailAt = 25 };
        Assert.Throws<RbdException>(() =>
        {
            using var pipeline = new IoPipeline(Chunk);
            for (int i = 0; i < 100; i++)
            {
                var chunk = pipeline.Rent();
                pipeline.Write(image, (ulong)(i * Chunk), chunk.AsMemory(0, Chunk));
                pipeline.Release(chunk);
            }
            pipeline.Finish();
        });
        Assert.Equal(0, image.InFlight);
        Assert.True(image.Started > 25);
    }

    [Fact]
    public void On_a_synchronous_backend_one_chunk_serves_every_IO()
    {
        var image = new ScriptedImage(seed: 4) { Synchronous = true };
        var chunks = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        using var pipeline = new IoPipeline(Chunk);
        for (int i = 0; i < 50; i++)
        {
            var chunk = pipeline.Rent();
            chunks.Add(chunk);
            pipeline.Write(image, (ulong)(i * Chunk), chunk.AsMemory(0, 4096));
            pipeline.Release(chunk);
            pipeline.ReadChunks(image, (ulong)(i * Chunk), Chunk, (_, data) => chunks.Add(Array(data)));
        }
        pipeline.Finish();
        Assert.Single(chunks);
    }

    private static byte[] Array(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) ? segment.Array! : throw new InvalidOperationException();

    /// <summary>
    /// An image of I/Os that end when it says: at each start a random few of those in flight end (in a random order), and
    /// one waited for ends then. Only the pipelined calls are there.
    /// </summary>
    private sealed class ScriptedImage(int seed) : IRbdImage
    {
        private readonly Random _random = new(seed);
        private readonly List<ScriptedIo> _inFlight = new();
        private int _lastEnded = -1;

        public bool Synchronous { get; init; }
        /// <summary>The I/O (counted from 1) whose Wait fails.</summary>
        public int FailAt { get; init; }
        public int Started { get; private set; }
        public int InFlight => _inFlight.Count(io => !io.Over);
        public int MaxInFlight { get; private set; }
        public bool CompletedOutOfOrder { get; private set; }

        public bool InUse(byte[] chunk) => _inFlight.Any(io => !io.Over && io.Chunk == chunk);

        private IPendingIo Start(ReadOnlyMemory<byte> buffer)
        {
            foreach (var io in _inFlight.Where(io => !io.Done).OrderBy(_ => _random.Next()).Where(_ => _random.Next(3) == 0).ToList())
                End(io);
            var started = new ScriptedIo(this, ++Started, Array(buffer), buffer.Length);
            _inFlight.Add(started);
            if (Synchronous) End(started);
            MaxInFlight = Math.Max(MaxInFlight, InFlight);
            return started;
        }

        private void End(ScriptedIo io)
        {
            if (io.Number < _lastEnded) CompletedOutOfOrder = true;
            _lastEnded = io.Number;
            io.Done = true;
        }

        private sealed class ScriptedIo(ScriptedImage image, int number, byte[] chunk, int length) : IPendingIo
        {
            public int Number => number;
            public byte[] Chunk => chunk;
            public bool Done, Over;
            public bool IsCompleted => Done;

            public int Wait()
            {
                if (!Done) image.End(this);
                Over = true;
                if (number == image.FailAt) throw new RbdException(RbdErrno.EIO, "scripted", "A scripted I/O error.");
                return length;
            }

            public void Dispose()
            {
                if (!Done) image.End(this);
                Over = true;
            }
        }

        public IPendingIo StartRead(ulong offset, Memory<byte> buffer) => Start(buffer);
        public IPendingIo StartWrite(ulong offset, ReadOnlyMemory<byte> data) => Start(data);
        public IPendingIo StartDiscard(ulong offset, ulong length) => throw new NotSupportedException();

        public string Pool => "p";
        public string Name => "scripted";
        public string? Snapshot => null;
        public ImageInfo Stat() => throw new NotSupportedException();
        public int Read(ulong offset, Span<byte> buffer) => throw new NotSupportedException();
        public void Write(ulong offset, ReadOnlySpan<byte> data) => throw new NotSupportedException();
        public void Discard(ulong offset, ulong length) => throw new NotSupportedException();
        public void Resize(ulong size, ProgressHandler? progress = null) => throw new NotSupportedException();
        public void DiffIterate(string? fromSnapshot, ulong offset, ulong length, bool includeParent, bool wholeObject,
                                Action<ulong, ulong, bool> callback) => throw new NotSupportedException();
        public IReadOnlyList<SnapshotInfo> ListSnapshots() => throw new NotSupportedException();
        public void CreateSnapshot(string name) => throw new NotSupportedException();
        public void RemoveSnapshot(string name) => throw new NotSupportedException();
        public void ProtectSnapshot(string name) => throw new NotSupportedException();
        public void UnprotectSnapshot(string name) => throw new NotSupportedException();
        public void RollbackSnapshot(string name, ProgressHandler? progress = null) => throw new NotSupportedException();
        public void RenameSnapshot(string name, string newName) => throw new NotSupportedException();
        public IReadOnlyList<ChildSpec> ListChildren() => throw new NotSupportedException();
        public IReadOnlyList<ChildSpec> ListAllChildren() => throw new NotSupportedException();
        public void Flatten(ProgressHandler? progress = null) => throw new NotSupportedException();
        public IReadOnlyList<KeyValuePair<string, string>> ListMetadata() => throw new NotSupportedException();
        public string GetMetadata(string key) => throw new NotSupportedException();
        public void SetMetadata(string key, string value) => throw new NotSupportedException();
        public void RemoveMetadata(string key) => throw new NotSupportedException();
        public RbdFeatures UpdateFeatures(RbdFeatures features, bool enable) => throw new NotSupportedException();
        public IReadOnlyList<ImageWatcher>? ListWatchers() => throw new NotSupportedException();
        public void Dispose() { }
    }
}
