using System.Net;
using Corridor.Cli.Federation;
using Corridor.Client;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// Each node screens a cross-node payment under its own operator's rules, between two real <c>corridor run</c> processes: the
/// source holds or refuses it before any money is held or the peer asked; the destination holds or refuses it after the source
/// holds the payer's funds, and the source's hold is released (voided) when the destination refuses. An officer's release
/// lets it settle on both.
/// </summary>
public sealed class FederationScreeningTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private const long HoldAboveRub = 50_000_00, RejectAboveRub = 90_000_00;

    private static CrossNodePaymentRequest Payment(string id, int n, long rub, string originatorCountry = "RU")
    {
        CrossNodePaymentRequest r = TwoNodeWorld.Payment(id, $"5c0ffee0-0b{n:x2}-4abc-8def-0123456789ab", rub) with { Payer = TwoNodeWorld.Payer };
        return r with { Originator = r.Originator with { Country = originatorCountry } };
    }

    private static async Task<string> Status(NodeProcess node, string id) => (await node.Operator.GetCrossNodePaymentAsync(id, C)).Unwrap().Status;

    private static async Task<HoldDto> OnlyHold(NodeProcess node) => Assert.Single((await node.Operator.ListHoldsAsync(c: C)).Unwrap());

    [Fact]
    public async Task Screening_on_either_node_holds_or_refuses_the_payment_and_a_refusal_on_the_destination_releases_the_sources_hold()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await FederationCli.WorldAsync(a, b);
        // A's operator: RUB payments above 50,000 held for review, above 90,000 refused. B's operator: payments from Kazakh
        // originators held, and refused above 20,000 RUB's worth of CNY.
        (await a.Operator.SetComplianceRuleAsync(new ComplianceRuleDto("a-rub-limits", Limits: [new RuleLimitDto("RUB", HoldAboveRub, RejectAboveRub)]), C)).Unwrap();
        (await b.Operator.SetComplianceRuleAsync(new ComplianceRuleDto("b-kz", SourceCountry: "KZ",
            Limits: [new RuleLimitDto("CNY", 1, TwoNodeWorld.ToCny(20_000_00))]), C)).Unwrap();
        var payments = new List<(string Id, string Uetr, long Rub)>();
        async Task<CrossNodePaymentDto> Send(CrossNodePaymentRequest r, HttpStatusCode expected)
        {
            ApiResult<CrossNodePaymentDto> sent = await a.Operator.SendToPeerAsync(r, C);
            Assert.True(sent.Status == expected, $"{r.Id}: HTTP {(int)sent.Status} {sent.Problem?.Code}");
            payments.Add((r.Id, r.Uetr, r.SourceAmount));
            return (await a.Operator.GetCrossNodePaymentAsync(r.Id, C)).Unwrap();
        }

        // Source refuses: nothing held, the peer never hears of it.
        await Send(Payment("0xA01", 1, 95_000_00), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("refused", await Status(a, "0xA01"));
        Assert.Null(await FederationCli.StatusOnB(b, payments[^1].Uetr));

        // Source holds: nothing held in the ledger, the peer not asked; A's officer rejects one and releases the other.
        Assert.Equal("held", (await Send(Payment("0xA02", 2, 60_000_00), HttpStatusCode.Created)).Status);
        Assert.Equal(0, (await a.Account(TwoNodeWorld.PayerAccount)).DebitsPending);
        await Task.Delay(500, C);
        Assert.Null(await FederationCli.StatusOnB(b, payments[^1].Uetr));
        (await a.Operator.RejectHoldAsync((await OnlyHold(a)).PaymentId, "confirmed match", C)).Unwrap();
        Assert.Equal("refused", await Status(a, "0xA02"));
        Assert.Equal("held", (await Send(Payment("0xA03", 3, 70_000_00), HttpStatusCode.Created)).Status);
        (await a.Operator.ReleaseHoldAsync((await OnlyHold(a)).PaymentId, "documents checked", C)).Unwrap();
        Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, "0xA03"));
        Assert.Equal("settled", await FederationCli.StatusOnB(b, payments[^1].Uetr));

        // Destination refuses: A held the payer's funds and voids the hold on B's RJCT (with B's reason).
        await Send(Payment("0xA04", 4, 30_000_00, "KZ"), HttpStatusCode.Created);
        Assert.Equal("refused", await FederationCli.FinalOnA(a.Operator, "0xA04"));
        Assert.Equal("AM02", (await a.Operator.GetCrossNodePaymentAsync("0xA04", C)).Unwrap().PeerReasonCode);
        Assert.Equal("refused", await FederationCli.StatusOnB(b, payments[^1].Uetr));

        // Destination holds: A keeps the payer's funds held (pending) while B's officer looks; B's officer rejects → A voids.
        await Send(Payment("0xA05", 5, 10_000_00, "KZ"), HttpStatusCode.Created);
        while (await FederationCli.StatusOnB(b, payments[^1].Uetr) != "held") await Task.Delay(50, C);
        await Task.Delay(1_500, C); // A asks again meanwhile: pending, and keeps holding
        Assert.Equal("prepared", await Status(a, "0xA05"));
        Assert.Equal(10_000_00, (await a.Account(TwoNodeWorld.PayerAccount)).DebitsPending);
        (await b.Operator.RejectHoldAsync((await OnlyHold(b)).PaymentId, "confirmed match", C)).Unwrap();
        Assert.Equal("refused", await FederationCli.FinalOnA(a.Operator, "0xA05"));
        Assert.Equal(0, (await a.Account(TwoNodeWorld.PayerAccount)).DebitsPending);

        // Destination holds, B's officer releases → settled on both.
        await Send(Payment("0xA06", 6, 12_000_00, "KZ"), HttpStatusCode.Created);
        while (await FederationCli.StatusOnB(b, payments[^1].Uetr) != "held") await Task.Delay(50, C);
        (await b.Operator.ReleaseHoldAsync((await OnlyHold(b)).PaymentId, "originator verified", C)).Unwrap();
        Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, "0xA06"));
        Assert.Equal("settled", await FederationCli.StatusOnB(b, payments[^1].Uetr));

        await FederationCli.Consistent(a, b, payments);
    }

    [Fact]
    public async Task Both_nodes_show_a_cross_node_payment_in_the_read_model_with_its_state_and_its_counterpart()
    {
        await using var a = new NodeProcess("rub") { ReadModel = "sqlite" };
        await using var b = new NodeProcess("cny") { ReadModel = "sqlite" };
        await FederationCli.WorldAsync(a, b);
        (await b.Operator.SetComplianceRuleAsync(new ComplianceRuleDto("b-kz", SourceCountry: "KZ", Limits: [new RuleLimitDto("CNY", 1, long.MaxValue)]), C)).Unwrap();
        CrossNodePaymentRequest request = Payment("0xB01", 0x31, 15_000_00, "KZ");
        (await a.Operator.SendToPeerAsync(request, C)).Unwrap();
        while (await FederationCli.StatusOnB(b, request.Uetr) != "held") await Task.Delay(50, C);

        // While B's officer looks: prepared on A (the payer's funds held), held on B; each names the other side.
        PaymentDto onA = (await a.Operator.GetPaymentAsync("0xB01", C)).Unwrap();
        Assert.Equal("prepared", onA.Status);
        Assert.Equal((TwoNodeWorld.Payer, TwoNodeWorld.Provider, 15_000_00L), (onA.Payer, onA.Payee, onA.Amount));
        Assert.Equal("outbound", onA.CrossNode!.Role);
        Assert.Equal(TwoNodeWorld.PeerBOnA, onA.CrossNode.Peer);
        Assert.Equal(request.Uetr, onA.References!.Uetr);
        Assert.Equal("INV-CN-2026-117", onA.TradeReference!.InvoiceNumber);
        PaymentDto onB = (await b.Operator.GetPaymentAsync(request.Uetr, C)).Unwrap();
        Assert.Equal("held", onB.Status);
        Assert.Equal((TwoNodeWorld.Provider, TwoNodeWorld.Payee, TwoNodeWorld.ToCny(15_000_00)), (onB.Payer, onB.Payee, onB.Amount));
        Assert.Equal("inbound", onB.CrossNode!.Role);
        Assert.Equal(TwoNodeWorld.PeerAOnB, onB.CrossNode.Peer);
        Assert.Equal(onB.Id, onA.CrossNode.CounterpartId); // A knows B's id for it; both find it by the UETR
        Assert.Equal("held", onB.Compliance!.Status);
        Assert.Equal("Volga Machine Tools LLC", onB.Originator!.Name);

        (await b.Operator.ReleaseHoldAsync((await OnlyHold(b)).PaymentId, "originator verified", C)).Unwrap();
        Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, "0xB01"));
        Assert.Equal("settled", (await a.Operator.GetPaymentAsync(request.Uetr, C)).Unwrap().Status);
        Assert.Equal("settled", (await b.Operator.GetPaymentAsync(onB.Id, C)).Unwrap().Status);
        var (listed, _) = await b.Operator.ListPaymentsAsync(kind: "cross_node", status: "settled", c: C);
        Assert.Equal(request.Uetr, Assert.Single(listed.Unwrap()).Uetr);
        PaymentRecordDto[] byInvoice = (await a.Operator.FindPaymentsAsync("invoiceNumber", "INV-CN-2026-117", C)).Unwrap();
        Assert.Equal("cross_node", Assert.Single(byInvoice).Kind);
        await FederationCli.Consistent(a, b, [("0xB01", request.Uetr, 15_000_00)]);
    }
}
