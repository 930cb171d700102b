using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Adapts the engine's ProgressHandler to Write-Progress ("Image flatten", "31% complete"), and stops
/// a long operation when the user presses Ctrl+C. Dispose completes the progress bar.
/// </summary>
internal sealed class ProgressReporter : IDisposable
{
    private static int nextActivityId = 1;

    private readonly Cmdlet cmdlet;
    private readonly int threadId = Environment.CurrentManagedThreadId;
    private readonly int activityId = Interlocked.Increment(ref nextActivityId) & 0x7fffffff;
    private readonly string activity;
    private readonly string target;
    private int lastPercent = -1;
    private bool written;

    public ProgressReporter(Cmdlet cmdlet, string activity, string target)
    {
        this.cmdlet = cmdlet;
        this.activity = activity;
        this.target = target;
        Handler = Report;
    }

    /// <summary>Pass this to the engine.</summary>
    public ProgressHandler Handler { get; }

    private void Report(ulong done, ulong total)
    {
        // The pipeline can only be written from its own thread; the engine reports on the caller's.
        if (Environment.CurrentManagedThreadId != threadId) return;
        if (cmdlet.Stopping) throw new PipelineStoppedException();
        int percent = total == 0 ? 100 : (int)Math.Min(100, done * 100.0 / total);
        if (percent == lastPercent) return;
        lastPercent = percent;
        cmdlet.WriteProgress(Record($"{percent}% complete", percent, ProgressRecordType.Processing));
        written = true;
    }

    // A new record each time: hosts and Streams.Progress keep the records they are given.
    private ProgressRecord Record(string status, int percent, ProgressRecordType type) =>
        new(activityId, activity, status) { CurrentOperation = target, PercentComplete = percent, RecordType = type };

    public void Dispose()
    {
        if (!written || Environment.CurrentManagedThreadId != threadId) return;
        try { cmdlet.WriteProgress(Record("done", 100, ProgressRecordType.Completed)); }
        catch (PipelineStoppedException) { }
        catch (InvalidOperationException) { }
    }
}
