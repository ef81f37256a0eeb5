using System.CommandLine;
using System.Diagnostics;
using Corridor.Cli.Commands;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench growth</c>: how long the engine stops while its state grows. An engine given no capacity applies
/// batches of transfers in process (no journal) from empty to N, and the slowest batch says what growing costs at once —
/// chiefly the transfer-id table, which doubles when 75 % full (at 6.3M, 12.6M, 25.2M, 50.3M … transfers).
/// </summary>
internal static class GrowthBench
{
    public static Command Create()
    {
        var transfers = new Option<long>("--transfers") { Description = "Transfers to apply, from an empty engine.", DefaultValueFactory = _ => 14_000_000 };
        var batch = new Option<int>("--batch") { Description = "Transfers per engine batch (1…8190): smaller batches show a pause more sharply.", DefaultValueFactory = _ => 1_000 };
        var accounts = new Option<int>("--accounts") { Description = "Accounts the transfers move between.", DefaultValueFactory = _ => 10_000 };
        var json = BenchCommand.JsonOption();
        var command = new Command("growth",
            "Engine pause while its state grows: batches applied from an empty engine (no capacity given) and the slowest of them, where the id table doubles.")
            { transfers, batch, accounts, json };
        command.SetAction(parse =>
        {
            long n = parse.GetValue(transfers);
            int b = parse.GetValue(batch), a = parse.GetValue(accounts);
            if (n < 1 || n > 200_000_000) { Console.Error.WriteLine("corridor bench growth: --transfers must be between 1 and 200,000,000"); return 2; }
            if (b < 1 || b > LedgerBench.MaxRequestTransfers) { Console.Error.WriteLine($"corridor bench growth: --batch must be between 1 and {LedgerBench.MaxRequestTransfers}"); return 2; }
            if (a < 2 || a > 1_000_000) { Console.Error.WriteLine("corridor bench growth: --accounts must be between 2 and 1,000,000"); return 2; }
            return Run(n, b, a, parse.GetValue(json));
        });
        return command;
    }

    private static int Run(long transfers, int batch, int accounts, bool json)
    {
        string load = BenchOutput.LoadAverage();
        var engine = new Engine();
        long sequence = 0;
        ulong now = 1_700_000_000_000_000_000;
        engine.Apply(++sequence, now, CommandBatch.Encode<Account>(Operation.CreateAccounts, LedgerBench.Accounts(0, accounts)), null);

        var items = new Transfer[batch];
        ulong rng = 0x9E3779B97F4A7C15UL;
        var times = new List<double>((int)Math.Min(transfers / batch + 1, int.MaxValue));
        double worst = 0;
        long worstAt = 0;
        var all = Stopwatch.StartNew();
        for (long made = 0; made < transfers;)
        {
            int count = (int)Math.Min(batch, transfers - made);
            LedgerBench.Fill(items.AsSpan(0, count), made, accounts, ref rng);
            byte[] body = CommandBatch.Encode<Transfer>(Operation.CreateTransfers, items.AsSpan(0, count));
            long start = Stopwatch.GetTimestamp();
            engine.Apply(++sequence, now += 1_000_000, body, null);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            times.Add(ms);
            if (ms > worst) (worst, worstAt) = (ms, made);
            made += count;
        }
        double seconds = all.Elapsed.TotalSeconds;
        int applied = engine.Ledger.TransferCount;
        times.Sort();
        BenchOutput.Report("Engine pause while its state grows (in process)",
        [
            new("benchmark", "growth"),
            new("transfers", applied),
            new("transfers_per_batch", batch),
            new("seconds", Math.Round(seconds, 3)),
            new("transfers_per_second", Math.Round(applied / Math.Max(seconds, 1e-9), 0)),
            new("batch_apply_p50_ms", Math.Round(BenchOutput.Percentile(times, 0.50), 3)),
            new("batch_apply_p99_ms", Math.Round(BenchOutput.Percentile(times, 0.99), 3)),
            new("batch_apply_max_ms", Math.Round(worst, 3)),
            new("batch_apply_max_at_transfers", worstAt),
            new("load_average_before", load),
        ], json);
        return 0;
    }
}
