using System.Globalization;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;
using Corridor.Server.Auth;
using Corridor.Server.Http;
using SettlementStatus = Corridor.Core.Settlement.PaymentStatus;

namespace Corridor.Server.Endpoints;

/// <summary>Pieces shared by the pacs.004, camt.056 and cross-currency pacs.008 handlers: original ids, findings per transaction, pacs.002.</summary>
internal static class Iso20022Replies
{
    /// <summary>Max105Text: the bound of StsRsnInf/AddtlInf and CxlStsRsnInf/AddtlInf.</summary>
    public const int MaxAdditionalInfoChars = 105;

    public static ReasonInfo Reason(string code, string info) => new() { Code = code, AdditionalInfo = [Clip(info)] };

    /// <summary>Cuts text to Max105Text without splitting a surrogate pair.</summary>
    public static string Clip(string s)
    {
        if (s.Length <= MaxAdditionalInfoChars) return s.Length == 0 ? "-" : s;
        int n = MaxAdditionalInfoChars;
        if (char.IsHighSurrogate(s[n - 1])) n--;
        return s[..n];
    }

    /// <summary>
    /// The engine payment id of the original transaction a return or cancellation points at, with the same derivation as
    /// <see cref="PaymentMapping.PaymentIdOf"/>: its UETR, else MsgId + EndToEndId + TxId of the original message. Null when
    /// the message says too little to tell (no UETR, and no original MsgId or EndToEndId).
    /// </summary>
    public static UInt128? OriginalPaymentId(string? uetr, string? orgnlMsgId, string? endToEndId, string? txId)
    {
        if (uetr is not null && Guid.TryParseExact(uetr, "D", out _))
            return PaymentMapping.PaymentIdOf("", new PaymentIdentification { EndToEndId = endToEndId ?? "", TxId = txId, Uetr = uetr });
        if (orgnlMsgId is null || endToEndId is null) return null;
        return PaymentMapping.PaymentIdOf(orgnlMsgId, new PaymentIdentification { EndToEndId = endToEndId, TxId = txId });
    }

    /// <summary>
    /// The one rule of who instructs an inbound message: a participant sends only as itself. An instructing agent that is
    /// not the authenticated participant — GrpHdr/InstgAgt, a transaction's InstgAgt (or the agent standing for it), the
    /// camt.056 assigner — is 403 <c>auth.forbidden</c> and nothing changes; the operator may send for any agent.
    /// <paramref name="instructing"/> is the participant the element names (null: its BIC names no participant).
    /// </summary>
    public static void RequireCallerInstructs(Caller caller, ulong? instructing, string element)
    {
        if (!caller.IsOperator && instructing != caller.ParticipantId)
            throw ApiException.Forbidden($"{element} must be the authenticated participant: a participant instructs only its own messages");
    }

    /// <summary>The group header's instructing agent (pacs.008, pacs.009, pacs.004), when it names a BIC, under <see cref="RequireCallerInstructs"/>.</summary>
    public static async Task RequireGroupInstructedByCallerAsync(NodeGateway gw, Caller caller, GroupHeader header)
    {
        if (caller.IsOperator || header.InstgAgt?.Bicfi is not { } bic) return;
        ulong? instructing = await gw.QueryAsync(e => e.Settlement.FindParticipantByBic(bic));
        RequireCallerInstructs(caller, instructing, "GrpHdr/InstgAgt");
    }

