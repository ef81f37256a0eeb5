using Corridor.Link;
using Corridor.Simulation.Faults;

namespace Corridor.Simulation.Tests;

/// <summary>
/// Deterministic simulation of two federated nodes (issue 20): each on its own simulated disk, real journal, snapshots,
/// recovery and engine; real ISO 20022 messages over a network that drops, duplicates, delays, reorders and partitions; crashes
/// and power losses of either node. CI runs <see cref="CiSeeds"/> seeds.
/// </summary>
public sealed class FederationSimulatorTests(ITestOutputHelper output)
{
    public const int CiSeeds = 300;

    private void Print(FederationSimulationSummary s)
    {
        output.WriteLine($"{s.Seeds} seeds in {s.Seconds:0.0} s: passed {s.Passed}, failed {s.Failed}; {s.Restarts} restarts, {s.PowerLosses} power losses; " +
            $"{s.PaymentsSent} payments: {s.SettledBothSides} settled on both sides, {s.RefusedBothSides} refused on both, {s.RefusedAtSource} refused at the source; " +
            $"{s.MessagesSent} messages, {s.MessagesDropped} lost, {s.MessagesDuplicated} duplicated, {s.Partitions} partitions; " +
            $"read model checked {s.ReadModelChecks} times in {s.ReadModelSeeds} seeds, {s.ReadModelRollbacks} rollbacks by a power loss ({s.ReadModelBatchesLost} batches redone); {s.InstitutionSent} institution transfers, {s.InstitutionSettled} settled on both; " +
            $"{s.StatusQuestions} status questions about {s.StatusQuestionPayments} payments, {s.MultiPaymentStatusQuestions} about several, {s.MultiItemExpireUnknown} multi-item ExpireUnknown; " +
            $"{s.GroupedBatches} group commits of {s.GroupedRequests} requests, {s.MixedBatches} with a client's request and a link command, {s.PipelineCrashes} deaths between pipeline steps, {s.SnapshotsWrittenBehind} snapshots written behind the engine; " +
            "crashes at " + string.Join(", ", s.CrashesAt.Select(c => $"{c.Key} {c.Value}")));
        foreach (FederationSeedResult f in s.Failures.Take(10)) output.WriteLine($"seed {f.Seed}: {f.Finding}");
    }

