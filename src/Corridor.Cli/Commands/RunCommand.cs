using System.CommandLine;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;
using Corridor.Storage.ReadModel;

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
        var readModel = new Option<string>("--read-model")
        {
            Description = "Read model fed by an in-process projector: sqlite (<data>/readmodel.db), postgres (--read-model-connection) or none.",
            DefaultValueFactory = _ => "sqlite",
        };
        var readModelConnection = new Option<string?>("--read-model-connection") { Description = "Npgsql connection string of the PostgreSQL read model." };
        var journalOptions = new JournalChoice.Options();
        var command = new Command("run", "Start a Corridor node: file journal and snapshots in the data directory (default), or a PostgreSQL journal.")
        {
            data, snapshotEvery, readModel, readModelConnection,
        };
        journalOptions.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var dir = new DataDirectory(Path.GetFullPath(parse.GetValue(data)!));
            long every = parse.GetValue(snapshotEvery);
            if (every < 0) { await Console.Error.WriteLineAsync("--snapshot-every must be 0 or more"); return 2; }
            JournalChoice journal = journalOptions.Get(parse);
            if (journal.Validate() is { } invalid) { await Console.Error.WriteLineAsync($"corridor: {invalid}"); return 2; }
            string readModelKind = parse.GetValue(readModel)!;
            string? readModelAt = parse.GetValue(readModelConnection);
            if (readModelKind is not ("sqlite" or "postgres" or "none")) { await Console.Error.WriteLineAsync("corridor: --read-model must be sqlite, postgres or none"); return 2; }
            if (readModelKind == "postgres" && readModelAt is null) { await Console.Error.WriteLineAsync("corridor: --read-model postgres needs --read-model-connection"); return 2; }
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
                using var stopProjector = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                Task projecting = readModelKind == "none"
                    ? Task.CompletedTask
                    : Task.Factory.StartNew(() => ProjectorLoop(node, readModelKind == "sqlite" ? null : readModelAt, dir,
                        journal.IsPostgres ? dir.PostgresSnapshotsPath : dir.SnapshotsPath, stopProjector.Token),
                        stopProjector.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                Console.WriteLine("corridor: node running; press Ctrl+C to stop");
                try { await Task.Delay(Timeout.Infinite, cancel); }
                catch (OperationCanceledException) { }
                await stopProjector.CancelAsync();
                await projecting;
                Console.WriteLine("corridor: stopping (finishing accepted work, writing a snapshot)");
            }
            return 0;
        });
        return command;
    }

    /// <summary>Projects committed batches into the read model until stopped; a failure stops projecting, never the node.</summary>
    private static void ProjectorLoop(Node node, string? postgresReadModel, DataDirectory dir, string snapshotsPath, CancellationToken stop)
    {
        try
        {
            using IReadModel model = postgresReadModel is null ? SqliteReadModel.Open(dir.ReadModelPath) : PostgresReadModel.Open(postgresReadModel);
            var projector = new Projector(node.Journal, model, new SnapshotStore(snapshotsPath));
            Console.WriteLine($"corridor: read model {(postgresReadModel is null ? dir.ReadModelPath : "postgres")} at batch {projector.ProjectedSequence}, lag {projector.Lag}");
            while (!stop.IsCancellationRequested)
            {
                projector.CatchUp(maxBatches: 64, stop);
                if (projector.Lag == 0) stop.WaitHandle.WaitOne(ProjectorPollMs);
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            Console.Error.WriteLine($"corridor: the projector stopped (the node goes on; restart to resume projecting): {e.Message}");
        }
    }

    private const int ProjectorPollMs = 100;
}
