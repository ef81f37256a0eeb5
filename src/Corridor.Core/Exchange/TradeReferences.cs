namespace Corridor.Core.Exchange;

/// <summary>Scheme of a party identifier.</summary>
public enum PartyIdScheme : byte
{
    None = 0,
    /// <summary>ISO 17442 Legal Entity Identifier: 20 characters, ISO 7064 MOD 97-10 check digits.</summary>
    Lei = 1,
    /// <summary>ISO 9362 Business Identifier Code: 8 or 11 characters.</summary>
    Bic = 2,
    /// <summary>National identity number of a person (issuer implied by the party's country).</summary>
    NationalId = 3,
    /// <summary>Tax or company registration number.</summary>
    TaxId = 4,
    /// <summary>Any other scheme agreed between the participants.</summary>
    Other = 5,
}

/// <summary>ICC Incoterms® 2020 rule of the underlying trade.</summary>
public enum Incoterms : byte
{
    None = 0,
    Exw = 1, Fca = 2, Cpt = 3, Cip = 4, Dap = 5, Dpu = 6, Ddp = 7, Fas = 8, Fob = 9, Cfr = 10, Cif = 11,
}

/// <summary>
/// A structured originator or beneficiary (ISO 20022 PartyIdentification with PostalAddress24): stored and
/// returned byte for byte as submitted, never trimmed, truncated or transliterated.
/// </summary>
public sealed record Party(
    string Name,
    string StreetName,
    string BuildingNumber,
    string PostCode,
    string TownName,
    string CountrySubDivision,
    string Country,
    string Account,
    PartyIdScheme IdScheme,
    string Identifier)
{
    public const int MaxName = 140, MaxStreet = 70, MaxBuilding = 16, MaxPostCode = 16, MaxTown = 35,
        MaxSubDivision = 35, MaxCountry = 2, MaxAccount = 34, MaxIdentifier = 35;

    public static int MaxEncodedBytes =>
        Wire.MaxStringBytes(MaxName) + Wire.MaxStringBytes(MaxStreet) + Wire.MaxStringBytes(MaxBuilding) + Wire.MaxStringBytes(MaxPostCode)
        + Wire.MaxStringBytes(MaxTown) + Wire.MaxStringBytes(MaxSubDivision) + Wire.MaxStringBytes(MaxCountry)
        + Wire.MaxStringBytes(MaxAccount) + 1 + Wire.MaxStringBytes(MaxIdentifier);

    public void Write(ref WireWriter w)
    {
        w.String(Name, MaxName); w.String(StreetName, MaxStreet); w.String(BuildingNumber, MaxBuilding);
        w.String(PostCode, MaxPostCode); w.String(TownName, MaxTown); w.String(CountrySubDivision, MaxSubDivision);
        w.String(Country, MaxCountry); w.String(Account, MaxAccount); w.U8((byte)IdScheme); w.String(Identifier, MaxIdentifier);
    }

    /// <summary>
    /// Reads a party. A bank's customers pay again and again, so the same bytes decode to the party decoded from them last
    /// time (<see cref="RecentDecodes{T}"/>: compared byte for byte, never by hash alone); the record is immutable, so
    /// payments may share it.
    /// </summary>
    public static Party Read(ref WireReader r)
    {
        int start = r.Position;
        r.SkipString(MaxName); r.SkipString(MaxStreet); r.SkipString(MaxBuilding); r.SkipString(MaxPostCode); r.SkipString(MaxTown);
        r.SkipString(MaxSubDivision); r.SkipString(MaxCountry); r.SkipString(MaxAccount); r.U8(); r.SkipString(MaxIdentifier);
        return RecentDecodes<Party>.Get(r.Since(start), static encoded =>
        {
            var d = new WireReader(encoded);
            return new Party(d.String(MaxName), d.String(MaxStreet), d.String(MaxBuilding), d.String(MaxPostCode), d.String(MaxTown),
                d.String(MaxSubDivision), d.String(MaxCountry), d.String(MaxAccount), (PartyIdScheme)d.U8(), d.String(MaxIdentifier));
        });
    }
}

