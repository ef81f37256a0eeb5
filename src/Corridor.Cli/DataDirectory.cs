using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Cli;

/// <summary>Layout of a node's data directory: <c>journal/</c> segments and <c>snapshots/</c>.</summary>
public sealed record DataDirectory(string Root)
{
    public const string DefaultPath = "./data";

    public string JournalPath => Path.Combine(Root, "journal");
    public string SnapshotsPath => Path.Combine(Root, "snapshots");

    /// <summary>Accepts either a data directory or its journal folder.</summary>
    public static DataDirectory Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(Path.Combine(full, "journal")) && Path.GetFileName(full.TrimEnd('/')) == "journal")
            return new DataDirectory(Path.GetDirectoryName(full.TrimEnd('/'))!);
        return new DataDirectory(full);
    }

    /// <summary>Recovers the node's state from this directory and starts its pipeline.</summary>
    public Node StartNode(NodeOptions options)
    {
        Directory.CreateDirectory(JournalPath);
        Directory.CreateDirectory(SnapshotsPath);
        FileJournal journal = FileJournal.Open(JournalPath);
        try
        {
            return Node.Start(options, journal, new SnapshotStore(SnapshotsPath));
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }
}
