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
        bench.Subcommands.Add(HttpBenchCommand());
        bench.Subcommands.Add(CoreBenchCommands.Netting());
        bench.Subcommands.Add(CoreBenchCommands.Lsm());
        bench.Subcommands.Add(CoreBenchCommands.Pvp());
        bench.Subcommands.Add(IsoBench.Create());
        bench.Subcommands.Add(CoreBenchCommands.Screening());
        bench.Subcommands.Add(ProjectionBench.Create());
        bench.Subcommands.Add(FederationBench.Create());
        bench.Subcommands.Add(RecoveryBench.Create());
        bench.Subcommands.Add(SnapshotBench.Create());
        bench.Subcommands.Add(GrowthBench.Create());
        bench.Subcommands.Add(FailoverBench.Create());
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
        var syncCommit = new Option<bool>("--sync-commit-record") { Description = "File journal: fdatasync the commit record (journal.commit) before each batch is acknowledged, a second sync per batch (default: written after the batch's sync, made durable at segment roll and close)." };
        var journalOptions = new JournalChoice.Options();
        var command = new Command("ledger", "Durable ledger throughput: transfers through the sequencer, durable journal (fsync'd file or committed PostgreSQL rows) and engine.")
        {
            accounts, transfers, batch, inflight, dir, seed, json, syncCommit,
        };
        journalOptions.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var settings = new LedgerBench.Settings(
                parse.GetValue(accounts), parse.GetValue(transfers), parse.GetValue(batch),
                parse.GetValue(inflight), parse.GetValue(dir), parse.GetValue(seed), journalOptions.Get(parse) with { SyncCommitRecord = parse.GetValue(syncCommit) });
            string? error = settings.Validate();
            if (error is not null) { await Console.Error.WriteLineAsync($"corridor bench ledger: {error}"); return 2; }
            return await LedgerBench.RunAsync(settings, parse.GetValue(json), cancel);
        });
        return command;
    }

    private static Command HttpBenchCommand()
    {
        var mode = new Option<string>("--mode")
        {
            Description = "batch (POST /v1/transfers/batch), single (POST /v1/transfers), payments (POST /v1/payments, or POST /v1/payments/batch with --batch > 1: customer payments "
                + "with full parties, trade reference, screened) or iso (POST /v1/iso20022: pacs.008 of --batch transactions).",
            DefaultValueFactory = _ => "batch",
        };
        mode.AcceptOnlyFromAmong("batch", "single", "payments", "iso");
        var transfers = new Option<long?>("--transfers") { Description = "Transfers (payments in payments and iso modes) to submit (default 1,000,000 batch, 100,000 otherwise)." };
        var batch = new Option<int?>("--batch") { Description = "Transfers per batch request (max 8190; default 8190), transactions per pacs.008 in iso mode, or payments per POST /v1/payments/batch in payments mode (max 1,000; default 1: one per request)." };
        var concurrency = new Option<int?>("--concurrency") { Description = "Concurrent requests/connections (default 4 batch and iso with --batch > 1, 64 otherwise)." };
        var watchList = new Option<int>("--watch-list")
        {
            Description = "Payments and iso modes: synthetic watch-list entries the payments are screened against (two lists).", DefaultValueFactory = _ => 100_000,
        };
        var accounts = new Option<int>("--accounts") { Description = "Accounts the transfers move between.", DefaultValueFactory = _ => 1000 };
        var url = new Option<string?>("--url") { Description = "Base URL of a running node (default: start one on loopback in a temp dir)." };
        var token = new Option<string?>("--token") { Description = "Operator token for --url." };
        var dir = new Option<string?>("--dir") { Description = "Data directory of the started node (default: temporary, deleted)." };
        var warmup = new Option<long?>("--warmup") { Description = "Transfers submitted before the clock starts, not measured (default 100,000 batch, 20,000 single); more, up to 4×, while the JIT is still recompiling hot code (jit_ms_measured in the report is what it compiled while measured)." };
        var rate = new Option<double>("--rate") { Description = "Pace requests to this many per second in total (0: as fast as the server answers). Use half the measured maximum for the latency target.", DefaultValueFactory = _ => 0 };
        var readModel = new Option<string>("--read-model") { Description = "Read model of the started node: sqlite (as corridor run) or none.", DefaultValueFactory = _ => "sqlite" };
        readModel.AcceptOnlyFromAmong("sqlite", "none");
        var tls = new Option<bool>("--tls")
        {
            Description = "Mutual TLS: the started node serves HTTPS with a throwaway CA (as corridor certs dev) and the load authenticates with a bound client certificate instead of a token.",
        };
        var otlp = new Option<Uri?>("--otlp-endpoint")
        {
            Description = "Trace the started node as `corridor run --otlp-endpoint` does (nothing need listen there: spans are made and dropped by the exporter). Off by default.",
            CustomParser = RunCommand.ParseOtlpEndpoint,
        };
        var traceSample = new Option<double>("--trace-sample-ratio")
        {
            Description = "With --otlp-endpoint: the share of requests traced, 0…1 (as corridor run).", DefaultValueFactory = _ => Corridor.Server.ServerOptions.DefaultTraceSampleRatio,
        };
        var json = JsonOption();
        var command = new Command("http",
            "HTTP API throughput and latency: real keep-alive HTTP/1.1 to a node+server on loopback. Batch mode drives the typed client; "
            + "single mode drives raw keep-alive connections (pre-encoded request head, like wrk) so the load generator does not eat the server's cores.")
            { mode, transfers, batch, concurrency, accounts, url, token, dir, warmup, rate, readModel, tls, watchList, otlp, traceSample, json };
        command.SetAction(async (parse, cancel) =>
        {
            string m = parse.GetValue(mode)!;
            bool payments = m is "payments" or "iso";
            int perRequest = parse.GetValue(batch) ?? (m == "batch" ? 8190 : 1);
            var settings = new HttpBench.Settings(m, parse.GetValue(transfers) ?? (m == "batch" ? 1_000_000 : 100_000), perRequest,
                parse.GetValue(concurrency) ?? (m == "batch" || (payments && perRequest > 1) ? 4 : 64), parse.GetValue(accounts), parse.GetValue(url), parse.GetValue(token), parse.GetValue(dir),
                parse.GetValue(warmup) ?? (m == "batch" ? 100_000 : payments && perRequest > 1 ? Math.Max(20_000, perRequest * 200L) : 20_000), parse.GetValue(rate), parse.GetValue(readModel)!, parse.GetValue(tls),
                parse.GetValue(otlp), parse.GetValue(traceSample));
            if (settings.OtlpEndpoint is not null && settings.Url is not null) { await Console.Error.WriteLineAsync("corridor bench http: --otlp-endpoint traces the node it starts; with --url start that node with corridor run --otlp-endpoint"); return 2; }
            if (settings.TraceSampleRatio is not (>= 0 and <= 1)) { await Console.Error.WriteLineAsync("corridor bench http: --trace-sample-ratio must be 0 … 1"); return 2; }
            if (settings.Tls && settings.Url is not null) { await Console.Error.WriteLineAsync("corridor bench http: --tls starts its own node; it does not combine with --url"); return 2; }
            if (settings.Tls && payments) { await Console.Error.WriteLineAsync("corridor bench http: --tls measures the transfer modes (batch, single), not payments or iso"); return 2; }
            int maxBatch = payments ? 1_000 : 8190;
            if (settings.Batch < 1 || settings.Batch > maxBatch || settings.Transfers < 1 || settings.Concurrency < 1 || settings.Accounts < 2 || settings.Warmup < 0 || settings.Rate < 0 || !double.IsFinite(settings.Rate)
                || parse.GetValue(watchList) is < 0 or > 1_000_000)
            { await Console.Error.WriteLineAsync("corridor bench http: --batch 1…8190 (payments and iso: 1…1,000), --transfers ≥ 1, --concurrency ≥ 1, --accounts ≥ 2, --warmup ≥ 0, --rate ≥ 0, --watch-list 0…1,000,000"); return 2; }
            if (payments) return await PaymentsHttpBench.RunAsync(settings, parse.GetValue(watchList), parse.GetValue(json), cancel);
            return await HttpBench.RunAsync(settings, parse.GetValue(json), cancel);
        });
        return command;
    }
}
