using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace RbdPowerShell.Engine.Embedded;

/// <summary>
/// Object data as sparse files named by generated blob ids (never by user names):
/// data/&lt;xx&gt;/&lt;id&gt;. A blob holds bytes [0, length); anything past its end reads as zeros.
/// </summary>
internal sealed class BlobStore
{
    private const int ZeroBlock = 4096;
    private readonly string _root;
    private readonly string _readersLock;

    public BlobStore(string directory)
    {
        _root = Path.Combine(directory, "data");
        Directory.CreateDirectory(_root);
        _readersLock = Path.Combine(directory, "readers.lock");
    }

    public string PathOf(long blob) =>
        Path.Combine(_root, (blob & 0xff).ToString("x2"), blob.ToString("x16"));

    /// <summary>Reads blob bytes at <paramref name="offset"/> into <paramref name="buffer"/>, zero-filling past its end.</summary>
    public void Read(long blob, ulong offset, Span<byte> buffer)
    {
        using var handle = File.OpenHandle(PathOf(blob), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[done..], (long)offset + done);
            if (n <= 0) break;
            done += n;
        }
        buffer[done..].Clear();
    }

    /// <summary>Writes a whole new blob of <paramref name="data"/>, leaving all-zero 4 KiB blocks as holes.</summary>
    public void Create(long blob, ReadOnlySpan<byte> data) => Create(blob, 0, data);

    /// <summary>A new blob of zeros (a hole) up to <paramref name="at"/>, then <paramref name="data"/>.</summary>
    public void Create(long blob, ulong at, ReadOnlySpan<byte> data)
    {
        var path = PathOf(blob);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var handle = NewFile.Open(path, FileAccess.ReadWrite, FileShare.Read);
        WriteSparse(handle, (long)at, data);
        RandomAccess.SetLength(handle, (long)at + data.Length);
    }

    /// <summary>Overwrites part of a blob this transaction owns, growing it when needed.</summary>
    public void Patch(long blob, ulong offset, ReadOnlySpan<byte> data, ulong newLength)
    {
        using var handle = File.OpenHandle(PathOf(blob), FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        if ((long)newLength < length) RandomAccess.SetLength(handle, (long)newLength);
        RandomAccess.Write(handle, data, (long)offset);
        if ((long)newLength > RandomAccess.GetLength(handle)) RandomAccess.SetLength(handle, (long)newLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteSparse(SafeFileHandle handle, long offset, ReadOnlySpan<byte> data)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            int nonZero = data[pos..].IndexOfAnyExcept((byte)0);
            if (nonZero < 0) return;
            int start = pos + nonZero / ZeroBlock * ZeroBlock;
            int end = start;
            while (end < data.Length)
            {
                int len = Math.Min(ZeroBlock, data.Length - end);
                if (!data.Slice(end, len).ContainsAnyExcept((byte)0)) break;
                end += len;
            }
            RandomAccess.Write(handle, data[start..end], offset + start);
            pos = end;
        }
    }

    /// <summary>
    /// Copies the data segments of <paramref name="source"/>'s first <paramref name="length"/> bytes into a new
    /// blob in the kernel, keeping holes. Returns false (and creates nothing) when there is no data to copy.
    /// </summary>
    public bool CopyPrefix(long source, long target, ulong length)
    {
        using var from = File.OpenHandle(PathOf(source), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long end = Math.Min((long)length, RandomAccess.GetLength(from));
        var segments = SparseFile.DataSegments(from, end).ToList();
        if (segments.Count == 0) return false;
        var path = PathOf(target);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var to = NewFile.Open(path, FileAccess.ReadWrite, FileShare.Read);
        foreach (var (start, stop) in segments) FileCopy.Range(from, to, start, stop - start);
        RandomAccess.SetLength(to, end);
        return true;
    }

    public void Delete(long blob)
    {
        try { File.Delete(PathOf(blob)); } catch (DirectoryNotFoundException) { }
    }

    /// <summary>The bytes of data a blob file holds (its holes not counted): what deleting it frees.</summary>
    public ulong DataBytes(long blob)
    {
        try
        {
            using var handle = File.OpenHandle(PathOf(blob), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return (ulong)SparseFile.DataSegments(handle, RandomAccess.GetLength(handle)).Sum(s => s.End - s.Start);
        }
        catch (FileNotFoundException) { return 0; }
        catch (DirectoryNotFoundException) { return 0; }
    }

    public long Length(long blob) => new FileInfo(PathOf(blob)).Length;

    /// <summary>Every blob file present, with its id.</summary>
    public IEnumerable<long> List()
    {
        foreach (var dir in Directory.EnumerateDirectories(_root))
            foreach (var file in Directory.EnumerateFiles(dir))
                if (long.TryParse(Path.GetFileName(file), System.Globalization.NumberStyles.HexNumber, null, out var id))
                    yield return id;
    }

    /// <summary>A shared lock held while reading: garbage blobs are not deleted under a reader.</summary>
    /// <remarks>A sweeper holds the exclusive lock only while it deletes files, so a reader waits for it.</remarks>
    public IDisposable EnterRead()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            try { return new FileStream(_readersLock, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite); }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                Thread.Sleep(Math.Min(50, 1 << Math.Min(attempt, 5)));
            }
        }
    }

    /// <summary>The exclusive lock, or null while any reader (in any process) holds the shared one.</summary>
    public IDisposable? TryExclusive()
    {
        try { return new FileStream(_readersLock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { return null; }
    }
}
