using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;
using Corridor.Server.Auth;
using Corridor.Server.Http;
using ExchangePaymentStatus = Corridor.Core.Exchange.PaymentStatus;

namespace Corridor.Server.Endpoints;

/// <summary>
/// camt.056 inbound: the original payer's bank asks to cancel. A payment still waiting (queued, scheduled or in a
/// netting window) is revoked through ManageQueuedPayment Revoke and confirmed ACCR; anything else is refused RJCR
/// with a reason (ExternalPaymentCancellationRejection1Code, see docs/iso20022.md). The answer is a camt.029:
/// Sts/Conf CNCL when every request was accepted, RJCR when none was, PECR (partially executed) otherwise.
/// </summary>
internal static class Iso20022Cancellations
{
    /// <summary>Transaction cancellation status: accepted (ISO ExternalPaymentCancellationStatus, TxCxlSts).</summary>
    private const string Accepted = "ACCR";
    private const string Rejected = "RJCR";
    /// <summary>Sts/Conf when some requests were accepted and some refused.</summary>
    private const string PartiallyExecuted = "PECR";

    public static async Task<IsoMessage> ReceiveAsync(NodeGateway gw, Caller caller, Camt056Message m, IReadOnlyList<ValidationIssue> issues, string reportId, DateTimeOffset now)
    {
        int n = m.Transactions.Count;
        var (perTx, group) = Iso20022Replies.Split(issues, "Undrlyg/TxInf", n);
        string? assignerBic = m.Assigner.Bicfi;
        var (assigner, payments) = await gw.QueryAsync(engine =>
        {
            ulong? who = assignerBic is null ? null : engine.Settlement.FindParticipantByBic(assignerBic);
            var found = new (PaymentInfo? Rtgs, ExchangePaymentStatus? Pvp, long Returned)[n];
            for (int i = 0; i < n; i++)
            {
                CancellationRequest tx = m.Transactions[i];
                if (OriginalOf(m, tx) is not { } id) continue;
                PaymentInfo? p = engine.Settlement.GetPayment(id);
                // A PvP payment is recorded by the exchange; a queued one also has its payer leg in RTGS (revoked like any queued payment).
                ExchangePaymentStatus? pvp = engine.Exchange.TryGetPayment(id, out var x) && x.Request.Payer == who ? x.Status : null;
                if (p is { IsPvpLeg: true } && pvp is not ExchangePaymentStatus.Queued) p = null;
                found[i] = (p, pvp, p is null ? 0 : engine.Settlement.GetReturnedMinor(id));
            }
            return (who, found);
        });
        Iso20022Replies.RequireCallerInstructs(caller, assigner, "the assigner (Assgnmt/Assgnr)");
        ulong requester = assigner ?? caller.ParticipantId;

        var statuses = new CancellationStatus[n];
        var revokes = new List<(int Index, ManageQueuedPayment Item)>();
        for (int i = 0; i < n; i++)
        {
            CancellationRequest tx = m.Transactions[i];
            (string Code, string Info)? refusal = null;
            if (group.Count > 0) refusal = (group[0].Code ?? ReasonCodes.InvalidFileFormat, group[0].AdditionalInfo.Count > 0 ? group[0].AdditionalInfo[0] : "invalid request");
            else if (perTx[i] is { } f) refusal = (f[0].Code ?? ReasonCodes.InvalidFileFormat, f[0].AdditionalInfo.Count > 0 ? f[0].AdditionalInfo[0] : "invalid request");
            else if (OriginalOf(m, tx) is not { } id) refusal = ("NOOR", "original not identified: give OrgnlUETR, or OrgnlGrpInf/OrgnlMsgId with OrgnlEndToEndId");
            else
            {
                var (rtgs, pvp, returned) = payments[i];
                if (pvp is { } s && s != ExchangePaymentStatus.Queued)
                    refusal = ("AGNT", s == ExchangePaymentStatus.Held
                        ? "held for compliance review: only the compliance officer releases or rejects it"
                        : "cross-currency payment settled or failed payment-versus-payment: final");
                else if (rtgs is null || rtgs.Payer != requester) refusal = ("NOOR", "no original transaction received from the assigner");
                else if (rtgs.Status == PaymentStatus.Held) refusal = ("AGNT", "held for compliance review: only the compliance officer releases or rejects it");
                else if (rtgs.Status is PaymentStatus.Queued or PaymentStatus.Scheduled or PaymentStatus.InWindow or PaymentStatus.Revoked)
                    revokes.Add((i, new ManageQueuedPayment(requester, id, QueueAction.Revoke, PaymentPriority.Normal, UInt128.Zero)));
                else if (rtgs.Status == PaymentStatus.Settled)
                    refusal = returned >= rtgs.AmountMinor ? ("ARDT", "already returned") : ("AGNT", "settled: final and irrevocable; ask the creditor agent for a return (pacs.004)");
                else refusal = ("AGNT", "already rejected: settlement." + Wire.Snake(rtgs.Reason));
            }
            statuses[i] = new CancellationStatus
            {
                CxlStsId = tx.CxlId, OrgnlGrpInf = tx.OrgnlGrpInf, OrgnlInstrId = tx.OrgnlInstrId, OrgnlEndToEndId = tx.OrgnlEndToEndId,
                OrgnlTxId = tx.OrgnlTxId, OrgnlUetr = tx.OrgnlUetr, OrgnlIntrBkSttlmAmt = tx.OrgnlIntrBkSttlmAmt,
                TxCxlSts = refusal is null ? Accepted : Rejected,
                Reasons = refusal is { } r ? [Iso20022Replies.Reason(r.Code, r.Info)] : default,
            };
        }

        // A revoked payment stays revoked: asking again is confirmed (idempotent), only waiting ones are sent to the engine.
        var pending = revokes.Where(r => payments[r.Index].Rtgs!.Status != PaymentStatus.Revoked).ToList();
        if (pending.Count > 0)
        {
            ManageQueuedPayment[] items = pending.Select(r => r.Item).ToArray();
            var (errors, _) = await Iso20022Replies.SubmitChunkedAsync<ManageQueuedPayment, object>(gw, items);
            foreach (ItemResult e in errors)
            {
                var result = (SettlementResult)e.Code;
                int i = pending[e.Index].Index;
                // Settled (or rejected) between the query and the revoke: refused like a settled payment.
                string code = result == SettlementResult.PaymentNotQueued ? "AGNT" : result is SettlementResult.PaymentNotFound or SettlementResult.NotPayer ? "NOOR" : "AGNT";
                statuses[i] = statuses[i] with { TxCxlSts = Rejected, Reasons = [Iso20022Replies.Reason(code, "settlement." + Wire.Snake(result) + ": no longer waiting to settle")] };
            }
        }

        int accepted = statuses.Count(s => s.TxCxlSts == Accepted);
        var resolution = new ResolutionOfInvestigation
        {
            AssignmentId = reportId, Assigner = m.Assignee, Assignee = m.Assigner, CreDtTm = now, ResolvedCaseId = m.CaseId, CaseCreator = m.CaseCreator,
            Confirmation = accepted == n && n > 0 ? ResolutionOfInvestigation.Cancelled : accepted == 0 ? ResolutionOfInvestigation.RejectedCancellation : PartiallyExecuted,
            Transactions = new ValueList<CancellationStatus>(statuses),
        };
        return resolution;
    }

    private static UInt128? OriginalOf(Camt056Message m, CancellationRequest tx) =>
        Iso20022Replies.OriginalPaymentId(tx.OrgnlUetr, tx.OrgnlGrpInf?.OrgnlMsgId, tx.OrgnlEndToEndId, tx.OrgnlTxId);
}
