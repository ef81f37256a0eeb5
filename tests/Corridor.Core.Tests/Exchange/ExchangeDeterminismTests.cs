using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>Replay of the same batches and snapshot/restore give the same state hash; exchange state is in the hash.</summary>
public class ExchangeDeterminismTests
{
    private static ExchangeFixture Day()
    {
        var f = new ExchangeFixture();
        f.Run<ConfigureCurrency, Currencies.ConfigureCurrencyResult>(Operation.ConfigureCurrency, new ConfigureCurrency("XLC", 2, 5000));
        f.Publish(f.Quote(1));
        f.Publish(f.Quote(2, Provider2, new FxRate(12950, 100)));
        f.Lock(f.LockRequest(100, 2, 250_00));
        f.Pay(Payment(200, 100));
        f.Lock(f.LockRequest(101, 1, 10_00, seconds: 2));
        f.Lock(f.LockRequest(102, 1, 12_00));
        f.Release(102);
        f.Now += 3 * Second;
        f.Pay(Payment(201, 101));
        return f;
    }

    [Fact]
    public void Replay_gives_the_same_state_hash() => Assert.Equal(Day().Engine.StateHashHex(), Day().ReplayHash());

    [Fact]
    public void Snapshot_restore_gives_the_same_hash_and_the_same_future()
    {
        ExchangeFixture f = Day();
        f.Lock(f.LockRequest(103, 1, 20_00, seconds: 10)); // a live lock crosses the snapshot
        var stream = new MemoryStream();
        f.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        Engine.Engine restored = Engine.Engine.ReadSnapshot(stream);
        Assert.Equal(f.Engine.StateHashHex(), restored.StateHashHex());
        Assert.True(restored.Exchange.TryGetPayment(200, out PaymentRecord p));
        Assert.Equal(Originator, p.Request.Originator);
        Assert.Single(restored.Exchange.FindPaymentsByInvoice("INV-2026-0042"), x => x.Status == PaymentStatus.Settled);
        Assert.True(restored.Exchange.Currencies.TryGet("XLC", out _));

        // Both engines see the same next batches: a payment on the live lock and a jump past every expiry.
        byte[] pay = ExchangeCommands.Encode(Operation.PayAgainstLock, Payment(202, 103));
        f.Engine.Apply(f.Engine.Sequence + 1, f.Now, pay, null);
        restored.Apply(restored.Sequence + 1, f.Now, pay, null);
        f.Engine.Apply(f.Engine.Sequence + 1, f.Now + 120 * Second, [], null);
        restored.Apply(restored.Sequence + 1, f.Now + 120 * Second, [], null);
        Assert.Equal(f.Engine.StateHashHex(), restored.StateHashHex());
        Assert.True(restored.Exchange.TryGetQuote(1, out QuoteRecord q));
        Assert.Equal(QuoteStatus.Expired, q.Status);
    }

    [Fact]
    public void Exchange_state_changes_the_hash()
    {
        var a = new ExchangeFixture();
        var b = new ExchangeFixture();
        a.Publish(a.Quote(1));
        b.Publish(b.Quote(1, rate: new FxRate(12936, 100)));
        Assert.NotEqual(a.Engine.StateHashHex(), b.Engine.StateHashHex());
    }
}
