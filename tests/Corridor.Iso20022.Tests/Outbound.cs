using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Tests;

/// <summary>Realistic outbound models (what a Corridor node answers), shared by the builder tests and the sample writer.</summary>
internal static class Outbound
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 14, 28, 5, TimeSpan.Zero);
    public static readonly Agent Node = Agent.FromBic("CRDRKENX");
    public static readonly Agent Kcb = Agent.FromBic("KCBLKENX");
    public static readonly Agent Ghcb = Agent.FromBic("GHCBGHAC");

    public static StatusReport Status(string txSts, string? reason = null) => new()
    {
        ReportMsgId = "CRDR-STS-" + txSts + "-0001",
        CreDtTm = Now,
        InstgAgt = Node,
        InstdAgt = Kcb,
        OrgnlMsgId = "KCBL20261123-000187",
        OrgnlMsgNmId = "pacs.008.001.09",
        OrgnlCreDtTm = new DateTimeOffset(2026, 11, 23, 9, 14, 27, 310, TimeSpan.FromHours(3)),
        OrgnlNbOfTxs = "1",
        GroupStatus = txSts == "RJCT" ? "RJCT" : null,
        Transactions =
        [
            new TransactionStatus
            {
                StsId = "CRDR-STS-1",
                OrgnlInstrId = "KCBL-INS-778120",
                OrgnlEndToEndId = "NAIROBIELEC-INV-2026-0917",
                OrgnlTxId = "KCBL-TX-778120",
                OrgnlUetr = "e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a",
                TxSts = txSts,
                Reasons = reason is null ? [] : [new ReasonInfo { Code = reason, AdditionalInfo = ["Debtor name or address missing for a cross-border payment"] }],
                AccptncDtTm = Now,
                AcctSvcrRef = txSts == "ACSC" ? "CRDR-SETTLE-000000912" : null,
            },
        ],
    };

    public static ResolutionOfInvestigation Resolution(bool cancelled) => new()
    {
        AssignmentId = "GHCB-RSLTN-20261123-0003",
        Assigner = Ghcb,
        Assignee = Kcb,
        CreDtTm = Now,
        ResolvedCaseId = "KCBL-CASE-0003",
        CaseCreator = Kcb,
        Confirmation = cancelled ? ResolutionOfInvestigation.Cancelled : ResolutionOfInvestigation.RejectedCancellation,
        Transactions =
        [
            new CancellationStatus
            {
                CxlStsId = "GHCB-CXLSTS-1",
                OrgnlGrpInf = new OriginalGroupInfo("KCBL20261123-000187", "pacs.008.001.09", null),
                OrgnlInstrId = "KCBL-INS-778120",
                OrgnlEndToEndId = "NAIROBIELEC-INV-2026-0917",
                OrgnlTxId = "KCBL-TX-778120",
                OrgnlUetr = "e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a",
                TxCxlSts = cancelled ? "ACCR" : "RJCR",
                Reasons = cancelled ? [] : [new ReasonInfo { Code = "ARDT", AdditionalInfo = ["Funds already returned with pacs.004 GHCB-RTR-0012"] }],
                OrgnlIntrBkSttlmAmt = new Money("GHS", 11_875_000),
            },
        ],
    };

    private static Entry CreditEntry => new()
    {
        NtryRef = "CRDR-NTRY-000000912",
        Amount = new Money("GHS", 11_875_000),
        CreditDebit = CreditDebit.Credit,
        BookingDate = new DateOnly(2026, 11, 23),
        ValueDate = new DateOnly(2026, 11, 23),
        AcctSvcrRef = "CRDR-SETTLE-000000912",
        MsgId = "KCBL20261123-000187",
        InstrId = "KCBL-INS-778120",
        EndToEndId = "NAIROBIELEC-INV-2026-0917",
        TxId = "KCBL-TX-778120",
        Uetr = "e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a",
        AcctSvcrTxId = "0x2d5f8e1c0b3a",
        CounterpartyName = "Nairobi Electronics Distributors Ltd",
        CounterpartyAccount = new CashAccount { OtherId = "1180297734" },
        CounterpartyAgentBic = "KCBLKENX",
        RemittanceLine = "ACM-INV-2026-0917",
        Documents =
        [
            new ReferredDocument { TypeCode = "CINV", Number = "ACM-INV-2026-0917" },
            new ReferredDocument { TypeProprietary = "LOCR", Number = "KCB-LC-2026-0042" },
        ],
    };

    private static Entry DebitEntry => new()
    {
        NtryRef = "CRDR-NTRY-000000913",
        Amount = new Money("GHS", 250_000_00),
        CreditDebit = CreditDebit.Debit,
        BookingDate = new DateOnly(2026, 11, 23),
        ValueDate = new DateOnly(2026, 11, 23),
        AcctSvcrRef = "CRDR-SETTLE-000000913",
        MsgId = "GHCB-LIQ-20261123-0002",
        EndToEndId = "GHCB-LIQ-0002",
        Uetr = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a",
        CounterpartyName = "Stanbic Bank Ghana",
        CounterpartyAccount = new CashAccount { Iban = "GB29NWBK60161331926819" },
        CounterpartyAgentBic = "SBICGHAC",
        BankTxSubFamily = "DMCT",
    };

    public static AccountReport Report(AccountReportKind kind) => new()
    {
        MsgId = "CRDR-" + kind switch { AccountReportKind.Statement053 => "STMT", AccountReportKind.IntradayReport052 => "RPT", _ => "NTF" } + "-20261123-GHCB",
        CreDtTm = Now,
        ReportId = "GHCB-GHS-20261123",
        ElectronicSequenceNumber = 327,
        FromDateTime = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero),
        ToDateTime = new DateTimeOffset(2026, 11, 23, 23, 59, 59, TimeSpan.Zero),
        Account = new CashAccount { OtherId = "GHS-SETTLEMENT-GHCBGHAC", Currency = "GHS" },
        AccountOwnerName = "GH Commercial Bank",
        AccountServicer = Node,
        Balances = kind switch
        {
            AccountReportKind.Statement053 =>
            [
                new Balance { TypeCode = "OPBD", Currency = "GHS", AmountMinor = 4_210_000_00, Date = new DateOnly(2026, 11, 23) },
                new Balance { TypeCode = "CLBD", Currency = "GHS", AmountMinor = 4_210_000_00 + 11_875_000 - 250_000_00, Date = new DateOnly(2026, 11, 23) },
            ],
            AccountReportKind.IntradayReport052 =>
            [
                new Balance { TypeCode = "ITBD", Currency = "GHS", AmountMinor = 4_210_000_00 + 11_875_000, Date = new DateOnly(2026, 11, 23) },
            ],
            _ => [],
        },
        Entries = kind == AccountReportKind.Notification054 ? [CreditEntry] : [CreditEntry, DebitEntry],
    };
}
