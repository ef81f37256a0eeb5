using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

public class NettingWindowTests
{
    [Fact]
    public void Window_payments_wait_and_settle_net_at_close()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 30);
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenNettingWindow(7, Eur, "retail 1")));
        Assert.Equal((SettlementResult.Ok, PaymentStatus.InWindow), h.Pay(1, A, B, 100, window: 7));
        h.Pay(2, B, C, 80, window: 7);
        h.Pay(3, C, A, 70, window: 7);
        Assert.Equal(0, h.Balance(B));
        WindowInfo open = h.Engine.Settlement.GetWindow(7)!;
        Assert.Equal(WindowStatus.Open, open.Status);
        Assert.Equal(250, open.GrossMinor);

        CommandReply reply = h.One(new CloseNettingWindow(7));
        WindowInfo closed = Assert.Single((WindowInfo[])reply.Data!);
        Assert.Equal(WindowStatus.Settled, closed.Status);
        Assert.Equal([new NetPosition(A, -30), new NetPosition(B, 20), new NetPosition(C, 10)], closed.NetPositions);
        Assert.Empty(closed.ExcludedParticipants);
        long sum = 0;
        foreach (NetPosition n in closed.NetPositions) sum += n.NetMinor;
        Assert.Equal(0, sum);
        Assert.Equal(0, h.Balance(A));
        Assert.Equal(20, h.Balance(B));
        Assert.Equal(10, h.Balance(C));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2));
        AssertLedgerInvariants(h.Engine.Ledger);
        Assert.Equal(SettlementResult.WindowNotOpen, h.Code(new CloseNettingWindow(7)));
        Assert.Equal(SettlementResult.WindowNotOpen, h.Pay(9, A, B, 1, window: 7).Result);
    }

    [Fact]
    public void Participant_that_cannot_cover_is_excluded_with_all_its_payments()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 50);
        h.Code(new OpenNettingWindow(7, Eur, "retail"));
        h.Pay(1, A, B, 100, window: 7);  // A pays 100, receives 60: net −40, covered by 50
        h.Pay(2, B, A, 60, window: 7);   // B: +100 −60 −90 = −50, has 0 → excluded
        h.Pay(3, B, C, 90, window: 7);
        h.Pay(4, C, A, 10, window: 7);   // A ↔ C only remains: A +10, C −10 (C has 0 → excluded too)
        h.Pay(5, A, D, 5, window: 7);
        CommandReply reply = h.One(new CloseNettingWindow(7));
        WindowInfo w = ((WindowInfo[])reply.Data!)[0];
        Assert.Equal([B, C], w.ExcludedParticipants);
        Assert.Equal([new NetPosition(A, -5), new NetPosition(D, 5)], w.NetPositions);
        foreach (UInt128 id in new UInt128[] { 1, 2, 3, 4 })
        {
            Assert.Equal(PaymentStatus.Rejected, h.StatusOf(id));
            Assert.Equal(SettlementResult.ExcludedFromNetting, h.PaymentInfo(id).Reason);
        }
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(5));
        Assert.Equal(45, h.Balance(A));
        Assert.Equal(5, h.Balance(D));
        AssertLedgerInvariants(h.Engine.Ledger);
    }

    [Fact]
    public void Window_result_codes_and_revocation()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.WindowIdInvalid, h.Code(new OpenNettingWindow(0, Eur, "x")));
        Assert.Equal(SettlementResult.LedgerNotRegistered, h.Code(new OpenNettingWindow(1, 5, "x")));
        Assert.Equal(SettlementResult.LedgerMustNotBeZero, h.Code(new OpenNettingWindow(1, 0, "x")));
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenNettingWindow(1, Eur, "x")));
        Assert.Equal(SettlementResult.WindowExists, h.Code(new OpenNettingWindow(1, Eur, "x")));
        Assert.Equal(SettlementResult.WindowNotFound, h.Code(new CloseNettingWindow(2)));
        Assert.Equal(SettlementResult.WindowPaymentCannotBeTimed, h.Pay(1, A, B, 1, latest: ulong.MaxValue, window: 1).Result);
        h.Code(new RegisterLedger(2, CentralBank, 3, 4, "USD"));
        h.Code(new OpenNettingWindow(2, 2, "usd"));
        Assert.Equal(SettlementResult.WindowLedgerMismatch, h.Pay(2, A, B, 1, window: 2).Result);

        Assert.Equal(PaymentStatus.InWindow, h.Pay(3, A, B, 100, window: 1).Status);
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(A, 3, QueueAction.Revoke, 0, 0)));
        Assert.Equal(PaymentStatus.Revoked, h.StatusOf(3));
        h.One(new CloseNettingWindow(1));
        Assert.Equal(0, h.Engine.Settlement.GetWindow(1)!.PaymentCount);
    }
}
