using System.Runtime.InteropServices;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using Corridor.Storage.Journal;
using Corridor.Storage.ReadModel;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>
/// A deterministic payment day as journal batches: a settlement ledger (EUR) with four banks making RTGS
/// payments (some queue for lack of liquidity and settle later), a plain ledger with many transfers, and
/// two end-of-day closes that produce statements. A reference engine applies the same batches.
/// </summary>
internal sealed class Workload
{
    public const uint Eur = 1, Plain = 7;
    public const ulong CentralBank = 1, Operator = 2;
    public static readonly ulong[] Banks = [11, 12, 13, 14];
    public const int PlainAccounts = 50;
    private readonly Random _random;
    private ulong _time = 1_800_000_000_000_000_000;
    private ulong _nextId = 1_000_000;

    public Workload(int seed) => _random = new Random(seed);

    public Engine Reference { get; } = new();
    public List<(long Sequence, ulong TimestampNs, byte[] Body)> Batches { get; } = new();

    public static UInt128 SettlementAccountOf(ulong bank) => 100 + bank;

    /// <summary>Builds <paramref name="paymentBatches"/> batches of payments and transfers per day, for two days.</summary>
    public Workload Build(int paymentBatches)
    {
        Add(
            Cmd(new SetSettlementOptions(SettlementOptions.All)),
            Cmd(new RegisterParticipant(CentralBank, ParticipantRole.CentralBank, "Central Bank")),
            Cmd(new RegisterParticipant(Operator, ParticipantRole.Operator, "Operator")),
            Cmd(new RegisterLedger(Eur, CentralBank, 1, 2, "EUR")));
        foreach (ulong bank in Banks)
            Add(Cmd(new RegisterParticipant(bank, ParticipantRole.DirectParticipant, "Bank " + bank)), Cmd(new OpenSettlementAccount(bank, Eur, SettlementAccountOf(bank))));
        var plain = new Account[PlainAccounts];
        for (int i = 0; i < plain.Length; i++) plain[i] = new Account { Id = (UInt128)(10_000 + i), Ledger = Plain, Code = 1, Participant = 500 };
        Add(CommandBatch.Encode<Account>(Operation.CreateAccounts, plain));
        AddPvpPayments();
        foreach (uint day in (uint[])[20260102, 20260105])
        {
            Add(Cmd(new OpenBusinessDay(day)));
            foreach (ulong bank in Banks) Add(Cmd(new MoveLiquidity(_nextId++, bank, Eur, 50_000, LiquidityDirection.Inject)));
            for (int b = 0; b < paymentBatches; b++)
            {
                var commands = new List<byte[]>();
                for (int p = 0; p < 5; p++)
                {
                    ulong payer = Banks[_random.Next(Banks.Length)], payee = Banks[_random.Next(Banks.Length)];
                    if (payer == payee) continue;
                    commands.Add(Cmd(new SubmitPayment(_nextId++, payer, payee, Eur, _random.Next(1, 40_000), PaymentPriority.Normal, PaymentKind.Interbank, 0, 0, 0))); // op 108 carries no party data: interbank (customer payments need travel-rule data)
                }
                var transfers = new Transfer[_random.Next(1, 200)];
                for (int t = 0; t < transfers.Length; t++)
                {
                    int debit = _random.Next(PlainAccounts), credit = (debit + 1 + _random.Next(PlainAccounts - 1)) % PlainAccounts;
                    transfers[t] = new Transfer
                    {
                        Id = _nextId++, DebitAccountId = (UInt128)(10_000 + debit), CreditAccountId = (UInt128)(10_000 + credit),
                        Amount = _random.Next(1, 1_000), Ledger = Plain, Code = 1,
                    };
                }
                commands.Add(CommandBatch.Encode<Transfer>(Operation.CreateTransfers, transfers));
                Add(commands.ToArray());
            }
            Add(Cmd(new ChangeDayPhase(DayPhase.CustomerCutoff)));
            Add(Cmd(new ChangeDayPhase(DayPhase.InterbankCutoff)));
            Add(Cmd(new ChangeDayPhase(DayPhase.EndOfDay)));
        }
        return this;
    }

