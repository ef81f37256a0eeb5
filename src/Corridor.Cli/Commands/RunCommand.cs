using System.CommandLine;
using System.Runtime.InteropServices;
using Corridor.Server;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor run</c>: recover state from the data directory, serve the HTTP API until stopped.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data", "-d")
        {
            Description = "Data directory holding the journal, snapshots and secrets (created if missing).",
            DefaultValueFactory = _ => DataDirectory.DefaultPath,
        };
        var snapshotEvery = new Option<long>("--snapshot-every")
        {
            Description = "Take a snapshot after this many applied events (0: only on stop).",
            DefaultValueFactory = _ => new NodeOptions().SnapshotEveryEvents,
        };
        var port = new Option<int?>("--port", "-p") { Description = "Listen on http://127.0.0.1:<port> (default 7420)." };
        var urls = new Option<string?>("--urls") { Description = "Listen addresses, ';'-separated (e.g. http://0.0.0.0:7420); overrides --port." };
        var logFormat = new Option<string>("--log-format") { Description = "Console log format: json or simple.", DefaultValueFactory = _ => "json" };
        var command = new Command("run", "Start a Corridor node and its HTTP API (default http://127.0.0.1:7420) on embedded defaults: file journal, snapshots and secrets in the data directory.")
        {
            data, snapshotEvery, port, urls, logFormat,
        };
        command.SetAction(async (parse, cancel) =>
        {
            string root = Path.GetFullPath(parse.GetValue(data)!);
            long every = parse.GetValue(snapshotEvery);
            if (every < 0) { await Console.Error.WriteLineAsync("--snapshot-every must be 0 or more"); return 2; }
            int? p = parse.GetValue(port);
            if (p is < 0 or > 65535) { await Console.Error.WriteLineAsync("--port must be 0…65535"); return 2; }
            string[] listen = parse.GetValue(urls) is string u ? u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : p is int pp ? [$"http://127.0.0.1:{pp}"] : [ServerOptions.DefaultUrl];
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            CorridorServer server;
            try
            {
                server = await CorridorServer.StartAsync(new ServerOptions
                {
                    DataPath = root, Urls = listen, Node = new NodeOptions { SnapshotEveryEvents = every }, LogFormat = parse.GetValue(logFormat)!,
                }, stop.Token);
            }
            catch (JournalCorruptException e)
            {
                await Console.Error.WriteLineAsync($"corridor: refusing to start: {e.Message}");
                return 3;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"corridor: cannot start: {e.Message}");
                return 4;
            }
            await using (server)
            {
                RecoveryInfo r = server.Recovery;
                Console.WriteLine($"corridor: data directory {root}");
                Console.WriteLine($"corridor: recovered batch {r.Sequence} (snapshot at {r.SnapshotSequence}, {r.BatchesReplayed} batches replayed) in {r.Elapsed.TotalMilliseconds:F0} ms; state hash {r.StateHash}");
                if (server.NewOperatorToken is string token)
                {
                    Console.WriteLine($"corridor: first start: operator token (also in {Path.Combine(root, "secrets", "operator.token")}, mode 0600; shown once):");
                    Console.WriteLine(token);
                }
                Console.WriteLine($"corridor: listening on {string.Join(", ", server.Addresses)}; press Ctrl+C to stop");
                try { await Task.Delay(Timeout.Infinite, stop.Token); }
                catch (OperationCanceledException) { }
                Console.WriteLine("corridor: stopping (finishing accepted work, writing a snapshot)");
            }
            return 0;
        });
        return command;
    }
}
