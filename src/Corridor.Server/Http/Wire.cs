using Corridor.Client;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;

namespace Corridor.Server.Http;

/// <summary>Conversions between wire contracts and engine records; every check on input throws a 400 problem.</summary>
public static class Wire
{
    /// <summary>Largest amount accepted at the rim (the engine bounds settlement amounts the same way).</summary>
    public const long MaxAmountMinor = long.MaxValue;

    private static readonly (string Name, AccountFlags Flag)[] AccountFlagNames =
    [
        ("linked", AccountFlags.Linked), ("debits_must_not_exceed_credits", AccountFlags.DebitsMustNotExceedCredits),
        ("credits_must_not_exceed_debits", AccountFlags.CreditsMustNotExceedDebits), ("history", AccountFlags.History), ("closed", AccountFlags.Closed),
    ];

    private static readonly (string Name, TransferFlags Flag)[] TransferFlagNames =
    [
        ("linked", TransferFlags.Linked), ("pending", TransferFlags.Pending), ("post_pending_transfer", TransferFlags.PostPendingTransfer),
        ("void_pending_transfer", TransferFlags.VoidPendingTransfer), ("balancing_debit", TransferFlags.BalancingDebit), ("balancing_credit", TransferFlags.BalancingCredit),
    ];

    private static readonly string[] NoFlags = [];

    public static Account ToAccount(CreateAccountRequest r, ulong participant)
    {
        AccountFlags flags = 0;
        if (r.Flags is not null)
        {
            foreach (string f in r.Flags) flags |= Lookup(AccountFlagNames, f, "flags");
        }
        return new Account
        {
            Id = Ids.Parse(r.Id, "id"),
            Ledger = r.Ledger,
            Code = r.Code,
            Participant = participant,
            Flags = flags,
            UserData128 = Ids.ParseOptional(r.UserData128, "user_data_128"),
            UserData64 = r.UserData64,
            UserData32 = r.UserData32,
        };
    }

    public static Transfer ToTransfer(CreateTransferRequest r, string prefix = "")
    {
        TransferFlags flags = 0;
        if (r.Flags is not null)
        {
            foreach (string f in r.Flags) flags |= Lookup(TransferFlagNames, f, prefix + "flags");
        }
        if (r.Amount < 0) throw ApiException.BadRequest("request.invalid_amount", $"{prefix}amount must not be negative");
        return new Transfer
        {
            Id = Ids.Parse(r.Id, prefix + "id"),
            DebitAccountId = Ids.Parse(r.DebitAccountId, prefix + "debit_account_id"),
            CreditAccountId = Ids.Parse(r.CreditAccountId, prefix + "credit_account_id"),
            PendingId = Ids.ParseOptional(r.PendingId, prefix + "pending_id"),
            Amount = r.Amount,
            Ledger = r.Ledger,
            Code = r.Code,
            Flags = flags,
            TimeoutSeconds = r.TimeoutSeconds,
            UserData128 = Ids.ParseOptional(r.UserData128, prefix + "user_data_128"),
            UserData64 = r.UserData64,
            UserData32 = r.UserData32,
        };
    }

    public static long Amount(long value, string field, bool allowZero = false, long max = MaxAmountMinor)
    {
        if (value < 0 || (!allowZero && value == 0)) throw ApiException.BadRequest("request.invalid_amount", $"{field} must be {(allowZero ? "0 or more" : "positive")}");
        if (value > max) throw ApiException.BadRequest("request.invalid_amount", $"{field} must be at most {max} minor units");
        return value;
    }

    private static TFlag Lookup<TFlag>((string Name, TFlag Flag)[] table, string name, string field)
    {
        foreach (var (n, f) in table) if (n == name) return f;
        throw ApiException.BadRequest("request.invalid_value", $"{field}: unknown flag \"{Clip(name)}\"");
    }

    public static TEnum ParseEnum<TEnum>(string value, string field, params ReadOnlySpan<(string Name, TEnum Value)> table)
    {
        foreach (var (n, v) in table) if (n == value) return v;
        var names = new string[table.Length];
        for (int i = 0; i < table.Length; i++) names[i] = table[i].Name;
        throw ApiException.BadRequest("request.invalid_value", $"{field}: \"{Clip(value)}\" is not one of {string.Join(", ", names)}");
    }

    public static PaymentPriority Priority(string value, string field = "priority") =>
        ParseEnum(value, field, ("urgent", PaymentPriority.Urgent), ("high", PaymentPriority.High), ("normal", PaymentPriority.Normal));

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;

