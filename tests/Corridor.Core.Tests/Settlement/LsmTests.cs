using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

public class LsmTests
{
    [Fact]
    public void Offsetting_on_entry_settles_a_new_payment_against_the_payees_queue()
    {
        SettlementHarness h = Standard(SettlementOptions.OffsetOnEntry);
        h.Fund(A, 20);
        Assert.Equal(PaymentStatus.Queued, h.Pay(1, B, A, 100).Status); // B has nothing
        Assert.Equal(PaymentStatus.Settled, h.Pay(2, A, B, 120).Status); // A's net 20 covered by 20
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(0, h.Balance(A));
        Assert.Equal(20, h.Balance(B));
        AssertLedgerInvariants(h.Engine.Ledger);
    }

    [Fact]
    public void Offsetting_fails_when_the_net_is_not_covered()
    {
        SettlementHarness h = Standard(SettlementOptions.OffsetOnEntry);
        h.Fund(A, 19);
        h.Pay(1, B, A, 100);
        Assert.Equal(PaymentStatus.Queued, h.Pay(2, A, B, 120).Status);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));
        Assert.Equal(19, h.Balance(A));
    }

    [Fact]
    public void Offsetting_respects_the_counterpartys_fifo()
    {
        SettlementHarness h = Standard(SettlementOptions.OffsetOnEntry);
        h.Pay(1, B, C, 500, PaymentPriority.High); // B's high head goes elsewhere and blocks
        h.Pay(2, B, A, 100, PaymentPriority.High);
        Assert.Equal(PaymentStatus.Queued, h.Pay(3, A, B, 100).Status);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(2));
    }

    [Fact]
    public void Multilateral_lsm_resolves_a_ring_gridlock_with_no_liquidity()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Pay(1, A, B, 100);
        h.Pay(2, B, C, 100);
        h.Pay(3, C, D, 100);
        h.Pay(4, D, A, 100);
        Assert.Equal(4, h.Engine.Settlement.QueuedCount);
        CommandReply reply = h.One(new RunLsm(Eur));
        var result = Assert.Single((LsmResult[])reply.Data!);
        Assert.Equal(4, result.SettledPayments);
        Assert.Equal(400, result.SettledMinor);
        Assert.Equal(0, h.Engine.Settlement.QueuedCount);
        foreach (ulong p in new[] { A, B, C, D }) Assert.Equal(0, h.Balance(p));
        AssertLedgerInvariants(h.Engine.Ledger);
    }

    [Fact]
    public void Lsm_removes_the_short_participants_latest_lowest_priority_payments()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 10);
        h.Pay(1, A, B, 100, PaymentPriority.High);
        h.Pay(2, A, B, 50); // normal, latest: removed first
        h.Pay(3, B, A, 100);
        h.Pay(4, B, C, 30);
        h.One(new RunLsm(0));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(2)); // A would be 50 short with it
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(3));
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(4)); // B has 0 and C pays nothing back
        Assert.Equal(10, h.Balance(A));
        AssertLedgerInvariants(h.Engine.Ledger);
    }

    [Fact]
    public void Lsm_respects_bilateral_limits_of_normal_payments()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Code(new SetSendingLimit(A, Eur, B, 10));
        h.Pay(1, A, B, 100);
        h.Pay(2, B, A, 50);
        h.One(new RunLsm(Eur));
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1)); // net 50 towards B > limit 10
        h.Code(new SetSendingLimit(A, Eur, B, 0));
        h.Fund(A, 50);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1)); // 100 gross > 50
        h.One(new RunLsm(Eur));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1)); // net 50 covered
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2));
    }

    [Fact]
    public void Event_driven_lsm_runs_after_queueing()
    {
        SettlementHarness h = Standard(SettlementOptions.LsmAfterQueueing);
        h.Pay(1, A, B, 100);
        h.Pay(2, B, C, 100);
        (SettlementResult result, PaymentStatus status) = h.Pay(3, C, A, 100);
        Assert.Equal(SettlementResult.Ok, result);
        Assert.Equal(PaymentStatus.Settled, status);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
    }

    [Fact]
    public void RunLsm_on_an_unknown_ledger_is_rejected()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.LedgerNotRegistered, h.Code(new RunLsm(99)));
    }
}
