namespace Corridor.Iso20022.Model;

/// <summary>camt.056.001.09 FIToFIPmtCxlReq: payment cancellation request (recall).</summary>
public sealed record Camt056Message : IsoMessage
{
    public const string Definition = "camt.056.001.09";

    /// <summary>Assgnmt/Id: identifies the cancellation request message.</summary>
    public required string AssignmentId { get; init; }
    public required Agent Assigner { get; init; }
    public required Agent Assignee { get; init; }
    public required DateTimeOffset CreDtTm { get; init; }
    public string? CaseId { get; init; }
    public Agent? CaseCreator { get; init; }
    public required ValueList<CancellationRequest> Transactions { get; init; }

    public override string MessageDefinition => Definition;
    public override string MsgId => AssignmentId;
}

/// <summary>One Undrlyg/TxInf of a camt.056 (PaymentTransaction120, the subset Corridor keeps).</summary>
public sealed record CancellationRequest
{
    public string? CxlId { get; init; }
    public OriginalGroupInfo? OrgnlGrpInf { get; init; }
    public string? OrgnlInstrId { get; init; }
    public string? OrgnlEndToEndId { get; init; }
    public string? OrgnlTxId { get; init; }
    public string? OrgnlUetr { get; init; }
    public Money? OrgnlIntrBkSttlmAmt { get; init; }
    public DateOnly? OrgnlIntrBkSttlmDt { get; init; }
    /// <summary>CxlRsnInf: ISO ExternalCancellationReason1Code (DUPL, FRAD, TECH, CUST, ...).</summary>
    public ValueList<ReasonInfo> Reasons { get; init; }
}
