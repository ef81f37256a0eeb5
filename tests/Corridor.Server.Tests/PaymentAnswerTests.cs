using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// How POST /v1/payments answers: a payment the engine refuses is a 422 problem naming the payment and its recorded status
/// (never 201); a request wrong in itself is a 400 that changes nothing and leaves the id free; binding errors name the
/// JSON path and what the contract expects there, never a .NET type; day-phase refusals name the current and allowed phases.
/// </summary>
public sealed class PaymentAnswerTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    [Fact]
    public async Task A_payment_the_engine_refuses_is_a_422_problem_with_its_id_and_status_never_201()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();

        var unknownPayee = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7101", 999, TestNode.Ledger, 100, Kind: "interbank"), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownPayee.Status);
        Assert.Equal("settlement.payee_not_found", unknownPayee.Problem!.Code);
        Assert.Equal(("28929", "rejected"), (unknownPayee.Problem.PaymentId, unknownPayee.Problem.PaymentStatus)); // 0x7101
        Assert.Contains("payee is not a registered participant", unknownPayee.Problem.Detail);

        var unknownLedger = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7102", TestNode.Bob, 77, 100, Kind: "interbank"), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownLedger.Status);
        Assert.Equal("settlement.ledger_not_registered", unknownLedger.Problem!.Code);
        Assert.Equal("rejected", unknownLedger.Problem.PaymentStatus);

        // The refusal is recorded: the same request answers the same problem (idempotent), the payment reads as rejected.
        var again = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7101", 999, TestNode.Ledger, 100, Kind: "interbank"), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.Status);
        Assert.Equal("settlement.payee_not_found", again.Problem!.Code);
        PaymentDto recorded = (await node.AliceClient.GetPaymentAsync("0x7101", C)).Unwrap();
        Assert.Equal(("rejected", "settlement.payee_not_found"), (recorded.Status, recorded.Reason));
        // Its pacs.002, asked later: RJCT with the ISO reason of the engine's refusal and the engine's code beside it.
        var report = ReadModelEndpointTests.StatusOf(await node.AliceClient.FetchPacs002Async("0x7102", C));
        Assert.Equal("RJCT", report.Transactions[0].TxSts);
        Assert.Equal("AM03", report.Transactions[0].Reasons[0].Code);
        Assert.Equal("settlement.ledger_not_registered", report.Transactions[0].Reasons[0].AdditionalInfo[0]);

        // The raw answer is RFC 9457 with the extension members in snake_case.
        var (status, body, type) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments",
            """{"id":"0x7103","payee":999,"ledger":1,"amount":5,"kind":"interbank"}""");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "application/problem+json"), (status, type));
        Assert.Equal("28931", Json(body).GetProperty("payment_id").GetString());
        Assert.Equal("rejected", Json(body).GetProperty("payment_status").GetString());
        Assert.Equal(422, Json(body).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_amount_above_the_engine_cap_is_a_400_that_changes_nothing_and_leaves_the_id_free()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        var before = await node.StateAsync();

        var huge = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7201", TestNode.Bob, TestNode.Ledger, long.MaxValue, Kind: "interbank"), C);
        Assert.Equal(HttpStatusCode.BadRequest, huge.Status);
        Assert.Equal("request.invalid_amount", huge.Problem!.Code);
        Assert.Contains("at most 1000000000000000000", huge.Problem.Detail);
        Assert.Equal(before, await node.StateAsync());

        var corrected = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7201", TestNode.Bob, TestNode.Ledger, 100, Kind: "interbank"), C);
        Assert.Equal(HttpStatusCode.Created, corrected.Status);
        Assert.Equal("settled", corrected.Value!.Status);
    }

    [Fact]
    public async Task Binding_errors_name_the_json_path_and_the_expected_type_never_a_dotnet_type()
    {
        await using TestNode node = await TestNode.StartAsync();
        var before = await node.StateAsync();
        (string Json, string Code, string Detail)[] cases =
        [
            ("""{"id":"0x1","payee":2,"ledger":1,"amount":"10"}""", "request.invalid_type", "$.amount: expected an integer from -9223372036854775808 to 9223372036854775807"),
            ("""{"id":"0x1","payee":-2,"ledger":1,"amount":10}""", "request.invalid_type", "$.payee: expected an integer from 0 to 18446744073709551615"),
            ("""{"id":"0x1","payee":2,"ledger":1,"amount":10,"originator":{"name":5}}""", "request.invalid_type", "$.originator.name: expected a string"),
            ("""{"id":"0x1","payee":2,"ledger":1,"amount":10,"colour":"red"}""", "request.unknown_field", "$: member 'colour' is not part of this request; members: id, payee, ledger, amount"),
            ("""{"id":"0x1","payee":2,"ledger":1}""", "request.missing_field", "$: missing required member 'amount'"),
            ("""{"id":null,"payee":2,"ledger":1,"amount":10}""", "request.invalid_type", "$.id: must not be null; expected a string"),
            ("""{"id":"0x1","id":"0x2","payee":2,"ledger":1,"amount":10}""", "request.duplicate_field", "member 'id' appears more than once"),
        ];
        foreach (var (json, code, detail) in cases)
        {
            var (status, body, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments", json);
            Assert.True(status == HttpStatusCode.BadRequest, $"{json} → {status} {body}");
            JsonElement problem = Json(body);
            Assert.Equal(code, problem.GetProperty("code").GetString());
            string text = problem.GetProperty("detail").GetString()!;
            Assert.Contains(detail, text);
            Assert.DoesNotContain("Corridor.", text);
            Assert.DoesNotContain("System.", text);
        }
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task A_day_phase_refusal_names_the_current_phase_and_the_phases_that_accept_the_payment()
    {
        await using TestNode node = await TestNode.StartAsync();

        var closed = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7301", TestNode.Bob, TestNode.Ledger, 100, Kind: "interbank"), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, closed.Status);
        Assert.Equal("settlement.day_not_open", closed.Problem!.Code);
        Assert.Equal("closed", closed.Problem.Phase);
        Assert.Equal(["open", "customer_cutoff"], closed.Problem.AllowedPhases!);
        Assert.Contains("phase closed, interbank payments are accepted in phase open or customer_cutoff", closed.Problem.Detail);

        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        (await node.Operator.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        FxPartyDto originator = new(Name: "Ana Lima", TownName: "Nairobi", Country: "KE", Account: "KE01", IdScheme: "national_id", Identifier: "12345678");
        FxPartyDto beneficiary = new(Name: "Ben Otieno", TownName: "Nairobi", Country: "KE", Account: "KE02");
        var late = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7302", TestNode.Bob, TestNode.Ledger, 100,
            Originator: originator, Beneficiary: beneficiary), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.Status);
        Assert.Equal("settlement.after_customer_cutoff", late.Problem!.Code);
        Assert.Equal(("customer_cutoff", "rejected"), (late.Problem.Phase, late.Problem.PaymentStatus));
        Assert.Equal(["open"], late.Problem.AllowedPhases!);
        Assert.Contains("customer payments are accepted in phase open", late.Problem.Detail);

        // An interbank payment is still accepted in this phase.
        Assert.Equal(HttpStatusCode.Created, (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7303", TestNode.Bob, TestNode.Ledger, 100, Kind: "interbank"), C)).Status);
    }
}
