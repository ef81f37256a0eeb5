using Corridor.Core.Countries;

namespace Corridor.Core.Compliance;

/// <summary>Format checks for party identifiers: LEI (ISO 17442) and BIC (ISO 9362).</summary>
public static class Identifiers
{
    /// <summary>
    /// ISO 17442 LEI: 20 characters, 18 upper-case alphanumerics then 2 check digits, and the whole
    /// code, read as a number with A=10 .. Z=35 (ISO 7064 MOD 97-10), is 1 modulo 97.
    /// </summary>
    public static bool IsValidLei(ReadOnlySpan<char> lei)
    {
        if (lei.Length != 20) return false;
        int remainder = 0;
        for (int i = 0; i < lei.Length; i++)
        {
            char c = lei[i];
            if (c >= '0' && c <= '9')
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else if (c >= 'A' && c <= 'Z' && i < 18)
            {
                int value = c - 'A' + 10;
                remainder = (remainder * 100 + value) % 97;
            }
            else
            {
                return false;
            }
        }
        return remainder == 1;
    }

    /// <summary>
    /// ISO 9362 BIC: 4 alphanumeric party prefix, 2-letter ISO 3166 country, 2 alphanumeric
    /// location, optional 3 alphanumeric branch (8 or 11 characters, upper case).
    /// </summary>
    public static bool IsValidBic(ReadOnlySpan<char> bic) => CheckBic(bic) == BicFinding.Ok;

    /// <summary>The first part of an ISO 9362 BIC that is wrong, in reading order (<see cref="BicFinding.Ok"/> for a valid BIC).</summary>
    public static BicFinding CheckBic(ReadOnlySpan<char> bic)
    {
        if (bic.Length != 8 && bic.Length != 11) return BicFinding.Length;
        for (int i = 0; i < bic.Length; i++)
        {
            char c = bic[i];
            bool upper = c >= 'A' && c <= 'Z';
            bool digit = c >= '0' && c <= '9';
            if (i is 4 or 5)
            {
                if (!upper) return BicFinding.CountryNotLetters;
            }
            else if (!upper && !digit)
            {
                return i < 4 ? BicFinding.PartyPrefix : i < 8 ? BicFinding.Location : BicFinding.Branch;
            }
        }
        return CountryCodes.IsAssigned(bic.Slice(4, 2)) ? BicFinding.Ok : BicFinding.CountryNotAssigned;
    }
}

/// <summary>What is wrong with a BIC (ISO 9362), part by part.</summary>
public enum BicFinding : byte
{
    Ok = 0,
    /// <summary>Not 8 or 11 characters.</summary>
    Length = 1,
    /// <summary>Characters 1–4 (party prefix) are not upper-case letters or digits.</summary>
    PartyPrefix = 2,
    /// <summary>Characters 5–6 are not upper-case letters.</summary>
    CountryNotLetters = 3,
    /// <summary>Characters 5–6 are not an assigned ISO 3166 alpha-2 country code.</summary>
    CountryNotAssigned = 4,
    /// <summary>Characters 7–8 (location) are not upper-case letters or digits.</summary>
    Location = 5,
    /// <summary>Characters 9–11 (branch) are not upper-case letters or digits.</summary>
    Branch = 6,
}
