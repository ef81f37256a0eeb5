using System.Reflection;
using System.Runtime.CompilerServices;
using Corridor.Simulation.Faults;
using Corridor.Storage.Files;

namespace Corridor.Simulation.Tests;

/// <summary>
/// Deterministic simulation of the storage stack (journal, commit record, snapshots, recovery, engine) under disk faults,
/// crashes inside disk operations and power loss (issue 20). Each seed is small; CI runs 2,000 of them.
/// </summary>
public sealed class FaultSimulatorTests(ITestOutputHelper output)
{
    public const int CiSeeds = 2_000;

    [Fact]
    public void Two_thousand_seeds_lose_no_acknowledged_item_and_refuse_only_real_damage()
    {
        FaultSimulationSummary s = FaultSimulator.RunMany(1, CiSeeds);
        output.WriteLine($"{s.Seeds} seeds in {s.Seconds:0.0} s: passed {s.Passed}, refused on damage {s.RefusedCorruption}, failed {s.Failed}; " +
            $"{s.Restarts} restarts, {s.PowerLosses} power losses, {s.PipelineCrashes} deaths between pipeline steps, {s.SnapshotsWrittenBehind} snapshots written behind the engine, {s.FaultsInjected} faults, {s.AcknowledgedBatches} batches, {s.AcknowledgedItems} items acknowledged");
        foreach (SeedResult f in s.Failures) output.WriteLine($"seed {f.Seed}: {f.Finding}");
        if (s.Failures.Count > 0) foreach (string line in s.Failures[0].Trace) output.WriteLine(line);
        Assert.Equal(CiSeeds, s.Seeds);
        Assert.Empty(s.Failures);
        // The seeds must exercise what they claim: restarts, power losses, faults, damage the node refuses.
        Assert.True(s.PowerLosses > CiSeeds, $"{s.PowerLosses} power losses");
        Assert.True(s.RefusedCorruption > 0, "no seed damaged acknowledged data");
        Assert.True(s.AcknowledgedItems > 100 * CiSeeds, $"{s.AcknowledgedItems} items");
        // The node's own pipeline steps (GroupCommit) ran, and the process died between them (grouped, journaled, applied).
        Assert.True(s.PipelineCrashes > CiSeeds / 2, $"{s.PipelineCrashes} deaths between pipeline steps");
        // Snapshots were written while the engine went on applying batches after their capture (as the node's snapshot thread
        // writes them), and restores from them still matched the reference: the capture kept the state of its moment.
        Assert.True(s.SnapshotsWrittenBehind > CiSeeds, $"{s.SnapshotsWrittenBehind} snapshots written behind the engine");
    }

    [Fact]
    public void A_seed_replays_exactly()
    {
        for (ulong seed = 1; seed <= 30; seed++)
        {
            SeedResult first = FaultSimulator.Run(seed);
            SeedResult again = FaultSimulator.Run(seed);
            Assert.Equal(first.Trace, again.Trace);
            Assert.Equal(first.TraceHash, again.TraceHash);
            Assert.Equal(first.Outcome, again.Outcome);
        }
        Assert.NotEqual(FaultSimulator.Run(1).TraceHash, FaultSimulator.Run(2).TraceHash);
    }

    [Fact]
    public void A_batch_and_the_commit_record_that_attests_it_both_lost_by_the_disk_is_the_documented_limit()
    {
        // Seed 1765003803 (a night's run, 2026-12-08): the commit record synced per batch, the disk loses both the last
        // batch's write and the record's after acknowledging their fsyncs, then power fails. The journal left is shorter
        // and passes every check: no single node can tell, so it is the documented limit, not a failure. (If a change to
        // the simulated steps moves this seed elsewhere, `corridor simulate faults --seeds 30000 --json` lists others in
        // documented_limit_seeds whose finding names both lost writes.)
        SeedResult r = FaultSimulator.Run(1765003803);
        output.WriteLine(r.Finding ?? "(no finding)");
        Assert.Equal(SeedOutcome.KnownSilentTailLoss, r.Outcome);
        Assert.Contains("the disk lost both a batch's write and the commit record's", r.Finding);
        Assert.Equal(SeedOutcome.Failed, FaultSimulator.Run(1765003803, new FaultSimulationOptions { SilentTailLossFails = true }).Outcome);
    }

    [Fact]
    public void A_journal_that_acknowledges_before_its_fsync_is_caught()
    {
        // The planted bug: fsync of journal segments does nothing, so an acknowledged batch lives only in the page cache.
        var options = new FaultSimulationOptions { WrapFileSystem = disk => new NoSegmentSync(disk) };
        FaultSimulationSummary s = FaultSimulator.RunMany(1, 100, options);
        output.WriteLine($"failed {s.Failed} of {s.Seeds}: {(s.Failures.Count > 0 ? s.Failures[0].Finding : "")}");
        Assert.True(s.Failed > 10, $"only {s.Failed} of {s.Seeds} seeds caught it");
        SeedResult failing = s.Failures[0];
        Assert.Contains(failing.Trace, line => line.StartsWith("FINDING (Failed)", StringComparison.Ordinal));
        Assert.Equal(failing.TraceHash, FaultSimulator.Run(failing.Seed, options).TraceHash); // and it replays exactly
    }

