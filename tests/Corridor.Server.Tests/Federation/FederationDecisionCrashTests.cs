using System.Net;
using Corridor.Cli.Federation;
using Corridor.Client;
using Corridor.Server.Federation;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// A compliance officer's decision on a held cross-node payment, with the node killed by SIGKILL around the decision's journal
/// write (<see cref="CrashPoints.Decisions"/>), on the source (a hold before anything is held or sent) and on the destination
/// (a hold while the source holds the payer's funds). Restarted, the decision is there exactly when it was journaled (else
/// the officer decides again), and the payment ends settled on both nodes or refused on both, with each currency's total
/// unchanged and no hold left pending — two real <c>corridor run</c> processes.
/// </summary>
public sealed class FederationDecisionCrashTests(ITestOutputHelper output)
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private const long HoldAboveRub = 50_000_00;

    private sealed record Case(string Step, bool OnSource, bool Release);

    private static readonly Case[] Cases =
    [
        new(CrashPoints.DecisionBeforeJournal, OnSource: true, Release: true),
        new(CrashPoints.DecisionAfterJournal, OnSource: true, Release: true),
        new(CrashPoints.DecisionBeforeJournal, OnSource: false, Release: true),
        new(CrashPoints.DecisionAfterJournal, OnSource: false, Release: true),
        new(CrashPoints.DecisionAfterJournal, OnSource: false, Release: false),
    ];

    [Fact]
    public async Task An_officers_decision_killed_around_its_journal_write_on_either_node_ends_settled_or_refused_on_both()
    {
        Assert.Equal(CrashPoints.Decisions.Order(), Cases.Select(k => k.Step).Distinct().Order()); // every step
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await FederationCli.WorldAsync(a, b);
        // A's operator holds RUB payments above 50,000 for review; B's holds payments from Kazakh originators.
        (await a.Operator.SetComplianceRuleAsync(new ComplianceRuleDto("a-review", Limits: [new RuleLimitDto("RUB", HoldAboveRub, long.MaxValue)]), C)).Unwrap();
        (await b.Operator.SetComplianceRuleAsync(new ComplianceRuleDto("b-kz", SourceCountry: "KZ", Limits: [new RuleLimitDto("CNY", 1, long.MaxValue)]), C)).Unwrap();
        var payments = new List<(string Id, string Uetr, long Rub)>();
        for (int n = 0; n < Cases.Length; n++)
        {
            Case k = Cases[n];
            var clock = System.Diagnostics.Stopwatch.StartNew();
            NodeProcess victim = k.OnSource ? a : b;
            string id = $"0xD{n + 1:X2}", uetr = $"d0c15100-{n + 1:x4}-4abc-8def-0123456789ab";
            long rub = k.OnSource ? HoldAboveRub + 1_000_00 * (n + 1) : 1_000_00 * (n + 1);
            CrossNodePaymentRequest request = TwoNodeWorld.Payment(id, uetr, rub, expirySeconds: 600) with { Payer = TwoNodeWorld.Payer };
            if (!k.OnSource) request = request with { Originator = request.Originator with { Country = "KZ" } };
            (await a.Operator.SendToPeerAsync(request, C)).Unwrap();
            payments.Add((id, uetr, rub));
            string held = k.OnSource ? id : await HeldOn(b, uetr);
            if (k.OnSource) Assert.Equal("held", (await a.Operator.GetCrossNodePaymentAsync(id, C)).Unwrap().Status);

            // The officer decides on a node armed to die at the step.
            victim.Kill();
            await victim.StartAsync(new Dictionary<string, string> { [CrashPoints.Variable] = k.Step });
            await Decide(victim, held, k.Release, expectAnswer: false);
            Assert.True(await victim.CrashedAtAsync(k.Step, TimeSpan.FromSeconds(60)),
                $"{k.Step}: {victim.Name} did not die there:\n{string.Join('\n', victim.Output.TakeLast(30))}");
            await victim.StartAsync();

            // Journaled or not: a decision not journaled leaves the hold pending, and the officer decides again.
            bool pending = (await victim.Operator.ListHoldsAsync(c: C)).Unwrap().Any(h => IdOf(h.PaymentId) == IdOf(held));
            Assert.Equal(k.Step == CrashPoints.DecisionBeforeJournal, pending);
            if (pending) await Decide(victim, held, k.Release, expectAnswer: true);

            string final = await FederationCli.FinalOnA(a.Operator, id);
            string expected = k.Release ? "settled" : "refused";
            Assert.True(final == expected, $"{k.Step} on {victim.Name}: {final} on A, expected {expected}");
            string? onB = await FederationCli.StatusOnB(b, uetr);
            Assert.True(k.Release ? onB == "settled" : onB != "settled", $"{k.Step} on {victim.Name}: {final} on A, {onB ?? "unknown"} on B");
            await FederationCli.Consistent(a, b, payments);
            output.WriteLine($"{k.Step,-36} {(k.Release ? "release" : "reject"),-8} on {victim.Name}: killed there, restarted{(pending ? ", decided again" : "")}: {final} on both ({clock.Elapsed.TotalSeconds:F1} s)");
        }
    }

    /// <summary>Waits until B holds the payment; returns B's id for it.</summary>
    private static async Task<string> HeldOn(NodeProcess b, string uetr)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await FederationCli.StatusOnB(b, uetr) != "held")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"payment {uetr} not held on B within 60 s");
            await Task.Delay(50, C);
        }
        return (await b.Operator.GetCrossNodePaymentAsync(uetr, C)).Unwrap().Id;
    }

    /// <summary>A payment id as the API writes it (decimal) or as the test names it (0x-hex).</summary>
    private static UInt128 IdOf(string id) =>
        id.StartsWith("0x", StringComparison.Ordinal) ? UInt128.Parse(id[2..], System.Globalization.NumberStyles.HexNumber) : UInt128.Parse(id);

    private static async Task Decide(NodeProcess node, string paymentId, bool release, bool expectAnswer)
    {
        try
        {
            ApiResult<HoldDto> r = release ? await node.Operator.ReleaseHoldAsync(paymentId, "checked: no match", C)
                : await node.Operator.RejectHoldAsync(paymentId, "confirmed match", C);
            Assert.True(expectAnswer, $"the decision on {paymentId} was answered ({(int)r.Status}) though the node was to die first");
            Assert.True(r.Ok, $"decision on {paymentId}: {(int)r.Status} {r.Problem?.Code} {r.Problem?.Detail}");
        }
        catch (HttpRequestException) when (!expectAnswer) { } // the node died before answering
    }
}