    private static byte[] Cmd<T>(T item) where T : ISettlementCommand<T> => SettlementCodec.EncodeCommand(item);

    public const uint Usd = 840, Kes = 404;
    public const ulong PvpPayer = 601, PvpProvider = 603;
    public const int PvpPayments = 3;

    /// <summary>Ids of the PvP payments: payment 80_000 + i against lock 81_000 + i, invoice INV-i, LC LC/i.</summary>
    public static UInt128 PvpPaymentId(int i) => (UInt128)(80_000 + i);
    public static UInt128 PvpLockId(int i) => (UInt128)(81_000 + i);

    /// <summary>A PvP payment from a cross-currency pacs.008 (PayAtBestQuote) with its ISO 20022 ids, to participant 602.</summary>
    public static readonly UInt128 BestQuotePaymentId = 80_100;
    public const ulong PvpPayee = 602;
    public static readonly PaymentReferences BestQuoteIds = new("MSG-2026-0001", "INS-0001", "E2E-TEA-0001", "TX-0001", "3f2b8c1e-4d5a-4b6c-9e7f-8a9b0c1d2e3f");

    /// <summary>USD → KES payments against locked quotes, each with parties and trade references (docs/exchange.md).</summary>
    private void AddPvpPayments()
    {
        static Account New(UInt128 id, uint ledger, ulong participant, AccountFlags flags = AccountFlags.DebitsMustNotExceedCredits) =>
            new() { Id = id, Ledger = ledger, Code = 1, Flags = flags, Participant = participant };
        Add(CommandBatch.Encode<Account>(Operation.CreateAccounts,
            [New(70_011, Usd, PvpPayer), New(70_022, Kes, PvpPayee), New(70_031, Usd, PvpProvider), New(70_032, Kes, PvpProvider),
             New(71_840, Usd, 0, AccountFlags.None), New(71_404, Kes, 0, AccountFlags.None)]));
        Add(CommandBatch.Encode<Transfer>(Operation.CreateTransfers,
            [new Transfer { Id = _nextId++, DebitAccountId = 71_840, CreditAccountId = 70_011, Amount = 1_000_000_00, Ledger = Usd, Code = 1 },
             new Transfer { Id = _nextId++, DebitAccountId = 71_404, CreditAccountId = 70_032, Amount = 50_000_000_00, Ledger = Kes, Code = 1 }]));
        for (int i = 0; i < PvpPayments; i++)
        {
            ulong now = _time + 1_000_000_000; // the time Add gives the batch below
            UInt128 quote = (UInt128)(82_000 + i);
            Add(
                ExchangeCommands.Encode(Operation.PublishQuote,
                    new PublishQuote(quote, PvpProvider, "USD", "KES", new FxRate(12935, 100), 100, 10_000_00, now, now + 60_000_000_000, 70_031, 70_032, 60)),
                ExchangeCommands.Encode(Operation.LockQuote, new LockQuote(PvpLockId(i), quote, PvpPayer, 70_011, 70_022, 100_00 * (i + 1), AmountSide.Source, 30)),
                ExchangeCommands.Encode(Operation.PayAgainstLock, new PayAgainstLock(PvpPaymentId(i), PvpLockId(i), PvpPayer, Originator, Beneficiary,
                    new TradeReference($"INV-{i}", 20261101, "CTR-88-2026", $"LC/{i}", "Tea, black, fermented", "090240", Incoterms.Cif, "Mombasa"))));
        }
        Add(ExchangeCommands.Encode(Operation.PayAtBestQuote, new PayAtBestQuote(BestQuotePaymentId, PvpPayer, 70_011, 70_022, "USD", "KES", 129_35_00,
            AmountSide.Destination, 1_293_500_000_000, 1_000, Originator, Beneficiary,
            new TradeReference("INV-BQ", 20261101, "", "", "", "", Incoterms.None, ""), BestQuoteIds)));
    }

