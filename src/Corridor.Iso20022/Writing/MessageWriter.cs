using System.Globalization;
using System.Xml;
using Corridor.Iso20022.Model;
using static Corridor.Iso20022.Writing.ComponentWriter;

namespace Corridor.Iso20022.Writing;

/// <summary>Builds schema-valid ISO 20022 XML (UTF-8) from the plain message models; element order follows each XSD.</summary>
public static class MessageWriter
{
    /// <summary>pacs.008.001.09 FIToFICstmrCdtTrf.</summary>
    public static byte[] Pacs008(Pacs008Message m, AppHeader? header = null, bool indent = false)
        => Document(Pacs008Message.Definition, indent, header, w =>
        {
            w.WriteStartElement("FIToFICstmrCdtTrf");
            GroupHeader(w, m.GrpHdr);
            foreach (var tx in m.Transactions)
            {
                w.WriteStartElement("CdtTrfTxInf");
                PaymentId(w, tx.PmtId);
                Amount(w, "IntrBkSttlmAmt", tx.IntrBkSttlmAmt);
                Date(w, "IntrBkSttlmDt", tx.IntrBkSttlmDt);
                RejectTime(w, tx.RejectTime);
                Amount(w, "InstdAmt", tx.InstdAmt);
                Rate(w, "XchgRate", tx.XchgRate);
                w.WriteElementString("ChrgBr", tx.ChrgBr);
                Agent(w, "InstgAgt", tx.InstgAgt);
                Agent(w, "InstdAgt", tx.InstdAgt);
                Party(w, "Dbtr", tx.Dbtr);
                Account(w, "DbtrAcct", tx.DbtrAcct);
                Agent(w, "DbtrAgt", tx.DbtrAgt);
                Agent(w, "CdtrAgt", tx.CdtrAgt);
                Party(w, "Cdtr", tx.Cdtr);
                Account(w, "CdtrAcct", tx.CdtrAcct);
                NextAgent(w, tx.NextAgentInstructions);
                CodeOrProprietary(w, "Purp", tx.PurposeCode, tx.PurposeProprietary);
                foreach (var rr in tx.RgltryRptg) Regulatory(w, rr);
                Remittance(w, tx.RmtInf);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });

    /// <summary>SttlmTmReq/RjctTm (nothing when null).</summary>
    private static void RejectTime(XmlWriter w, TimeOnly? rejectTime)
    {
        if (rejectTime is not { } t) return;
        w.WriteStartElement("SttlmTmReq");
        w.WriteElementString("RjctTm", t.ToString("HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        w.WriteEndElement();
    }

    /// <summary>One InstrForNxtAgt/InstrInf per line.</summary>
    private static void NextAgent(XmlWriter w, ValueList<string> lines)
    {
        foreach (string line in lines)
        {
            w.WriteStartElement("InstrForNxtAgt");
            w.WriteElementString("InstrInf", line);
            w.WriteEndElement();
        }
    }

    /// <summary>pacs.009.001.09 FICdtTrf.</summary>
    public static byte[] Pacs009(Pacs009Message m, AppHeader? header = null, bool indent = false)
        => Document(Pacs009Message.Definition, indent, header, w =>
        {
            w.WriteStartElement("FICdtTrf");
            GroupHeader(w, m.GrpHdr);
            foreach (var tx in m.Transactions)
            {
                w.WriteStartElement("CdtTrfTxInf");
                PaymentId(w, tx.PmtId);
                Amount(w, "IntrBkSttlmAmt", tx.IntrBkSttlmAmt);
                Date(w, "IntrBkSttlmDt", tx.IntrBkSttlmDt);
                RejectTime(w, tx.RejectTime);
                Agent(w, "InstgAgt", tx.InstgAgt);
                Agent(w, "InstdAgt", tx.InstdAgt);
                Agent(w, "Dbtr", tx.Dbtr);
                Account(w, "DbtrAcct", tx.DbtrAcct);
                Agent(w, "DbtrAgt", tx.DbtrAgt);
                Agent(w, "CdtrAgt", tx.CdtrAgt);
                Agent(w, "Cdtr", tx.Cdtr);
                Account(w, "CdtrAcct", tx.CdtrAcct);
                NextAgent(w, tx.NextAgentInstructions);
                CodeOrProprietary(w, "Purp", tx.PurposeCode, tx.PurposeProprietary);
                if (tx.RemittanceLines.Count > 0)
                {
                    w.WriteStartElement("RmtInf");
                    foreach (var line in tx.RemittanceLines) w.WriteElementString("Ustrd", line);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });

    /// <summary>pacs.004.001.10 PmtRtr.</summary>
    public static byte[] Pacs004(Pacs004Message m, AppHeader? header = null, bool indent = false)
        => Document(Pacs004Message.Definition, indent, header, w =>
        {
            w.WriteStartElement("PmtRtr");
            GroupHeader(w, m.GrpHdr);
            if (m.OrgnlGrpInf is { } g)
            {
                w.WriteStartElement("OrgnlGrpInf");
                w.WriteElementString("OrgnlMsgId", g.OrgnlMsgId);
                w.WriteElementString("OrgnlMsgNmId", g.OrgnlMsgNmId);
                DateTime(w, "OrgnlCreDtTm", g.OrgnlCreDtTm);
                foreach (var reason in m.GroupReasons) Reason(w, "RtrRsnInf", reason);
                w.WriteEndElement();
            }
            foreach (var tx in m.Transactions)
            {
                w.WriteStartElement("TxInf");
                Leaf(w, "RtrId", tx.RtrId);
                OriginalGroup(w, "OrgnlGrpInf", tx.OrgnlGrpInf);
                Leaf(w, "OrgnlInstrId", tx.OrgnlInstrId);
                Leaf(w, "OrgnlEndToEndId", tx.OrgnlEndToEndId);
                Leaf(w, "OrgnlTxId", tx.OrgnlTxId);
                Leaf(w, "OrgnlUETR", tx.OrgnlUetr);
                Amount(w, "OrgnlIntrBkSttlmAmt", tx.OrgnlIntrBkSttlmAmt);
                Date(w, "OrgnlIntrBkSttlmDt", tx.OrgnlIntrBkSttlmDt);
                Amount(w, "RtrdIntrBkSttlmAmt", tx.RtrdIntrBkSttlmAmt);
                Date(w, "IntrBkSttlmDt", tx.IntrBkSttlmDt);
                Amount(w, "RtrdInstdAmt", tx.RtrdInstdAmt);
                Rate(w, "XchgRate", tx.XchgRate);
                Leaf(w, "ChrgBr", tx.ChrgBr);
                Agent(w, "InstgAgt", tx.InstgAgt);
                Agent(w, "InstdAgt", tx.InstdAgt);
                foreach (var reason in tx.Reasons) Reason(w, "RtrRsnInf", reason);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });

    /// <summary>camt.056.001.09 FIToFIPmtCxlReq (all transactions in one Undrlyg).</summary>
    public static byte[] Camt056(Camt056Message m, AppHeader? header = null, bool indent = false)
        => Document(Camt056Message.Definition, indent, header, w =>
        {
            w.WriteStartElement("FIToFIPmtCxlReq");
            Assignment(w, m.AssignmentId, m.Assigner, m.Assignee, m.CreDtTm);
            Case(w, "Case", m.CaseId, m.CaseCreator ?? m.Assigner);
            w.WriteStartElement("Undrlyg");
            foreach (var tx in m.Transactions)
            {
                w.WriteStartElement("TxInf");
                Leaf(w, "CxlId", tx.CxlId);
                OriginalGroup(w, "OrgnlGrpInf", tx.OrgnlGrpInf);
                Leaf(w, "OrgnlInstrId", tx.OrgnlInstrId);
                Leaf(w, "OrgnlEndToEndId", tx.OrgnlEndToEndId);
                Leaf(w, "OrgnlTxId", tx.OrgnlTxId);
                Leaf(w, "OrgnlUETR", tx.OrgnlUetr);
                Amount(w, "OrgnlIntrBkSttlmAmt", tx.OrgnlIntrBkSttlmAmt);
                Date(w, "OrgnlIntrBkSttlmDt", tx.OrgnlIntrBkSttlmDt);
                foreach (var reason in tx.Reasons) Reason(w, "CxlRsnInf", reason);
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        });

    /// <summary>pacs.002.001.11 FIToFIPmtStsRpt (group status and/or transaction statuses).</summary>
    public static byte[] Pacs002(StatusReport m, AppHeader? header = null, bool indent = false)
        => Document(StatusReport.Definition, indent, header, w =>
        {
            w.WriteStartElement("FIToFIPmtStsRpt");
            StatusGroupHeader(w, m.ReportMsgId, m.CreDtTm, m.InstgAgt, m.InstdAgt);
            w.WriteStartElement("OrgnlGrpInfAndSts");
            w.WriteElementString("OrgnlMsgId", m.OrgnlMsgId);
            w.WriteElementString("OrgnlMsgNmId", m.OrgnlMsgNmId);
            DateTime(w, "OrgnlCreDtTm", m.OrgnlCreDtTm);
            Leaf(w, "OrgnlNbOfTxs", m.OrgnlNbOfTxs);
            Leaf(w, "GrpSts", m.GroupStatus);
            foreach (var reason in m.GroupReasons) Reason(w, "StsRsnInf", reason);
            w.WriteEndElement();
            foreach (var tx in m.Transactions)
            {
                w.WriteStartElement("TxInfAndSts");
                Leaf(w, "StsId", tx.StsId);
                Leaf(w, "OrgnlInstrId", tx.OrgnlInstrId);
                Leaf(w, "OrgnlEndToEndId", tx.OrgnlEndToEndId);
                Leaf(w, "OrgnlTxId", tx.OrgnlTxId);
                Leaf(w, "OrgnlUETR", tx.OrgnlUetr);
                w.WriteElementString("TxSts", tx.TxSts);
                foreach (var reason in tx.Reasons) Reason(w, "StsRsnInf", reason);
                DateTime(w, "AccptncDtTm", tx.AccptncDtTm);
                Leaf(w, "AcctSvcrRef", tx.AcctSvcrRef);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });

    /// <summary>The group header of a status report or request: MsgId, CreDtTm and the two agents.</summary>
    private static void StatusGroupHeader(XmlWriter w, string msgId, DateTimeOffset created, Agent? instructing, Agent? instructed)
    {
        w.WriteStartElement("GrpHdr");
        w.WriteElementString("MsgId", msgId);
        DateTime(w, "CreDtTm", created);
        Agent(w, "InstgAgt", instructing);
        Agent(w, "InstdAgt", instructed);
        w.WriteEndElement();
    }

    /// <summary>pacs.028.001.04 FIToFIPmtStsReq: asks the status of original transactions.</summary>
    public static byte[] Pacs028(StatusRequest m, AppHeader? header = null, bool indent = false)
        => Document(StatusRequest.Definition, indent, header, w =>
        {
            w.WriteStartElement("FIToFIPmtStsReq");
            StatusGroupHeader(w, m.RequestMsgId, m.CreDtTm, m.InstgAgt, m.InstdAgt);
            foreach (var tx in m.Transactions)
            {
                w.WriteStartElement("TxInf");
                Leaf(w, "StsReqId", tx.StsReqId);
                OriginalGroup(w, "OrgnlGrpInf", tx.OrgnlGrpInf);
                Leaf(w, "OrgnlEndToEndId", tx.OrgnlEndToEndId);
                Leaf(w, "OrgnlUETR", tx.OrgnlUetr);
                if (tx.OrgnlRequestedExecution is { } execution)
                {
                    w.WriteStartElement("OrgnlTxRef");
                    w.WriteStartElement("ReqdExctnDt");
                    DateTime(w, "DtTm", execution);
                    w.WriteEndElement();
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });

    /// <summary>camt.029.001.10 RsltnOfInvstgtn answering a camt.056 (Sts/Conf CNCL or RJCR).</summary>
    public static byte[] Camt029(ResolutionOfInvestigation m, AppHeader? header = null, bool indent = false)
        => Document(ResolutionOfInvestigation.Definition, indent, header, w =>
        {
            w.WriteStartElement("RsltnOfInvstgtn");
            Assignment(w, m.AssignmentId, m.Assigner, m.Assignee, m.CreDtTm);
            Case(w, "RslvdCase", m.ResolvedCaseId, m.CaseCreator ?? m.Assignee);
            w.WriteStartElement("Sts");
            w.WriteElementString("Conf", m.Confirmation);
            w.WriteEndElement();
            if (m.Transactions.Count > 0)
            {
                w.WriteStartElement("CxlDtls");
                foreach (var tx in m.Transactions)
                {
                    w.WriteStartElement("TxInfAndSts");
                    Leaf(w, "CxlStsId", tx.CxlStsId);
                    OriginalGroup(w, "OrgnlGrpInf", tx.OrgnlGrpInf);
                    Leaf(w, "OrgnlInstrId", tx.OrgnlInstrId);
                    Leaf(w, "OrgnlEndToEndId", tx.OrgnlEndToEndId);
                    Leaf(w, "OrgnlTxId", tx.OrgnlTxId);
                    Leaf(w, "OrgnlUETR", tx.OrgnlUetr);
                    w.WriteElementString("TxCxlSts", tx.TxCxlSts);
                    foreach (var reason in tx.Reasons) Reason(w, "CxlStsRsnInf", reason);
                    Amount(w, "OrgnlIntrBkSttlmAmt", tx.OrgnlIntrBkSttlmAmt);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });

    /// <summary>camt.052.001.08 / camt.053.001.08 / camt.054.001.08 from one account report model.</summary>
    public static byte[] AccountReport(AccountReportKind kind, AccountReport m, AppHeader? header = null, bool indent = false)
    {
        (string def, string root, string block) = kind switch
        {
            AccountReportKind.IntradayReport052 => ("camt.052.001.08", "BkToCstmrAcctRpt", "Rpt"),
            AccountReportKind.Statement053 => ("camt.053.001.08", "BkToCstmrStmt", "Stmt"),
            AccountReportKind.Notification054 => ("camt.054.001.08", "BkToCstmrDbtCdtNtfctn", "Ntfctn"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        if (kind == AccountReportKind.Statement053 && m.Balances.Count == 0)
            throw new ArgumentException("a camt.053 statement needs at least one balance (OPBD and CLBD)", nameof(m));
        return Document(def, indent, header, w =>
        {
            w.WriteStartElement(root);
            w.WriteStartElement("GrpHdr");
            w.WriteElementString("MsgId", m.MsgId);
            DateTime(w, "CreDtTm", m.CreDtTm);
            w.WriteEndElement();
            w.WriteStartElement(block);
            w.WriteElementString("Id", m.ReportId);
            if (m.ElectronicSequenceNumber is { } seq) w.WriteElementString("ElctrncSeqNb", seq.ToString(CultureInfo.InvariantCulture));
            DateTime(w, "CreDtTm", m.CreDtTm);
            if (m.FromDateTime is { } from && m.ToDateTime is { } to)
            {
                w.WriteStartElement("FrToDt");
                DateTime(w, "FrDtTm", from);
                DateTime(w, "ToDtTm", to);
                w.WriteEndElement();
            }
            w.WriteStartElement("Acct");
            AccountBody(w, m.Account);
            if (m.AccountOwnerName is not null)
            {
                w.WriteStartElement("Ownr");
                w.WriteElementString("Nm", m.AccountOwnerName);
                w.WriteEndElement();
            }
            Agent(w, "Svcr", m.AccountServicer);
            w.WriteEndElement();
            if (kind != AccountReportKind.Notification054)
            {
                foreach (var b in m.Balances) Balance(w, b);
            }
            foreach (var e in m.Entries) Entry(w, e);
            w.WriteEndElement();
            w.WriteEndElement();
        });
    }

    private static void Assignment(XmlWriter w, string id, Agent assigner, Agent assignee, DateTimeOffset creDtTm)
    {
        w.WriteStartElement("Assgnmt");
        w.WriteElementString("Id", id);
        AgentChoice(w, "Assgnr", assigner);
        AgentChoice(w, "Assgne", assignee);
        DateTime(w, "CreDtTm", creDtTm);
        w.WriteEndElement();
    }

    private static void Case(XmlWriter w, string name, string? id, Agent creator)
    {
        if (id is null) return;
        w.WriteStartElement(name);
        w.WriteElementString("Id", id);
        AgentChoice(w, "Cretr", creator);
        w.WriteEndElement();
    }

    private static void Balance(XmlWriter w, Balance b)
    {
        w.WriteStartElement("Bal");
        w.WriteStartElement("Tp");
        w.WriteStartElement("CdOrPrtry");
        w.WriteElementString("Cd", b.TypeCode);
        w.WriteEndElement();
        w.WriteEndElement();
        Amount(w, "Amt", new Money(b.Currency, Math.Abs(b.AmountMinor)));
        w.WriteElementString("CdtDbtInd", b.AmountMinor >= 0 ? "CRDT" : "DBIT");
        w.WriteStartElement("Dt");
        Date(w, "Dt", b.Date);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Entry(XmlWriter w, Entry e)
    {
        bool credit = e.CreditDebit == CreditDebit.Credit;
        string cdtDbt = credit ? "CRDT" : "DBIT";
        w.WriteStartElement("Ntry");
        Leaf(w, "NtryRef", e.NtryRef);
        Amount(w, "Amt", e.Amount);
        w.WriteElementString("CdtDbtInd", cdtDbt);
        w.WriteStartElement("Sts");
        w.WriteElementString("Cd", e.Status);
        w.WriteEndElement();
        if (e.BookingDate is not null)
        {
            w.WriteStartElement("BookgDt");
            Date(w, "Dt", e.BookingDate);
            w.WriteEndElement();
        }
        if (e.ValueDate is not null)
        {
            w.WriteStartElement("ValDt");
            Date(w, "Dt", e.ValueDate);
            w.WriteEndElement();
        }
        Leaf(w, "AcctSvcrRef", e.AcctSvcrRef);
        w.WriteStartElement("BkTxCd");
        w.WriteStartElement("Domn");
        w.WriteElementString("Cd", e.BankTxDomain ?? "PMNT");
        w.WriteStartElement("Fmly");
        w.WriteElementString("Cd", e.BankTxFamily ?? (credit ? "RCDT" : "ICDT"));
        w.WriteElementString("SubFmlyCd", e.BankTxSubFamily ?? "XBCT");
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("NtryDtls");
        w.WriteStartElement("TxDtls");
        w.WriteStartElement("Refs");
        Leaf(w, "MsgId", e.MsgId);
        Leaf(w, "AcctSvcrRef", e.AcctSvcrRef);
        Leaf(w, "InstrId", e.InstrId);
        Leaf(w, "EndToEndId", e.EndToEndId);
        Leaf(w, "UETR", e.Uetr);
        Leaf(w, "TxId", e.TxId);
        Leaf(w, "AcctSvcrTxId", e.AcctSvcrTxId);
        w.WriteEndElement();
        Amount(w, "Amt", e.Amount);
        w.WriteElementString("CdtDbtInd", cdtDbt);
        if (e.CounterpartyName is not null || e.CounterpartyAccount is not null)
        {
            // The counterparty is the debtor of a credit entry and the creditor of a debit entry.
            w.WriteStartElement("RltdPties");
            if (e.CounterpartyName is not null)
            {
                w.WriteStartElement(credit ? "Dbtr" : "Cdtr");
                w.WriteStartElement("Pty");
                w.WriteElementString("Nm", e.CounterpartyName);
                w.WriteEndElement();
                w.WriteEndElement();
            }
            Account(w, credit ? "DbtrAcct" : "CdtrAcct", e.CounterpartyAccount);
            w.WriteEndElement();
        }
        if (e.CounterpartyAgentBic is not null)
        {
            w.WriteStartElement("RltdAgts");
            Agent(w, credit ? "DbtrAgt" : "CdtrAgt", Model.Agent.FromBic(e.CounterpartyAgentBic));
            w.WriteEndElement();
        }
        if (e.RemittanceLine is not null || e.Documents.Count > 0)
        {
            Remittance(w, new RemittanceInfo
            {
                Unstructured = e.RemittanceLine is null ? default : [e.RemittanceLine],
                Structured = e.Documents.Count == 0 ? default : [new StructuredRemittance { Documents = e.Documents }],
            });
        }
        w.WriteEndElement();
        w.WriteEndElement();
        Leaf(w, "AddtlNtryInf", e.AdditionalInfo);
        w.WriteEndElement();
    }
}
