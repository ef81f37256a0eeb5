using Corridor.Simulation.Faults;

namespace Corridor.Simulation.Tests;

/// <summary>Deterministic simulation of the storage stack under disk faults, crashes and power loss (issue 20).</summary>
public sealed class FaultSimulatorTests(ITestOutputHelper output)
{
    [Fact]
    public void Smoke()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 50; i++) _ = new Corridor.Core.Engine.Engine();
        output.WriteLine($"50 engines: {sw.ElapsedMilliseconds} ms");
        sw.Restart();
        FaultSimulationSummary s = FaultSimulator.RunMany(1, 300);
        output.WriteLine($"gc0 {GC.CollectionCount(0)} gc1 {GC.CollectionCount(1)} gc2 {GC.CollectionCount(2)} allocated {GC.GetTotalAllocatedBytes() >> 20} MiB pause {GC.GetTotalPauseDuration().TotalSeconds:0.0}s");
        output.WriteLine($"{s.Seeds} seeds in {s.Seconds:0.0}s: passed {s.Passed}, refused {s.RefusedCorruption}, known {s.KnownSilentTailLoss}, failed {s.Failed}, restarts {s.Restarts}, power losses {s.PowerLosses}, batches {s.AcknowledgedBatches}, items {s.AcknowledgedItems}");
        foreach (SeedResult f in s.Failures) output.WriteLine($"seed {f.Seed}: {f.Finding}");
        foreach (SeedResult f in s.KnownFindings) output.WriteLine($"known seed {f.Seed}: {f.Finding}");
        SeedResult? show = null;
        foreach (SeedResult f in s.Failures) if (f.Finding!.Contains("item lost", StringComparison.Ordinal)) { show = f; break; }
        if (show is not null) foreach (string line in show.Trace) output.WriteLine(line);
        Assert.Equal(0, s.Failed);
        Assert.Fail("show");
    }
}
