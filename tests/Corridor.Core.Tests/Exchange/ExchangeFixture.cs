using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// A USD → KES corridor on a real <see cref="Engine"/>, driven by journaled-style batches as the node does.
/// Participants: 1 payer bank (USD account 11), 2 payee bank (KES account 22), 3 FX provider (USD 31, KES 32),
/// 4 second provider (USD 41, KES 42). Funding sources 1840 (USD) and 1404 (KES) are unconstrained.
/// </summary>
internal sealed class ExchangeFixture
{
    public const uint Usd = 840, Kes = 404;
    public const ulong Payer = 1, Payee = 2, Provider = 3, Provider2 = 4;
    public const ulong Second = 1_000_000_000;

    public Engine.Engine Engine { get; private set; } = new();
    public ulong Now { get; set; } = 1_800_000_000_000_000_000;
    public List<byte[]> Batches { get; } = new();
    public List<ulong> Times { get; } = new();
    private ulong _nextId = 10_000;

    public LedgerState L => Engine.Ledger;
    public ExchangeState X => Engine.Exchange;

    public UInt128 NextId() => ++_nextId;

    public static Account NewAccount(UInt128 id, uint ledger, ulong participant, AccountFlags flags = AccountFlags.DebitsMustNotExceedCredits) =>
        new() { Id = id, Ledger = ledger, Code = 1, Flags = flags, Participant = participant };

    public ExchangeFixture(long payerUsd = 1_000_000_00, long providerKes = 50_000_000_00, long provider2Kes = 50_000_000_00)
    {
        CreateAccounts(
            NewAccount(11, Usd, Payer), NewAccount(22, Kes, Payee),
            NewAccount(31, Usd, Provider), NewAccount(32, Kes, Provider),
            NewAccount(41, Usd, Provider2), NewAccount(42, Kes, Provider2),
            NewAccount(1840, Usd, 0, AccountFlags.None), NewAccount(1404, Kes, 0, AccountFlags.None));
        if (payerUsd > 0) Fund(1840, 11, payerUsd, Usd);
        if (providerKes > 0) Fund(1404, 32, providerKes, Kes);
        if (provider2Kes > 0) Fund(1404, 42, provider2Kes, Kes);
    }

    public ItemResult[] Apply(byte[] body)
    {
        var replies = new List<CommandReply>();
        Batches.Add(body);
        Times.Add(Now);
        Engine.Apply(Engine.Sequence + 1, Now, body, replies);
        Now += 1_000_000; // 1 ms per batch
        return replies.Count == 0 ? [] : replies[0].Errors;
    }

    public TResult[] Run<T, TResult>(Operation op, params T[] items) where T : IExchangeItem<T> where TResult : struct, Enum
    {
        ItemResult[] errors = Apply(ExchangeCommands.Encode<T>(op, items));
        var results = new TResult[items.Length];
        foreach (ItemResult e in errors) results[e.Index] = (TResult)Enum.ToObject(typeof(TResult), e.Code);
        return results;
    }

    public void CreateAccounts(params Account[] accounts)
    {
        ItemResult[] errors = Apply(CommandBatch.Encode<Account>(Operation.CreateAccounts, accounts));
        Assert.Empty(errors);
    }

    public CreateTransferResult Transfer(Transfer t)
    {
        ItemResult[] errors = Apply(CommandBatch.Encode<Transfer>(Operation.CreateTransfers, [t]));
        return errors.Length == 0 ? CreateTransferResult.Ok : (CreateTransferResult)errors[0].Code;
    }

    public void Fund(UInt128 from, UInt128 to, long amount, uint ledger) =>
        Assert.Equal(CreateTransferResult.Ok, Transfer(new Transfer { Id = NextId(), DebitAccountId = from, CreditAccountId = to, Amount = amount, Ledger = ledger, Code = 1 }));

    public Account Get(UInt128 id)
    {
        Assert.True(L.TryGetAccount(id, out Account a), $"account {id} missing");
        return a;
    }

    // ── commands ──

