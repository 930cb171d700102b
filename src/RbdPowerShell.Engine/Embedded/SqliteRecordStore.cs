using Microsoft.Data.Sqlite;

namespace RbdPowerShell.Engine.Embedded;

/// <summary>The records of an embedded store: a key/value table in openstack.db in the store directory.</summary>
internal sealed class SqliteRecordStore : IRecordStore
{
    public const string FileName = "openstack.db";
    private readonly SqliteConnection _db;
    private readonly object _gate = new();

    public SqliteRecordStore(string directory)
    {
        _db = SqliteFile.Open(Path.Combine(directory, FileName));
        Execute("CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    }

    public string? Get(string key)
    {
        lock (_gate)
        {
            using var command = Command("SELECT value FROM kv WHERE key=$k", ("$k", key));
            return command.ExecuteScalar() as string;
        }
    }

    public IReadOnlyList<KeyValuePair<string, string>> List(string prefix)
    {
        lock (_gate)
        {
            // substr, not LIKE: keys may hold % and _.
            using var command = Command("SELECT key, value FROM kv WHERE substr(key, 1, length($p)) = $p ORDER BY key", ("$p", prefix));
            using var reader = command.ExecuteReader();
            var result = new List<KeyValuePair<string, string>>();
            while (reader.Read()) result.Add(new(reader.GetString(0), reader.GetString(1)));
            return result;
        }
    }

    public void Put(string key, string value) =>
        Execute("INSERT INTO kv(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value=$v", ("$k", key), ("$v", value));

    public void Delete(string key) => Execute("DELETE FROM kv WHERE key=$k", ("$k", key));

    private void Execute(string sql, params (string, object)[] args)
    {
        lock (_gate)
        {
            using var command = Command(sql, args);
            command.ExecuteNonQuery();
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] args)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value);
        return command;
    }

    public void Dispose() => _db.Dispose();
}
