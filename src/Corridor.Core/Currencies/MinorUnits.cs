namespace Corridor.Core.Currencies;

/// <summary>
/// Exact conversion between decimal strings ("1234.50") and integer minor units (123450 at exponent 2).
/// No floating point anywhere. Parsing never rounds: a string with more significant fractional digits
/// than the currency's exponent is rejected (trailing zeros beyond it are accepted, "1.500" at exponent 2).
/// Only FX conversion rounds (see <see cref="Exchange.FxRate"/>), in a documented direction.
/// </summary>
public static class MinorUnits
{
    /// <summary>Largest exponent a currency may have: 10^9 minor units per major unit still leaves 9.2e9 major units in a long.</summary>
    public const int MaxExponent = 9;

    /// <summary>Longest accepted decimal string (sign, 19 digits, point, trailing zeros).</summary>
    public const int MaxTextLength = 40;

    private static readonly long[] s_pow10 = BuildPow10();

    /// <summary>10^<paramref name="exponent"/> for 0 ≤ exponent ≤ 18.</summary>
    public static long Pow10(int exponent) => s_pow10[exponent];

    /// <summary>
    /// Parses <c>[-]digits[.digits]</c> (ASCII digits only, no sign '+', no grouping, no exponent notation) into
    /// minor units at <paramref name="exponent"/>. False when malformed, too precise, or outside a long.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, int exponent, out long minor)
    {
        minor = 0;
        if ((uint)exponent > MaxExponent || text.IsEmpty || text.Length > MaxTextLength) return false;
        bool negative = text[0] == '-';
        if (negative) text = text[1..];
        int point = text.IndexOf('.');
        ReadOnlySpan<char> whole = point < 0 ? text : text[..point];
        ReadOnlySpan<char> fraction = point < 0 ? default : text[(point + 1)..];
        if (whole.IsEmpty || (point >= 0 && fraction.IsEmpty)) return false;

        UInt128 limit = (UInt128)long.MaxValue + (negative ? 1u : 0u); // long.MinValue has no positive twin
        UInt128 value = 0;
        foreach (char c in whole)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (uint)(c - '0');
            if (value > limit) return false;
        }
        for (int i = 0; i < fraction.Length; i++)
        {
            char c = fraction[i];
            if (!char.IsAsciiDigit(c)) return false;
            if (i >= exponent && c != '0') return false; // would need rounding: refuse
        }
        for (int i = 0; i < exponent; i++)
        {
            value = value * 10 + (uint)(i < fraction.Length ? fraction[i] - '0' : 0);
            if (value > limit) return false;
        }
        if (negative) minor = value == limit && limit > long.MaxValue ? long.MinValue : -(long)value;
        else minor = (long)value;
        return true;
    }

    /// <summary>Formats minor units as a plain decimal string with exactly <paramref name="exponent"/> fractional digits.</summary>
    public static string Format(long minor, int exponent)
    {
        if ((uint)exponent > MaxExponent) throw new ArgumentOutOfRangeException(nameof(exponent));
        ulong magnitude = minor < 0 ? (ulong)(-(minor + 1)) + 1 : (ulong)minor;
        string digits = magnitude.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (exponent > 0)
        {
            if (digits.Length <= exponent) digits = new string('0', exponent - digits.Length + 1) + digits;
            digits = string.Concat(digits.AsSpan(0, digits.Length - exponent), ".", digits.AsSpan(digits.Length - exponent));
        }
        return minor < 0 ? "-" + digits : digits;
    }

    private static long[] BuildPow10()
    {
        var p = new long[19];
        p[0] = 1;
        for (int i = 1; i < p.Length; i++) p[i] = p[i - 1] * 10;
        return p;
    }
}
