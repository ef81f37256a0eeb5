using Corridor.Core.Engine;
using Corridor.Storage.Files;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Storage.Tests;

/// <summary>
/// Who hears of a snapshot write that fails: whoever applies batches to the engine when it fails. A standby hands its
/// snapshot taker (and any write in progress) to the node it becomes; a write it started that fails after the handover
/// must stop that node, as the node's own failing writes do.
/// </summary>
public sealed class SnapshotTakerTests
{
    [Fact]
    public async Task A_write_that_fails_while_no_one_listens_is_told_to_the_next_listener_and_only_once()
    {
        using var dir = new TempDirectory();
        var taker = new SnapshotTaker(new NodeOptions(), new SnapshotStore(dir.Path, new FailingWrites()));
        var standby = new List<Exception>();
        taker.WhenWriteFails(standby.Add);
        taker.WhenWriteFails(null); // the standby hands over: no one listens until the node does

        taker.Soon();
        taker.StartIfDue(new Engine());
        await taker.Writing; // the write's failure is the listener's, not the task's

        Assert.Empty(standby);
        var node = new List<Exception>();
        taker.WhenWriteFails(node.Add);
        IOException failure = Assert.IsType<IOException>(Assert.Single(node));
        Assert.Contains("disk refused", failure.Message);
        var later = new List<Exception>();
        taker.WhenWriteFails(later.Add);
        Assert.Empty(later); // told once
    }

    [Fact]
    public async Task A_write_that_fails_is_told_to_whoever_listens_when_it_fails()
    {
        using var dir = new TempDirectory();
        var taker = new SnapshotTaker(new NodeOptions(), new SnapshotStore(dir.Path, new FailingWrites()));
        var heard = new List<Exception>();
        taker.WhenWriteFails(heard.Add);

        taker.Soon();
        taker.StartIfDue(new Engine());
        await taker.Writing;

        Assert.IsType<IOException>(Assert.Single(heard));
    }

    [Fact]
    public async Task A_node_whose_snapshot_fails_to_write_stops_and_its_accepted_batches_replay_at_the_next_start()
    {
        using var dir = new TempDirectory();
        string journalPath = dir.File("journal"), snapshotPath = dir.File("snapshots");
        Directory.CreateDirectory(journalPath);
        var options = new NodeOptions { SnapshotEveryEvents = 1, SnapshotOnStop = false };
        var accounts = new Corridor.Core.Ledger.Account[4];
        for (int i = 0; i < accounts.Length; i++) accounts[i] = new Corridor.Core.Ledger.Account { Id = (UInt128)(i + 1), Ledger = 840, Code = 1 };
        byte[] body = System.Runtime.InteropServices.MemoryMarshal.AsBytes(accounts.AsSpan()).ToArray();
        using (var node = Node.Node.Start(options, FileJournal.Open(journalPath), new SnapshotStore(snapshotPath, new FailingWrites())))
        {
            Assert.True((await node.SubmitAsync(Operation.CreateAccounts, 4, body, waitWhenFull: true, cancel: TestContext.Current.CancellationToken)).AllOk);
            // The batch is durable and answered; the snapshot it made due fails on its thread, and the node stops.
            var stopped = await Assert.ThrowsAsync<NodeStoppedException>(async () =>
            {
                for (int i = 0; i < 200; i++)
                {
                    await node.QueryAsync(e => e.Sequence);
                    await Task.Delay(10, TestContext.Current.CancellationToken);
                }
            });
            Assert.Contains("disk refused", stopped.ToString());
        }
        using var again = Node.Node.Start(new NodeOptions { SnapshotOnStop = false }, FileJournal.Open(journalPath), new SnapshotStore(snapshotPath));
        Assert.Equal(1, again.Recovery.BatchesReplayed);
        Assert.Equal(4, await again.QueryAsync(e => e.Ledger.AccountCount));
    }

    /// <summary>The real file system, except that no file can be created for writing: a full or failing disk.</summary>
    private sealed class FailingWrites : ForwardingFileSystem
    {
        public override IFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share) =>
            access == FileAccess.Read ? base.Open(path, mode, access, share) : throw new IOException($"disk refused to create {path}");
    }
}