    /// <summary>Seeds for the planted pipeline bugs: the same seeds pass without the plant.</summary>
    private const int PlantSeeds = 40;

    [Theory]
    [InlineData(PipelineBug.AcknowledgeBeforeSync, 30)]
    [InlineData(PipelineBug.MisroutedReplies, 30)]
    public void A_bug_planted_in_the_nodes_pipeline_is_caught_in_most_seeds(PipelineBug bug, int atLeast)
    {
        var planted = new FaultSimulationOptions { PlantedBug = bug };
        FaultSimulationSummary s = FaultSimulator.RunMany(1, PlantSeeds, planted);
        FaultSimulationSummary clean = FaultSimulator.RunMany(1, PlantSeeds);
        output.WriteLine($"{bug}: caught in {s.Failed} of {s.Seeds} seeds ({s.Seconds:0.0} s); without it {clean.Failed} of {clean.Seeds} failed");
        foreach (SeedResult f in s.Failures.Take(3)) output.WriteLine($"seed {f.Seed}: {f.Finding}");
        Assert.Empty(clean.Failures);
        Assert.True(s.Failed >= atLeast, $"{bug} caught in only {s.Failed} of {s.Seeds} seeds");
        SeedResult failing = s.Failures[0];
        Assert.Contains(failing.Trace, line => line.StartsWith("FINDING (Failed)", StringComparison.Ordinal));
        Assert.Contains(failing.Trace, line => line.Contains($"planted bug {bug}", StringComparison.Ordinal));
        Assert.Equal(failing.TraceHash, FaultSimulator.Run(failing.Seed, planted).TraceHash); // and it replays exactly
    }

    [Fact]
    public void Only_the_simulator_and_its_tests_see_the_pipelines_test_hook()
    {
        Assembly storage = typeof(Corridor.Storage.Node.GroupCommit).Assembly;
        string[] friends = storage.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Corridor.Simulation", "Corridor.Simulation.Tests", "Corridor.Storage.Postgres.Tests", "Corridor.Storage.Tests"], friends);
        Type plant = storage.GetType("Corridor.Storage.Node.PlantedPipelineBug", throwOnError: true)!;
        Assert.False(plant.IsPublic);
        Assert.DoesNotContain(typeof(Corridor.Storage.Node.NodeOptions).GetProperties(), p => p.PropertyType == plant);
    }

    [Fact]
    public void Snapshots_that_are_renamed_before_their_data_is_durable_are_caught_or_harmless()
    {
        // A snapshot store whose file fsync does nothing: power loss leaves a named snapshot with missing bytes. The
        // checksum must reject it and recovery fall back to an older snapshot or the journal, never load it.
        var options = new FaultSimulationOptions { WrapFileSystem = disk => new NoSnapshotSync(disk) };
        FaultSimulationSummary s = FaultSimulator.RunMany(1, 100, options);
        foreach (SeedResult f in s.Failures) output.WriteLine($"seed {f.Seed}: {f.Finding}");
        Assert.Empty(s.Failures);
    }

    /// <summary>Passes everything through, except that journal segments' fsync is skipped.</summary>
    private sealed class NoSegmentSync(IFileSystem inner) : IFileSystem
    {
        public bool DirectoryExists(string path) => inner.DirectoryExists(path);
        public void CreateDirectory(string path) => inner.CreateDirectory(path);
        public void SyncDirectory(string path) => inner.SyncDirectory(path);
        public IEnumerable<string> EnumerateFiles(string directory, string pattern) => inner.EnumerateFiles(directory, pattern);
        public void Delete(string path) => inner.Delete(path);
        public void Move(string source, string destination) => inner.Move(source, destination);
        public IFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share)
        {
            IFileHandle handle = inner.Open(path, mode, access, share);
            return path.EndsWith(".seg", StringComparison.Ordinal) ? new SkipSync(handle) : handle;
        }
    }

    /// <summary>Passes everything through, except that snapshot files' fsync is skipped.</summary>
    private sealed class NoSnapshotSync(IFileSystem inner) : IFileSystem
    {
        public bool DirectoryExists(string path) => inner.DirectoryExists(path);
        public void CreateDirectory(string path) => inner.CreateDirectory(path);
        public void SyncDirectory(string path) => inner.SyncDirectory(path);
        public IEnumerable<string> EnumerateFiles(string directory, string pattern) => inner.EnumerateFiles(directory, pattern);
        public void Delete(string path) => inner.Delete(path);
        public void Move(string source, string destination) => inner.Move(source, destination);
        public IFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share)
        {
            IFileHandle handle = inner.Open(path, mode, access, share);
            return path.EndsWith(".snap.tmp", StringComparison.Ordinal) ? new SkipSync(handle) : handle;
        }
    }

    private sealed class SkipSync(IFileHandle inner) : Corridor.Storage.Tests.ForwardingFileHandle(inner)
    {
        public override void Sync() { }
    }
}
