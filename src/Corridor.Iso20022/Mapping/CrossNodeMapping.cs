using System.Globalization;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Codes;
using Corridor.Iso20022.Model;
using CoreParty = Corridor.Core.Exchange.Party;
using IsoParty = Corridor.Iso20022.Model.Party;

namespace Corridor.Iso20022.Mapping;

/// <summary>A cross-node payment read from a peer's pacs.008, or why it cannot be (ISO reason and text).</summary>
public readonly record struct MappedTerms(CrossNodeTerms? Terms, string? ReasonCode, string? Reason)
{
    public bool IsMapped => Terms is not null;
}

/// <summary>
/// The messages between two Corridor nodes (docs/federation.md, "Messages on the wire"): <see cref="CrossNodeTerms"/> as a
/// pacs.008.001.09 with one transaction, the destination's answer as a pacs.002.001.11, the source's status question as a
/// pacs.028.001.04. Where each term travels:
/// <list type="bullet">
/// <item>UETR: <c>PmtId/UETR</c>; MsgId, InstrId, EndToEndId, TxId: the payment's references.</item>
/// <item>source amount: <c>InstdAmt</c> (source currency); destination amount: <c>IntrBkSttlmAmt</c> (destination currency);
/// <c>XchgRate</c>: their ratio in major units (informative: the destination checks the amounts against the quote).</item>
/// <item>FX quote id on the destination: <c>InstrForNxtAgt/InstrInf</c> = <c>/FXQUOTE/0x…</c> (the destination node is the next agent).</item>
/// <item>expiry T (UTC): <c>IntrBkSttlmDt</c> (its date) and <c>SttlmTmReq/RjctTm</c> (its time: "time by when the payment must be
/// settled to avoid rejection"), 100 ns precision; in the pacs.028: <c>OrgnlTxRef/ReqdExctnDt/DtTm</c>.</item>
/// <item>payee bank: <c>CdtrAgt/FinInstnId/BICFI</c>; payer bank: <c>DbtrAgt</c>; originator and beneficiary: <c>Dbtr</c>/<c>DbtrAcct</c>,
/// <c>Cdtr</c>/<c>CdtrAcct</c>; trade references: <c>RmtInf</c> (docs/iso20022.md convention).</item>
/// </list>
/// </summary>
public static class CrossNodeMapping
{
    /// <summary>Prefix of the quote instruction in <c>InstrForNxtAgt/InstrInf</c>.</summary>
    public const string QuoteInstruction = "/FXQUOTE/";
    /// <summary>Proprietary pacs.002 status reason for a status question about a payment the destination never received (before T).</summary>
    public const string NotReceived = "NOTRECEIVED";
    /// <summary>
    /// Proprietary pacs.002 status reason for a transaction of a batch the destination refused without recording it (content it
    /// cannot take, e.g. a UETR it knows with other content): nothing is decided; the source asks again later.
    /// </summary>
    public const string NotRecordedReason = "NOTRECORDED";
    /// <summary>Prefix of the payment's own message id in <c>InstrForNxtAgt/InstrInf</c> (a batch has one group MsgId for all its payments).</summary>
    public const string MessageInstruction = "/MSGID/";
    /// <summary>
    /// Prefix of the source amount in a pacs.009's <c>InstrForNxtAgt/InstrInf</c>, as currency and decimal amount
    /// (<c>/INSTDAMT/RUB1234.50</c>): pacs.009 has no <c>InstdAmt</c> or <c>XchgRate</c>.
    /// </summary>
    public const string SourceAmountInstruction = "/INSTDAMT/";
    private const string NotProvided = "NOTPROVIDED";

    /// <summary>A node's engine time (Unix nanoseconds) as a UTC timestamp, truncated to 100 ns (the precision on the wire).</summary>
    public static DateTimeOffset TimeOf(ulong unixNs) => DateTimeOffset.UnixEpoch.AddTicks((long)(unixNs / 100));

