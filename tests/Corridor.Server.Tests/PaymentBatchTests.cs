using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// POST /v1/payments/batch: each payment of a batch is decided exactly as POST /v1/payments decides it alone, a refused one
/// refuses no other, the batch answers 200 with one result per payment in order, and a request wrong as a whole is a 400 that
/// changes nothing. (The rules of money per entry path, batch included, are in ConformanceMatrixTests.)
/// </summary>
public sealed class PaymentBatchTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static FxPartyDto Person(string name, string town, string country, string account) =>
        new(name, "Main Street", "1", "10115", town, "", country, account);

    private static SubmitPaymentRequest Customer(string id, long amount) =>
        new(id, TestNode.Bob, TestNode.Ledger, amount,
            Originator: Person("Anna Weber", "Berlin", "DE", "DE-ACC-1"), Beneficiary: Person("Jean Martin", "Paris", "FR", "FR-ACC-2"),
            TradeReference: new FxTradeReferenceDto("INV-" + id, new DateOnly(2026, 11, 20), "", "LC-9", "Tea", "090240", "CIF", "Mombasa"),
            References: new PaymentReferencesDto("MSG-" + id, "INSTR-" + id, "E2E-" + id, "TX-" + id));

    private static async Task<long> Balance(TestNode node, ulong participant) =>
        (await node.Operator.GetSettlementAccountAsync(participant, TestNode.Ledger, C)).Unwrap().BalanceMinor;

    [Fact]
    public async Task Each_payment_is_decided_on_its_own_and_a_refusal_refuses_no_other()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        SubmitPaymentRequest[] batch =
        [
            Customer("0xB01", 500),                                                           // settles
            Customer("0xB02", 700) with { Originator = Person("", "Berlin", "DE", "DE-ACC-1") }, // travel rule: no originator name (RR02)
            Customer("0xB01", 900),                                                           // the first one's id again
            Customer("0xB03", 300) with { Payer = TestNode.Bob, Payee = TestNode.Alice },      // Alice may not pay for Bob
            new("0xB04", 999, TestNode.Ledger, 100, Kind: "interbank"),                      // the engine refuses and records it
            Customer("not-an-id", 100),                                                       // a malformed id
            new("0xB05", TestNode.Bob, TestNode.Ledger, 200, Kind: "interbank"),              // settles
            Customer("0xB06", 100) with { TradeReference = new FxTradeReferenceDto("INV-6", null, "", "", "Tea", "12", "", "") }, // HS code of 2 digits
            Customer("0xB07", 100) with { References = new PaymentReferencesDto("MSG-7", "INSTR-7", "E2E-7", "TX\u0001") },   // a control character in an ISO id
        ];
        long alice = await Balance(node, TestNode.Alice), bob = await Balance(node, TestNode.Bob);

        PaymentBatchResult r = (await node.AliceClient.SubmitPaymentBatchAsync(batch, C)).Unwrap();

        Assert.Equal(batch.Length, r.Results.Length);
        Assert.Equal(Enumerable.Range(0, batch.Length), r.Results.Select(x => x.Index));
        Assert.Equal(batch.Select(p => p.Id), r.Results.Select(x => x.Id));
        Assert.Equal((2, 0, 7), (r.Accepted, r.Held, r.Refused));
        Assert.Equal(("settled", false, null), (r.Results[0].Status, r.Results[0].Replayed, r.Results[0].Code));
        Assert.Equal(("refused", "compliance.travel_rule_incomplete", "RR02"), (r.Results[1].Status, r.Results[1].Code, r.Results[1].Iso20022Reason));
        Assert.Equal(("refused", "request.duplicate_id"), (r.Results[2].Status, r.Results[2].Code));
        Assert.Equal(("refused", "auth.forbidden"), (r.Results[3].Status, r.Results[3].Code));
        // Recorded as rejected, as alone (422 settlement.payee_not_found with payment_status "rejected"), with the pacs.002 reason.
        Assert.Equal(("rejected", "settlement.payee_not_found", "2820"), (r.Results[4].Status, r.Results[4].Code, r.Results[4].PaymentId));
        Assert.False(string.IsNullOrEmpty(r.Results[4].Iso20022Reason));
        Assert.Equal(("refused", "request.invalid_id"), (r.Results[5].Status, r.Results[5].Code));
        Assert.Equal("settled", r.Results[6].Status);
        Assert.Equal(("refused", "fx.hs_code_invalid"), (r.Results[7].Status, r.Results[7].Code));
        Assert.Equal(("refused", "request.invalid_value"), (r.Results[8].Status, r.Results[8].Code));
        Assert.Contains("references.tx_id must be at most 35 characters without control characters", r.Results[8].Detail);
        Assert.All(r.Results.Where(x => x.Code is not null), x => Assert.StartsWith($"payments[{x.Index}]: ", x.Detail));
        Assert.Equal((alice - 700, bob + 700), (await Balance(node, TestNode.Alice), await Balance(node, TestNode.Bob)));

        // Each answer is what POST /v1/payments gives alone: the refused-before-the-journal ids stay free, the recorded refusal is idempotent.
        Assert.Equal(HttpStatusCode.Created, (await node.AliceClient.SubmitPaymentAsync(Customer("0xB02", 700), C)).Status);
        var alone = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xB04", 999, TestNode.Ledger, 100, Kind: "interbank"), C);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "settlement.payee_not_found", "rejected"), (alone.Status, alone.Problem!.Code, alone.Problem.PaymentStatus));
        Assert.Equal("settled", (await node.BobClient.GetPaymentAsync("0xB01", C)).Unwrap().Status);
        Assert.Equal("E2E-0xB01", (await node.BobClient.GetPaymentAsync("0xB01", C)).Unwrap().References!.EndToEndId);

        // The same batch again: the settled ones are replays (nothing moves twice), 0xB02 now exists with other content.
        PaymentBatchResult again = (await node.AliceClient.SubmitPaymentBatchAsync(batch, C)).Unwrap();
        Assert.Equal(("settled", true), (again.Results[0].Status, again.Results[0].Replayed));
        Assert.Equal(("settled", true), (again.Results[6].Status, again.Results[6].Replayed));
        Assert.Equal("rejected", again.Results[4].Status);
        Assert.Equal((alice - 1_400, bob + 1_400), (await Balance(node, TestNode.Alice), await Balance(node, TestNode.Bob)));
    }

    [Fact]
    public async Task A_batch_wrong_as_a_whole_is_a_400_that_changes_nothing()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        var before = await node.StateAsync();
        static string Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;

        var empty = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments/batch", """{"payments":[]}""");
        Assert.Equal((HttpStatusCode.BadRequest, "request.empty_batch"), (empty.Status, Code(empty.Body)));
        var missing = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments/batch", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.StartsWith("request.", Code(missing.Body));
        var tooMany = await node.AliceClient.SubmitPaymentBatchAsync(
            Enumerable.Range(1, 1_001).Select(i => new SubmitPaymentRequest("0x" + i.ToString("x"), TestNode.Bob, TestNode.Ledger, 1, Kind: "interbank")).ToArray(), C);
        Assert.Equal((HttpStatusCode.BadRequest, "request.batch_too_large"), (tooMany.Status, tooMany.Problem!.Code));
        var notJson = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments/batch", """{"payments":[{"id":"0x1","payee":2,"ledger":1,"amount":5,"colour":"red"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.Status);
        Assert.StartsWith("request.", Code(notJson.Body));
        Assert.Equal(before, await node.StateAsync());

        // A null item is that item's problem only.
        var withNull = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments/batch",
            """{"payments":[null,{"id":"0x2","payee":2,"ledger":1,"amount":5,"kind":"interbank"}]}""");
        Assert.Equal(HttpStatusCode.OK, withNull.Status);
        JsonElement results = JsonDocument.Parse(withNull.Body).RootElement.GetProperty("results");
        Assert.Equal(("refused", "request.invalid_value"), (results[0].GetProperty("status").GetString(), results[0].GetProperty("code").GetString()));
        Assert.Equal("settled", results[1].GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_operator_instructs_for_a_named_payer_and_must_name_one()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        PaymentBatchResult r = (await node.Operator.SubmitPaymentBatchAsync(
        [
            new SubmitPaymentRequest("0xC1", TestNode.Bob, TestNode.Ledger, 5, Kind: "interbank", Payer: TestNode.Alice),
            new SubmitPaymentRequest("0xC2", TestNode.Bob, TestNode.Ledger, 5, Kind: "interbank"),
        ], C)).Unwrap();
        Assert.Equal("settled", r.Results[0].Status);
        Assert.Equal(("refused", "request.missing_field"), (r.Results[1].Status, r.Results[1].Code));
    }

    [Fact]
    public async Task An_accepted_payment_is_answered_with_its_status_once_the_whole_batch_has_run()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        long alice = await Balance(node, TestNode.Alice), bob = await Balance(node, TestNode.Bob);
        PaymentBatchResult r = (await node.Operator.SubmitPaymentBatchAsync(
        [
            // More than Alice holds: it queues, then Bob's payment to her below gives her the liquidity and it settles.
            new SubmitPaymentRequest("0xD1", TestNode.Bob, TestNode.Ledger, TestNode.Funding + 500_000, Kind: "interbank", Payer: TestNode.Alice),
            new SubmitPaymentRequest("0xD2", TestNode.Alice, TestNode.Ledger, 600_000, Kind: "interbank", Payer: TestNode.Bob),
            // More than she will ever hold in this test: it stays queued.
            new SubmitPaymentRequest("0xD3", TestNode.Bob, TestNode.Ledger, 50 * TestNode.Funding, Kind: "interbank", Payer: TestNode.Alice),
        ], C)).Unwrap();

        Assert.Equal((3, 0, 0), (r.Accepted, r.Held, r.Refused));
        Assert.Equal(["settled", "settled", "queued"], r.Results.Select(x => x.Status));
        Assert.Equal(["209", "210", "211"], r.Results.Select(x => x.PaymentId)); // 0xD1–0xD3 in the decimal form answers use
        Assert.All(r.Results, x => Assert.False(x.Replayed));
        // Each answer is what the payment's own record says.
        foreach (string id in new[] { "0xD1", "0xD2", "0xD3" })
            Assert.Equal(r.Results.Single(x => x.Id == id).Status, (await node.Operator.GetPaymentAsync(id, C)).Unwrap().Status);
        Assert.Equal((alice - 900_000, bob + 900_000), (await Balance(node, TestNode.Alice), await Balance(node, TestNode.Bob)));

        // The same batch again: replays, answered with each record's status.
        PaymentBatchResult again = (await node.Operator.SubmitPaymentBatchAsync(
        [
            new SubmitPaymentRequest("0xD1", TestNode.Bob, TestNode.Ledger, TestNode.Funding + 500_000, Kind: "interbank", Payer: TestNode.Alice),
            new SubmitPaymentRequest("0xD3", TestNode.Bob, TestNode.Ledger, 50 * TestNode.Funding, Kind: "interbank", Payer: TestNode.Alice),
        ], C)).Unwrap();
        Assert.Equal([("settled", true), ("queued", true)], again.Results.Select(x => (x.Status, x.Replayed)));
    }
}
