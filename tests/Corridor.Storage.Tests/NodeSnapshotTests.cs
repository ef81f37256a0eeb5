using System.Runtime.InteropServices;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Storage.Tests;

/// <summary>
/// Snapshots written off the engine thread: the engine captures an image and goes on applying batches while another
/// thread writes it. Every snapshot file must hold exactly the state of its batch (the state a replay of the journal up to
/// that batch rebuilds), and the node must restart from them to its exact state.
/// </summary>
public sealed class NodeSnapshotTests
{
    private const uint Ledger = 840;

    private static byte[] Accounts(int count)
    {
        var accounts = new Account[count];
        for (int i = 0; i < count; i++)
            accounts[i] = new Account { Id = (UInt128)(i + 1), Ledger = Ledger, Code = 1, Flags = i % 2 == 0 ? AccountFlags.History : AccountFlags.None };
        return MemoryMarshal.AsBytes(accounts.AsSpan()).ToArray();
    }

    /// <summary>A batch of transfers among 16 accounts, a third of them pending, and posts of pendings from earlier batches.</summary>
    private static byte[] Transfers(int round, int perRound)
    {
        var transfers = new Transfer[perRound];
        for (int i = 0; i < perRound; i++)
        {
            ulong id = (ulong)round * 1_000_000 + (ulong)i + 1;
            transfers[i] = i % 6 == 1 && round > 0 // posts the previous round's pending transfer i − 1 (i − 1 ≡ 0 mod 6: pending)
                ? new Transfer { Id = id, PendingId = (UInt128)((ulong)(round - 1) * 1_000_000 + (ulong)i), Flags = TransferFlags.PostPendingTransfer }
                : new Transfer { Id = id, DebitAccountId = (UInt128)(i % 16 + 1), CreditAccountId = (UInt128)((i + 5) % 16 + 1), Amount = 1, Ledger = Ledger, Code = 1,
                    Flags = i % 3 == 0 ? TransferFlags.Pending : TransferFlags.None };
        }
        return MemoryMarshal.AsBytes(transfers.AsSpan()).ToArray();
    }

    [Fact]
    public async Task A_start_that_opens_the_journal_beside_the_restore_recovers_the_same_state_and_reports_a_journal_that_will_not_open()
    {
        using var dir = new TempDirectory();
        string journalPath = dir.File("journal"), snapshotPath = dir.File("snapshots");
        Directory.CreateDirectory(journalPath);
        var options = new NodeOptions { SnapshotOnStop = true };
        (long Sequence, string Hash) atStop;
        using (var node = Node.Node.Start(options, FileJournal.Open(journalPath), new SnapshotStore(snapshotPath)))
        {
            Assert.True((await node.SubmitAsync(Operation.CreateAccounts, 16, Accounts(16), waitWhenFull: true, cancel: TestContext.Current.CancellationToken)).AllOk);
            for (int round = 0; round < 3; round++)
                Assert.True((await node.SubmitAsync(Operation.CreateTransfers, 500, Transfers(round, 500), waitWhenFull: true, cancel: TestContext.Current.CancellationToken)).AllOk);
            await node.SnapshotAsync();
            Assert.True((await node.SubmitAsync(Operation.CreateTransfers, 500, Transfers(3, 500), waitWhenFull: true, cancel: TestContext.Current.CancellationToken)).AllOk);
            atStop = await node.QueryAsync(e => (e.Sequence, e.StateHashHex()));
        }
        File.Delete(Directory.GetFiles(snapshotPath).Max()!); // the stop's snapshot: restart from the earlier one and replay the rest

        // The snapshot restored and the batch after it replayed from a journal opened on another thread: the same state.
        int openerThread = -1;
        using (var again = Node.Node.Start(options, () => { openerThread = Environment.CurrentManagedThreadId; return FileJournal.Open(journalPath); }, new SnapshotStore(snapshotPath)))
        {
            Assert.NotEqual(Environment.CurrentManagedThreadId, openerThread);
            Assert.True(again.Recovery.SnapshotSequence > 0);
            Assert.Equal(1, again.Recovery.BatchesReplayed);
            Assert.Equal(atStop, await again.QueryAsync(e => (e.Sequence, e.StateHashHex())));
        }

        // A journal that will not open is the error, as it is (not wrapped), after the snapshot restored beside it.
        var refused = Assert.Throws<JournalCorruptException>(() =>
            Node.Node.Start(options, () => throw new JournalCorruptException("the journal's chain is broken"), new SnapshotStore(snapshotPath)));
        Assert.Equal("the journal's chain is broken", refused.Message);

        // A snapshot ahead of the journal: the journal that did open is closed again (a third start can lock it).
        using (var emptyJournal = new TempDirectory())
        {
            Assert.Throws<JournalCorruptException>(() => Node.Node.Start(options, () => FileJournal.Open(emptyJournal.Path), new SnapshotStore(snapshotPath)));
            FileJournal.Open(emptyJournal.Path).Dispose();
        }
    }

