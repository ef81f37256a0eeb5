namespace Corridor.Iso20022.Model;

/// <summary>pacs.028.001.04 FIToFIPmtStsReq: asks the receiving agent for the status of original transactions.</summary>
public sealed record StatusRequest : IsoMessage
{
    public const string Definition = "pacs.028.001.04";

    public required string RequestMsgId { get; init; }
    public required DateTimeOffset CreDtTm { get; init; }
    public Agent? InstgAgt { get; init; }
    public Agent? InstdAgt { get; init; }
    public ValueList<StatusRequestTransaction> Transactions { get; init; }

    public override string MessageDefinition => Definition;
    public override string MsgId => RequestMsgId;
}

/// <summary>One original transaction asked after (PaymentTransaction121, the subset Corridor keeps).</summary>
public sealed record StatusRequestTransaction
{
    public string? StsReqId { get; init; }
    public OriginalGroupInfo? OrgnlGrpInf { get; init; }
    public string? OrgnlEndToEndId { get; init; }
    public string? OrgnlUetr { get; init; }
    /// <summary>OrgnlTxRef/ReqdExctnDt/DtTm: the original transaction's latest execution time (a cross-node payment's expiry T).</summary>
    public DateTimeOffset? OrgnlRequestedExecution { get; init; }
}
