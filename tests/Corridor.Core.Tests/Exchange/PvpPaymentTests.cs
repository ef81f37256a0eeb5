using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>Cross-currency payments against a lock: both legs or neither, mandatory trade data, idempotency, queries.</summary>
public class PvpPaymentTests
{
    private static ExchangeFixture Locked(long amount = 100_00, long payerUsd = 1_000_000_00)
    {
        var f = new ExchangeFixture(payerUsd: payerUsd);
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
        Assert.Equal(LockResult.Ok, f.Lock(f.LockRequest(100, 1, amount)));
        return f;
    }

    [Fact]
    public void Payment_settles_both_legs_atomically()
    {
        ExchangeFixture f = Locked();
        Assert.Equal(PayResult.Ok, f.Pay(Payment(200, 100)));

        Assert.Equal(1_000_000_00 - 100_00, f.Get(11).BalancePosted);   // payer paid USD
        Assert.Equal(100_00, f.Get(31).BalancePosted);                  // provider received USD
        Assert.Equal(-12_935_00, f.Get(32).BalancePosted - 50_000_000_00); // provider paid KES
        Assert.Equal(12_935_00, f.Get(22).BalancePosted);               // payee received KES
        Assert.Equal((0L, 0L), (f.Get(32).DebitsPending, f.Get(22).CreditsPending));

        Assert.True(f.X.TryGetPayment(200, out PaymentRecord p));
        Assert.Equal((PaymentStatus.Settled, 100_00L, 12_935_00L), (p.Status, p.SourceMinor, p.DestinationMinor));
        Assert.True(f.L.TryGetTransfer(p.SourceLegTransferId, out Transfer src, out _));
        Assert.Equal((Usd, ExchangeTransfers.PayerLegCode, (UInt128)200), (src.Ledger, src.Code, src.UserData128));
        Assert.True(f.X.TryGetLock(100, out LockRecord l));
        Assert.True(f.L.TryGetTransfer(l.ReservationTransferId, out _, out PendingStatus reservation));
        Assert.Equal((LockStatus.Settled, PendingStatus.Posted, (UInt128)200), (l.Status, reservation, l.PaymentId));
        f.AssertConservation();
    }

    [Fact]
    public void Payer_short_of_funds_settles_neither_leg_and_releases_the_lock()
    {
        ExchangeFixture f = Locked(amount: 100_00, payerUsd: 99_99);
        Assert.Equal(PayResult.PayerInsufficientFunds, f.Pay(Payment(200, 100)));
        Assert.True(f.X.TryGetPayment(200, out PaymentRecord p));
        Assert.Equal((PaymentStatus.Failed, CreateTransferResult.ExceedsCredits), (p.Status, p.LedgerResult));
        Assert.False(f.L.TryGetTransfer(p.SourceLegTransferId, out _, out _));
        Assert.True(f.X.TryGetLock(100, out LockRecord l));
        Assert.True(f.L.TryGetTransfer(l.ReservationTransferId, out _, out PendingStatus reservation));
        Assert.Equal((LockStatus.Released, PendingStatus.Voided), (l.Status, reservation));
        Assert.Equal((99_99L, 0L, 0L), (f.Get(11).BalancePosted, f.Get(22).BalancePosted, f.Get(32).DebitsPending));
        f.AssertConservation();
    }

    [Fact]
    public void Lock_pays_once()
    {
        ExchangeFixture f = Locked();
        Assert.Equal(PayResult.Ok, f.Pay(Payment(200, 100)));
        Assert.Equal(PayResult.LockAlreadyUsed, f.Pay(Payment(201, 100)));
        Assert.Equal(LockResult.LockAlreadySettled, f.Release(100));
        Assert.Equal(12_935_00, f.Get(22).BalancePosted);
    }

    [Fact]
    public void The_reply_says_which_payment_and_lock_ids_were_recorded_before_the_command()
    {
        ExchangeFixture f = Locked();
        Assert.Equal(LockResult.Ok, f.Lock(f.LockRequest(101, 1, 100_00)));
        CommandReply Pay(params PayAgainstLock[] items)
        {
            var replies = new List<CommandReply>();
            f.Engine.Apply(f.Engine.Sequence + 1, f.Now, ExchangeCommands.Encode<PayAgainstLock>(Operation.PayAgainstLock, items), replies);
            f.Now += 1_000_000;
            return Assert.Single(replies);
        }
        Assert.Null(Pay(Payment(200, 100)).Data); // a new id: no data
        // The same payment again (answered from its record), a new one, and a reuse of the id with other content.
        CommandReply mixed = Pay(Payment(200, 100), Payment(201, 101), Payment(200, 100, invoice: "INV-OTHER"));
        Assert.Equal([true, false, true], Assert.IsType<IdsExisted>(mixed.Data).Items);
        Assert.Equal([new ItemResult(2, (ushort)PayResult.IdReusedWithDifferentContent)], mixed.Errors);
        // The next command starts clean: nothing is carried over from the last one (its lock is used: refused, but its id is new).
        Assert.Null(Pay(Payment(202, 101)).Data);

        // Locks say the same: lock 100 again (answered from its record) and a new lock.
        var replies = new List<CommandReply>();
        f.Engine.Apply(f.Engine.Sequence + 1, f.Now, ExchangeCommands.Encode<LockQuote>(Operation.LockQuote, [f.LockRequest(100, 1, 100_00), f.LockRequest(102, 1, 100_00)]), replies);
        Assert.Equal([true, false], Assert.IsType<IdsExisted>(Assert.Single(replies).Data).Items);
    }