    public static readonly UInt128 HeldPvpPaymentId = 80_200;

    /// <summary>
    /// A watch list naming the beneficiary, then a PvP payment to that beneficiary: held for the compliance officer (both legs
    /// wait). Call after <see cref="Build"/>; <see cref="ReleaseHeldPvpPayment"/> releases it in a batch of its own.
    /// </summary>
    public Workload AddHeldPvpPayment()
    {
        const ulong officer = 900;
        ulong now = _time + 1_000_000_000;
        Add(ExchangeCommands.Encode(Operation.LoadWatchList, new LoadWatchList(officer, "ofac-sdn", WatchListFormat.Csv, "2026-11-23",
            "id,kind,name,aliases,countries,dates_of_birth,program\nKE-1,organisation,Kericho Highlands Tea Estates Ltd,,KE,,TEST\n")));
        Add(
            ExchangeCommands.Encode(Operation.PublishQuote,
                new PublishQuote(82_200, PvpProvider, "USD", "KES", new FxRate(12935, 100), 100, 10_000_00, now, now + 60_000_000_000, 70_031, 70_032, 60)),
            ExchangeCommands.Encode(Operation.LockQuote, new LockQuote(81_200, 82_200, PvpPayer, 70_011, 70_022, 50_00, AmountSide.Source, 30)),
            ExchangeCommands.Encode(Operation.PayAgainstLock, new PayAgainstLock(HeldPvpPaymentId, 81_200, PvpPayer, Originator, Beneficiary,
                new TradeReference("INV-HELD", 20261101, "CTR-88-2026", "LC/HELD", "Tea, black, fermented", "090240", Incoterms.Cif, "Mombasa"))));
        return this;
    }

    /// <summary>Releases the payment <see cref="AddHeldPvpPayment"/> held (another officer than the one who loaded the list).</summary>
    public Workload ReleaseHeldPvpPayment()
    {
        Add(ExchangeCommands.Encode(Operation.ReleaseHold, new HoldDecision(HeldPvpPaymentId, 901, "false positive: a different estate")));
        return this;
    }

    private static readonly Party Originator = new(
        "Thames Tea Importers Ltd", "King William Street", "12", "EC4N 7AA", "London", "", "GB", "GB29NWBK60161331926819",
        PartyIdScheme.Lei, MakeLei("213800ABCDEFGHIJKL"));

    private static readonly Party Beneficiary = new(
        "Kericho Highlands Tea Estates Ltd", "Moi Highway", "", "20200", "Kericho", "Kericho County", "KE", "0100123456789",
        PartyIdScheme.Bic, "KCBLKENX");