    [Fact]
    public void Seeds_settle_every_payment_on_both_nodes_or_on_neither_and_lose_nothing_acknowledged()
    {
        FederationSimulationSummary s = FederationSimulator.RunMany(1, CiSeeds);
        Print(s);
        if (s.Failures.Count > 0) foreach (string line in s.Failures[0].Trace.TakeLast(200)) output.WriteLine(line);
        Assert.Equal(CiSeeds, s.Seeds);
        Assert.Empty(s.Failures);
        // The seeds must exercise what they claim.
        Assert.True(s.SettledBothSides > 10 * CiSeeds, $"{s.SettledBothSides} settled");
        Assert.True(s.RefusedBothSides > CiSeeds, $"{s.RefusedBothSides} refused by the destination");
        Assert.True(s.PowerLosses > CiSeeds, $"{s.PowerLosses} power losses");
        Assert.True(s.MessagesDropped > CiSeeds && s.MessagesDuplicated > CiSeeds && s.Partitions > CiSeeds / 2,
            $"{s.MessagesDropped} lost, {s.MessagesDuplicated} duplicated, {s.Partitions} partitions");
        Assert.True(s.ReadModelSeeds > CiSeeds / 8 && s.ReadModelChecks > 10 * s.ReadModelSeeds, $"read model checked {s.ReadModelChecks} times in {s.ReadModelSeeds} seeds");
        // Power losses took read models back to earlier committed states (SQLite, WAL, synchronous=NORMAL): the projector
        // resumed from the earlier stored position and redid the batches, and the read model still matched its engine.
        Assert.True(s.ReadModelRollbacks > CiSeeds / 5 && s.ReadModelBatchesLost > 5 * s.ReadModelRollbacks,
            $"{s.ReadModelRollbacks} read-model rollbacks, {s.ReadModelBatchesLost} projected batches lost");
        Assert.Contains("RR04", s.RefusedByReason.Keys); // the destination's officer rejected some held payments
        // Institution transfers (op 405, pacs.009, op 406) travel and settle under the same checks as customer payments.
        Assert.True(s.InstitutionSent > 10 * CiSeeds && s.InstitutionSettled > 5 * CiSeeds, $"{s.InstitutionSent} institution transfers, {s.InstitutionSettled} settled on both");
        // Retries ask together: multi-payment pacs.028s, their unknown payments journaled as one multi-item ExpireUnknown.
        // Each node groups the requests waiting in its queue (GroupCommit, per-seed bounds of 1–4 requests): several per batch.
        Assert.True(s.GroupedBatches > CiSeeds && s.GroupedRequests > 2 * s.GroupedBatches, $"{s.GroupedBatches} group commits of {s.GroupedRequests} requests");
        Assert.True(s.MultiPaymentStatusQuestions > CiSeeds && s.StatusQuestionPayments > s.StatusQuestions && s.MultiItemExpireUnknown > CiSeeds / 2,
            $"{s.StatusQuestions} status questions about {s.StatusQuestionPayments} payments, {s.MultiPaymentStatusQuestions} about several, {s.MultiItemExpireUnknown} multi-item ExpireUnknown");
        // The link's commands (a peer's payments, its status questions, the source's decisions) share the node's queue with
        // the clients' requests, as on a real node: group commits hold both.
        Assert.True(s.MixedBatches > CiSeeds, $"{s.MixedBatches} group commits with a client's request and a link command");
        // Nodes died between their pipeline's steps (grouped, journaled, applied, acknowledged), their batches holding clients'
        // requests and the link's commands alike, and every check above still held.
        Assert.True(s.PipelineCrashes > CiSeeds / 2, $"{s.PipelineCrashes} deaths between pipeline steps");
        // Snapshots of payments, PvP legs and federation state were written while their node applied further batches.
        Assert.True(s.SnapshotsWrittenBehind > CiSeeds, $"{s.SnapshotsWrittenBehind} snapshots written behind the engine");
        // The node died at every named crash point of the server's crash tests (CORRIDOR_CRASH_AT), on the source and on the
        // destination, and every check above still held.
        Assert.Equal(LinkPoints.All.Select(LinkPoints.Name).Order(), s.CrashesAt.Keys.Order());
        foreach (var (point, crashes) in s.CrashesAt) Assert.True(crashes > 0, $"no crash at {point}");
    }

    [Fact]
    public void A_seed_names_each_crash_at_a_crash_point_in_its_trace()
    {
        FederationSeedResult r = Enumerable.Range(1, 20).Select(i => FederationSimulator.Run((ulong)i)).First(r => r.CrashesAt.Values.Sum() > 2);
        Assert.Equal(SeedOutcome.Passed, r.Outcome);
        foreach (var (point, crashes) in r.CrashesAt)
            Assert.Equal(crashes, r.Trace.Count(line => line.EndsWith($" at crash point {point}", StringComparison.Ordinal) || line.Contains($" at crash point {point} (power loss)", StringComparison.Ordinal)));
    }

    [Fact]
    public void Misrouted_replies_in_the_nodes_pipeline_are_caught_for_clients_and_for_the_links_own_commands()
    {
        // The planted bug in GroupCommit: each request of a batch of several gets the next one's answer. Every answer — a
        // client's and the link's (op 402/406 from a peer's message) — is compared with the reference engine's reply.
        var options = new FederationSimulationOptions { PlantedBug = FederationBug.MisroutedReplies };
        FederationSimulationSummary s = FederationSimulator.RunMany(1, 100, options);
        Print(s);
        Assert.True(s.Failed > 80, $"only {s.Failed} of {s.Seeds} seeds caught it");
        foreach (FederationSeedResult f in s.Failures) Assert.Matches(@"^[AB] batch \d+: request \d+ of \d+ \(.*\) was answered ", f.Finding!);
        Assert.Contains(s.Failures, f => f.Finding!.Contains("(op 402 ReceiveFromPeer", StringComparison.Ordinal) || f.Finding.Contains("(op 406 ReceiveInstitutionFromPeer", StringComparison.Ordinal));
        FederationSeedResult failing = s.Failures[0];
        Assert.Equal(failing.TraceHash, FederationSimulator.Run(failing.Seed, options).TraceHash);
        // Without the plant the same seeds pass (the CI test above runs them, and more).
        FederationSimulationSummary clean = FederationSimulator.RunMany(1, 20);
        Assert.Equal(0, clean.Failed);
    }

