using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Remove-RbdPool [-Name] pool [-Force]: removes a pool. A pool that still holds images is refused
/// (PoolNotEmpty) unless -Force, which also removes its images (ceph's --yes-i-really-really-mean-it)
/// and skips the confirmation unless -Confirm is given.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "RbdPool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = NameSet)]
public sealed class RemoveRbdPoolCommand : RbdCmdlet
{
    private const string NameSet = "Name";
    private const string ObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(RbdPoolCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>A pool from Get-RbdPool.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public RbdPool? InputObject { get; set; }

    /// <summary>Remove the pool even though it holds images (they go with it), without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessTarget()
    {
        var name = InputObject?.Name ?? Name;
        NameRules.Check(name, "pool");
        var command = TargetCluster.Namespace is { } ns
            ? $"rbd namespace remove --pool {RbdCommandLine.Arg(name)} --namespace {RbdCommandLine.Arg(ns)}  # after its images"
            : $"ceph osd pool delete {RbdCommandLine.Arg(name)} {RbdCommandLine.Arg(name)} --yes-i-really-really-mean-it";
        if (!Force)
        {
            var images = Connection.ListImages(name);
            if (images.Count > 0)
                throw RbdErrors.Refusal(RbdErrno.EBUSY, "PoolInUse", name,
                    $"Pool '{name}' still holds {images.Count} image(s) ({string.Join(", ", images.Take(5))}" +
                    $"{(images.Count > 5 ? ", ..." : "")}). Remove them first, or use -Force to remove the pool with its images.");
        }
        if (!ShouldRun(command, $"remove pool '{name}' and every image in it", Force)) return;
        Connection.RemovePool(name);
    }
}
