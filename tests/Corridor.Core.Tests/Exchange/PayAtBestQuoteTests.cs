using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;
using PaymentReferences = Corridor.Core.Settlement.PaymentReferences;

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

    private static readonly PaymentReferences Ids = new("KCBL20261123-000187", "KCBL-INS-778120", "NAIROBIELEC-INV-2026-0917", "KCBL-TX-778120",
        "e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a");

    [Fact]
    public void The_pacs008_ids_are_kept_with_the_payment_and_survive_snapshot_and_replay_with_the_same_state_hash()
    {
        var f = new ExchangeFixture();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
        Assert.Equal(PayResult.Ok, Run(f, Request(9, 1_293_50) with { References = Ids }));
        Assert.Equal(PayResult.Ok, Run(f, Request(11, 2_587_00)));
        Assert.True(f.X.TryGetPayment(9, out PaymentRecord withIds));
        Assert.Equal(Ids, withIds.References);
        Assert.True(f.X.TryGetPayment(11, out PaymentRecord without));
        Assert.Same(PaymentReferences.None, without.References);
        // Same id and content: the original result; the same payment with other ids is other content.
        Assert.Equal(PayResult.Ok, Run(f, Request(9, 1_293_50) with { References = Ids }));
        Assert.Equal(PayResult.IdReusedWithDifferentContent, Run(f, Request(9, 1_293_50) with { References = Ids with { EndToEndId = "OTHER" } }));

        using var stream = new MemoryStream();
        f.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        Engine.Engine restored = Engine.Engine.ReadSnapshot(stream);
        Assert.Equal(f.Engine.StateHashHex(), restored.StateHashHex());
        Assert.Equal(f.Engine.StateHashHex(), f.ReplayHash());
        Assert.True(restored.Exchange.TryGetPayment(9, out PaymentRecord kept));
        Assert.Equal(Ids, kept.References);
    }

    [Fact]
    public void An_item_journaled_before_ids_existed_reads_as_without_ids_and_unknown_flags_are_refused()
    {
        PayAtBestQuote request = Request(9, 1_293_50);
        byte[] old = ExchangeCommands.Encode(Operation.PayAtBestQuote, request)[CommandBatch.HeaderBytes..];
        // The layout before ids: the byte after Side was written 0 and nothing followed the trade reference.
        const int flagsOffset = 16 + 8 + 16 + 16 + 3 + 3 + 2 + 8 + 1;
        Assert.Equal(0, old[flagsOffset]);
        PayAtBestQuote read = Assert.Single(ExchangeCommands.Decode<PayAtBestQuote>(old, 1));
        Assert.Equal(request, read);
        Assert.Same(PaymentReferences.None, read.References);

        byte[] withIds = ExchangeCommands.Encode(Operation.PayAtBestQuote, request with { References = Ids })[CommandBatch.HeaderBytes..];
        Assert.Equal(1, withIds[flagsOffset]);
        byte[] prefix = withIds[..old.Length];
        prefix[flagsOffset] = 0;
        Assert.Equal(old, prefix); // everything before the ids is the old layout
        Assert.Equal(Ids, Assert.Single(ExchangeCommands.Decode<PayAtBestQuote>(withIds, 1)).References);

        old[flagsOffset] = 2;
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<PayAtBestQuote>(old, 1));
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
