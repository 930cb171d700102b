using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// The records of the Glance, Nova and Cinder databases and the services' settings, kept beside the
/// cluster they describe (for the embedded store: openstack.db in the store directory), so a new session
/// sees them. Records are rows of JSON by kind and id; every call is its own transaction.
/// </summary>
public sealed class OpenStackDatabase : IDisposable
{
    public const string FileName = "openstack.db";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly SqliteConnection _db;
    private readonly object _gate = new();

    private OpenStackDatabase(string path)
    {
        _db = SqliteFile.Open(path);
        Execute("""
            CREATE TABLE IF NOT EXISTS records(
                kind TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, created TEXT NOT NULL, body TEXT NOT NULL,
                PRIMARY KEY(kind, id));
            CREATE TABLE IF NOT EXISTS settings(id INTEGER PRIMARY KEY CHECK(id = 1), body TEXT NOT NULL);
            """);
    }

    /// <summary>The database of the cluster in <paramref name="directory"/> (created on first use).</summary>
    public static OpenStackDatabase Open(string directory) => new(Path.Combine(directory, FileName));

    public OpenStackSettings Settings
    {
        get
        {
            var body = Scalar("SELECT body FROM settings WHERE id=1");
            return body is string text ? JsonSerializer.Deserialize<OpenStackSettings>(text, Json)! : OpenStackSettings.Default;
        }
        set => Execute("INSERT INTO settings(id, body) VALUES(1, $b) ON CONFLICT(id) DO UPDATE SET body=$b",
                       ("$b", JsonSerializer.Serialize(value.Validated(), Json)));
    }

    public T? Find<T>(string id) where T : class, IOpenStackRecord =>
        Scalar("SELECT body FROM records WHERE kind=$k AND id=$i", ("$k", typeof(T).Name), ("$i", id)) is string body
            ? JsonSerializer.Deserialize<T>(body, Json) : null;

    /// <summary>Every record of a kind, oldest first.</summary>
    public IReadOnlyList<T> List<T>() where T : class, IOpenStackRecord
    {
        lock (_gate)
        {
            using var command = Command("SELECT body FROM records WHERE kind=$k ORDER BY created, id", ("$k", typeof(T).Name));
            using var reader = command.ExecuteReader();
            var result = new List<T>();
            while (reader.Read()) result.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), Json)!);
            return result;
        }
    }

    public void Save<T>(T record) where T : class, IOpenStackRecord =>
        Execute("""
            INSERT INTO records(kind, id, name, created, body) VALUES($k, $i, $n, $c, $b)
            ON CONFLICT(kind, id) DO UPDATE SET name=$n, body=$b
            """, ("$k", typeof(T).Name), ("$i", record.Id), ("$n", record.Name),
            ("$c", record.CreatedAt.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture)),
            ("$b", JsonSerializer.Serialize(record, Json)));

    public void Delete<T>(string id) where T : class, IOpenStackRecord =>
        Execute("DELETE FROM records WHERE kind=$k AND id=$i", ("$k", typeof(T).Name), ("$i", id));

    private object? Scalar(string sql, params (string, object?)[] args)
    {
        lock (_gate)
        {
            using var command = Command(sql, args);
            return command.ExecuteScalar();
        }
    }

    private void Execute(string sql, params (string, object?)[] args)
    {
        lock (_gate)
        {
            using var command = Command(sql, args);
            command.ExecuteNonQuery();
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public void Dispose() => _db.Dispose();
}
