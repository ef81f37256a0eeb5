using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Cli;

/// <summary>Layout of a node's data directory: <c>journal/</c> segments and <c>snapshots/</c>.</summary>
public sealed record DataDirectory(string Root)
{
    public const string DefaultPath = "./data";

    public string JournalPath => Path.Combine(Root, "journal");
    public string SnapshotsPath => Path.Combine(Root, "snapshots");

    /// <summary>Snapshots of a node whose journal is in PostgreSQL: kept apart from the file journal's.</summary>
    public string PostgresSnapshotsPath => Path.Combine(Root, "snapshots-postgres");

    /// <summary>The embedded read model (SQLite, WAL).</summary>
    public string ReadModelPath => Path.Combine(Root, "readmodel.db");

    /// <summary>Accepts either a data directory or its journal folder.</summary>
    public static DataDirectory Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(Path.Combine(full, "journal")) && Path.GetFileName(full.TrimEnd('/')) == "journal")
            return new DataDirectory(Path.GetDirectoryName(full.TrimEnd('/'))!);
        return new DataDirectory(full);
    }

    /// <summary>Recovers the node's state from this directory and starts its pipeline.</summary>
    public Node StartNode(NodeOptions options, JournalChoice? choice = null)
    {
        choice ??= JournalChoice.Default;
        string snapshots = choice.IsPostgres ? PostgresSnapshotsPath : SnapshotsPath;
        if (!choice.IsPostgres) Directory.CreateDirectory(JournalPath);
        Directory.CreateDirectory(snapshots);
        IJournal journal = choice.Open(JournalPath);
        try
        {
            return Node.Start(options, journal, new SnapshotStore(snapshots));
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }
}
