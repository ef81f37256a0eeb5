using System.Text.Json;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Storage.Node;

namespace Corridor.Cli.Tests;

/// <summary>Settlement state (participants, queues, the day) is journaled: a restarted node has exactly the same state.</summary>
public class SettlementRestartTests
{
    private const uint Eur = 978;

    private static async Task<CommandReply> Submit<T>(Node node, params T[] items) where T : ISettlementCommand<T>
    {
        byte[] payload = SettlementCodec.EncodePayload<T>(items);
        return await node.SubmitAsync(T.Operation, items.Length, payload);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restart_rebuilds_queues_and_day_from_journal_or_snapshot(bool snapshotOnStop)
    {
        using var dir = new TempDir();
        var data = new DataDirectory(dir.Path);
        string hash;
        using (Node node = data.StartNode(new NodeOptions { SnapshotOnStop = snapshotOnStop }))
        {
            Assert.True((await Submit(node, new RegisterParticipant(1, ParticipantRole.CentralBank, "Central Bank"))).AllOk);
            Assert.True((await Submit(node, new RegisterLedger(Eur, 1, 1, 2, "EUR"))).AllOk);
            Assert.True((await Submit(node,
                new RegisterParticipant(10, ParticipantRole.DirectParticipant, "Bank A"),
                new RegisterParticipant(20, ParticipantRole.DirectParticipant, "Bank B"))).AllOk);
            Assert.True((await Submit(node, new OpenSettlementAccount(10, Eur, 100), new OpenSettlementAccount(20, Eur, 200))).AllOk);
            Assert.True((await Submit(node, new OpenBusinessDay(20261123))).AllOk);
            Assert.True((await Submit(node, new MoveLiquidity(9_001, 10, Eur, 1_000, LiquidityDirection.Inject))).AllOk);
            // One payment settles, one waits in Bank A's queue for liquidity.
            await Submit(node, new SubmitPayment(1, 10, 20, Eur, 600, PaymentPriority.Normal, PaymentKind.Interbank, 0, 0, 0));
            await Submit(node, new SubmitPayment(2, 10, 20, Eur, 700, PaymentPriority.Urgent, PaymentKind.Interbank, 0, 0, 0));
            hash = await node.QueryAsync(e => e.StateHashHex());
            DayStatus day = await node.QueryAsync(e => e.Settlement.GetDayStatus());
            Assert.Equal((1, 1), (day.Settled, day.Queued));
        }

        using (Node node = data.StartNode(new NodeOptions { SnapshotOnStop = false }))
        {
            Assert.Equal(hash, node.Recovery.StateHash);
            Assert.Equal(snapshotOnStop ? 0 : node.Recovery.Sequence, node.Recovery.BatchesReplayed);
            // The queued payment is still queued and settles when liquidity arrives after the restart.
            Assert.True((await Submit(node, new MoveLiquidity(9_002, 10, Eur, 500, LiquidityDirection.Inject))).AllOk);
            DayStatus day = await node.QueryAsync(e => e.Settlement.GetDayStatus());
            Assert.Equal((2, 0), (day.Settled, day.Queued));
        }

        var (code, stdout, stderr) = await CorridorProcess.RunAsync("day", "status", "--data", dir.Path, "--json");
        Assert.True(code == 0, stderr);
        using JsonDocument status = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        Assert.Equal("2026-11-23", status.RootElement.GetProperty("business_date").GetString());
        Assert.Equal(2, status.RootElement.GetProperty("settled").GetInt32());
    }

    [Fact]
    public async Task A_node_that_recovered_by_replay_snapshots_when_it_stops_so_the_next_start_replays_nothing()
    {
        using var dir = new TempDir();
        var data = new DataDirectory(dir.Path);
        using (Node node = data.StartNode(new NodeOptions { SnapshotOnStop = false }))
        {
            Assert.True((await Submit(node, new RegisterParticipant(1, ParticipantRole.CentralBank, "Central Bank"))).AllOk);
            Assert.True((await Submit(node, new RegisterLedger(Eur, 1, 1, 2, "EUR"))).AllOk);
        }
        string hash;
        using (Node node = data.StartNode(new NodeOptions()))
        {
            Assert.Equal(2, node.Recovery.BatchesReplayed);
            hash = node.Recovery.StateHash;
            // No new work: the stop still writes a snapshot of the replayed state.
        }
        using (Node node = data.StartNode(new NodeOptions { SnapshotOnStop = false }))
        {
            Assert.Equal(0, node.Recovery.BatchesReplayed);
            Assert.Equal(2, node.Recovery.SnapshotSequence);
            Assert.Equal(hash, node.Recovery.StateHash);
        }
    }
}
