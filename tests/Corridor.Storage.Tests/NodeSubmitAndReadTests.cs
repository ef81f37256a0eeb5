using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>
/// <see cref="Node.Node.SubmitAndReadAsync{T}"/>: the read runs on the engine thread right after the command's batch is applied
/// (it sees the command's effect and no later batch), in the same hand-off as the submit; a read that throws fails the call but
/// not the command, which is durable and applied.
/// </summary>
public sealed class NodeSubmitAndReadTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static byte[] Accounts(params ulong[] ids) =>
        MemoryMarshal.AsBytes(ids.Select(id => new Account { Id = id, Ledger = 840, Code = 1 }).ToArray().AsSpan()).ToArray();

    private static byte[] Move(ulong id, long amount) =>
        MemoryMarshal.AsBytes(new[] { new Transfer { Id = id, DebitAccountId = 1, CreditAccountId = 2, Amount = amount, Ledger = 840, Code = 1 } }.AsSpan()).ToArray();

    [Fact]
    public async Task The_read_sees_the_commands_effect_and_the_batch_it_was_applied_in()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("journal"));
        var node = Node.Node.Start(new Node.NodeOptions { SnapshotEveryEvents = 0 }, FileJournal.Open(dir.File("journal")), null);
        try
        {
            Assert.True((await node.SubmitAsync(Operation.CreateAccounts, 2, Accounts(1, 2), cancel: C)).AllOk);
            var tasks = Enumerable.Range(1, 50).Select(i => node.SubmitAndReadAsync(Operation.CreateTransfers, 1, Move((ulong)(100 + i), i), 0,
                (e, reply) => (Sequence: e.Sequence, reply.Batch, Credited: e.Ledger.TryGetAccount(2, out Account a) ? a.CreditsPosted : 0L), cancel: C)).ToArray();
            var results = await Task.WhenAll(tasks);
            foreach (var (reply, read) in results)
            {
                Assert.True(reply.AllOk);
                Assert.Equal(reply.Batch, read.Sequence); // read right after its own batch, before any later one
                Assert.Equal(read.Sequence, read.Batch);
            }
            // The credits seen grow with the batches: each read saw every earlier batch and none after its own.
            var bySequence = results.Select(r => r.Read).OrderBy(r => r.Sequence).ToArray();
            for (int i = 1; i < bySequence.Length; i++) Assert.True(bySequence[i].Credited >= bySequence[i - 1].Credited);
            Assert.Equal(50L * 51 / 2, await node.QueryAsync(e => e.Ledger.TryGetAccount(2, out Account a) ? a.CreditsPosted : 0L));

            // A read that throws fails the call; the command stands.
            await Assert.ThrowsAsync<InvalidOperationException>(() => node.SubmitAndReadAsync<int>(Operation.CreateTransfers, 1, Move(999, 7), 0,
                (_, _) => throw new InvalidOperationException("read failed"), cancel: C));
            Assert.Equal(50L * 51 / 2 + 7, await node.QueryAsync(e => e.Ledger.TryGetAccount(2, out Account a) ? a.CreditsPosted : 0L));
        }
        finally
        {
            node.Dispose();
        }
    }
}
