namespace Corridor.Iso20022.Codes;

/// <summary>IBAN (ISO 13616) check: known country, length 15..34, mod-97 remainder 1.</summary>
public static class IbanRules
{
    public static bool IsValid(string? iban)
    {
        if (iban is null || iban.Length is < 15 or > 34) return false;
        if (!CountryCodes.IsValid(iban[..2])) return false;
        int remainder = 0;
        for (int k = 0; k < iban.Length; k++)
        {
            char c = iban[(k + 4) % iban.Length];
            if (c is >= '0' and <= '9') remainder = (remainder * 10 + (c - '0')) % 97;
            else if (c is >= 'A' and <= 'Z') remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            else if (c is >= 'a' and <= 'z') remainder = (remainder * 100 + (c - 'a' + 10)) % 97;
            else return false;
        }
        return remainder == 1;
    }
}
