using System.Management.Automation;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// The base of the Glance, Nova and Cinder cmdlets: the OpenStack context of the target cluster, references given
/// as a record or as an id/name, and running a workflow plan: -WhatIf prints each rbd command line the plan would
/// run ("What if: rbd clone ..."), -Confirm shows them all, -Verbose prints each as it runs, long steps write progress.
/// </summary>
public abstract class OpenStackCmdlet : RbdCmdlet
{
    protected OpenStackContext Context => OpenStackSession.Context(TargetCluster);

    /// <summary>The id of a record given as the record itself (from the pipeline) or as an id or name.</summary>
    protected static string IdOf(object? reference, string what)
    {
        var value = reference is PSObject pso ? pso.BaseObject : reference;
        return value switch
        {
            IOpenStackRecord record => record.Id,
            string text when !string.IsNullOrWhiteSpace(text) => text,
            _ => throw new RbdException(RbdErrno.EINVAL, value?.ToString() ?? "",
                $"'{value}' is not a {what}: give the object (from Get-{Noun(what)}) or its id or name.")
            { ErrorId = "InvalidReference" },
        };
    }

    /// <summary>"Cinder volume" as the noun of its cmdlets, CinderVolume.</summary>
    private static string Noun(string what) =>
        string.Concat(what.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>Builds and runs a plan; returns false under -WhatIf or when the user declines.</summary>
    protected bool RunPlan<T>(Func<OpenStackContext, WorkflowPlan<T>> build, out T result)
    {
        result = default!;
        var plan = build(Context);
        var commands = plan.Commands.Select(TargetCluster.CommandLine).ToList();
        if (IsWhatIf)
        {
            foreach (var command in commands) ShouldProcess(command, command, "WhatIf");
            return false;
        }
        string steps = string.Join(Environment.NewLine, commands);
        if (!ShouldProcess(plan.Description, $"Are you sure you want to {plan.Description}?{Environment.NewLine}{steps}", "Confirm"))
            return false;
        using var progress = Progress(Capitalize(plan.Description) + ":", "");
        result = plan.Run(new Observer(this, progress));
        return true;
    }

    /// <summary>Runs a plan and writes its result.</summary>
    protected void RunAndWrite<T>(Func<OpenStackContext, WorkflowPlan<T>> build)
    {
        if (RunPlan(build, out var result) && result is not null) WriteRecord(result);
    }

    /// <summary>
    /// Writes a record with the cluster it belongs to as a Cluster property, so that the next cmdlet of a pipeline
    /// binds -Cluster from it (Get-NovaServer -Cluster $c | Remove-NovaServer acts on $c, not the session default).
    /// </summary>
    protected void WriteRecord(object record)
    {
        var wrapped = PSObject.AsPSObject(record);
        if (wrapped.Properties["Cluster"] is null) wrapped.Properties.Add(new PSNoteProperty("Cluster", TargetCluster));
        WriteObject(wrapped);
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private sealed class Observer : IPlanObserver
    {
        private readonly OpenStackCmdlet _cmdlet;
        private readonly ProgressReporter _progress;

        public Observer(OpenStackCmdlet cmdlet, ProgressReporter progress)
        {
            _cmdlet = cmdlet;
            _progress = progress;
        }

        public void Running(string command) => _cmdlet.WriteVerbose(_cmdlet.TargetCluster.CommandLine(command));
        public ProgressHandler? Progress(string command) => _progress.Handler;
        public ProgressHandler? Progress(string command, string? image) => _progress.For(image);
        public void Warning(string message) => _cmdlet.WriteWarning(message);
    }
}
