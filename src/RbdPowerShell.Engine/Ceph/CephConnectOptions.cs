namespace RbdPowerShell.Engine.Ceph;

/// <summary>How to reach a Ceph cluster: rados_create(id) + rados_conf_read_file(conf) + keyring + namespace.</summary>
public sealed record CephConnectOptions(string ConfigFile)
{
    /// <summary>The client id without "client." (rbd --id); default admin.</summary>
    public string ClientId { get; init; } = "admin";
    /// <summary>A keyring file overriding the conf's (rbd --keyring).</summary>
    public string? Keyring { get; init; }
    /// <summary>The RBD namespace every pool is seen through (rbd --namespace); null or empty: the default namespace.</summary>
    public string? Namespace { get; init; }
    /// <summary>The pool whose (namespace's) RADOS object keeps the OpenStack records of this cluster.</summary>
    public string RecordPool { get; init; } = DefaultRecordPool;
    public const string DefaultRecordPool = "openstack";
    /// <summary>How long connecting may wait for the monitors (client_mount_timeout).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The text that names this connection in settings and records on any host:
    /// <c>ceph:&lt;conf&gt;?id=&lt;client&gt;[&amp;namespace=&lt;ns&gt;]</c>.
    /// </summary>
    public string Locator => $"ceph:{ConfigFile}?id={Uri.EscapeDataString(ClientId)}" +
                             (string.IsNullOrEmpty(Namespace) ? "" : $"&namespace={Uri.EscapeDataString(Namespace)}") +
                             (RecordPool == DefaultRecordPool ? "" : $"&records={Uri.EscapeDataString(RecordPool)}");

    /// <summary>Parses a <see cref="Locator"/>; null when <paramref name="text"/> is not one (a store directory).</summary>
    public static CephConnectOptions? FromLocator(string text)
    {
        if (!text.StartsWith("ceph:", StringComparison.Ordinal)) return null;
        var rest = text["ceph:".Length..];
        int query = rest.IndexOf('?');
        var options = new CephConnectOptions(query < 0 ? rest : rest[..query]);
        if (query < 0) return options;
        foreach (var pair in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = eq < 0 ? pair : pair[..eq], value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            options = key switch
            {
                "id" => options with { ClientId = value },
                "namespace" => options with { Namespace = value },
                "records" => options with { RecordPool = value },
                _ => options,
            };
        }
        return options;
    }
}
