using System.IO.Hashing;
using System.Text;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// pacs.004 inbound: the original payee's bank returns all or part of a settled payment. Each TxInf becomes a
/// <see cref="SubmitReturn"/> (one command for the message); the answer is a pacs.002 per return: ACSC settled,
/// PDNG queued for liquidity, RJCT with the ISO reason (<see cref="StatusReasonMapping"/>).
/// </summary>
internal static class Iso20022Returns
{
    public static async Task<IsoMessage> ReceiveAsync(NodeGateway gw, Caller caller, Pacs004Message m, IReadOnlyList<ValidationIssue> issues, string reportId, DateTimeOffset now)
    {
        int n = m.Transactions.Count;
        var (perTx, group) = Iso20022Replies.Split(issues, "TxInf", n);
        var statuses = new TransactionStatus[n];
        for (int i = 0; i < n; i++)
        {
            PaymentReturn tx = m.Transactions[i];
            statuses[i] = new TransactionStatus
            {
                OrgnlInstrId = tx.OrgnlInstrId, OrgnlEndToEndId = tx.OrgnlEndToEndId, OrgnlTxId = tx.RtrId, OrgnlUetr = tx.OrgnlUetr,
                TxSts = PaymentStatusCodes.Rejected,
            };
        }
        if (group.Count > 0) return Iso20022Replies.Report(m.GrpHdr, m.MessageDefinition, reportId, now, statuses, group);

        string[] bics = m.Transactions.Select(t => (t.InstgAgt ?? m.GrpHdr.InstgAgt)?.Bicfi).Where(b => b is not null).Select(b => b!).Distinct(StringComparer.Ordinal).ToArray();
        string[] currencies = m.Transactions.Select(t => t.RtrdIntrBkSttlmAmt.Currency).Distinct(StringComparer.Ordinal).ToArray();
        var (participants, ledgers) = await gw.QueryAsync(engine =>
        {
            var p = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (string bic in bics) if (engine.Settlement.FindParticipantByBic(bic) is { } id) p[bic] = id;
            var l = new Dictionary<string, uint>(StringComparer.Ordinal);
            foreach (string code in currencies) if (engine.Settlement.FindLedgerByCurrency(code) is { } ledger) l[code] = ledger;
            return (p, l);
        });

        var toSubmit = new List<(int Index, SubmitReturn Item)>();
        for (int i = 0; i < n; i++)
        {
            PaymentReturn tx = m.Transactions[i];
            if (perTx[i] is { } findings) { statuses[i] = statuses[i] with { Reasons = ValueList.From(findings.Take(10).ToList()) }; continue; }
            string? refusal = null, code = null;
            string? bic = (tx.InstgAgt ?? m.GrpHdr.InstgAgt)?.Bicfi;
            ulong returner = 0;
            if (bic is null) { if (!caller.IsOperator) returner = caller.ParticipantId; else (code, refusal) = ("RC01", "operator-sent return without InstgAgt"); }
            else if (participants.TryGetValue(bic, out ulong id)) returner = id;
            else (code, refusal) = ("RC01", $"instructing agent {bic} is not a participant");
            if (refusal is null) Iso20022Replies.RequireCallerInstructs(caller, returner, $"the instructing agent of TxInf[{i}]");
            UInt128? original = Iso20022Replies.OriginalPaymentId(tx.OrgnlUetr, (tx.OrgnlGrpInf ?? m.OrgnlGrpInf)?.OrgnlMsgId, tx.OrgnlEndToEndId, tx.OrgnlTxId);
            if (refusal is null && original is null) (code, refusal) = ("AG09", "original payment not identified: give OrgnlUETR, or OrgnlGrpInf/OrgnlMsgId with OrgnlEndToEndId");
            if (refusal is null && tx.RtrId is null) (code, refusal) = (ReasonCodes.InvalidFileFormat, "return without RtrId (the return's own identification)");
            if (refusal is null && !ledgers.TryGetValue(tx.RtrdIntrBkSttlmAmt.Currency, out _)) (code, refusal) = (ReasonCodes.NotAllowedCurrency, $"{tx.RtrdIntrBkSttlmAmt.Currency} is not settled here");
            if (refusal is not null) { statuses[i] = statuses[i] with { Reasons = [Iso20022Replies.Reason(code!, refusal)] }; continue; }
            toSubmit.Add((i, new SubmitReturn(ReturnIdOf(returner, tx.RtrId!), original!.Value, returner, ledgers[tx.RtrdIntrBkSttlmAmt.Currency], tx.RtrdIntrBkSttlmAmt.AmountMinor)));
        }

        if (toSubmit.Count > 0)
        {
            SubmitReturn[] items = toSubmit.Select(t => t.Item).ToArray();
            var (_, outcomes) = await Iso20022Replies.SubmitChunkedAsync<SubmitReturn, ReturnOutcome>(gw, items);
            for (int k = 0; k < toSubmit.Count; k++)
            {
                ReturnOutcome o = outcomes[k];
                int i = toSubmit[k].Index;
                statuses[i] = statuses[i] with { TxSts = StatusOf(o), Reasons = ReasonsOf(o), AcctSvcrRef = Iso20022Replies.Ref(o.ReturnId) };
            }
        }
        return Iso20022Replies.Report(m.GrpHdr, m.MessageDefinition, reportId, now, statuses);
    }

    /// <summary>The engine id of a return: 128-bit XxHash of the returner and its RtrId, so the same RtrId sent again (in any message) is a duplicate.</summary>
    public static UInt128 ReturnIdOf(ulong returner, string rtrId) =>
        XxHash128.HashToUInt128(Encoding.UTF8.GetBytes($"pacs.004\u001f{returner}\u001f{rtrId}"));

    private static string StatusOf(ReturnOutcome o)
    {
        if (o.Duplicate || o.Result != SettlementResult.Ok) return PaymentStatusCodes.Rejected;
        return o.Status switch
        {
            PaymentStatus.Settled => PaymentStatusCodes.SettlementCompleted,
            PaymentStatus.Queued or PaymentStatus.Scheduled or PaymentStatus.Held => PaymentStatusCodes.Pending,
            _ => PaymentStatusCodes.Rejected,
        };
    }

    private static ValueList<ReasonInfo> ReasonsOf(ReturnOutcome o)
    {
        if (o.Duplicate)
            return [Iso20022Replies.Reason(ReasonCodes.DuplicatePayment, $"return already received: {Wire.Snake(o.Status)}, result settlement.{Wire.Snake(o.Result)}; nothing moved again")];
        if (o.Result != SettlementResult.Ok)
            return [Iso20022Replies.Reason(StatusReasonMapping.ReasonCodeOf(o.Result), "settlement." + Wire.Snake(o.Result) + (o.Result == SettlementResult.ReturnExceedsOriginal ? $" (already returned {o.ReturnedMinor} minor units)" : ""))];
        if (o.Status is not (PaymentStatus.Settled or PaymentStatus.Queued or PaymentStatus.Scheduled or PaymentStatus.Held))
            return [Iso20022Replies.Reason(StatusReasonMapping.ReasonCodeOf(o.Result), "settlement." + Wire.Snake(o.Status))];
        return default;
    }
}
