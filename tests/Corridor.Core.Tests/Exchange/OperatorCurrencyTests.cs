using Corridor.Core.Currencies;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>A currency without a liquid market, configured by the operator, settles PvP like any other; commands carry many items.</summary>
public class OperatorCurrencyTests
{
    [Fact]
    public void Payment_into_an_operator_configured_currency_settles_pvp()
    {
        var f = new ExchangeFixture();
        Assert.Equal(ConfigureCurrencyResult.Ok,
            f.Run<ConfigureCurrency, ConfigureCurrencyResult>(Operation.ConfigureCurrency, new ConfigureCurrency("XLC", 0, 5000))[0]);
        f.CreateAccounts(NewAccount(62, 5000, Payee), NewAccount(63, 5000, Provider), NewAccount(1500, 5000, 0, AccountFlags.None));
        f.Fund(1500, 63, 1_000_000, 5000);
        // 1 USD = 37.5 XLC (no minor unit): 10.01 USD → 375.375 → 375 XLC.
        var quote = new PublishQuote(1, Provider, "USD", "XLC", new FxRate(375, 10), 1, 1_000_000_00, f.Now, f.Now + 60 * Second, 31, 63, 30);
        Assert.Equal(QuoteResult.Ok, f.Publish(quote));
        Assert.Equal(LockResult.Ok, f.Lock(new LockQuote(100, 1, Payer, 11, 62, 10_01, AmountSide.Source, 30)));
        Assert.Equal(PayResult.Ok, f.Pay(Payment(200, 100)));
        Assert.Equal(375, f.Get(62).BalancePosted);
        Assert.Equal(10_01, f.Get(31).BalancePosted);
        Assert.True(f.L.TryGetTransfer(f.X.Payments[0].DestinationLegTransferId, out Transfer leg, out _));
        Assert.Equal(5000u, leg.Ledger);
        f.AssertConservation();
    }

    [Fact]
    public void Each_item_of_a_command_gets_its_own_result()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        LockResult[] locks = f.Run<LockQuote, LockResult>(Operation.LockQuote,
            f.LockRequest(100, 1, 100_00), f.LockRequest(101, 1, 1), f.LockRequest(102, 9, 100_00), f.LockRequest(103, 1, 200_00));
        Assert.Equal([LockResult.Ok, LockResult.BelowProviderMinimum, LockResult.QuoteNotFound, LockResult.Ok], locks);
        PayResult[] pays = f.Run<PayAgainstLock, PayResult>(Operation.PayAgainstLock,
            Payment(200, 100), Payment(201, 101), Payment(202, 103), Payment(203, 103));
        Assert.Equal([PayResult.Ok, PayResult.LockNotActive, PayResult.Ok, PayResult.LockAlreadyUsed], pays);
        Assert.Equal(300_00 * 12935 / 100, f.Get(22).BalancePosted);
        f.AssertConservation();
    }
}
