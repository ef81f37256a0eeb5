using System.CommandLine;
using Corridor.Workloads;
using Spectre.Console;

namespace Corridor.Cli.Bench;

/// <summary>Benchmarks of engine components run in-process (no journal): netting, LSM, PvP.</summary>
internal static class CoreBenchCommands
{
    public static Command Netting()
    {
        var payments = new Option<int>("--payments") { Description = "Payments to net.", DefaultValueFactory = _ => 10_000_000 };
        var participants = new Option<int>("--participants") { Description = "Participants.", DefaultValueFactory = _ => 1_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the generator.", DefaultValueFactory = _ => 7 };
        var json = Commands.BenchCommand.JsonOption();
        var command = new Command("netting", "Multilateral net positions of a payment set (deferred net settlement), timed without generation.")
        {
            payments, participants, seed, json,
        };
        command.SetAction(parse =>
        {
            int p = parse.GetValue(payments), n = parse.GetValue(participants);
            if (p < 1 || p > 200_000_000) return Fail("netting", "--payments must be between 1 and 200,000,000");
            if (n < 2 || n > 1_000_000) return Fail("netting", "--participants must be between 2 and 1,000,000");
            bool asJson = parse.GetValue(json);
            NettingBenchmarkResult r = asJson
                ? NettingBenchmark.Run(p, n, parse.GetValue(seed))
                : AnsiConsole.Status().Start($"netting {p:N0} payments among {n:N0} participants…", _ => NettingBenchmark.Run(p, n, parse.GetValue(seed)));
            BenchOutput.Report("corridor bench netting", [
                new("benchmark", "netting"),
                new("payments", r.Payments),
                new("participants", r.Participants),
                new("seconds", Math.Round(r.Seconds, 4)),
                new("payments_per_second", Math.Round(r.Payments / Math.Max(r.Seconds, 1e-9))),
            ], asJson);
            return 0;
        });
        return command;
    }

    public static Command Lsm()
    {
        var participants = new Option<int>("--participants") { Description = "Participants in the gridlocked scenario.", DefaultValueFactory = _ => 100 };
        var payments = new Option<int>("--payments") { Description = "Queued payments.", DefaultValueFactory = _ => 20_000 };
        var cyclic = new Option<int>("--cyclic-percent") { Description = "Share of payments that form cycles (gridlock), 0–100.", DefaultValueFactory = _ => 99 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the generator.", DefaultValueFactory = _ => 1 };
        var json = Commands.BenchCommand.JsonOption();
        var command = new Command("lsm", "Liquidity needed to settle a gridlocked day: RTGS with the liquidity-saving mechanism vs without, vs the multilateral-net lower bound.")
        {
            participants, payments, cyclic, seed, json,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(participants), p = parse.GetValue(payments), c = parse.GetValue(cyclic);
            if (n < 2 || n > 10_000) return Fail("lsm", "--participants must be between 2 and 10,000");
            if (p < 1 || p > 2_000_000) return Fail("lsm", "--payments must be between 1 and 2,000,000");
            if (c < 0 || c > 100) return Fail("lsm", "--cyclic-percent must be between 0 and 100");
            bool asJson = parse.GetValue(json);
            ulong sd = parse.GetValue(seed);
            (LsmBenchmarkResult Result, double WithoutAtLowerBound) Measure()
            {
                LsmBenchmarkResult result = LsmBenchmark.Run(n, p, sd, c);
                // What pure RTGS (FIFO queues, no offsetting, no LSM) settles with only the lower-bound liquidity.
                double without = LsmBenchmark.Simulate(LsmBenchmark.Scenario.Generate(n, p, sd, c), 0, lsm: false, out _);
                return (result, without);
            }
            var (r, withoutAtLowerBound) = asJson
                ? Measure()
                : AnsiConsole.Status().Start("bisecting the liquidity needed with and without LSM…", _ => Measure());
            BenchOutput.Report("corridor bench lsm", [
                new("benchmark", "lsm"),
                new("participants", r.Participants),
                new("payments", r.Payments),
                new("liquidity_with_lsm", r.LiquidityWithLsm),
                new("liquidity_without_lsm", r.LiquidityWithoutLsm),
                new("lower_bound", r.LowerBound),
                new("upper_bound", r.UpperBound),
                new("ratio_to_lower_bound", Math.Round(r.RatioToLowerBound, 4)),
                new("settled_fraction", r.SettledFraction),
                new("settled_fraction_without_lsm_at_lower_bound", Math.Round(withoutAtLowerBound, 4)),
                new("engine_simulations", r.Simulations),
                new("seconds", Math.Round(r.Seconds, 3)),
            ], asJson);
            return 0;
        });
        return command;
    }

    public static Command Pvp()
    {
        var payments = new Option<int>("--payments") { Description = "Cross-currency payments (best quote, lock, pay) to settle.", DefaultValueFactory = _ => 200_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator.", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Payments settled first on the same engine and not timed (the JIT's final code, a state already holding them): a node that has been running.",
            DefaultValueFactory = _ => 0,
        };
        var instruction = new Option<string>("--instruction")
        {
            Description = "How each payment reaches the engine: lock-and-pay (the best quote found by the caller, then a lock and a payment against it: the JSON FX API) "
                + "or pay-at-best-quote (one command; the engine finds, locks and pays: a cross-currency pacs.008).",
            DefaultValueFactory = _ => "lock-and-pay",
        };
        instruction.AcceptOnlyFromAmong("lock-and-pay", "pay-at-best-quote");
        var json = Commands.BenchCommand.JsonOption();
        var command = new Command("pvp", "Cross-currency payments per second through quote lock and payment-versus-payment settlement on the engine.")
        {
            payments, seed, warmup, instruction, json,
        };
        command.SetAction(parse =>
        {
            int p = parse.GetValue(payments), w = parse.GetValue(warmup);
            if (p < 1 || p > 10_000_000) return Fail("pvp", "--payments must be between 1 and 10,000,000");
            if (w < 0 || (long)w + p > 10_000_000) return Fail("pvp", "--warmup must be 0 or more, and --warmup plus --payments at most 10,000,000");
            bool asJson = parse.GetValue(json);
            string how = parse.GetValue(instruction)!;
            PvpInstruction i = how == "pay-at-best-quote" ? PvpInstruction.PayAtBestQuote : PvpInstruction.LockAndPay;
            PvpBenchmarkResult r = asJson
                ? PvpBenchmark.Measure(p, parse.GetValue(seed), w, i)
                : AnsiConsole.Status().Start(w > 0 ? $"settling {w:N0} PvP payments untimed, then {p:N0}…" : $"settling {p:N0} PvP payments…",
                    _ => PvpBenchmark.Measure(p, parse.GetValue(seed), w, i));
            BenchOutput.Report("corridor bench pvp", [
                new("benchmark", "pvp"),
                new("instruction", how),
                new("payments", r.Payments),
                new("settled", r.Settled),
                new("seconds", Math.Round(r.ElapsedSeconds, 3)),
                new("warmup_payments", r.WarmupPayments),
                new("payments_per_second", Math.Round(r.PaymentsPerSecond)),
                new("engine_payments_per_second", Math.Round(r.EnginePaymentsPerSecond)),
                new("apply_seconds", Math.Round(r.ApplySeconds, 3)),
                new("max_apply_ms", Math.Round(r.MaxApplyMilliseconds, 1)),
                new("cpu_us_per_payment", Math.Round(r.CpuMicrosecondsPerPayment, 2)),
                new("allocated_bytes_per_payment", r.AllocatedBytesPerPayment),
                new("retained_bytes_per_payment", r.RetainedBytesPerPayment),
                new("gc_gen0", r.Gc.Gen0),
                new("gc_gen1", r.Gc.Gen1),
                new("gc_gen2", r.Gc.Gen2),
                new("gc_pause_ms", Math.Round(r.Gc.PauseMilliseconds, 1)),
                new("snapshot_capture_ms", Math.Round(r.SnapshotCaptureMilliseconds, 1)),
                new("mean_apply_ms", Math.Round(r.MeanApplyMilliseconds, 2)),
                new("apply_after_capture_ms", Math.Round(r.AfterCaptureApplyMilliseconds, 2)),
                new("snapshot_write_ms", Math.Round(r.SnapshotWriteMilliseconds, 1)),
                new("snapshot_mib", Math.Round(r.SnapshotBytes / 1048576.0, 1)),
                new("state_hash", r.StateHash),
            ], asJson);
            return r.Settled == r.Payments ? 0 : 1;
        });
        return command;
    }

    public static Command Screening()
    {
        var entries = new Option<int>("--entries") { Description = "Watch-list entries (synthetic, multi-script names).", DefaultValueFactory = _ => 100_000 };
        var payments = new Option<int>("--payments") { Description = "Payments to screen (originator and beneficiary each).", DefaultValueFactory = _ => 200_000 };
        var threads = new Option<int>("--threads") { Description = "Screening threads.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator.", DefaultValueFactory = _ => 42 };
        var json = Commands.BenchCommand.JsonOption();
        var command = new Command("screening", "Sanctions/watch-list screening throughput: payments per second against a watch list, with planted true hits counted.")
        {
            entries, payments, threads, seed, json,
        };
        command.SetAction(parse =>
        {
            int e = parse.GetValue(entries), p = parse.GetValue(payments), t = parse.GetValue(threads);
            if (e < 1 || e > ScreeningBenchmark.MaxEntries) return Fail("screening", $"--entries must be between 1 and {ScreeningBenchmark.MaxEntries:N0}");
            if (p < 1 || p > ScreeningBenchmark.MaxPayments) return Fail("screening", $"--payments must be between 1 and {ScreeningBenchmark.MaxPayments:N0}");
            if (t < 1 || t > 64) return Fail("screening", "--threads must be between 1 and 64");
            bool asJson = parse.GetValue(json);
            ScreeningBenchmarkResult r = asJson
                ? ScreeningBenchmark.Run(e, p, parse.GetValue(seed), t)
                : AnsiConsole.Status().Start($"screening {p:N0} payments against {e:N0} entries…", _ => ScreeningBenchmark.Run(e, p, parse.GetValue(seed), t));
            BenchOutput.Report("corridor bench screening", [
                new("benchmark", "screening"),
                new("watch_list_entries", r.WatchListEntries),
                new("payments", r.Payments),
                new("threads", r.Threads),
                new("build_ms", r.BuildMs),
                new("seconds", Math.Round(r.ScreenMs / 1000.0, 3)),
                new("payments_per_second", Math.Round(r.PaymentsPerSecond)),
                new("planted_hits", r.PlantedHits),
                new("planted_found", r.PlantedFound),
                new("payments_with_hits", r.PaymentsWithHits),
            ], asJson);
            return 0;
        });
        return command;
    }

    private static int Fail(string bench, string message)
    {
        Console.Error.WriteLine($"corridor bench {bench}: {message}");
        return 2;
    }
}
