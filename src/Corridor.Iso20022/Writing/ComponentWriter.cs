using System.Globalization;
using System.Text;
using System.Xml;
using Corridor.Iso20022.Codes;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Writing;

/// <summary>XmlWriter helpers for the shared ISO 20022 building blocks, each emitting elements in XSD sequence order.</summary>
internal static class ComponentWriter
{
    private static readonly XmlWriterSettings s_compact = new() { Encoding = new UTF8Encoding(false), Indent = false, CloseOutput = false };
    private static readonly XmlWriterSettings s_indented = new() { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", CloseOutput = false };

    /// <summary>Runs <paramref name="body"/> inside &lt;Document xmlns="urn:iso:...:{definition}"&gt; and returns UTF-8 bytes.</summary>
    public static byte[] Document(string definition, bool indent, AppHeader? header, Action<XmlWriter> body)
    {
        using var ms = new MemoryStream(4096);
        using (var w = XmlWriter.Create(ms, indent ? s_indented : s_compact))
        {
            w.WriteStartDocument();
            if (header is not null)
            {
                w.WriteStartElement(EnvelopeWriter.EnvelopeName, EnvelopeWriter.EnvelopeNamespace);
                EnvelopeWriter.AppHdr(w, header);
            }
            w.WriteStartElement("Document", Xml.SchemaCatalog.NamespaceOf(definition));
            body(w);
            w.WriteEndElement();
            if (header is not null) w.WriteEndElement();
            w.WriteEndDocument();
        }
        return ms.ToArray();
    }

    public static void Leaf(XmlWriter w, string name, string? value)
    {
        if (value is null) return;
        w.WriteElementString(name, value);
    }

    public static void Date(XmlWriter w, string name, DateOnly? value)
    {
        if (value is null) return;
        w.WriteElementString(name, value.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    public static string FormatDateTime(DateTimeOffset value)
        => value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    public static void DateTime(XmlWriter w, string name, DateTimeOffset? value)
    {
        if (value is null) return;
        w.WriteElementString(name, FormatDateTime(value.Value));
    }

    public static void Amount(XmlWriter w, string name, Money? money)
    {
        if (money is null) return;
        w.WriteStartElement(name);
        w.WriteAttributeString("Ccy", money.Value.Currency);
        w.WriteString(MinorUnits.Format(money.Value.AmountMinor, money.Value.Currency));
        w.WriteEndElement();
    }

    public static void Rate(XmlWriter w, string name, ExchangeRate? rate)
    {
        if (rate is null) return;
        w.WriteElementString(name, rate.Value.ToString());
    }

    public static void CodeOrProprietary(XmlWriter w, string name, string? code, string? proprietary)
    {
        if (code is null && proprietary is null) return;
        w.WriteStartElement(name);
        if (code is not null) w.WriteElementString("Cd", code);
        else w.WriteElementString("Prtry", proprietary!);
        w.WriteEndElement();
    }

    /// <summary>BranchAndFinancialInstitutionIdentification6.</summary>
    public static void Agent(XmlWriter w, string name, Agent? agent)
    {
        if (agent is null) return;
        w.WriteStartElement(name);
        w.WriteStartElement("FinInstnId");
        Leaf(w, "BICFI", agent.Bicfi);
        if (agent.ClearingMemberId is not null)
        {
            w.WriteStartElement("ClrSysMmbId");
            CodeOrProprietary(w, "ClrSysId", agent.ClearingSystemCode, null);
            w.WriteElementString("MmbId", agent.ClearingMemberId);
            w.WriteEndElement();
        }
        Leaf(w, "LEI", agent.Lei);
        Leaf(w, "Nm", agent.Name);
        Address(w, agent.Address);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    /// <summary>Party40Choice as Agt.</summary>
    public static void AgentChoice(XmlWriter w, string name, Agent? agent)
    {
        if (agent is null) return;
        w.WriteStartElement(name);
        Agent(w, "Agt", agent);
        w.WriteEndElement();
    }

    /// <summary>CashAccount38.</summary>
    public static void Account(XmlWriter w, string name, CashAccount? account)
    {
        if (account is null) return;
        w.WriteStartElement(name);
        AccountBody(w, account);
        w.WriteEndElement();
    }

    public static void AccountBody(XmlWriter w, CashAccount account)
    {
        w.WriteStartElement("Id");
        if (account.Iban is not null)
        {
            w.WriteElementString("IBAN", account.Iban);
        }
        else
        {
            w.WriteStartElement("Othr");
            w.WriteElementString("Id", account.OtherId ?? throw new ArgumentException("account needs an IBAN or an other id"));
            CodeOrProprietary(w, "SchmeNm", account.OtherSchemeCode, null);
            w.WriteEndElement();
        }
        w.WriteEndElement();
        Leaf(w, "Ccy", account.Currency);
        Leaf(w, "Nm", account.Name);
    }

    /// <summary>PostalAddress24 as PstlAdr (nothing when null).</summary>
    private static void Address(XmlWriter w, PostalAddress? a)
    {
        if (a is null) return;
        w.WriteStartElement("PstlAdr");
        Leaf(w, "StrtNm", a.StreetName);
        Leaf(w, "BldgNb", a.BuildingNumber);
        Leaf(w, "PstCd", a.PostCode);
        Leaf(w, "TwnNm", a.TownName);
        Leaf(w, "Ctry", a.Country);
        foreach (var line in a.AddressLines) w.WriteElementString("AdrLine", line);
        w.WriteEndElement();
    }

    /// <summary>PartyIdentification135.</summary>
    public static void Party(XmlWriter w, string name, Party? party)
    {
        if (party is null) return;
        w.WriteStartElement(name);
        Leaf(w, "Nm", party.Name);
        Address(w, party.Address);
        if (party.Id is { } id)
        {
            w.WriteStartElement("Id");
            if (id.Kind == PartyIdKind.Organisation)
            {
                w.WriteStartElement("OrgId");
                Leaf(w, "AnyBIC", id.AnyBic);
                Leaf(w, "LEI", id.Lei);
            }
            else
            {
                w.WriteStartElement("PrvtId");
                if (id.Birth is { } b)
                {
                    w.WriteStartElement("DtAndPlcOfBirth");
                    Date(w, "BirthDt", b.BirthDate);
                    Leaf(w, "PrvcOfBirth", b.Province);
                    w.WriteElementString("CityOfBirth", b.City);
                    w.WriteElementString("CtryOfBirth", b.Country);
                    w.WriteEndElement();
                }
            }
            foreach (var o in id.Other)
            {
                w.WriteStartElement("Othr");
                w.WriteElementString("Id", o.Id);
                CodeOrProprietary(w, "SchmeNm", o.SchemeCode, o.SchemeProprietary);
                Leaf(w, "Issr", o.Issuer);
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }
        Leaf(w, "CtryOfRes", party.CountryOfResidence);
        w.WriteEndElement();
    }

    /// <summary>PaymentIdentification13.</summary>
    public static void PaymentId(XmlWriter w, PaymentIdentification id)
    {
        w.WriteStartElement("PmtId");
        Leaf(w, "InstrId", id.InstrId);
        w.WriteElementString("EndToEndId", id.EndToEndId);
        Leaf(w, "TxId", id.TxId);
        Leaf(w, "UETR", id.Uetr);
        w.WriteEndElement();
    }

    /// <summary>GroupHeader93 / GroupHeader90 (same order for the fields Corridor keeps).</summary>
    public static void GroupHeader(XmlWriter w, GroupHeader h)
    {
        w.WriteStartElement("GrpHdr");
        w.WriteElementString("MsgId", h.MsgId);
        DateTime(w, "CreDtTm", h.CreDtTm);
        w.WriteElementString("NbOfTxs", h.NbOfTxs.ToString(CultureInfo.InvariantCulture));
        Date(w, "IntrBkSttlmDt", h.IntrBkSttlmDt);
        w.WriteStartElement("SttlmInf");
        w.WriteElementString("SttlmMtd", h.SttlmMtd);
        w.WriteEndElement();
        Agent(w, "InstgAgt", h.InstgAgt);
        Agent(w, "InstdAgt", h.InstdAgt);
        w.WriteEndElement();
    }

    /// <summary>OriginalGroupInformation29.</summary>
    public static void OriginalGroup(XmlWriter w, string name, OriginalGroupInfo? g)
    {
        if (g is null) return;
        w.WriteStartElement(name);
        w.WriteElementString("OrgnlMsgId", g.OrgnlMsgId);
        w.WriteElementString("OrgnlMsgNmId", g.OrgnlMsgNmId);
        DateTime(w, "OrgnlCreDtTm", g.OrgnlCreDtTm);
        w.WriteEndElement();
    }

    /// <summary>StatusReasonInformation12 / PaymentReturnReason6 / PaymentCancellationReason5 / CancellationStatusReason4.</summary>
    public static void Reason(XmlWriter w, string name, ReasonInfo reason)
    {
        w.WriteStartElement(name);
        if (reason.OriginatorName is not null)
        {
            w.WriteStartElement("Orgtr");
            w.WriteElementString("Nm", reason.OriginatorName);
            w.WriteEndElement();
        }
        CodeOrProprietary(w, "Rsn", reason.Code, reason.Proprietary);
        foreach (var info in reason.AdditionalInfo) w.WriteElementString("AddtlInf", info);
        w.WriteEndElement();
    }

    /// <summary>RemittanceInformation16.</summary>
    public static void Remittance(XmlWriter w, RemittanceInfo? rmt)
    {
        if (rmt is null) return;
        w.WriteStartElement("RmtInf");
        foreach (var line in rmt.Unstructured) w.WriteElementString("Ustrd", line);
        foreach (var s in rmt.Structured)
        {
            w.WriteStartElement("Strd");
            foreach (var doc in s.Documents)
            {
                w.WriteStartElement("RfrdDocInf");
                if (doc.TypeCode is not null || doc.TypeProprietary is not null)
                {
                    w.WriteStartElement("Tp");
                    CodeOrProprietary(w, "CdOrPrtry", doc.TypeCode, doc.TypeProprietary);
                    w.WriteEndElement();
                }
                Leaf(w, "Nb", doc.Number);
                Date(w, "RltdDt", doc.RelatedDate);
                w.WriteEndElement();
            }
            if (s.DuePayableAmount is not null || s.RemittedAmount is not null)
            {
                w.WriteStartElement("RfrdDocAmt");
                Amount(w, "DuePyblAmt", s.DuePayableAmount);
                Amount(w, "RmtdAmt", s.RemittedAmount);
                w.WriteEndElement();
            }
            if (s.CreditorReference is not null)
            {
                w.WriteStartElement("CdtrRefInf");
                w.WriteElementString("Ref", s.CreditorReference);
                w.WriteEndElement();
            }
            foreach (var line in s.AdditionalInfo) w.WriteElementString("AddtlRmtInf", line);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>RegulatoryReporting3.</summary>
    public static void Regulatory(XmlWriter w, RegulatoryReporting rr)
    {
        w.WriteStartElement("RgltryRptg");
        Leaf(w, "DbtCdtRptgInd", rr.Indicator);
        if (rr.AuthorityName is not null || rr.AuthorityCountry is not null)
        {
            w.WriteStartElement("Authrty");
            Leaf(w, "Nm", rr.AuthorityName);
            Leaf(w, "Ctry", rr.AuthorityCountry);
            w.WriteEndElement();
        }
        foreach (var d in rr.Details)
        {
            w.WriteStartElement("Dtls");
            Leaf(w, "Tp", d.Type);
            Date(w, "Dt", d.Date);
            Leaf(w, "Ctry", d.Country);
            Leaf(w, "Cd", d.Code);
            Amount(w, "Amt", d.Amount);
            foreach (var inf in d.Info) w.WriteElementString("Inf", inf);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }
}
