using System.Management.Automation;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.Ceph;
using RbdPowerShell.Engine.Embedded;

namespace RbdPowerShell;

/// <summary>
/// Connect-RbdCluster [-Path] dir [-Force]: opens the embedded store in dir (created on first use; a folder holding
/// other files is refused with NotAStore unless -Force). Connect-RbdCluster -ConfigFile ceph.conf [-Id] [-Keyring]
/// [-Namespace] [-TimeoutSec]: connects to a Ceph cluster through librbd. Either way the cluster becomes the
/// session's current one and is returned; connecting twice to one store, or with the same conf, id and namespace,
/// reuses the open cluster.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "RbdCluster", DefaultParameterSetName = PathSet)]
[OutputType(typeof(RbdCluster))]
public sealed class ConnectRbdClusterCommand : PSCmdlet
{
    private const string PathSet = "Path", CephSet = "Ceph";

    /// <summary>The store directory, relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
               ParameterSetName = PathSet)]
    [Alias("Location", "FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Creates the store even in a folder that already holds other files.</summary>
    [Parameter(ParameterSetName = PathSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>The ceph.conf of the cluster (rbd --conf), relative to the current location.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CephSet)]
    [ValidateNotNullOrEmpty]
    public string ConfigFile { get; set; } = "";

    /// <summary>The client id without "client." (rbd --id).</summary>
    [Parameter(ParameterSetName = CephSet)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "admin";

    /// <summary>A keyring file overriding the conf's (rbd --keyring).</summary>
    [Parameter(ParameterSetName = CephSet)]
    [ValidateNotNullOrEmpty]
    public string? Keyring { get; set; }

    /// <summary>The RBD namespace every pool is seen through (rbd --namespace).</summary>
    /// <summary>The pool (seen through -Namespace) whose RADOS object keeps the OpenStack records of this cluster.</summary>
    [Parameter(ParameterSetName = CephSet)]
    [ValidateNotNullOrEmpty]
    public string RecordPool { get; set; } = CephConnectOptions.DefaultRecordPool;

    [Parameter(ParameterSetName = CephSet)]
    public string? Namespace { get; set; }

    /// <summary>How long to wait for the monitors.</summary>
    [Parameter(ParameterSetName = CephSet)]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    protected override void ProcessRecord()
    {
        bool ceph = ParameterSetName == CephSet;
        string target = ceph ? ResolvePath(ConfigFile) : RbdSession.Normalize(ResolvePath(Path));
        RbdCluster cluster;
        try
        {
            cluster = ceph ? ConnectCeph(target) : OpenStore(target);
        }
        catch (RbdException ex)
        {
            ThrowTerminatingError(RbdErrors.From(ex));
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException
                                       or System.Data.Common.DbException)
        {
            string what = ceph ? $"the Ceph cluster of '{target}'" : $"the embedded store at '{target}'";
            ThrowTerminatingError(RbdErrors.Create("ConnectFailed", ErrorCategory.OpenError,
                $"Cannot connect to {what}: {ex.Message}", target, ex));
            return;
        }
        RbdSession.Current = cluster;
        WriteObject(cluster);
    }

    private RbdCluster OpenStore(string directory)
    {
        if (!Force) RefuseForeignFolder(directory);
        WriteVerbose($"Opening the embedded store at {directory}");
        return RbdSession.OpenEmbedded(directory);
    }

    /// <summary>NotAStore: an existing folder that holds files but no store, which -Path would write a store into.</summary>
    private static void RefuseForeignFolder(string directory)
    {
        if (!Directory.Exists(directory) || EmbeddedCluster.IsStore(directory)
            || !Directory.EnumerateFileSystemEntries(directory).Any()) return;
        string conf = System.IO.Path.Combine(directory, "ceph.conf");
        throw RbdErrors.Refusal(RbdErrno.EINVAL, "NotAStore", directory,
            $"'{directory}' is not an RBD store and is not empty, so Connect-RbdCluster -Path did not create one in it. " +
            "Give a new or empty folder" +
            (File.Exists(conf) ? $", connect to the Ceph cluster it configures with -ConfigFile '{conf}'" : "") +
            ", or add -Force to create the store among its files.");
    }

    private RbdCluster ConnectCeph(string configFile)
    {
        RequireFile(configFile, "CephConfigUnreadable", "configuration file");
        var options = new CephConnectOptions(configFile) { ClientId = Id, Namespace = Namespace, RecordPool = RecordPool };
        if (Keyring is not null) options = options with { Keyring = RequireFile(ResolvePath(Keyring), "CephKeyringUnreadable", "keyring") };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec))) options = options with { Timeout = TimeSpan.FromSeconds(TimeoutSec) };
        WriteVerbose($"Connecting to the Ceph cluster of {options.ConfigFile} as client.{options.ClientId}" +
                     (string.IsNullOrEmpty(options.Namespace) ? " in the default namespace" : $" in namespace '{options.Namespace}'") +
                     (options.Keyring is null ? "" : $" with keyring {options.Keyring}") +
                     $" (waiting up to {options.Timeout.TotalSeconds} s for the monitors)");
        return RbdSession.OpenCeph(options);
    }

    /// <summary>A file the Ceph connection reads; a missing one stops the command before librbd is asked.</summary>
    private string RequireFile(string file, string errorId, string what)
    {
        if (!File.Exists(file))
            ThrowTerminatingError(RbdErrors.Create(errorId, ErrorCategory.ObjectNotFound,
                $"The Ceph {what} '{file}' does not exist. Check the path (relative paths are resolved against the " +
                "current location).", file));
        return file;
    }

    private string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}