/// <summary>
/// Structured remittance for trade: what the cross-border payment pays for (ISO 20022 RemittanceInformation,
/// Strd: referred document = commercial invoice; plus contract / letter of credit, goods and delivery terms).
/// </summary>
public sealed record TradeReference(
    string InvoiceNumber,
    // invoice date as yyyymmdd (20261123)
    uint InvoiceDate,
    string ContractReference,
    string LetterOfCreditReference,
    string GoodsDescription,
    // Harmonized System commodity code: 6 digits, or 8/10 with national subdivisions
    string HsCode,
    Incoterms Incoterms,
    string IncotermsPlace)
{
    public const int MaxInvoiceNumber = 35, MaxContract = 35, MaxLetterOfCredit = 35, MaxGoods = 140, MaxHsCode = 10, MaxPlace = 35;

    /// <summary>No trade reference (an institution transfer, a status question's tombstone).</summary>
    public static TradeReference None { get; } = new("", 0, "", "", "", "", Incoterms.None, "");

    public static int MaxEncodedBytes =>
        Wire.MaxStringBytes(MaxInvoiceNumber) + 4 + Wire.MaxStringBytes(MaxContract) + Wire.MaxStringBytes(MaxLetterOfCredit)
        + Wire.MaxStringBytes(MaxGoods) + Wire.MaxStringBytes(MaxHsCode) + 1 + Wire.MaxStringBytes(MaxPlace);

    public void Write(ref WireWriter w)
    {
        w.String(InvoiceNumber, MaxInvoiceNumber); w.U32(InvoiceDate); w.String(ContractReference, MaxContract);
        w.String(LetterOfCreditReference, MaxLetterOfCredit); w.String(GoodsDescription, MaxGoods); w.String(HsCode, MaxHsCode);
        w.U8((byte)Incoterms); w.String(IncotermsPlace, MaxPlace);
    }

    // Invoice numbers are new with every payment; the other texts mostly repeat (the same goods from the same port under
    // one contract or letter of credit), so they are read through the thread's memo of recent strings.
    public static TradeReference Read(ref WireReader r) => new(
        r.String(MaxInvoiceNumber), r.U32(), r.RepeatedString(MaxContract), r.RepeatedString(MaxLetterOfCredit), r.RepeatedString(MaxGoods),
        r.RepeatedString(MaxHsCode), (Incoterms)r.U8(), r.RepeatedString(MaxPlace));

    /// <summary>Steps over a trade reference after the checks <see cref="Read"/> makes, without making it (its bytes are kept, not it).</summary>
    public static void Check(ref WireReader r)
    {
        r.CheckString(MaxInvoiceNumber); r.U32(); r.CheckString(MaxContract); r.CheckString(MaxLetterOfCredit); r.CheckString(MaxGoods);
        r.CheckString(MaxHsCode); r.U8(); r.CheckString(MaxPlace);
    }
}

/// <summary>The rules that make trade references and parties mandatory on cross-border payments.</summary>
public static class TradeReferenceRules
{
    /// <summary>First missing or invalid element, in the order of <see cref="PayResult"/>; Ok when complete.</summary>
    public static PayResult Validate(Party originator, Party beneficiary, TradeReference trade)
    {
        PayResult r = ValidateParty(originator, beneficiary: false);
        if (r != PayResult.Ok) return r;
        r = ValidateParty(beneficiary, beneficiary: true);
        if (r != PayResult.Ok) return r;

        if (IsBlank(trade.InvoiceNumber)) return PayResult.InvoiceNumberMissing;
        if (trade.InvoiceDate == 0) return PayResult.InvoiceDateMissing;
        if (!IsCalendarDate(trade.InvoiceDate)) return PayResult.InvoiceDateInvalid;
        if (IsBlank(trade.ContractReference) && IsBlank(trade.LetterOfCreditReference)) return PayResult.ContractOrLetterOfCreditReferenceMissing;
        if (IsBlank(trade.GoodsDescription)) return PayResult.GoodsDescriptionMissing;
        if (trade.HsCode.Length == 0) return PayResult.HsCodeMissing;
        if (!IsHsCode(trade.HsCode)) return PayResult.HsCodeInvalid;
        if (trade.Incoterms == Incoterms.None) return PayResult.IncotermsMissing;
        if (trade.Incoterms > Incoterms.Cif) return PayResult.IncotermsInvalid;
        return PayResult.Ok;
    }

    /// <summary>
    /// Format rules for trade references a payment carries without having to (same-currency payments, cross-currency
    /// pacs.008): every value given must be well formed, absent values are fine. The same checks as <see cref="Validate"/>'s
    /// "…Invalid" codes, in its order; Ok when every given value is well formed.
    /// </summary>
    public static PayResult ValidateGiven(TradeReference trade)
    {
        if (trade.InvoiceDate != 0 && !IsCalendarDate(trade.InvoiceDate)) return PayResult.InvoiceDateInvalid;
        if (trade.HsCode.Length != 0 && !IsHsCode(trade.HsCode)) return PayResult.HsCodeInvalid;
        if (trade.Incoterms > Incoterms.Cif) return PayResult.IncotermsInvalid;
        return PayResult.Ok;
    }

