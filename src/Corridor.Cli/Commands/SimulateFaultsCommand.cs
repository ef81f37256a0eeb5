using System.CommandLine;
using System.Text.Json;
using Corridor.Simulation.Faults;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>corridor simulate faults</c>: deterministic simulation testing of the storage stack (journal, commit record,
/// snapshots, recovery, engine) on a simulated disk with faults, crashes and power loss; a failing seed replays exactly.
/// </summary>
public static class SimulateFaultsCommand
{
    public const int MaxSeeds = 100_000_000;

    private static readonly Dictionary<string, PipelineBug> Bugs = new(StringComparer.Ordinal)
    {
        ["none"] = PipelineBug.None,
        ["ack-before-sync"] = PipelineBug.AcknowledgeBeforeSync,
        ["misrouted-replies"] = PipelineBug.MisroutedReplies,
    };

    public static Command Create()
    {
        var seeds = new Option<int>("--seeds") { Description = $"Seeds to run (1..{MaxSeeds}); CI runs 2000.", DefaultValueFactory = _ => 2_000 };
        var firstSeed = new Option<ulong>("--first-seed") { Description = "First seed; a night's run starts anywhere (e.g. the date).", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong?>("--seed") { Description = "Run this one seed and print every step (replays a failure exactly)." };
        var steps = new Option<int>("--steps") { Description = "Client requests per seed (1..100000).", DefaultValueFactory = _ => new FaultSimulationOptions().Steps };
        var strict = new Option<bool>("--strict") { Description = "Also fail on the journal's documented limit (a lost write past an unsynced commit record)." };
        var bug = new Option<string>("--planted-bug")
        {
            Description = "Plant a bug in the node's pipeline (GroupCommit) to see the simulator catch it: none, ack-before-sync (a batch is " +
                "acknowledged once written, before its fsync), misrouted-replies (each request of a batch gets the next one's answer).",
            DefaultValueFactory = _ => "none",
        };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var command = new Command("faults", "Deterministic simulation testing: journal, snapshots and recovery under disk faults, crashes and power loss.")
        {
            seeds, firstSeed, seed, steps, strict, bug, json,
        };
        command.SetAction(parse => Run(parse.GetValue(seeds), parse.GetValue(firstSeed), parse.GetValue(seed), parse.GetValue(steps), parse.GetValue(strict), parse.GetValue(bug)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(int seeds, ulong firstSeed, ulong? one, int steps, bool strict, string bugName, bool json)
    {
        if (seeds is < 1 or > MaxSeeds) return Fail($"--seeds must be 1..{MaxSeeds} (got {seeds})");
        if (steps is < 1 or > 100_000) return Fail($"--steps must be 1..100000 (got {steps})");
        if (!Bugs.TryGetValue(bugName, out PipelineBug bug)) return Fail($"--planted-bug must be one of {string.Join(", ", Bugs.Keys)} (got '{bugName}')");
        var options = new FaultSimulationOptions { Steps = steps, SilentTailLossFails = strict, PlantedBug = bug };
        if (one is ulong single)
        {
            SeedResult r = FaultSimulator.Run(single, options);
            foreach (string line in r.Trace) Console.WriteLine(line);
            Console.WriteLine($"seed {r.Seed}: {r.Outcome}{(r.Finding is null ? "" : ": " + r.Finding)} (trace {r.TraceHash})");
            return r.Outcome == SeedOutcome.Failed ? 1 : 0;
        }
        int done = 0;
        string replay = bug == PipelineBug.None ? "" : $" --planted-bug {bugName}";
        FaultSimulationSummary s = FaultSimulator.RunMany(firstSeed, seeds, options, progress: json ? null : r =>
        {
            if (r.Outcome == SeedOutcome.Failed) Console.WriteLine($"seed {r.Seed} FAILED: {r.Finding}  (replay: corridor simulate faults --seed {r.Seed}{replay})");
            if (++done % 1000 == 0) Console.Error.WriteLine($"{done} seeds");
        });
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                simulation = "faults",
                first_seed = s.FirstSeed,
                seeds = s.Seeds,
                steps_per_seed = steps,
                planted_bug = bugName,
                seconds = Math.Round(s.Seconds, 1),
                passed = s.Passed,
                refused_on_damage = s.RefusedCorruption,
                documented_limit_losses = s.KnownSilentTailLoss,
                failed = s.Failed,
                restarts = s.Restarts,
                power_losses = s.PowerLosses,
                pipeline_crashes = s.PipelineCrashes,
                snapshots_written_behind = s.SnapshotsWrittenBehind,
                faults_injected = s.FaultsInjected,
                acknowledged_batches = s.AcknowledgedBatches,
                acknowledged_items = s.AcknowledgedItems,
                failed_seeds = s.Failures.Select(f => new { seed = f.Seed, finding = f.Finding }).ToArray(),
                documented_limit_seeds = s.KnownFindings.Select(f => new { seed = f.Seed, finding = f.Finding }).ToArray(),
            }));
        }
        else
        {
            Console.WriteLine($"{s.Seeds} seeds (from {s.FirstSeed}) in {s.Seconds:0.0} s: {s.Passed} passed, {s.RefusedCorruption} refused to start on real damage, " +
                $"{s.KnownSilentTailLoss} hit the journal's documented limit, {s.Failed} failed; {s.Restarts} restarts, {s.PowerLosses} power losses, " +
                $"{s.PipelineCrashes} deaths between pipeline steps, {s.SnapshotsWrittenBehind} snapshots written behind the engine, {s.FaultsInjected} faults, {s.AcknowledgedItems} items acknowledged");
            foreach (SeedResult k in s.KnownFindings) Console.WriteLine($"seed {k.Seed} documented limit: {k.Finding}");
        }
        return s.Failed == 0 ? 0 : 1;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"corridor simulate faults: {message}");
        return 2;
    }
}
