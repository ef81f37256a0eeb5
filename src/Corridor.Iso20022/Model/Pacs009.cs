namespace Corridor.Iso20022.Model;

/// <summary>pacs.009.001.09 FICdtTrf: financial institution credit transfer (interbank / liquidity).</summary>
public sealed record Pacs009Message : IsoMessage
{
    public const string Definition = "pacs.009.001.09";

    public required GroupHeader GrpHdr { get; init; }
    public required ValueList<InstitutionCreditTransfer> Transactions { get; init; }

    public override string MessageDefinition => Definition;
    public override string MsgId => GrpHdr.MsgId;
}

/// <summary>One CdtTrfTxInf of a pacs.009 (CreditTransferTransaction44, the subset Corridor keeps).</summary>
public sealed record InstitutionCreditTransfer
{
    public required PaymentIdentification PmtId { get; init; }
    public required Money IntrBkSttlmAmt { get; init; }
    public DateOnly? IntrBkSttlmDt { get; init; }
    /// <summary>SttlmTmReq/RjctTm (UTC): the time by when the transfer must be settled or be rejected.</summary>
    public TimeOnly? RejectTime { get; init; }
    public Agent? InstgAgt { get; init; }
    public Agent? InstdAgt { get; init; }
    public required Agent Dbtr { get; init; }
    public CashAccount? DbtrAcct { get; init; }
    public Agent? DbtrAgt { get; init; }
    public Agent? CdtrAgt { get; init; }
    public required Agent Cdtr { get; init; }
    public CashAccount? CdtrAcct { get; init; }
    /// <summary>InstrForNxtAgt/InstrInf lines, in order.</summary>
    public ValueList<string> NextAgentInstructions { get; init; }
    public string? PurposeCode { get; init; }
    public string? PurposeProprietary { get; init; }
    public ValueList<string> RemittanceLines { get; init; }
}
