namespace Corridor.Iso20022.Codes;

/// <summary>BIC (ISO 9362) shape and country checks.</summary>
public static class BicRules
{
    /// <summary>8 or 11 characters: 4 alphanumeric institution, 2-letter country (ISO 3166), 2 alphanumeric location, optional 3 alphanumeric branch.</summary>
    public static bool IsWellFormed(string? bic)
    {
        if (bic is null || (bic.Length != 8 && bic.Length != 11)) return false;
        for (int i = 0; i < bic.Length; i++)
        {
            char c = bic[i];
            bool upper = c is >= 'A' and <= 'Z';
            bool digit = c is >= '0' and <= '9';
            if (i is 4 or 5 ? !upper : !(upper || digit)) return false;
        }
        return CountryCodes.IsValid(bic.Substring(4, 2));
    }

    /// <summary>Country part of a BIC (characters 5-6), or null.</summary>
    public static string? CountryOf(string? bic) => bic is { Length: >= 6 } ? bic.Substring(4, 2) : null;
}
