using System.Text.Json;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// The records of the Glance, Nova and Cinder databases and the services' settings, kept beside the cluster they
/// describe (<see cref="IRbdCluster.OpenRecordStore"/>: the store directory, or a RADOS object on Ceph), so every
/// session and host that sees the cluster sees them. Records are JSON under "record/&lt;kind&gt;/&lt;id&gt;".
/// </summary>
public sealed class OpenStackDatabase : IDisposable
{
    private const string SettingsKey = "settings";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly IRecordStore _store;

    private OpenStackDatabase(IRecordStore store) => _store = store;

    /// <summary>The database of <paramref name="cluster"/>.</summary>
    public static OpenStackDatabase Open(IRbdCluster cluster) => new(cluster.OpenRecordStore());

    public OpenStackSettings Settings
    {
        get => _store.Get(SettingsKey) is { } text ? JsonSerializer.Deserialize<OpenStackSettings>(text, Json)! : OpenStackSettings.Default;
        set => _store.Put(SettingsKey, JsonSerializer.Serialize(value.Validated(), Json));
    }

    private static string Prefix<T>() => $"record/{typeof(T).Name}/";

    public T? Find<T>(string id) where T : class, IOpenStackRecord =>
        _store.Get(Prefix<T>() + id) is { } body ? JsonSerializer.Deserialize<T>(body, Json) : null;

    /// <summary>Every record of a kind, oldest first.</summary>
    public IReadOnlyList<T> List<T>() where T : class, IOpenStackRecord =>
        _store.List(Prefix<T>()).Select(r => JsonSerializer.Deserialize<T>(r.Value, Json)!)
            .OrderBy(r => r.CreatedAt.ToUniversalTime()).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();

    public void Save<T>(T record) where T : class, IOpenStackRecord =>
        _store.Put(Prefix<T>() + record.Id, JsonSerializer.Serialize(record, Json));

    public void Delete<T>(string id) where T : class, IOpenStackRecord => _store.Delete(Prefix<T>() + id);

    public void Dispose() => _store.Dispose();
}