    [Fact]
    public async Task Snapshots_taken_while_batches_go_on_hold_exactly_the_state_of_their_batch()
    {
        using var dir = new TempDirectory();
        string journalPath = dir.File("journal"), snapshotPath = dir.File("snapshots");
        Directory.CreateDirectory(journalPath);
        var options = new NodeOptions { SnapshotEveryEvents = 20_000, SnapshotOnStop = true };
        (long Sequence, string Hash) atStop;
        var node = Node.Node.Start(options, FileJournal.Open(journalPath), new SnapshotStore(snapshotPath));
        try
        {
            Assert.True((await node.SubmitAsync(Operation.CreateAccounts, 16, Accounts(16), waitWhenFull: true, cancel: TestContext.Current.CancellationToken)).AllOk);
            const int PerRound = 2_000;
            var pending = new List<Task<CommandReply>>();
            for (int round = 0; round < 60; round++) pending.Add(node.SubmitAsync(Operation.CreateTransfers, PerRound, Transfers(round, PerRound), waitWhenFull: true, cancel: TestContext.Current.CancellationToken));
            foreach (Task<CommandReply> reply in pending) Assert.True((await reply).AllOk);
            await node.SnapshotAsync();
            atStop = await node.QueryAsync(e => (e.Sequence, e.StateHashHex()));
            Assert.True(node.Metrics.Snapshots >= 2, $"{node.Metrics.Snapshots} snapshots");
        }
        finally
        {
            node.Dispose();
        }
        Assert.Null(node.Fault);

        // Each snapshot file (the newest two are kept) is the state a replay of the journal up to its batch rebuilds.
        AssertEverySnapshotIsTheReplayToItsBatch(journalPath, snapshotPath);

        var again = Node.Node.Start(options, FileJournal.Open(journalPath), new SnapshotStore(snapshotPath));
        try
        {
            Assert.Equal(0, again.Recovery.BatchesReplayed);
            Assert.Equal(atStop, await again.QueryAsync(e => (e.Sequence, e.StateHashHex())));
        }
        finally
        {
            again.Dispose();
        }
    }

