using Microsoft.Data.Sqlite;

namespace RbdPowerShell.Engine;

/// <summary>Opens a SQLite database file the way every index of this project uses one: WAL, long busy waits.</summary>
internal static class SqliteFile
{
    public static SqliteConnection Open(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 600,
        }.ToString());
        db.Open();
        using var pragmas = db.CreateCommand();
        pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=600000;";
        pragmas.ExecuteNonQuery();
        return db;
    }
}
