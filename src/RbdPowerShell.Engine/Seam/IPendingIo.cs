namespace RbdPowerShell.Engine;

/// <summary>
/// A read, write or discard started by <see cref="IRbdImage.StartRead"/> and its siblings (librbd's rbd_completion_t).
/// Its buffer belongs to the I/O until <see cref="Wait"/> or <see cref="IDisposable.Dispose"/> has returned.
/// </summary>
public interface IPendingIo : IDisposable
{
    /// <summary>Whether it has finished (successfully or not); never blocks.</summary>
    bool IsCompleted { get; }

    /// <summary>Waits for it; returns the bytes read or written, or throws its error (RbdException).</summary>
    int Wait();

    // Dispose waits for an I/O still in flight (ignoring its error), so its buffer is free afterwards; it never throws.
}

/// <summary>An I/O a synchronous backend has finished before returning it.</summary>
public sealed class CompletedIo : IPendingIo
{
    private static readonly CompletedIo Nothing = new(0);
    private readonly int _result;

    private CompletedIo(int result) => _result = result;

    public static CompletedIo Of(int result) => result == 0 ? Nothing : new CompletedIo(result);

    public bool IsCompleted => true;
    public int Wait() => _result;
    public void Dispose() { }
}