    /// <summary>
    /// As above with PvP payments, whose locks, payments, legs and compliance records are frozen at capture and serialised
    /// by the snapshot's thread while the engine goes on: some locks are paid a round later, some released (their records
    /// change after a capture may have frozen them). Every snapshot file is the replay of the journal to its batch.
    /// </summary>
    [Fact]
    public async Task Snapshots_taken_while_pvp_payments_go_on_hold_exactly_the_state_of_their_batch()
    {
        using var dir = new TempDirectory();
        string journalPath = dir.File("journal"), snapshotPath = dir.File("snapshots");
        Directory.CreateDirectory(journalPath);
        var options = new NodeOptions { SnapshotEveryEvents = 3_000, SnapshotOnStop = true };
        const uint Usd = 840, Kes = 404;
        const ulong Payer = 1, Payee = 2, Provider = 3;
        var node = Node.Node.Start(options, FileJournal.Open(journalPath), new SnapshotStore(snapshotPath));
        CancellationToken cancel = TestContext.Current.CancellationToken;
        Task<CommandReply> Submit<T>(Operation operation, params T[] items) where T : IExchangeItem<T> =>
            node.SubmitAsync(operation, items.Length, ExchangeCommands.Encode<T>(operation, items).AsMemory(CommandBatch.HeaderBytes), waitWhenFull: true, cancel: cancel);
        try
        {
            Account Raw(ulong id, uint ledger, ulong participant, AccountFlags flags) => new() { Id = id, Ledger = ledger, Code = 1, Flags = flags, Participant = participant };
            Account[] accounts =
            [
                Raw(11, Usd, Payer, AccountFlags.DebitsMustNotExceedCredits), Raw(22, Kes, Payee, AccountFlags.DebitsMustNotExceedCredits),
                Raw(31, Usd, Provider, AccountFlags.DebitsMustNotExceedCredits), Raw(32, Kes, Provider, AccountFlags.DebitsMustNotExceedCredits),
                Raw(1840, Usd, 0, AccountFlags.None), Raw(1404, Kes, 0, AccountFlags.None),
            ];
            Assert.True((await node.SubmitAsync(Operation.CreateAccounts, accounts.Length, MemoryMarshal.AsBytes(accounts.AsSpan()).ToArray(), waitWhenFull: true, cancel: cancel)).AllOk);
            Transfer[] funding =
            [
                new() { Id = 1, DebitAccountId = 1840, CreditAccountId = 11, Amount = 1_000_000_000_00, Ledger = Usd, Code = 1 },
                new() { Id = 2, DebitAccountId = 1404, CreditAccountId = 32, Amount = 1_000_000_000_000_00, Ledger = Kes, Code = 1 },
            ];
            Assert.True((await node.SubmitAsync(Operation.CreateTransfers, funding.Length, MemoryMarshal.AsBytes(funding.AsSpan()).ToArray(), waitWhenFull: true, cancel: cancel)).AllOk);
            ulong now = await node.QueryAsync(e => e.LastTimestamp);
            Assert.True((await Submit(Operation.PublishQuote, new PublishQuote(900, Provider, "USD", "KES", new FxRate(12935, 100), 100, 10_000_00, now,
                now + ExchangeState.MaxQuoteValiditySeconds * 1_000_000_000 - 1, 31, 32, 3600))).AllOk);
            var originator = new Party("Thames Tea Importers Ltd", "King William Street", "12", "EC4N 7AA", "London", "", "GB", "GB29NWBK60161331926819", PartyIdScheme.Bic, "NWBKGB2L");
            var beneficiary = new Party("Kericho Highlands Tea Estates Ltd", "Moi Highway", "", "20200", "Kericho", "", "KE", "0100123456789", PartyIdScheme.Bic, "KCBLKENX");
            const int Rounds = 40, PerRound = 150;
            var replies = new List<Task<CommandReply>>();
            for (int round = 0; round < Rounds; round++)
            {
                var locks = new LockQuote[PerRound];
                for (int k = 0; k < PerRound; k++)
                    locks[k] = new LockQuote((UInt128)(100_000 + round * PerRound + k), 900, Payer, 11, 22, 1_00 + k * 100 + round, AmountSide.Source, 3600);
                Assert.True((await Submit(Operation.LockQuote, locks)).AllOk);
                // Two thirds of this round's locks are paid now; the last third of the previous round's is paid or released now.
                var pays = new List<PayAgainstLock>();
                var releases = new List<ReleaseLock>();
                for (int k = 0; k < PerRound * 2 / 3; k++) pays.Add(Pay(round * PerRound + k));
                if (round > 0)
                    for (int k = PerRound * 2 / 3; k < PerRound; k++)
                        if (k % 2 == 0) pays.Add(Pay((round - 1) * PerRound + k));
                        else releases.Add(new ReleaseLock((UInt128)(100_000 + (round - 1) * PerRound + k), Payer));
                replies.Add(Submit(Operation.PayAgainstLock, pays.ToArray()));
                if (releases.Count > 0) replies.Add(Submit(Operation.ReleaseLock, releases.ToArray()));
            }
            foreach (Task<CommandReply> reply in replies) Assert.True((await reply).AllOk);
            await node.SnapshotAsync();
            Assert.True(node.Metrics.Snapshots >= 3, $"{node.Metrics.Snapshots} snapshots");
            Assert.True(await node.QueryAsync(e => e.Exchange.PaymentCount) > Rounds * PerRound / 2);

            PayAgainstLock Pay(int n) => new((UInt128)(500_000 + n), (UInt128)(100_000 + n), Payer, originator, beneficiary,
                new TradeReference($"INV-{n}", 20261101, "", $"LC-{n / 16}", "Tea, black, fermented", "090240", Incoterms.Cif, "Mombasa"));
        }
        finally
        {
            node.Dispose();
        }
        Assert.Null(node.Fault);
        AssertEverySnapshotIsTheReplayToItsBatch(journalPath, snapshotPath);
    }

    private static void AssertEverySnapshotIsTheReplayToItsBatch(string journalPath, string snapshotPath)
    {
        var store = new SnapshotStore(snapshotPath);
        Assert.NotEmpty(store.List());
        foreach ((long sequence, string path) in store.List())
        {
            Engine restored;
            using (var file = File.OpenRead(path))
            {
                file.Position = SnapshotStore.HeaderBytes;
                restored = Engine.ReadSnapshot(new BoundedStream(file, file.Length - SnapshotStore.HeaderBytes - SnapshotStore.ChecksumBytes));
            }
            Assert.Equal(sequence, restored.Sequence);
            var replayed = new Engine();
            using (FileJournal journal = FileJournal.Open(journalPath))
                foreach (JournalBatch batch in journal.Read(0))
                {
                    if (batch.Sequence > sequence) break;
                    replayed.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
                }
            Assert.Equal(replayed.StateHashHex(), restored.StateHashHex());
        }
    }

    /// <summary>The first <c>length</c> bytes of a stream (the content of a snapshot file).</summary>
    private sealed class BoundedStream(Stream inner, long length) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, (int)Math.Min(count, length - _read));
            _read += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