    [Fact]
    public void A_pipeline_that_acknowledges_before_its_fsync_is_caught()
    {
        var options = new FederationSimulationOptions { PlantedBug = FederationBug.AcknowledgeBeforeSync };
        FederationSimulationSummary s = FederationSimulator.RunMany(1, 40, options);
        Print(s);
        Assert.True(s.Failed > 30, $"only {s.Failed} of {s.Seeds} seeds caught it");
        // A power loss drops acknowledged batches: the journal refuses to start on lost acknowledged data (its commit record),
        // or recovers short of what was answered, or an answer given is gone.
        foreach (FederationSeedResult f in s.Failures)
            Assert.True(f.Finding!.Contains("refused to start although no fault damaged stored data", StringComparison.Ordinal)
                || f.Finding.Contains("were acknowledged", StringComparison.Ordinal) || f.Finding.Contains("before it restarted and now", StringComparison.Ordinal), f.Finding);
    }

    [Fact]
    public void A_seed_replays_exactly()
    {
        for (ulong seed = 1; seed <= 8; seed++)
        {
            FederationSeedResult first = FederationSimulator.Run(seed), again = FederationSimulator.Run(seed);
            Assert.Equal(first.Trace, again.Trace);
            Assert.Equal((first.TraceHash, first.Outcome), (again.TraceHash, again.Outcome));
        }
        Assert.NotEqual(FederationSimulator.Run(1).TraceHash, FederationSimulator.Run(2).TraceHash);
    }

    [Fact]
    public void A_source_that_voids_on_its_own_after_the_expiry_is_caught()
    {
        // The planted bug: the source's link voids a payment whose expiry passed without an answer, instead of asking.
        var options = new FederationSimulationOptions { PlantedBug = FederationBug.SourceVoidsAfterTimeout };
        FederationSimulationSummary s = FederationSimulator.RunMany(1, 40, options);
        Print(s);
        Assert.True(s.Failed > 10, $"only {s.Failed} of {s.Seeds} seeds caught it");
        foreach (FederationSeedResult f in s.Failures)
            Assert.True(f.Finding!.StartsWith("voided without the destination's refusal", StringComparison.Ordinal)
                || f.Finding.StartsWith("settled on one side only", StringComparison.Ordinal), f.Finding);
        FederationSeedResult failing = s.Failures[0];
        Assert.Contains(failing.Trace, line => line.StartsWith("FINDING (Failed)", StringComparison.Ordinal));
        Assert.Equal(failing.TraceHash, FederationSimulator.Run(failing.Seed, options).TraceHash); // and it replays exactly
    }

    [Fact]
    public void A_destination_that_answers_before_journaling_is_caught()
    {
        var options = new FederationSimulationOptions { PlantedBug = FederationBug.DestinationAnswersBeforeJournal };
        FederationSimulationSummary s = FederationSimulator.RunMany(1, 40, options);
        Print(s);
        Assert.True(s.Failed > 10, $"only {s.Failed} of {s.Seeds} seeds caught it");
        foreach (FederationSeedResult f in s.Failures)
            Assert.True(f.Finding!.Contains("before it restarted and now has no record of it", StringComparison.Ordinal)
                || f.Finding.StartsWith("settled on one side only", StringComparison.Ordinal), f.Finding);
        FederationSeedResult failing = s.Failures[0];
        Assert.Equal(failing.TraceHash, FederationSimulator.Run(failing.Seed, options).TraceHash);
    }
}
