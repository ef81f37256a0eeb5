using Corridor.Core.Settlement;
using Corridor.Workloads;

namespace Corridor.Core.Tests.Settlement;

/// <summary>The benchmark helpers run and report sane figures on small inputs (timing is for the CLI, not asserted here).</summary>
public class SettlementBenchmarkTests
{
    [Fact]
    public void Netting_benchmark_reports_its_inputs()
    {
        NettingBenchmarkResult r = NettingBenchmark.Run(10_000, 100, seed: 3);
        Assert.Equal(10_000, r.Payments);
        Assert.Equal(100, r.Participants);
        Assert.True(r.Seconds >= 0);
        Assert.True(r.LargestNetDebitMinor > 0);
    }

    [Fact]
    public void Netting_rejects_bad_input()
    {
        Assert.Throws<ArgumentException>(() => Netting.ComputeNetPositions([0], [5], [1], 2));
        Assert.Throws<ArgumentException>(() => Netting.ComputeNetPositions([0], [1], [-1], 2));
        Assert.Throws<ArgumentException>(() => Netting.ComputeNetPositions([0], [1, 0], [1], 2));
        Assert.Throws<OverflowException>(() => Netting.ComputeNetPositions([0, 0], [1, 1], [long.MaxValue, 1], 2));
    }

    [Fact]
    public void Lsm_benchmark_settles_everything_at_the_lower_bound_and_beats_pure_rtgs()
    {
        LsmBenchmarkResult r = LsmBenchmark.Run(participants: 10, payments: 300, seed: 5);
        Assert.Equal(1.0, r.SettledFraction);
        Assert.Equal(1.0, r.SettledFractionWithoutLsm);
        Assert.True(r.LiquidityWithLsm <= r.LowerBound * 1.01 + 10, $"with LSM {r.LiquidityWithLsm}, lower bound {r.LowerBound}");
        Assert.True(r.LiquidityWithLsm <= r.LiquidityWithoutLsm);
        Assert.True(r.LiquidityWithoutLsm <= r.UpperBound);
    }
}
