namespace Corridor.Iso20022.Model;

/// <summary>pacs.002.001.11 FIToFIPmtStsRpt: status report on a received message and its transactions.</summary>
public sealed record StatusReport : IsoMessage
{
    public const string Definition = "pacs.002.001.11";

    /// <summary>OrgnlMsgId used when the original message could not be read (no reference).</summary>
    public const string NoReference = "NONREF";

    public required string ReportMsgId { get; init; }
    public required DateTimeOffset CreDtTm { get; init; }
    public Agent? InstgAgt { get; init; }
    public Agent? InstdAgt { get; init; }
    public required string OrgnlMsgId { get; init; }
    /// <summary>OrgnlMsgNmId, e.g. "pacs.008.001.09".</summary>
    public required string OrgnlMsgNmId { get; init; }
    public DateTimeOffset? OrgnlCreDtTm { get; init; }
    public string? OrgnlNbOfTxs { get; init; }
    /// <summary>Group status (ACCP, ACSC, RJCT, PDNG, PART, ...); null when only transactions are reported.</summary>
    public string? GroupStatus { get; init; }
    public ValueList<ReasonInfo> GroupReasons { get; init; }
    public ValueList<TransactionStatus> Transactions { get; init; }

    public override string MessageDefinition => Definition;
    public override string MsgId => ReportMsgId;
}

/// <summary>Status of one original transaction (PaymentTransaction123 TxInfAndSts).</summary>
public sealed record TransactionStatus
{
    public string? StsId { get; init; }
    public string? OrgnlInstrId { get; init; }
    public string? OrgnlEndToEndId { get; init; }
    public string? OrgnlTxId { get; init; }
    public string? OrgnlUetr { get; init; }
    /// <summary>ISO ExternalPaymentTransactionStatus1Code: ACCP, ACSC, ACSP, ACTC, RJCT, PDNG, ...</summary>
    public required string TxSts { get; init; }
    public ValueList<ReasonInfo> Reasons { get; init; }
    public DateTimeOffset? AccptncDtTm { get; init; }
    public string? AcctSvcrRef { get; init; }
}

/// <summary>Transaction and group status codes Corridor emits (ISO ExternalPaymentTransactionStatus1Code).</summary>
public static class PaymentStatusCodes
{
    /// <summary>AcceptedCustomerProfile: checks passed, accepted for settlement.</summary>
    public const string Accepted = "ACCP";
    /// <summary>AcceptedSettlementCompleted: settled on the Corridor ledger.</summary>
    public const string SettlementCompleted = "ACSC";
    /// <summary>Rejected, with a reason code.</summary>
    public const string Rejected = "RJCT";
    /// <summary>Pending: queued (e.g. RTGS queue waiting for liquidity).</summary>
    public const string Pending = "PDNG";
}

/// <summary>camt.029.001.10 RsltnOfInvstgtn: answer to a camt.056 cancellation request.</summary>
public sealed record ResolutionOfInvestigation : IsoMessage
{
    public const string Definition = "camt.029.001.10";

    /// <summary>Sts/Conf: cancellation done as requested.</summary>
    public const string Cancelled = "CNCL";
    /// <summary>Sts/Conf: cancellation request rejected.</summary>
    public const string RejectedCancellation = "RJCR";

    public required string AssignmentId { get; init; }
    public required Agent Assigner { get; init; }
    public required Agent Assignee { get; init; }
    public required DateTimeOffset CreDtTm { get; init; }
    public string? ResolvedCaseId { get; init; }
    public Agent? CaseCreator { get; init; }
    /// <summary>Sts/Conf: <see cref="Cancelled"/> or <see cref="RejectedCancellation"/>.</summary>
    public required string Confirmation { get; init; }
    public ValueList<CancellationStatus> Transactions { get; init; }

    public override string MessageDefinition => Definition;
    public override string MsgId => AssignmentId;
}

/// <summary>Cancellation status of one original transaction (PaymentTransaction127).</summary>
public sealed record CancellationStatus
{
    public string? CxlStsId { get; init; }
    public OriginalGroupInfo? OrgnlGrpInf { get; init; }
    public string? OrgnlInstrId { get; init; }
    public string? OrgnlEndToEndId { get; init; }
    public string? OrgnlTxId { get; init; }
    public string? OrgnlUetr { get; init; }
    /// <summary>TxCxlSts: ACCR (accepted), RJCR (rejected), PDCR (pending).</summary>
    public required string TxCxlSts { get; init; }
    /// <summary>CxlStsRsnInf, e.g. ARDT (already returned), LEGL, NOAS, CUST, AC04.</summary>
    public ValueList<ReasonInfo> Reasons { get; init; }
    public Money? OrgnlIntrBkSttlmAmt { get; init; }
}
