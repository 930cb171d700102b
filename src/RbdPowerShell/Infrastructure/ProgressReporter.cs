using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Adapts the engine's ProgressHandler to Write-Progress, naming the image worked on ("Exporting openstack/vm1_disk",
/// "31%"), and stops a long operation when the user presses Ctrl+C. Dispose completes the progress bar.
/// </summary>
internal sealed class ProgressReporter : IDisposable
{
    private static int nextActivityId = 1;

    private readonly Cmdlet cmdlet;
    private readonly int threadId = Environment.CurrentManagedThreadId;
    private readonly int activityId = Interlocked.Increment(ref nextActivityId) & 0x7fffffff;
    private readonly string activity;
    private string target;
    private int lastPercent = -1;
    private bool written;

    /// <param name="activity">What is done, as a verb ("Exporting", "Copying").</param>
    /// <param name="target">What it is done to (pool/image, "a into b"); empty when not known yet.</param>
    public ProgressReporter(Cmdlet cmdlet, string activity, string target)
    {
        this.cmdlet = cmdlet;
        this.activity = activity;
        this.target = target;
        Handler = Report;
    }

    /// <summary>Pass this to the engine.</summary>
    public ProgressHandler Handler { get; }

    /// <summary>The handler for the next step of a multi-step operation, which works on <paramref name="image"/>.</summary>
    public ProgressHandler For(string? image)
    {
        if (!string.IsNullOrEmpty(image) && image != target)
        {
            target = image;
            lastPercent = -1;
        }
        return Handler;
    }

    private string Activity => target.Length == 0 ? activity : $"{activity} {target}";

    private void Report(ulong done, ulong total)
    {
        // The pipeline can only be written from its own thread; the engine reports on the caller's.
        if (Environment.CurrentManagedThreadId != threadId) return;
        if (cmdlet.Stopping) throw new PipelineStoppedException();
        int percent = total == 0 ? 100 : (int)Math.Min(100, done * 100.0 / total);
        if (percent == lastPercent) return;
        lastPercent = percent;
        cmdlet.WriteProgress(Record($"{percent}%", percent, ProgressRecordType.Processing));
        written = true;
    }

    // A new record each time: hosts and Streams.Progress keep the records they are given.
    private ProgressRecord Record(string status, int percent, ProgressRecordType type) =>
        new(activityId, Activity, status) { PercentComplete = percent, RecordType = type };

    public void Dispose()
    {
        if (!written || Environment.CurrentManagedThreadId != threadId) return;
        try { cmdlet.WriteProgress(Record("done", 100, ProgressRecordType.Completed)); }
        catch (PipelineStoppedException) { }
        catch (InvalidOperationException) { }
    }
}
