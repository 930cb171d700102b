namespace RbdPowerShell.Engine.OpenStack;

/// <summary>Watches a plan run: each rbd command as it starts (for -Verbose), progress of long steps, warnings.</summary>
public interface IPlanObserver
{
    void Running(string command);
    /// <summary>A progress handler for a long step, or null.</summary>
    ProgressHandler? Progress(string command);
    /// <summary>A progress handler for a long step working on <paramref name="image"/> (pool/image), or null.</summary>
    ProgressHandler? Progress(string command, string? image) => Progress(command);
    void Warning(string message);
}

/// <summary>
/// An OpenStack workflow as the seed's section 5 writes it: a list of rbd command lines, each with the engine
/// call that performs it. <see cref="Commands"/> is what -WhatIf prints; <see cref="Run"/> performs the steps in
/// order and records the result last. A step that fails makes the plan undo what the earlier steps created (in
/// reverse, as OpenStack's own cleanup does) and throw an <see cref="RbdException"/> that says what failed and
/// what was cleaned up.
/// </summary>
public sealed class WorkflowPlan<T>
{
    private sealed record Step(string Command, Action<ProgressHandler?> Run, string? UndoCommand, Action? Undo, string? Image = null);

    private readonly List<Step> _steps = new();
    private Func<T>? _finish;
    private IPlanObserver? _observer;

    public WorkflowPlan(string description) => Description = description;

    /// <summary>What the plan does, in words ("boot server 'web' from image 'cirros'").</summary>
    public string Description { get; }

    /// <summary>The rbd command lines in order (lines starting with '#' say what a step does that rbd does not).</summary>
    public IReadOnlyList<string> Commands => _steps.Select(s => s.Command).ToList();

    /// <summary>Adds a step; <paramref name="undo"/> reverses it if a later step fails.</summary>
    public WorkflowPlan<T> Add(string command, Action run, string? undoCommand = null, Action? undo = null) =>
        AddLong(command, _ => run(), undoCommand, undo);

    /// <summary>Adds a step that reports progress (flatten, copy, upload) on <paramref name="image"/>, the image it works on.</summary>
    public WorkflowPlan<T> AddLong(string command, Action<ProgressHandler?> run, string? undoCommand = null, Action? undo = null,
                                   string? image = null)
    {
        _steps.Add(new Step(command, run, undoCommand, undo, image));
        return this;
    }

    /// <summary>What the plan returns once every step has run (typically: save the record).</summary>
    public WorkflowPlan<T> Finish(Func<T> finish)
    {
        _finish = finish;
        return this;
    }

    /// <summary>A step's warning (something left behind): shown through the observer of the run.</summary>
    public void Warn(string message) => _observer?.Warning(message);

    public T Run(IPlanObserver? observer = null)
    {
        _observer = observer;
        var done = new Stack<Step>();
        foreach (var step in _steps)
        {
            observer?.Running(step.Command);
            Attempt(step.Command, done, observer, () => step.Run(observer?.Progress(step.Command, step.Image)));
            done.Push(step);
        }
        T result = default!;
        Attempt("recording the result", done, observer, () => { if (_finish is not null) result = _finish(); });
        return result;
    }

    /// <summary>Runs one step; if it fails, what the earlier steps created is undone before the error goes on.</summary>
    private void Attempt(string command, Stack<Step> done, IPlanObserver? observer, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is RbdException or IOException)
        {
            throw Failed(command, ex, Undo(done, observer));
        }
        catch
        {
            // Stopped (Ctrl+C) or an unexpected error: undo what was created, quietly, and let it go on.
            Undo(done, null);
            throw;
        }
    }

    private static List<string> Undo(Stack<Step> done, IPlanObserver? observer)
    {
        var cleaned = new List<string>();
        foreach (var step in done.Where(s => s.Undo is not null))
        {
            observer?.Running(step.UndoCommand ?? "# undo: " + step.Command);
            try
            {
                step.Undo!();
                if (step.UndoCommand is not null) cleaned.Add(step.UndoCommand);
            }
            catch (Exception ex) when (ex is RbdException or IOException)
            {
                observer?.Warning($"Cleanup step '{step.UndoCommand}' failed: {ex.Message} Remove what is left by hand.");
            }
        }
        return cleaned;
    }

    private RbdException Failed(string command, Exception ex, List<string> cleaned)
    {
        var inner = ex as RbdException;
        string cleanup = cleaned.Count == 0 ? "Nothing had to be cleaned up." : $"Cleaned up: {string.Join("; ", cleaned)}.";
        return new RbdException(inner?.Errno ?? RbdErrno.EIO, inner?.Target ?? "",
            $"Could not {Description}: '{command}' failed: {ex.Message} {cleanup}", ex)
        { ErrorId = inner?.ErrorId is { Length: > 0 } id ? id : "WorkflowStepFailed" };
    }
}
