using System.Xml;
using Corridor.Iso20022.Model;
using static Corridor.Iso20022.Reading.ComponentReader;
using static Corridor.Iso20022.Reading.XmlCursor;

namespace Corridor.Iso20022.Reading;

/// <summary>Streaming readers for the messages Corridor mostly emits (pacs.002, camt.029, camt.052/053/054), for peers and round trips.</summary>
internal static class ReportReader
{
    /// <summary>pacs.028.001.04 FIToFIPmtStsReq.</summary>
    public static StatusRequest Pacs028(XmlReader r)
    {
        string? msgId = null;
        DateTimeOffset? cre = null;
        Agent? instg = null, instd = null;
        var txs = new List<StatusRequestTransaction>(1);
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "GrpHdr": (msgId, cre, instg, instd) = StatusGroupHeader(r); break;
                case "TxInf": txs.Add(StatusRequestTx(r)); break;
                default: Skip(r); break;
            }
        }
        if (msgId is null || cre is null) throw Refuse(r, "incomplete GrpHdr");
        return new StatusRequest { RequestMsgId = msgId, CreDtTm = cre.Value, InstgAgt = instg, InstdAgt = instd, Transactions = ValueList.From(txs) };
    }

    private static StatusRequestTransaction StatusRequestTx(XmlReader r)
    {
        string? stsReqId = null, e2e = null, uetr = null;
        OriginalGroupInfo? grp = null;
        DateTimeOffset? execution = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "StsReqId": stsReqId = Text(r); break;
                case "OrgnlGrpInf": grp = OriginalGroup(r); break;
                case "OrgnlEndToEndId": e2e = Text(r); break;
                case "OrgnlUETR": uetr = Text(r); break;
                case "OrgnlTxRef":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName != "ReqdExctnDt") { Skip(r); continue; }
                        int d3 = Enter(r);
                        while (Next(r, d3))
                        {
                            if (r.LocalName == "DtTm") execution = DateTime(r);
                            else Skip(r);
                        }
                    }
                    break;
                default: Skip(r); break;
            }
        }
        return new StatusRequestTransaction { StsReqId = stsReqId, OrgnlGrpInf = grp, OrgnlEndToEndId = e2e, OrgnlUetr = uetr, OrgnlRequestedExecution = execution };
    }

    public static StatusReport Pacs002(XmlReader r)
    {
        string? msgId = null, orgnlMsgId = null, orgnlNmId = null, orgnlNb = null, grpSts = null;
        DateTimeOffset? cre = null, orgnlCre = null;
        Agent? instg = null, instd = null;
        List<ReasonInfo>? grpReasons = null;
        var txs = new List<TransactionStatus>(1);
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "GrpHdr": (msgId, cre, instg, instd) = StatusGroupHeader(r); break;
                case "OrgnlGrpInfAndSts":
                    // Corridor writes one; a peer's later blocks only add group reasons.
                    int d3 = Enter(r);
                    while (Next(r, d3))
                    {
                        switch (r.LocalName)
                        {
                            case "OrgnlMsgId": orgnlMsgId ??= Text(r); break;
                            case "OrgnlMsgNmId": orgnlNmId ??= Text(r); break;
                            case "OrgnlCreDtTm": orgnlCre ??= DateTime(r); break;
                            case "OrgnlNbOfTxs": orgnlNb ??= Text(r); break;
                            case "GrpSts": grpSts ??= Text(r); break;
                            case "StsRsnInf": (grpReasons ??= []).Add(Reason(r)); break;
                            default: Skip(r); break;
                        }
                    }
                    break;
                case "TxInfAndSts": txs.Add(TxStatus(r)); break;
                default: Skip(r); break;
            }
        }
        if (msgId is null || cre is null) throw Refuse(r, "incomplete GrpHdr");
        return new StatusReport
        {
            ReportMsgId = msgId, CreDtTm = cre.Value, InstgAgt = instg, InstdAgt = instd,
            OrgnlMsgId = orgnlMsgId ?? StatusReport.NoReference, OrgnlMsgNmId = orgnlNmId ?? StatusReport.NoReference,
            OrgnlCreDtTm = orgnlCre, OrgnlNbOfTxs = orgnlNb, GroupStatus = grpSts, GroupReasons = ValueList.From(grpReasons),
            Transactions = ValueList.From(txs),
        };
    }

    private static TransactionStatus TxStatus(XmlReader r)
    {
        string? stsId = null, instr = null, e2e = null, tx = null, uetr = null, sts = null, acctSvcrRef = null;
        DateTimeOffset? accptnc = null;
        List<ReasonInfo>? reasons = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "StsId": stsId = Text(r); break;
                case "OrgnlInstrId": instr = Text(r); break;
                case "OrgnlEndToEndId": e2e = Text(r); break;
                case "OrgnlTxId": tx = Text(r); break;
                case "OrgnlUETR": uetr = Text(r); break;
                case "TxSts": sts = Text(r); break;
                case "StsRsnInf": (reasons ??= []).Add(Reason(r)); break;
                case "AccptncDtTm": accptnc = DateTime(r); break;
                case "AcctSvcrRef": acctSvcrRef = Text(r); break;
                default: Skip(r); break;
            }
        }
        return new TransactionStatus
        {
            StsId = stsId, OrgnlInstrId = instr, OrgnlEndToEndId = e2e, OrgnlTxId = tx, OrgnlUetr = uetr,
            TxSts = sts ?? throw Refuse(r, "TxInfAndSts without TxSts (Corridor needs a status per transaction)"),
            Reasons = ValueList.From(reasons), AccptncDtTm = accptnc, AcctSvcrRef = acctSvcrRef,
        };
    }

    public static ResolutionOfInvestigation Camt029(XmlReader r)
    {
        string? id = null, caseId = null, conf = null;
        Agent? assgnr = null, assgne = null, cretr = null;
        DateTimeOffset? cre = null;
        var txs = new List<CancellationStatus>(1);
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Assgnmt": (id, assgnr, assgne, cre) = MessageReader.Assignment(r); break;
                case "RslvdCase": (caseId, cretr) = MessageReader.Case(r); break;
                case "Sts":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "Conf") conf = Text(r);
                        else Skip(r);
                    }
                    break;
                case "CxlDtls":
                    int d3 = Enter(r);
                    while (Next(r, d3))
                    {
                        if (r.LocalName == "TxInfAndSts") txs.Add(CancellationStatus(r));
                        else Skip(r);
                    }
                    break;
                default: Skip(r); break;
            }
        }
        if (id is null || assgnr is null || assgne is null || cre is null) throw Refuse(r, "incomplete Assgnmt");
        return new ResolutionOfInvestigation
        {
            AssignmentId = id, Assigner = assgnr, Assignee = assgne, CreDtTm = cre.Value, ResolvedCaseId = caseId, CaseCreator = cretr,
            Confirmation = conf ?? throw Refuse(r, "Sts without Conf (Corridor reads CNCL/RJCR confirmations only)"),
            Transactions = ValueList.From(txs),
        };
    }

    private static CancellationStatus CancellationStatus(XmlReader r)
    {
        string? id = null, instr = null, e2e = null, tx = null, uetr = null, sts = null;
        OriginalGroupInfo? grp = null;
        Money? amt = null;
        List<ReasonInfo>? reasons = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "CxlStsId": id = Text(r); break;
                case "OrgnlGrpInf": grp = OriginalGroup(r); break;
                case "OrgnlInstrId": instr = Text(r); break;
                case "OrgnlEndToEndId": e2e = Text(r); break;
                case "OrgnlTxId": tx = Text(r); break;
                case "OrgnlUETR": uetr = Text(r); break;
                case "TxCxlSts": sts = Text(r); break;
                case "CxlStsRsnInf": (reasons ??= []).Add(Reason(r)); break;
                case "OrgnlIntrBkSttlmAmt": amt = Money(r); break;
                default: Skip(r); break;
            }
        }
        return new CancellationStatus
        {
            CxlStsId = id, OrgnlGrpInf = grp, OrgnlInstrId = instr, OrgnlEndToEndId = e2e, OrgnlTxId = tx, OrgnlUetr = uetr,
            TxCxlSts = sts ?? throw Refuse(r, "TxInfAndSts without TxCxlSts"), Reasons = ValueList.From(reasons), OrgnlIntrBkSttlmAmt = amt,
        };
    }

    public static AccountReportMessage Camt05x(XmlReader r, AccountReportKind kind, string block)
    {
        string? msgId = null;
        DateTimeOffset? cre = null;
        AccountReport? report = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "GrpHdr")
            {
                int d2 = Enter(r);
                while (Next(r, d2))
                {
                    if (r.LocalName == "MsgId") msgId = Text(r);
                    else if (r.LocalName == "CreDtTm") cre = DateTime(r);
                    else Skip(r);
                }
            }
            else if (r.LocalName == block && report is null)
            {
                report = Block(r, msgId ?? throw Refuse(r, "no GrpHdr/MsgId"), cre ?? throw Refuse(r, "no GrpHdr/CreDtTm"));
            }
            else
            {
                // Corridor writes one account per message; further blocks are refused rather than silently dropped.
                if (r.LocalName == block) throw Refuse(r, $"more than one {block}: Corridor reads one account per message");
                Skip(r);
            }
        }
        return new AccountReportMessage { Kind = kind, Report = report ?? throw Refuse(r, "no " + block) };
    }

    private static AccountReport Block(XmlReader r, string msgId, DateTimeOffset cre)
    {
        string? id = null, owner = null;
        long? seq = null;
        DateTimeOffset? from = null, to = null;
        CashAccount? acct = null;
        Agent? svcr = null;
        List<Balance>? balances = null;
        List<Entry>? entries = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Id": id = Text(r); break;
                case "ElctrncSeqNb": seq = Long(r); break;
                case "FrToDt":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "FrDtTm") from = DateTime(r);
                        else if (r.LocalName == "ToDtTm") to = DateTime(r);
                        else Skip(r);
                    }
                    break;
                case "Acct": (acct, owner, svcr) = ReportAccount(r); break;
                case "Bal": (balances ??= []).Add(Balance(r)); break;
                case "Ntry": (entries ??= []).Add(Entry(r)); break;
                default: Skip(r); break;
            }
        }
        return new AccountReport
        {
            MsgId = msgId, CreDtTm = cre, ReportId = id ?? throw Refuse(r, "report without Id"), ElectronicSequenceNumber = seq,
            FromDateTime = from, ToDateTime = to, Account = acct ?? throw Refuse(r, "report without Acct"),
            AccountOwnerName = owner, AccountServicer = svcr, Balances = ValueList.From(balances), Entries = ValueList.From(entries),
        };
    }

    /// <summary>CashAccount39: the account fields plus Ownr/Nm and Svcr.</summary>
    private static (CashAccount, string?, Agent?) ReportAccount(XmlReader r)
    {
        string? iban = null, othr = null, scheme = null, ccy = null, nm = null, owner = null;
        Agent? svcr = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Id":
                    var idOnly = AccountIdOnly(r);
                    (iban, othr, scheme) = (idOnly.Iban, idOnly.OtherId, idOnly.OtherSchemeCode);
                    break;
                case "Ccy": ccy = Text(r); break;
                case "Nm": nm = Text(r); break;
                case "Ownr": owner = Party(r).Name; break;
                case "Svcr": svcr = Agent(r); break;
                default: Skip(r); break;
            }
        }
        return (new CashAccount { Iban = iban, OtherId = othr, OtherSchemeCode = scheme, Currency = ccy, Name = nm }, owner, svcr);
    }

    private static CashAccount AccountIdOnly(XmlReader r)
    {
        string? iban = null, othr = null, scheme = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "IBAN") iban = Text(r);
            else if (r.LocalName == "Othr")
            {
                int d2 = Enter(r);
                while (Next(r, d2))
                {
                    if (r.LocalName == "Id") othr = Text(r);
                    else if (r.LocalName == "SchmeNm") scheme = CodeOrProprietary(r).Code;
                    else Skip(r);
                }
            }
            else Skip(r);
        }
        return new CashAccount { Iban = iban, OtherId = othr, OtherSchemeCode = scheme };
    }

    private static Balance Balance(XmlReader r)
    {
        string? type = null;
        Money? amt = null;
        bool debit = false;
        DateOnly? dt = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Tp":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "CdOrPrtry") type = CodeOrProprietary(r) is var (c, p) ? c ?? p : null;
                        else Skip(r);
                    }
                    break;
                case "Amt": amt = Money(r); break;
                case "CdtDbtInd": debit = Text(r) == "DBIT"; break;
                case "Dt": dt = DateChoice(r); break;
                default: Skip(r); break;
            }
        }
        if (type is null || amt is null || dt is null) throw Refuse(r, "incomplete Bal");
        return new Balance { TypeCode = type, Currency = amt.Value.Currency, AmountMinor = debit ? -amt.Value.AmountMinor : amt.Value.AmountMinor, Date = dt.Value };
    }

    /// <summary>DateAndDateTime2Choice: Dt, or the date part of DtTm.</summary>
    private static DateOnly? DateChoice(XmlReader r)
    {
        DateOnly? result = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "Dt") result = Date(r);
            else if (r.LocalName == "DtTm") result = DateOnly.FromDateTime(DateTime(r).DateTime);
            else Skip(r);
        }
        return result;
    }

    private static Entry Entry(XmlReader r)
    {
        string? ntryRef = null, sts = null, acctSvcrRef = null, domn = null, fmly = null, subFmly = null, addtl = null;
        Money? amt = null;
        bool debit = false;
        DateOnly? bookg = null, val = null;
        TxRefs refs = default;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "NtryRef": ntryRef = Text(r); break;
                case "Amt": amt = Money(r); break;
                case "CdtDbtInd": debit = Text(r) == "DBIT"; break;
                case "Sts": sts = CodeOrProprietary(r) is var (c, p) ? c ?? p : null; break;
                case "BookgDt": bookg = DateChoice(r); break;
                case "ValDt": val = DateChoice(r); break;
                case "AcctSvcrRef": acctSvcrRef = Text(r); break;
                case "BkTxCd": (domn, fmly, subFmly) = BankTxCode(r); break;
                case "NtryDtls":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "TxDtls" && refs.IsEmpty) refs = TxDetails(r);
                        else Skip(r);
                    }
                    break;
                case "AddtlNtryInf": addtl = Text(r); break;
                default: Skip(r); break;
            }
        }
        if (amt is null) throw Refuse(r, "Ntry without Amt");
        bool credit = !debit;
        // Defaults the writer fills in are read back as "not set" so that models round-trip.
        return new Entry
        {
            NtryRef = ntryRef, Amount = amt.Value, CreditDebit = debit ? CreditDebit.Debit : CreditDebit.Credit, Status = sts ?? "BOOK",
            BookingDate = bookg, ValueDate = val, AcctSvcrRef = acctSvcrRef,
            BankTxDomain = domn == "PMNT" ? null : domn,
            BankTxFamily = fmly == (credit ? "RCDT" : "ICDT") ? null : fmly,
            BankTxSubFamily = subFmly == "XBCT" ? null : subFmly,
            MsgId = refs.MsgId, InstrId = refs.InstrId, EndToEndId = refs.EndToEndId, TxId = refs.TxId, Uetr = refs.Uetr, AcctSvcrTxId = refs.AcctSvcrTxId,
            CounterpartyName = refs.CounterpartyName, CounterpartyAccount = refs.CounterpartyAccount, CounterpartyAgentBic = refs.CounterpartyAgentBic,
            RemittanceLine = refs.RemittanceLine, Documents = refs.Documents,
            AdditionalInfo = addtl,
        };
    }

    private readonly record struct TxRefs(string? MsgId, string? InstrId, string? EndToEndId, string? TxId, string? Uetr, string? AcctSvcrTxId,
        string? CounterpartyName, CashAccount? CounterpartyAccount, string? CounterpartyAgentBic, string? RemittanceLine, ValueList<ReferredDocument> Documents)
    {
        public bool IsEmpty => this == default;
    }

    private static (string?, string?, string?) BankTxCode(XmlReader r)
    {
        string? domn = null, fmly = null, sub = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName != "Domn") { Skip(r); continue; }
            int d2 = Enter(r);
            while (Next(r, d2))
            {
                if (r.LocalName == "Cd") domn = Text(r);
                else if (r.LocalName == "Fmly")
                {
                    int d3 = Enter(r);
                    while (Next(r, d3))
                    {
                        if (r.LocalName == "Cd") fmly = Text(r);
                        else if (r.LocalName == "SubFmlyCd") sub = Text(r);
                        else Skip(r);
                    }
                }
                else Skip(r);
            }
        }
        return (domn, fmly, sub);
    }

    private static TxRefs TxDetails(XmlReader r)
    {
        string? msgId = null, instr = null, e2e = null, tx = null, uetr = null, svcrTx = null, cpty = null, cptyBic = null, rmt = null;
        CashAccount? cptyAccount = null;
        ValueList<ReferredDocument> documents = default;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Refs":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        switch (r.LocalName)
                        {
                            case "MsgId": msgId = Text(r); break;
                            case "InstrId": instr = Text(r); break;
                            case "EndToEndId": e2e = Text(r); break;
                            case "TxId": tx = Text(r); break;
                            case "UETR": uetr = Text(r); break;
                            case "AcctSvcrTxId": svcrTx = Text(r); break;
                            default: Skip(r); break;
                        }
                    }
                    break;
                case "RltdPties":
                    int d3 = Enter(r);
                    while (Next(r, d3))
                    {
                        if (r.LocalName is "Dbtr" or "Cdtr") cpty ??= AgentOrParty(r).Name;
                        else if (r.LocalName is "DbtrAcct" or "CdtrAcct") cptyAccount ??= Account(r);
                        else Skip(r);
                    }
                    break;
                case "RltdAgts":
                    int d4 = Enter(r);
                    while (Next(r, d4))
                    {
                        if (r.LocalName is "DbtrAgt" or "CdtrAgt") cptyBic ??= Agent(r).Bicfi;
                        else Skip(r);
                    }
                    break;
                case "RmtInf":
                    RemittanceInfo remittance = Remittance(r);
                    if (remittance.Unstructured.Count > 0) rmt ??= remittance.Unstructured[0];
                    if (remittance.Structured.Count > 0 && documents.Count == 0) documents = remittance.Structured[0].Documents;
                    break;
                default: Skip(r); break;
            }
        }
        return new TxRefs(msgId, instr, e2e, tx, uetr, svcrTx, cpty, cptyAccount, cptyBic, rmt, documents);
    }

    /// <summary>The group header of a status report or request: MsgId, CreDtTm and the two agents (other elements skipped).</summary>
    private static (string? MsgId, DateTimeOffset? Created, Agent? Instructing, Agent? Instructed) StatusGroupHeader(XmlReader r)
    {
        string? msgId = null;
        DateTimeOffset? cre = null;
        Agent? instg = null, instd = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "MsgId": msgId = Text(r); break;
                case "CreDtTm": cre = DateTime(r); break;
                case "InstgAgt": instg = Agent(r); break;
                case "InstdAgt": instd = Agent(r); break;
                default: Skip(r); break;
            }
        }
        return (msgId, cre, instg, instd);
    }
}
