using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// One payment path: a PvP payment meets the operating day and cut-offs through the same rule as an RTGS payment
/// (SettlementState.DayAdmits) once <see cref="SettlementOptions.OnePaymentPath"/> is on; journals from before replay as written.
/// </summary>
public sealed class PvpOperatingDayTests
{
    private static PayResult LockAndPay(ExchangeFixture f, UInt128 quoteId, long amountMinor = 100_00)
    {
        UInt128 lockId = f.NextId();
        Assert.Equal(LockResult.Ok, f.Lock(f.LockRequest(lockId, quoteId, amountMinor)));
        return f.Pay(ExchangeFixture.Payment(f.NextId(), lockId));
    }

    private static void Settlement<T>(ExchangeFixture f, T item) where T : ISettlementCommand<T> =>
        Assert.Empty(f.Apply(SettlementCodec.EncodeCommand(item)));

    [Fact]
    public void With_one_payment_path_a_PvP_payment_is_refused_outside_the_day_and_after_the_customer_cutoff()
    {
        var f = new ExchangeFixture();
        Settlement(f, new SetSettlementOptions(SettlementOptions.Current));
        UInt128 quote = f.NextId();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(quote, validSeconds: 3600)));

        Assert.Equal(PayResult.DayNotOpen, LockAndPay(f, quote));
        Settlement(f, new OpenBusinessDay(20261201));
        Assert.Equal(PayResult.Ok, LockAndPay(f, quote));
        Settlement(f, new ChangeDayPhase(DayPhase.CustomerCutoff));
        Assert.Equal(PayResult.AfterCustomerCutoff, LockAndPay(f, quote));
        Settlement(f, new ChangeDayPhase(DayPhase.InterbankCutoff));
        Assert.Equal(PayResult.AfterCustomerCutoff, LockAndPay(f, quote)); // a customer payment: the customer cut-off has passed
        Settlement(f, new ChangeDayPhase(DayPhase.EndOfDay));
        Assert.Equal(PayResult.DayNotOpen, LockAndPay(f, quote));

        // Exactly one payment moved money; the day counts every PvP payment since the day opened.
        Assert.Equal(100_00, f.Get(11).DebitsPosted);
        DayStatus day = f.Engine.GetDayStatus();
        Assert.Equal((4, 1, 3, 4), (day.Submitted, day.Settled, day.Rejected, day.CrossCurrency));
        f.AssertConservation();
        Assert.Equal(f.Engine.StateHashHex(), f.ReplayHash());
    }

    [Fact]
    public void PayAtBestQuote_outside_the_day_locks_nothing_and_keeps_its_refusal()
    {
        var f = new ExchangeFixture();
        Settlement(f, new SetSettlementOptions(SettlementOptions.Current));
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(f.NextId(), validSeconds: 3600)));
        var pay = new PayAtBestQuote(f.NextId(), ExchangeFixture.Payer, 11, 22, "USD", "KES", 1_293_500, AmountSide.Destination,
            1_293_500_000_000, 1_000, ExchangeFixture.Originator, ExchangeFixture.Beneficiary with { IdScheme = PartyIdScheme.None, Identifier = "" },
            new TradeReference("", 0, "", "", "", "", Incoterms.None, ""));
        Assert.Equal(PayResult.DayNotOpen, f.Run<PayAtBestQuote, PayResult>(Corridor.Core.Engine.Operation.PayAtBestQuote, pay)[0]);
        Assert.Equal(0, f.X.LockCount);
        Settlement(f, new OpenBusinessDay(20261201));
        // The refusal is state-dependent, like an RTGS cut-off rejection: the same id keeps its answer.
        Assert.Equal(PayResult.DayNotOpen, f.Run<PayAtBestQuote, PayResult>(Corridor.Core.Engine.Operation.PayAtBestQuote, pay)[0]);
        Assert.Equal(PayResult.Ok, f.Run<PayAtBestQuote, PayResult>(Corridor.Core.Engine.Operation.PayAtBestQuote, pay with { PaymentId = f.NextId() })[0]);
        Assert.Equal(f.Engine.StateHashHex(), f.ReplayHash());
    }

    [Fact]
    public void A_journal_from_before_the_rule_replays_as_written_PvP_settles_with_no_day_open()
    {
        var f = new ExchangeFixture(); // options as old journals have them: OnePaymentPath off
        UInt128 quote = f.NextId();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(quote, validSeconds: 3600)));
        Assert.Equal(PayResult.Ok, LockAndPay(f, quote));
        Assert.Equal(f.Engine.StateHashHex(), f.ReplayHash());
    }
}
