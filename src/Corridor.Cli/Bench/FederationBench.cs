using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using Corridor.Cli.Commands;
using Corridor.Cli.Federation;
using Corridor.Client;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench federation</c>: two nodes in this process (RUB and CNY, linked over mutual TLS with pinned certificates,
/// <see cref="LocalFederation"/>), N cross-node payments posted to node A's API from many connections at once, each measured
/// from the payer's request to settled on both sides. A payment is settled on A only after B's pacs.002 said ACSC, which B
/// sends only after it journaled its own leg settled, so "settled on A" is "settled on both"; at the end the bench checks on B
/// that every payment is settled there too.
/// </summary>
internal static class FederationBench
{
    public static Command Create()
    {
        var payments = new Option<int>("--payments") { Description = "Cross-node payments to send.", DefaultValueFactory = _ => 20_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Payments in flight at once: each of this many connections sends its next payment when its previous one is final.", DefaultValueFactory = _ => 64 };
        var json = BenchCommand.JsonOption();
        var command = new Command("federation",
            "Cross-node payments end to end: two nodes on loopback, N payments from node A's payer bank to node B's payee bank, " +
            "measured from the payer's request to settled on both sides (payments, seconds, payments_per_second, p50_ms, p99_ms).") { payments, concurrency, json };
        command.SetAction(async (parse, cancel) =>
        {
            int n = parse.GetValue(payments), c = parse.GetValue(concurrency);
            if (n is < 1 or > 1_000_000 || c is < 1 or > 4_096) { await Console.Error.WriteLineAsync("corridor bench federation: --payments 1 … 1,000,000, --concurrency 1 … 4096"); return 2; }
            return await RunAsync(n, c, parse.GetValue(json), cancel);
        });
        return command;
    }

    private const long AmountRub = 100_00;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    private static async Task<int> RunAsync(int n, int concurrency, bool json, CancellationToken cancel)
    {
        string root = Directory.CreateTempSubdirectory("corridor-bench-federation-").FullName;
        try
        {
            await using LocalFederation f = await LocalFederation.StartAsync(
                new LocalFederation.Settings(root, AmountRub * n, TwoNodeWorld.ToCny(AmountRub) * n, TwoNodeWorld.MaxQuoteRub, concurrency + 2, SnapshotOnStop: false), cancel);
            var ids = new string[n];
            var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
            for (int i = 0; i < n; i++) index[ids[i] = (1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)] = i; // as A lists them (decimal)
            var startedAt = new long[n];
            var latencyMs = new double[n];
            var final = new string?[n];
            var refusedOnSend = new ConcurrentQueue<string>();
            // Closed loop: each connection sends its next payment once its previous one is final, so at most --concurrency are in flight.
            var finished = Enumerable.Range(0, n).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            var clock = Stopwatch.StartNew();
            int next = -1;
            Task[] senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < n)
                {
                    startedAt[i] = Stopwatch.GetTimestamp();
                    ApiResult<CrossNodePaymentDto> r = await f.Parties.PayerOnA.SendToPeerAsync(TwoNodeWorld.Payment(ids[i], Guid.NewGuid().ToString("D"), AmountRub), cancel);
                    if (!r.Ok) { refusedOnSend.Enqueue($"{ids[i]}: HTTP {(int)r.Status} {r.Problem?.Code}"); Volatile.Write(ref final[i], "refused"); continue; }
                    await finished[i].Task.WaitAsync(cancel);
                }
            }, cancel)).ToArray();
            Task sending = Task.WhenAll(senders);
            // One watcher reads A's records in the order recorded, from the first one not yet final on (they finish about in that order).
            int done = 0, listed = 0;
            TimeSpan nextProgress = TimeSpan.FromSeconds(5);
            while (done < n)
            {
                if (clock.Elapsed > Deadline) throw new TimeoutException($"{n - done} payments not final on A after {Deadline.TotalMinutes} minutes");
                if (sending.IsFaulted) await sending;
                CrossNodePaymentDto[] page = (await f.OperatorA.ListCrossNodePaymentsAsync(TwoNodeWorld.PeerBOnA, listed, 5_000, cancel)).Unwrap();
                long now = Stopwatch.GetTimestamp();
                bool prefix = true;
                foreach (CrossNodePaymentDto p in page)
                {
                    bool isFinal = p.Status is "settled" or "refused";
                    if (prefix && isFinal) listed++;
                    else prefix = false;
                    if (!isFinal || !index.TryGetValue(p.Id, out int i) || Volatile.Read(ref final[i]) is not null) continue;
                    latencyMs[i] = Stopwatch.GetElapsedTime(startedAt[i], now).TotalMilliseconds;
                    Volatile.Write(ref final[i], p.Status);
                    finished[i].TrySetResult();
                }
                done = 0;
                for (int i = 0; i < n; i++) if (Volatile.Read(ref final[i]) is not null) done++;
                if (clock.Elapsed > nextProgress)
                {
                    nextProgress += TimeSpan.FromSeconds(5);
                    await Console.Error.WriteLineAsync($"corridor bench federation: {clock.Elapsed.TotalSeconds:F0} s: {Math.Min(n, Volatile.Read(ref next) + 1)} sent, {done} final on A");
                }
                await Task.Delay(5, cancel);
            }
            await sending;
            double seconds = clock.Elapsed.TotalSeconds;
            int settled = final.Count(s => s == "settled");
            // Settled on A means B answered ACSC after journaling its leg; check B's records all the same.
            int settledOnB = 0;
            for (int offset = 0; ; offset += 10_000)
            {
                CrossNodePaymentDto[] page = (await f.OperatorB.ListCrossNodePaymentsAsync(TwoNodeWorld.PeerAOnB, offset, 10_000, cancel)).Unwrap();
                settledOnB += page.Count(p => p.Status == "settled");
                if (page.Length < 10_000) break;
            }
            List<double> sorted = latencyMs.Where((_, i) => final[i] == "settled").Order().ToList();
            BenchOutput.Report("Cross-node payments (two nodes, mutual TLS)", [
                new("payments", n),
                new("concurrency", concurrency),
                new("seconds", Math.Round(seconds, 3)),
                new("payments_per_second", Math.Round(settled / seconds, 0)),
                new("p50_ms", Math.Round(BenchOutput.Percentile(sorted, 0.50), 3)),
                new("p99_ms", Math.Round(BenchOutput.Percentile(sorted, 0.99), 3)),
                new("settled_on_a", settled),
                new("settled_on_b", settledOnB),
                new("refused", n - settled),
                new("cores", Environment.ProcessorCount),
            ], json);
            foreach (string r in refusedOnSend.Take(5)) await Console.Error.WriteLineAsync($"corridor bench federation: refused on send: {r}");
            return settled == n && settledOnB == n ? 0 : 1;
        }
        catch (Exception e) when (e is TimeoutException or CorridorApiException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"corridor bench federation: {e.Message}");
            return 1;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
