namespace Corridor.Iso20022.Model;

/// <summary>pacs.004.001.10 PmtRtr: payment return.</summary>
public sealed record Pacs004Message : IsoMessage
{
    public const string Definition = "pacs.004.001.10";

    public required GroupHeader GrpHdr { get; init; }
    /// <summary>Group-level OrgnlGrpInf (OriginalGroupHeader18): the original message when all returns come from it.</summary>
    public OriginalGroupInfo? OrgnlGrpInf { get; init; }
    /// <summary>Group-level RtrRsnInf, applying to every transaction.</summary>
    public ValueList<ReasonInfo> GroupReasons { get; init; }
    public required ValueList<PaymentReturn> Transactions { get; init; }

    public override string MessageDefinition => Definition;
    public override string MsgId => GrpHdr.MsgId;
}

/// <summary>One TxInf of a pacs.004 (PaymentTransaction118, the subset Corridor keeps).</summary>
public sealed record PaymentReturn
{
    public string? RtrId { get; init; }
    public OriginalGroupInfo? OrgnlGrpInf { get; init; }
    public string? OrgnlInstrId { get; init; }
    public string? OrgnlEndToEndId { get; init; }
    public string? OrgnlTxId { get; init; }
    public string? OrgnlUetr { get; init; }
    public Money? OrgnlIntrBkSttlmAmt { get; init; }
    public DateOnly? OrgnlIntrBkSttlmDt { get; init; }
    public required Money RtrdIntrBkSttlmAmt { get; init; }
    public DateOnly? IntrBkSttlmDt { get; init; }
    public Money? RtrdInstdAmt { get; init; }
    public ExchangeRate? XchgRate { get; init; }
    public string? ChrgBr { get; init; }
    public Agent? InstgAgt { get; init; }
    public Agent? InstdAgt { get; init; }
    /// <summary>RtrRsnInf: return reason (ISO ExternalReturnReason1Code, e.g. AC04, AM09, CUST, FOCR).</summary>
    public ValueList<ReasonInfo> Reasons { get; init; }
}
