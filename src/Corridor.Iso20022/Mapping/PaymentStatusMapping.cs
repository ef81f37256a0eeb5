using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Mapping;

/// <summary>Where a payment stands, in the words a pacs.002 needs: its status, the ISO reason of a refusal, and the ids it was instructed with.</summary>
public sealed record PaymentStanding(
    string Status, string? ReasonCode, string? ReasonDetail, string AccountServicerReference,
    string? MsgId, string? InstrId, string? EndToEndId, string? TxId, string? Uetr, DateTimeOffset? AcceptedAt);

/// <summary>
/// A pacs.002 answering "where does this payment stand now" (asked over the API at any time, not only as the reply to the
/// instructing message): one transaction, its status and reason, the original ids. One mapping for every payment kind.
/// </summary>
public static class PaymentStatusMapping
{
    /// <summary>Message definition reported as the original when the payment came without ISO ids (the JSON API).</summary>
    public const string OriginalDefinition = "pacs.008.001.08";

    /// <summary>
    /// ISO ExternalPaymentTransactionStatus1Code of a stored payment status: settled → ACSC; queued, scheduled, in a netting window,
    /// held for compliance or prepared for a peer node's decision → PDNG; rejected, failed or refused → RJCT; revoked by the payer → CANC.
    /// </summary>
    public static string TransactionStatusOf(string status) => status switch
    {
        "settled" => PaymentStatusCodes.SettlementCompleted,
        "queued" or "scheduled" or "in_window" or "held" or "prepared" => PaymentStatusCodes.Pending,
        "revoked" => "CANC",
        _ => PaymentStatusCodes.Rejected,
    };

    public static StatusReport ToPacs002(PaymentStanding p, string reportMsgId, DateTimeOffset creDtTm)
    {
        string status = TransactionStatusOf(p.Status);
        ReasonInfo? reason = p.ReasonCode is null ? null : new ReasonInfo { Code = p.ReasonCode, AdditionalInfo = p.ReasonDetail is null ? default : [Clip(p.ReasonDetail)] };
        return new StatusReport
        {
            ReportMsgId = reportMsgId, CreDtTm = creDtTm, OrgnlMsgId = p.MsgId ?? StatusReport.NoReference, OrgnlMsgNmId = OriginalDefinition,
            OrgnlNbOfTxs = p.MsgId is null ? null : "1", GroupStatus = null,
            Transactions =
            [
                new TransactionStatus
                {
                    OrgnlInstrId = p.InstrId, OrgnlEndToEndId = p.EndToEndId, OrgnlTxId = p.TxId, OrgnlUetr = p.Uetr, TxSts = status,
                    Reasons = reason is null ? default : [reason], AccptncDtTm = p.AcceptedAt, AcctSvcrRef = p.AccountServicerReference,
                },
            ],
        };
    }

    private static string Clip(string s) => s.Length > 105 ? s[..105] : s; // AddtlInf is Max105Text
}
