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
            $"read model checked {s.ReadModelChecks} times in {s.ReadModelSeeds} seeds; {s.InstitutionSent} institution transfers, {s.InstitutionSettled} settled on both; " +
            $"{s.StatusQuestions} status questions about {s.StatusQuestionPayments} payments, {s.MultiPaymentStatusQuestions} about several, {s.MultiItemExpireUnknown} multi-item ExpireUnknown");
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
        Assert.Contains("RR04", s.RefusedByReason.Keys); // the destination's officer rejected some held payments
        // Institution transfers (op 405, pacs.009, op 406) travel and settle under the same checks as customer payments.
        Assert.True(s.InstitutionSent > 10 * CiSeeds && s.InstitutionSettled > 5 * CiSeeds, $"{s.InstitutionSent} institution transfers, {s.InstitutionSettled} settled on both");
        // Retries ask together: multi-payment pacs.028s, their unknown payments journaled as one multi-item ExpireUnknown.
        // Each node groups the requests waiting in its queue (GroupCommit, per-seed bounds of 1–4 requests): several per batch.
        Assert.True(s.GroupedBatches > CiSeeds && s.GroupedRequests > 2 * s.GroupedBatches, $"{s.GroupedBatches} group commits of {s.GroupedRequests} requests");
        Assert.True(s.MultiPaymentStatusQuestions > CiSeeds && s.StatusQuestionPayments > s.StatusQuestions && s.MultiItemExpireUnknown > CiSeeds / 2,
            $"{s.StatusQuestions} status questions about {s.StatusQuestionPayments} payments, {s.MultiPaymentStatusQuestions} about several, {s.MultiItemExpireUnknown} multi-item ExpireUnknown");
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
