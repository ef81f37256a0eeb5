using System.CommandLine;
using System.Text.Json;
using Corridor.Simulation.Faults;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>corridor simulate federation</c>: deterministic simulation testing of two federated nodes (each its own simulated disk,
/// journal, snapshots, recovery and engine) exchanging real ISO 20022 messages over a network that drops, duplicates, delays,
/// reorders and partitions, with crashes and power losses of either node; a failing seed replays exactly.
/// </summary>
public static class SimulateFederationCommand
{
    public const int MaxSeeds = 100_000_000, MaxSteps = 100_000;

    private static readonly Dictionary<string, FederationBug> Bugs = new(StringComparer.Ordinal)
    {
        ["none"] = FederationBug.None,
        ["source-voids-after-timeout"] = FederationBug.SourceVoidsAfterTimeout,
        ["destination-answers-before-journal"] = FederationBug.DestinationAnswersBeforeJournal,
        ["ack-before-sync"] = FederationBug.AcknowledgeBeforeSync,
        ["misrouted-replies"] = FederationBug.MisroutedReplies,
    };

    public static Command Create()
    {
        var seeds = new Option<int>("--seeds") { Description = $"Seeds to run (1..{MaxSeeds}); CI runs {CiSeeds}.", DefaultValueFactory = _ => CiSeeds };
        var firstSeed = new Option<ulong>("--first-seed") { Description = "First seed; a night's run starts anywhere (e.g. the date).", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong?>("--seed") { Description = "Run this one seed and print every step, message and fault (replays a failure exactly)." };
        var steps = new Option<int>("--steps") { Description = $"Steps of the faulty phase per seed (1..{MaxSteps}); then the network heals and both nodes must agree.", DefaultValueFactory = _ => new FederationSimulationOptions().Steps };
        var bug = new Option<string>("--planted-bug")
        {
            Description = "Plant a bug to see the simulator catch it: none, source-voids-after-timeout (the source voids on its own after the expiry), " +
                "destination-answers-before-journal (the destination answers before its journal write), ack-before-sync (the node's pipeline acknowledges a batch " +
                "before its fsync), misrouted-replies (the pipeline hands each request of a batch the next one's answer).",
            DefaultValueFactory = _ => "none",
        };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var command = new Command("federation", "Deterministic simulation testing of two federated nodes: real journals, recovery and ISO 20022 messages under network faults, crashes and power loss.")
        {
            seeds, firstSeed, seed, steps, bug, json,
        };
        command.SetAction(parse => Run(parse.GetValue(seeds), parse.GetValue(firstSeed), parse.GetValue(seed), parse.GetValue(steps), parse.GetValue(bug)!, parse.GetValue(json)));
        return command;
    }

    /// <summary>Seeds CI runs (<c>FederationSimulatorTests</c>).</summary>
    public const int CiSeeds = 300;

    private static int Run(int seeds, ulong firstSeed, ulong? one, int steps, string bugName, bool json)
    {
        if (seeds is < 1 or > MaxSeeds) return Fail($"--seeds must be 1..{MaxSeeds} (got {seeds})");
        if (steps is < 1 or > MaxSteps) return Fail($"--steps must be 1..{MaxSteps} (got {steps})");
        if (!Bugs.TryGetValue(bugName, out FederationBug bug)) return Fail($"--planted-bug must be one of {string.Join(", ", Bugs.Keys)} (got '{bugName}')");
        var options = new FederationSimulationOptions { Steps = steps, PlantedBug = bug };
        if (one is ulong single)
        {
            FederationSeedResult r = FederationSimulator.Run(single, options);
            foreach (string line in r.Trace) Console.WriteLine(line);
            Console.WriteLine($"seed {r.Seed}: {r.Outcome}{(r.Finding is null ? "" : ": " + r.Finding)} (trace {r.TraceHash})");
            return r.Outcome == SeedOutcome.Failed ? 1 : 0;
        }
        int done = 0;
        string replay = bug == FederationBug.None ? "" : $" --planted-bug {bugName}";
        FederationSimulationSummary s = FederationSimulator.RunMany(firstSeed, seeds, options, progress: json ? null : r =>
        {
            if (r.Outcome == SeedOutcome.Failed) Console.WriteLine($"seed {r.Seed} FAILED: {r.Finding}  (replay: corridor simulate federation --seed {r.Seed}{replay})");
            if (++done % 100 == 0) Console.Error.WriteLine($"{done} seeds");
        });
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                simulation = "federation",
                first_seed = s.FirstSeed,
                seeds = s.Seeds,
                steps_per_seed = steps,
                planted_bug = bugName,
                seconds = Math.Round(s.Seconds, 1),
                passed = s.Passed,
                failed = s.Failed,
                restarts = s.Restarts,
                power_losses = s.PowerLosses,
                payments_sent = s.PaymentsSent,
                settled_on_both = s.SettledBothSides,
                refused_on_both = s.RefusedBothSides,
                refused_by_reason = s.RefusedByReason,
                refused_at_source = s.RefusedAtSource,
                institution_sent = s.InstitutionSent,
                institution_settled_on_both = s.InstitutionSettled,
                status_questions = s.StatusQuestions,
                multi_payment_status_questions = s.MultiPaymentStatusQuestions,
                status_question_payments = s.StatusQuestionPayments,
                multi_item_expire_unknown = s.MultiItemExpireUnknown,
                grouped_batches = s.GroupedBatches,
                grouped_requests = s.GroupedRequests,
                mixed_batches = s.MixedBatches,
                pipeline_crashes = s.PipelineCrashes,
                snapshots_written_behind = s.SnapshotsWrittenBehind,
                crashes_at = s.CrashesAt,
                messages_sent = s.MessagesSent,
                messages_lost = s.MessagesDropped,
                messages_duplicated = s.MessagesDuplicated,
                partitions = s.Partitions,
                read_model_seeds = s.ReadModelSeeds,
                read_model_checks = s.ReadModelChecks,
                read_model_rollbacks = s.ReadModelRollbacks,
                read_model_batches_lost = s.ReadModelBatchesLost,
                failed_seeds = s.Failures.Select(f => new { seed = f.Seed, finding = f.Finding }).ToArray(),
            }));
        }
        else
        {
            Console.WriteLine($"{s.Seeds} seeds (from {s.FirstSeed}) in {s.Seconds:0.0} s: {s.Passed} passed, {s.Failed} failed; {s.Restarts} restarts, {s.PowerLosses} power losses; " +
                $"{s.PaymentsSent} payments: {s.SettledBothSides} settled on both nodes, {s.RefusedBothSides} refused on both, {s.RefusedAtSource} refused at the source; " +
                $"{s.InstitutionSent} of them institution transfers (pacs.009), {s.InstitutionSettled} settled on both; " +
                $"{s.StatusQuestions} status questions (pacs.028) about {s.StatusQuestionPayments} payments, {s.MultiPaymentStatusQuestions} about several, " +
                $"{s.MultiItemExpireUnknown} answered with one ExpireUnknown of several items; " +
                $"{s.GroupedBatches} group commits of several requests ({s.GroupedRequests} requests), {s.MixedBatches} holding a client's request and a link command, {s.PipelineCrashes} deaths between pipeline steps, {s.SnapshotsWrittenBehind} snapshots written behind the engine; " +
                $"{s.MessagesSent} messages, {s.MessagesDropped} lost, {s.MessagesDuplicated} duplicated, {s.Partitions} partitions; " +
                $"the read model caught up and compared {s.ReadModelChecks} times in {s.ReadModelSeeds} seeds, taken back by a power loss {s.ReadModelRollbacks} times ({s.ReadModelBatchesLost} projected batches redone)");
            Console.WriteLine("refused by the destination, by ISO 20022 reason: " + string.Join(", ", s.RefusedByReason.Select(r => $"{r.Key} {r.Value}")));
            Console.WriteLine("crashes at the named crash points: " + string.Join(", ", s.CrashesAt.Select(c => $"{c.Key} {c.Value}")));
        }
        return s.Failed == 0 ? 0 : 1;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"corridor simulate federation: {message}");
        return 2;
    }
}
