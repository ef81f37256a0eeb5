using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using Corridor.Cli.Commands;
using Corridor.Cli.Federation;
using Corridor.Client;
using Corridor.Server.Federation;

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
        var warmup = new Option<int>("--warmup") { Description = "Payments sent first the same way and not counted, until the runtime has compiled the hot paths at full optimisation (tiered JIT).", DefaultValueFactory = _ => 30_000 };
        var batch = new Option<int>("--peer-batch") { Description = "Most payments node A sends to node B in one pacs.008 (1 … 1000).", DefaultValueFactory = _ => PeerLinkOptions.DefaultBatchSize };
        var payerBatch = new Option<int>("--payer-batch") { Description = "Payments each connection sends per request: 1 posts each to POST /v1/federation/payments; more post them together to POST /v1/federation/payments/batch (1 … 1000).", DefaultValueFactory = _ => 1 };
        var json = BenchCommand.JsonOption();
        var command = new Command("federation",
            "Cross-node payments end to end: two nodes on loopback, N payments from node A's payer bank to node B's payee bank, " +
            "measured from the payer's request to settled on both sides (payments, seconds, payments_per_second, p50_ms, p99_ms).") { payments, concurrency, warmup, batch, payerBatch, json };
        command.SetAction(async (parse, cancel) =>
        {
            int n = parse.GetValue(payments), c = parse.GetValue(concurrency), w = parse.GetValue(warmup), b = parse.GetValue(batch), pb = parse.GetValue(payerBatch);
            if (n is < 1 or > 1_000_000 || c is < 1 or > 4_096 || w is < 0 or > 1_000_000 || b is < 1 or > Corridor.Iso20022.Mapping.CrossNodeMapping.MaxTransactionsPerMessage
                || pb is < 1 or > Corridor.Server.Endpoints.FederationEndpoints.MaxBatchPayments)
            {
                await Console.Error.WriteLineAsync("corridor bench federation: --payments 1 … 1,000,000, --concurrency 1 … 4096, --warmup 0 … 1,000,000, --peer-batch 1 … 1000, --payer-batch 1 … 1000");
                return 2;
            }
            return await RunAsync(n, c, w, b, pb, parse.GetValue(json), cancel);
        });
        return command;
    }

    private const long AmountRub = 100_00;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    private static async Task<int> RunAsync(int n, int concurrency, int warmup, int batch, int payerBatch, bool json, CancellationToken cancel)
    {
        string root = Directory.CreateTempSubdirectory("corridor-bench-federation-").FullName;
        try
        {
            int total = warmup + n;
            await using LocalFederation f = await LocalFederation.StartAsync(
                new LocalFederation.Settings(root, AmountRub * total, TwoNodeWorld.ToCny(AmountRub) * total, TwoNodeWorld.MaxQuoteRub, concurrency + 2, SnapshotOnStop: false,
                    BatchSize: batch), cancel);
            var ids = new string[total];
            var index = new Dictionary<string, int>(total, StringComparer.Ordinal);
            for (int i = 0; i < total; i++) index[ids[i] = (1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)] = i; // as A lists them (decimal)
            var startedAt = new long[total];
            var latencyMs = new double[total];
            var final = new string?[total];
            var refusedOnSend = new ConcurrentQueue<string>();
            var finished = Enumerable.Range(0, total).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            // One watcher follows A's payments in the order they become final (each seen once), for the warm-up and the run alike.
            int seen = 0, done = 0;
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            Task watcher = Task.Run(async () =>
            {
                while (!watching.IsCancellationRequested)
                {
                    CrossNodePaymentDto[] page = (await f.OperatorA.ListFinalCrossNodePaymentsAsync(TwoNodeWorld.PeerBOnA, seen, 10_000, watching.Token)).Unwrap();
                    long now = Stopwatch.GetTimestamp();
                    seen += page.Length;
                    foreach (CrossNodePaymentDto p in page)
                    {
                        if (!index.TryGetValue(p.Id, out int i) || Volatile.Read(ref final[i]) is not null) continue;
                        latencyMs[i] = Stopwatch.GetElapsedTime(startedAt[i], now).TotalMilliseconds;
                        Volatile.Write(ref final[i], p.Status);
                        Interlocked.Increment(ref done);
                        finished[i].TrySetResult();
                    }
                    if (page.Length == 0) await Task.Delay(5, watching.Token);
                }
            }, watching.Token);
            try
            {
                if (warmup > 0) await RunPhaseAsync(f, 0, warmup, concurrency, payerBatch, ids, startedAt, final, finished, refusedOnSend, () => Volatile.Read(ref done), watcher, cancel);
                var clock = Stopwatch.StartNew();
                TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                await RunPhaseAsync(f, warmup, n, concurrency, payerBatch, ids, startedAt, final, finished, refusedOnSend, () => Volatile.Read(ref done), watcher, cancel);
                double seconds = clock.Elapsed.TotalSeconds;
                // Both nodes and the load generator run in this process: its CPU time is the whole cost of the payments.
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                await watching.CancelAsync();
                try { await watcher; } catch (OperationCanceledException) { }
                int settled = 0;
                for (int i = warmup; i < total; i++) if (final[i] == "settled") settled++;
                // Settled on A means B answered ACSC after journaling its leg; check B's records all the same.
                int settledOnB = 0;
                for (int offset = 0; ; offset += 10_000)
                {
                    CrossNodePaymentDto[] page = (await f.OperatorB.ListCrossNodePaymentsAsync(TwoNodeWorld.PeerAOnB, offset, 10_000, cancel)).Unwrap();
                    settledOnB += page.Count(p => p.Status == "settled");
                    if (page.Length < 10_000) break;
                }
                List<double> sorted = latencyMs.Skip(warmup).Where((_, i) => final[warmup + i] == "settled").Order().ToList();
                BenchOutput.Report("Cross-node payments (two nodes, mutual TLS)", [
                    new("payments", n),
                    new("warmup", warmup),
                    new("concurrency", concurrency),
                    new("peer_batch", batch),
                    new("payer_batch", payerBatch),
                    new("seconds", Math.Round(seconds, 3)),
                    new("payments_per_second", Math.Round(settled / seconds, 0)),
                    new("p50_ms", Math.Round(BenchOutput.Percentile(sorted, 0.50), 3)),
                    new("p99_ms", Math.Round(BenchOutput.Percentile(sorted, 0.99), 3)),
                    new("settled_on_a", settled),
                    new("settled_on_b", settledOnB - (total - n)),
                    new("refused", n - settled),
                    new("cpu_seconds", Math.Round(cpuSeconds, 2)),
                    new("cpu_ms_per_payment", Math.Round(cpuSeconds * 1000 / n, 3)),
                    new("cores", Environment.ProcessorCount),
                ], json);
                foreach (string r in refusedOnSend.Take(5)) await Console.Error.WriteLineAsync($"corridor bench federation: refused on send: {r}");
                return settled == n && settledOnB == total ? 0 : 1;
            }
            finally
            {
                await watching.CancelAsync();
                try { await watcher; } catch (Exception) { } // its own failure was seen by the phase that waited on it
            }
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

    /// <summary>
    /// Payments <paramref name="from"/> … <paramref name="from"/> + <paramref name="count"/> − 1 in a closed loop: each of
    /// <paramref name="concurrency"/> connections sends its next <paramref name="payerBatch"/> payments (one request) once its
    /// previous ones are final on A.
    /// </summary>
    private static async Task RunPhaseAsync(LocalFederation f, int from, int count, int concurrency, int payerBatch, string[] ids, long[] startedAt, string?[] final,
        TaskCompletionSource[] finished, ConcurrentQueue<string> refusedOnSend, Func<int> done, Task watcher, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        int next = from, end = from + count;
        void Refused(int i, string why)
        {
            refusedOnSend.Enqueue($"{ids[i]}: {why}");
            if (Interlocked.CompareExchange(ref final[i], "refused", null) is null) finished[i].TrySetResult();
        }
        Task sending = Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int first;
            while ((first = Interlocked.Add(ref next, payerBatch) - payerBatch) < end)
            {
                int last = Math.Min(end, first + payerBatch);
                long now = Stopwatch.GetTimestamp();
                for (int i = first; i < last; i++) startedAt[i] = now;
                if (payerBatch == 1)
                {
                    ApiResult<CrossNodePaymentDto> r = await f.Parties.PayerOnA.SendToPeerAsync(TwoNodeWorld.Payment(ids[first], Guid.NewGuid().ToString("D"), AmountRub), cancel);
                    if (!r.Ok) Refused(first, $"HTTP {(int)r.Status} {r.Problem?.Code}");
                }
                else
                {
                    CrossNodePaymentRequest[] requests = new CrossNodePaymentRequest[last - first];
                    for (int i = first; i < last; i++) requests[i - first] = TwoNodeWorld.Payment(ids[i], Guid.NewGuid().ToString("D"), AmountRub);
                    ApiResult<CrossNodeBatchResult> r = await f.Parties.PayerOnA.SendToPeerBatchAsync(requests, cancel);
                    if (!r.Ok) for (int i = first; i < last; i++) Refused(i, $"HTTP {(int)r.Status} {r.Problem?.Code}");
                    else foreach (CrossNodeBatchItemResult item in r.Value!.Results) if (item.Status == "refused") Refused(first + item.Index, item.Code ?? "refused");
                }
                for (int i = first; i < last; i++) await finished[i].Task.WaitAsync(cancel);
            }
        }, cancel)));
        TimeSpan nextProgress = TimeSpan.FromSeconds(5);
        while (!sending.IsCompleted)
        {
            if (clock.Elapsed > Deadline) throw new TimeoutException($"payments not final on A after {Deadline.TotalMinutes} minutes");
            if (watcher.IsFaulted) await watcher;
            await Task.WhenAny(sending, Task.Delay(250, cancel));
            if (clock.Elapsed > nextProgress)
            {
                nextProgress += TimeSpan.FromSeconds(5);
                await Console.Error.WriteLineAsync($"corridor bench federation: {(from == 0 && count != ids.Length ? "warm-up " : "")}{clock.Elapsed.TotalSeconds:F0} s: {Math.Min(end, Volatile.Read(ref next)) - from} sent, {done()} final on A");
            }
        }
        await sending;
    }
}
