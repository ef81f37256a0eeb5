using System.Runtime.InteropServices;
using Corridor.Core.Engine;
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
        var store = new SnapshotStore(snapshotPath);
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
