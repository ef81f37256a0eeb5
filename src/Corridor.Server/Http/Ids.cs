using System.Globalization;

namespace Corridor.Server.Http;

/// <summary>128-bit ids on the wire: decimal ("12345") or 0x-hex ("0x3039"), never empty, never 0 where an id is required.</summary>
public static class Ids
{
    public static bool TryParse(string? text, out UInt128 value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 42) return false;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ReadOnlySpan<char> hex = text.AsSpan(2);
            return hex.Length is > 0 and <= 32 && UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        foreach (char c in text) if (c is < '0' or > '9') return false;
        return UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses a required id; 400 <c>request.invalid_id</c> otherwise.</summary>
    public static UInt128 Parse(string? text, string field)
    {
        if (!TryParse(text, out UInt128 value)) throw ApiException.BadRequest("request.invalid_id", $"{field}: \"{Truncate(text)}\" is not a 128-bit id (decimal or 0x-hex)");
        return value;
    }

    public static UInt128 ParseOptional(string? text, string field) => text is null ? UInt128.Zero : Parse(text, field);

    public static string Format(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Truncate(string? s) => s is null ? "" : s.Length > 48 ? s[..48] + "…" : s;
}
