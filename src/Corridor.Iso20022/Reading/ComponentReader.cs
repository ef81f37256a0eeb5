using System.Xml;
using Corridor.Iso20022.Model;
using static Corridor.Iso20022.Reading.XmlCursor;

namespace Corridor.Iso20022.Reading;

/// <summary>Streaming readers for the building blocks shared by the ISO 20022 messages (agents, parties, accounts, ...).</summary>
internal static class ComponentReader
{
    /// <summary>BranchAndFinancialInstitutionIdentification6 (FinInstnId inside).</summary>
    public static Agent Agent(XmlReader r)
    {
        var agent = new Agent();
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "FinInstnId") agent = FinInstnId(r);
            else Skip(r);
        }
        return agent;
    }

    private static Agent FinInstnId(XmlReader r)
    {
        string? bic = null, clrCd = null, mmbId = null, lei = null, nm = null;
        PostalAddress? adr = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "BICFI": bic = Text(r); break;
                case "ClrSysMmbId":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "MmbId") mmbId = Text(r);
                        else if (r.LocalName == "ClrSysId") clrCd = CodeOrProprietary(r).Code;
                        else Skip(r);
                    }
                    break;
                case "LEI": lei = Text(r); break;
                case "Nm": nm = Text(r); break;
                case "PstlAdr": adr = Address(r); break;
                default: Skip(r); break;
            }
        }
        return new Agent { Bicfi = bic, ClearingSystemCode = clrCd, ClearingMemberId = mmbId, Lei = lei, Name = nm, Address = adr };
    }

    /// <summary>Party40Choice: Agt (institution) or Pty (only its name is kept, as an agent name).</summary>
    public static Agent AgentOrParty(XmlReader r)
    {
        var agent = new Agent();
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "Agt") agent = Agent(r);
            else if (r.LocalName == "Pty") agent = new Agent { Name = Party(r).Name };
            else Skip(r);
        }
        return agent;
    }

    /// <summary>A choice of Cd or Prtry (reasons, purposes, document types, scheme names).</summary>
    public static (string? Code, string? Proprietary) CodeOrProprietary(XmlReader r)
    {
        string? cd = null, prtry = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "Cd") cd = Text(r);
            else if (r.LocalName == "Prtry") prtry = Text(r);
            else Skip(r);
        }
        return (cd, prtry);
    }

    /// <summary>CashAccount38/39.</summary>
    public static CashAccount Account(XmlReader r)
    {
        string? iban = null, othr = null, scheme = null, ccy = null, nm = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Id":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "IBAN") iban = Text(r);
                        else if (r.LocalName == "Othr")
                        {
                            int d3 = Enter(r);
                            while (Next(r, d3))
                            {
                                if (r.LocalName == "Id") othr = Text(r);
                                else if (r.LocalName == "SchmeNm") scheme = CodeOrProprietary(r).Code;
                                else Skip(r);
                            }
                        }
                        else Skip(r);
                    }
                    break;
                case "Ccy": ccy = Text(r); break;
                case "Nm": nm = Text(r); break;
                default: Skip(r); break;
            }
        }
        return new CashAccount { Iban = iban, OtherId = othr, OtherSchemeCode = scheme, Currency = ccy, Name = nm };
    }

    /// <summary>PartyIdentification135.</summary>
    public static Party Party(XmlReader r)
    {
        string? nm = null, ctryOfRes = null;
        PostalAddress? adr = null;
        PartyIdentification? id = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Nm": nm = Text(r); break;
                case "PstlAdr": adr = Address(r); break;
                case "Id": id = PartyId(r); break;
                case "CtryOfRes": ctryOfRes = Text(r); break;
                default: Skip(r); break;
            }
        }
        return new Party { Name = nm, Address = adr, Id = id, CountryOfResidence = ctryOfRes };
    }

    /// <summary>PostalAddress24 (structured fields plus AdrLine).</summary>
    public static PostalAddress Address(XmlReader r)
    {
        string? strt = null, bldg = null, pst = null, twn = null, ctry = null;
        List<string>? lines = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "StrtNm": strt = Text(r); break;
                case "BldgNb": bldg = Text(r); break;
                case "PstCd": pst = Text(r); break;
                case "TwnNm": twn = Text(r); break;
                case "Ctry": ctry = Text(r); break;
                case "AdrLine": (lines ??= []).Add(Text(r)); break;
                default: Skip(r); break;
            }
        }
        return new PostalAddress { StreetName = strt, BuildingNumber = bldg, PostCode = pst, TownName = twn, Country = ctry, AddressLines = ValueList.From(lines) };
    }

    /// <summary>Party38Choice: OrgId (AnyBIC, LEI, Othr) or PrvtId (DtAndPlcOfBirth, Othr).</summary>
    public static PartyIdentification PartyId(XmlReader r)
    {
        PartyIdentification? result = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            bool org = r.LocalName == "OrgId";
            if (!org && r.LocalName != "PrvtId")
            {
                Skip(r);
                continue;
            }
            string? bic = null, lei = null;
            BirthDetails? birth = null;
            List<GenericIdentification>? other = null;
            int d2 = Enter(r);
            while (Next(r, d2))
            {
                switch (r.LocalName)
                {
                    case "AnyBIC": bic = Text(r); break;
                    case "LEI": lei = Text(r); break;
                    case "DtAndPlcOfBirth": birth = Birth(r); break;
                    case "Othr": (other ??= []).Add(Generic(r)); break;
                    default: Skip(r); break;
                }
            }
            result = new PartyIdentification
            {
                Kind = org ? PartyIdKind.Organisation : PartyIdKind.Private,
                AnyBic = bic, Lei = lei, Birth = birth, Other = ValueList.From(other),
            };
        }
        return result ?? throw Refuse(r, "party Id without OrgId or PrvtId");
    }

    private static BirthDetails Birth(XmlReader r)
    {
        DateOnly? dt = null;
        string? prvc = null, city = null, ctry = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "BirthDt": dt = Date(r); break;
                case "PrvcOfBirth": prvc = Text(r); break;
                case "CityOfBirth": city = Text(r); break;
                case "CtryOfBirth": ctry = Text(r); break;
                default: Skip(r); break;
            }
        }
        if (dt is null || city is null || ctry is null) throw Refuse(r, "incomplete DtAndPlcOfBirth");
        return new BirthDetails(dt.Value, prvc, city, ctry);
    }

    private static GenericIdentification Generic(XmlReader r)
    {
        string? id = null, cd = null, prtry = null, issr = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Id": id = Text(r); break;
                case "SchmeNm": (cd, prtry) = CodeOrProprietary(r); break;
                case "Issr": issr = Text(r); break;
                default: Skip(r); break;
            }
        }
        return new GenericIdentification(id ?? throw Refuse(r, "Othr without Id"), cd, prtry, issr);
    }

    /// <summary>PaymentIdentification13.</summary>
    public static PaymentIdentification PaymentId(XmlReader r)
    {
        string? instr = null, e2e = null, tx = null, uetr = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "InstrId": instr = Text(r); break;
                case "EndToEndId": e2e = Text(r); break;
                case "TxId": tx = Text(r); break;
                case "UETR": uetr = Text(r); break;
                default: Skip(r); break;
            }
        }
        return new PaymentIdentification { InstrId = instr, EndToEndId = e2e ?? throw Refuse(r, "PmtId without EndToEndId"), TxId = tx, Uetr = uetr };
    }

    /// <summary>GroupHeader93 (pacs.008/009) and GroupHeader90 (pacs.004).</summary>
    public static GroupHeader GroupHeader(XmlReader r)
    {
        string? msgId = null, sttlmMtd = null;
        DateTimeOffset? creDtTm = null;
        long? nbOfTxs = null;
        DateOnly? sttlmDt = null;
        Agent? instg = null, instd = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "MsgId": msgId = Text(r); break;
                case "CreDtTm": creDtTm = DateTime(r); break;
                case "NbOfTxs": nbOfTxs = Long(r); break;
                case "IntrBkSttlmDt": sttlmDt = Date(r); break;
                case "SttlmInf":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "SttlmMtd") sttlmMtd = Text(r);
                        else Skip(r);
                    }
                    break;
                case "InstgAgt": instg = Agent(r); break;
                case "InstdAgt": instd = Agent(r); break;
                default: Skip(r); break;
            }
        }
        if (msgId is null || creDtTm is null || nbOfTxs is null || sttlmMtd is null) throw Refuse(r, "incomplete GrpHdr");
        return new GroupHeader
        {
            MsgId = msgId, CreDtTm = creDtTm.Value, NbOfTxs = nbOfTxs.Value, SttlmMtd = sttlmMtd,
            IntrBkSttlmDt = sttlmDt, InstgAgt = instg, InstdAgt = instd,
        };
    }

    /// <summary>OriginalGroupInformation29.</summary>
    public static OriginalGroupInfo OriginalGroup(XmlReader r)
    {
        string? id = null, nm = null;
        DateTimeOffset? cre = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "OrgnlMsgId": id = Text(r); break;
                case "OrgnlMsgNmId": nm = Text(r); break;
                case "OrgnlCreDtTm": cre = DateTime(r); break;
                default: Skip(r); break;
            }
        }
        if (id is null || nm is null) throw Refuse(r, "incomplete OrgnlGrpInf");
        return new OriginalGroupInfo(id, nm, cre);
    }

    /// <summary>Return, cancellation and status reasons: Orgtr/Nm, Rsn Cd or Prtry, AddtlInf.</summary>
    public static ReasonInfo Reason(XmlReader r)
    {
        string? cd = null, prtry = null, orgtr = null;
        List<string>? addtl = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Orgtr": orgtr = Party(r).Name; break;
                case "Rsn": (cd, prtry) = CodeOrProprietary(r); break;
                case "AddtlInf": (addtl ??= []).Add(Text(r)); break;
                default: Skip(r); break;
            }
        }
        return new ReasonInfo { Code = cd, Proprietary = prtry, OriginatorName = orgtr, AdditionalInfo = ValueList.From(addtl) };
    }

    /// <summary>RemittanceInformation16.</summary>
    public static RemittanceInfo Remittance(XmlReader r)
    {
        List<string>? ustrd = null;
        List<StructuredRemittance>? strd = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName == "Ustrd") (ustrd ??= []).Add(Text(r));
            else if (r.LocalName == "Strd") (strd ??= []).Add(Structured(r));
            else Skip(r);
        }
        return new RemittanceInfo { Unstructured = ValueList.From(ustrd), Structured = ValueList.From(strd) };
    }

    private static StructuredRemittance Structured(XmlReader r)
    {
        List<ReferredDocument>? docs = null;
        List<string>? addtl = null;
        Money? due = null, rmtd = null;
        string? cdtrRef = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "RfrdDocInf": (docs ??= []).Add(ReferredDoc(r)); break;
                case "RfrdDocAmt":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "DuePyblAmt") due = Money(r);
                        else if (r.LocalName == "RmtdAmt") rmtd = Money(r);
                        else Skip(r);
                    }
                    break;
                case "CdtrRefInf":
                    int d3 = Enter(r);
                    while (Next(r, d3))
                    {
                        if (r.LocalName == "Ref") cdtrRef = Text(r);
                        else Skip(r);
                    }
                    break;
                case "AddtlRmtInf": (addtl ??= []).Add(Text(r)); break;
                default: Skip(r); break;
            }
        }
        return new StructuredRemittance
        {
            Documents = ValueList.From(docs), DuePayableAmount = due, RemittedAmount = rmtd,
            CreditorReference = cdtrRef, AdditionalInfo = ValueList.From(addtl),
        };
    }

    private static ReferredDocument ReferredDoc(XmlReader r)
    {
        string? cd = null, prtry = null, nb = null;
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
                        if (r.LocalName == "CdOrPrtry") (cd, prtry) = CodeOrProprietary(r);
                        else Skip(r);
                    }
                    break;
                case "Nb": nb = Text(r); break;
                case "RltdDt": dt = Date(r); break;
                default: Skip(r); break;
            }
        }
        return new ReferredDocument { TypeCode = cd, TypeProprietary = prtry, Number = nb, RelatedDate = dt };
    }

    /// <summary>RegulatoryReporting3.</summary>
    public static RegulatoryReporting Regulatory(XmlReader r)
    {
        string? ind = null, authNm = null, authCtry = null;
        List<RegulatoryDetail>? details = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "DbtCdtRptgInd": ind = Text(r); break;
                case "Authrty":
                    int d2 = Enter(r);
                    while (Next(r, d2))
                    {
                        if (r.LocalName == "Nm") authNm = Text(r);
                        else if (r.LocalName == "Ctry") authCtry = Text(r);
                        else Skip(r);
                    }
                    break;
                case "Dtls": (details ??= []).Add(RegulatoryDetail(r)); break;
                default: Skip(r); break;
            }
        }
        return new RegulatoryReporting { Indicator = ind, AuthorityName = authNm, AuthorityCountry = authCtry, Details = ValueList.From(details) };
    }

    private static RegulatoryDetail RegulatoryDetail(XmlReader r)
    {
        string? tp = null, ctry = null, cd = null;
        DateOnly? dt = null;
        Money? amt = null;
        List<string>? inf = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            switch (r.LocalName)
            {
                case "Tp": tp = Text(r); break;
                case "Dt": dt = Date(r); break;
                case "Ctry": ctry = Text(r); break;
                case "Cd": cd = Text(r); break;
                case "Amt": amt = Money(r); break;
                case "Inf": (inf ??= []).Add(Text(r)); break;
                default: Skip(r); break;
            }
        }
        return new RegulatoryDetail { Type = tp, Date = dt, Country = ctry, Code = cd, Amount = amt, Info = ValueList.From(inf) };
    }
}
