using Corridor.Iso20022.Codes;

namespace Corridor.Iso20022.Model;

/// <summary>An amount in integer minor units of an ISO 4217 currency ("123.45 EUR" is 12345).</summary>
public readonly record struct Money(string Currency, long AmountMinor)
{
    public override string ToString() => Iso4217.IsKnown(Currency) && AmountMinor >= 0
        ? MinorUnits.Format(AmountMinor, Currency) + " " + Currency
        : AmountMinor + " minor " + Currency;
}

/// <summary>ISO 20022 BaseOneRate (XchgRate) as an integer scaled by 10^10: 1.0842 is 10_842_000_000.</summary>
public readonly record struct ExchangeRate(long ScaledE10)
{
    /// <summary>Fraction digits allowed by BaseOneRate.</summary>
    public const int Scale = 10;

    public override string ToString() => MinorUnits.FormatScaled(ScaledE10, Scale, trimZeros: true);
}

/// <summary>Structured postal address (PostalAddress24, the subset Corridor keeps).</summary>
public sealed record PostalAddress
{
    public string? StreetName { get; init; }
    public string? BuildingNumber { get; init; }
    public string? PostCode { get; init; }
    public string? TownName { get; init; }
    public string? Country { get; init; }
    public ValueList<string> AddressLines { get; init; }
}

/// <summary>Date and place of birth of a private person (DateAndPlaceOfBirth1).</summary>
public sealed record BirthDetails(DateOnly BirthDate, string? Province, string City, string Country);

/// <summary>A generic identification with optional scheme code or proprietary scheme and issuer.</summary>
public sealed record GenericIdentification(string Id, string? SchemeCode, string? SchemeProprietary, string? Issuer);

/// <summary>Kind of party identification (Party38Choice).</summary>
public enum PartyIdKind
{
    /// <summary>OrgId: AnyBIC, LEI, other.</summary>
    Organisation,
    /// <summary>PrvtId: date and place of birth, other.</summary>
    Private,
}

/// <summary>Identification of a party (Party38Choice): organisation (AnyBIC/LEI/Othr) or private person (DtAndPlcOfBirth/Othr).</summary>
public sealed record PartyIdentification
{
    public required PartyIdKind Kind { get; init; }
    public string? AnyBic { get; init; }
    public string? Lei { get; init; }
    public BirthDetails? Birth { get; init; }
    public ValueList<GenericIdentification> Other { get; init; }
}

/// <summary>A debtor or creditor (PartyIdentification135): name, structured address, identification.</summary>
public sealed record Party
{
    public string? Name { get; init; }
    public PostalAddress? Address { get; init; }
    public PartyIdentification? Id { get; init; }
    public string? CountryOfResidence { get; init; }
}

/// <summary>A cash account (CashAccount38): IBAN or other identification.</summary>
public sealed record CashAccount
{
    public string? Iban { get; init; }
    public string? OtherId { get; init; }
    public string? OtherSchemeCode { get; init; }
    public string? Currency { get; init; }
    public string? Name { get; init; }

    /// <summary>The account identifier whichever form it takes.</summary>
    public string? Identifier => Iban ?? OtherId;
}

/// <summary>A financial institution (BranchAndFinancialInstitutionIdentification6): BICFI, clearing member id, LEI.</summary>
public sealed record Agent
{
    public string? Bicfi { get; init; }
    public string? ClearingSystemCode { get; init; }
    public string? ClearingMemberId { get; init; }
    public string? Lei { get; init; }
    public string? Name { get; init; }
    /// <summary>FinInstnId/PstlAdr: the institution's address (an institution transfer's parties carry it).</summary>
    public PostalAddress? Address { get; init; }

    public static Agent FromBic(string bic) => new() { Bicfi = bic };
}

/// <summary>Payment identifiers carried end to end (PaymentIdentification13).</summary>
public sealed record PaymentIdentification
{
    public string? InstrId { get; init; }
    public required string EndToEndId { get; init; }
    public string? TxId { get; init; }
    /// <summary>Unique end-to-end transaction reference, UUIDv4 lower case.</summary>
    public string? Uetr { get; init; }
}

/// <summary>Header shared by pacs.008/pacs.009 (GroupHeader93) and pacs.004 (GroupHeader90).</summary>
public sealed record GroupHeader
{
    public required string MsgId { get; init; }
    public required DateTimeOffset CreDtTm { get; init; }
    public required long NbOfTxs { get; init; }
    /// <summary>Settlement method: INDA, INGA, COVE, CLRG.</summary>
    public required string SttlmMtd { get; init; }
    public DateOnly? IntrBkSttlmDt { get; init; }
    public Agent? InstgAgt { get; init; }
    public Agent? InstdAgt { get; init; }
}

/// <summary>Reference to the original message (OriginalGroupInformation29).</summary>
public sealed record OriginalGroupInfo(string OrgnlMsgId, string OrgnlMsgNmId, DateTimeOffset? OrgnlCreDtTm);

/// <summary>A reason: ISO external code or proprietary text, plus free additional information.</summary>
public sealed record ReasonInfo
{
    public string? Code { get; init; }
    public string? Proprietary { get; init; }
    public string? OriginatorName { get; init; }
    public ValueList<string> AdditionalInfo { get; init; }
}

/// <summary>Common base of the messages the codec parses; each carries its message identification.</summary>
public abstract record IsoMessage
{
    /// <summary>Message definition identifier, e.g. "pacs.008.001.09".</summary>
    public abstract string MessageDefinition { get; }

    /// <summary>MsgId of the message (camt.056: the assignment Id).</summary>
    public abstract string MsgId { get; }
}
