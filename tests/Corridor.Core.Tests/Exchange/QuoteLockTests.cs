using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>Publishing, finding and locking quotes: validity, size limits, liquidity, expiry, release.</summary>
public class QuoteLockTests
{
    [Fact]
    public void Publish_then_best_quote_prefers_more_destination_for_fixed_source()
    {
        var f = new ExchangeFixture();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(2, Provider2, new FxRate(12950, 100))));
        Assert.True(f.X.TryFindBestQuote("USD", "KES", 100_00, AmountSide.Source, f.Now, out QuoteMatch m));
        Assert.Equal((UInt128)2, m.QuoteId);
        Assert.Equal(1_295_000, m.DestinationMinor);
        Assert.True(f.X.TryFindBestQuote("USD", "KES", 1_295_000, AmountSide.Destination, f.Now, out QuoteMatch d));
        Assert.Equal((UInt128)2, d.QuoteId);
        Assert.Equal(100_00, d.SourceMinor);
        Assert.False(f.X.TryFindBestQuote("KES", "USD", 100_00, AmountSide.Source, f.Now, out _));
    }

    [Fact]
    public void Best_quote_tie_goes_to_earlier_publication_then_lower_id()
    {
        var f = new ExchangeFixture();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(9, Provider2)));
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(5)));
        Assert.True(f.X.TryFindBestQuote("USD", "KES", 100_00, AmountSide.Source, f.Now, out QuoteMatch m));
        Assert.Equal((UInt128)9, m.QuoteId);
    }

    [Fact]
    public void Best_quote_skips_withdrawn_out_of_limits_and_illiquid_quotes()
    {
        var f = new ExchangeFixture(provider2Kes: 1_000_00);
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1, rate: new FxRate(12900, 100))));
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(2, Provider2, new FxRate(13000, 100)))); // better, but only 1,000 KES
        Assert.True(f.X.TryFindBestQuote("USD", "KES", 1_00, AmountSide.Source, f.Now, out QuoteMatch small));
        Assert.Equal((UInt128)2, small.QuoteId);
        Assert.True(f.X.TryFindBestQuote("USD", "KES", 100_00, AmountSide.Source, f.Now, out QuoteMatch large));
        Assert.Equal((UInt128)1, large.QuoteId); // provider 2 cannot fund 13,000 KES
        Assert.False(f.X.TryFindBestQuote("USD", "KES", 10_000_01, AmountSide.Source, f.Now, out _)); // above every maximum
        Assert.Equal(QuoteResult.Ok, f.Run<WithdrawQuote, QuoteResult>(Operation.WithdrawQuote, new WithdrawQuote(1, Provider))[0]);
        Assert.False(f.X.TryFindBestQuote("USD", "KES", 100_00, AmountSide.Source, f.Now, out _));
    }

    public static TheoryData<string, QuoteResult> PublishRejections => new()
    {
        { "zero id", QuoteResult.QuoteIdMustNotBeZero },
        { "zero provider", QuoteResult.ProviderMustNotBeZero },
        { "rate", QuoteResult.RateInvalid },
        { "limits", QuoteResult.SizeLimitsInvalid },
        { "window", QuoteResult.ValidityWindowInvalid },
        { "lock seconds", QuoteResult.MaxLockSecondsInvalid },
        { "expired", QuoteResult.QuoteAlreadyExpired },
        { "unknown source", QuoteResult.SourceCurrencyUnknown },
        { "same currency", QuoteResult.CurrenciesMustBeDifferent },
        { "missing account", QuoteResult.ProviderSourceAccountNotFound },
        { "wrong currency", QuoteResult.ProviderDestinationAccountWrongCurrency },
        { "not owned", QuoteResult.AccountNotOwnedByProvider },
    };

    [Theory]
    [MemberData(nameof(PublishRejections))]
    public void Publish_rejections(string what, QuoteResult expected)
    {
        var f = new ExchangeFixture();
        PublishQuote q = f.Quote(1);
        q = what switch
        {
            "zero id" => q with { QuoteId = 0 },
            "zero provider" => q with { Provider = 0 },
            "rate" => q with { Rate = new FxRate(0, 1) },
            "limits" => q with { MinSourceMinor = 10, MaxSourceMinor = 9 },
            "window" => q with { ValidUntilNs = q.ValidFromNs + (ExchangeState.MaxQuoteValiditySeconds + 1) * Second },
            "lock seconds" => q with { MaxLockSeconds = 0 },
            "expired" => q with { ValidFromNs = f.Now - 10 * Second, ValidUntilNs = f.Now - Second },
            "unknown source" => q with { SourceCurrency = "ZZZ" },
            "same currency" => q with { DestinationCurrency = "USD" },
            "missing account" => q with { ProviderSourceAccount = 999 },
            "wrong currency" => q with { ProviderDestinationAccount = 31 },
            "not owned" => q with { ProviderDestinationAccount = 42 },
            _ => throw new ArgumentException(what),
        };
        Assert.Equal(expected, f.Publish(q));
    }

    [Fact]
    public void Publish_is_idempotent_and_withdraw_is_provider_only()
    {
        var f = new ExchangeFixture();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
        Assert.Equal(QuoteResult.Ok, f.Publish(f.X.Quotes[0].Quote));
        Assert.Equal(QuoteResult.IdReusedWithDifferentContent, f.Publish(f.Quote(1, rate: new FxRate(1, 1))));
        Assert.Equal(QuoteResult.NotQuoteProvider, f.Run<WithdrawQuote, QuoteResult>(Operation.WithdrawQuote, new WithdrawQuote(1, Provider2))[0]);
        Assert.Equal(QuoteResult.QuoteNotFound, f.Run<WithdrawQuote, QuoteResult>(Operation.WithdrawQuote, new WithdrawQuote(7, Provider))[0]);
    }

    [Fact]
    public void Lock_reserves_provider_destination_liquidity_as_pending_transfer()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        Assert.Equal(LockResult.Ok, f.Lock(f.LockRequest(100, 1, 500_00)));
        Assert.True(f.X.TryGetLock(100, out LockRecord l));
        Assert.Equal((LockStatus.Locked, 500_00L, 64_675_00L), (l.Status, l.SourceMinor, l.DestinationMinor));
        Assert.Equal(64_675_00, f.Get(32).DebitsPending);
        Assert.Equal(64_675_00, f.Get(22).CreditsPending);
        Assert.True(f.L.TryGetTransfer(l.ReservationTransferId, out Transfer t, out PendingStatus status));
        Assert.Equal((PendingStatus.Pending, 30u, Kes), (status, t.TimeoutSeconds, t.Ledger));
        Assert.Equal(l.LockedAt + 30 * Second, l.ExpiresAt);
        f.AssertConservation();
    }

    [Fact]
    public void Lock_on_destination_side_rounds_source_up()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        Assert.Equal(LockResult.Ok, f.Lock(f.LockRequest(100, 1, 12936, AmountSide.Destination)));
        Assert.True(f.X.TryGetLock(100, out LockRecord l));
        Assert.Equal((101L, 12936L), (l.SourceMinor, l.DestinationMinor));
    }

    [Fact]
    public void Quote_expires_by_engine_time()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1, validSeconds: 2));
        f.Now += 2 * Second;
        Assert.Equal(LockResult.QuoteExpired, f.Lock(f.LockRequest(100, 1, 100_00)));
        Assert.True(f.X.TryGetQuote(1, out QuoteRecord q));
        Assert.Equal(QuoteStatus.Expired, q.Status);
        Assert.False(f.X.TryFindBestQuote("USD", "KES", 100_00, AmountSide.Source, f.Now, out _));
    }

    [Fact]
    public void Quote_not_yet_valid()
    {
        var f = new ExchangeFixture();
        PublishQuote q = f.Quote(1);
        f.Publish(q with { ValidFromNs = f.Now + 10 * Second, ValidUntilNs = f.Now + 20 * Second });
        Assert.Equal(LockResult.QuoteNotYetValid, f.Lock(f.LockRequest(100, 1, 100_00)));
    }

    [Theory]
    [InlineData(99L, AmountSide.Source, LockResult.BelowProviderMinimum)]
    [InlineData(10_000_01L, AmountSide.Source, LockResult.AboveProviderMaximum)]
    [InlineData(129_350_001L, AmountSide.Destination, LockResult.AboveProviderMaximum)] // needs 10,000.01 USD
    [InlineData(10_000_00L, AmountSide.Source, LockResult.Ok)]
    [InlineData(100L, AmountSide.Source, LockResult.Ok)]
    public void Provider_size_limits_apply_to_source_amount(long amount, AmountSide side, LockResult expected)
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        Assert.Equal(expected, f.Lock(f.LockRequest(100, 1, amount, side)));
    }

    [Fact]
    public void Lock_fails_when_provider_lacks_liquidity()
    {
        var f = new ExchangeFixture(providerKes: 1_000_00);
        f.Publish(f.Quote(1));
        Assert.Equal(LockResult.ProviderInsufficientLiquidity, f.Lock(f.LockRequest(100, 1, 100_00)));
        Assert.True(f.X.TryGetLock(100, out LockRecord l));
        Assert.Equal((LockStatus.Failed, CreateTransferResult.ExceedsCredits), (l.Status, l.LedgerResult));
        Assert.Equal(0, f.Get(32).DebitsPending);
    }

    public static TheoryData<string, LockResult> LockRejections => new()
    {
        { "zero id", LockResult.LockIdMustNotBeZero },
        { "zero payer", LockResult.PayerMustNotBeZero },
        { "amount", LockResult.AmountMustBePositive },
        { "side", LockResult.AmountSideInvalid },
        { "seconds", LockResult.LockSecondsOutOfRange },
        { "quote", LockResult.QuoteNotFound },
        { "longer than quote", LockResult.LockLongerThanQuoteAllows },
        { "conversion", LockResult.ConversionFailed },
        { "payer account", LockResult.PayerAccountNotFound },
        { "payer owner", LockResult.PayerAccountNotOwnedByPayer },
        { "payer currency", LockResult.PayerAccountWrongCurrency },
        { "payee account", LockResult.PayeeAccountNotFound },
        { "payee currency", LockResult.PayeeAccountWrongCurrency },
    };

    [Theory]
    [MemberData(nameof(LockRejections))]
    public void Lock_rejections(string what, LockResult expected)
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1, min: 1));
        LockQuote l = f.LockRequest(100, 1, 100_00);
        l = what switch
        {
            "zero id" => l with { LockId = 0 },
            "zero payer" => l with { Payer = 0 },
            "amount" => l with { AmountMinor = -1 },
            "side" => l with { Side = (AmountSide)7 },
            "seconds" => l with { LockSeconds = ExchangeState.MaxLockSeconds + 1 },
            "quote" => l with { QuoteId = 77 },
            "longer than quote" => l with { LockSeconds = 61 },
            "conversion" => l with { AmountMinor = 1, Side = AmountSide.Source, QuoteId = PublishTiny(f) },
            "payer account" => l with { PayerAccount = 999 },
            "payer owner" => l with { PayerAccount = 31 },
            "payer currency" => l with { PayerAccount = 22, Payer = Payee },
            "payee account" => l with { PayeeAccount = 999 },
            "payee currency" => l with { PayeeAccount = 31 },
            _ => throw new ArgumentException(what),
        };
        Assert.Equal(expected, f.Lock(l));
    }

    private static UInt128 PublishTiny(ExchangeFixture f)
    {
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(2, rate: new FxRate(1, 1000), min: 1)));
        return 2;
    }

    [Fact]
    public void Lock_expires_with_its_reservation_and_cannot_be_paid()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        f.Lock(f.LockRequest(100, 1, 100_00, seconds: 5));
        f.Now += 5 * Second;
        Assert.Equal(PayResult.LockExpired, f.Pay(Payment(200, 100)));
        Assert.True(f.X.TryGetLock(100, out LockRecord l));
        Assert.Equal(LockStatus.Expired, l.Status);
        Assert.True(f.L.TryGetTransfer(l.ReservationTransferId, out _, out PendingStatus status));
        Assert.Equal(PendingStatus.Expired, status);
        Assert.Equal((0L, 0L), (f.Get(32).DebitsPending, f.Get(32).DebitsPosted));
        Assert.Equal(1_000_000_00, f.Get(11).BalancePosted);
        f.AssertConservation();
    }

    [Fact]
    public void Release_voids_the_reservation_and_is_idempotent()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        f.Lock(f.LockRequest(100, 1, 100_00));
        Assert.Equal(LockResult.NotLockPayer, f.Release(100, Payee));
        Assert.Equal(LockResult.Ok, f.Release(100));
        Assert.Equal(LockResult.Ok, f.Release(100));
        Assert.Equal(0, f.Get(32).DebitsPending);
        Assert.Equal(PayResult.LockReleased, f.Pay(Payment(200, 100)));
        Assert.Equal(LockResult.LockNotFound, f.Release(101));
    }

    [Fact]
    public void Lock_resubmission_returns_original_result_and_reserves_once()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        LockQuote l = f.LockRequest(100, 1, 100_00);
        Assert.Equal(LockResult.Ok, f.Lock(l));
        Assert.Equal(LockResult.Ok, f.Lock(l));
        Assert.Equal(12_935_00, f.Get(32).DebitsPending);
        Assert.Equal(LockResult.IdReusedWithDifferentContent, f.Lock(l with { AmountMinor = 200_00 }));
        Assert.Equal(1, f.X.LockCount);
    }
}
