using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>Bilateral FX trades, CLS-style: submit, affirm with matching terms, both legs settle or neither.</summary>
public class FxTradeTests
{
    // Bank A (participant 1) sells 1,000 USD to bank B (participant 3) for 129,350 KES.
    private static FxTradeInstruction Terms(ExchangeFixture f, ulong instructing = Payer) =>
        new(500, instructing, Payer, Provider, "USD", "KES", 1_000_00, 129_350_00,
            PartyAPays: 11, PartyBReceives: 31, PartyBPays: 32, PartyAReceives: 51, AffirmDeadlineNs: f.Now + 60 * Second);

    private static ExchangeFixture Setup(long providerKes = 50_000_000_00)
    {
        var f = new ExchangeFixture(providerKes: providerKes);
        f.CreateAccounts(NewAccount(51, Kes, Payer));
        return f;
    }

    private static TradeResult Submit(ExchangeFixture f, FxTradeInstruction t) => f.Run<FxTradeInstruction, TradeResult>(Operation.SubmitFxTrade, t)[0];
    private static TradeResult Affirm(ExchangeFixture f, FxTradeInstruction t) => f.Run<FxTradeInstruction, TradeResult>(Operation.AffirmFxTrade, t)[0];
    private static TradeResult Cancel(ExchangeFixture f, ulong who) => f.Run<CancelFxTrade, TradeResult>(Operation.CancelFxTrade, new CancelFxTrade(500, who))[0];

    [Fact]
    public void Submit_and_affirm_settle_both_legs()
    {
        ExchangeFixture f = Setup();
        FxTradeInstruction t = Terms(f);
        Assert.Equal(TradeResult.Ok, Submit(f, t));
        Assert.Equal(0, f.Get(31).BalancePosted); // nothing moves before affirmation
        Assert.Equal(TradeResult.Ok, Affirm(f, t with { Instructing = Provider }));
        Assert.Equal((1_000_00L, 129_350_00L), (f.Get(31).BalancePosted, f.Get(51).BalancePosted));
        Assert.True(f.X.TryGetTrade(500, out TradeRecord r));
        Assert.Equal(TradeStatus.Settled, r.Status);
        Assert.True(f.L.TryGetTransfer(r.LegATransferId, out _, out _));
        Assert.True(f.L.TryGetTransfer(r.LegBTransferId, out _, out _));
        Assert.Equal(TradeResult.Ok, Affirm(f, t with { Instructing = Provider })); // resubmission: original result, no second settlement
        Assert.Equal(1_000_00, f.Get(31).BalancePosted);
        f.AssertConservation();
    }

    [Fact]
    public void Mismatched_terms_do_not_settle_and_trade_stays_open()
    {
        ExchangeFixture f = Setup();
        FxTradeInstruction t = Terms(f);
        Submit(f, t);
        Assert.Equal(TradeResult.TermsMismatch, Affirm(f, t with { Instructing = Provider, AmountBMinor = 129_000_00 }));
        Assert.Equal(TradeResult.AffirmerMustBeCounterparty, Affirm(f, t));
        Assert.Equal(TradeResult.Ok, Affirm(f, t with { Instructing = Provider }));
    }

    [Fact]
    public void Short_party_settles_neither_leg()
    {
        ExchangeFixture f = Setup(providerKes: 100_000_00); // B has 100,000 KES, owes 129,350
        FxTradeInstruction t = Terms(f);
        Submit(f, t);
        Assert.Equal(TradeResult.PartyBInsufficientFunds, Affirm(f, t with { Instructing = Provider }));
        Assert.True(f.X.TryGetTrade(500, out TradeRecord r));
        Assert.Equal((TradeStatus.Failed, CreateTransferResult.ExceedsCredits), (r.Status, r.LedgerResult));
        Assert.False(f.L.TryGetTransfer(r.LegATransferId, out _, out _)); // A's leg rolled back with B's
        Assert.Equal((1_000_000_00L, 0L), (f.Get(11).BalancePosted, f.Get(31).BalancePosted));
        f.AssertConservation();
    }

    [Fact]
    public void Cancel_and_expiry_close_an_unaffirmed_trade()
    {
        ExchangeFixture f = Setup();
        FxTradeInstruction t = Terms(f);
        Submit(f, t);
        Assert.Equal(TradeResult.SubmitterNotAParty, Cancel(f, Payee));
        Assert.Equal(TradeResult.Ok, Cancel(f, Provider));
        Assert.Equal(TradeResult.TradeCancelled, Affirm(f, t with { Instructing = Provider }));

        ExchangeFixture g = Setup();
        FxTradeInstruction u = Terms(g);
        Submit(g, u);
        g.Now += 61 * Second;
        Assert.Equal(TradeResult.TradeExpired, Affirm(g, u with { Instructing = Provider }));
        Assert.True(g.X.TryGetTrade(500, out TradeRecord r));
        Assert.Equal(TradeStatus.Expired, r.Status);
    }

    public static TheoryData<string, TradeResult> SubmitRejections => new()
    {
        { "zero id", TradeResult.TradeIdMustNotBeZero },
        { "same parties", TradeResult.PartiesInvalid },
        { "outsider", TradeResult.SubmitterNotAParty },
        { "amount", TradeResult.AmountsMustBePositive },
        { "currency", TradeResult.CurrencyUnknown },
        { "same currency", TradeResult.CurrenciesMustBeDifferent },
        { "deadline", TradeResult.DeadlineInvalid },
        { "account", TradeResult.AccountNotFound },
        { "account currency", TradeResult.AccountWrongCurrency },
        { "account owner", TradeResult.AccountWrongOwner },
    };

    [Theory]
    [MemberData(nameof(SubmitRejections))]
    public void Submit_rejections(string what, TradeResult expected)
    {
        ExchangeFixture f = Setup();
        FxTradeInstruction t = Terms(f);
        t = what switch
        {
            "zero id" => t with { TradeId = 0 },
            "same parties" => t with { PartyB = Payer },
            "outsider" => t with { Instructing = Payee },
            "amount" => t with { AmountBMinor = 0 },
            "currency" => t with { CurrencyB = "ZZZ" },
            "same currency" => t with { CurrencyB = "USD" },
            "deadline" => t with { AffirmDeadlineNs = f.Now - 1 },
            "account" => t with { PartyAReceives = 999 },
            "account currency" => t with { PartyAReceives = 11 },
            "account owner" => t with { PartyAReceives = 22 },
            _ => throw new ArgumentException(what),
        };
        Assert.Equal(expected, Submit(f, t));
    }

    [Fact]
    public void Affirm_unknown_trade() => Assert.Equal(TradeResult.TradeNotFound, Affirm(Setup(), Terms(new ExchangeFixture()) with { Instructing = Provider }));
}
