using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// Connect-RbdCluster [-Path] dir: opens the embedded store in dir (created on first use), makes it the
/// session's current cluster and returns it. Connecting twice to one store reuses the open cluster.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "RbdCluster")]
[OutputType(typeof(RbdCluster))]
public sealed class ConnectRbdClusterCommand : PSCmdlet
{
    /// <summary>The store directory, relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Location", "FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        string full = RbdSession.Normalize(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
        WriteVerbose($"Opening the embedded store at {full}");
        RbdCluster cluster;
        try
        {
            cluster = RbdSession.OpenEmbedded(full);
        }
        catch (RbdException ex)
        {
            ThrowTerminatingError(RbdErrors.From(ex));
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException
                                       or System.Data.Common.DbException)
        {
            ThrowTerminatingError(RbdErrors.Create("ConnectFailed", ErrorCategory.OpenError,
                $"Cannot open the embedded store at '{full}': {ex.Message}", full, ex));
            return;
        }
        RbdSession.Current = cluster;
        WriteObject(cluster);
    }
}
