using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>
/// A standby snapshots its replica as a node does, so that its own next start — after a crash, or after it took over and
/// failed in turn — restores a recent state instead of replaying the whole journal: once caught up after a long replay at
/// start (<see cref="NodeOptions.StandbySnapshotAfterReplaySeconds"/>), every <see cref="NodeOptions.SnapshotEveryEvents"/> events it follows, and the events it followed count towards
/// the first snapshot of the node it becomes. Against a real PostgreSQL server, with a real active node writing.
/// </summary>
public sealed class StandbySnapshotTests(PostgresFixture pg)
{
    private const uint Ledger = 1;
    private const int Accounts = 20;
    private static CancellationToken C => TestContext.Current.CancellationToken;

    /// <summary>An active node on the journal of <paramref name="db"/> (no snapshots of its own), with its accounts open.</summary>
    private static async Task<Node.Node> ActiveNode(string db)
    {
        Node.Node node = Node.Node.Start(new NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = false }, PostgresJournal.Open(db), null);
        var accounts = new Account[Accounts];
        for (int i = 0; i < Accounts; i++) accounts[i] = new Account { Id = (UInt128)(i + 1), Ledger = Ledger, Code = 1 };
        Assert.True((await node.SubmitAsync(Operation.CreateAccounts, Accounts, MemoryMarshal.AsBytes(accounts.AsSpan()).ToArray(), waitWhenFull: true)).AllOk);
        return node;
    }

    /// <summary>Submits <paramref name="requests"/> requests of 100 transfers each (ids from <paramref name="first"/>).</summary>
    private static async Task Transfers(Node.Node node, int requests, ulong first)
    {
        for (int r = 0; r < requests; r++)
        {
            var transfers = new Transfer[100];
            for (int i = 0; i < transfers.Length; i++)
                transfers[i] = new Transfer
                {
                    Id = new UInt128(first + (ulong)r, (ulong)i + 1), DebitAccountId = (UInt128)(i % Accounts + 1),
                    CreditAccountId = (UInt128)((i + 3) % Accounts + 1), Amount = i + 1, Ledger = Ledger, Code = 1,
                };
            Assert.True((await node.SubmitAsync(Operation.CreateTransfers, transfers.Length, MemoryMarshal.AsBytes(transfers.AsSpan()).ToArray(), waitWhenFull: true)).AllOk);
        }
    }

    private static long LatestSnapshot(SnapshotStore store)
    {
        if (!store.TryOpenLatest(out long sequence, out Stream content)) return 0;
        content.Dispose();
        return sequence;
    }

    [Fact]
    public async Task A_standby_that_replayed_a_long_journal_snapshots_once_caught_up_and_its_next_start_restores_that_instead()
    {
        string db = pg.CreateDatabase();
        using var dir = new TempDirectory();
        var store = new SnapshotStore(dir.Path);
        var options = new NodeOptions { SnapshotEveryEvents = 0, StandbySnapshotAfterReplaySeconds = 0.000_001 }; // any replay is "long" here
        string activeHash;
        using (Node.Node active = await ActiveNode(db))
        {
            await Transfers(active, requests: 30, first: 1); // 3,020 events
            activeHash = await active.QueryAsync(e => e.StateHashHex());

            using (var first = new PostgresStandby(db, new PostgresJournalOptions(), options, store))
            {
                Assert.Equal(0, first.StartedFromSnapshot);
                Assert.True(first.ReplayedAtStart > 0);
                await first.SnapshotWriting;
                Assert.Equal(first.Sequence, LatestSnapshot(store));
            }

            // Its next start restores that snapshot and has nothing to replay (no new batch since); none is written again.
            using var second = new PostgresStandby(db, new PostgresJournalOptions(), options, store);
            Assert.Equal(second.Sequence, second.StartedFromSnapshot);
            Assert.Equal(0, second.ReplayedAtStart);
        }

        // Started from the standby's snapshot and promoted (the active node stopped, releasing the lease): the same state.
        using var standby = new PostgresStandby(db, new PostgresJournalOptions(), options, store);
        using Node.Node promoted = standby.RunUntilActive(C);
        Assert.Equal(activeHash, await promoted.QueryAsync(e => e.StateHashHex()));
    }

    [Fact]
    public async Task A_following_standby_snapshots_every_so_many_events_and_its_node_counts_what_it_followed()
    {
        string db = pg.CreateDatabase();
        using var dir = new TempDirectory();
        var store = new SnapshotStore(dir.Path);
        // Neither the start's replay (20 events: the accounts) nor a follow of 2,000 reaches 2,500 events: no snapshot yet.
        var options = new NodeOptions { SnapshotEveryEvents = 2_500, StandbySnapshotAfterReplaySeconds = 0, SnapshotOnStop = false };
        Node.Node active = await ActiveNode(db);
        var standby = new PostgresStandby(db, new PostgresJournalOptions(), options, store);
        try
        {
            await Transfers(active, requests: 20, first: 1);
            Assert.True(standby.Follow() > 0);
            await standby.SnapshotWriting;
            Assert.Equal(0, LatestSnapshot(store));

            // 1,000 more: 3,020 followed since the start, past 2,500 — the standby writes one, at the batch it reached.
            await Transfers(active, requests: 10, first: 1_000);
            Assert.True(standby.Follow() > 0);
            await standby.SnapshotWriting;
            long snapshotted = LatestSnapshot(store);
            Assert.Equal(standby.Sequence, snapshotted);

            // 2,000 more followed, then the standby takes over: the node it becomes has 2,000 events towards its first snapshot,
            // so 500 more events of its own reach 2,500 (counting only its own, it would need all 2,500).
            await Transfers(active, requests: 20, first: 2_000);
            Assert.True(standby.Follow() > 0);
            active.Dispose(); // a clean stop releases the lease
            using Node.Node promoted = standby.RunUntilActive(C);
            Assert.Equal(snapshotted, LatestSnapshot(store));
            await Transfers(promoted, requests: 5, first: 3_000);
            DateTime until = DateTime.UtcNow.AddSeconds(30);
            while (promoted.Metrics.Snapshots == 0 && DateTime.UtcNow < until) await Task.Delay(20, C);
            Assert.Equal(1, promoted.Metrics.Snapshots);
            Assert.True(LatestSnapshot(store) > snapshotted);
        }
        finally
        {
            active.Dispose();
            standby.Dispose();
        }
    }
}
