using Corridor.Core.Currencies;

namespace Corridor.Core.Exchange;

/// <summary>Which side of a conversion the payer fixes.</summary>
public enum AmountSide : byte
{
    /// <summary>The payer fixes what it pays (source minor units); the destination amount is derived, rounded down.</summary>
    Source = 0,
    /// <summary>The payer fixes what the payee receives (destination minor units); the source amount is derived, rounded up.</summary>
    Destination = 1,
}

/// <summary>
/// An exchange rate as an exact rational: one MAJOR unit of the source currency buys
/// <c>Numerator / Denominator</c> MAJOR units of the destination currency (the way rates are quoted:
/// USD/KES 129.35 is 12935/100). Conversion works on minor units with the two exponents and never
/// uses floating point. Rounding, always against the derived amount and never banker's:
/// <list type="bullet">
/// <item>source fixed → destination = ⌊source × rate⌋ (rounded down: the provider never delivers more than the rate covers);</item>
/// <item>destination fixed → source = ⌈destination ÷ rate⌉ (rounded up: the payee receives exactly the amount asked for).</item>
/// </list>
/// Either way the residue is below one minor unit and the locked amounts are the ones that settle.
/// </summary>
public readonly record struct FxRate(long Numerator, long Denominator)
{
    /// <summary>Upper bound on numerator and denominator, so products stay well inside 128 bits.</summary>
    public const long MaxTerm = 1_000_000_000_000_000_000; // 10^18

    public bool IsValid => Numerator > 0 && Denominator > 0 && Numerator <= MaxTerm && Denominator <= MaxTerm;

    /// <summary>A fixed-point rate: <paramref name="scaled"/> = rate × 10^<paramref name="decimals"/> (e.g. rate × 10^9).</summary>
    public static FxRate FromFixedPoint(long scaled, int decimals) => new(scaled, MinorUnits.Pow10(decimals));

    /// <summary>Parses a plain decimal rate ("129.35") exactly; at most 9 fractional digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out FxRate rate)
    {
        rate = default;
        int point = text.IndexOf('.');
        int decimals = point < 0 ? 0 : text.Length - point - 1;
        if (decimals > MinorUnits.MaxExponent || !MinorUnits.TryParse(text, decimals, out long scaled) || scaled <= 0) return false;
        rate = FromFixedPoint(scaled, decimals);
        return rate.IsValid;
    }

    /// <summary>Destination minor units for <paramref name="sourceMinor"/>, rounded down. False on overflow or invalid input.</summary>
    public bool TryConvertSource(long sourceMinor, int sourceExponent, int destinationExponent, out long destinationMinor)
    {
        destinationMinor = 0;
        if (!IsValid || sourceMinor <= 0) return false;
        if (!TryScale(sourceMinor, Numerator, destinationExponent - sourceExponent, out UInt128 top)) return false;
        if (!TryScale(1, Denominator, sourceExponent - destinationExponent, out UInt128 bottom)) return false;
        UInt128 q = top / bottom;
        if (q > long.MaxValue) return false;
        destinationMinor = (long)q;
        return true;
    }

    /// <summary>Source minor units needed to deliver <paramref name="destinationMinor"/>, rounded up. False on overflow or invalid input.</summary>
    public bool TryConvertDestination(long destinationMinor, int sourceExponent, int destinationExponent, out long sourceMinor)
    {
        sourceMinor = 0;
        if (!IsValid || destinationMinor <= 0) return false;
        if (!TryScale(destinationMinor, Denominator, sourceExponent - destinationExponent, out UInt128 top)) return false;
        if (!TryScale(1, Numerator, destinationExponent - sourceExponent, out UInt128 bottom)) return false;
        UInt128 q = top / bottom;
        if (top % bottom != 0) q++;
        if (q > long.MaxValue) return false;
        sourceMinor = (long)q;
        return true;
    }

    /// <summary>value × term × 10^max(0, shift) in 128 bits, false on overflow.</summary>
    private static bool TryScale(long value, long term, int shift, out UInt128 result)
    {
        result = (UInt128)(ulong)value * (ulong)term; // < 2^63 · 10^18 < 2^123
        for (int i = 0; i < shift; i++)
        {
            if (result > UInt128.MaxValue / 10) return false;
            result *= 10;
        }
        return true;
    }
}
