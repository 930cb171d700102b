using System.Globalization;
using System.Runtime.InteropServices;
using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>Connecting to a cluster: library probe, conf, keyring, the settings the module relies on, rados_connect.</summary>
internal static class CephConnection
{
    /// <summary>What the module needs librbd to do as the embedded store does (see ceph-backend.md).</summary>
    private static readonly (string Option, string Value)[] Settings =
    {
        ("admin_socket", ""),               // a second client process with the same name cannot bind the conf's socket
        ("rbd_skip_partial_discard", "false"), // a discard reads back as zeros
        ("rbd_default_clone_format", "1"),  // protect before clone, as the seed and Pacific's default
        ("log_to_stderr", "false"),
    };

    /// <summary>
    /// One rados client per conf, client and keyring in a process, shared by every connection to it (whatever its
    /// namespace) and kept until the process exits: connecting is paid once, and clients do not start and stop
    /// while others work, which librados does badly (seen here as std::system_error aborts in its io_context
    /// threads when tests connected and disconnected in parallel). Disconnecting closes a connection's ioctxs
    /// and images; the client itself goes at exit (<see cref="OpenHandles"/>).
    /// </summary>
    private static readonly Dictionary<string, (RadosHandle Handle, Guid Fsid)> Clients = new(StringComparer.Ordinal);

    public static IRbdCluster Open(CephConnectOptions options, Func<RadosHandle, Guid, IRbdCluster> make)
    {
        RequireLibraries();
        string key = $"{options.ConfigFile}\n{options.ClientId}\n{options.Keyring}\n{options.Timeout.Ticks}";
        lock (RadosHandle.Lifecycle)
        {
            if (!Clients.TryGetValue(key, out var client) || client.Handle.IsClosed)
                Clients[key] = client = Connect(options);
            return make(client.Handle, client.Fsid);
        }
    }

    private static (RadosHandle, Guid) Connect(CephConnectOptions options)
    {
        string conf = options.ConfigFile;
        if (!File.Exists(conf))
            throw Refusal(RbdErrno.ENOENT, "CephConfigUnreadable", conf,
                $"The Ceph configuration file '{conf}' does not exist. Give the path of a ceph.conf (usually /etc/ceph/ceph.conf).");
        CephErrors.Check(Rados.rados_create(out var raw, options.ClientId), "Creating a client for", conf);
        var rados = new RadosHandle(raw);
        try
        {
            int rc = Rados.rados_conf_read_file(rados, conf);
            if (rc < 0)
                throw Refusal((RbdErrno)(-rc), "CephConfigUnreadable", conf,
                    $"The Ceph configuration file '{conf}' cannot be read or parsed (errno {-rc}). Check its permissions and syntax.");
            if (options.Keyring is { } keyring)
            {
                if (!File.Exists(keyring))
                    throw Refusal(RbdErrno.ENOENT, "CephKeyringUnreadable", keyring, $"The keyring '{keyring}' does not exist.");
                Set(rados, "keyring", keyring);
            }
            string seconds = Math.Max(1, options.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            Set(rados, "client_mount_timeout", seconds);
            foreach (var (option, value) in Settings) Set(rados, option, value);
            Connect(rados, options);
            return (rados, Fsid(rados, conf));
        }
        catch
        {
            rados.Dispose();
            throw;
        }
    }

    private static void Connect(RadosHandle rados, CephConnectOptions options)
    {
        int rc = Rados.rados_connect(rados);
        string conf = options.ConfigFile;
        switch (-rc)
        {
            case 0: return;
            case 110:
                throw Refusal(RbdErrno.ETIMEDOUT, "CephConnectTimeout", conf,
                    $"No monitor of the cluster in '{conf}' answered within {options.Timeout.TotalSeconds:0.#} s. " +
                    "Check 'mon host' in the conf, that the monitors run (ceph -s) and that the network lets you reach them; or raise -TimeoutSec.");
            case 13 or 1:
                throw Refusal((RbdErrno)(-rc), "CephAuthenticationFailed", conf,
                    $"The cluster in '{conf}' refused client.{options.ClientId}: check -Id and the keyring (-Keyring, or 'keyring' in the conf).");
            default:
                throw CephErrors.Error(-rc, "Connecting to the cluster in", conf);
        }
    }

    private static unsafe Guid Fsid(RadosHandle rados, string conf)
    {
        var buffer = stackalloc byte[64];
        int rc = Rados.rados_cluster_fsid(rados, buffer, 64);
        CephErrors.Check(rc, "Reading the fsid of", conf);
        return Guid.Parse(NativeStrings.Read(buffer));
    }

    private static void Set(RadosHandle rados, string option, string value) =>
        CephErrors.Check(Rados.rados_conf_set(rados, option, value), $"Setting {option} for", value);

    private static void RequireLibraries()
    {
        foreach (var (library, package) in new[] { (Rados.Library, "librados2"), (Rbd.Library, "librbd1") })
            if (!NativeLibrary.TryLoad(library, out _))
                throw Refusal(RbdErrno.ENOENT, "CephLibraryMissing", library,
                    $"{library} is not installed, so a Ceph cluster cannot be reached. Install it (Debian/Ubuntu: apt-get install {package}; " +
                    $"RHEL/Fedora: dnf install {package.TrimEnd('1', '2')}). The embedded store (Connect-RbdCluster -Path) needs nothing installed.");
    }

    private static RbdException Refusal(RbdErrno errno, string errorId, string target, string message) =>
        new(errno, target, message) { ErrorId = errorId };
}
