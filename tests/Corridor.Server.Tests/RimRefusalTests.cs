using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// Refusals at the rim found by an outside tester (issue 20): a null inside a string array is a 400 naming the item, and an
/// id conflict with another participant's item answers one code that reveals neither its data nor which field differs.
/// </summary>
public sealed class RimRefusalTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static (string Code, string Detail) Problem(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return (doc.RootElement.GetProperty("code").GetString()!, doc.RootElement.GetProperty("detail").GetString()!);
    }

    [Fact]
    public async Task A_null_or_a_non_string_inside_any_string_array_is_400_naming_the_item_and_changes_nothing()
    {
        await using TestNode node = await TestNode.StartAsync();
        (string Path, string Json, bool Operator, string Detail)[] cases =
        [
            ("/v1/accounts", """{"id":"0x77","ledger":9,"code":1,"flags":["debits_must_not_exceed_credits",null]}""", false,
                "$.flags[1]: must not be null; expected a string"),
            ("/v1/accounts", """{"id":"0x77","ledger":9,"code":1,"flags":[null]}""", true, "$.flags[0]: must not be null; expected a string"),
            ("/v1/accounts", """{"id":"0x77","ledger":9,"code":1,"flags":[7]}""", false, "$.flags[0]: could not be converted; expected a string"),
            ("/v1/transfers", """{"id":"0x5001","debit_account_id":"0x19","credit_account_id":"0x29","amount":10,"ledger":9,"code":1,"flags":[null]}""", false,
                "$.flags[0]: must not be null; expected a string"),
            ("/v1/transfers/batch", """{"transfers":[{"id":"0x5002","debit_account_id":"0x19","credit_account_id":"0x29","amount":10,"ledger":9,"code":1},{"id":"0x5003","debit_account_id":"0x19","credit_account_id":"0x29","amount":10,"ledger":9,"code":1,"flags":["pending",null]}]}""", false,
                "$.transfers[1].flags[1]: must not be null; expected a string"),
            ("/v1/compliance/rules", """{"id":"r1","blocked_countries":["KP",null]}""", true, "$.blocked_countries[1]: must not be null; expected a string"),
            ("/v1/compliance/rules", """{"id":"r1","blocked_currencies":[null]}""", true, "$.blocked_currencies[0]: must not be null; expected a string"),
            ("/v1/compliance/rules", """{"id":"r1","blocked_countries":[["KP"]]}""", true, "$.blocked_countries[0]: could not be converted; expected a string"),
        ];
        var before = await node.StateAsync();
        foreach (var (path, json, asOperator, detail) in cases)
        {
            var (status, body, type) = await TestNode.Send(asOperator ? node.Operator : node.AliceClient, HttpMethod.Post, path, json);
            Assert.True(status == HttpStatusCode.BadRequest, $"{path} {json} → {(int)status} {body}");
            Assert.Equal("application/problem+json", type);
            Assert.Equal(("request.invalid_type", detail), Problem(body));
        }
        Assert.Equal(before, await node.StateAsync());

        // The same arrays without the null are accepted: the refusal is the item's, not the array's.
        var (ok, okBody, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/compliance/rules", """{"id":"r1","blocked_countries":["KP"]}""");
        Assert.True(ok == HttpStatusCode.OK, okBody);
        (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x5004", TestNode.AliceBook, TestNode.BobBook, 1, TestNode.Book, 1, Flags: []), C)).Unwrap();
    }

    [Fact]
    public async Task The_contract_still_documents_string_arrays_as_arrays_of_strings()
    {
        await using TestNode node = await TestNode.StartAsync(world: false);
        var (_, openapi, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/openapi/v1.json", null);
        using JsonDocument doc = JsonDocument.Parse(openapi);
        JsonElement flags = doc.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("CreateTransferRequest").GetProperty("properties").GetProperty("flags");
        string text = flags.GetRawText();
        Assert.Contains("\"array\"", text);
        Assert.Contains("\"items\"", text);
        Assert.Contains("\"string\"", text);
    }

    [Fact]
    public async Task An_id_taken_by_another_participant_answers_one_409_without_its_data_or_the_differing_field()
    {
        await using TestNode node = await TestNode.StartAsync();
        // Alice pays the book's source account (the central bank's): Bob is on neither side and may not read this transfer.
        (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x7001", TestNode.AliceBook, TestNode.BookSource, 10, TestNode.Book, 1), C)).Unwrap();

        // Bob reuses the id with contents that differ from Alice's in different first fields: always the same answer.
        CreateTransferRequest[] probes =
        [
            new("0x7001", TestNode.BobBook, TestNode.AliceBook, 10, TestNode.Book, 1),
            new("0x7001", TestNode.BobBook, TestNode.BookSource, 10, TestNode.Book, 1),
            new("0x7001", TestNode.BobBook, TestNode.BookSource, 11, TestNode.Book, 1, UserData64: 5),
            new("0x7001", TestNode.BobBook, TestNode.BookSource, 10, TestNode.Book, 1, Flags: ["pending"], TimeoutSeconds: 60),
        ];
        foreach (CreateTransferRequest probe in probes)
        {
            var r = await node.BobClient.CreateTransferAsync(probe, C);
            Assert.Equal(HttpStatusCode.Conflict, r.Status);
            Assert.Equal("transfer.exists_with_different_content", r.Problem!.Code);
            Assert.Equal("transfer 28673 exists; choose another id", r.Problem.Detail); // 0x7001 as ids are written back
        }
        // In a batch: the same code for that item, the others go through.
        BatchResult batch = (await node.BobClient.CreateTransfersAsync(
            [new("0x7001", TestNode.BobBook, TestNode.BookSource, 10, TestNode.Book, 1), new("0x7002", TestNode.BobBook, TestNode.BookSource, 10, TestNode.Book, 1)], C)).Unwrap();
        Assert.Equal((1, 0, 1), (batch.Created, batch.Exists, batch.Rejected));
        Assert.Equal(("rejected", "transfer.exists_with_different_content"), (batch.Results[0].Status, batch.Results[0].Code));
        Assert.Equal("created", batch.Results[1].Status);

        // The owner keeps the precise answers of idempotency: the same content is 200 with the transfer, a difference names the field.
        Assert.Equal(HttpStatusCode.OK, (await node.AliceClient.CreateTransferAsync(new("0x7001", TestNode.AliceBook, TestNode.BookSource, 10, TestNode.Book, 1), C)).Status);
        var mine = await node.AliceClient.CreateTransferAsync(new("0x7001", TestNode.AliceBook, TestNode.BookSource, 12, TestNode.Book, 1), C);
        Assert.Equal((HttpStatusCode.Conflict, "transfer.exists_with_different_amount"), (mine.Status, mine.Problem!.Code));
        // A participant on the credit side may read the transfer (GET /v1/transfers/{id}), so it gets the field too.
        (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x7003", TestNode.AliceBook, TestNode.BobBook, 10, TestNode.Book, 1), C)).Unwrap();
        var credited = await node.BobClient.CreateTransferAsync(new("0x7003", TestNode.BobBook, TestNode.AliceBook, 10, TestNode.Book, 1), C);
        Assert.Equal((HttpStatusCode.Conflict, "transfer.exists_with_different_debit_account_id"), (credited.Status, credited.Problem!.Code));

        // Accounts: Bob reusing Alice's account id, with the same or other flags, learns only that the id is taken.
        foreach (string[] flags in new[] { new[] { "debits_must_not_exceed_credits" }, new[] { "debits_must_not_exceed_credits", "history" } })
        {
            var account = await node.BobClient.CreateAccountAsync(new CreateAccountRequest(TestNode.AliceBook, TestNode.Book, 1, Flags: flags), C);
            Assert.Equal(HttpStatusCode.Conflict, account.Status);
            Assert.Equal("account.exists_with_different_content", account.Problem!.Code);
            Assert.DoesNotContain("participant", account.Problem.Detail, StringComparison.OrdinalIgnoreCase);
        }
        // The operator, who may read everything, still gets the field.
        var op = await node.Operator.CreateAccountAsync(new CreateAccountRequest(TestNode.AliceBook, TestNode.Book, 1, Participant: TestNode.Bob, Flags: ["debits_must_not_exceed_credits"]), C);
        Assert.Equal("account.exists_with_different_participant", op.Problem!.Code);
    }
}
