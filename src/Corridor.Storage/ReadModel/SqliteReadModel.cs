using Microsoft.Data.Sqlite;

namespace Corridor.Storage.ReadModel;

/// <summary>The embedded read model: one SQLite file (default <c>&lt;data&gt;/readmodel.db</c>) in WAL mode.</summary>
public sealed class SqliteReadModel : SqlReadModel
{
    private SqliteReadModel(SqliteConnection connection) : base(connection) { }

    protected override string IdType => "BLOB";
    protected override string IntType => "INTEGER";
    protected override string TextType => "TEXT";

    /// <summary>Opens (creating if missing) the read model in <paramref name="path"/>.</summary>
    public static SqliteReadModel Open(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        try
        {
            connection.Open();
            using (SqliteCommand pragma = connection.CreateCommand())
            {
                // WAL: readers never block the projector; synchronous=NORMAL is safe in WAL (a crash loses at most the
                // last transactions, and the stored position goes back with them: the projector redoes those batches).
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";
                pragma.ExecuteNonQuery();
            }
            var model = new SqliteReadModel(connection);
            model.CreateSchema();
            return model;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