    [Fact]
    public void Resubmitted_payment_returns_original_result_and_moves_money_once()
    {
        ExchangeFixture f = Locked();
        PayAgainstLock p = Payment(200, 100);
        Assert.Equal(PayResult.Ok, f.Pay(p));
        Assert.Equal(PayResult.Ok, f.Pay(p));
        Assert.Equal(12_935_00, f.Get(22).BalancePosted);
        Assert.Equal(PayResult.IdReusedWithDifferentContent, f.Pay(Payment(200, 100, invoice: "INV-OTHER")));
        Assert.Equal(1, f.X.PaymentCount);
    }

    [Fact]
    public void Payment_rejections_by_state()
    {
        ExchangeFixture f = Locked();
        Assert.Equal(PayResult.LockNotFound, f.Pay(Payment(201, 999)));
        Assert.Equal(PayResult.NotLockPayer, f.Pay(Payment(202, 100) with { Payer = Payee }));
        f.Publish(f.Quote(2, Provider2));
        f.Lock(f.LockRequest(101, 2, 1)); // below minimum: the lock failed
        Assert.Equal(PayResult.LockNotActive, f.Pay(Payment(203, 101)));
        Assert.Equal(PayResult.PaymentIdMustNotBeZero, f.Pay(Payment(0, 100)));
        Assert.Equal(PayResult.PayerMustNotBeZero, f.Pay(Payment(204, 100) with { Payer = 0 }));
    }

    public static TheoryData<string, PayResult> MissingTradeData => new()
    {
        { "originator name", PayResult.OriginatorNameMissing },
        { "originator town", PayResult.OriginatorTownMissing },
        { "originator country", PayResult.OriginatorCountryMissing },
        { "originator country shape", PayResult.OriginatorCountryInvalid },
        { "originator account", PayResult.OriginatorAccountMissing },
        { "originator id", PayResult.OriginatorIdentifierMissing },
        { "originator id scheme", PayResult.OriginatorIdentifierMissing },
        { "originator lei checksum", PayResult.OriginatorIdentifierInvalid },
        { "beneficiary name", PayResult.BeneficiaryNameMissing },
        { "beneficiary town", PayResult.BeneficiaryTownMissing },
        { "beneficiary country", PayResult.BeneficiaryCountryMissing },
        { "beneficiary country shape", PayResult.BeneficiaryCountryInvalid },
        { "beneficiary account", PayResult.BeneficiaryAccountMissing },
        { "beneficiary id", PayResult.BeneficiaryIdentifierMissing },
        { "beneficiary bic", PayResult.BeneficiaryIdentifierInvalid },
        { "invoice number", PayResult.InvoiceNumberMissing },
        { "invoice date", PayResult.InvoiceDateMissing },
        { "invoice date invalid", PayResult.InvoiceDateInvalid },
        { "contract and lc", PayResult.ContractOrLetterOfCreditReferenceMissing },
        { "goods", PayResult.GoodsDescriptionMissing },
        { "hs", PayResult.HsCodeMissing },
        { "hs invalid", PayResult.HsCodeInvalid },
        { "incoterms", PayResult.IncotermsMissing },
        { "incoterms invalid", PayResult.IncotermsInvalid },
    };

