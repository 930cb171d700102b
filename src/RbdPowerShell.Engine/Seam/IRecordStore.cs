namespace RbdPowerShell.Engine;

/// <summary>
/// Text records kept beside a cluster, inside it (the OpenStack services' records and settings): in the store
/// directory for the embedded store, in one RADOS object's omap on Ceph, so every host that sees the cluster sees
/// the same records. Each call stands alone and is atomic.
/// </summary>
public interface IRecordStore : IDisposable
{
    string? Get(string key);
    /// <summary>Every record whose key starts with <paramref name="prefix"/>, in key order.</summary>
    IReadOnlyList<KeyValuePair<string, string>> List(string prefix);
    void Put(string key, string value);
    void Delete(string key);
}
