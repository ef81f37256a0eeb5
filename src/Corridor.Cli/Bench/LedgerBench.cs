using System.Buffers;
using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Node;
using Spectre.Console;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench ledger</c>: submits transfers through the real node pipeline (sequencer, fsync'd
/// file journal, engine) and measures durable throughput and per-request latency.
/// </summary>
internal static class LedgerBench
{
    /// <summary>Largest request, as in TigerBeetle: 8,190 × 128-byte transfers ≈ 1 MiB.</summary>
    public const int MaxRequestTransfers = 8_190;
    private const uint BenchLedger = 1;

    public sealed record Settings(int Accounts, long Transfers, int Batch, int Inflight, string? Dir, int Seed, JournalChoice Journal)
    {
        public string? Validate()
        {
            if (Journal.Validate() is { } journalError) return journalError;
            if (Accounts < 2 || Accounts > 1_000_000) return "--accounts must be between 2 and 1,000,000";
            if (Transfers < 1 || Transfers > 200_000_000) return "--transfers must be between 1 and 200,000,000";
            if (Batch < 1 || Batch > MaxRequestTransfers) return $"--batch must be between 1 and {MaxRequestTransfers}";
            if (Inflight < 1 || Inflight > 1_024) return "--inflight must be between 1 and 1,024";
            return null;
        }
    }

    public static async Task<int> RunAsync(Settings s, bool json, CancellationToken cancel)
    {
        string root = s.Dir ?? Path.Combine(Path.GetTempPath(), $"corridor-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        bool deleteAfter = s.Dir is null;
        var dir = new DataDirectory(Path.GetFullPath(root));
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        var options = new NodeOptions
        {
            SnapshotEveryEvents = 0,
            SnapshotOnStop = false,
            AccountCapacity = s.Accounts,
            TransferCapacity = (int)Math.Min(s.Transfers + 16, int.MaxValue / 2),
        };
        // A PostgreSQL run writes a table of its own, dropped afterwards: the bench never touches a real journal.
        JournalChoice journal = s.Journal.IsPostgres ? s.Journal with { Table = $"corridor_bench_{Guid.NewGuid():N}"[..32] } : s.Journal;
        try
        {
            using Node node = dir.StartNode(options, journal);
            if (node.Recovery.Sequence != 0)
            {
                await Console.Error.WriteLineAsync($"corridor bench ledger: {dir.Root} already holds a journal; use an empty --dir");
                return 2;
            }
            await CreateAccountsAsync(node, s.Accounts);

            var latenciesMs = new List<double>((int)(s.Transfers / s.Batch) + 1);
            long itemErrors = 0;
            long completed = 0;
            var clock = Stopwatch.StartNew();

            async Task Produce(Action<long>? progress)
            {
                using var window = new SemaphoreSlim(s.Inflight);
                var pending = new List<Task>();
                ulong rng = (ulong)s.Seed * 0x9E3779B97F4A7C15UL | 1;
                long submitted = 0;
                while (submitted < s.Transfers)
                {
                    cancel.ThrowIfCancellationRequested();
                    int n = (int)Math.Min(s.Batch, s.Transfers - submitted);
                    byte[] payload = ArrayPool<byte>.Shared.Rent(n * Transfer.SizeBytes);
                    Fill(MemoryMarshal.Cast<byte, Transfer>(payload.AsSpan(0, n * Transfer.SizeBytes)), submitted, s.Accounts, ref rng);
                    submitted += n;
                    await window.WaitAsync(cancel);
                    long start = Stopwatch.GetTimestamp();
                    Task<CommandReply> reply = node.SubmitAsync(Operation.CreateTransfers, n, payload.AsMemory(0, n * Transfer.SizeBytes), waitWhenFull: true, cancel);
                    pending.Add(reply.ContinueWith(t =>
                    {
                        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                        ArrayPool<byte>.Shared.Return(payload);
                        window.Release();
                        lock (latenciesMs) latenciesMs.Add(ms);
                        Interlocked.Add(ref itemErrors, t.Result.Errors.Length);
                        long done = Interlocked.Add(ref completed, n);
                        progress?.Invoke(done);
                    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
                    if (pending.Count > 4 * s.Inflight) pending.RemoveAll(p => p.IsCompleted);
                }
                await Task.WhenAll(pending);
            }

            if (json) await Produce(null);
            else
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        ProgressTask task = ctx.AddTask("durable transfers", maxValue: s.Transfers);
                        await Produce(done => task.Value = done);
                    });
            }
            double seconds = clock.Elapsed.TotalSeconds;
            latenciesMs.Sort();
            NodeMetrics m = node.Metrics;
            var fields = new List<KeyValuePair<string, object>>
            {
                new("benchmark", "ledger"),
                new("transfers", s.Transfers),
                new("accounts", s.Accounts),
                new("batch", s.Batch),
                new("seconds", Math.Round(seconds, 3)),
                new("transfers_per_second", Math.Round(s.Transfers / seconds)),
                new("durable", true),
                new("journal", journal.Kind),
                new("journal_batches", m.Batches),
                new("journal_mib", Math.Round(m.JournalBytes / 1048576.0, 1)),
                new("fsync_p99_ms", m.FsyncLatency.Quantile(0.99) / 1000.0),
                new("p50_batch_ms", Math.Round(BenchOutput.Percentile(latenciesMs, 0.50), 3)),
                new("p99_batch_ms", Math.Round(BenchOutput.Percentile(latenciesMs, 0.99), 3)),
                new("item_errors", itemErrors),
            };
            BenchOutput.Report("corridor bench ledger", fields, json);
            return itemErrors == 0 ? 0 : 1;
        }
        finally
        {
            if (deleteAfter && Directory.Exists(root)) Directory.Delete(root, recursive: true);
            if (journal.IsPostgres) DropTable(journal);
        }
    }

    private static void DropTable(JournalChoice journal)
    {
        using var connection = new Npgsql.NpgsqlConnection(journal.ConnectionString);
        connection.Open();
        using var drop = new Npgsql.NpgsqlCommand($"DROP TABLE IF EXISTS {journal.Table}, {journal.Table}_lease", connection);
        drop.ExecuteNonQuery();
    }

    /// <summary>Benchmark accounts <paramref name="start"/> + 1 … <paramref name="start"/> + <paramref name="count"/>, each its own participant's, on the ledger <see cref="Fill"/> moves money in.</summary>
    internal static Account[] Accounts(int start, int count)
    {
        var accounts = new Account[count];
        for (int i = 0; i < count; i++)
            accounts[i] = new Account { Id = (UInt128)(start + i + 1), Ledger = BenchLedger, Code = 1, Participant = (ulong)(start + i + 1) };
        return accounts;
    }

    internal static async Task CreateAccountsAsync(Node node, int count)
    {
        for (int start = 0; start < count; start += MaxRequestTransfers)
        {
            int n = Math.Min(MaxRequestTransfers, count - start);
            Account[] accounts = Accounts(start, n);
            CommandReply reply = await node.SubmitAsync(Operation.CreateAccounts, n, MemoryMarshal.AsBytes(accounts.AsSpan()).ToArray(), waitWhenFull: true);
            if (!reply.AllOk) throw new InvalidOperationException($"creating benchmark accounts failed: {reply.Errors.Length} errors, first {(CreateAccountResult)reply.Errors[0].Code}");
        }
    }

    internal static void Fill(Span<Transfer> transfers, long firstIndex, int accounts, ref ulong rng)
    {
        for (int i = 0; i < transfers.Length; i++)
        {
            ulong r = Next(ref rng);
            uint debit = (uint)(r % (uint)accounts) + 1;
            uint credit = (uint)((r >> 32) % (uint)(accounts - 1)) + 1;
            if (credit >= debit) credit++;
            ref Transfer t = ref transfers[i];
            t = default;
            t.Id = new UInt128(0xC0, (ulong)(firstIndex + i + 1));
            t.DebitAccountId = debit;
            t.CreditAccountId = credit;
            t.Amount = (long)(r % 1_000) + 1;
            t.Ledger = BenchLedger;
            t.Code = 1;
        }
    }

    private static ulong Next(ref ulong state)
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
}
