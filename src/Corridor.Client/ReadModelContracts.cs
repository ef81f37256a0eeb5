namespace Corridor.Client;

/// <summary>
/// A payment as the read model holds it (settlement or PvP), with every reference it can be looked up by;
/// answered by <c>GET /v1/payments?uetr=…</c> (and the other reference parameters).
/// </summary>
/// <param name="Id">The payment's id (decimal).</param>
/// <param name="Kind"><c>settlement</c> (same-currency RTGS), <c>pvp</c> (cross-currency against a lock) or <c>cross_node</c>.</param>
/// <param name="Status"><c>settled</c>, <c>queued</c>, <c>held</c>, <c>scheduled</c>, <c>in_window</c>, <c>rejected</c>, <c>revoked</c>,
/// <c>failed</c> (PvP); <c>prepared</c>, <c>refused</c> (cross-node).</param>
/// <param name="Reason">Why it was rejected, revoked, failed or refused: <c>settlement.*</c>, <c>exchange.*</c> (PvP) or
/// <c>federation.*</c> (cross-node); else null.</param>
/// <param name="Payer">The paying participant.</param>
/// <param name="Payee">The receiving participant (for PvP: the owner of the destination account).</param>
/// <param name="Ledger">The ledger the payer pays in.</param>
/// <param name="Amount">What the payer pays, minor units of that ledger's currency.</param>
/// <param name="DestinationLedger">PvP: the ledger the payee receives in; same-currency: <paramref name="Ledger"/>; cross-node: 0 (the other
/// currency is settled on the peer node).</param>
/// <param name="DestinationAmount">PvP: what the payee receives, minor units of the destination currency; same-currency:
/// <paramref name="Amount"/>; cross-node: the amount in the other node's currency.</param>
/// <param name="LockId">PvP: the quote lock it paid against; else null.</param>
/// <param name="SourceLegTransferId">PvP: the payer → provider ledger transfer; else null.</param>
/// <param name="DestinationLegTransferId">PvP: the provider → payee ledger transfer; else null.</param>
/// <param name="InvoiceNumber">The trade reference's invoice number; null when none.</param>
/// <param name="LetterOfCredit">The letter-of-credit reference; null when none.</param>
/// <param name="ContractReference">The contract reference; null when none.</param>
/// <param name="OriginatorName">The originator's name; null when none.</param>
/// <param name="BeneficiaryName">The beneficiary's name; null when none.</param>
/// <param name="SubmittedAt">Engine time of submission, ns since the Unix epoch.</param>
/// <param name="FinalAt">Engine time it became final, ns (0 while not).</param>
/// <param name="BusinessDate">The business day it was submitted in; null before the first day opened.</param>
/// <param name="MsgId">ISO 20022 GrpHdr/MsgId it was instructed with; null when none (e.g. a JSON payment without references).</param>
/// <param name="InstrId">PmtId/InstrId; null when none.</param>
/// <param name="EndToEndId">PmtId/EndToEndId; null when none.</param>
/// <param name="TxId">PmtId/TxId; null when none.</param>
/// <param name="Uetr">PmtId/UETR, lower case; null when none.</param>
public sealed record PaymentRecordDto(
    string Id, string Kind, string Status, string? Reason, ulong Payer, ulong Payee, uint Ledger, long Amount,
    uint DestinationLedger, long DestinationAmount, string? LockId, string? SourceLegTransferId, string? DestinationLegTransferId,
    string? InvoiceNumber, string? LetterOfCredit, string? ContractReference, string? OriginatorName, string? BeneficiaryName,
    ulong SubmittedAt, ulong FinalAt, DateOnly? BusinessDate,
    string? MsgId, string? InstrId, string? EndToEndId, string? TxId, string? Uetr);

/// <summary>How fresh a read-model answer is: its headers <c>Corridor-Read-Model-Sequence</c> and <c>Corridor-Read-Model-Lag</c>.</summary>
/// <param name="Sequence">The last journal batch the read model held when the answer was built.</param>
/// <param name="LagBatches">Committed batches not yet projected then.</param>
public sealed record ReadModelFreshness(long Sequence, long LagBatches);

/// <summary>An ISO 20022 message of a payment in the node's archive: <c>in</c> (received) or <c>out</c> (the node's answer), its message definition and ids, when (Unix ns) and its size.</summary>
/// <param name="Id">The message's id in the archive, for <c>GET /v1/payments/{id}/messages/{message_id}</c>.</param>
/// <param name="Direction"><c>in</c> (received on <c>POST /v1/iso20022</c>) or <c>out</c> (the node's answer).</param>
/// <param name="Definition">The ISO 20022 message definition, e.g. <c>pacs.008.001.09</c>, <c>pacs.002.001.11</c>.</param>
/// <param name="MsgId">The message's own id (GrpHdr/MsgId).</param>
/// <param name="OriginalMsgId">For an answer: the MsgId of the message it answers; else null.</param>
/// <param name="At">When it was archived (the node's wall clock), ns since the Unix epoch.</param>
/// <param name="Bytes">Its size in bytes.</param>
public sealed record ArchivedMessageDto(long Id, string Direction, string Definition, string MsgId, string? OriginalMsgId, ulong At, int Bytes);
