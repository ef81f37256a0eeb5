using System.Collections.Immutable;
using Corridor.Core.Countries;

namespace Corridor.Core.Compliance;

/// <summary>
/// One travel-rule finding. Values are stable (they appear in API replies and the journal); append only.
/// Each maps to an ISO 20022 ExternalStatusReason1Code via <see cref="TravelRule.ReasonCode"/>.
/// </summary>
public enum TravelRuleCode : byte
{
    /// <summary>RR01: originator account number (or unique transaction reference) missing.</summary>
    OriginatorAccountMissing = 1,
    /// <summary>RR01: institution originator has neither LEI nor BIC.</summary>
    OriginatorIdentificationMissing = 2,
    /// <summary>RR02: originator name missing.</summary>
    OriginatorNameMissing = 3,
    /// <summary>RR02: person originator has no address (town + country), national id, nor date and place of birth.</summary>
    OriginatorAddressMissing = 4,
    /// <summary>RR03: beneficiary name missing.</summary>
    BeneficiaryNameMissing = 5,
    /// <summary>RR03: beneficiary account number missing.</summary>
    BeneficiaryAccountMissing = 6,
    /// <summary>RR04: an address country is not an assigned ISO 3166-1 alpha-2 code.</summary>
    InvalidCountry = 7,
    /// <summary>RR04: LEI fails the ISO 17442 format or MOD 97-10 check.</summary>
    InvalidLei = 8,
    /// <summary>RR04: BIC fails the ISO 9362 format (or its country is not ISO 3166).</summary>
    InvalidBic = 9,
    /// <summary>RR04: a text field exceeds its ISO 20022 length (Max140Text for names, Max35Text for ids).</summary>
    TextTooLong = 10,
}

/// <summary>A travel-rule finding for one party.</summary>
public readonly record struct TravelRuleFinding(PartyRole Role, TravelRuleCode Code)
{
    /// <summary>ISO 20022 status reason code (RR01..RR04).</summary>
    public string ReasonCode => TravelRule.ReasonCode(Code);
}

/// <summary>Outcome of <see cref="TravelRule.Validate"/>: empty findings means compliant.</summary>
public sealed record TravelRuleResult(ImmutableArray<TravelRuleFinding> Findings)
{
    public static readonly TravelRuleResult Compliant = new(ImmutableArray<TravelRuleFinding>.Empty);

    public bool IsCompliant => Findings.IsEmpty;

    /// <summary>Reason code to report when rejecting (the first finding's), or null when compliant.</summary>
    public string? FirstReasonCode => Findings.IsEmpty ? null : Findings[0].ReasonCode;
}

/// <summary>
/// FATF Recommendation 16 (wire transfers) checks on originator and beneficiary data.
/// Cross-border: originator needs name, account and (persons) address / national id / date and
/// place of birth or (institutions) LEI / BIC; beneficiary needs name and account.
/// Domestic: account numbers suffice (R16 para 5: the rest must be available on request).
/// Present identifiers are always format-checked.
/// </summary>
public static class TravelRule
{
    /// <summary>ISO 20022 Max140Text: the bound on names.</summary>
    public const int MaxNameChars = 140;

    /// <summary>ISO 20022 Max35Text/Max34Text: the bound on ids, accounts and address parts.</summary>
    public const int MaxIdChars = 70;

    /// <summary>Findings come in a fixed order: originator before beneficiary, completeness before format.</summary>
    public static TravelRuleResult Validate(PartyInfo? originator, PartyInfo? beneficiary, bool crossBorder)
    {
        // Most payments have no finding: the thread's builder is reused, and only findings are copied out of it.
        ImmutableArray<TravelRuleFinding>.Builder findings = t_findings ??= ImmutableArray.CreateBuilder<TravelRuleFinding>(4);
        findings.Clear();
        ValidateOriginator(originator, crossBorder, findings);
        ValidateBeneficiary(beneficiary, crossBorder, findings);
        if (originator is not null) ValidateFormats(PartyRole.Originator, originator, findings);
        if (beneficiary is not null) ValidateFormats(PartyRole.Beneficiary, beneficiary, findings);
        return findings.Count == 0 ? TravelRuleResult.Compliant : new TravelRuleResult(findings.ToImmutable());
    }

