using CsCheck;
using Corridor.Core.Currencies;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;

namespace Corridor.Core.Tests.Exchange;

/// <summary>ISO 4217 table, currency ↔ ledger mapping, operator-configured currencies, minor-unit text.</summary>
public class CurrencyTests
{
    [Theory]
    [InlineData("USD", 840, 2)]
    [InlineData("KES", 404, 2)]
    [InlineData("JPY", 392, 0)]
    [InlineData("BHD", 48, 3)]
    [InlineData("CLF", 990, 4)]
    [InlineData("XOF", 952, 0)]
    [InlineData("EUR", 978, 2)]
    [InlineData("NGN", 566, 2)]
    [InlineData("XAU", 959, -1)]
    public void Iso4217_table_holds_numeric_code_and_exponent(string code, int numeric, int exponent)
    {
        Assert.True(Iso4217.TryGet(code, out Iso4217Entry e));
        Assert.Equal((ushort)numeric, e.Numeric);
        Assert.Equal(exponent, e.Exponent);
        Assert.True(Iso4217.TryGetByNumeric((ushort)numeric, out Iso4217Entry back));
        Assert.Equal(code, back.Code);
    }

    [Fact]
    public void Iso4217_table_is_well_formed_sorted_and_unique()
    {
        Assert.True(Iso4217.All.Length > 170);
        var numerics = new HashSet<ushort>();
        string previous = "";
        foreach (Iso4217Entry e in Iso4217.All)
        {
            Assert.True(Iso4217.IsWellFormedCode(e.Code), e.Code);
            Assert.True(string.CompareOrdinal(previous, e.Code) < 0, $"{e.Code} out of order");
            Assert.True(numerics.Add(e.Numeric), $"numeric {e.Numeric} twice");
            Assert.InRange(e.Numeric, 1, 999);
            Assert.InRange(e.Exponent, -1, 4);
            previous = e.Code;
        }
        Assert.False(Iso4217.TryGet("HRK", out _)); // withdrawn 2023
    }

    [Fact]
    public void Iso_currencies_map_to_their_numeric_ledger_without_configuration()
    {
        var x = new Engine.Engine().Exchange;
        Assert.True(x.Currencies.TryGet("USD", out CurrencyInfo usd));
        Assert.Equal(840u, usd.Ledger);
        Assert.True(x.Currencies.TryGetByLedger(404, out CurrencyInfo kes));
        Assert.Equal("KES", kes.Code);
        Assert.False(x.Currencies.TryGet("XAU", out _)); // ISO minor unit N.A.: needs the operator's exponent
        Assert.False(x.Currencies.TryGet("ZZZ", out _));
    }

    private static ConfigureCurrencyResult[] Configure(ExchangeFixture f, params ConfigureCurrency[] items) =>
        f.Run<ConfigureCurrency, ConfigureCurrencyResult>(Operation.ConfigureCurrency, items);

    [Fact]
    public void Operator_configures_currencies_outside_iso_and_iso_without_minor_unit()
    {
        var f = new ExchangeFixture();
        Assert.Equal([ConfigureCurrencyResult.Ok, ConfigureCurrencyResult.Ok, ConfigureCurrencyResult.Ok],
            Configure(f, new ConfigureCurrency("XLC", 2, 5000), new ConfigureCurrency("XAU", 3, 0), new ConfigureCurrency("USD", 2, 0)));
        Assert.True(f.X.Currencies.TryGet("XLC", out CurrencyInfo xlc));
        Assert.Equal(new CurrencyInfo("XLC", 0, 2, 5000, true), xlc);
        Assert.True(f.X.Currencies.TryGetByLedger(5000, out CurrencyInfo back));
        Assert.Equal("XLC", back.Code);
        Assert.True(f.X.Currencies.TryGet("XAU", out CurrencyInfo xau));
        Assert.Equal((959u, 3), (xau.Ledger, xau.Exponent));
        Assert.Equal(2, f.X.Currencies.ConfiguredCount); // USD confirmed, nothing recorded
    }

