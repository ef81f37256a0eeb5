namespace Corridor.Iso20022.Codes;

/// <summary>
/// ISO 3166-1 alpha-2 country codes plus XK (Kosovo, used in BICs and IBANs) for BIC, IBAN and address checks.
/// Backed by the one table in <see cref="Corridor.Core.Countries.CountryCodes"/> (its XK rule is documented there).
/// </summary>
public static class CountryCodes
{
    /// <summary>Number of known codes: the assigned ones and XK.</summary>
    public static int Count => Corridor.Core.Countries.CountryCodes.Count + 1;

    /// <summary>True when <paramref name="code"/> is an assigned ISO 3166-1 alpha-2 code or XK.</summary>
    public static bool IsValid(string? code) => code is not null && Corridor.Core.Countries.CountryCodes.IsAssignedOrKosovo(code);
}