    [ThreadStatic] private static ImmutableArray<TravelRuleFinding>.Builder? t_findings;

    /// <summary>ISO 20022 ExternalStatusReason1Code for a finding.</summary>
    public static string ReasonCode(TravelRuleCode code) => code switch
    {
        TravelRuleCode.OriginatorAccountMissing or TravelRuleCode.OriginatorIdentificationMissing => "RR01",
        TravelRuleCode.OriginatorNameMissing or TravelRuleCode.OriginatorAddressMissing => "RR02",
        TravelRuleCode.BeneficiaryNameMissing or TravelRuleCode.BeneficiaryAccountMissing => "RR03",
        _ => "RR04",
    };

    private static void ValidateOriginator(PartyInfo? party, bool crossBorder, ImmutableArray<TravelRuleFinding>.Builder findings)
    {
        const PartyRole role = PartyRole.Originator;
        if (IsBlank(party?.Account)) findings.Add(new(role, TravelRuleCode.OriginatorAccountMissing));
        if (!crossBorder) return;
        if (party is null || IsBlank(party.Name))
        {
            findings.Add(new(role, TravelRuleCode.OriginatorNameMissing));
        }
        if (party is null)
        {
            findings.Add(new(role, TravelRuleCode.OriginatorAddressMissing));
            return;
        }
        if (party.Kind == PartyKind.Institution)
        {
            if (IsBlank(party.Lei) && IsBlank(party.Bic))
            {
                findings.Add(new(role, TravelRuleCode.OriginatorIdentificationMissing));
            }
        }
        else
        {
            bool hasAddress = party.Address is { } a && !IsBlank(a.TownName) && !IsBlank(a.Country);
            bool hasNationalId = !IsBlank(party.NationalId);
            bool hasBirth = party.DateOfBirth is not null && !IsBlank(party.PlaceOfBirth);
            if (!hasAddress && !hasNationalId && !hasBirth)
            {
                findings.Add(new(role, TravelRuleCode.OriginatorAddressMissing));
            }
        }
    }

    private static void ValidateBeneficiary(PartyInfo? party, bool crossBorder, ImmutableArray<TravelRuleFinding>.Builder findings)
    {
        const PartyRole role = PartyRole.Beneficiary;
        if (crossBorder && (party is null || IsBlank(party.Name)))
        {
            findings.Add(new(role, TravelRuleCode.BeneficiaryNameMissing));
        }
        if (party is null || IsBlank(party.Account))
        {
            findings.Add(new(role, TravelRuleCode.BeneficiaryAccountMissing));
        }
    }

    private static void ValidateFormats(PartyRole role, PartyInfo party, ImmutableArray<TravelRuleFinding>.Builder findings)
    {
        if (party.Address is { } address && !IsBlank(address.Country) && !CountryCodes.IsAssigned(address.Country.AsSpan().Trim()))
        {
            findings.Add(new(role, TravelRuleCode.InvalidCountry));
        }
        if (!IsBlank(party.Lei) && !Identifiers.IsValidLei(party.Lei.AsSpan().Trim()))
        {
            findings.Add(new(role, TravelRuleCode.InvalidLei));
        }
        if (!IsBlank(party.Bic) && !Identifiers.IsValidBic(party.Bic.AsSpan().Trim()))
        {
            findings.Add(new(role, TravelRuleCode.InvalidBic));
        }
        if (TooLong(party.Name, MaxNameChars) || TooLong(party.Account, MaxIdChars) || TooLong(party.NationalId, MaxIdChars)
            || TooLong(party.PlaceOfBirth, MaxNameChars)
            || party.Address is { } a && (TooLong(a.StreetName, MaxNameChars) || TooLong(a.BuildingNumber, MaxIdChars)
                || TooLong(a.PostCode, MaxIdChars) || TooLong(a.TownName, MaxIdChars)))
        {
            findings.Add(new(role, TravelRuleCode.TextTooLong));
        }
    }

    private static bool IsBlank([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] string? s) => string.IsNullOrWhiteSpace(s);

    private static bool TooLong(string? s, int maxChars) => s is not null && s.Length > maxChars;
}
