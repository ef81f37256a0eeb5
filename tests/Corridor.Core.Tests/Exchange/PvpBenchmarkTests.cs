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
        // The hash is the snapshot image's: the state of the timed payments, though a batch more was applied after its capture.
        Assert.Equal(PvpBenchmark.SettledEngine(600, seed: 7).StateHashHex(), a.StateHash);
        Assert.True(a.AfterCaptureApplyMilliseconds > 0 && a.MeanApplyMilliseconds > 0);
    }

    [Fact]
    public void Paying_at_the_best_quote_in_one_command_moves_the_same_money_as_locking_then_paying()
    {
        PvpBenchmarkResult a = PvpBenchmark.Measure(1_100, seed: 7, instruction: PvpInstruction.PayAtBestQuote);
        Assert.Equal(1_100, a.Settled);
        Assert.Equal(a.StateHash, PvpBenchmark.Measure(1_100, seed: 7, instruction: PvpInstruction.PayAtBestQuote).StateHash);
        Assert.NotEqual(a.StateHash, PvpBenchmark.Measure(1_100, seed: 7).StateHash); // other commands journaled, other records kept
        // The engine finds the same best quote the caller found, so every account ends with the same postings either way.
        Engine.Engine atBest = PvpBenchmark.SettledEngine(1_100, seed: 7, PvpInstruction.PayAtBestQuote), lockAndPay = PvpBenchmark.SettledEngine(1_100, seed: 7);
        int moved = 0;
        foreach (UInt128 id in PvpBenchmark.AccountIds())
        {
            Assert.True(atBest.Ledger.TryGetAccount(id, out Corridor.Core.Ledger.Account x), $"account {id}");
            Assert.True(lockAndPay.Ledger.TryGetAccount(id, out Corridor.Core.Ledger.Account y), $"account {id}");
            Assert.Equal((y.DebitsPosted, y.CreditsPosted, y.DebitsPending, y.CreditsPending), (x.DebitsPosted, x.CreditsPosted, x.DebitsPending, x.CreditsPending));
            if (x.DebitsPosted != 0 || x.CreditsPosted != 0) moved++;
        }
        Assert.True(moved >= 64 + 64, $"only {moved} accounts moved"); // every payer and payee at least
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
