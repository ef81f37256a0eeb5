using System.Collections.Concurrent;
using Corridor.Storage.Journal;
using Npgsql;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>
/// The journal's lease and epoch against a real server: one writer at a time, a take-over gives a new epoch, and a writer
/// whose lease was taken over can never append again — not even with an INSERT already on its way.
/// </summary>
public sealed class FencingTests(PostgresFixture pg)
{
    private static readonly PostgresJournalOptions Short = new() { Lease = new PostgresLeaseOptions { DurationMs = 1_000 } };

    private static void Expire(string db) => Execute(db, "UPDATE journal_lease SET expires_at = now() - interval '1 second'");

    private static void Execute(string db, string sql)
    {
        using var connection = new NpgsqlConnection(db);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static List<(long Sequence, long Epoch, byte[] Hash)> Rows(string db)
    {
        using var connection = new NpgsqlConnection(db);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT sequence, epoch, hash FROM journal ORDER BY sequence", connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        var rows = new List<(long, long, byte[])>();
        while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetInt64(1), (byte[])reader[2]));
        return rows;
    }

    [Fact]
    public void A_writer_takes_the_lease_and_a_second_waits_until_it_is_released()
    {
        string db = pg.CreateDatabase();
        var first = PostgresJournal.Open(db, Short with { Lease = Short.Lease with { Address = "http://a:7420" } });
        Assert.Equal(1, first.Epoch);
        Assert.True(first.HoldsLease);
        var held = Assert.Throws<JournalLeaseHeldException>(() => PostgresJournal.Open(db, Short));
        Assert.Equal("http://a:7420", held.Lease.Address);
        Assert.Equal(1, held.Lease.Epoch);
        Assert.False(held.Lease.Expired);
        // Renewal keeps the lease past its duration.
        Thread.Sleep(1_500);
        Assert.True(first.HoldsLease);
        Assert.Throws<JournalLeaseHeldException>(() => PostgresJournal.Open(db, Short));
        first.Append(1, 1, [1]);
        first.Dispose(); // a clean stop releases the lease
        using var second = PostgresJournal.Open(db, Short);
        Assert.Equal(2, second.Epoch);
        Assert.Equal(1, second.LastSequence);
        second.Append(2, 2, [2]);
        Assert.Equal([(1L, 1L), (2L, 2L)], Rows(db).Select(r => (r.Sequence, r.Epoch)));
    }

    [Fact]
    public void A_writer_whose_lease_was_taken_over_is_refused_and_nothing_it_tried_is_stored()
    {
        string db = pg.CreateDatabase();
        using var old = PostgresJournal.Open(db, Short);
        for (long s = 1; s <= 3; s++) old.Append(s, (ulong)s, [(byte)s]);
        old.SuspendRenewal(); // as if the old writer had been paused past its lease
        Expire(db);
        using var successor = PostgresJournal.Open(db, Short);
        Assert.Equal(2, successor.Epoch);
        Assert.Equal(3, successor.LastSequence);

        var refused = Assert.Throws<JournalFencedException>(() => old.Append(4, 4, [99]));
        Assert.Contains("epoch 1", refused.Message);
        Assert.False(old.HoldsLease);
        Assert.Equal(3, old.LastSequence);
        Assert.Throws<JournalFencedException>(() => old.Append(4, 4, [99])); // and stays refused
        successor.Append(4, 4, [4]);
        List<(long Sequence, long Epoch, byte[] Hash)> rows = Rows(db);
        Assert.Equal([1L, 1, 1, 2], rows.Select(r => r.Epoch));
        Assert.Equal([(byte)4], successor.Read(3).Single().Body);
    }

    [Fact]
    public async Task A_node_whose_lease_was_taken_over_fails_the_refused_batch_and_stops()
    {
        string db = pg.CreateDatabase();
        PostgresJournal journal = PostgresJournal.Open(db, Short);
        using Node.Node node = Node.Node.Start(new Node.NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = false }, journal, null);
        Assert.True((await node.SubmitAsync(Core.Engine.Operation.CreateAccounts, 1, Account(1), waitWhenFull: true, TestContext.Current.CancellationToken)).AllOk);
        journal.SuspendRenewal();
        Expire(db);
        using var successor = PostgresJournal.Open(db, Short);
        // The refused batch's request gets an answer (the node stopped), it is not left waiting.
        var stopped = await Assert.ThrowsAsync<Node.NodeStoppedException>(() =>
            node.SubmitAsync(Core.Engine.Operation.CreateAccounts, 1, Account(2), waitWhenFull: true, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.IsType<JournalFencedException>(stopped.InnerException);
        Assert.IsType<JournalFencedException>(node.Fault);
        Assert.Throws<Node.NodeStoppedException>(() => { _ = node.SubmitAsync(Core.Engine.Operation.CreateAccounts, 1, Account(3), cancel: TestContext.Current.CancellationToken); });
        Assert.Equal([1L], Rows(db).Select(r => r.Sequence));
    }

    private static byte[] Account(ulong id)
    {
        var account = new Core.Ledger.Account[] { new() { Id = id, Ledger = 1, Code = 1 } };
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(account.AsSpan()).ToArray();
    }

    [Fact]
    public async Task An_append_already_waiting_when_the_lease_is_taken_over_inserts_nothing()
    {
        string db = pg.CreateDatabase();
        using var old = PostgresJournal.Open(db, Short);
        old.Append(1, 1, [1]);
        // A take-over in progress: its UPDATE of the lease row is not committed yet.
        await using var takeover = new NpgsqlConnection(db);
        await takeover.OpenAsync(TestContext.Current.CancellationToken);
        await using NpgsqlTransaction transaction = await takeover.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var update = new NpgsqlCommand("UPDATE journal_lease SET epoch = epoch + 1, holder = 'successor', expires_at = now() + interval '1 minute'", takeover, transaction))
            await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        // The old writer's append waits on the lease row's lock ...
        Task append = Task.Run(() => old.Append(2, 2, [2]), TestContext.Current.CancellationToken);
        Task first = await Task.WhenAny(append, Task.Delay(1_000, TestContext.Current.CancellationToken));
        Assert.NotSame(append, first);
        // ... and once the take-over commits it finds the new epoch and inserts nothing.
        await transaction.CommitAsync(TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<JournalFencedException>(() => append.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Equal([1L], Rows(db).Select(r => r.Sequence));
    }

    [Fact]
    public void Renewal_finds_a_take_over_and_the_writer_stops_holding_the_lease_before_it_appends()
    {
        string db = pg.CreateDatabase();
        // A node restarted under the same name takes its own running lease at once, with a new epoch.
        var named = Short with { Lease = new PostgresLeaseOptions { Holder = "node-a", DurationMs = 1_000 } };
        using var old = PostgresJournal.Open(db, named);
        using var successor = PostgresJournal.Open(db, named);
        for (int i = 0; i < 40 && old.LostTo is null; i++) Thread.Sleep(50);
        Assert.NotNull(old.LostTo);
        Assert.Equal(2, old.LostTo!.Epoch);
        Assert.False(old.HoldsLease);
        Assert.True(successor.HoldsLease);
        Assert.Throws<JournalFencedException>(() => old.Append(1, 1, [1]));
        Assert.Empty(Rows(db));
    }

    [Fact]
    public void Writers_racing_through_ten_take_overs_leave_one_chain_with_every_acknowledged_batch_and_growing_epochs()
    {
        string db = pg.CreateDatabase();
        var acknowledged = new ConcurrentBag<(long Sequence, long Epoch, byte[] Hash)>();
        var refusals = new ConcurrentBag<long>();
        var writers = new List<(PostgresJournal Journal, Thread Thread)>();
        using var stop = new CancellationTokenSource();
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { writers[^1].Journal.SuspendRenewal(); Expire(db); }
            PostgresJournal journal = PostgresJournal.Open(db, Short);
            Assert.Equal(round + 1, journal.Epoch);
            var thread = new Thread(() =>
            {
                // Appends until refused: the previous writer goes on appending while the next one takes over.
                while (!stop.IsCancellationRequested)
                {
                    long sequence = journal.LastSequence + 1;
                    try { journal.Append(sequence, (ulong)sequence, BitConverter.GetBytes(sequence)); }
                    catch (JournalFencedException) { refusals.Add(journal.Epoch); return; }
                    acknowledged.Add((sequence, journal.Epoch, journal.LastHash));
                }
            });
            thread.Start();
            writers.Add((journal, thread));
            Thread.Sleep(150);
        }
        stop.Cancel();
        foreach (var (journal, thread) in writers) { thread.Join(); journal.Dispose(); }

        Assert.Equal(9, refusals.Count); // every writer but the last was fenced
        List<(long Sequence, long Epoch, byte[] Hash)> rows = Rows(db);
        for (int i = 1; i < rows.Count; i++) Assert.True(rows[i].Epoch >= rows[i - 1].Epoch, $"epoch went back at batch {rows[i].Sequence}");
        Dictionary<long, (long Epoch, byte[] Hash)> stored = rows.ToDictionary(r => r.Sequence, r => (r.Epoch, r.Hash));
        Assert.Equal(rows.Count, acknowledged.Count); // nothing stored that was not acknowledged, nothing acknowledged twice
        foreach (var (sequence, epoch, hash) in acknowledged)
        {
            Assert.True(stored.TryGetValue(sequence, out var row), $"acknowledged batch {sequence} is missing");
            Assert.Equal(epoch, row.Epoch);
            Assert.Equal(hash, row.Hash);
        }
        using var check = PostgresJournal.OpenReadOnly(db);
        Assert.Equal(rows.Count, check.Read(0).Count()); // the chain verifies end to end
    }

    [Fact]
    public async Task An_append_survives_a_restart_of_PostgreSQL_and_settles_exactly_once()
    {
        using var server = PostgresServer.Start();
        string db = server.CreateDatabase();
        using var journal = PostgresJournal.Open(db, new PostgresJournalOptions { Lease = new PostgresLeaseOptions { DurationMs = 10_000 } });
        for (long s = 1; s <= 5; s++) journal.Append(s, (ulong)s, [(byte)s]);
        server.Stop("immediate");
        Task restart = Task.Run(async () => { await Task.Delay(1_500); server.Restart(); }, TestContext.Current.CancellationToken);
        journal.Append(6, 6, [6]); // reconnects, finds no row 6, inserts it
        await restart;
        journal.Append(7, 7, [7]);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], Rows(db).Select(r => r.Sequence));
        Assert.Equal(7, journal.Read(0).Count());
    }

    [Fact]
    public void A_standby_following_read_only_sees_new_batches_after_refresh()
    {
        string db = pg.CreateDatabase();
        using var writer = PostgresJournal.Open(db, Short);
        using var follower = PostgresJournal.OpenReadOnly(db);
        Assert.Equal(0, follower.LastSequence);
        for (long s = 1; s <= 4; s++) writer.Append(s, (ulong)s, [(byte)s]);
        Assert.Equal(4, follower.Refresh());
        Assert.Equal(writer.LastHash, follower.LastHash);
        Assert.Equal([1L, 2, 3, 4], follower.Read(0).Select(b => b.Sequence));
        LeaseState lease;
        using (var connection = new NpgsqlConnection(db)) { connection.Open(); lease = PostgresLease.Read(connection, "journal")!; }
        Assert.Equal(writer.LeaseHolder, lease.Holder);
        writer.Dispose();
        // The standby's writer verifies only what its replica has not seen.
        using var successor = PostgresJournal.Open(db, Short, verifiedThrough: 4, verifiedHash: follower.LastHash);
        Assert.Equal(4, successor.LastSequence);
        Assert.Equal(0, successor.VerifiedBatches);
        Assert.Throws<JournalCorruptException>(() => PostgresJournal.Open(db, Short with { Lease = new PostgresLeaseOptions { Holder = successor.LeaseHolder } }, 4, new byte[32]));
    }
}
