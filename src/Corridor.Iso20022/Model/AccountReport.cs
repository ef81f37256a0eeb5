namespace Corridor.Iso20022.Model;

/// <summary>Which bank-to-customer cash management message an <see cref="AccountReport"/> is written as.</summary>
public enum AccountReportKind
{
    /// <summary>camt.052.001.08 BkToCstmrAcctRpt: intraday report (ITBD balance).</summary>
    IntradayReport052,
    /// <summary>camt.053.001.08 BkToCstmrStmt: end-of-day statement (OPBD and CLBD balances).</summary>
    Statement053,
    /// <summary>camt.054.001.08 BkToCstmrDbtCdtNtfctn: debit/credit notification (entries, no balances).</summary>
    Notification054,
}

/// <summary>Content of a camt.052/053/054: one settlement account, its balances and entries.</summary>
public sealed record AccountReport
{
    public required string MsgId { get; init; }
    public required DateTimeOffset CreDtTm { get; init; }
    /// <summary>Stmt/Rpt/Ntfctn Id.</summary>
    public required string ReportId { get; init; }
    public long? ElectronicSequenceNumber { get; init; }
    public DateTimeOffset? FromDateTime { get; init; }
    public DateTimeOffset? ToDateTime { get; init; }
    public required CashAccount Account { get; init; }
    public string? AccountOwnerName { get; init; }
    public Agent? AccountServicer { get; init; }
    public ValueList<Balance> Balances { get; init; }
    public ValueList<Entry> Entries { get; init; }
}

/// <summary>A balance (CashBalance8); the sign of <see cref="AmountMinor"/> gives CRDT (≥ 0) or DBIT (&lt; 0).</summary>
public sealed record Balance
{
    /// <summary>OPBD opening booked, CLBD closing booked, ITBD interim booked, CLAV closing available, ...</summary>
    public required string TypeCode { get; init; }
    public required string Currency { get; init; }
    public required long AmountMinor { get; init; }
    public required DateOnly Date { get; init; }
}

/// <summary>Credit or debit from the account owner's point of view (CreditDebitCode).</summary>
public enum CreditDebit
{
    Credit,
    Debit,
}

/// <summary>One booked movement (ReportEntry10) with the references of the payment behind it.</summary>
public sealed record Entry
{
    public string? NtryRef { get; init; }
    public required Money Amount { get; init; }
    public required CreditDebit CreditDebit { get; init; }
    /// <summary>Sts/Cd: BOOK, PDNG, INFO.</summary>
    public string Status { get; init; } = "BOOK";
    public DateOnly? BookingDate { get; init; }
    public DateOnly? ValueDate { get; init; }
    public string? AcctSvcrRef { get; init; }
    /// <summary>Bank transaction code domain/family/sub-family; default PMNT / RCDT or ICDT / XBCT.</summary>
    public string? BankTxDomain { get; init; }
    public string? BankTxFamily { get; init; }
    public string? BankTxSubFamily { get; init; }
    public string? MsgId { get; init; }
    public string? InstrId { get; init; }
    public string? EndToEndId { get; init; }
    public string? TxId { get; init; }
    public string? Uetr { get; init; }
    /// <summary>Refs/AcctSvcrTxId: the node's own id of the payment behind the entry.</summary>
    public string? AcctSvcrTxId { get; init; }
    /// <summary>The other party: the debtor of a credit entry, the creditor of a debit entry (RltdPties Dbtr/Cdtr).</summary>
    public string? CounterpartyName { get; init; }
    /// <summary>The other party's account (RltdPties DbtrAcct/CdtrAcct).</summary>
    public CashAccount? CounterpartyAccount { get; init; }
    /// <summary>The other party's agent (RltdAgts DbtrAgt/CdtrAgt).</summary>
    public string? CounterpartyAgentBic { get; init; }
    public string? RemittanceLine { get; init; }
    /// <summary>Documents the payment settles (RmtInf/Strd/RfrdDocInf): commercial invoice, contract, letter of credit.</summary>
    public ValueList<ReferredDocument> Documents { get; init; }
    public string? AdditionalInfo { get; init; }
}

/// <summary>A parsed camt.052/053/054: which message it was and its content.</summary>
public sealed record AccountReportMessage : IsoMessage
{
    public required AccountReportKind Kind { get; init; }
    public required AccountReport Report { get; init; }

    public override string MessageDefinition => Kind switch
    {
        AccountReportKind.IntradayReport052 => "camt.052.001.08",
        AccountReportKind.Statement053 => "camt.053.001.08",
        _ => "camt.054.001.08",
    };

    public override string MsgId => Report.MsgId;
}