    [Theory]
    [InlineData("usd", 2, 0u, ConfigureCurrencyResult.CodeMalformed)]
    [InlineData("US1", 2, 0u, ConfigureCurrencyResult.CodeMalformed)]
    [InlineData("XLC", 10, 5000u, ConfigureCurrencyResult.ExponentOutOfRange)]
    [InlineData("USD", 3, 0u, ConfigureCurrencyResult.ExponentDiffersFromIso4217)]
    [InlineData("USD", 2, 5000u, ConfigureCurrencyResult.Iso4217CurrencyMustUseNumericLedger)]
    [InlineData("XLC", 2, 0u, ConfigureCurrencyResult.LedgerRequired)]
    [InlineData("XLC", 2, 840u, ConfigureCurrencyResult.LedgerReservedForIso4217)]
    public void Configure_currency_rejections(string code, int exponent, uint ledger, ConfigureCurrencyResult expected)
    {
        var f = new ExchangeFixture();
        Assert.Equal(expected, Configure(f, new ConfigureCurrency(code, (byte)exponent, ledger))[0]);
    }

    [Fact]
    public void Configure_currency_is_idempotent_and_never_changes()
    {
        var f = new ExchangeFixture();
        Assert.Equal(ConfigureCurrencyResult.Ok, Configure(f, new ConfigureCurrency("XLC", 2, 5000))[0]);
        Assert.Equal(ConfigureCurrencyResult.Ok, Configure(f, new ConfigureCurrency("XLC", 2, 5000))[0]);
        Assert.Equal(ConfigureCurrencyResult.ConfiguredDifferently, Configure(f, new ConfigureCurrency("XLC", 0, 5000))[0]);
        Assert.Equal(ConfigureCurrencyResult.LedgerInUse, Configure(f, new ConfigureCurrency("XLD", 2, 5000))[0]);
    }

    [Theory]
    [InlineData("1234.50", 2, 123450L)]
    [InlineData("1.5", 2, 150L)]
    [InlineData("1.500", 2, 150L)]
    [InlineData("0.01", 2, 1L)]
    [InlineData("-0.01", 2, -1L)]
    [InlineData("12", 0, 12L)]
    [InlineData("12.0", 0, 12L)]
    [InlineData("0.001", 3, 1L)]
    [InlineData("92233720368547758.07", 2, long.MaxValue)]
    [InlineData("-92233720368547758.08", 2, long.MinValue)]
    [InlineData("-9223372036854775808", 0, long.MinValue)] // found by the round-trip property
    public void Parse_amount_exactly(string text, int exponent, long expected)
    {
        Assert.True(MinorUnits.TryParse(text, exponent, out long minor));
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("1.505", 2)] // would need rounding: refused, never rounded
    [InlineData("1.1", 0)]
    [InlineData("", 2)]
    [InlineData("1.", 2)]
    [InlineData(".5", 2)]
    [InlineData("+1", 2)]
    [InlineData("1e3", 2)]
    [InlineData("1,000", 2)]
    [InlineData(" 1", 2)]
    [InlineData("92233720368547758.08", 2)]
    [InlineData("٣", 0)] // non-ASCII digit
    public void Parse_amount_rejects(string text, int exponent) => Assert.False(MinorUnits.TryParse(text, exponent, out _));

    [Theory]
    [InlineData(123450L, 2, "1234.50")]
    [InlineData(1L, 2, "0.01")]
    [InlineData(-1L, 3, "-0.001")]
    [InlineData(7L, 0, "7")]
    [InlineData(long.MinValue, 2, "-92233720368547758.08")]
    public void Format_amount(long minor, int exponent, string expected) => Assert.Equal(expected, MinorUnits.Format(minor, exponent));

    [Fact]
    public void Format_then_parse_round_trips() =>
        Gen.Select(Gen.Long, Gen.Int[0, MinorUnits.MaxExponent]).Sample((minor, exponent) =>
            MinorUnits.TryParse(MinorUnits.Format(minor, exponent), exponent, out long back) && back == minor);
}
