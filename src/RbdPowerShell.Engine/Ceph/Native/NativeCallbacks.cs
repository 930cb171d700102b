using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace RbdPowerShell.Engine.Ceph.Native;

/// <summary>
/// librbd callbacks. No .NET exception may unwind through a native frame: a callback catches, returns
/// -ECANCELED (which aborts the librbd call) and the exception is rethrown once the call has returned.
/// </summary>
internal static unsafe class NativeCallbacks
{
    private const int ECanceled = 125;

    /// <summary>
    /// Runs a librbd call that reports progress on librbd's own threads (resize, flatten, rollback, remove) on a
    /// worker thread, and delivers its progress to <paramref name="handler"/> on the calling thread, where
    /// Write-Progress works. When the handler throws (Ctrl+C), the call is cancelled and the exception rethrown.
    /// </summary>
    public static int WithProgress(ProgressHandler? handler, Func<IntPtr, IntPtr, int> call)
    {
        // librbd calls the progress function unconditionally: never pass NULL.
        if (handler is null) return call((IntPtr)(delegate* unmanaged<ulong, ulong, IntPtr, int>)&NoProgress, IntPtr.Zero);
        var state = new ProgressState();
        var gc = GCHandle.Alloc(state);
        try
        {
            var callback = (IntPtr)(delegate* unmanaged<ulong, ulong, IntPtr, int>)&OnProgress;
            var argument = GCHandle.ToIntPtr(gc);
            var worker = Task.Factory.StartNew(() => call(callback, argument), TaskCreationOptions.LongRunning);
            var waits = new[] { state.Reported, ((IAsyncResult)worker).AsyncWaitHandle };
            ExceptionDispatchInfo? stopped = null;
            ulong total = 1;
            while (!worker.IsCompleted)
            {
                WaitHandle.WaitAny(waits);
                if (stopped is null && state.Take() is { } report)
                {
                    total = Math.Max(1, report.Total);
                    try { handler(report.Done, report.Total); }
                    catch (Exception ex) { stopped = ExceptionDispatchInfo.Capture(ex); state.Cancel(); }
                }
            }
            stopped?.Throw();
            // librbd's last report can stop short of the end (the rbd tool prints its own 100%).
            if (worker.Result >= 0) handler(total, total);
            return worker.Result;
        }
        finally { gc.Free(); }
    }

    [UnmanagedCallersOnly]
    private static int NoProgress(ulong done, ulong total, IntPtr argument) => 0;

    [UnmanagedCallersOnly]
    private static int OnProgress(ulong done, ulong total, IntPtr argument)
    {
        try
        {
            var state = (ProgressState)GCHandle.FromIntPtr(argument).Target!;
            return state.Put(done, total) ? 0 : -ECanceled;
        }
        catch { return -ECanceled; }
    }

    private sealed class ProgressState
    {
        public readonly AutoResetEvent Reported = new(false);
        private readonly object _gate = new();
        private (ulong Done, ulong Total)? _latest;
        private volatile bool _cancelled;

        public bool Put(ulong done, ulong total)
        {
            if (_cancelled) return false;
            lock (_gate) _latest = (done, total);
            Reported.Set();
            return true;
        }

        public (ulong Done, ulong Total)? Take()
        {
            lock (_gate)
            {
                var latest = _latest;
                _latest = null;
                return latest;
            }
        }

        public void Cancel() => _cancelled = true;
    }

    /// <summary>rbd_diff_iterate2 calls back on the calling thread: the action runs there.</summary>
    public static int DiffIterate(Action<ulong, ulong, bool> action, Func<IntPtr, IntPtr, int> call)
    {
        var state = new DiffState(action);
        var gc = GCHandle.Alloc(state);
        try
        {
            int rc = call((IntPtr)(delegate* unmanaged<ulong, nuint, int, IntPtr, int>)&OnExtent, GCHandle.ToIntPtr(gc));
            state.Error?.Throw();
            return rc;
        }
        finally { gc.Free(); }
    }

    [UnmanagedCallersOnly]
    private static int OnExtent(ulong offset, nuint length, int exists, IntPtr argument)
    {
        var state = (DiffState)GCHandle.FromIntPtr(argument).Target!;
        try
        {
            state.Action(offset, length, exists != 0);
            return 0;
        }
        catch (Exception ex)
        {
            state.Error = ExceptionDispatchInfo.Capture(ex);
            return -ECanceled;
        }
    }

    private sealed class DiffState(Action<ulong, ulong, bool> action)
    {
        public readonly Action<ulong, ulong, bool> Action = action;
        public ExceptionDispatchInfo? Error;
    }
}
