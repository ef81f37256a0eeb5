using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Corridor.Cli.Commands;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Journal;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench snapshot</c>: how long a snapshot stops the engine. Builds an engine of N transfers in process (no
/// journal), then writes a snapshot the way a node did before (serialised, hashed and written on the engine thread: the
/// engine waits for all of it) and the way it does now (the engine captures an image and goes on applying batches while a
/// thread of its own writes it), and reports the engine's pause and how batches fared while the snapshot was written.
/// </summary>
internal static class SnapshotBench
{
    public static Command Create()
    {
        var transfers = new Option<long>("--transfers") { Description = "Transfers in the engine's state.", DefaultValueFactory = _ => 5_000_000 };
        var accounts = new Option<int>("--accounts") { Description = "Accounts the transfers move between.", DefaultValueFactory = _ => 10_000 };
        var dir = new Option<string?>("--dir") { Description = "Directory for the snapshot files (default: temporary, deleted afterwards)." };
        var json = BenchCommand.JsonOption();
        var command = new Command("snapshot",
            "Engine pause of a snapshot: written on the engine thread (as before) against captured and written beside it while batches go on.")
            { transfers, accounts, dir, json };
        command.SetAction(async (parse, cancel) =>
        {
            long n = parse.GetValue(transfers);
            int a = parse.GetValue(accounts);
            if (n < 1 || n > 200_000_000) { await Console.Error.WriteLineAsync("corridor bench snapshot: --transfers must be between 1 and 200,000,000"); return 2; }
            if (a < 2 || a > 1_000_000) { await Console.Error.WriteLineAsync("corridor bench snapshot: --accounts must be between 2 and 1,000,000"); return 2; }
            string root = Path.GetFullPath(parse.GetValue(dir) ?? Path.Combine(Path.GetTempPath(), $"corridor-bench-snapshot-{Environment.ProcessId}-{Guid.NewGuid():N}"));
            try { return Run(root, n, a, parse.GetValue(json)); }
            finally
            {
                if (parse.GetValue(dir) is null) try { Directory.Delete(root, recursive: true); } catch (IOException) { }
            }
        });
        return command;
    }

    private const int Batch = LedgerBench.MaxRequestTransfers;

    private static int Run(string root, long transfers, int accounts, bool json)
    {
        string load = BenchOutput.LoadAverage();
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        var engine = new Engine(accounts, (int)Math.Min(transfers + 4_000_000, int.MaxValue / 2));
        long sequence = 0;
        ulong now = 1_700_000_000_000_000_000;
        engine.Apply(++sequence, now, CommandBatch.Encode<Account>(Operation.CreateAccounts, LedgerBench.Accounts(0, accounts)), null);

        var items = new Transfer[Batch];
        ulong rng = 0x9E3779B97F4A7C15UL;
        long made = 0;
        byte[] NextBatch()
        {
            LedgerBench.Fill(items, made, accounts, ref rng);
            made += Batch;
            return CommandBatch.Encode<Transfer>(Operation.CreateTransfers, items);
        }
        var build = Stopwatch.StartNew();
        while (made < transfers) engine.Apply(++sequence, now += 1_000_000, NextBatch(), null);
        double buildSeconds = build.Elapsed.TotalSeconds;

        // Batch apply time without a snapshot beside it.
        List<double> quiet = ApplyFor(engine, ref sequence, ref now, NextBatch, TimeSpan.FromSeconds(2), until: null);

        var store = new SnapshotStore(Path.Combine(root, "snapshots"));
        // Before: the engine thread serialises, hashes and writes the whole state; no batch is applied meanwhile.
        var synchronous = Stopwatch.StartNew();
        store.Write(engine.Sequence, engine.WriteSnapshot);
        double synchronousSeconds = synchronous.Elapsed.TotalSeconds;
        double snapshotMib = new FileInfo(store.List()[^1].Path).Length / (1024.0 * 1024.0);

        // Now: the engine captures an image and goes on; a thread of its own writes it.
        var capture = Stopwatch.StartNew();
        Engine.EngineSnapshot image = engine.CaptureSnapshot();
        double captureMs = capture.Elapsed.TotalMilliseconds;
        var writing = Stopwatch.StartNew();
        double writeSeconds = 0;
        var writer = new Thread(() => { store.Write(image.Sequence, image.WriteTo); writeSeconds = writing.Elapsed.TotalSeconds; }) { Name = "snapshot-writer" };
        writer.Start();
        List<double> during = ApplyFor(engine, ref sequence, ref now, NextBatch, TimeSpan.MaxValue, until: writer);
        writer.Join();
        image.Release();

        BenchOutput.Report("Engine pause of a snapshot (in process)",
        [
            new("benchmark", "snapshot"),
            new("transfers", image.TransferCount),
            new("accounts", accounts),
            new("snapshot_mib", Math.Round(snapshotMib, 1)),
            new("build_seconds", Math.Round(buildSeconds, 1)),
            new("engine_thread_snapshot_seconds", Math.Round(synchronousSeconds, 3)),
            new("capture_ms", Math.Round(captureMs, 3)),
            new("background_write_seconds", Math.Round(writeSeconds, 3)),
            new("batches_applied_during_write", during.Count),
            new("transfers_per_second_during_write", Math.Round(during.Count * (double)Batch / Math.Max(writeSeconds, 1e-9), 0)),
            new("batch_apply_p50_ms_quiet", Math.Round(BenchOutput.Percentile(quiet, 0.50), 3)),
            new("batch_apply_p50_ms_during_write", Math.Round(BenchOutput.Percentile(during, 0.50), 3)),
            new("batch_apply_max_ms_during_write", Math.Round(during.Count == 0 ? 0 : during[^1], 3)),
            new("transfers_per_batch", Batch),
            new("load_average_before", load),
        ], json);
        return 0;
    }

    /// <summary>Applies batches for <paramref name="duration"/> or until <paramref name="until"/> ends; sorted apply times (ms).</summary>
    private static List<double> ApplyFor(Engine engine, ref long sequence, ref ulong now, Func<byte[]> next, TimeSpan duration, Thread? until)
    {
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        while (until is not null ? until.IsAlive : clock.Elapsed < duration)
        {
            byte[] body = next();
            long start = Stopwatch.GetTimestamp();
            engine.Apply(++sequence, now += 1_000_000, body, null);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return times;
    }
}
