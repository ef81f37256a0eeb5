namespace Corridor.Iso20022.Model;

/// <summary>pacs.008.001.09 FIToFICstmrCdtTrf: FI-to-FI customer credit transfer.</summary>
public sealed record Pacs008Message : IsoMessage
{
    public const string Definition = "pacs.008.001.09";

    public required GroupHeader GrpHdr { get; init; }
    public required ValueList<CustomerCreditTransfer> Transactions { get; init; }

    public override string MessageDefinition => Definition;
    public override string MsgId => GrpHdr.MsgId;
}

/// <summary>One CdtTrfTxInf of a pacs.008 (CreditTransferTransaction43, the subset Corridor keeps).</summary>
public sealed record CustomerCreditTransfer
{
    public required PaymentIdentification PmtId { get; init; }
    public required Money IntrBkSttlmAmt { get; init; }
    public DateOnly? IntrBkSttlmDt { get; init; }
    /// <summary>SttlmTmReq/RjctTm (ISOTime, UTC): time by when the payment must be settled to avoid rejection.</summary>
    public TimeOnly? RejectTime { get; init; }
    public Money? InstdAmt { get; init; }
    public ExchangeRate? XchgRate { get; init; }
    /// <summary>Charge bearer: DEBT, CRED, SHAR, SLEV.</summary>
    public required string ChrgBr { get; init; }
    public Agent? InstgAgt { get; init; }
    public Agent? InstdAgt { get; init; }
    public required Party Dbtr { get; init; }
    public CashAccount? DbtrAcct { get; init; }
    public required Agent DbtrAgt { get; init; }
    public required Agent CdtrAgt { get; init; }
    public required Party Cdtr { get; init; }
    public CashAccount? CdtrAcct { get; init; }
    /// <summary>InstrForNxtAgt/InstrInf lines (Max140Text each).</summary>
    public ValueList<string> NextAgentInstructions { get; init; }
    public string? PurposeCode { get; init; }
    public string? PurposeProprietary { get; init; }
    public ValueList<RegulatoryReporting> RgltryRptg { get; init; }
    public RemittanceInfo? RmtInf { get; init; }

    /// <summary>Trade references read from the remittance information (see <see cref="TradeReferences"/>).</summary>
    public TradeReferences Trade => TradeReferences.From(RmtInf);
}

/// <summary>Remittance information (RemittanceInformation16): unstructured lines and structured blocks.</summary>
public sealed record RemittanceInfo
{
    public ValueList<string> Unstructured { get; init; }
    public ValueList<StructuredRemittance> Structured { get; init; }
}

/// <summary>Structured remittance (StructuredRemittanceInformation16, the subset Corridor keeps).</summary>
public sealed record StructuredRemittance
{
    public ValueList<ReferredDocument> Documents { get; init; }
    public Money? DuePayableAmount { get; init; }
    public Money? RemittedAmount { get; init; }
    public string? CreditorReference { get; init; }
    /// <summary>AddtlRmtInf lines (max 3 × 140); Corridor reads KEY:value trade tags from them.</summary>
    public ValueList<string> AdditionalInfo { get; init; }
}

/// <summary>A referred document (ReferredDocumentInformation7): type code (CINV, CNFA, ...) or proprietary type, number, date.</summary>
public sealed record ReferredDocument
{
    public string? TypeCode { get; init; }
    public string? TypeProprietary { get; init; }
    public string? Number { get; init; }
    public DateOnly? RelatedDate { get; init; }
}

/// <summary>Regulatory reporting (RegulatoryReporting3): indicator, authority and details.</summary>
public sealed record RegulatoryReporting
{
    /// <summary>DbtCdtRptgInd: CRED, DEBT, BOTH.</summary>
    public string? Indicator { get; init; }
    public string? AuthorityName { get; init; }
    public string? AuthorityCountry { get; init; }
    public ValueList<RegulatoryDetail> Details { get; init; }
}

/// <summary>One regulatory reporting detail (StructuredRegulatoryReporting3).</summary>
public sealed record RegulatoryDetail
{
    public string? Type { get; init; }
    public DateOnly? Date { get; init; }
    public string? Country { get; init; }
    public string? Code { get; init; }
    public Money? Amount { get; init; }
    public ValueList<string> Info { get; init; }
}
