using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>Four eyes over HTTP (/v1/operator-acts, /v1/four-eyes) and the console's assets at / (embedded, no token, strict CSP).</summary>
public sealed class OperatorActEndpointTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private static string Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;

    private static async Task<(CorridorClient Otto, CorridorClient Olga)> OperatorsAsync(TestNode node) =>
        (node.Operator.WithToken((await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("otto", "operator"), C)).Unwrap().Token!),
         node.Operator.WithToken((await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("olga", "operator"), C)).Unwrap().Token!));

    private const string Inject = """{"id":"0xAC1","kind":"move_liquidity","transfer_id":"0x9301","participant":1,"ledger":1,"amount":700,"direction":"inject"}""";

    [Fact]
    public async Task A_liquidity_move_proposed_by_one_operator_applies_when_a_second_approves()
    {
        await using TestNode node = await TestNode.StartAsync();
        var (otto, olga) = await OperatorsAsync(node);
        long before = (await node.Operator.GetSettlementAccountAsync(TestNode.Alice, TestNode.Ledger, C)).Unwrap().BalanceMinor;

        var (status, body, _) = await TestNode.Send(otto, HttpMethod.Post, "/v1/operator-acts", Inject);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("pending", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        (status, _, _) = await TestNode.Send(otto, HttpMethod.Post, "/v1/operator-acts", Inject);
        Assert.Equal(HttpStatusCode.OK, status); // same id, same terms
        (status, body, _) = await TestNode.Send(otto, HttpMethod.Post, "/v1/operator-acts", Inject.Replace("700", "701", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.Conflict, "operator_act.act_exists_with_different_content"), (status, Code(body)));

        (status, body, _) = await TestNode.Send(otto, HttpMethod.Post, "/v1/operator-acts/0xAC1/approve", "{}");
        Assert.Equal((HttpStatusCode.Forbidden, "operator_act.approver_is_proposer"), (status, Code(body)));
        Assert.Equal(before, (await node.Operator.GetSettlementAccountAsync(TestNode.Alice, TestNode.Ledger, C)).Unwrap().BalanceMinor);

        (status, body, _) = await TestNode.Send(olga, HttpMethod.Post, "/v1/operator-acts/0xAC1/approve", """{"reason":"call-back verified"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement act = JsonDocument.Parse(body).RootElement;
        Assert.Equal(("approved", "ok", "otto", "olga"), (act.GetProperty("status").GetString(), act.GetProperty("outcome").GetString(),
            act.GetProperty("proposed_by_name").GetString(), act.GetProperty("decided_by_name").GetString()));
        Assert.Equal(before + 700, (await node.Operator.GetSettlementAccountAsync(TestNode.Alice, TestNode.Ledger, C)).Unwrap().BalanceMinor);
        (status, body, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/operator-acts/0xAC1/decline", "{}");
        Assert.Equal((HttpStatusCode.Conflict, "operator_act.act_not_pending"), (status, Code(body)));
        (status, body, _) = await TestNode.Send(olga, HttpMethod.Post, "/v1/operator-acts/0xAC9/approve", "{}");
        Assert.Equal((HttpStatusCode.NotFound, "operator_act.act_not_found"), (status, Code(body)));
        AuditExportDto audit = (await node.Operator.ExportAuditAsync(c: C)).Unwrap();
        Assert.Contains(audit.Entries, e => e.Operation == "approve_operator_act" && e.Detail.Contains("proposed by otto", StringComparison.Ordinal) && e.Detail.Contains("approved by olga", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"id":"0xAC1","kind":"move_liquidity","transfer_id":"0x9301","participant":1,"ledger":1,"amount":0,"direction":"inject"}""", "request.invalid_amount")]
    [InlineData("""{"id":"0xAC1","kind":"move_liquidity","transfer_id":"0x9301","participant":1,"ledger":1,"amount":5,"direction":"sideways"}""", "request.invalid_value")]
    [InlineData("""{"id":"0xAC1","kind":"move_liquidity","participant":1,"ledger":1,"amount":5,"direction":"inject"}""", "request.missing_field")]
    [InlineData("""{"id":"0xAC1","kind":"teleport"}""", "request.invalid_value")]
    [InlineData("""{"id":"0","kind":"move_liquidity","transfer_id":"0x9301","participant":1,"ledger":1,"amount":5,"direction":"inject"}""", "request.invalid_id")]
    [InlineData("""{"id":"0xAC1","kind":"release_hold","payment_id":"0x71","reason":" "}""", "compliance.reason_missing")]
    [InlineData("""{"id":"0xAC1","kind":"release_hold","payment_id":"0x71","reason":"ok","amount":5}""", "request.invalid_value")]
    public async Task Bad_proposals_are_400_and_journal_nothing(string body, string code)
    {
        await using TestNode node = await TestNode.StartAsync();
        var before = await node.StateAsync();
        var (status, text, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/operator-acts", body);
        Assert.Equal((HttpStatusCode.BadRequest, code), (status, Code(text)));
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task Once_four_eyes_are_required_an_operator_user_cannot_move_liquidity_alone_and_the_rule_is_one_way()
    {
        await using TestNode node = await TestNode.StartAsync();
        var (otto, _) = await OperatorsAsync(node);
        var (status, body, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/four-eyes", """{"required":false}""");
        Assert.Equal((HttpStatusCode.BadRequest, "request.invalid_value"), (status, Code(body)));
        (status, _, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/four-eyes", """{"required":true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((await TestNode.Send(otto, HttpMethod.Get, "/v1/four-eyes", null)).Body.Contains("\"required\":true", StringComparison.Ordinal));

        (status, body, _) = await TestNode.Send(otto, HttpMethod.Post, "/v1/liquidity", """{"transfer_id":"0x9401","participant":1,"ledger":1,"amount":5,"direction":"inject"}""");
        Assert.Equal((HttpStatusCode.Forbidden, "settlement.four_eyes_required"), (status, Code(body)));
        (status, body, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/compliance/holds/0x71/release", """{"reason":"cleared"}""");
        Assert.Equal((HttpStatusCode.Forbidden, "compliance.four_eyes_required"), (status, Code(body)));
        // A central bank moving its own ledger's money is a participant, not an operator user: not concerned.
        string cb = (await node.Operator.IssueTokenAsync(TestNode.CentralBank, C)).Unwrap().Token;
        (status, body, _) = await TestNode.Send(node.Operator.WithToken(cb), HttpMethod.Post, "/v1/liquidity", """{"transfer_id":"0x9402","participant":1,"ledger":1,"amount":5,"direction":"inject"}""");
        Assert.True(status == HttpStatusCode.OK, body);
    }

    [Fact]
    public async Task The_console_is_served_from_the_binary_at_the_root_with_a_strict_content_security_policy()
    {
        await using TestNode node = await TestNode.StartAsync(world: false);
        using var http = new HttpClient { BaseAddress = new Uri(node.Server.Addresses[0]) };
        using HttpResponseMessage index = await http.GetAsync("/", C);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("/console/app.js", await index.Content.ReadAsStringAsync(C), StringComparison.Ordinal);
        foreach (string asset in new[] { "/console/app.js", "/console/labels.js", "/console/console.css", "/console/vendor/uplot/uPlot.iife.min.js", "/console/vendor/uplot/LICENSE" })
        {
            using HttpResponseMessage r = await http.GetAsync(asset, C);
            Assert.True(r.StatusCode == HttpStatusCode.OK, asset);
        }
        using HttpResponseMessage missing = await http.GetAsync("/console/../secrets/token.key", C);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using HttpResponseMessage unknown = await http.GetAsync("/console/nothing.js", C);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
