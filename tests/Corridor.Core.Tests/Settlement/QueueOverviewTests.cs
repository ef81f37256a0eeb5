using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

/// <summary>The queues as the operator's overview sees them (GET /v1/queues): totals, old payments, gridlocks.</summary>
public class QueueOverviewTests
{
    [Fact]
    public void A_ring_of_queued_payments_is_a_gridlock_until_the_lsm_settles_it()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        Assert.Empty(h.Engine.Settlement.GetQueueOverview(ulong.MaxValue));
        h.Pay(1, A, B, 100);
        h.Pay(2, B, C, 200);
        h.Pay(3, C, A, 300);
        h.Pay(4, C, D, 50); // D has no queue: it waits on nobody
        LedgerQueues q = Assert.Single(h.Engine.Settlement.GetQueueOverview(ulong.MaxValue));
        Assert.Equal((Eur, 4, 650L, 4), (q.Ledger, q.Payments, q.AmountMinor, q.SubmittedBefore));
        Assert.Equal([A, B, C], q.Gridlock);
        Assert.Equal(0, Assert.Single(h.Engine.Settlement.GetQueueOverview(0)).SubmittedBefore); // nothing is older than time 0

        h.Fund(B, 100); // what B and C pay net once the ring settles multilaterally (A is owed 200, D 50)
        h.Fund(C, 150);
        h.One(new RunLsm(Eur));
        Assert.Empty(h.Engine.Settlement.GetQueueOverview(ulong.MaxValue));
    }

    [Fact]
    public void Queues_that_do_not_wait_on_each_other_are_no_gridlock()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Pay(1, A, B, 100);
        h.Pay(2, B, C, 100);
        h.Pay(3, C, D, 100);
        LedgerQueues q = Assert.Single(h.Engine.Settlement.GetQueueOverview(ulong.MaxValue));
        Assert.Equal(3, q.Payments);
        Assert.Null(q.Gridlock);
    }
}
