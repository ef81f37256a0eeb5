using System.Numerics;
using CsCheck;
using Corridor.Core.Exchange;

namespace Corridor.Core.Tests.Exchange;

/// <summary>Conversion rounding: destination rounds down, source rounds up, never banker's.</summary>
public class FxRateTests
{
    private static readonly FxRate UsdKes = new(12935, 100); // 1 USD = 129.35 KES

    [Theory]
    [InlineData(100L, 12935L)]      // 1.00 USD → 129.35 KES exactly
    [InlineData(1L, 129L)]          // 0.01 USD → 1.2935 KES → 1.29 (down)
    [InlineData(3L, 388L)]          // 3.8805 → 3.88 (down, not nearest)
    [InlineData(1_000_000_00L, 129_350_000_00L)]
    public void Source_fixed_destination_rounds_down(long usdCents, long kesCents)
    {
        Assert.True(UsdKes.TryConvertSource(usdCents, 2, 2, out long d));
        Assert.Equal(kesCents, d);
    }

    [Theory]
    [InlineData(12935L, 100L)]      // exact
    [InlineData(129L, 1L)]          // 0.997… cents → 1
    [InlineData(12936L, 101L)]      // 100.0077… → 101 (up)
    [InlineData(1L, 1L)]
    public void Destination_fixed_source_rounds_up(long kesCents, long usdCents)
    {
        Assert.True(UsdKes.TryConvertDestination(kesCents, 2, 2, out long s));
        Assert.Equal(usdCents, s);
    }

    [Fact]
    public void Exponents_differ_jpy_usd_bhd()
    {
        var jpyUsd = new FxRate(67, 10_000); // 1 JPY = 0.0067 USD
        Assert.True(jpyUsd.TryConvertSource(1000, 0, 2, out long cents));
        Assert.Equal(670, cents);
        Assert.True(jpyUsd.TryConvertSource(1, 0, 2, out long zero));
        Assert.Equal(0, zero); // the exchange rejects a lock that converts to nothing
        Assert.True(jpyUsd.TryConvertDestination(1, 0, 2, out long yen));
        Assert.Equal(2, yen); // 1 cent needs 1.49 JPY → 2 JPY

        var usdBhd = FxRate.FromFixedPoint(376_000_000, 9); // 0.376 BHD, fixed point ×10^9
        Assert.True(usdBhd.TryConvertSource(100, 2, 3, out long fils));
        Assert.Equal(376, fils);
    }

    [Fact]
    public void Parse_rate_and_reject_invalid()
    {
        Assert.True(FxRate.TryParse("129.35", out FxRate r));
        Assert.Equal(new FxRate(12935, 100), r);
        Assert.False(FxRate.TryParse("0", out _));
        Assert.False(FxRate.TryParse("-1.2", out _));
        Assert.False(new FxRate(0, 1).IsValid);
        Assert.False(new FxRate(1, 0).IsValid);
        Assert.False(new FxRate(FxRate.MaxTerm + 1, 1).IsValid);
        Assert.False(UsdKes.TryConvertSource(0, 2, 2, out _));
        Assert.False(new FxRate(FxRate.MaxTerm, 1).TryConvertSource(long.MaxValue, 0, 9, out _)); // overflow reported, not wrapped
    }

    [Fact]
    public void Rounding_is_within_one_minor_unit_and_in_the_documented_direction() =>
        Gen.Select(Gen.Long[1, 1_000_000_000_000], Gen.Long[1, 1_000_000_000], Gen.Long[1, 1_000_000_000], Gen.Int[0, 4], Gen.Int[0, 4])
           .Sample((amount, num, den, es, ed) =>
           {
               var rate = new FxRate(num, den);
               BigInteger scaleS = BigInteger.Pow(10, es), scaleD = BigInteger.Pow(10, ed);
               // exact destination of `amount` source minor units: amount·num·10^ed / (den·10^es)
               if (rate.TryConvertSource(amount, es, ed, out long d))
               {
                   BigInteger top = (BigInteger)amount * num * scaleD, bottom = (BigInteger)den * scaleS;
                   if (!(d * bottom <= top && top < (d + 1) * bottom)) return false;
               }
               if (rate.TryConvertDestination(amount, es, ed, out long s))
               {
                   // s is the least source amount whose exact destination is ≥ amount
                   BigInteger need = (BigInteger)amount * den * scaleS, per = num * scaleD;
                   if (!(s * per >= need && (s - 1) * per < need)) return false;
               }
               return true;
           });
}
