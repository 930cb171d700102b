using Microsoft.Data.Sqlite;

namespace RbdPowerShell.Engine.Embedded;

/// <summary>
/// The SQLite index of the embedded store and its unit of work. Writers hold SQLite's write lock
/// (BEGIN IMMEDIATE) for a whole operation: object data goes to new blob files first, the index
/// commit makes them visible last, so a killed process leaves the store as before the operation.
/// </summary>
internal sealed class StoreIndex : IDisposable
{
    /// <summary>2 added the trash and image metadata; a schema-1 store is upgraded when opened.</summary>
    private const int SchemaVersion = 2;
    /// <summary>The index's file in the store directory: its presence is what makes a directory a store.</summary>
    public const string FileName = "index.db";
    private readonly SqliteConnection _db;
    private readonly BlobStore _blobs;
    private readonly object _gate = new();
    private IDisposable? _readLock;
    private int _depth;
    private bool _writing;
    private long _nextBlob;
    private long _dataVersion = -1;
    private readonly HashSet<long> _freshBlobs = new();
    private readonly HashSet<long> _droppedBlobs = new();
    private readonly Dictionary<string, SqliteCommand> _prepared = new();

    public StoreIndex(string directory, BlobStore blobs)
    {
        _blobs = blobs;
        _db = SqliteFile.Open(Path.Combine(directory, FileName));
        Execute("PRAGMA synchronous=NORMAL");
        Execute("BEGIN IMMEDIATE");
        try { CreateSchema(); Execute("COMMIT"); }
        catch { Execute("ROLLBACK"); throw; }
    }

    public SqliteConnection Connection => _db;

    /// <summary>Runs <paramref name="work"/> in one write transaction (nested calls join it).</summary>
    public T Write<T>(Func<T> work)
    {
        using var scope = Writing();
        var result = work();
        scope.Complete();
        return result;
    }

    public void Write(Action work) => Write(() => { work(); return 0; });

    /// <summary>
    /// Runs <paramref name="work"/> holding the write lock (no writer is half way through) and rolls back:
    /// nothing changes, not even the garbage a write would sweep first.
    /// </summary>
    public T Inspect<T>(Func<T> work)
    {
        using var scope = Writing(sweep: false);
        return work();
    }

    /// <summary>Runs <paramref name="work"/> against one consistent snapshot of the index.</summary>
    public T Read<T>(Func<T> work)
    {
        using var scope = Reading();
        return work();
    }

    /// <summary>
    /// Starts (or joins) a write transaction holding SQLite's write lock; it commits when the outermost
    /// scope is completed and disposed, and rolls back (deleting the blobs it wrote) otherwise.
    /// </summary>
    public Scope Writing(bool sweep = true)
    {
        Monitor.Enter(_gate);
        try
        {
            if (_depth > 0)
            {
                if (!_writing) throw new InvalidOperationException("a write cannot start inside a read of the embedded store");
                _depth++;
                return new Scope(this, outer: false);
            }
            Execute("BEGIN IMMEDIATE");
            _depth = 1;
            _writing = true;
            Generation++;
            try
            {
                _nextBlob = Convert.ToInt64(Scalar("SELECT value FROM meta WHERE key='next_blob'") ?? 1L);
                if (sweep) SweepGarbage();
            }
            catch
            {
                EndWrite(commit: false);
                throw;
            }
            return new Scope(this, outer: true);
        }
        catch
        {
            Monitor.Exit(_gate);
            throw;
        }
    }

    /// <summary>Starts (or joins) a read of one consistent snapshot of the index.</summary>
    public Scope Reading()
    {
        Monitor.Enter(_gate);
        if (_depth > 0)
        {
            _depth++;
            return new Scope(this, outer: false);
        }
        try
        {
            _readLock = _blobs.EnterRead();
            Execute("BEGIN");
            _depth = 1;
            // Reading data_version starts the read snapshot; it differs once another connection has committed.
            long dataVersion = (long)Scalar("PRAGMA data_version")!;
            if (dataVersion != _dataVersion) Generation++;
            _dataVersion = dataVersion;
            return new Scope(this, outer: true, reading: true);
        }
        catch
        {
            _readLock?.Dispose();
            _readLock = null;
            Monitor.Exit(_gate);
            throw;
        }
    }

    /// <summary>
    /// Changes whenever the index may have changed since it last did: at every write of this process, and at a
    /// read that starts after another process committed. What is read under one generation may be kept for it.
    /// </summary>
    public long Generation { get; private set; }

