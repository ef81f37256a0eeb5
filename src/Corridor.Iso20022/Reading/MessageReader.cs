using System.Xml;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Xml;
using static Corridor.Iso20022.Reading.ComponentReader;
using static Corridor.Iso20022.Reading.XmlCursor;

namespace Corridor.Iso20022.Reading;

/// <summary>Reads one ISO 20022 message (bare Document, or envelope with AppHdr + Document) from a validating reader.</summary>
internal static class MessageReader
{
    /// <summary>Root element names accepted as an envelope around AppHdr + Document (any namespace).</summary>
    public static readonly string[] EnvelopeNames = ["Envelope", "BizMsg", "RequestPayload"];

    public static (IsoMessage Message, AppHeader? Header) Read(XmlReader r)
    {
        r.MoveToContent();
        if (r.NodeType != XmlNodeType.Element) throw Refuse(r, "no root element");
        AppHeader? header = null;
        IsoMessage? message = null;
        if (r.LocalName == "Document")
        {
            message = Document(r);
        }
        else if (Array.IndexOf(EnvelopeNames, r.LocalName) >= 0)
        {
            int d = Enter(r);
            while (Next(r, d))
            {
                if (r.LocalName == "AppHdr" && header is null && message is null)
                {
                    if (r.NamespaceURI != AppHeader.Namespace)
                        throw Refuse(r, $"AppHdr namespace must be {AppHeader.Namespace}, found '{r.NamespaceURI}'");
                    header = AppHeaderReader.Read(r);
                }
                else if (r.LocalName == "Document" && message is null)
                {
                    message = Document(r);
                }
                else
                {
                    throw Refuse(r, $"unexpected element '{r.LocalName}' in envelope (expected AppHdr then Document)");
                }
            }
            if (header is null) throw Refuse(r, "envelope without AppHdr");
            if (message is null) throw Refuse(r, "envelope without Document");
            if (header.MsgDefIdr != message.MessageDefinition)
                throw Refuse(r, $"AppHdr MsgDefIdr '{header.MsgDefIdr}' does not match Document '{message.MessageDefinition}'");
        }
        else
        {
            throw Refuse(r, $"root element '{r.LocalName}' is neither Document nor an envelope ({string.Join(", ", EnvelopeNames)})");
        }
        // Read to the end so that trailing garbage or a late validation error is not ignored.
        while (r.Read())
        {
            if (r.NodeType == XmlNodeType.Element) throw Refuse(r, "content after the message");
        }
        return (message, header);
    }