    [Theory]
    [MemberData(nameof(MissingTradeData))]
    public void Cross_border_payment_without_mandatory_data_is_rejected_precisely(string what, PayResult expected)
    {
        ExchangeFixture f = Locked();
        PayAgainstLock p = Payment(200, 100);
        Party o = p.Originator, b = p.Beneficiary;
        TradeReference t = p.Trade;
        p = what switch
        {
            "originator name" => p with { Originator = o with { Name = "  " } },
            "originator town" => p with { Originator = o with { TownName = "" } },
            "originator country" => p with { Originator = o with { Country = "" } },
            "originator country shape" => p with { Originator = o with { Country = "gb" } },
            "originator account" => p with { Originator = o with { Account = "" } },
            "originator id" => p with { Originator = o with { Identifier = "" } },
            "originator id scheme" => p with { Originator = o with { IdScheme = PartyIdScheme.None } },
            "originator lei checksum" => p with { Originator = o with { Identifier = o.Identifier[..18] + (o.Identifier[18..] == "00" ? "01" : "00") } },
            "beneficiary name" => p with { Beneficiary = b with { Name = "" } },
            "beneficiary town" => p with { Beneficiary = b with { TownName = "" } },
            "beneficiary country" => p with { Beneficiary = b with { Country = "" } },
            "beneficiary country shape" => p with { Beneficiary = b with { Country = "K1" } },
            "beneficiary account" => p with { Beneficiary = b with { Account = "" } },
            "beneficiary id" => p with { Beneficiary = b with { Identifier = "" } },
            "beneficiary bic" => p with { Beneficiary = b with { Identifier = "KCBLKE" } },
            "invoice number" => p with { Trade = t with { InvoiceNumber = "" } },
            "invoice date" => p with { Trade = t with { InvoiceDate = 0 } },
            "invoice date invalid" => p with { Trade = t with { InvoiceDate = 20260230 } },
            "contract and lc" => p with { Trade = t with { ContractReference = "", LetterOfCreditReference = "" } },
            "goods" => p with { Trade = t with { GoodsDescription = "" } },
            "hs" => p with { Trade = t with { HsCode = "" } },
            "hs invalid" => p with { Trade = t with { HsCode = "09024" } },
            "incoterms" => p with { Trade = t with { Incoterms = Incoterms.None } },
            "incoterms invalid" => p with { Trade = t with { Incoterms = (Incoterms)12 } },
            _ => throw new ArgumentException(what),
        };
        Assert.Equal(expected, f.Pay(p));
        Assert.False(f.X.TryGetPayment(200, out _)); // rejected before it touched state: the id stays free
        Assert.Equal(PayResult.Ok, f.Pay(Payment(200, 100)));
    }

    [Fact]
    public void Party_and_trade_data_are_stored_unaltered_and_queryable()
    {
        ExchangeFixture f = Locked();
        var o = Originator with { Name = "  Société Générale Côte d’Ivoire — 茶叶进出口  ", TownName = "Abidjan", Country = "CI" };
        PayAgainstLock p = Payment(200, 100) with { Originator = o };
        Assert.Equal(PayResult.Ok, f.Pay(p));
        Assert.True(f.X.TryGetPayment(200, out PaymentRecord stored));
        Assert.Equal(p, stored.Request);
        Assert.Equal("  Société Générale Côte d’Ivoire — 茶叶进出口  ", stored.Request.Originator.Name);
        Assert.Equal("Kericho Highlands Tea Estates  Ltd ", stored.Request.Beneficiary.Name);

        // Each query gives copies of the records: the same payment, found by both references.
        Assert.Equal([stored.PaymentId], f.X.FindPaymentsByInvoice("INV-2026-0042").Select(x => x.PaymentId));
        Assert.Equal([stored.PaymentId], f.X.FindPaymentsByLetterOfCredit("LC/UK/778812").Select(x => x.PaymentId));
        Assert.Equal(p, f.X.FindPaymentsByInvoice("INV-2026-0042")[0].Request);
        Assert.Empty(f.X.FindPaymentsByInvoice("inv-2026-0042")); // exact match, no case folding
    }

    [Fact]
    public void Lc_only_and_contract_only_references_are_both_accepted()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        f.Lock(f.LockRequest(100, 1, 100_00));
        f.Lock(f.LockRequest(101, 1, 100_00));
        PayAgainstLock lcOnly = Payment(200, 100) with { Trade = Payment(200, 100).Trade with { ContractReference = "" } };
        PayAgainstLock contractOnly = Payment(201, 101, lc: "");
        Assert.Equal([PayResult.Ok, PayResult.Ok], f.Run<PayAgainstLock, PayResult>(Operation.PayAgainstLock, lcOnly, contractOnly));
        Assert.Equal(2, f.X.FindPaymentsByInvoice("INV-2026-0042").Count);
        Assert.Single(f.X.FindPaymentsByLetterOfCredit("LC/UK/778812"));
    }

    [Fact]
    public void Only_the_engine_resolves_a_lock_reservation()
    {
        ExchangeFixture f = Locked();
        Assert.True(f.X.TryGetLock(100, out LockRecord l));
        // The payee's bank tries to post the provider's reservation without the payer's leg.
        var post = new Transfer { Id = f.NextId(), PendingId = l.ReservationTransferId, Flags = TransferFlags.PostPendingTransfer };
        Assert.Equal(CreateTransferResult.PendingTransferOwnedByEngine, f.Transfer(post));
        var voiding = new Transfer { Id = f.NextId(), PendingId = l.ReservationTransferId, Flags = TransferFlags.VoidPendingTransfer };
        Assert.Equal(CreateTransferResult.PendingTransferOwnedByEngine, f.Transfer(voiding));
        var lookalike = new Transfer { Id = f.NextId(), DebitAccountId = 32, CreditAccountId = 22, Amount = 1, Ledger = Kes, Code = ExchangeTransfers.ReservationCode };
        Assert.Equal(CreateTransferResult.CodeReservedForEngine, f.Transfer(lookalike));
        Assert.Equal(0, f.Get(22).BalancePosted);
        Assert.Equal(PayResult.Ok, f.Pay(Payment(200, 100)));
        Assert.Equal(12_935_00, f.Get(22).BalancePosted);
    }
}
