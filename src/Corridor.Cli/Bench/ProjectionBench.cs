using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Corridor.Cli.Commands;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;
using Corridor.Storage.ReadModel;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench projection</c>: writes a journal of synthetic transfers through the real node (or reuses the
/// one in <c>--dir</c>), then times the projector feeding a fresh read model from it (SQLite by default,
/// PostgreSQL with <c>--read-model-connection</c>). The figure is projected transfers per second.
/// </summary>
internal static class ProjectionBench
{
    public static Command Create()
    {
        var transfers = new Option<long>("--transfers") { Description = "Transfers in the journal.", DefaultValueFactory = _ => 1_000_000 };
        var accounts = new Option<int>("--accounts") { Description = "Accounts the transfers move between.", DefaultValueFactory = _ => 10_000 };
        var batch = new Option<int>("--batch") { Description = "Transfers per request (1…8190; the sequencer merges requests into journal batches).", DefaultValueFactory = _ => LedgerBench.MaxRequestTransfers };
        var dir = new Option<string?>("--dir") { Description = "Data directory: its journal is reused when present, else written (default: temporary, deleted)." };
        var readModel = new Option<string?>("--read-model-connection") { Description = "Project into this PostgreSQL database (Npgsql connection string) instead of SQLite; its read-model tables are dropped first." };
        var group = new Option<int>("--group-transfers")
        {
            Description = "Merge consecutive journal batches into one read-model transaction until this many new transfers (1: one transaction per batch).",
            DefaultValueFactory = _ => new ProjectorOptions().MaxTransfersPerWrite,
        };
        var json = BenchCommand.JsonOption();
        var command = new Command("projection", "Read-model projection throughput: committed journal batches → engine replica → SQLite (or PostgreSQL) rows.")
        {
            transfers, accounts, batch, dir, readModel, group, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            long n = parse.GetValue(transfers);
            int a = parse.GetValue(accounts), b = parse.GetValue(batch);
            if (n < 1 || n > 100_000_000 || a < 2 || a > 1_000_000 || b < 1 || b > LedgerBench.MaxRequestTransfers)
            { await Console.Error.WriteLineAsync("corridor bench projection: --transfers 1…100,000,000, --accounts 2…1,000,000, --batch 1…8190"); return 2; }
            int g = parse.GetValue(group);
            if (g < 1) { await Console.Error.WriteLineAsync("corridor bench projection: --group-transfers must be ≥ 1"); return 2; }
            var options = g == 1 ? new ProjectorOptions { MaxBatchesPerWrite = 1 } : new ProjectorOptions { MaxBatchesPerWrite = 1024, MaxTransfersPerWrite = g };
            return await RunAsync(n, a, b, parse.GetValue(dir), parse.GetValue(readModel), options, parse.GetValue(json), cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(long transfers, int accounts, int batch, string? dirOption, string? postgres, ProjectorOptions options, bool json, CancellationToken cancel)
    {
        string root = Path.GetFullPath(dirOption ?? Path.Combine(Path.GetTempPath(), $"corridor-projbench-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        var dir = new DataDirectory(root);
        try
        {
            long written = await EnsureJournalAsync(dir, transfers, accounts, batch, cancel);
            string dbPath = Path.Combine(root, "readmodel-bench.db");
            foreach (string f in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" }) File.Delete(f);
            if (postgres is not null) DropReadModelTables(postgres);
            using FileJournal journal = FileJournal.OpenReadOnly(dir.JournalPath);
            using IReadModel model = postgres is null ? SqliteReadModel.Open(dbPath) : PostgresReadModel.Open(postgres);
            var projector = new Projector(journal, model, options, accountCapacity: accounts + 16, transferCapacity: (int)Math.Min(written + 16, int.MaxValue / 2));
            long allocatedBefore = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            int batches = projector.CatchUp(cancel: cancel);
            double seconds = clock.Elapsed.TotalSeconds;
            long rows = model.GetAccountTransfers(1, 0, ulong.MaxValue, 0, 1).Transfers.Count;
            BenchOutput.Report("corridor bench projection", new List<KeyValuePair<string, object>>
            {
                new("benchmark", "projection"),
                new("read_model", postgres is null ? "sqlite" : "postgres"),
                new("transfers", written),
                new("accounts", accounts),
                new("journal_batches", journal.LastSequence),
                new("projected_batches", batches),
                new("group_transfers", options.MaxBatchesPerWrite == 1 ? 1 : options.MaxTransfersPerWrite),
                new("seconds", Math.Round(seconds, 3)),
                new("transfers_per_second", Math.Round(written / seconds)),
                new("write_seconds", Math.Round(projector.WriteTime.TotalSeconds, 3)),
                new("allocated_mib", Math.Round((GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0, 1)),
                new("lag_after", projector.Lag),
                new("sample_rows", rows),
            }, json);
            return projector.Lag == 0 ? 0 : 1;
        }
        finally
        {
            if (dirOption is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The transfers in the directory's journal: written now through a node when the journal is empty.</summary>
    private static async Task<long> EnsureJournalAsync(DataDirectory dir, long transfers, int accounts, int batch, CancellationToken cancel)
    {
        var options = new NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = false, AccountCapacity = accounts, TransferCapacity = (int)Math.Min(transfers + 16, int.MaxValue / 2) };
        using Node node = dir.StartNode(options);
        if (node.Recovery.Sequence != 0) return await node.QueryAsync(e => (long)e.Ledger.TransferCount);
        await LedgerBench.CreateAccountsAsync(node, accounts);
        ulong rng = 0x9E3779B97F4A7C15UL;
        var pending = new List<Task<CommandReply>>();
        for (long submitted = 0; submitted < transfers;)
        {
            cancel.ThrowIfCancellationRequested();
            int n = (int)Math.Min(batch, transfers - submitted);
            var payload = new byte[n * Transfer.SizeBytes];
            LedgerBench.Fill(MemoryMarshal.Cast<byte, Transfer>(payload.AsSpan()), submitted, accounts, ref rng);
            submitted += n;
            pending.Add(node.SubmitAsync(Operation.CreateTransfers, n, payload, waitWhenFull: true, cancel));
            if (pending.Count >= 8) { await Task.WhenAll(pending); pending.Clear(); }
        }
        await Task.WhenAll(pending);
        return transfers;
    }

    private static void DropReadModelTables(string connectionString)
    {
        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        connection.Open();
        using var drop = new Npgsql.NpgsqlCommand(
            "DROP TABLE IF EXISTS projection, accounts, transfers, payments, statements, statement_entries, read_model_schema", connection);
        drop.ExecuteNonQuery();
    }
}
