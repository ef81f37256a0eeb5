using Corridor.Simulation;

namespace Corridor.Simulation.Tests;

public class BoundsTests
{
    [Fact]
    public void Ring_needs_nothing_with_netting_and_one_payment_gross()
    {
        PaymentDay day = TestDays.Ring();
        LiquidityBounds b = LiquidityBounds.Compute(day);
        Assert.Equal([0, 0, 0], b.Lower);
        Assert.Equal([10_000, 0, 0], b.Upper); // A pays first; B and C pay out of what they just received
        Assert.Equal(0, b.TotalLowerBase(day));
        Assert.Equal(10_000, b.TotalUpperBase(day));
    }

    [Fact]
    public void Two_banks_asymmetric_flows()
    {
        // A→B 100, then B→A 80: A's net debit 20; A needs 100 to pay on arrival, B pays out of its receipt.
        PaymentDay day = TestDays.Build(2, (0, 1, 10_000), (1, 0, 8_000));
        LiquidityBounds b = LiquidityBounds.Compute(day);
        Assert.Equal([2_000, 0], b.Lower);
        Assert.Equal([10_000, 0], b.Upper);

        // Reversed order: B→A 80 first (B needs 80), then A→B 100 (A needs 100 − 80 = 20).
        PaymentDay reversed = TestDays.Build(2, (1, 0, 8_000), (0, 1, 10_000));
        LiquidityBounds r = LiquidityBounds.Compute(reversed);
        Assert.Equal([2_000, 0], r.Lower);
        Assert.Equal([2_000, 8_000], r.Upper);
        Assert.Equal(10_000, r.TotalUpperBase(reversed));
    }

    [Fact]
    public void Liquidity_points_run_from_lower_to_upper_bound()
    {
        PaymentDay day = TestDays.Build(2, (0, 1, 10_000), (1, 0, 8_000));
        LiquidityBounds b = LiquidityBounds.Compute(day);
        Assert.Equal(2_000, b.At(0, 0));
        Assert.Equal(6_000, b.At(0, 0.5));
        Assert.Equal(10_000, b.At(0, 1));
        Assert.Equal([0, 0.25, 0.5, 0.75, 1.0], WhatIfAnalysis.Fractions(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => WhatIfAnalysis.Fractions(1));
    }

    [Fact]
    public void Currencies_are_bounded_separately_and_converted_for_totals()
    {
        PaymentDay day = DayGenerator.Generate(new GeneratorSettings { Participants = 20, Payments = 2_000, Seed = 5, Currencies = 2 });
        LiquidityBounds b = LiquidityBounds.Compute(day);
        for (int i = 0; i < b.Lower.Length; i++) Assert.True(b.Lower[i] <= b.Upper[i], $"account {i}: LB {b.Lower[i]} > UB {b.Upper[i]}");
        Assert.True(b.TotalLowerBase(day) <= b.TotalUpperBase(day));
    }
}