    /// <summary>
    /// A payment's ISO 20022 ids as every JSON path takes them: MsgId, InstrId, EndToEndId and TxId are Max35Text without
    /// control characters, the UETR a UUID (kept in lower case); none given is <see cref="PaymentReferences.None"/>.
    /// </summary>
    public static PaymentReferences References(PaymentReferencesDto? r, string field = "references")
    {
        if (r is null) return PaymentReferences.None;
        // The field's name is spelled out only for a refusal (this runs for every payment).
        static string Id(string? value, string field, string name)
        {
            value ??= "";
            if (value.Length > PaymentReferences.MaxIdChars || HasControl(value))
                throw ApiException.BadRequest("request.invalid_value", $"{field}.{name} must be at most {PaymentReferences.MaxIdChars} characters without control characters");
            return value;
        }
        static bool HasControl(string value)
        {
            foreach (char c in value) if (char.IsControl(c)) return true;
            return false;
        }
        string uetr = r.Uetr ?? "";
        if (uetr.Length != 0 && (uetr.Length != 36 || !Guid.TryParseExact(uetr, "D", out _)))
            throw ApiException.BadRequest("request.invalid_value", $"{field}.uetr must be a UUID (xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx)");
        return new PaymentReferences(Id(r.MsgId, field, "msg_id"), Id(r.InstrId, field, "instr_id"), Id(r.EndToEndId, field, "end_to_end_id"),
            Id(r.TxId, field, "tx_id"), uetr.ToLowerInvariant());
    }

    /// <summary>An enum value's snake_case name (e.g. a payment's status in every answer), made once per value and kept.</summary>
    public static string Snake<TEnum>(TEnum value) where TEnum : struct, Enum =>
        SnakeNames<TEnum>.Names.GetOrAdd(value, static v => Problems.SnakeCase(v.ToString()));

    private static class SnakeNames<TEnum> where TEnum : struct, Enum
    {
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<TEnum, string> Names = new();
    }

    public static AccountDto ToDto(in Account a)
    {
        var flags = new List<string>(2);
        foreach (var (n, f) in AccountFlagNames) if ((a.Flags & f) != 0) flags.Add(n);
        return new AccountDto(Ids.Format(a.Id), a.Ledger, a.Code, a.Participant, flags.Count == 0 ? NoFlags : flags.ToArray(),
            a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, Ids.Format(a.UserData128), a.UserData64, a.UserData32, a.Timestamp);
    }

    public static TransferDto ToDto(in Transfer t, PendingStatus status)
    {
        string[] flags = NoFlags;
        if (t.Flags != 0)
        {
            var list = new List<string>(2);
            foreach (var (n, f) in TransferFlagNames) if ((t.Flags & f) != 0) list.Add(n);
            flags = list.ToArray();
        }
        return new TransferDto(Ids.Format(t.Id), Ids.Format(t.DebitAccountId), Ids.Format(t.CreditAccountId), t.Amount, Ids.Format(t.PendingId),
            t.Ledger, t.Code, flags, t.TimeoutSeconds, Ids.Format(t.UserData128), t.UserData64, t.UserData32, t.Timestamp, Snake(status));
    }

    public static SettlementAccountDto ToDto(SettlementAccountInfo a) =>
        new(a.Participant, a.Ledger, Ids.Format(a.AccountId), a.BalanceMinor, a.CreditLineMinor, a.UrgentReserveMinor, a.HighReserveMinor,
            a.MultilateralLimitMinor, a.QueuedCount, a.QueuedMinor, a.NetSentTodayMinor, a.OvernightCreditMinor);

    public static ParticipantDto ToDto(ParticipantInfo p) =>
        new(p.Id, RoleName(p.Role), Snake(p.Status), p.Name, p.RegisteredAtNs, p.Accounts.Select(ToDto).ToArray(), p.Bic.Length == 0 ? null : p.Bic);

    /// <summary>An ISO 9362 BIC (the rule: Core's <see cref="Corridor.Core.Compliance.Identifiers.CheckBic"/>), else 400 <c>request.invalid_bic</c> naming the wrong part.</summary>
    public static string Bic(string bic, string field)
    {
        string why = Corridor.Core.Compliance.Identifiers.CheckBic(bic) switch
        {
            Corridor.Core.Compliance.BicFinding.Ok => "",
            Corridor.Core.Compliance.BicFinding.Length => $"has {bic.Length} characters; a BIC has 8 or 11",
            Corridor.Core.Compliance.BicFinding.PartyPrefix => "characters 1-4 (party prefix) must be upper-case letters or digits",
            Corridor.Core.Compliance.BicFinding.CountryNotLetters => "characters 5-6 (country) must be upper-case letters",
            Corridor.Core.Compliance.BicFinding.CountryNotAssigned => $"characters 5-6 (\"{bic.Substring(4, 2)}\") are not an ISO 3166 country code",
            Corridor.Core.Compliance.BicFinding.Location => "characters 7-8 (location) must be upper-case letters or digits",
            _ => "characters 9-11 (branch) must be upper-case letters or digits",
        };
        if (why.Length != 0) throw ApiException.BadRequest("request.invalid_bic", $"{field}: \"{Clip(bic)}\" is not an ISO 9362 BIC: {why}");
        return bic;
    }

    public static string RoleName(ParticipantRole role) => role switch
    {
        ParticipantRole.DirectParticipant => "direct",
        ParticipantRole.CentralBank => "central-bank",
        _ => "operator",
    };

