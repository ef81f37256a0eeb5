using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// Issue "One payment path", defect 7: a bank moved settlement money with POST /v1/transfers between settlement accounts,
/// skipping the travel rule, screening, cut-offs and queues. Raw ledger transfers now touch settlement ledgers only for the
/// operator; a participant may use a non-settlement ledger the operator granted it (default: none). The rule is the engine's
/// (operation 3), so a refusal journals nothing that moves money and consumes no id.
/// </summary>
public sealed class RawLedgerAccessTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private const uint Loyalty = 7; // a non-settlement ledger (points, a bank's internal book)

    private static string Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;

    private static async Task<(HttpStatusCode, string)> Post(CorridorClient client, string path, string json)
    {
        var (status, body, _) = await TestNode.Send(client, HttpMethod.Post, path, json);
        return (status, body);
    }

    [Fact]
    public async Task A_participant_cannot_move_settlement_money_with_raw_transfers_even_after_end_of_day()
    {
        await using TestNode node = await TestNode.StartAsync();
        long aliceBefore = (await node.Operator.GetSettlementAccountAsync(TestNode.Alice, TestNode.Ledger, C)).Unwrap().BalanceMinor;
        string raw = $$"""{"id":"0x7A01","debit_account_id":"{{TestNode.AliceAccount}}","credit_account_id":"{{TestNode.BobAccount}}","amount":500,"ledger":{{TestNode.Ledger}},"code":1}""";

        var (status, body) = await Post(node.AliceClient, "/v1/transfers", raw);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("transfer.ledger_not_granted_to_submitter", Code(body));

        (await node.Operator.OpenDayAsync(new DateOnly(2026, 12, 1), C)).Unwrap();
        foreach (string phase in new[] { "customer_cutoff", "interbank_cutoff", "end_of_day" }) (await node.Operator.ChangePhaseAsync(phase, C)).Unwrap();
        (status, body) = await Post(node.AliceClient, "/v1/transfers/batch", "{\"transfers\":[" + raw + "]}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("transfer.ledger_not_granted_to_submitter", body);
        Assert.Equal(aliceBefore, (await node.Operator.GetSettlementAccountAsync(TestNode.Alice, TestNode.Ledger, C)).Unwrap().BalanceMinor);

        // The operator cannot open a settlement ledger to raw transfers either.
        (status, body) = await Post(node.Operator, $"/v1/participants/{TestNode.Alice}/ledger-access", $$"""{"ledger":{{TestNode.Ledger}}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("settlement.settlement_ledger_not_grantable", Code(body));
        // Participants do not grant themselves anything.
        (status, _) = await Post(node.AliceClient, $"/v1/participants/{TestNode.Alice}/ledger-access", $$"""{"ledger":{{Loyalty}}}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task A_granted_non_settlement_ledger_is_open_to_its_participant_only_for_its_own_debits_until_withdrawn()
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        (await op.CreateAccountAsync(new CreateAccountRequest("0x7101", Loyalty, 1, Participant: TestNode.Alice), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest("0x7201", Loyalty, 1, Participant: TestNode.Bob), C)).Unwrap();
        string raw = $$"""{"id":"0x7B01","debit_account_id":"0x7101","credit_account_id":"0x7201","amount":40,"ledger":{{Loyalty}},"code":1}""";

        var (status, body) = await Post(node.AliceClient, "/v1/transfers", raw);
        Assert.Equal(HttpStatusCode.Forbidden, status); // default: no raw access
        Assert.Equal("transfer.ledger_not_granted_to_submitter", Code(body));
        Assert.DoesNotContain(Loyalty, (await op.GetLedgerAccessAsync(TestNode.Alice, C)).Unwrap().Ledgers);

        LedgerAccessDto granted = (await op.SetLedgerAccessAsync(TestNode.Alice, Loyalty, c: C)).Unwrap();
        Assert.Equal(new[] { Loyalty, TestNode.Book }, granted.Ledgers);
        Assert.Equal(new[] { Loyalty, TestNode.Book }, (await node.AliceClient.GetLedgerAccessAsync(TestNode.Alice, C)).Unwrap().Ledgers);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.GetLedgerAccessAsync(TestNode.Alice, C)).Status);

        // The refused id was not consumed: the same transfer now applies.
        (status, _) = await Post(node.AliceClient, "/v1/transfers", raw);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(40, (await op.GetAccountAsync("0x7201", C)).Unwrap().CreditsPosted);

        // Bob has no grant; and even with one, he cannot debit Alice's account.
        string bobDebitsAlice = $$"""{"id":"0x7B02","debit_account_id":"0x7101","credit_account_id":"0x7201","amount":1,"ledger":{{Loyalty}},"code":1}""";
        (await op.SetLedgerAccessAsync(TestNode.Bob, Loyalty, c: C)).Unwrap();
        (status, _) = await Post(node.BobClient, "/v1/transfers", bobDebitsAlice);
        Assert.Equal(HttpStatusCode.Forbidden, status);

        LedgerAccessDto withdrawn = (await op.SetLedgerAccessAsync(TestNode.Alice, Loyalty, granted: false, c: C)).Unwrap();
        Assert.Equal(new[] { TestNode.Book }, withdrawn.Ledgers);
        (status, body) = await Post(node.AliceClient, "/v1/transfers", raw.Replace("0x7B01", "0x7B03", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("transfer.ledger_not_granted_to_submitter", Code(body));
        Assert.Equal(40, (await op.GetAccountAsync("0x7201", C)).Unwrap().CreditsPosted);
        Assert.Equal(HttpStatusCode.NotFound, (await op.SetLedgerAccessAsync(999, Loyalty, c: C)).Status);
    }
}