    /// <summary>Whether this is a read (not a write) of the index: what it reads holds for the whole <see cref="Generation"/>.</summary>
    public bool InRead => _depth > 0 && !_writing;

    public sealed class Scope : IDisposable
    {
        private readonly StoreIndex _owner;
        private readonly bool _outer, _reading;
        private bool _completed, _disposed;

        internal Scope(StoreIndex owner, bool outer, bool reading = false)
        {
            _owner = owner;
            _outer = outer;
            _reading = reading;
        }

        public void Complete() => _completed = true;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            try
            {
                if (!_outer) _owner._depth--;
                else if (_reading) _owner.EndRead();
                else _owner.EndWrite(_completed);
            }
            finally
            {
                Monitor.Exit(_owner._gate);
            }
        }
    }

    private void EndRead()
    {
        _depth = 0;
        try { Execute("COMMIT"); } catch (SqliteException) { }
        _readLock?.Dispose();
        _readLock = null;
    }

    private void EndWrite(bool commit)
    {
        bool committed = false;
        try
        {
            if (commit)
            {
                CollectDropped();
                Execute("UPDATE meta SET value=$v WHERE key='next_blob'", ("$v", _nextBlob));
                Execute("COMMIT");
                committed = true;
            }
        }
        finally
        {
            _depth = 0;
            _writing = false;
            if (!committed)
            {
                try { Execute("ROLLBACK"); } catch (SqliteException) { }
                foreach (var blob in _freshBlobs) _blobs.Delete(blob);
            }
            _freshBlobs.Clear();
            _droppedBlobs.Clear();
            if (committed) TrySweepAfterCommit();
        }
    }

    /// <summary>A new blob id, owned by this transaction until it commits.</summary>
    public long NewBlob()
    {
        RequireWrite();
        long id = _nextBlob++;
        _freshBlobs.Add(id);
        return id;
    }

    /// <summary>True when the blob was created by this transaction and is not shared, so it may change in place.</summary>
    public bool IsFresh(long blob) => _freshBlobs.Contains(blob);

    /// <summary>Marks a blob as shared by a second version row, so it is never changed in place again.</summary>
    public void Share(long blob) => _freshBlobs.Remove(blob);

    /// <summary>Notes that a version row stopped referencing <paramref name="blob"/>; freed at commit if unreferenced.</summary>
    public void Drop(long? blob)
    {
        if (blob is long b) _droppedBlobs.Add(b);
    }

    public long NextBlob => _nextBlob;

    private void RequireWrite()
    {
        if (!_writing) throw new InvalidOperationException("not inside a write of the embedded store");
    }

    /// <summary>Before commit: dropped blobs that nothing references any more go to the garbage table.</summary>
    public void CollectDropped()
    {
        foreach (var blob in _droppedBlobs)
        {
            if (Scalar("SELECT 1 FROM objects WHERE blob=$b LIMIT 1", ("$b", blob)) is not null) continue;
            if (_freshBlobs.Remove(blob)) _blobs.Delete(blob);
            else Execute("INSERT OR IGNORE INTO garbage(blob) VALUES($b)", ("$b", blob));
        }
        _droppedBlobs.Clear();
    }

    /// <summary>Deletes the files of garbage blobs once no reader in any process may still read them.</summary>
    private void SweepGarbage()
    {
        if (Scalar("SELECT 1 FROM garbage LIMIT 1") is null) return;
        using var exclusive = _blobs.TryExclusive();
        if (exclusive is null) return;
        var blobs = new List<long>();
        using (var cmd = Command("SELECT blob FROM garbage"))
        using (var reader = cmd.ExecuteReader())
            while (reader.Read()) blobs.Add(reader.GetInt64(0));
        foreach (var blob in blobs) _blobs.Delete(blob);
        foreach (var blob in blobs) Execute("DELETE FROM garbage WHERE blob=$b", ("$b", blob));
    }

    /// <summary>Frees this commit's garbage at once when no other writer holds the lock; else the next writer does.</summary>
    private void TrySweepAfterCommit()
    {
        if (Scalar("SELECT 1 FROM garbage LIMIT 1") is null) return;
        try
        {
            using (var begin = Command("BEGIN IMMEDIATE")) { begin.CommandTimeout = 1; begin.ExecuteNonQuery(); }
        }
        catch (SqliteException) { return; }
        try { SweepGarbage(); Execute("COMMIT"); }
        catch { try { Execute("ROLLBACK"); } catch (SqliteException) { } throw; }
    }

    public SqliteCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    /// <summary>
    /// The prepared command for <paramref name="sql"/>, bound to <paramref name="args"/>. Commands are kept and
    /// reused (SQLite compiles a statement once, not on every call: most of a small query's cost); each call
    /// finishes with its command before returning, and the connection is used by one thread at a time (the gate).
    /// </summary>
    private SqliteCommand Prepared(string sql, (string Name, object? Value)[] args)
    {
        if (!_prepared.TryGetValue(sql, out var cmd))
        {
            cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            _prepared[sql] = cmd;
        }
        cmd.Parameters.Clear();
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    public int Execute(string sql, params (string Name, object? Value)[] args) => Prepared(sql, args).ExecuteNonQuery();

    public object? Scalar(string sql, params (string Name, object? Value)[] args)
    {
        var value = Prepared(sql, args).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public IEnumerable<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        var rows = new List<T>();
        using var reader = Prepared(sql, args).ExecuteReader();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }

    private void CreateSchema()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value NOT NULL);
            CREATE TABLE IF NOT EXISTS pools(
                id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, snap_seq INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS images(
                id INTEGER PRIMARY KEY, pool_id INTEGER NOT NULL REFERENCES pools(id), name TEXT NOT NULL,
                rbd_id TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, ord INTEGER NOT NULL, features INTEGER NOT NULL,
                created TEXT NOT NULL, parent_snap INTEGER, overlap INTEGER NOT NULL DEFAULT 0,
                UNIQUE(pool_id, name));
            CREATE TABLE IF NOT EXISTS snaps(
                id INTEGER PRIMARY KEY, image_id INTEGER NOT NULL REFERENCES images(id), snap_id INTEGER NOT NULL,
                name TEXT NOT NULL, size INTEGER NOT NULL, protected INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,
                parent_snap INTEGER, overlap INTEGER NOT NULL DEFAULT 0,
                UNIQUE(image_id, name), UNIQUE(image_id, snap_id));
            CREATE INDEX IF NOT EXISTS images_parent ON images(parent_snap) WHERE parent_snap IS NOT NULL;
            CREATE INDEX IF NOT EXISTS snaps_parent ON snaps(parent_snap) WHERE parent_snap IS NOT NULL;
            CREATE TABLE IF NOT EXISTS objects(
                image_id INTEGER NOT NULL, object_no INTEGER NOT NULL, epoch INTEGER NOT NULL,
                present INTEGER NOT NULL, size INTEGER NOT NULL, blob INTEGER, changed BLOB NOT NULL,
                PRIMARY KEY(image_id, object_no, epoch)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS objects_blob ON objects(blob) WHERE blob IS NOT NULL;
            CREATE TABLE IF NOT EXISTS garbage(blob INTEGER PRIMARY KEY);
            INSERT OR IGNORE INTO meta(key, value) VALUES('schema', $schema), ('next_blob', 1), ('fsid', $fsid);
            """, ("$schema", SchemaVersion), ("$fsid", Guid.NewGuid().ToString()));
        // Schema 2. An image in the trash keeps its row (id, snapshots, clones' parent links) under a name no image
        // can have (names never hold '/'), so its own name is free again; the trash row remembers it.
        Execute("""
            CREATE TABLE IF NOT EXISTS trash(
                image_id INTEGER PRIMARY KEY REFERENCES images(id), name TEXT NOT NULL, source TEXT NOT NULL,
                deleted TEXT NOT NULL, deferment_end TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS image_meta(
                image_id INTEGER NOT NULL REFERENCES images(id), key TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY(image_id, key)) WITHOUT ROWID;
            UPDATE meta SET value=2 WHERE key='schema' AND value=1;
            """);
        var schema = Convert.ToInt32(Scalar("SELECT value FROM meta WHERE key='schema'"));
        if (schema != SchemaVersion)
            throw new RbdException(RbdErrno.ENOTSUP, _db.DataSource,
                $"The store at '{_db.DataSource}' has schema {schema}; this module reads schema {SchemaVersion}.")
            { ErrorId = "StoreSchemaMismatch" };
    }

    public void Dispose()
    {
        foreach (var cmd in _prepared.Values) cmd.Dispose();
        _prepared.Clear();
        _db.Dispose();
    }
}
