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
        Assert.True(a.EnginePaymentsPerSecond >= a.PaymentsPerSecond); // the engine's share of the same run's time
    }

    [Fact]
    public void A_warmup_settles_first_untimed_and_the_state_is_that_of_all_payments_in_order()
    {
        // A warm-up of whole batches (512 payments each): then the same payments go in the same batches, stamped alike.
        PvpBenchmarkResult warmed = PvpBenchmark.Measure(300, seed: 7, warmup: PvpBenchmark.PaymentsPerBatch);
        Assert.Equal(300, warmed.Settled); // only the timed payments are counted
        Assert.Equal(PvpBenchmark.PaymentsPerBatch, warmed.WarmupPayments);
        PvpBenchmarkResult cold = PvpBenchmark.Measure(PvpBenchmark.PaymentsPerBatch + 300, seed: 7);
        Assert.Equal(cold.StateHash, warmed.StateHash); // the same payments, the first batch before the clock started
        Assert.Equal(PvpBenchmark.Measure(PvpBenchmark.PaymentsPerBatch + 300, seed: 7, warmup: 0).StateHash, cold.StateHash);
        Assert.NotEqual(cold.StateHash, PvpBenchmark.Measure(300, seed: 7, warmup: 100).StateHash); // other batches: other stamps
    }
}
