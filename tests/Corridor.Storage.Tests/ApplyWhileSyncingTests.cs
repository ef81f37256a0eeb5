using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Files;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Storage.Tests;

/// <summary>
/// A batch of <see cref="NodeOptions.ApplyWhileSyncingBytes"/> or more is applied by the engine while the journal syncs it:
/// its replies, and every read of the engine, wait for the sync; a sync that fails after the batch was applied is never
/// answered, and the engine is not read again (nor snapshotted). A smaller batch reaches the engine only once synced.
/// Through a real node on a real file journal whose segment syncs the test holds (and may fail).
/// </summary>
public sealed class ApplyWhileSyncingTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>A file system whose journal segment syncs, once armed, wait for the test's word and then sync or fail.</summary>
    private sealed class HeldSyncs : ForwardingFileSystem, IDisposable
    {
        public volatile bool Armed;
        public volatile bool Fail;
        public readonly SemaphoreSlim Entered = new(0);
        public readonly ManualResetEventSlim Go = new(false);

        public void Dispose()
        {
            Entered.Dispose();
            Go.Dispose();
        }

        public override IFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share)
        {
            IFileHandle file = base.Open(path, mode, access, share);
            return path.EndsWith(".seg", StringComparison.Ordinal) ? new Held(file, this) : file;
        }

        private sealed class Held(IFileHandle inner, HeldSyncs owner) : ForwardingFileHandle(inner)
        {
            public override void Sync()
            {
                if (owner.Armed)
                {
                    owner.Entered.Release();
                    if (!owner.Go.Wait(Patience)) throw new TimeoutException("the test never let the sync go");
                    if (owner.Fail) throw new IOException("fdatasync failed (held sync)");
                }
                base.Sync();
            }
        }
    }

    private static byte[] Accounts(params ulong[] ids) =>
        MemoryMarshal.AsBytes(ids.Select(id => new Account { Id = id, Ledger = 840, Code = 1 }).ToArray().AsSpan()).ToArray();

    private static byte[] Move(ulong id, long amount) =>
        MemoryMarshal.AsBytes(new[] { new Transfer { Id = id, DebitAccountId = 1, CreditAccountId = 2, Amount = amount, Ledger = 840, Code = 1 } }.AsSpan()).ToArray();

    /// <summary>A node on <paramref name="files"/> over a replica the test can watch (its <see cref="Engine.Sequence"/>), two accounts made.</summary>
    private static async Task<(Node.Node Node, Engine Engine)> Start(TempDirectory dir, HeldSyncs files, int applyWhileSyncingBytes, SnapshotStore? snapshots = null)
    {
        Directory.CreateDirectory(dir.File("journal"));
        var engine = new Engine();
        var node = Node.Node.Start(new NodeOptions { SnapshotEveryEvents = 0, ApplyWhileSyncingBytes = applyWhileSyncingBytes },
            FileJournal.Open(dir.File("journal"), files: files), snapshots, engine);
        Assert.True((await node.SubmitAsync(Operation.CreateAccounts, 2, Accounts(1, 2), cancel: C)).AllOk);
        return (node, engine);
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        DateTime until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting: {what}");
            Thread.Sleep(1);
        }
    }

    [Fact]
    public async Task A_batch_is_applied_while_its_sync_runs_and_nothing_reads_or_answers_it_before_the_sync_is_done()
    {
        using var dir = new TempDirectory();
        using var files = new HeldSyncs();
        (Node.Node node, Engine engine) = await Start(dir, files, applyWhileSyncingBytes: 0);
        using (node)
        {
            files.Armed = true;
            Task<CommandReply> submitted = node.SubmitAsync(Operation.CreateTransfers, 1, Move(10, 25), cancel: C);
            Assert.True(await files.Entered.WaitAsync(Patience, C), "the batch's sync never started");
            WaitFor(() => engine.Sequence == 2, "the engine applying the batch while its sync is held");
            Task<long> read = node.QueryAsync(e => e.Ledger.TryGetAccount(2, out Account a) ? a.CreditsPosted : -1);
            await Task.Delay(200, C);
            Assert.False(submitted.IsCompleted, "answered before its batch was durable");
            Assert.False(read.IsCompleted, "the engine was read while it held a batch not yet durable");

            files.Armed = false;
            files.Go.Set();
            Assert.True((await submitted.WaitAsync(Patience, C)).AllOk);
            Assert.Equal(25, await read.WaitAsync(Patience, C));
            Assert.Null(node.Fault);
        }
    }

    [Fact]
    public async Task A_batch_under_the_threshold_reaches_the_engine_only_once_synced()
    {
        using var dir = new TempDirectory();
        using var files = new HeldSyncs();
        (Node.Node node, Engine engine) = await Start(dir, files, applyWhileSyncingBytes: int.MaxValue);
        using (node)
        {
            files.Armed = true;
            Task<CommandReply> submitted = node.SubmitAsync(Operation.CreateTransfers, 1, Move(10, 25), cancel: C);
            Assert.True(await files.Entered.WaitAsync(Patience, C), "the batch's sync never started");
            await Task.Delay(300, C);
            Assert.Equal(1, engine.Sequence);
            Assert.False(submitted.IsCompleted);

            files.Armed = false;
            files.Go.Set();
            Assert.True((await submitted.WaitAsync(Patience, C)).AllOk);
            Assert.Equal(2, engine.Sequence);
        }
    }

    [Fact]
    public async Task A_batch_whose_sync_fails_after_it_was_applied_is_never_answered_and_the_engine_is_not_read_or_snapshotted_again()
    {
        using var dir = new TempDirectory();
        using var files = new HeldSyncs();
        Directory.CreateDirectory(dir.File("snapshots"));
        (Node.Node node, Engine engine) = await Start(dir, files, applyWhileSyncingBytes: 0, new SnapshotStore(dir.File("snapshots")));
        files.Armed = true;
        files.Fail = true;
        Task<CommandReply> submitted = node.SubmitAsync(Operation.CreateTransfers, 1, Move(10, 25), cancel: C);
        Assert.True(await files.Entered.WaitAsync(Patience, C), "the batch's sync never started");
        WaitFor(() => engine.Sequence == 2, "the engine applying the batch while its sync is held");
        Task<long> read = node.QueryAsync(e => e.Ledger.TryGetAccount(2, out Account a) ? a.CreditsPosted : -1);
        files.Go.Set();

        await Assert.ThrowsAsync<NodeStoppedException>(() => submitted.WaitAsync(Patience, C));
        await Assert.ThrowsAsync<NodeStoppedException>(() => read.WaitAsync(Patience, C));
        Assert.IsType<IOException>(node.Fault);
        await Assert.ThrowsAsync<NodeStoppedException>(() => node.QueryAsync(e => e.Sequence));
        files.Armed = false;
        node.Dispose();
        Assert.Empty(Directory.GetFiles(dir.File("snapshots"))); // the stop wrote no snapshot of a state the journal may not hold

        // A restart recovers from the journal: the batch never answered is there or not, and the state agrees with it.
        using var again = Node.Node.Start(new NodeOptions { SnapshotEveryEvents = 0 }, FileJournal.Open(dir.File("journal")), null);
        long sequence = again.Recovery.Sequence;
        Assert.InRange(sequence, 1, 2);
        Assert.Equal(sequence == 2 ? 25 : 0, await again.QueryAsync(e => e.Ledger.TryGetAccount(2, out Account a) ? a.CreditsPosted : -1));
    }
}
