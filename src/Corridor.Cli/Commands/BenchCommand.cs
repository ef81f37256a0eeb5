using System.CommandLine;
using Corridor.Cli.Bench;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor bench ...</c>: throughput and latency benchmarks of the real components.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure Corridor's throughput and latency. Each benchmark prints a JSON object as its last line with --json.");
        bench.Subcommands.Add(LedgerBenchCommand());
        return bench;
    }

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print only the result, as one JSON object on the last line." };

    private static Command LedgerBenchCommand()
    {
        var accounts = new Option<int>("--accounts") { Description = "Settlement accounts to create.", DefaultValueFactory = _ => 10_000 };
        var transfers = new Option<long>("--transfers") { Description = "Transfers to submit.", DefaultValueFactory = _ => 10_000_000 };
        var batch = new Option<int>("--batch") { Description = "Transfers per request (max 8190).", DefaultValueFactory = _ => LedgerBench.MaxRequestTransfers };
        var inflight = new Option<int>("--inflight") { Description = "Requests in flight at once (lets the sequencer group-commit).", DefaultValueFactory = _ => 8 };
        var dir = new Option<string?>("--dir") { Description = "Directory for the benchmark's journal (default: a fresh temporary directory, deleted afterwards)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the workload generator.", DefaultValueFactory = _ => 42 };
        var json = JsonOption();
        var journalOptions = new JournalChoice.Options();
        var command = new Command("ledger", "Durable ledger throughput: transfers through the sequencer, durable journal (fsync'd file or committed PostgreSQL rows) and engine.")
        {
            accounts, transfers, batch, inflight, dir, seed, json,
        };
        journalOptions.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var settings = new LedgerBench.Settings(
                parse.GetValue(accounts), parse.GetValue(transfers), parse.GetValue(batch),
                parse.GetValue(inflight), parse.GetValue(dir), parse.GetValue(seed), journalOptions.Get(parse));
            string? error = settings.Validate();
            if (error is not null) { await Console.Error.WriteLineAsync($"corridor bench ledger: {error}"); return 2; }
            return await LedgerBench.RunAsync(settings, parse.GetValue(json), cancel);
        });
        return command;
    }
}
