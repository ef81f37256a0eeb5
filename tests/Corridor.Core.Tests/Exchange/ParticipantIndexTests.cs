using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// A participant's locks and trades are listed from an index of its own (<see cref="ExchangeState.LocksOf"/>,
/// <see cref="ExchangeState.TradesOf"/>): the same records, in the same order, as a scan of everyone's — before and after a
/// snapshot restore, which rebuilds the index.
/// </summary>
public sealed class ParticipantIndexTests
{
    private const ulong SmallBank = 5;

    [Fact]
    public void A_participants_locks_and_trades_from_its_index_are_those_of_a_scan_before_and_after_a_restore()
    {
        var f = new ExchangeFixture();
        f.CreateAccounts(NewAccount(55, Usd, SmallBank), NewAccount(51, Kes, Payer));
        f.Fund(1840, 55, 1_000_00, Usd);
        UInt128 quote = f.NextId();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(quote, validSeconds: 600, maxLockSeconds: 60)));
        for (int c = 0; c < 20; c++)
        {
            var locks = new List<LockQuote>();
            for (int i = 0; i < 200; i++) locks.Add(f.LockRequest(f.NextId(), quote, 100));
            // The small bank's few locks among the many: one taken, one refused (payer account not its own: still recorded).
            locks.Add(new LockQuote(f.NextId(), quote, SmallBank, 55, 22, 100, AmountSide.Source, 30));
            if (c % 5 == 0) locks.Add(new LockQuote(f.NextId(), quote, SmallBank, 11, 22, 100, AmountSide.Source, 30));
            f.Run<LockQuote, LockResult>(Operation.LockQuote, locks.ToArray());
            var trades = new[]
            {
                new FxTradeInstruction(f.NextId(), Payer, Payer, Provider, "USD", "KES", 100, 1_000, 11, 31, 32, 51, f.Now + 60 * Second),
                new FxTradeInstruction(f.NextId(), Provider, Provider, Payer, "USD", "KES", 100, 1_000, 31, 11, 51, 32, f.Now + 60 * Second),
            };
            f.Run<FxTradeInstruction, TradeResult>(Operation.SubmitFxTrade, trades);
            f.Now += Second;
        }
        AssertIndexed(f.Engine);

        using var stream = new MemoryStream();
        f.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        AssertIndexed(Engine.Engine.ReadSnapshot(stream));
    }

    private static void AssertIndexed(Engine.Engine e)
    {
        ExchangeState x = e.Exchange;
        foreach (ulong payer in new[] { Payer, SmallBank, Provider })
        {
            var scan = x.Locks.Where(l => l.Request.Payer == payer).Select(l => (l.Request.LockId, l.Status)).ToList();
            Assert.Equal(scan, x.LocksOf(payer).Select(l => (l.Request.LockId, l.Status)));
        }
        Assert.Equal(24, x.LocksOf(SmallBank).Count);
        Assert.Empty(x.LocksOf(999));
        foreach (ulong party in new[] { Payer, Provider, Provider2 })
        {
            var scan = x.Trades.Where(t => t.Terms.PartyA == party || t.Terms.PartyB == party).Select(t => t.Terms.TradeId).ToList();
            Assert.Equal(scan, x.TradesOf(party).Select(t => t.Terms.TradeId));
        }
        Assert.Equal(40, x.TradesOf(Provider).Count);
        Assert.Empty(x.TradesOf(Provider2));
    }
}
