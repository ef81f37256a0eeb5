namespace Corridor.Core.Compliance;

/// <summary>Whether a party is a natural person or an institution (legal entity).</summary>
public enum PartyKind : byte
{
    Person = 1,
    Institution = 2,
}

/// <summary>Role of a party in a payment: who pays (originator) and who is paid (beneficiary).</summary>
public enum PartyRole : byte
{
    Originator = 1,
    Beneficiary = 2,
}

/// <summary>
/// Structured postal address, the subset of ISO 20022 PostalAddress24 that FATF R16 asks for.
/// Country is ISO 3166-1 alpha-2.
/// </summary>
public sealed record PostalAddress(
    string? StreetName = null,
    string? BuildingNumber = null,
    string? PostCode = null,
    string? TownName = null,
    string? Country = null);

/// <summary>
/// Originator or beneficiary data carried with a payment (FATF Recommendation 16 "travel rule").
/// All fields are optional at the type level; <see cref="TravelRule.Validate"/> says which are required.
/// </summary>
public sealed record PartyInfo(
    PartyKind Kind,
    string? Name,
    PostalAddress? Address = null,
    string? NationalId = null,
    DateOnly? DateOfBirth = null,
    string? PlaceOfBirth = null,
    string? Lei = null,
    string? Bic = null,
    string? Account = null)
{
    /// <summary>A person with just a name (tests, screening of names only).</summary>
    public static PartyInfo PersonNamed(string name) => new(PartyKind.Person, name);

    /// <summary>An institution with just a name.</summary>
    public static PartyInfo InstitutionNamed(string name) => new(PartyKind.Institution, name);
}
