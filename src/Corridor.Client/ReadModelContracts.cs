namespace Corridor.Client;

/// <summary>
/// A payment as the read model holds it (settlement or PvP), with every reference it can be looked up by;
/// answered by <c>GET /v1/payments?uetr=…</c> (and the other reference parameters).
/// </summary>
public sealed record PaymentRecordDto(
    string Id, string Kind, string Status, string? Reason, ulong Payer, ulong Payee, uint Ledger, long Amount,
    uint DestinationLedger, long DestinationAmount, string? LockId, string? SourceLegTransferId, string? DestinationLegTransferId,
    string? InvoiceNumber, string? LetterOfCredit, string? ContractReference, string? OriginatorName, string? BeneficiaryName,
    ulong SubmittedAt, ulong FinalAt, DateOnly? BusinessDate,
    string? MsgId, string? InstrId, string? EndToEndId, string? TxId, string? Uetr);

/// <summary>How fresh a read-model answer is: its headers <c>Corridor-Read-Model-Sequence</c> and <c>Corridor-Read-Model-Lag</c>.</summary>
public sealed record ReadModelFreshness(long Sequence, long LagBatches);

/// <summary>An ISO 20022 message of a payment in the node's archive: <c>in</c> (received) or <c>out</c> (the node's answer), its message definition and ids, when (Unix ns) and its size.</summary>
public sealed record ArchivedMessageDto(long Id, string Direction, string Definition, string MsgId, string? OriginalMsgId, ulong At, int Bytes);