    private static string MakeLei(string prefix)
    {
        int remainder = 0;
        foreach (char c in prefix + "00")
            remainder = char.IsAsciiDigit(c) ? (remainder * 10 + (c - '0')) % 97 : (remainder * 100 + (c - 'A' + 10)) % 97;
        return prefix + (98 - remainder).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Add(params byte[][] commands)
    {
        int total = 0;
        foreach (byte[] c in commands) total += c.Length;
        var body = new byte[total];
        int at = 0;
        foreach (byte[] c in commands) { c.CopyTo(body, at); at += c.Length; }
        _time += 1_000_000_000;
        long sequence = Batches.Count + 1;
        Reference.Apply(sequence, _time, body, null);
        Batches.Add((sequence, _time, body));
    }

    public void AppendTo(IJournal journal, long upToSequence = long.MaxValue)
    {
        foreach ((long s, ulong t, byte[] body) in Batches)
            if (s > journal.LastSequence && s <= upToSequence) journal.Append(s, t, body);
    }

    private static string? Null(string text) => text.Length == 0 ? null : text;

    /// <summary>
    /// An account's bookings as reports give them: the engine's transfers of the account that moved posted balances
    /// (no pending reservation, no void), each with the payment named by an engine payment transfer.
    /// </summary>
    public static void AssertBookings(Engine engine, IReadModel model, UInt128 accountId)
    {
        var expected = engine.Ledger.GetAccountTransfers(accountId, 0, int.MaxValue)
            .Where(t => (t.Flags & (TransferFlags.Pending | TransferFlags.VoidPendingTransfer)) == 0).ToList();
        var actual = new List<Booking>();
        ulong after = 0;
        while (true)
        {
            BookingPage page = model.GetAccountBookings(accountId, 0, ulong.MaxValue, after, 29);
            actual.AddRange(page.Bookings);
            if (page.NextAfterTimestampNs is not { } next) break;
            after = next;
        }
        Assert.Equal(expected.Select(t => (t.Id, t.Amount)), actual.Select(b => (b.Transfer.Id, b.Transfer.AmountMinor)));
        for (int i = 0; i < expected.Count; i++)
        {
            Transfer t = expected[i];
            bool paymentTransfer = t.Code is SettlementTransferCode.Payment or SettlementTransferCode.PaymentLeg
                or ExchangeTransfers.PayerLegCode or ExchangeTransfers.ReservationCode;
            UInt128? expectedPayment = paymentTransfer && model.FindPayment(t.UserData128) is { } p && p.PaymentId == t.UserData128 ? t.UserData128 : null;
            Assert.Equal(expectedPayment, actual[i].Payment?.PaymentId);
        }
    }

    /// <summary>The read model holds exactly the engine's accounts, transfers, payments and statements.</summary>
    public static void AssertConsistent(Engine engine, IReadModel model)
    {
        Assert.Equal(engine.Sequence, model.ProjectedSequence);
        int accounts = 0;
        foreach (Account a in engine.Ledger.Accounts())
        {
            AccountRow row = model.GetAccount(a.Id) ?? throw new Xunit.Sdk.XunitException($"account {a.Id} missing");
            Assert.Equal((a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, a.Ledger, a.Participant),
                (row.DebitsPendingMinor, row.DebitsPostedMinor, row.CreditsPendingMinor, row.CreditsPostedMinor, row.Ledger, row.Participant));
            accounts++;
            // Every transfer of the account, page by page (keyset on timestamp), equals the engine's list.
            List<Transfer> expected = engine.Ledger.GetAccountTransfers(a.Id, 0, int.MaxValue);
            var actual = new List<TransferRow>();
            ulong after = 0;
            while (true)
            {
                TransferPage page = model.GetAccountTransfers(a.Id, 0, ulong.MaxValue, after, 37);
                actual.AddRange(page.Transfers);
                if (page.NextAfterTimestampNs is not { } next) break;
                after = next;
            }
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Id, actual[i].Id);
                Assert.Equal(expected[i].Amount, actual[i].AmountMinor);
                Assert.Equal(expected[i].Timestamp, actual[i].TimestampNs);
            }
            AssertBookings(engine, model, a.Id);
        }
        Assert.Equal(engine.Ledger.AccountCount, accounts);
        Assert.Equal(engine.Ledger.AccountCount, model.GetAccounts(0, SqlReadModel.MaxPageRows).Count);
        for (int i = 0; i < engine.Settlement.PaymentCount; i++)
        {
            PaymentInfo p = engine.Settlement.GetPaymentAt(i);
            PaymentRow row = model.FindPayment(p.Id) ?? throw new Xunit.Sdk.XunitException($"payment {p.Id} missing");
            Assert.Equal((p.Status.ToString(), p.Payer, p.Payee, p.AmountMinor, p.FinalAtNs), (row.Status, row.Payer, row.Payee, row.AmountMinor, row.FinalAtNs));
        }
        foreach (PaymentRecord p in engine.Exchange.Payments)
        {
            PaymentRow row = model.FindPayment(p.PaymentId) ?? throw new Xunit.Sdk.XunitException($"PvP payment {p.PaymentId} missing");
            Assert.Equal((PaymentKinds.Pvp, p.Status.ToString(), p.SourceMinor, p.DestinationMinor, p.Request.Trade.InvoiceNumber, p.Request.Trade.LetterOfCreditReference),
                (row.Kind, row.Status, row.AmountMinor, row.DestinationAmountMinor, row.InvoiceNumber, row.LetterOfCreditReference));
            // The same record as a settlement payment: both participants, both parties' accounts, the message's ids.
            Assert.True(engine.Exchange.TryGetLock(p.LockId, out LockRecord l));
            Assert.True(engine.Ledger.TryGetAccount(l.Request.PayeeAccount, out Account payee));
            Assert.Equal((p.Request.Payer, payee.Participant), (row.Payer, row.Payee));
            Assert.Equal((p.Request.Originator.Account, p.Request.Beneficiary.Account), (row.OriginatorAccount, row.BeneficiaryAccount));
            PaymentReferences ids = p.References;
            Assert.Equal((Null(ids.MessageId), Null(ids.InstructionId), Null(ids.EndToEndId), Null(ids.TransactionId), Null(ids.Uetr)),
                (row.MsgId, row.InstrId, row.EndToEndId, row.TxId, row.Uetr));
            Assert.Equal(p.PaymentId, model.FindPayment(p.LockId)!.PaymentId);
            if (p.SourceLegTransferId != 0) Assert.Equal(p.PaymentId, model.FindPayment(p.SourceLegTransferId)!.PaymentId);
            if (p.DestinationLegTransferId != 0) Assert.Equal(p.PaymentId, model.FindPayment(p.DestinationLegTransferId)!.PaymentId);
        }
        for (int i = 0; i < engine.Settlement.StatementCount; i++)
        {
            AccountStatement s = engine.Settlement.GetStatementAt(i);
            AccountStatement row = model.GetStatement(s.AccountId, s.BusinessDate) ?? throw new Xunit.Sdk.XunitException($"statement {s.AccountId}/{s.BusinessDate} missing");
            Assert.Equal((s.OpeningBalanceMinor, s.ClosingBalanceMinor, s.Participant, s.Ledger, s.Truncated),
                (row.OpeningBalanceMinor, row.ClosingBalanceMinor, row.Participant, row.Ledger, row.Truncated));
            Assert.Equal(s.Entries, row.Entries);
        }
    }
}

