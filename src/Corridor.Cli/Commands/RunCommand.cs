using System.CommandLine;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor run</c>: recover state from the data directory and serve until stopped.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data", "-d")
        {
            Description = "Data directory holding the journal and snapshots (created if missing).",
            DefaultValueFactory = _ => DataDirectory.DefaultPath,
        };
        var snapshotEvery = new Option<long>("--snapshot-every")
        {
            Description = "Take a snapshot after this many applied events (0: only on stop).",
            DefaultValueFactory = _ => new NodeOptions().SnapshotEveryEvents,
        };
        var journalOptions = new JournalChoice.Options();
        var command = new Command("run", "Start a Corridor node: file journal and snapshots in the data directory (default), or a PostgreSQL journal.")
        {
            data, snapshotEvery,
        };
        journalOptions.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var dir = new DataDirectory(Path.GetFullPath(parse.GetValue(data)!));
            long every = parse.GetValue(snapshotEvery);
            if (every < 0) { await Console.Error.WriteLineAsync("--snapshot-every must be 0 or more"); return 2; }
            JournalChoice journal = journalOptions.Get(parse);
            if (journal.Validate() is { } invalid) { await Console.Error.WriteLineAsync($"corridor: {invalid}"); return 2; }
            Node node;
            try
            {
                node = dir.StartNode(new NodeOptions { SnapshotEveryEvents = every }, journal);
            }
            catch (JournalCorruptException e)
            {
                await Console.Error.WriteLineAsync($"corridor: refusing to start: {e.Message}");
                return 3;
            }
            catch (Npgsql.NpgsqlException e)
            {
                await Console.Error.WriteLineAsync($"corridor: cannot open the PostgreSQL journal: {e.Message}");
                return 4;
            }
            using (node)
            {
                RecoveryInfo r = node.Recovery;
                Console.WriteLine($"corridor: data directory {dir.Root}, journal {journal.Describe()}");
                Console.WriteLine($"corridor: recovered batch {r.Sequence} (snapshot at {r.SnapshotSequence}, {r.BatchesReplayed} batches replayed) in {r.Elapsed.TotalMilliseconds:F0} ms; state hash {r.StateHash}");
                Console.WriteLine("corridor: node running; press Ctrl+C to stop");
                try { await Task.Delay(Timeout.Infinite, cancel); }
                catch (OperationCanceledException) { }
                Console.WriteLine("corridor: stopping (finishing accepted work, writing a snapshot)");
            }
            return 0;
        });
        return command;
    }
}