    public static PaymentDto ToDto(PaymentInfo p) => ToDto(p, null);

    /// <summary>The payment with its party data, references and (when screened) its compliance record.</summary>
    public static PaymentDto ToDto(PaymentInfo p, Corridor.Core.Compliance.PaymentCompliance? compliance) =>
        WithDetails(new(Ids.Format(p.Id), p.Payer, p.Payee, p.Ledger, p.AmountMinor, Snake(p.Priority), Snake(p.Kind), p.EarliestNs, p.LatestNs, p.WindowId,
            Snake(p.Status), p.Reason == SettlementResult.Ok ? null : "settlement." + Snake(p.Reason), p.SubmittedAtNs, p.FinalAtNs, BusinessDates.ToDate(p.BusinessDate)),
            p.Details, compliance);

    /// <summary>A payment with its party data, references and (when screened) its compliance record.</summary>
    public static PaymentDto WithDetails(PaymentDto dto, Corridor.Core.Settlement.PaymentDetails? d, Corridor.Core.Compliance.PaymentCompliance? compliance)
    {
        PaymentReferencesDto? references = d is null || d.References.IsEmpty ? null
            : new PaymentReferencesDto(d.References.MessageId, d.References.InstructionId, d.References.EndToEndId, d.References.TransactionId, d.References.Uetr);
        return dto with
        {
            Originator = d?.Originator is null ? null : Endpoints.PartyBirths.With(Endpoints.ExchangeEndpoints.ToDto(d.Originator), d.OriginatorBirth),
            Beneficiary = d?.Beneficiary is null ? null : Endpoints.ExchangeEndpoints.ToDto(d.Beneficiary),
            TradeReference = d?.Trade is null ? null : Endpoints.ExchangeEndpoints.ToDto(d.Trade),
            References = references,
            Compliance = compliance is null ? null : Endpoints.ComplianceEndpoints.ToDto(compliance),
        };
    }

    public static WindowDto ToDto(WindowInfo w) =>
        new(w.WindowId, w.Ledger, w.Name, Snake(w.Status), w.PaymentCount, w.GrossMinor,
            w.NetPositions.Select(n => new NetPositionDto(n.Participant, n.NetMinor)).ToArray(), w.ExcludedParticipants.ToArray(), w.ClosedAtNs);

    /// <summary>A travel-rule result's findings as the API names them: <c>originator.originator_account_missing, …</c>.</summary>
    public static string Findings(Corridor.Core.Compliance.TravelRuleResult t) =>
        string.Join(", ", t.Findings.Select(f => Snake(f.Role) + "." + Snake(f.Code)));

    /// <summary>The day as the API shows it; seconds to the next cut-off are counted from <paramref name="nowNs"/> (the node's clock).</summary>
    public static DayDto ToDto(DayStatus d, ulong nowNs) =>
        new(BusinessDates.ToDate(d.BusinessDate), Snake(d.Phase), d.PhaseSinceNs, d.Submitted, d.Settled, d.Queued, d.Scheduled, d.Rejected, d.Revoked, d.InWindow,
            d.OvernightCredits.Select(o => new OvernightCreditDto(o.Participant, o.Ledger, o.AmountMinor)).ToArray(), d.Held, d.CrossCurrency,
            TimesOfDay.ToDto(d.Cutoffs), d.NextCutoff is { } n ? Snake(n.Phase) : null, d.NextCutoff is { } a ? TimesOfDay.Instant(a.AtNs) : null,
            d.NextCutoff is { } t ? (long)(Math.Max(t.AtNs, nowNs) - nowNs + 999_999_999) / 1_000_000_000 : null);

    /// <summary>A statement with, per entry, the record of its payment when <paramref name="payments"/> (by payment id) has it.</summary>
    public static StatementDto ToDto(AccountStatement s, IReadOnlyDictionary<UInt128, Storage.ReadModel.PaymentRow> payments) =>
        new(BusinessDates.ToDate(s.BusinessDate) ?? throw new InvalidOperationException($"statement with business date {s.BusinessDate}"), s.Participant, s.Ledger, Ids.Format(s.AccountId), s.OpeningBalanceMinor, s.ClosingBalanceMinor,
            s.Entries.Select(e => Entry(e, e.PaymentId != 0 && payments.TryGetValue(e.PaymentId, out var p) ? p : null)).ToArray(),
            s.Truncated);

    private static StatementEntryDto Entry(StatementEntry e, Storage.ReadModel.PaymentRow? p) =>
        new(Ids.Format(e.TransferId), Ids.Format(e.PaymentId), e.AmountMinor, e.IsCredit, e.Counterparty, e.Code, e.TimestampNs,
            p?.EndToEndId, p?.Uetr, Optional(e.IsCredit ? p?.OriginatorName : p?.BeneficiaryName), e.IsCredit ? p?.PayerBic : p?.PayeeBic,
            Optional(p?.InvoiceNumber));

    private static string? Optional(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
