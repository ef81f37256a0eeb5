using System.Globalization;
using Corridor.Client;
using Corridor.Core.Compliance;
using Corridor.Core.Countries;
using Corridor.Core.Settlement;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// Date and place of birth of a person originator over JSON (<c>date_of_birth</c>, <c>place_of_birth</c>): FATF R16 accepts
/// them instead of an address. Validated at the rim into <see cref="PartyBirth"/>; the engine stores them with the payment.
/// </summary>
internal static class PartyBirths
{
    /// <summary>Earliest date of birth accepted (bounds the field; nobody older is alive).</summary>
    public static readonly DateOnly Earliest = new(1900, 1, 1);

    /// <summary>"Today" is taken in the earliest time zone (UTC+14), so a person born today anywhere is not "in the future".</summary>
    public const int EarliestZoneOffsetHours = 14;

    /// <summary>The originator's birth data, or null when neither field is given; 400 with a precise code otherwise.</summary>
    public static PartyBirth? Parse(FxPartyDto? party, DateTimeOffset now, string field)
    {
        if (party is null || (party.DateOfBirth is null && party.PlaceOfBirth is null)) return null;
        if (party.DateOfBirth is null || party.PlaceOfBirth is null)
            throw ApiException.BadRequest("party.birth_incomplete", $"{field}: date_of_birth and place_of_birth go together (ISO 20022 DtAndPlcOfBirth)");
        string text = party.DateOfBirth;
        if (text.Length != 10 || !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
            throw ApiException.BadRequest("party.date_of_birth_invalid", $"{field}.date_of_birth: \"{Clip(text)}\" is not a calendar date YYYY-MM-DD");
        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime.AddHours(EarliestZoneOffsetHours));
        if (date > today) throw ApiException.BadRequest("party.date_of_birth_in_future", $"{field}.date_of_birth: {text} is in the future");
        if (date < Earliest) throw ApiException.BadRequest("party.date_of_birth_invalid", $"{field}.date_of_birth: {text} is before {Earliest:yyyy-MM-dd}");
        string city = party.PlaceOfBirth.City ?? "";
        if (string.IsNullOrWhiteSpace(city) || city.Length > PartyBirth.MaxCityChars || city.Any(char.IsControl))
            throw ApiException.BadRequest("party.place_of_birth_city_invalid", $"{field}.place_of_birth.city: 1–{PartyBirth.MaxCityChars} characters, no control characters");
        string country = party.PlaceOfBirth.Country ?? "";
        if (!CountryCodes.IsAssigned(country))
            throw ApiException.BadRequest("party.place_of_birth_country_invalid", $"{field}.place_of_birth.country: \"{Clip(country)}\" is not an ISO 3166-1 alpha-2 code");
        return new PartyBirth((uint)(date.Year * 10_000 + date.Month * 100 + date.Day), city, country);
    }

    /// <summary>Where birth data is not carried (a beneficiary, an FX payment): refused rather than silently dropped.</summary>
    public static void Refuse(FxPartyDto? party, string field)
    {
        if (party is not null && (party.DateOfBirth is not null || party.PlaceOfBirth is not null))
            throw ApiException.BadRequest("party.birth_not_supported", $"{field}: date_of_birth and place_of_birth are accepted only for the originator of POST /v1/payments");
    }

    /// <summary>The party as returned, with its birth data when the payment carries it.</summary>
    public static FxPartyDto With(FxPartyDto party, PartyBirth? birth) => birth is null ? party : party with
    {
        DateOfBirth = birth.Date is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : birth.DateYyyymmdd.ToString(CultureInfo.InvariantCulture),
        PlaceOfBirth = new BirthPlaceDto(birth.City, birth.Country),
    };

    private static string Clip(string s) => s.Length > 24 ? s[..24] : s;
}