    /// <summary>Splits findings into per-transaction lists ("Root[i]/...") and group-level ones.</summary>
    public static (List<ReasonInfo>?[] PerTx, List<ReasonInfo> Group) Split(IReadOnlyList<ValidationIssue> issues, string root, int count)
    {
        var perTx = new List<ReasonInfo>?[count];
        var group = new List<ReasonInfo>();
        string prefix = root + "[";
        foreach (ValidationIssue issue in issues)
        {
            var reason = Reason(issue.ReasonCode, issue.Path + ": " + issue.Message);
            int index = -1;
            if (issue.Path.StartsWith(prefix, StringComparison.Ordinal))
            {
                int end = issue.Path.IndexOf(']', prefix.Length);
                if (end > 0 && int.TryParse(issue.Path.AsSpan(prefix.Length, end - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int i)) index = i;
            }
            if (index >= 0 && index < count) (perTx[index] ??= []).Add(reason);
            else group.Add(reason);
        }
        return (perTx, group);
    }

    /// <summary>Group status from transaction statuses: all the same status, RJCT when all rejected, else PART.</summary>
    public static string GroupStatusOf(IReadOnlyList<TransactionStatus> txs)
    {
        int rejected = 0;
        foreach (TransactionStatus t in txs) if (t.TxSts == PaymentStatusCodes.Rejected) rejected++;
        if (rejected == txs.Count) return PaymentStatusCodes.Rejected;
        if (rejected > 0) return "PART";
        foreach (TransactionStatus t in txs) if (t.TxSts != PaymentStatusCodes.SettlementCompleted) return PaymentStatusCodes.Pending;
        return PaymentStatusCodes.SettlementCompleted;
    }

    /// <summary>pacs.002 answering a message with group header <paramref name="h"/>.</summary>
    public static StatusReport Report(GroupHeader h, string definition, string reportId, DateTimeOffset now, IReadOnlyList<TransactionStatus> txs, List<ReasonInfo>? groupReasons = null)
    {
        var report = new StatusReport
        {
            ReportMsgId = reportId, CreDtTm = now, InstgAgt = h.InstdAgt, InstdAgt = h.InstgAgt, OrgnlMsgId = h.MsgId, OrgnlMsgNmId = definition,
            OrgnlCreDtTm = h.CreDtTm, OrgnlNbOfTxs = h.NbOfTxs.ToString(CultureInfo.InvariantCulture),
        };
        if (groupReasons is { Count: > 0 })
            return report with { GroupStatus = PaymentStatusCodes.Rejected, GroupReasons = ValueList.From(groupReasons.Take(10).ToList()) };
        return report with { GroupStatus = GroupStatusOf(txs), Transactions = new ValueList<TransactionStatus>(txs.ToArray()) };
    }

    /// <summary>AcctSvcrRef of an engine payment or return id: Max35Text, readable back by the JSON API (<see cref="PaymentMapping.ReferenceOf"/>).</summary>
    public static string Ref(UInt128 id) => PaymentMapping.ReferenceOf(id);

    /// <summary>Most PayAtBestQuote items per command: worst-case items stay well inside the 4 MiB command payload.</summary>
    public const int MaxPvpItemsPerCommand = 512;

    /// <summary>
    /// Submits a settlement command in chunks of at most <see cref="SettlementCodec.MaxItemsPerCommand"/> items (a message may
    /// hold 10,000 transactions); item indexes of errors and reply data are those of <paramref name="items"/>.
    /// </summary>
    public static async Task<(List<ItemResult> Errors, List<TData> Data)> SubmitChunkedAsync<T, TData>(NodeGateway gw, T[] items) where T : ISettlementCommand<T>
    {
        var errors = new List<ItemResult>();
        var data = new List<TData>(items.Length);
        for (int at = 0; at < items.Length; at += SettlementCodec.MaxItemsPerCommand)
        {
            T[] part = items[at..Math.Min(items.Length, at + SettlementCodec.MaxItemsPerCommand)];
            CommandReply reply = await gw.SubmitAsync(T.Operation, part.Length, SettlementCodec.EncodePayload<T>(part));
            foreach (ItemResult e in reply.Errors) errors.Add(e with { Index = e.Index + at });
            if (reply.Data is TData[] d) data.AddRange(d);
        }
        return (errors, data);
    }

    /// <summary>Submits PayAtBestQuote items in chunks of <see cref="MaxPvpItemsPerCommand"/>; one result per item, in order.</summary>
    /// <summary>What became of one same-currency transaction: its engine outcome, its pacs.002 status and, when rejected, the reason.</summary>
    public readonly record struct SameCurrencyAnswer(PaymentOutcome Outcome, string Status, ValueList<ReasonInfo> Reasons);

    /// <summary>
    /// Same-currency transactions of a pacs.008 or pacs.009 (also those of a message that mixes in cross-currency ones) as one
    /// command, operation 120: parties and ISO ids go with each payment, the engine refuses an incomplete travel rule recording
    /// nothing (the id stays free for the corrected message) and compliance screens the rest before settlement. The reasons are
    /// read on the engine thread right after the command, in its own hand-off: a compliance rejection's own ISO reason
    /// (RR01–RR04, AM02) rather than NARR, the travel rule's findings, else the settlement result's code.
    /// </summary>
    public static async Task<SameCurrencyAnswer[]> SubmitSameCurrencyAsync(NodeGateway gw, SubmitPaymentWithDetails[] payments)
    {
        byte[] payload;
        try { payload = SubmitPaymentWithDetails.EncodePayload(payments); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); }
        var (reply, given) = await gw.SubmitAndReadAsync(Operation.SubmitPaymentTravelRuleAtEntry, payments.Length, payload, (e, applied) =>
        {
            var reasons = new Dictionary<UInt128, ReasonInfo>();
            foreach (PaymentOutcome o in (PaymentOutcome[])applied.Data!)
                if (o.Reason == SettlementResult.RejectedByCompliance && e.Compliance.TryGetPayment(o.PaymentId, out var pc) && pc.Decision.Iso20022Reason is { } code)
                    reasons.TryAdd(o.PaymentId, Reason(code, "settlement." + Wire.Snake(o.Reason)));
                else if (o.Reason == SettlementResult.TravelRuleIncomplete
                    && e.Compliance.TravelRuleOf(e.Settlement, payments[o.Index].Payment, payments[o.Index].Details) is { IsCompliant: false } travel)
                    reasons.TryAdd(o.PaymentId, Reason(travel.FirstReasonCode!, "compliance.travel_rule_incomplete: " + Wire.Findings(travel)));
            return reasons;
        });
        var outcomes = (PaymentOutcome[])reply.Data!;
        var answers = new SameCurrencyAnswer[outcomes.Length];
        for (int i = 0; i < outcomes.Length; i++)
        {
            PaymentOutcome o = outcomes[i];
            string status = o.Status switch
            {
                SettlementStatus.Settled => PaymentStatusCodes.SettlementCompleted,
                SettlementStatus.Queued or SettlementStatus.Scheduled or SettlementStatus.InWindow or SettlementStatus.Held => PaymentStatusCodes.Pending,
                _ => PaymentStatusCodes.Rejected,
            };
            ValueList<ReasonInfo> reasons = status != PaymentStatusCodes.Rejected ? default
                : [given.TryGetValue(o.PaymentId, out ReasonInfo? r) ? r : Reason(StatusReasonMapping.ReasonCodeOf(o.Reason), "settlement." + Wire.Snake(o.Reason))];
            answers[i] = new SameCurrencyAnswer(o, status, reasons);
        }
        return answers;
    }

    public static async Task<PayResult[]> SubmitPvpAsync(NodeGateway gw, PayAtBestQuote[] items)
    {
        var results = new PayResult[items.Length];
        var buffer = new byte[CommandBatch.HeaderBytes + Math.Min(items.Length, MaxPvpItemsPerCommand) * PayAtBestQuote.MaxEncodedBytes];
        for (int at = 0; at < items.Length; at += MaxPvpItemsPerCommand)
        {
            PayAtBestQuote[] part = items[at..Math.Min(items.Length, at + MaxPvpItemsPerCommand)];
            int written = ExchangeCommands.Write<PayAtBestQuote>(buffer, Operation.PayAtBestQuote, part);
            CommandReply reply = await gw.SubmitAsync(Operation.PayAtBestQuote, part.Length, buffer.AsMemory(CommandBatch.HeaderBytes, written - CommandBatch.HeaderBytes));
            foreach (ItemResult e in reply.Errors) results[at + e.Index] = (PayResult)e.Code;
        }
        return results;
    }
}
