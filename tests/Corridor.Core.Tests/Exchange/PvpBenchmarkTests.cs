using Corridor.Workloads;

namespace Corridor.Core.Tests.Exchange;

/// <summary>The benchmark runs end to end and is deterministic for a seed (its speed is measured by the CLI, never here).</summary>
public class PvpBenchmarkTests
{
    [Fact]
    public void Benchmark_settles_every_payment_deterministically()
    {
        PvpBenchmarkResult a = PvpBenchmark.Measure(600, seed: 7);
        PvpBenchmarkResult b = PvpBenchmark.Measure(600, seed: 7);
        Assert.Equal(600, a.Settled);
        Assert.True(a.PaymentsPerSecond > 0);
        Assert.Equal(a.StateHash, b.StateHash);
        Assert.NotEqual(a.StateHash, PvpBenchmark.Measure(600, seed: 8).StateHash);
    }
}
