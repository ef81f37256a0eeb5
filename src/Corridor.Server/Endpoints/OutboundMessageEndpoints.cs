using System.Collections.Concurrent;
using System.Globalization;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Server.Auth;
using Corridor.Server.Http;
using Corridor.Server.ReadModel;
using Corridor.Storage.ReadModel;

namespace Corridor.Server.Endpoints;

/// <summary>
/// ISO 20022 cash-management messages a participant fetches about its own accounts, built from the read model with
/// the shipped builders (schema-valid camt.*.001.08): camt.054 debit/credit notifications since a cursor, camt.053
/// end-of-day statements, camt.052 intraday reports on request. All three report posted bookings only (a pending
/// reservation or its void is never an entry; a PvP credit is its posted leg) and build each entry with
/// <see cref="EntryMapping"/> from the booking and the record of its payment. Same authorisation and freshness rules
/// as <see cref="ReadModelEndpoints"/>.
/// </summary>
public static class OutboundMessageEndpoints
{
    private const string XmlContentType = "application/xml";
    /// <summary>Header carrying the cursor to pass as <c>since</c> for the next camt.054 (the last entry's engine time).</summary>
    public const string NextCursorHeader = "Corridor-Next-Cursor";
    /// <summary>Most entries in one camt.054 or camt.052.</summary>
    public const int MaxEntries = 1000;

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapGet("/v1/iso20022/camt054", Handler.Of(c => Notification(c, gw))).WithTags("iso20022").Produces<string>(200, XmlContentType);
        app.MapGet("/v1/iso20022/camt053/{date}/{accountId}", (HttpContext c, string date, string accountId) => Statement(c, gw, date, accountId))
            .WithTags("iso20022").Produces<string>(200, XmlContentType);
        app.MapGet("/v1/iso20022/pacs002/{paymentId}", (HttpContext c, string paymentId) => StatusReportOf(c, gw, paymentId))
            .WithTags("iso20022").Produces<string>(200, XmlContentType);
        app.MapGet("/v1/iso20022/camt052/{accountId}", (HttpContext c, string accountId) => IntradayReport(c, gw, accountId))
            .WithTags("iso20022").Produces<string>(200, XmlContentType);
    }

    /// <summary>
    /// camt.054: every posted booking debiting or crediting <c>account</c> after the cursor <c>since</c> (engine ns, exclusive;
    /// 0 = from the start), at most <c>limit</c>; the next cursor comes back in <see cref="NextCursorHeader"/>
    /// (equal to <c>since</c> when there was nothing new).
    /// </summary>
    private static async Task<IResult> Notification(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        if (!c.Request.Query.TryGetValue("account", out var accountText)) throw ApiException.BadRequest("request.missing_field", "account (the account id) is required");
        UInt128 accountId = Ids.Parse(accountText.ToString(), "account");
        ulong since = ReadModelEndpoints.Cursor(c, "since");
        int limit = ReadModelEndpoints.Limit(c, MaxEntries);
        ReadModelHost host = await ReadModelEndpoints.FreshAsync(c, gw);
        AccountRow account = ReadModelEndpoints.OwnAccount(host, caller, accountId, accountText.ToString());
        BookingPage page = host.Query(m => m.GetAccountBookings(accountId, 0, ulong.MaxValue, since, limit));
        string currency = await CurrencyAsync(gw, account.Ledger);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string id = Id("CRDR-NTF", accountId, since);
        var report = new AccountReport
        {
            MsgId = id,
            CreDtTm = now,
            ReportId = id,
            ElectronicSequenceNumber = host.ProjectedSequence,
            Account = new CashAccount { OtherId = Ref(accountId), Currency = currency },
            Entries = ValueList.From(page.Bookings.Select(b => EntryOf(b, accountId, currency)).ToList()),
        };
        ulong next = page.Bookings.Count == 0 ? since : page.Bookings[^1].Transfer.TimestampNs;
        c.Response.Headers[NextCursorHeader] = next.ToString(CultureInfo.InvariantCulture);
        return Xml(Iso20022Codec.BuildAccountReport(AccountReportKind.Notification054, report));
    }

    /// <summary>
    /// pacs.002 of one payment as it stands now (any payment kind, however it was instructed): ACSC settled, PDNG waiting (queued,
    /// scheduled, in a netting window, held), RJCT refused with its ISO reason, CANC revoked; the original ISO ids when it came with them.
    /// </summary>
    private static async Task<IResult> StatusReportOf(HttpContext c, NodeGateway gw, string paymentId)
    {
        Caller caller = gw.Authenticate(c);
        var (_, p) = await ReadModelEndpoints.VisiblePaymentAsync(c, gw, caller, paymentId);
        string status = Problems.SnakeCase(p.Status);
        string? reasonCode = null;
        if (PaymentStatusMapping.TransactionStatusOf(status) == PaymentStatusCodes.Rejected)
        {
            UInt128 id = p.PaymentId;
            string? complianceCode = await gw.QueryAsync(e => e.Compliance.TryGetPayment(id, out var pc) ? pc.Decision.Iso20022Reason : null);
            if (p.Kind == PaymentKinds.Pvp)
                reasonCode = StatusReasonMapping.ReasonCodeOf(Enum.TryParse(p.Reason, out Corridor.Core.Exchange.PayResult pay) ? pay : default, complianceCode);
            else
            {
                SettlementResult result = Enum.TryParse(p.Reason, out SettlementResult r) ? r : default;
                reasonCode = result == SettlementResult.RejectedByCompliance && complianceCode is not null ? complianceCode : StatusReasonMapping.ReasonCodeOf(result);
            }
        }
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var standing = new PaymentStanding(status, reasonCode, ReadModelEndpoints.Reason(p), Ref(p.PaymentId),
            p.MsgId, p.InstrId, p.EndToEndId, p.TxId, p.Uetr, TimeOf(p.SubmittedAtNs));
        return Xml(Iso20022Codec.Build(PaymentStatusMapping.ToPacs002(standing, Id("STS", p.PaymentId, (ulong)now.ToUnixTimeMilliseconds()), now)));
    }

    /// <summary>camt.053 of an account's end-of-day statement (the day must have ended: 404 otherwise).</summary>
    private static async Task<IResult> Statement(HttpContext c, NodeGateway gw, string date, string accountId)
    {
        Caller caller = gw.Authenticate(c);
        uint businessDate = BusinessDates.Parse(date, "date");
        UInt128 id = Ids.Parse(accountId, "account_id");
        ReadModelHost host = await ReadModelEndpoints.FreshAsync(c, gw);
        AccountStatement s = host.Query(m => m.GetStatement(id, businessDate))
            ?? throw ApiException.NotFound("settlement.statement_not_found", $"no statement of account {accountId} for {date}");
        NodeGateway.RequireSelfOrOperator(caller, s.Participant);
        IReadOnlyDictionary<UInt128, PaymentRow> payments = host.Query(m => m.GetStatementPayments(id, businessDate));
        string currency = await CurrencyAsync(gw, s.Ledger);
        return Xml(Iso20022Codec.BuildAccountReport(AccountReportKind.Statement053, Camt053(s, currency, DateTimeOffset.UtcNow, payments)));
    }

    /// <summary>
    /// The camt.053 model of a statement: OPBD and CLBD balances, one entry per statement line (statements hold posted
    /// movements only), each with the record of its payment when <paramref name="payments"/> has it.
    /// </summary>
    public static AccountReport Camt053(AccountStatement s, string currency, DateTimeOffset now, IReadOnlyDictionary<UInt128, PaymentRow> payments)
    {
        var day = DateOnly.ParseExact(s.BusinessDate.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
        var entries = new List<Entry>(s.Entries.Count);
        foreach (StatementEntry e in s.Entries)
        {
            PaymentRow? payment = e.PaymentId != 0 && payments.TryGetValue(e.PaymentId, out PaymentRow? p) ? p : null;
            entries.Add(EntryMapping.Entry(Ref(e.TransferId), new Money(currency, e.AmountMinor), e.IsCredit,
                DateOnly.FromDateTime(TimeOf(e.TimestampNs).UtcDateTime), BookedOf(payment)));
        }
        string id = Id("CRDR-STMT", s.AccountId, s.BusinessDate);
        return new AccountReport
        {
            MsgId = id,
            CreDtTm = now,
            ReportId = id,
            FromDateTime = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            ToDateTime = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero),
            Account = new CashAccount { OtherId = Ref(s.AccountId), Currency = currency },
            Balances =
            [
                new Balance { TypeCode = "OPBD", Currency = currency, AmountMinor = s.OpeningBalanceMinor, Date = day },
                new Balance { TypeCode = "CLBD", Currency = currency, AmountMinor = s.ClosingBalanceMinor, Date = day },
            ],
            Entries = ValueList.From(entries),
        };
    }

    /// <summary>
    /// camt.052 on request: the account's interim booked balance (ITBD) as projected, and its entries between
    /// <c>from</c> and <c>to</c> (RFC 3339 or ns; default the current UTC day), at most <c>limit</c>.
    /// </summary>
    private static async Task<IResult> IntradayReport(HttpContext c, NodeGateway gw, string accountText)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 accountId = Ids.Parse(accountText, "account_id");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        ulong dayStart = (ulong)(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero) - DateTimeOffset.UnixEpoch).Ticks * 100;
        ulong from = ReadModelEndpoints.Time(c, "from") ?? dayStart, to = ReadModelEndpoints.Time(c, "to") ?? ulong.MaxValue;
        int limit = ReadModelEndpoints.Limit(c, MaxEntries);
        ReadModelHost host = await ReadModelEndpoints.FreshAsync(c, gw);
        AccountRow account = ReadModelEndpoints.OwnAccount(host, caller, accountId, accountText);
        BookingPage page = host.Query(m => m.GetAccountBookings(accountId, from, to, 0, limit));
        string currency = await CurrencyAsync(gw, account.Ledger);
        string id = Id("CRDR-RPT", accountId, (ulong)host.ProjectedSequence);
        var report = new AccountReport
        {
            MsgId = id,
            CreDtTm = now,
            ReportId = id,
            ElectronicSequenceNumber = host.ProjectedSequence,
            FromDateTime = TimeOf(from),
            ToDateTime = to == ulong.MaxValue ? now : TimeOf(to),
            Account = new CashAccount { OtherId = Ref(accountId), Currency = currency },
            Balances = [new Balance { TypeCode = "ITBD", Currency = currency, AmountMinor = account.BalancePostedMinor, Date = DateOnly.FromDateTime(now.UtcDateTime) }],
            Entries = ValueList.From(page.Bookings.Select(b => EntryOf(b, accountId, currency)).ToList()),
        };
        return Xml(Iso20022Codec.BuildAccountReport(AccountReportKind.IntradayReport052, report));
    }

    private static Entry EntryOf(Booking b, UInt128 accountId, string currency) =>
        EntryMapping.Entry(Ref(b.Transfer.Id), new Money(currency, b.Transfer.AmountMinor), b.Transfer.CreditAccountId == accountId,
            DateOnly.FromDateTime(TimeOf(b.Transfer.TimestampNs).UtcDateTime), BookedOf(b.Payment));

    /// <summary>The read model's record of a payment as the ISO mapping takes it (the payer's side is the debtor's).</summary>
    private static BookedPayment? BookedOf(PaymentRow? p) => p is null ? null : new BookedPayment
    {
        PaymentRef = Ref(p.PaymentId), MsgId = p.MsgId, InstrId = p.InstrId, EndToEndId = p.EndToEndId, TxId = p.TxId, Uetr = p.Uetr,
        DebtorName = p.OriginatorName, DebtorAccount = p.OriginatorAccount, DebtorAgentBic = p.PayerBic,
        CreditorName = p.BeneficiaryName, CreditorAccount = p.BeneficiaryAccount, CreditorAgentBic = p.PayeeBic,
        InvoiceNumber = p.InvoiceNumber, ContractReference = p.ContractReference, LetterOfCreditReference = p.LetterOfCreditReference,
    };

    // The currency of a ledger never changes once registered: asked of the engine once per ledger, then cached.
    private static readonly ConcurrentDictionary<uint, string> s_currencies = new();

    private static async Task<string> CurrencyAsync(NodeGateway gw, uint ledger)
    {
        if (s_currencies.TryGetValue(ledger, out string? cached)) return cached;
        string? code = await gw.QueryAsync(e => e.Settlement.GetLedgerCurrency(ledger));
        if (code is null)
            return new Core.Currencies.CurrencyRegistry().TryGetByLedger(ledger, out Core.Currencies.CurrencyInfo info) ? info.Code : "XXX";
        if (s_currencies.Count < 4096) s_currencies[ledger] = code;
        return code;
    }

    /// <summary>A 128-bit id as ISO text: 0x-hex, at most 34 characters (fits Max34Text/Max35Text; decimal can take 39).</summary>
    public static string Ref(UInt128 id) => Corridor.Iso20022.Mapping.PaymentMapping.ReferenceOf(id);

    private static string Id(string prefix, UInt128 account, ulong at)
    {
        string id = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{at}-{account:X}");
        return id.Length > 35 ? id[..35] : id;
    }

    private static DateTimeOffset TimeOf(ulong ns) => DateTimeOffset.UnixEpoch.AddTicks((long)Math.Min(ns / 100, (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks));

    private static IResult Xml(byte[] body) => Results.Bytes(body, XmlContentType + "; charset=utf-8");
}
