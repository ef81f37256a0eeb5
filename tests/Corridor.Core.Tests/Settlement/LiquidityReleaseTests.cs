using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

/// <summary>Liquidity released by a pending transfer that expires or is voided re-tries the payer's queue at once.</summary>
public class LiquidityReleaseTests
{
    private const ulong NsPerSecond = 1_000_000_000;

    /// <summary>A funded with 100, of which a two-phase transfer (timeout 1 s) reserves 100; a payment of 100 from A then queues.</summary>
    private static SettlementHarness ReservedAndQueued()
    {
        SettlementHarness h = Standard(SettlementOptions.RetryOnReleasedLiquidity);
        h.Fund(A, 100);
        var pending = new Transfer
        {
            Id = 900, DebitAccountId = AccountOf(A), CreditAccountId = AccountOf(C), Amount = 100, Ledger = Eur, Code = 99,
            Flags = TransferFlags.Pending, TimeoutSeconds = 1,
        };
        Assert.True(h.Batch(CommandBatch.Encode(Operation.CreateTransfers, new[] { pending }.AsSpan()))[0].AllOk);
        Assert.Equal(0, h.Balance(A));
        Assert.Equal(PaymentStatus.Queued, h.Pay(1, A, B, 100).Status);
        return h;
    }

    [Fact]
    public void Queued_payment_settles_when_the_pending_transfer_reserving_the_payers_liquidity_expires()
    {
        SettlementHarness h = ReservedAndQueued();
        h.Batch(); // before the timeout: still reserved
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));
        h.BatchAt(h.Time + 2 * NsPerSecond); // an empty batch past the timeout: the ledger expires the reservation
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(0, h.Balance(A));
        Assert.Equal(100, h.Balance(B));
        Assert.Equal(0, h.Engine.Settlement.QueuedCount);
        AssertLedgerInvariants(h.Engine.Ledger);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void Queued_payment_settles_when_the_pending_transfer_is_voided()
    {
        SettlementHarness h = ReservedAndQueued();
        var voiding = new Transfer { Id = 901, PendingId = 900, Flags = TransferFlags.VoidPendingTransfer };
        Assert.True(h.Batch(CommandBatch.Encode(Operation.CreateTransfers, new[] { voiding }.AsSpan()))[0].AllOk);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(100, h.Balance(B));
        Assert.Equal(0, h.Balance(C));
        AssertLedgerInvariants(h.Engine.Ledger);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void Partial_post_releases_the_rest_of_the_reservation()
    {
        SettlementHarness h = Standard(SettlementOptions.RetryOnReleasedLiquidity);
        h.Fund(A, 100);
        var pending = new Transfer { Id = 900, DebitAccountId = AccountOf(A), CreditAccountId = AccountOf(C), Amount = 100, Ledger = Eur, Code = 99, Flags = TransferFlags.Pending };
        h.Batch(CommandBatch.Encode(Operation.CreateTransfers, new[] { pending }.AsSpan()));
        Assert.Equal(PaymentStatus.Queued, h.Pay(1, A, B, 60).Status);
        var post = new Transfer { Id = 901, PendingId = 900, Amount = 40, Flags = TransferFlags.PostPendingTransfer };
        Assert.True(h.Batch(CommandBatch.Encode(Operation.CreateTransfers, new[] { post }.AsSpan()))[0].AllOk);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(40, h.Balance(C));
        Assert.Equal(60, h.Balance(B));
        Assert.Equal(0, h.Balance(A));
    }

    [Fact]
    public void Expiry_re_tries_queues_in_ledger_expiry_order_and_replays_to_the_same_hash()
    {
        SettlementHarness h = Standard(SettlementOptions.RetryOnReleasedLiquidity);
        h.Fund(A, 100);
        h.Fund(B, 50);
        var reservations = new[]
        {
            new Transfer { Id = 900, DebitAccountId = AccountOf(A), CreditAccountId = AccountOf(D), Amount = 100, Ledger = Eur, Code = 99, Flags = TransferFlags.Pending, TimeoutSeconds = 1 },
            new Transfer { Id = 901, DebitAccountId = AccountOf(B), CreditAccountId = AccountOf(D), Amount = 50, Ledger = Eur, Code = 99, Flags = TransferFlags.Pending, TimeoutSeconds = 1 },
        };
        h.Batch(CommandBatch.Encode(Operation.CreateTransfers, reservations.AsSpan()));
        h.Pay(1, A, C, 100);
        h.Pay(2, B, C, 50);
        h.Pay(3, C, D, 150, kind: PaymentKind.Interbank);
        Assert.Equal(3, h.Engine.Settlement.QueuedCount);
        h.BatchAt(h.Time + 2 * NsPerSecond);
        Assert.Equal(0, h.Engine.Settlement.QueuedCount); // 1 and 2 settle, then C's incoming liquidity releases 3
        Assert.Equal(150, h.Balance(D));
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }
}
