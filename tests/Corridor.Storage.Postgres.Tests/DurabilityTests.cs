using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>
/// Acknowledged means durable: a node on the PostgreSQL journal keeps every acknowledged transfer across a
/// database crash, and a synchronous standby promoted after the primary dies holds every acknowledged batch.
/// Each test runs servers of its own (they are crashed on purpose).
/// </summary>
public sealed class DurabilityTests
{
    private const uint Ledger = 1;
    private const int Accounts = 20;

    private static Transfer[] Transfers(int request, int count)
    {
        var transfers = new Transfer[count];
        for (int i = 0; i < count; i++)
            transfers[i] = new Transfer
            {
                Id = new UInt128((ulong)request + 1, (ulong)i + 1), DebitAccountId = (UInt128)(i % Accounts + 1),
                CreditAccountId = (UInt128)((i + 7) % Accounts + 1), Amount = request * 10 + i + 1, Ledger = Ledger, Code = 1,
            };
        return transfers;
    }

    private static async Task<(List<UInt128> Acknowledged, string StateHash, long Sequence)> RunNode(IJournal journal, int requests, int perRequest)
    {
        var options = new NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = false };
        using Node.Node node = Node.Node.Start(options, journal, null);
        var accounts = new Account[Accounts];
        for (int i = 0; i < Accounts; i++) accounts[i] = new Account { Id = (UInt128)(i + 1), Ledger = Ledger, Code = 1 };
        CommandReply created = await node.SubmitAsync(Operation.CreateAccounts, Accounts, MemoryMarshal.AsBytes(accounts.AsSpan()).ToArray(), waitWhenFull: true);
        Assert.True(created.AllOk);
        var pending = new List<(Task<CommandReply> Reply, Transfer[] Transfers)>();
        for (int r = 0; r < requests; r++)
        {
            Transfer[] t = Transfers(r, perRequest);
            pending.Add((node.SubmitAsync(Operation.CreateTransfers, t.Length, MemoryMarshal.AsBytes(t.AsSpan()).ToArray(), waitWhenFull: true), t));
        }
        var acknowledged = new List<UInt128>();
        foreach ((Task<CommandReply> reply, Transfer[] t) in pending)
        {
            Assert.True((await reply).AllOk);
            acknowledged.AddRange(t.Select(x => x.Id));
        }
        string hash = await node.QueryAsync(e => e.StateHashHex());
        long sequence = await node.QueryAsync(e => e.Sequence);
        return (acknowledged, hash, sequence);
    }

    [Fact]
    public async Task A_node_restarted_after_a_database_crash_keeps_every_acknowledged_transfer()
    {
        using var server = PostgresServer.Start();
        string db = server.CreateDatabase();
        (List<UInt128> acknowledged, string hash, long sequence) = await RunNode(PostgresJournal.Open(db), requests: 40, perRequest: 250);

        server.Stop("immediate"); // no checkpoint: recovery replays the WAL
        server.Restart();

        using Node.Node restarted = Node.Node.Start(new NodeOptions { SnapshotOnStop = false }, PostgresJournal.Open(db), null);
        Assert.Equal(sequence, restarted.Recovery.Sequence);
        Assert.Equal(hash, restarted.Recovery.StateHash);
        int missing = await restarted.QueryAsync(e => acknowledged.Count(id => !e.Ledger.TryGetTransfer(id, out _, out _)));
        Assert.Equal(0, missing);
    }

    [Fact]
    public async Task Batches_acknowledged_with_a_synchronous_standby_survive_its_promotion()
    {
        // Set up first (with a synchronous standby named but absent, every COMMIT, CREATE DATABASE included, would wait).
        using var primary = PostgresServer.Start();
        string db = primary.CreateDatabase();
        string database = new Npgsql.NpgsqlConnectionStringBuilder(db).Database!;
        using var standby = PostgresServer.StartStandby(primary, "standby1");
        RequireSynchronousStandby(primary, "standby1");
        await WaitUntil(() => primary.Scalar<string>("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'") == "sync");

        byte[] lastHash;
        long last;
        using (var journal = PostgresJournal.Open(db))
        {
            (_, _, last) = await RunNode(journal, requests: 30, perRequest: 100);
            lastHash = journal.LastHash;
        }
        var bodies = new List<byte[]>();
        using (var read = PostgresJournal.OpenReadOnly(db)) bodies.AddRange(read.Read(0).Select(b => b.Body));

        primary.Stop("immediate"); // the primary dies
        standby.Promote();

        using var promoted = PostgresJournal.Open(standby.ConnectionString(database));
        Assert.Equal(last, promoted.LastSequence);
        Assert.Equal(lastHash, promoted.LastHash);
        List<JournalBatch> batches = promoted.Read(0).ToList();
        Assert.Equal(bodies.Count, batches.Count);
        for (int i = 0; i < bodies.Count; i++) Assert.Equal(bodies[i], batches[i].Body);
        // The promoted standby is a primary: the journal goes on from there.
        promoted.Append(last + 1, 1, [1, 2, 3]);
        Assert.Equal(last + 1, promoted.LastSequence);
    }

    [Fact]
    public async Task A_node_keeps_serving_through_the_promotion_of_its_synchronous_standby_and_loses_no_acknowledged_transfer()
    {
        using var primary = PostgresServer.Start();
        string db = primary.CreateDatabase();
        string database = new Npgsql.NpgsqlConnectionStringBuilder(db).Database!;
        using var standby = PostgresServer.StartStandby(primary, "standby1");
        RequireSynchronousStandby(primary, "standby1");
        await WaitUntil(() => primary.Scalar<string>("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'") == "sync");
        // Both servers in one connection string: whichever is the primary takes the writes (Npgsql re-checks hosts every second).
        string both = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = $"127.0.0.1:{primary.Port},127.0.0.1:{standby.Port}", Username = PostgresServer.User, Database = database,
            TargetSessionAttributes = "primary", HostRecheckSeconds = 1, Pooling = false, Timeout = 5, CommandTimeout = 60,
        }.ConnectionString;

        var journalOptions = new PostgresJournalOptions { ReconnectTimeoutMs = 60_000, Lease = new PostgresLeaseOptions { DurationMs = 10_000 } };
        using Node.Node node = Node.Node.Start(new NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = false }, PostgresJournal.Open(both, journalOptions), null);
        var accounts = new Account[Accounts];
        for (int i = 0; i < Accounts; i++) accounts[i] = new Account { Id = (UInt128)(i + 1), Ledger = Ledger, Code = 1 };
        Assert.True((await node.SubmitAsync(Operation.CreateAccounts, Accounts, MemoryMarshal.AsBytes(accounts.AsSpan()).ToArray(), waitWhenFull: true, TestContext.Current.CancellationToken)).AllOk);

        var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<UInt128>();
        long afterPromotion = 0;
        bool promoted = false;
        using var stop = new CancellationTokenSource();
        Task[] submitters = Enumerable.Range(0, 4).Select(k => Task.Run(async () =>
        {
            for (int r = 0; !stop.IsCancellationRequested; r++)
            {
                Transfer[] t = Transfers(k * 1_000_000 + r, 50);
                CommandReply reply = await node.SubmitAsync(Operation.CreateTransfers, t.Length, MemoryMarshal.AsBytes(t.AsSpan()).ToArray(), waitWhenFull: true, CancellationToken.None);
                Assert.True(reply.AllOk);
                foreach (Transfer x in t) acknowledged.Enqueue(x.Id);
                if (Volatile.Read(ref promoted)) Interlocked.Increment(ref afterPromotion);
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        await WaitUntil(() => acknowledged.Count > 2_000);
        primary.Stop("immediate"); // the primary dies under load
        standby.Promote();
        Volatile.Write(ref promoted, true);
        await WaitUntil(() => Interlocked.Read(ref afterPromotion) > 20); // the node goes on writing, to the promoted standby
        stop.Cancel();
        await Task.WhenAll(submitters);
        Assert.Null(node.Fault);
        string hash = await node.QueryAsync(e => e.StateHashHex());

        // Every acknowledged transfer is in the promoted server's journal, and a fresh replay of it is the node's state.
        using var promotedJournal = PostgresJournal.OpenReadOnly(standby.ConnectionString(database));
        var replay = new Engine();
        foreach (JournalBatch batch in promotedJournal.Read(0)) replay.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
        Assert.Equal(hash, replay.StateHashHex());
        Assert.Equal(0, acknowledged.Count(id => !replay.Ledger.TryGetTransfer(id, out _, out _)));
    }

    [Fact]
    public async Task With_the_synchronous_standby_down_an_append_is_not_acknowledged()
    {
        using var primary = PostgresServer.Start();
        string db = primary.CreateDatabase();
        using var journal = PostgresJournal.Open(db);
        RequireSynchronousStandby(primary, "standby1");
        // No standby attached: COMMIT waits for it, so Append must not return.
        Task append = Task.Run(() => journal.Append(1, 1, [42]), TestContext.Current.CancellationToken);
        Task first = await Task.WhenAny(append, Task.Delay(2_000, TestContext.Current.CancellationToken));
        Assert.NotSame(append, first);
        using var standby = PostgresServer.StartStandby(primary, "standby1");
        await append.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(1, journal.LastSequence);
    }

    [Fact]
    public async Task An_append_whose_commit_landed_but_whose_answer_was_lost_is_settled_and_the_journal_goes_on()
    {
        // The commit is written locally, then waits for an absent synchronous standby; terminating the writer's session
        // there makes the commit stand while its answer never reaches the journal: the worst case of a broken connection.
        using var primary = PostgresServer.Start();
        string db = primary.CreateDatabase();
        using var journal = PostgresJournal.Open(db, new PostgresJournalOptions { ReconnectTimeoutMs = 30_000 });
        journal.Append(1, 1, [1]);
        RequireSynchronousStandby(primary, "standby1");
        Task append = Task.Run(() => journal.Append(2, 2, [2]), TestContext.Current.CancellationToken);
        await WaitUntil(() => primary.Scalar<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") == 1);
        primary.Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep'");
        await append.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(2, journal.LastSequence);

        primary.Execute("ALTER SYSTEM RESET synchronous_standby_names");
        primary.Execute("SELECT pg_reload_conf()");
        journal.Append(3, 3, [3]); // the writer was rebuilt while the outcome was settled
        using var read = PostgresJournal.OpenReadOnly(db);
        Assert.Equal([1L, 2L, 3L], read.Read(0).Select(b => b.Sequence).ToArray());
    }

    private static void RequireSynchronousStandby(PostgresServer primary, string name)
    {
        primary.Execute($"ALTER SYSTEM SET synchronous_standby_names = '{name}'");
        primary.Execute("SELECT pg_reload_conf()");
        // The reload is a signal: wait until new sessions see the setting.
        for (int i = 0; i < 100 && primary.Scalar<string>("SHOW synchronous_standby_names") != name; i++) Thread.Sleep(50);
        Assert.Equal(name, primary.Scalar<string>("SHOW synchronous_standby_names"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 600; i++)
        {
            if (condition()) return;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException("condition not met within 60 s");
    }
}
