using System.Globalization;

namespace Corridor.Iso20022.Codes;

/// <summary>Outcome of turning ISO 20022 decimal amount text into integer minor units.</summary>
public enum AmountParseStatus
{
    Ok,
    /// <summary>Not an xs:decimal lexical form.</summary>
    NotANumber,
    /// <summary>A minus sign: amounts are never negative (ISO 20022 minInclusive 0).</summary>
    Negative,
    /// <summary>More fraction digits than the currency's ISO 4217 exponent.</summary>
    TooManyFractionDigits,
    /// <summary>The value does not fit in a signed 64-bit count of minor units.</summary>
    Overflow,
    /// <summary>The currency is not an active ISO 4217 code with a minor unit.</summary>
    UnknownCurrency,
}

/// <summary>Converts between ISO 20022 decimal amount text and integer minor units; never uses floating point.</summary>
public static class MinorUnits
{
    private static readonly long[] s_pow10 =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
    ];

    /// <summary>10^<paramref name="exponent"/> for 0..10.</summary>
    public static long Pow10(int exponent) => s_pow10[exponent];

    /// <summary>Parses <paramref name="text"/> (xs:decimal, e.g. "1234.50") in <paramref name="currency"/> into minor units.</summary>
    public static AmountParseStatus TryParse(ReadOnlySpan<char> text, string currency, out long amountMinor)
    {
        amountMinor = 0;
        if (!Iso4217.TryGetExponent(currency, out int exponent)) return AmountParseStatus.UnknownCurrency;
        return TryParseScaled(text, exponent, out amountMinor);
    }

    /// <summary>Parses a non-negative xs:decimal into an integer scaled by 10^<paramref name="scale"/>.</summary>
    public static AmountParseStatus TryParseScaled(ReadOnlySpan<char> text, int scale, out long scaled)
    {
        scaled = 0;
        text = text.Trim();
        if (text.IsEmpty) return AmountParseStatus.NotANumber;
        if (text[0] == '-') return AmountParseStatus.Negative;
        if (text[0] == '+') text = text[1..];
        long value = 0;
        int fractionDigits = -1; // -1: no point seen yet
        int digits = 0;
        foreach (char c in text)
        {
            if (c == '.')
            {
                if (fractionDigits >= 0) return AmountParseStatus.NotANumber;
                fractionDigits = 0;
                continue;
            }
            if (c is < '0' or > '9') return AmountParseStatus.NotANumber;
            digits++;
            if (fractionDigits >= 0)
            {
                fractionDigits++;
                if (fractionDigits > scale) return AmountParseStatus.TooManyFractionDigits;
            }
            long digit = c - '0';
            if (value > (long.MaxValue - digit) / 10) return AmountParseStatus.Overflow;
            value = value * 10 + digit;
        }
        if (digits == 0) return AmountParseStatus.NotANumber;
        int missing = scale - Math.Max(fractionDigits, 0);
        long factor = s_pow10[missing];
        if (value > long.MaxValue / factor) return AmountParseStatus.Overflow;
        scaled = value * factor;
        return AmountParseStatus.Ok;
    }

    /// <summary>Formats minor units as ISO 20022 decimal text with exactly the currency's exponent digits ("1234.50").</summary>
    public static string Format(long amountMinor, string currency)
    {
        if (!Iso4217.TryGetExponent(currency, out int exponent))
            throw new ArgumentException($"unknown ISO 4217 currency '{currency}'", nameof(currency));
        return FormatScaled(amountMinor, exponent, trimZeros: false);
    }

    /// <summary>Formats an integer scaled by 10^<paramref name="scale"/> as decimal text.</summary>
    public static string FormatScaled(long scaled, int scale, bool trimZeros)
    {
        if (scaled < 0) throw new ArgumentOutOfRangeException(nameof(scaled), "amounts are never negative");
        string whole = (scaled / s_pow10[scale]).ToString(CultureInfo.InvariantCulture);
        if (scale == 0) return whole;
        string fraction = (scaled % s_pow10[scale]).ToString(CultureInfo.InvariantCulture).PadLeft(scale, '0');
        if (trimZeros)
        {
            fraction = fraction.TrimEnd('0');
            if (fraction.Length == 0) return whole;
        }
        return whole + "." + fraction;
    }
}