    /// <summary>A value <see cref="IncotermsOf"/> gives for a name that is no Incoterms® 2020 rule; refused as IncotermsInvalid.</summary>
    public const Incoterms UnknownIncoterms = (Incoterms)byte.MaxValue;

    /// <summary>
    /// The Incoterms® 2020 rule named by its three capital letters ("FOB"); None for "", <see cref="UnknownIncoterms"/> for
    /// anything else (so that the rules refuse it with IncotermsInvalid rather than dropping it).
    /// </summary>
    public static Incoterms IncotermsOf(string name) => name switch
    {
        "" => Incoterms.None,
        "EXW" => Incoterms.Exw, "FCA" => Incoterms.Fca, "CPT" => Incoterms.Cpt, "CIP" => Incoterms.Cip, "DAP" => Incoterms.Dap, "DPU" => Incoterms.Dpu,
        "DDP" => Incoterms.Ddp, "FAS" => Incoterms.Fas, "FOB" => Incoterms.Fob, "CFR" => Incoterms.Cfr, "CIF" => Incoterms.Cif,
        _ => UnknownIncoterms,
    };

    private static PayResult ValidateParty(Party p, bool beneficiary)
    {
        // Beneficiary codes sit at a fixed distance after the originator's, so one routine serves both.
        int shift = beneficiary ? PayResult.BeneficiaryNameMissing - PayResult.OriginatorNameMissing : 0;
        PayResult Code(PayResult originatorCode) => (PayResult)((int)originatorCode + shift);

        if (IsBlank(p.Name)) return Code(PayResult.OriginatorNameMissing);
        if (IsBlank(p.TownName)) return Code(PayResult.OriginatorTownMissing);
        if (p.Country.Length == 0) return Code(PayResult.OriginatorCountryMissing);
        if (p.Country.Length != 2 || !char.IsAsciiLetterUpper(p.Country[0]) || !char.IsAsciiLetterUpper(p.Country[1]))
            return Code(PayResult.OriginatorCountryInvalid);
        if (IsBlank(p.Account)) return Code(PayResult.OriginatorAccountMissing);
        if (p.IdScheme == PartyIdScheme.None || IsBlank(p.Identifier)) return Code(PayResult.OriginatorIdentifierMissing);
        if (!IsValidIdentifier(p.IdScheme, p.Identifier)) return Code(PayResult.OriginatorIdentifierInvalid);
        return PayResult.Ok;
    }

    public static bool IsValidIdentifier(PartyIdScheme scheme, string id) => scheme switch
    {
        PartyIdScheme.Lei => IsLei(id),
        PartyIdScheme.Bic => IsBic(id),
        PartyIdScheme.NationalId or PartyIdScheme.TaxId or PartyIdScheme.Other => true,
        _ => false,
    };

    /// <summary>ISO 17442: 18 alphanumerics + 2 check digits, the whole string ≡ 1 (mod 97) with letters as 10–35 (ISO 7064).</summary>
    public static bool IsLei(string lei)
    {
        if (lei.Length != 20) return false;
        int remainder = 0;
        foreach (char c in lei)
        {
            if (char.IsAsciiDigit(c)) remainder = (remainder * 10 + (c - '0')) % 97;
            else if (char.IsAsciiLetterUpper(c)) remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            else return false;
        }
        return remainder == 1 && char.IsAsciiDigit(lei[18]) && char.IsAsciiDigit(lei[19]);
    }

    /// <summary>ISO 9362: 4 letters (party), 2 letters (country), 2 alphanumerics (location), optional 3 alphanumerics (branch).</summary>
    public static bool IsBic(string bic)
    {
        if (bic.Length != 8 && bic.Length != 11) return false;
        for (int i = 0; i < bic.Length; i++)
        {
            char c = bic[i];
            bool ok = i < 6 ? char.IsAsciiLetterUpper(c) : char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c);
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>6 to 10 ASCII digits, even length (HS chapter/heading/subheading, then national 8 or 10).</summary>
    public static bool IsHsCode(string hs)
    {
        if (hs.Length < 6 || hs.Length > 10 || hs.Length % 2 != 0) return false;
        foreach (char c in hs) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    public static bool IsCalendarDate(uint yyyymmdd)
    {
        int year = (int)(yyyymmdd / 10000), month = (int)(yyyymmdd / 100 % 100), day = (int)(yyyymmdd % 100);
        return year is >= 1900 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    private static bool IsBlank(string s) => string.IsNullOrWhiteSpace(s);
}