/// <summary>Fails the Nth write before it reaches the store: a projector crashing before its transaction committed.</summary>
internal sealed class FailingReadModel(IReadModel inner, int failOnWrite) : IReadModel
{
    private int _writes;
    public long ProjectedSequence => inner.ProjectedSequence;
    public void Write(ReadModelBatch batch)
    {
        if (++_writes == failOnWrite) throw new IOException("simulated crash before commit");
        inner.Write(batch);
    }
    public AccountRow? GetAccount(UInt128 accountId) => inner.GetAccount(accountId);
    public IReadOnlyList<AccountRow> GetAccounts(UInt128 afterId, int limit) => inner.GetAccounts(afterId, limit);
    public TransferPage GetAccountTransfers(UInt128 accountId, ulong fromNs, ulong toNs, ulong afterTimestampNs, int limit) =>
        inner.GetAccountTransfers(accountId, fromNs, toNs, afterTimestampNs, limit);
    public BookingPage GetAccountBookings(UInt128 accountId, ulong fromNs, ulong toNs, ulong afterTimestampNs, int limit) =>
        inner.GetAccountBookings(accountId, fromNs, toNs, afterTimestampNs, limit);
    public IReadOnlyDictionary<UInt128, PaymentRow> GetStatementPayments(UInt128 accountId, uint businessDate) => inner.GetStatementPayments(accountId, businessDate);
    public PaymentRow? FindPayment(UInt128 anyId) => inner.FindPayment(anyId);
    public IReadOnlyList<PaymentRow> FindPaymentsByTradeReference(string reference, int limit) => inner.FindPaymentsByTradeReference(reference, limit);
    public AccountStatement? GetStatement(UInt128 accountId, uint businessDate) => inner.GetStatement(accountId, businessDate);
    public void Dispose() => inner.Dispose();
}