    private static IsoMessage Document(XmlReader r)
    {
        string? def = SchemaCatalog.DefinitionOf(r.NamespaceURI);
        if (def is null)
            throw Refuse(r, $"unsupported message namespace '{r.NamespaceURI}' (supported: {string.Join(", ", SchemaCatalog.Definitions)})");
        IsoMessage? message = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (message is not null) throw Refuse(r, "more than one message in Document");
            message = (def, r.LocalName) switch
            {
                (Pacs008Message.Definition, "FIToFICstmrCdtTrf") => Pacs008(r),
                (Pacs009Message.Definition, "FICdtTrf") => Pacs009(r),
                (Pacs004Message.Definition, "PmtRtr") => Pacs004(r),
                (Camt056Message.Definition, "FIToFIPmtCxlReq") => Camt056(r),
                (StatusReport.Definition, "FIToFIPmtStsRpt") => ReportReader.Pacs002(r),
                (StatusRequest.Definition, "FIToFIPmtStsReq") => ReportReader.Pacs028(r),
                (ResolutionOfInvestigation.Definition, "RsltnOfInvstgtn") => ReportReader.Camt029(r),
                ("camt.052.001.08", "BkToCstmrAcctRpt") => ReportReader.Camt05x(r, AccountReportKind.IntradayReport052, "Rpt"),
                ("camt.053.001.08", "BkToCstmrStmt") => ReportReader.Camt05x(r, AccountReportKind.Statement053, "Stmt"),
                ("camt.054.001.08", "BkToCstmrDbtCdtNtfctn") => ReportReader.Camt05x(r, AccountReportKind.Notification054, "Ntfctn"),
                _ => throw Refuse(r, $"unexpected message element {r.LocalName} for {def}"),
            };
        }
        return message ?? throw Refuse(r, "empty Document");
    }

    private static Pacs008Message Pacs008(XmlReader r)
    {
        GroupHeader? hdr = null;
        var txs = new List<CustomerCreditTransfer>(1);
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "GrpHdr") hdr = GroupHeader(r);
            else if (r.LocalName == "CdtTrfTxInf") txs.Add(CustomerTx(r));
            else Skip(r);
        }
        return new Pacs008Message { GrpHdr = hdr ?? throw Refuse(r, "no GrpHdr"), Transactions = ValueList.From(txs) };
    }

    private static CustomerCreditTransfer CustomerTx(XmlReader r)
    {
        PaymentIdentification? pmtId = null;
        Money? sttlm = null, instd = null;
        DateOnly? sttlmDt = null;
        TimeOnly? rjctTm = null;
        ExchangeRate? rate = null;
        string? chrgBr = null, purpCd = null, purpPrtry = null;
        List<string>? nextAgent = null;
        Agent? instg = null, instdAgt = null, dbtrAgt = null, cdtrAgt = null;
        Party? dbtr = null, cdtr = null;
        CashAccount? dbtrAcct = null, cdtrAcct = null;
        List<RegulatoryReporting>? rgltry = null;
        RemittanceInfo? rmt = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "PmtId": pmtId = PaymentId(r); break;
                case "IntrBkSttlmAmt": sttlm = Money(r); break;
                case "IntrBkSttlmDt": sttlmDt = Date(r); break;
                case "SttlmTmReq": rjctTm = RejectTime(r); break;
                case "InstdAmt": instd = Money(r); break;
                case "XchgRate": rate = Rate(r); break;
                case "ChrgBr": chrgBr = Text(r); break;
                case "InstgAgt": instg = Agent(r); break;
                case "InstdAgt": instdAgt = Agent(r); break;
                case "Dbtr": dbtr = Party(r); break;
                case "DbtrAcct": dbtrAcct = Account(r); break;
                case "DbtrAgt": dbtrAgt = Agent(r); break;
                case "CdtrAgt": cdtrAgt = Agent(r); break;
                case "Cdtr": cdtr = Party(r); break;
                case "CdtrAcct": cdtrAcct = Account(r); break;
                case "InstrForNxtAgt": (nextAgent ??= []).AddRange(NextAgent(r)); break;
                case "Purp": (purpCd, purpPrtry) = CodeOrProprietary(r); break;
                case "RgltryRptg": (rgltry ??= []).Add(Regulatory(r)); break;
                case "RmtInf": rmt = Remittance(r); break;
                default: Skip(r); break;
            }
        }
        if (pmtId is null || sttlm is null || chrgBr is null || dbtr is null || dbtrAgt is null || cdtrAgt is null || cdtr is null)
            throw Refuse(r, "incomplete CdtTrfTxInf");
        return new CustomerCreditTransfer
        {
            PmtId = pmtId, IntrBkSttlmAmt = sttlm.Value, IntrBkSttlmDt = sttlmDt, RejectTime = rjctTm, InstdAmt = instd, XchgRate = rate, ChrgBr = chrgBr,
            InstgAgt = instg, InstdAgt = instdAgt, Dbtr = dbtr, DbtrAcct = dbtrAcct, DbtrAgt = dbtrAgt, CdtrAgt = cdtrAgt,
            Cdtr = cdtr, CdtrAcct = cdtrAcct, NextAgentInstructions = ValueList.From(nextAgent), PurposeCode = purpCd, PurposeProprietary = purpPrtry,
            RgltryRptg = ValueList.From(rgltry), RmtInf = rmt,
        };
    }

    /// <summary>SttlmTmReq: its RjctTm (the other times are not kept).</summary>
    private static TimeOnly? RejectTime(XmlReader r)
    {
        TimeOnly? time = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "RjctTm") time = UtcTime(r);
            else Skip(r);
        }
        return time;
    }

    /// <summary>InstrForNxtAgt: its InstrInf (the code is not kept).</summary>
    private static List<string> NextAgent(XmlReader r)
    {
        var lines = new List<string>(1);
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "InstrInf") lines.Add(Text(r));
            else Skip(r);
        }
        return lines;
    }

    private static Pacs009Message Pacs009(XmlReader r)
    {
        GroupHeader? hdr = null;
        var txs = new List<InstitutionCreditTransfer>(1);
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "GrpHdr") hdr = GroupHeader(r);
            else if (r.LocalName == "CdtTrfTxInf") txs.Add(InstitutionTx(r));
            else Skip(r);
        }
        return new Pacs009Message { GrpHdr = hdr ?? throw Refuse(r, "no GrpHdr"), Transactions = ValueList.From(txs) };
    }

    private static InstitutionCreditTransfer InstitutionTx(XmlReader r)
    {
        PaymentIdentification? pmtId = null;
        Money? sttlm = null;
        DateOnly? sttlmDt = null;
        TimeOnly? rjctTm = null;
        string? purpCd = null, purpPrtry = null;
        Agent? instg = null, instd = null, dbtr = null, dbtrAgt = null, cdtrAgt = null, cdtr = null;
        CashAccount? dbtrAcct = null, cdtrAcct = null;
        List<string>? ustrd = null, nextAgent = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "PmtId": pmtId = PaymentId(r); break;
                case "IntrBkSttlmAmt": sttlm = Money(r); break;
                case "IntrBkSttlmDt": sttlmDt = Date(r); break;
                case "SttlmTmReq": rjctTm = RejectTime(r); break;
                case "InstgAgt": instg = Agent(r); break;
                case "InstdAgt": instd = Agent(r); break;
                case "Dbtr": dbtr = Agent(r); break;
                case "DbtrAcct": dbtrAcct = Account(r); break;
                case "DbtrAgt": dbtrAgt = Agent(r); break;
                case "CdtrAgt": cdtrAgt = Agent(r); break;
                case "Cdtr": cdtr = Agent(r); break;
                case "CdtrAcct": cdtrAcct = Account(r); break;
                case "InstrForNxtAgt": (nextAgent ??= []).AddRange(NextAgent(r)); break;
                case "Purp": (purpCd, purpPrtry) = CodeOrProprietary(r); break;
                case "RmtInf":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "Ustrd") (ustrd ??= []).Add(Text(r));
                        else Skip(r);
                    }
                    break;
                default: Skip(r); break;
            }
        }
        if (pmtId is null || sttlm is null || dbtr is null || cdtr is null) throw Refuse(r, "incomplete CdtTrfTxInf");
        return new InstitutionCreditTransfer
        {
            PmtId = pmtId, IntrBkSttlmAmt = sttlm.Value, IntrBkSttlmDt = sttlmDt, RejectTime = rjctTm, InstgAgt = instg, InstdAgt = instd,
            Dbtr = dbtr, DbtrAcct = dbtrAcct, DbtrAgt = dbtrAgt, CdtrAgt = cdtrAgt, Cdtr = cdtr, CdtrAcct = cdtrAcct,
            NextAgentInstructions = ValueList.From(nextAgent), PurposeCode = purpCd, PurposeProprietary = purpPrtry, RemittanceLines = ValueList.From(ustrd),
        };
    }

    private static Pacs004Message Pacs004(XmlReader r)
    {
        GroupHeader? hdr = null;
        OriginalGroupInfo? grp = null;
        List<ReasonInfo>? reasons = null;
        var txs = new List<PaymentReturn>(1);
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "GrpHdr") hdr = GroupHeader(r);
            else if (r.LocalName == "OrgnlGrpInf") (grp, reasons) = ReturnGroup(r);
            else if (r.LocalName == "TxInf") txs.Add(ReturnTx(r));
            else Skip(r);
        }
        return new Pacs004Message
        {
            GrpHdr = hdr ?? throw Refuse(r, "no GrpHdr"), OrgnlGrpInf = grp, GroupReasons = ValueList.From(reasons), Transactions = ValueList.From(txs),
        };
    }

    /// <summary>OriginalGroupHeader18: OrgnlMsgId, OrgnlMsgNmId, OrgnlCreDtTm, RtrRsnInf.</summary>
    private static (OriginalGroupInfo, List<ReasonInfo>?) ReturnGroup(XmlReader r)
    {
        string? id = null, nm = null;
        DateTimeOffset? cre = null;
        List<ReasonInfo>? reasons = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "OrgnlMsgId": id = Text(r); break;
                case "OrgnlMsgNmId": nm = Text(r); break;
                case "OrgnlCreDtTm": cre = DateTime(r); break;
                case "RtrRsnInf": (reasons ??= []).Add(Reason(r)); break;
                default: Skip(r); break;
            }
        }
        if (id is null || nm is null) throw Refuse(r, "incomplete OrgnlGrpInf");
        return (new OriginalGroupInfo(id, nm, cre), reasons);
    }

    private static PaymentReturn ReturnTx(XmlReader r)
    {
        string? rtrId = null, instr = null, e2e = null, tx = null, uetr = null, chrgBr = null;
        OriginalGroupInfo? grp = null;
        Money? orgnlAmt = null, rtrd = null, rtrdInstd = null;
        DateOnly? orgnlDt = null, dt = null;
        ExchangeRate? rate = null;
        Agent? instg = null, instd = null;
        List<ReasonInfo>? reasons = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "RtrId": rtrId = Text(r); break;
                case "OrgnlGrpInf": grp = OriginalGroup(r); break;
                case "OrgnlInstrId": instr = Text(r); break;
                case "OrgnlEndToEndId": e2e = Text(r); break;
                case "OrgnlTxId": tx = Text(r); break;
                case "OrgnlUETR": uetr = Text(r); break;
                case "OrgnlIntrBkSttlmAmt": orgnlAmt = Money(r); break;
                case "OrgnlIntrBkSttlmDt": orgnlDt = Date(r); break;
                case "RtrdIntrBkSttlmAmt": rtrd = Money(r); break;
                case "IntrBkSttlmDt": dt = Date(r); break;
                case "RtrdInstdAmt": rtrdInstd = Money(r); break;
                case "XchgRate": rate = Rate(r); break;
                case "ChrgBr": chrgBr = Text(r); break;
                case "InstgAgt": instg = Agent(r); break;
                case "InstdAgt": instd = Agent(r); break;
                case "RtrRsnInf": (reasons ??= []).Add(Reason(r)); break;
                default: Skip(r); break;
            }
        }
        return new PaymentReturn
        {
            RtrId = rtrId, OrgnlGrpInf = grp, OrgnlInstrId = instr, OrgnlEndToEndId = e2e, OrgnlTxId = tx, OrgnlUetr = uetr,
            OrgnlIntrBkSttlmAmt = orgnlAmt, OrgnlIntrBkSttlmDt = orgnlDt,
            RtrdIntrBkSttlmAmt = rtrd ?? throw Refuse(r, "TxInf without RtrdIntrBkSttlmAmt"),
            IntrBkSttlmDt = dt, RtrdInstdAmt = rtrdInstd, XchgRate = rate, ChrgBr = chrgBr, InstgAgt = instg, InstdAgt = instd,
            Reasons = ValueList.From(reasons),
        };
    }

    private static Camt056Message Camt056(XmlReader r)
    {
        string? id = null, caseId = null;
        Agent? assgnr = null, assgne = null, cretr = null;
        DateTimeOffset? cre = null;
        var txs = new List<CancellationRequest>(1);
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Assgnmt": (id, assgnr, assgne, cre) = Assignment(r); break;
                case "Case": (caseId, cretr) = Case(r); break;
                case "Undrlyg":
                    int d3 = Enter(r);
                    while (Next(r, d3))
                    {
                        if (r.LocalName == "TxInf") txs.Add(CancellationTx(r));
                        else Skip(r);
                    }
                    break;
                default: Skip(r); break;
            }
        }
        if (id is null || assgnr is null || assgne is null || cre is null) throw Refuse(r, "incomplete Assgnmt");
        return new Camt056Message
        {
            AssignmentId = id, Assigner = assgnr, Assignee = assgne, CreDtTm = cre.Value, CaseId = caseId, CaseCreator = cretr,
            Transactions = ValueList.From(txs),
        };
    }

    /// <summary>CaseAssignment5: Id, Assgnr, Assgne, CreDtTm.</summary>
    internal static (string? Id, Agent? Assigner, Agent? Assignee, DateTimeOffset? CreDtTm) Assignment(XmlReader r)
    {
        string? id = null;
        Agent? assgnr = null, assgne = null;
        DateTimeOffset? cre = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Id": id = Text(r); break;
                case "Assgnr": assgnr = AgentOrParty(r); break;
                case "Assgne": assgne = AgentOrParty(r); break;
                case "CreDtTm": cre = DateTime(r); break;
                default: Skip(r); break;
            }
        }
        return (id, assgnr, assgne, cre);
    }

    /// <summary>Case5: Id and Cretr.</summary>
    internal static (string? Id, Agent? Creator) Case(XmlReader r)
    {
        string? id = null;
        Agent? cretr = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "Id") id = Text(r);
            else if (r.LocalName == "Cretr") cretr = AgentOrParty(r);
            else Skip(r);
        }
        return (id, cretr);
    }

    private static CancellationRequest CancellationTx(XmlReader r)
    {
        string? cxlId = null, instr = null, e2e = null, tx = null, uetr = null;
        OriginalGroupInfo? grp = null;
        Money? amt = null;
        DateOnly? dt = null;
        List<ReasonInfo>? reasons = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "CxlId": cxlId = Text(r); break;
                case "OrgnlGrpInf": grp = OriginalGroup(r); break;
                case "OrgnlInstrId": instr = Text(r); break;
                case "OrgnlEndToEndId": e2e = Text(r); break;
                case "OrgnlTxId": tx = Text(r); break;
                case "OrgnlUETR": uetr = Text(r); break;
                case "OrgnlIntrBkSttlmAmt": amt = Money(r); break;
                case "OrgnlIntrBkSttlmDt": dt = Date(r); break;
                case "CxlRsnInf": (reasons ??= []).Add(Reason(r)); break;
                default: Skip(r); break;
            }
        }
        return new CancellationRequest
        {
            CxlId = cxlId, OrgnlGrpInf = grp, OrgnlInstrId = instr, OrgnlEndToEndId = e2e, OrgnlTxId = tx, OrgnlUetr = uetr,
            OrgnlIntrBkSttlmAmt = amt, OrgnlIntrBkSttlmDt = dt, Reasons = ValueList.From(reasons),
        };
    }
}