    /// <summary>A UTC timestamp as Unix nanoseconds.</summary>
    public static ulong NanosecondsOf(DateTimeOffset t) => (ulong)(t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>The pacs.008 a source node sends for <paramref name="t"/> alone; <paramref name="payerAgent"/> is the payer bank. Its MsgId is the payment's own.</summary>
    public static Pacs008Message ToPacs008(CrossNodeTerms t, Agent payerAgent, DateTimeOffset creDtTm) => ToPacs008([(t, payerAgent)], MessageIdOf(t), creDtTm);

    /// <summary>
    /// One pacs.008 carrying several payments for the same peer (one <c>CdtTrfTxInf</c> each) under the group message id
    /// <paramref name="msgId"/>. Each transaction carries its own payment's MsgId (<c>InstrForNxtAgt</c> <c>/MSGID/…</c>), so a
    /// batch and a later message about one of its payments alone map to the same terms.
    /// </summary>
    public static Pacs008Message ToPacs008(IReadOnlyList<(CrossNodeTerms Terms, Agent PayerAgent)> payments, string msgId, DateTimeOffset creDtTm)
    {
        var transactions = new CustomerCreditTransfer[payments.Count];
        for (int i = 0; i < payments.Count; i++) transactions[i] = TransactionOf(payments[i].Terms, payments[i].PayerAgent);
        return new Pacs008Message
        {
            GrpHdr = new GroupHeader { MsgId = msgId, CreDtTm = creDtTm, NbOfTxs = transactions.Length, SttlmMtd = "CLRG" },
            Transactions = new ValueList<CustomerCreditTransfer>(transactions),
        };
    }

    /// <summary>
    /// The message a source node sends for payments of one kind to one peer: a pacs.008 for customer payments, a pacs.009 for
    /// institution transfers. One payment alone travels under its own MsgId, several under <paramref name="batchMsgId"/>.
    /// </summary>
    public static IsoMessage ToMessage(IReadOnlyList<(CrossNodeTerms Terms, Agent PayerAgent)> payments, string batchMsgId, DateTimeOffset creDtTm)
    {
        if (payments.Count == 0) throw new ArgumentException("no payments", nameof(payments));
        CrossNodeKind kind = payments[0].Terms.Kind;
        foreach (var p in payments)
            if (p.Terms.Kind != kind) throw new ArgumentException("a message carries payments of one kind", nameof(payments));
        string msgId = payments.Count == 1 ? MessageIdOf(payments[0].Terms) : batchMsgId;
        return kind == CrossNodeKind.Institution ? ToPacs009(payments, msgId, creDtTm) : ToPacs008(payments, msgId, creDtTm);
    }

    /// <summary>
    /// One pacs.009 carrying institution transfers for the same peer (see <see cref="ToPacs008(IReadOnlyList{ValueTuple{CrossNodeTerms, Agent}}, string, DateTimeOffset)"/>
    /// for the ids): <c>Dbtr</c>/<c>DbtrAcct</c> the payer bank, <c>Cdtr</c>/<c>CdtrAcct</c> the payee bank (its BIC the payee BIC),
    /// the source amount in <c>InstrForNxtAgt</c> <see cref="SourceAmountInstruction"/>.
    /// </summary>
    public static Pacs009Message ToPacs009(IReadOnlyList<(CrossNodeTerms Terms, Agent PayerAgent)> payments, string msgId, DateTimeOffset creDtTm)
    {
        var transactions = new InstitutionCreditTransfer[payments.Count];
        for (int i = 0; i < payments.Count; i++) transactions[i] = InstitutionTransactionOf(payments[i].Terms);
        return new Pacs009Message
        {
            GrpHdr = new GroupHeader { MsgId = msgId, CreDtTm = creDtTm, NbOfTxs = transactions.Length, SttlmMtd = "CLRG" },
            Transactions = new ValueList<InstitutionCreditTransfer>(transactions),
        };
    }

    private static InstitutionCreditTransfer InstitutionTransactionOf(CrossNodeTerms t)
    {
        if (t.Kind != CrossNodeKind.Institution) throw new ArgumentException("a pacs.009 carries institution transfers", nameof(t));
        DateTimeOffset expiry = TimeOf(t.ExpiresAtNs);
        PaymentReferences refs = t.References;
        return new InstitutionCreditTransfer
        {
            PmtId = new PaymentIdentification
            {
                InstrId = Present(refs.InstructionId), EndToEndId = Present(refs.EndToEndId) ?? NotProvided, TxId = Present(refs.TransactionId), Uetr = t.Uetr,
            },
            IntrBkSttlmAmt = new Money(t.DestinationCurrency, t.DestinationAmountMinor),
            IntrBkSttlmDt = DateOnly.FromDateTime(expiry.UtcDateTime),
            RejectTime = TimeOnly.FromTimeSpan(expiry.UtcDateTime.TimeOfDay),
            Dbtr = AgentOf(t.Originator), DbtrAcct = AccountOf(t.Originator.Account),
            Cdtr = AgentOf(t.Beneficiary), CdtrAcct = AccountOf(t.Beneficiary.Account),
            NextAgentInstructions =
            [
                QuoteInstruction + PaymentMapping.ReferenceOf(t.QuoteId), MessageInstruction + MessageIdOf(t),
                SourceAmountInstruction + t.SourceCurrency + MinorUnits.Format(t.SourceAmountMinor, t.SourceCurrency),
            ],
        };
    }

    /// <summary>An institution party (the bank itself) as a financial institution identification: BIC, name and address.</summary>
    private static Agent AgentOf(CoreParty p)
    {
        bool address = p.StreetName.Length + p.BuildingNumber.Length + p.PostCode.Length + p.TownName.Length + p.Country.Length > 0;
        return new Agent
        {
            Bicfi = p.Identifier, Name = Present(p.Name),
            Address = address ? new PostalAddress
            {
                StreetName = Present(p.StreetName), BuildingNumber = Present(p.BuildingNumber), PostCode = Present(p.PostCode),
                TownName = Present(p.TownName), Country = Present(p.Country),
            } : null,
        };
    }

    /// <summary>The institution party a pacs.009's <c>Dbtr</c> or <c>Cdtr</c> names (the inverse of <see cref="AgentOf"/>).</summary>
    private static CoreParty InstitutionOf(Agent a, CashAccount? account)
    {
        PostalAddress address = a.Address ?? new PostalAddress();
        return new CoreParty(a.Name ?? "", address.StreetName ?? "", address.BuildingNumber ?? "", address.PostCode ?? "", address.TownName ?? "", "",
            address.Country ?? "", account?.Identifier ?? "", PartyIdScheme.Bic, a.Bicfi ?? "");
    }

    /// <summary>The payment's own message id: its reference's MsgId, or one made of its UETR (35 characters).</summary>
    public static string MessageIdOf(CrossNodeTerms t) => Present(t.References.MessageId) ?? "FED" + t.Uetr.Replace("-", "", StringComparison.Ordinal);

    private static CustomerCreditTransfer TransactionOf(CrossNodeTerms t, Agent payerAgent)
    {
        DateTimeOffset expiry = TimeOf(t.ExpiresAtNs);
        PaymentReferences refs = t.References;
        return new CustomerCreditTransfer
        {
            PmtId = new PaymentIdentification
            {
                InstrId = Present(refs.InstructionId), EndToEndId = Present(refs.EndToEndId) ?? NotProvided, TxId = Present(refs.TransactionId), Uetr = t.Uetr,
            },
            IntrBkSttlmAmt = new Money(t.DestinationCurrency, t.DestinationAmountMinor),
            IntrBkSttlmDt = DateOnly.FromDateTime(expiry.UtcDateTime),
            RejectTime = TimeOnly.FromTimeSpan(expiry.UtcDateTime.TimeOfDay),
            InstdAmt = new Money(t.SourceCurrency, t.SourceAmountMinor),
            XchgRate = RateOf(t),
            ChrgBr = "SLEV",
            Dbtr = IsoPartyOf(t.Originator), DbtrAcct = AccountOf(t.Originator.Account), DbtrAgt = payerAgent,
            CdtrAgt = Agent.FromBic(t.PayeeBic),
            Cdtr = IsoPartyOf(t.Beneficiary), CdtrAcct = AccountOf(t.Beneficiary.Account),
            NextAgentInstructions = [QuoteInstruction + PaymentMapping.ReferenceOf(t.QuoteId), MessageInstruction + MessageIdOf(t)],
            RmtInf = RemittanceOf(t.Trade),
        };
    }

    /// <summary>The terms of a peer's pacs.008 of one transaction (cross-currency, with UETR, quote and expiry), or why not.</summary>
    public static MappedTerms FromPacs008(Pacs008Message m)
    {
        if (m.Transactions.Count != 1) return Refused("FF01", $"a cross-node pacs.008 read as one payment carries one transaction, not {m.Transactions.Count}");
        return FromTransaction(m.MsgId, m.Transactions[0]);
    }

    /// <summary>Most transactions a cross-node pacs.008 may carry (one journaled command on the destination; well inside 1 MiB of XML).</summary>
    public const int MaxTransactionsPerMessage = 1_000;

    /// <summary>
    /// The terms of every transaction of a peer's pacs.008, in order, or the first reason why the message cannot be read (a
    /// transaction without UETR, quote or expiry, a UETR twice, more than <see cref="MaxTransactionsPerMessage"/>): such a
    /// message is refused whole, nothing recorded.
    /// </summary>
    public static (CrossNodeTerms[]? Terms, string? ReasonCode, string? Reason) FromPacs008Batch(Pacs008Message m)
    {
        int count = m.Transactions.Count;
        if (count is < 1 or > MaxTransactionsPerMessage) return (null, "FF01", $"a cross-node pacs.008 carries 1 … {MaxTransactionsPerMessage} transactions, not {count}");
        var terms = new CrossNodeTerms[count];
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            MappedTerms mapped = FromTransaction(m.MsgId, m.Transactions[i]);
            if (!mapped.IsMapped) return (null, mapped.ReasonCode, $"transaction {i + 1}: {mapped.Reason}");
            if (!seen.Add(mapped.Terms!.Uetr)) return (null, "FF01", $"transaction {i + 1}: UETR {mapped.Terms.Uetr} appears twice in the message");
            terms[i] = mapped.Terms;
        }
        return (terms, null, null);
    }

