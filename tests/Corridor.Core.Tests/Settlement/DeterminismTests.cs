using CoreEngine = Corridor.Core.Engine.Engine;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

public class DeterminismTests
{
    /// <summary>A day touching every settlement feature, left with queued, scheduled and in-window payments.</summary>
    private static SettlementHarness BusyDay()
    {
        SettlementHarness h = Standard(SettlementOptions.All);
        h.Fund(A, 500);
        h.Fund(B, 200);
        h.Code(new SetCreditLine(70, C, Eur, 100));
        h.Code(new SetReservation(A, Eur, 100, 50));
        h.Code(new SetSendingLimit(B, Eur, C, 150));
        h.Code(new SetSendingLimit(D, Eur, 0, 1_000));
        h.Pay(1, A, B, 300);
        h.Pay(2, B, C, 400, PaymentPriority.High);
        h.Pay(3, C, D, 900, PaymentPriority.Urgent);
        h.Pay(4, D, A, 50);
        h.Pay(5, A, C, 20, earliest: h.Time + 100 * StepNs, latest: h.Time + 200 * StepNs);
        h.Pay(6, B, D, 10_000, latest: h.Time + 300 * StepNs);
        h.Code(new OpenNettingWindow(1, Eur, "retail"));
        h.Pay(7, A, D, 30, window: 1);
        h.Pay(8, D, B, 10, window: 1);
        h.Code(new ManageQueuedPayment(C, 3, QueueAction.ChangePriority, PaymentPriority.High, 0));
        h.One(new RunLsm(0));
        h.Code(new OpenNettingWindow(2, Eur, "retail 2"));
        h.Pay(9, B, A, 5, window: 2);
        h.One(new CloseNettingWindow(2));
        return h;
    }

    [Fact]
    public void Snapshot_restores_the_same_state_hash_and_continues_identically()
    {
        SettlementHarness h = BusyDay();
        using var stream = new MemoryStream();
        h.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        CoreEngine restored = CoreEngine.ReadSnapshot(stream);
        Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
        Assert.Equal(h.Engine.Settlement.GetPayment(5), restored.Settlement.GetPayment(5));

        // Both continue with the same batches: scheduled release, deadline, window close, cut-offs, statements.
        var more = new List<(ulong Time, byte[] Body)>
        {
            (h.Time + 150 * StepNs, Cmd(new MoveLiquidity(71, D, Eur, 10, LiquidityDirection.Inject))),
            (h.Time + 400 * StepNs, Cmd(new CloseNettingWindow(1))),
            (h.Time + 401 * StepNs, Cmd(new ChangeDayPhase(DayPhase.CustomerCutoff))),
            (h.Time + 402 * StepNs, Cmd(new ChangeDayPhase(DayPhase.InterbankCutoff))),
            (h.Time + 403 * StepNs, Cmd(new ChangeDayPhase(DayPhase.EndOfDay))),
        };
        long sequence = h.Sequence;
        foreach ((ulong time, byte[] body) in more)
        {
            sequence++;
            h.Engine.Apply(sequence, time, body, null);
            restored.Apply(sequence, time, body, null);
            Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
        }
        Assert.Equal(PaymentStatus.Settled, h.Engine.Settlement.GetPayment(5)!.Status);
        Assert.Equal(SettlementResult.LatestTimePassed, h.Engine.Settlement.GetPayment(6)!.Reason);

        using var again = new MemoryStream();
        restored.WriteSnapshot(again);
        again.Position = 0;
        Assert.Equal(h.Engine.StateHashHex(), CoreEngine.ReadSnapshot(again).StateHashHex());
    }

    [Fact]
    public void Replaying_the_journal_gives_the_same_state_hash()
    {
        SettlementHarness h = BusyDay();
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void State_hash_covers_settlement_state()
    {
        SettlementHarness h = Standard();
        string before = h.Engine.StateHashHex();
        var other = Standard(SettlementOptions.None);
        Assert.NotEqual(before, other.Engine.StateHashHex());
        h.Code(new SetReservation(A, Eur, 1, 0)); // touches only settlement state (and the batch header)
        Assert.NotEqual(before, h.Engine.StateHashHex());
    }

    [Fact]
    public void Corrupt_settlement_snapshot_is_detected()
    {
        SettlementHarness h = BusyDay();
        using var stream = new MemoryStream();
        h.Engine.WriteSnapshot(stream);
        byte[] bytes = stream.ToArray();
        bytes[^40] ^= 0x01; // inside the settlement section, before the recorded hash
        Assert.ThrowsAny<Exception>(() => CoreEngine.ReadSnapshot(new MemoryStream(bytes)));
    }
}
