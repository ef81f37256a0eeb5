using System.Diagnostics;
using System.Net;
using Corridor.Cli.Federation;
using Corridor.Client;
using Corridor.Server.Federation;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// Crash atomicity with real processes (../shared/design/FEDERATION.md, failure table): for every step of the protocol — before
/// and after each journal write and each message sent, on the source and on the destination (<see cref="CrashPoints.All"/>) —
/// the node at that step is killed with SIGKILL (<c>CORRIDOR_CRASH_AT</c>), restarted on its data, and the payment must end
/// settled on both nodes or on neither, with every node's currency total unchanged and no hold left pending.
/// </summary>
public sealed class FederationCrashTests(ITestOutputHelper output)
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private enum Victim { Source, Destination }

    /// <summary>
    /// How the step is reached. Direct: a payment sent while both nodes run. PeerDown: the destination is down when the payment
    /// is sent, so the source's next attempt asks with a pacs.028 once it is back. PeerDownPastExpiry: the same, but the
    /// destination is back only after the payment's expiry T, so it refuses it (AB05) and the source voids.
    /// </summary>
    private enum Route { Direct, PeerDown, PeerDownPastExpiry }

    private sealed record Case(string Step, Victim Victim, Route Route);

    private static readonly Case[] Cases =
    [
        new(CrashPoints.SourceBeforeJournalSend, Victim.Source, Route.Direct),
        new(CrashPoints.SourceAfterJournalSend, Victim.Source, Route.Direct),
        new(CrashPoints.SourceBeforeSendPacs008, Victim.Source, Route.Direct),
        new(CrashPoints.DestinationBeforeJournalReceive, Victim.Destination, Route.Direct),
        new(CrashPoints.DestinationAfterJournalReceive, Victim.Destination, Route.Direct),
        new(CrashPoints.DestinationAfterAnswerPacs008, Victim.Destination, Route.Direct),
        new(CrashPoints.SourceAfterSendPacs008, Victim.Source, Route.Direct),
        new(CrashPoints.SourceAfterJournalDecision, Victim.Source, Route.Direct),
        new(CrashPoints.SourceBeforeSendPacs028, Victim.Source, Route.PeerDown),
        new(CrashPoints.DestinationBeforeJournalStatus, Victim.Destination, Route.PeerDown),
        new(CrashPoints.DestinationAfterJournalStatus, Victim.Destination, Route.PeerDown),
        new(CrashPoints.DestinationAfterAnswerPacs028, Victim.Destination, Route.PeerDown),
        new(CrashPoints.SourceAfterSendPacs028, Victim.Source, Route.PeerDown),
        new(CrashPoints.SourceBeforeSendPacs028, Victim.Source, Route.PeerDownPastExpiry),
        new(CrashPoints.DestinationBeforeJournalStatus, Victim.Destination, Route.PeerDownPastExpiry),
        new(CrashPoints.DestinationAfterJournalStatus, Victim.Destination, Route.PeerDownPastExpiry),
        new(CrashPoints.DestinationAfterAnswerPacs028, Victim.Destination, Route.PeerDownPastExpiry),
        new(CrashPoints.SourceAfterSendPacs028, Victim.Source, Route.PeerDownPastExpiry),
        new(CrashPoints.SourceAfterJournalDecision, Victim.Source, Route.PeerDownPastExpiry),
    ];

    private const uint ExpiryPastSeconds = 3;

    [Fact]
    public async Task Every_step_of_the_protocol_killed_with_SIGKILL_on_either_node_ends_settled_on_both_or_neither()
    {
        Assert.Equal(CrashPoints.All.Order(), Cases.Select(k => k.Step).Distinct().Order()); // every step, not a sample

        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await FederationCli.WorldAsync(a, b);
        var payments = new List<(string Id, string Uetr, long Rub)>();
        var total = Stopwatch.StartNew();
        for (int n = 0; n < Cases.Length; n++)
        {
            Case k = Cases[n];
            var clock = Stopwatch.StartNew();
            string id = $"0x{0x700 + n:X}", uetr = $"7b1d3c2a-{n + 0x100:x4}-4c8e-9a6b-2d5f8e1c0b3a";
            long rub = 1_000_00 * (n + 1);
            uint expiry = k.Route == Route.PeerDownPastExpiry ? ExpiryPastSeconds : 120;
            var armed = new Dictionary<string, string> { [CrashPoints.Variable] = k.Step };
            NodeProcess victim = k.Victim == Victim.Source ? a : b;

            if (k.Route != Route.Direct) b.Kill();
            if (k.Victim == Victim.Source || k.Route == Route.Direct)
            {
                victim.Kill();
                await victim.StartAsync(armed);
            }
            CrossNodePaymentRequest request = TwoNodeWorld.Payment(id, uetr, rub, expiry) with { Payer = TwoNodeWorld.Payer };
            HttpStatusCode? sent = await SendAsync(a, request);
            if (k.Route != Route.Direct)
            {
                // The source's first attempt fails (nobody listens); the destination comes back (after T when asked).
                await Task.Delay(k.Route == Route.PeerDownPastExpiry ? (int)ExpiryPastSeconds * 1_000 + 1_500 : 1_200, C);
                await b.StartAsync(k.Victim == Victim.Destination ? armed : null);
            }
            Assert.True(await victim.CrashedAtAsync(k.Step, TimeSpan.FromSeconds(60)),
                $"{k.Step} ({k.Route}): {victim.Name} did not die there:\n{string.Join('\n', victim.Output.TakeLast(30))}");
            await victim.StartAsync();
            if (!b.Running) await b.StartAsync();
            if (sent is null)
            {
                // The payer never heard back: it sends the same payment again, which is idempotent by its id.
                HttpStatusCode? again = await SendAsync(a, request);
                Assert.True(again is HttpStatusCode.Created or HttpStatusCode.OK, $"{k.Step}: the payer's retry got {again}");
            }
            else Assert.Equal(HttpStatusCode.Created, sent);

            string final = await FederationCli.FinalOnA(a.Operator, id);
            string expected = k.Route == Route.PeerDownPastExpiry ? "refused" : "settled";
            Assert.True(final == expected, $"{k.Step} ({k.Route}): {final} on A, expected {expected}");
            CrossNodePaymentDto? onB = await FederationCli.OnB(b, uetr);
            Assert.True(onB?.Status == final, $"{k.Step} ({k.Route}): {final} on A, {onB?.Status ?? "unknown"} on B");
            if (final == "refused") Assert.Equal("AB05", (await a.Operator.GetCrossNodePaymentAsync(id, C)).Unwrap().PeerReasonCode);
            payments.Add((id, uetr, rub));
            await FederationCli.Consistent(a, b, payments);
            output.WriteLine($"{k.Step,-40} {k.Route,-18} killed {victim.Name} there, restarted: {final} on both, totals unchanged ({clock.Elapsed.TotalSeconds:F1} s)");
        }
        output.WriteLine($"{Cases.Length} crash cases over {CrashPoints.All.Count} steps in {total.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>The payer's request (by the operator acting for the payer bank): its HTTP status, or null when the node died before answering.</summary>
    private static async Task<HttpStatusCode?> SendAsync(NodeProcess a, CrossNodePaymentRequest request)
    {
        try
        {
            ApiResult<CrossNodePaymentDto> r = await a.Operator.SendToPeerAsync(request, C);
            Assert.True(r.Ok, $"payment {request.Id}: HTTP {(int)r.Status} {r.Problem?.Code} {r.Problem?.Detail}");
            return r.Status;
        }
        catch (HttpRequestException) { return null; }
    }
}