    /// <summary>The terms of every transaction of a peer's pacs.009 (institution transfers), as <see cref="FromPacs008Batch"/> reads a pacs.008.</summary>
    public static (CrossNodeTerms[]? Terms, string? ReasonCode, string? Reason) FromPacs009Batch(Pacs009Message m)
    {
        int count = m.Transactions.Count;
        if (count is < 1 or > MaxTransactionsPerMessage) return (null, "FF01", $"a cross-node pacs.009 carries 1 … {MaxTransactionsPerMessage} transactions, not {count}");
        var terms = new CrossNodeTerms[count];
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            MappedTerms mapped = FromInstitutionTransaction(m.MsgId, m.Transactions[i]);
            if (!mapped.IsMapped) return (null, mapped.ReasonCode, $"transaction {i + 1}: {mapped.Reason}");
            if (!seen.Add(mapped.Terms!.Uetr)) return (null, "FF01", $"transaction {i + 1}: UETR {mapped.Terms.Uetr} appears twice in the message");
            terms[i] = mapped.Terms;
        }
        return (terms, null, null);
    }

    private static MappedTerms FromInstitutionTransaction(string groupMsgId, InstitutionCreditTransfer tx)
    {
        if (tx.PmtId.Uetr is not { } uetr) return Refused("FF01", "PmtId/UETR is missing");
        if (SourceAmountIn(tx.NextAgentInstructions) is not { } source || source.Currency == tx.IntrBkSttlmAmt.Currency)
            return Refused("AM09", $"InstrForNxtAgt/InstrInf {SourceAmountInstruction} (the amount in the source currency) is missing, malformed or in the settlement currency");
        if (tx.IntrBkSttlmDt is not { } date || tx.RejectTime is not { } time) return Refused("FF01", "the expiry (IntrBkSttlmDt and SttlmTmReq/RjctTm) is missing");
        if (QuoteOf(tx.NextAgentInstructions) is not { } quote) return Refused("FF01", $"InstrForNxtAgt/InstrInf {QuoteInstruction}0x… (the FX quote) is missing or malformed");
        if (tx.Cdtr.Bicfi is not { } payeeBic) return Refused("RC01", "Cdtr has no BICFI");
        if (tx.Dbtr.Bicfi is null) return Refused("RC01", "Dbtr has no BICFI");
        PaymentReferences references = PartyMapping.References(MessageIdIn(tx.NextAgentInstructions) ?? groupMsgId, tx.PmtId);
        var expiry = new DateTimeOffset(date.ToDateTime(time), TimeSpan.Zero);
        return new MappedTerms(new CrossNodeTerms(uetr, quote, source.Currency, source.AmountMinor, tx.IntrBkSttlmAmt.Currency, tx.IntrBkSttlmAmt.AmountMinor,
            payeeBic, NanosecondsOf(expiry), InstitutionOf(tx.Dbtr, tx.DbtrAcct), InstitutionOf(tx.Cdtr, tx.CdtrAcct),
            TradeReference.None, references) { Kind = CrossNodeKind.Institution }, null, null);
    }

    private static Money? SourceAmountIn(ValueList<string> instructions)
    {
        foreach (string line in instructions)
        {
            if (!line.StartsWith(SourceAmountInstruction, StringComparison.Ordinal) || line.Length < SourceAmountInstruction.Length + 4) continue;
            string currency = line.Substring(SourceAmountInstruction.Length, 3);
            if (MinorUnits.TryParse(line.AsSpan(SourceAmountInstruction.Length + 3), currency, out long minor) == AmountParseStatus.Ok && minor > 0)
                return new Money(currency, minor);
        }
        return null;
    }

    private static MappedTerms FromTransaction(string groupMsgId, CustomerCreditTransfer tx)
    {
        if (tx.PmtId.Uetr is not { } uetr) return Refused("FF01", "PmtId/UETR is missing");
        if (tx.InstdAmt is not { } source || source.Currency == tx.IntrBkSttlmAmt.Currency)
            return Refused("AM09", "InstdAmt in the source currency is missing or in the settlement currency");
        if (tx.IntrBkSttlmDt is not { } date || tx.RejectTime is not { } time) return Refused("FF01", "the expiry (IntrBkSttlmDt and SttlmTmReq/RjctTm) is missing");
        if (QuoteOf(tx.NextAgentInstructions) is not { } quote) return Refused("FF01", $"InstrForNxtAgt/InstrInf {QuoteInstruction}0x… (the FX quote) is missing or malformed");
        if (tx.CdtrAgt.Bicfi is not { } payeeBic) return Refused("RC01", "CdtrAgt has no BICFI");
        MappedTrade trade = TradeMapping.Map(tx.Trade);
        if (trade.IsRefused) return Refused(trade.ReasonCode!, trade.Reason!);
        // The payment's own MsgId travels with its transaction; a message from before batching names it in the group header only.
        PaymentDetails details = PartyMapping.Details(MessageIdIn(tx.NextAgentInstructions) ?? groupMsgId, tx);
        var expiry = new DateTimeOffset(date.ToDateTime(time), TimeSpan.Zero);
        return new MappedTerms(new CrossNodeTerms(uetr, quote, source.Currency, source.AmountMinor, tx.IntrBkSttlmAmt.Currency, tx.IntrBkSttlmAmt.AmountMinor,
            payeeBic, NanosecondsOf(expiry), details.Originator!, details.Beneficiary!,
            trade.Trade ?? TradeReference.None, details.References), null, null);
    }

    /// <summary>The destination's pacs.002 for one payment: ACSC, RJCT with its ISO reason, PDNG while held, PDNG "not received" when null.</summary>
    public static StatusReport ToPacs002(string uetr, PeerAnswer? answer, string reportMsgId, DateTimeOffset creDtTm, string originalMsgId, string originalDefinition) =>
        ToPacs002([new AnswerLine(uetr, answer, null)], reportMsgId, creDtTm, originalMsgId, originalDefinition);

    /// <summary>
    /// One line of a destination's pacs.002: the recorded answer about <paramref name="Uetr"/> (null: never received), or,
    /// when <paramref name="NotRecorded"/> is set, why the transaction was refused without being recorded (PDNG with proprietary
    /// reason <see cref="NotRecordedReason"/>: nothing decided; the source asks again later).
    /// </summary>
    public readonly record struct AnswerLine(string Uetr, PeerAnswer? Answer, string? NotRecorded);

    /// <summary>The destination's pacs.002 answering every transaction of one message, one <c>TxInfAndSts</c> each, in order.</summary>
    public static StatusReport ToPacs002(IReadOnlyList<AnswerLine> lines, string reportMsgId, DateTimeOffset creDtTm, string originalMsgId, string originalDefinition)
    {
        var transactions = new TransactionStatus[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            AnswerLine line = lines[i];
            PeerAnswer? answer = line.Answer;
            (string status, ReasonInfo? reason) = line.NotRecorded is { } why
                ? (PaymentStatusCodes.Pending, new ReasonInfo { Proprietary = NotRecordedReason, AdditionalInfo = Info(why) })
                : answer?.Status switch
                {
                    CrossNodeStatus.Settled => (PaymentStatusCodes.SettlementCompleted, null),
                    CrossNodeStatus.Refused => (PaymentStatusCodes.Rejected, new ReasonInfo { Code = answer.ReasonCode, AdditionalInfo = Info(answer.Reason) }),
                    CrossNodeStatus.Held => (PaymentStatusCodes.Pending, new ReasonInfo { Code = answer.ReasonCode, AdditionalInfo = Info(answer.Reason) }),
                    _ => (PaymentStatusCodes.Pending, new ReasonInfo { Proprietary = NotReceived, AdditionalInfo = ["no payment with this UETR was received; send it again"] }),
                };
            transactions[i] = new TransactionStatus { OrgnlUetr = line.Uetr, TxSts = status, Reasons = reason is null ? default : [reason] };
        }
        return new StatusReport
        {
            ReportMsgId = reportMsgId, CreDtTm = creDtTm, OrgnlMsgId = originalMsgId, OrgnlMsgNmId = originalDefinition,
            Transactions = new ValueList<TransactionStatus>(transactions),
        };
    }

    /// <summary>
    /// What a destination's pacs.002 says about <paramref name="uetr"/>: settled, refused (reason), held (pending), or null when it
    /// answers nothing final and nothing held (not received, not recorded, or no status for this UETR).
    /// </summary>
    public static PeerAnswer? FromPacs002(StatusReport report, string uetr)
    {
        foreach (TransactionStatus tx in report.Transactions)
            if (tx.OrgnlUetr == uetr) return AnswerOf(tx, uetr);
        return null;
    }

    /// <summary>Every answer of a destination's pacs.002 by UETR (see <see cref="FromPacs002(StatusReport, string)"/>; a UETR named twice: its first line).</summary>
    public static Dictionary<string, PeerAnswer?> FromPacs002(StatusReport report)
    {
        var answers = new Dictionary<string, PeerAnswer?>(report.Transactions.Count, StringComparer.Ordinal);
        foreach (TransactionStatus tx in report.Transactions)
            if (tx.OrgnlUetr is { } uetr) answers.TryAdd(uetr, AnswerOf(tx, uetr));
        return answers;
    }

    private static PeerAnswer? AnswerOf(TransactionStatus tx, string uetr)
    {
        ReasonInfo? reason = tx.Reasons.Count > 0 ? tx.Reasons[0] : null;
        string text = reason is { AdditionalInfo.Count: > 0 } ? string.Join(" ", reason.AdditionalInfo) : "";
        return tx.TxSts switch
        {
            PaymentStatusCodes.SettlementCompleted => new PeerAnswer(uetr, CrossNodeStatus.Settled, "", ""),
            PaymentStatusCodes.Rejected => new PeerAnswer(uetr, CrossNodeStatus.Refused, reason?.Code ?? "NARR", text),
            PaymentStatusCodes.Pending when reason?.Proprietary is not (NotReceived or NotRecordedReason) => new PeerAnswer(uetr, CrossNodeStatus.Held, reason?.Code ?? "NARR", text),
            _ => null,
        };
    }

    /// <summary>The source's status question (pacs.028) about <paramref name="uetr"/>, with its expiry T.</summary>
    public static StatusRequest ToPacs028(string uetr, ulong expiresAtNs, string requestMsgId, DateTimeOffset creDtTm) => new()
    {
        RequestMsgId = requestMsgId, CreDtTm = creDtTm,
        Transactions = [new StatusRequestTransaction { OrgnlUetr = uetr, OrgnlRequestedExecution = TimeOf(expiresAtNs) }],
    };

    /// <summary>
    /// One status question (pacs.028) about several payments to the same peer, each with its expiry T, one <c>TxInf</c> each:
    /// the source's retries after a partition ask together, not one exchange per payment.
    /// </summary>
    public static StatusRequest ToPacs028(IReadOnlyList<(string Uetr, ulong ExpiresAtNs)> payments, string requestMsgId, DateTimeOffset creDtTm) => new()
    {
        RequestMsgId = requestMsgId, CreDtTm = creDtTm,
        Transactions = new ValueList<StatusRequestTransaction>(payments.Select(p => new StatusRequestTransaction { OrgnlUetr = p.Uetr, OrgnlRequestedExecution = TimeOf(p.ExpiresAtNs) }).ToArray()),
    };

    /// <summary>
    /// UETR and expiry T of every transaction of a peer's status question, in order (1 … <see cref="MaxTransactionsPerMessage"/>,
    /// no UETR twice), or null with why the question cannot be read whole.
    /// </summary>
    public static (string Uetr, ulong ExpiresAtNs)[]? FromPacs028Batch(StatusRequest m, out string? reason)
    {
        reason = null;
        int count = m.Transactions.Count;
        if (count is < 1 or > MaxTransactionsPerMessage) { reason = $"a status question names 1 … {MaxTransactionsPerMessage} transactions, not {count}"; return null; }
        var asked = new (string, ulong)[count];
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            StatusRequestTransaction tx = m.Transactions[i];
            if (tx.OrgnlUetr is not { } uetr) { reason = $"transaction {i + 1}: TxInf/OrgnlUETR is missing"; return null; }
            if (tx.OrgnlRequestedExecution is not { } expiry) { reason = $"transaction {i + 1}: TxInf/OrgnlTxRef/ReqdExctnDt/DtTm (the expiry) is missing"; return null; }
            if (!seen.Add(uetr)) { reason = $"transaction {i + 1}: UETR {uetr} appears twice in the question"; return null; }
            asked[i] = (uetr, NanosecondsOf(expiry));
        }
        return asked;
    }

    /// <summary>UETR and expiry T of a peer's status question (one transaction), or null with why not.</summary>
    public static (string Uetr, ulong ExpiresAtNs)? FromPacs028(StatusRequest m, out string? reason)
    {
        reason = null;
        if (m.Transactions.Count != 1) { reason = $"a status question names one transaction, not {m.Transactions.Count}"; return null; }
        StatusRequestTransaction tx = m.Transactions[0];
        if (tx.OrgnlUetr is not { } uetr) { reason = "TxInf/OrgnlUETR is missing"; return null; }
        if (tx.OrgnlRequestedExecution is not { } expiry) { reason = "TxInf/OrgnlTxRef/ReqdExctnDt/DtTm (the expiry) is missing"; return null; }
        return (uetr, NanosecondsOf(expiry));
    }

    private static MappedTerms Refused(string code, string reason) => new(null, code, reason);

    private static ValueList<string> Info(string text) => text.Length == 0 ? default : [text.Length > 105 ? text[..105] : text];

    private static string? MessageIdIn(ValueList<string> instructions)
    {
        foreach (string line in instructions)
            if (line.StartsWith(MessageInstruction, StringComparison.Ordinal) && line.Length > MessageInstruction.Length && line.Length <= MessageInstruction.Length + 35)
                return line[MessageInstruction.Length..];
        return null;
    }

    private static UInt128? QuoteOf(ValueList<string> instructions)
    {
        foreach (string line in instructions)
        {
            if (!line.StartsWith(QuoteInstruction + "0x", StringComparison.Ordinal)) continue;
            string hex = line[(QuoteInstruction.Length + 2)..];
            if (hex.Length is > 0 and <= 32 && UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out UInt128 id) && id != 0) return id;
        }
        return null;
    }

    /// <summary>XchgRate: destination major units per source major unit, rounded to what BaseOneRate holds (11 digits, 10 after the point).</summary>
    private static ExchangeRate? RateOf(CrossNodeTerms t)
    {
        if (!Iso4217.TryGetExponent(t.SourceCurrency, out int sourceDigits) || !Iso4217.TryGetExponent(t.DestinationCurrency, out int destinationDigits) || t.SourceAmountMinor <= 0)
            return null;
        decimal rate = (decimal)t.DestinationAmountMinor * MinorUnits.Pow10(sourceDigits) / ((decimal)t.SourceAmountMinor * MinorUnits.Pow10(destinationDigits));
        int integerDigits = rate < 1 ? 1 : (int)Math.Floor(Math.Log10((double)rate)) + 1;
        if (integerDigits > 10) return null;
        decimal rounded = Math.Round(rate, Math.Min(ExchangeRate.Scale, 11 - integerDigits), MidpointRounding.ToZero);
        return rounded > 0 ? new ExchangeRate((long)(rounded * 10_000_000_000m)) : null;
    }

    private static IsoParty IsoPartyOf(CoreParty p)
    {
        bool address = p.StreetName.Length + p.BuildingNumber.Length + p.PostCode.Length + p.TownName.Length + p.Country.Length > 0;
        PartyIdentification? id = p.IdScheme switch
        {
            PartyIdScheme.Lei => new PartyIdentification { Kind = PartyIdKind.Organisation, Lei = p.Identifier },
            PartyIdScheme.Bic => new PartyIdentification { Kind = PartyIdKind.Organisation, AnyBic = p.Identifier },
            PartyIdScheme.NationalId => new PartyIdentification { Kind = PartyIdKind.Private, Other = [new GenericIdentification(p.Identifier, null, null, null)] },
            PartyIdScheme.Other or PartyIdScheme.TaxId => new PartyIdentification { Kind = PartyIdKind.Organisation, Other = [new GenericIdentification(p.Identifier, null, null, null)] },
            _ => null,
        };
        return new IsoParty
        {
            Name = Present(p.Name),
            Address = address ? new PostalAddress
            {
                StreetName = Present(p.StreetName), BuildingNumber = Present(p.BuildingNumber), PostCode = Present(p.PostCode),
                TownName = Present(p.TownName), Country = Present(p.Country),
            } : null,
            Id = p.Identifier.Length > 0 ? id : null,
        };
    }

    private static CashAccount? AccountOf(string account) =>
        account.Length == 0 ? null : IbanRules.IsValid(account) ? new CashAccount { Iban = account } : new CashAccount { OtherId = account };

    /// <summary>Trade references as RmtInf/Strd by the convention <see cref="TradeReferences.From"/> reads.</summary>
    private static RemittanceInfo? RemittanceOf(TradeReference t)
    {
        var documents = new List<ReferredDocument>(3);
        if (t.InvoiceNumber.Length > 0 || t.InvoiceDate != 0)
            documents.Add(new ReferredDocument { TypeCode = "CINV", Number = Present(t.InvoiceNumber), RelatedDate = DateOf(t.InvoiceDate) });
        if (t.ContractReference.Length > 0) documents.Add(new ReferredDocument { TypeCode = "CMCN", Number = t.ContractReference });
        if (t.LetterOfCreditReference.Length > 0) documents.Add(new ReferredDocument { TypeProprietary = TradeReferences.LetterOfCreditType, Number = t.LetterOfCreditReference });
        var tags = new List<string>(3);
        if (t.HsCode.Length > 0 || t.Incoterms != Incoterms.None)
            tags.Add(string.Join(";", new[] { t.HsCode.Length > 0 ? "HS:" + t.HsCode : null, t.Incoterms != Incoterms.None ? "INCOTERMS:" + t.Incoterms.ToString().ToUpperInvariant() : null }.Where(s => s is not null)));
        if (t.GoodsDescription.Length > 0) tags.Add("GOODS:" + (t.GoodsDescription.Length > 134 ? t.GoodsDescription[..134] : t.GoodsDescription));
        if (documents.Count == 0 && tags.Count == 0) return null;
        return new RemittanceInfo { Structured = [new StructuredRemittance { Documents = ValueList.From(documents), AdditionalInfo = ValueList.From(tags) }] };
    }

    private static DateOnly? DateOf(uint yyyymmdd) =>
        yyyymmdd == 0 ? null : DateOnly.TryParseExact(yyyymmdd.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d) ? d : null;

    private static string? Present(string text) => string.IsNullOrWhiteSpace(text) ? null : text; // ISO text is at least one non-blank character
}
