namespace Corridor.Iso20022.Codes;

/// <summary>
/// The ISO 4217 view ISO 20022 validation needs: codes that can be settled in integer minor units,
/// with their exponent. Backed by the one table in <see cref="Corridor.Core.Currencies.Iso4217"/>; codes
/// whose minor unit is "N.A." (XAU, XAG, XDR, ...) are unknown here (reason AM03).
/// </summary>
public static class Iso4217
{
    public const int MaxExponent = 4;

    /// <summary>Number of currencies known (with a minor unit).</summary>
    public static int Count { get; } = CountWithMinorUnit();

    /// <summary>Minor-unit exponent of <paramref name="currency"/>; false when the code is not an active ISO 4217 code with a minor unit.</summary>
    public static bool TryGetExponent(string? currency, out int exponent)
    {
        if (currency is { Length: 3 } && Corridor.Core.Currencies.Iso4217.TryGet(currency, out var entry) && entry.Exponent >= 0)
        {
            exponent = entry.Exponent;
            return true;
        }
        exponent = 0;
        return false;
    }

    /// <summary>True when <paramref name="currency"/> is an active ISO 4217 code with a minor unit.</summary>
    public static bool IsKnown(string? currency) => TryGetExponent(currency, out _);

    private static int CountWithMinorUnit()
    {
        int n = 0;
        foreach (var e in Corridor.Core.Currencies.Iso4217.All) if (e.Exponent >= 0) n++;
        return n;
    }
}
