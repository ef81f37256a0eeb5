using Corridor.Iso20022.Codes;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Tests;

/// <summary>ISO 4217 exponents, minor-unit conversion, IBAN and BIC checks.</summary>
public sealed class CodeTableTests
{
    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KWD", 3)]
    [InlineData("CLF", 4)]
    [InlineData("XOF", 0)]
    [InlineData("UGX", 0)]
    [InlineData("GHS", 2)]
    public void Known_exponents(string ccy, int exponent)
    {
        Assert.True(Iso4217.TryGetExponent(ccy, out int e));
        Assert.Equal(exponent, e);
    }

    [Theory]
    [InlineData("XAU")]
    [InlineData("XDR")]
    [InlineData("eur")]
    [InlineData("EU")]
    [InlineData(null)]
    public void Unknown_or_unit_less_currencies(string? ccy) => Assert.False(Iso4217.IsKnown(ccy));

    [Fact]
    public void Table_covers_the_active_codes() => Assert.True(Iso4217.Count >= 150);

    [Theory]
    [InlineData("1234.56", "EUR", 123456)]
    [InlineData("1234.5", "EUR", 123450)]
    [InlineData("1234", "EUR", 123400)]
    [InlineData("+0.01", "EUR", 1)]
    [InlineData(".5", "EUR", 50)]
    [InlineData("7.", "EUR", 700)]
    [InlineData("500", "JPY", 500)]
    [InlineData("1.234", "KWD", 1234)]
    [InlineData("92233720368547758.07", "EUR", long.MaxValue)]
    public void Parses_decimal_text_into_minor_units(string text, string ccy, long minor)
    {
        Assert.Equal(AmountParseStatus.Ok, MinorUnits.TryParse(text, ccy, out long value));
        Assert.Equal(minor, value);
    }

    [Theory]
    [InlineData("1.001", "EUR", AmountParseStatus.TooManyFractionDigits)]
    [InlineData("1.0", "JPY", AmountParseStatus.TooManyFractionDigits)]
    [InlineData("-1.00", "EUR", AmountParseStatus.Negative)]
    [InlineData("-0", "EUR", AmountParseStatus.Negative)]
    [InlineData("92233720368547758.08", "EUR", AmountParseStatus.Overflow)]
    [InlineData("999999999999999999", "KWD", AmountParseStatus.Overflow)]
    [InlineData("1e3", "EUR", AmountParseStatus.NotANumber)]
    [InlineData("1.2.3", "EUR", AmountParseStatus.NotANumber)]
    [InlineData(".", "EUR", AmountParseStatus.NotANumber)]
    [InlineData("", "EUR", AmountParseStatus.NotANumber)]
    [InlineData("1.00", "XXX", AmountParseStatus.UnknownCurrency)]
    public void Refuses_what_minor_units_cannot_hold(string text, string ccy, AmountParseStatus expected)
        => Assert.Equal(expected, MinorUnits.TryParse(text, ccy, out _));

    [Theory]
    [InlineData(123456, "EUR", "1234.56")]
    [InlineData(5, "EUR", "0.05")]
    [InlineData(500, "JPY", "500")]
    [InlineData(1, "KWD", "0.001")]
    public void Formats_minor_units_with_the_currency_exponent(long minor, string ccy, string text)
        => Assert.Equal(text, MinorUnits.Format(minor, ccy));

    [Fact]
    public void Exchange_rate_formats_without_trailing_zeros()
    {
        Assert.Equal("0.095", new ExchangeRate(950_000_000).ToString());
        Assert.Equal("1", new ExchangeRate(10_000_000_000).ToString());
    }

    [Theory]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("FR1420041010050500013M02606", true)]
    [InlineData("DE89370400440532013001", false)]
    [InlineData("QQ89370400440532013000", false)]
    [InlineData("DE8937", false)]
    [InlineData("XK051212012345678906", true)] // Kosovo: user-assigned XK, used by the IBAN registry
    public void Iban_mod97(string iban, bool valid) => Assert.Equal(valid, IbanRules.IsValid(iban));

    [Theory]
    [InlineData("KCBLKENX", true)]
    [InlineData("KCBLKENXXXX", true)]
    [InlineData("KCBLQQNX", false)]
    [InlineData("KCBLKENXX", false)]
    [InlineData("kcblkenx", false)]
    [InlineData("KCBL1ENX", false)]
    [InlineData("RBKOXKPR", true)] // Kosovo: SWIFT BICs carry the user-assigned XK
    public void Bic_shape_and_country(string bic, bool valid) => Assert.Equal(valid, BicRules.IsWellFormed(bic));

    [Theory]
    [InlineData("DE", true)]
    [InlineData("SS", true)]
    [InlineData("XK", true)]
    [InlineData("XA", false)]
    [InlineData("UK", false)]
    [InlineData("xk", false)]
    [InlineData("XKX", false)]
    [InlineData(null, false)]
    public void Country_codes_are_the_assigned_ones_plus_kosovo(string? code, bool valid) => Assert.Equal(valid, CountryCodes.IsValid(code));

    [Fact]
    public void Country_table_is_the_core_one_plus_kosovo() =>
        Assert.Equal(Corridor.Core.Countries.CountryCodes.Count + 1, CountryCodes.Count);
}
