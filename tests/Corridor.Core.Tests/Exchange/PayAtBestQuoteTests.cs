using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>PayAtBestQuote: lock the best quote and pay PvP in one item, with the payer's expected rate checked first.</summary>
public class PayAtBestQuoteTests
{
    private const long Rate12935 = 1_293_500_000_000; // 129.35 × 10^10

    private static PayAtBestQuote Request(UInt128 id, long kesMinor, long rateE10 = Rate12935, uint tolerancePpm = 1_000, TradeReference? trade = null) =>
        new(id, Payer, 11, 22, "USD", "KES", kesMinor, AmountSide.Destination, rateE10, tolerancePpm,
            Originator, Beneficiary with { IdScheme = PartyIdScheme.None, Identifier = "" },
            trade ?? new TradeReference("", 0, "", "", "", "", Incoterms.None, ""));

    private static PayResult Run(ExchangeFixture f, PayAtBestQuote p) => f.Run<PayAtBestQuote, PayResult>(Operation.PayAtBestQuote, p)[0];

    [Fact]
    public void Settles_both_legs_at_the_best_quote_without_trade_data()
    {
        var f = new ExchangeFixture();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1, rate: new FxRate(12900, 100))));
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(2, provider: Provider2)));
        Assert.Equal(PayResult.Ok, Run(f, Request(9, 64_675_00)));
        Assert.True(f.X.TryGetPayment(9, out PaymentRecord p));
        Assert.Equal((PaymentStatus.Settled, 500_00L, 64_675_00L), (p.Status, p.SourceMinor, p.DestinationMinor));
        Assert.Equal(64_675_00, f.Get(22).CreditsPosted);
        Assert.Equal(500_00, f.Get(41).CreditsPosted); // Provider2 had the better rate
        Assert.Empty(f.X.FindPaymentsByInvoice(""));
        // Same id, same content: the original result, nothing moves; different content is refused.
        Assert.Equal(PayResult.Ok, Run(f, Request(9, 64_675_00)));
        Assert.Equal(PayResult.IdReusedWithDifferentContent, Run(f, Request(9, 64_675_01)));
        Assert.Equal(64_675_00, f.Get(22).CreditsPosted);
        f.AssertConservation();
        Assert.Equal(f.Engine.StateHashHex(), f.ReplayHash());
    }

    [Fact]
    public void A_rate_outside_the_tolerance_or_no_quote_moves_nothing()
    {
        var f = new ExchangeFixture();
        Assert.Equal(PayResult.NoQuoteAvailable, Run(f, Request(9, 64_675_00)));
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
        Assert.Equal(PayResult.ExchangeRateMismatch, Run(f, Request(9, 64_675_00, rateE10: 1_300_000_000_000)));
        Assert.Equal(PayResult.ExpectedRateInvalid, Run(f, Request(9, 64_675_00, rateE10: 0)));
        Assert.Equal(0, f.X.LockCount);
        Assert.Equal(0, f.Get(22).CreditsPosted + f.Get(22).CreditsPending);
        // Within 0.5 %: 129.35 vs 129.90 is 0.42 %.
        Assert.Equal(PayResult.Ok, Run(f, Request(9, 64_675_00, rateE10: 1_299_000_000_000, tolerancePpm: 5_000)));
    }

    [Fact]
    public void Payer_short_of_funds_settles_neither_leg()
    {
        var f = new ExchangeFixture(payerUsd: 100_00);
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
        Assert.Equal(PayResult.PayerInsufficientFunds, Run(f, Request(9, 64_675_00)));
        Assert.Equal(0, f.Get(22).CreditsPosted + f.Get(22).CreditsPending);
        Assert.Equal(0, f.Get(31).CreditsPosted);
        f.AssertConservation();
    }

    [Fact]
    public void Trade_data_is_carried_when_given()
    {
        var f = new ExchangeFixture();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
        var trade = new TradeReference("INV-77", 20261101, "", "", "", "", Incoterms.None, "");
        Assert.Equal(PayResult.Ok, Run(f, Request(9, 1_293_50, trade: trade)));
        Assert.Single(f.X.FindPaymentsByInvoice("INV-77"));
    }

    [Fact]
    public void Payments_made_at_the_best_quote_survive_a_snapshot_with_the_same_state_hash()
    {
        var f = new ExchangeFixture();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
        Assert.Equal(PayResult.Ok, Run(f, Request(9, 1_293_50, trade: new TradeReference("INV-77", 20261101, "", "", "", "", Incoterms.Fob, ""))));
        Assert.Equal(PayResult.ExchangeRateMismatch, Run(f, Request(10, 1_293_50, rateE10: 1_000_000_000_000)));
        Assert.Equal(PayResult.Ok, Run(f, Request(11, 2_587_00)));
        using var stream = new MemoryStream();
        f.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        Engine.Engine restored = Engine.Engine.ReadSnapshot(stream);
        Assert.Equal(f.Engine.StateHashHex(), restored.StateHashHex());
        Assert.Equal(f.Engine.StateHashHex(), f.ReplayHash());
        Assert.Single(restored.Exchange.FindPaymentsByInvoice("INV-77"));
        Assert.True(restored.Exchange.TryGetPayment(11, out PaymentRecord p));
        Assert.Equal(("", PaymentStatus.Settled), (p.Request.Trade.InvoiceNumber, p.Status));
    }

    [Theory]
    [InlineData(12935, 100, 1_293_500_000_000, 0u, true)]
    [InlineData(12935, 100, 1_293_500_000_001, 0u, false)]
    [InlineData(12935, 100, 1_294_793_500_000, 1_000u, true)]   // +0.1 %
    [InlineData(12935, 100, 1_294_800_000_000, 1_000u, false)]  // +0.1005 %
    [InlineData(1_000_000_000_000_000_000, 1, long.MaxValue, 1_000_000u, false)] // extreme terms: no overflow
    [InlineData(1_000_000_000_000_000_000, 1_000_000_000_000_000_000, long.MaxValue, 1_000_000u, true)]
    [InlineData(1, 1_000_000_000_000_000_000, 1, 1_000_000u, true)]
    public void Rate_tolerance_is_exact(long numerator, long denominator, long expectedE10, uint tolerancePpm, bool within) =>
        Assert.Equal(within, PayAtBestQuote.RateWithinTolerance(new FxRate(numerator, denominator), expectedE10, tolerancePpm));
}
