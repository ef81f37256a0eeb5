using System.Globalization;

namespace Corridor.Server.Http;

/// <summary>
/// Dates on the wire are ISO 8601 calendar dates ("2026-11-23"); the engine keeps them as yyyymmdd numbers. The API's
/// one conversion in each direction, and the one parser of a date in a path.
/// </summary>
public static class BusinessDates
{
    public const string Format = "yyyy-MM-dd";

    /// <summary>The engine's yyyymmdd (0 = none) as a date; null for 0 or a number that is no calendar date.</summary>
    public static DateOnly? ToDate(uint yyyymmdd) =>
        yyyymmdd != 0 && DateOnly.TryParseExact(yyyymmdd.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d)
            ? d : null;

    public static uint ToNumber(DateOnly date) => (uint)(date.Year * 10_000 + date.Month * 100 + date.Day);

    public static uint ToNumber(DateOnly? date) => date is { } d ? ToNumber(d) : 0;

    /// <summary>A date in a path or query: ISO 8601 <c>YYYY-MM-DD</c>, else 400 <c>request.invalid_date</c>.</summary>
    public static uint Parse(string text, string field)
    {
        if (text.Length != Format.Length || !DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
            throw ApiException.BadRequest("request.invalid_date", $"{field}: \"{(text.Length > 24 ? text[..24] + "…" : text)}\" is not an ISO 8601 date YYYY-MM-DD");
        return ToNumber(date);
    }
}