    /// <summary>USD→KES at 129.35 by default (1 USD buys 129.35 KES), sizes 1..10,000 USD, valid for 60 s from now.</summary>
    public PublishQuote Quote(UInt128 id, ulong provider = Provider, FxRate? rate = null, long min = 100, long max = 10_000_00, ulong validSeconds = 60, uint maxLockSeconds = 60) =>
        new(id, provider, "USD", "KES", rate ?? new FxRate(12935, 100), min, max, Now, Now + validSeconds * Second,
            provider == Provider ? 31u : 41u, provider == Provider ? 32u : 42u, maxLockSeconds);

    public QuoteResult Publish(PublishQuote q) => Run<PublishQuote, QuoteResult>(Operation.PublishQuote, q)[0];

    public LockQuote LockRequest(UInt128 lockId, UInt128 quoteId, long amount, AmountSide side = AmountSide.Source, uint seconds = 30) =>
        new(lockId, quoteId, Payer, 11, 22, amount, side, seconds);

    public LockResult Lock(LockQuote l) => Run<LockQuote, LockResult>(Operation.LockQuote, l)[0];

    public PayResult Pay(PayAgainstLock p) => Run<PayAgainstLock, PayResult>(Operation.PayAgainstLock, p)[0];

    public LockResult Release(UInt128 lockId, ulong payer = Payer) => Run<ReleaseLock, LockResult>(Operation.ReleaseLock, new ReleaseLock(lockId, payer))[0];

    public static PayAgainstLock Payment(UInt128 paymentId, UInt128 lockId, string invoice = "INV-2026-0042", string lc = "LC/UK/778812") =>
        new(paymentId, lockId, Payer, Originator, Beneficiary,
            new TradeReference(invoice, 20261101, "CTR-88-2026", lc, "Tea, black, fermented, in packages > 3 kg", "090240", Incoterms.Cif, "Mombasa"));

    public static readonly Party Originator = new(
        "Thames Tea Importers Ltd", "King William Street", "12", "EC4N 7AA", "London", "", "GB", "GB29NWBK60161331926819",
        PartyIdScheme.Lei, MakeLei("213800ABCDEFGHIJKL"));

    public static readonly Party Beneficiary = new(
        "Kericho Highlands Tea Estates  Ltd ", "Moi Highway", "", "20200", "Kericho", "Kericho County", "KE", "0100123456789",
        PartyIdScheme.Bic, "KCBLKENX");

    /// <summary>Appends ISO 7064 MOD 97-10 check digits to an 18-character LEI prefix.</summary>
    public static string MakeLei(string prefix)
    {
        int remainder = 0;
        foreach (char c in prefix + "00")
            remainder = char.IsAsciiDigit(c) ? (remainder * 10 + (c - '0')) % 97 : (remainder * 100 + (c - 'A' + 10)) % 97;
        return prefix + (98 - remainder).ToString("00");
    }

    // ── checks ──

    /// <summary>Per ledger: Σ debits == Σ credits (posted and pending), so value is neither created nor destroyed.</summary>
    public void AssertConservation()
    {
        var sums = new Dictionary<uint, (Int128 Dp, Int128 Cp, Int128 Dpe, Int128 Cpe)>();
        foreach (Account a in L.Accounts())
        {
            var s = sums.GetValueOrDefault(a.Ledger);
            sums[a.Ledger] = (s.Dp + a.DebitsPosted, s.Cp + a.CreditsPosted, s.Dpe + a.DebitsPending, s.Cpe + a.CreditsPending);
            if ((a.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0)
                Assert.True(a.DebitsPosted + a.DebitsPending <= a.CreditsPosted, $"account {a.Id} overdrawn");
        }
        foreach (var (ledger, s) in sums)
        {
            Assert.True(s.Dp == s.Cp, $"ledger {ledger}: posted debits {s.Dp} != credits {s.Cp}");
            Assert.True(s.Dpe == s.Cpe, $"ledger {ledger}: pending debits {s.Dpe} != credits {s.Cpe}");
        }
    }

    public string ReplayHash()
    {
        var fresh = new Engine.Engine();
        for (int i = 0; i < Batches.Count; i++) fresh.Apply(i + 1, Times[i], Batches[i], null);
        return fresh.StateHashHex();
    }
}
