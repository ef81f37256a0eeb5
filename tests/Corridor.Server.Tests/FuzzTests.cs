using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Corridor.Client;
using CsCheck;

namespace Corridor.Server.Tests;

/// <summary>
/// Random mutations of valid JSON documents against the JSON endpoints: the server never answers 500, and a refusal by the rim
/// (any 4xx that is not the engine's decision, <see cref="IsEngineRefusal"/>) leaves the state hash unchanged.
/// </summary>
public sealed class FuzzTests
{
    private static readonly (string Path, string Json)[] Documents =
    [
        ("/v1/accounts", """{"id":"0x77","ledger":1,"code":1,"flags":["history","debits_must_not_exceed_credits"],"user_data_64":5}"""),
        ("/v1/transfers", """{"id":"0x5001","debit_account_id":"0x19","credit_account_id":"0x29","amount":10,"ledger":9,"code":1,"flags":[]}"""),
        ("/v1/transfers/batch", """{"transfers":[{"id":"0x5002","debit_account_id":"0x19","credit_account_id":"0x29","amount":10,"ledger":9,"code":1}]}"""),
        ("/v1/participants", """{"id":7,"name":"X","role":"direct"}"""),
        ("/v1/participants/2/status", """{"status":"active"}"""),
        ("/v1/ledgers", """{"ledger":2,"central_bank_id":100,"central_bank_account_id":"0x2000","clearing_account_id":"0x2001","currency_code":"UGX"}"""),
        ("/v1/settlement-accounts", """{"participant":1,"ledger":1,"account_id":"0x12"}"""),
        ("/v1/liquidity", """{"transfer_id":"0x9100","participant":1,"ledger":1,"amount":5,"direction":"inject"}"""),
        ("/v1/credit-lines", """{"transfer_id":"0x9200","participant":1,"ledger":1,"limit":5}"""),
        ("/v1/reservations", """{"participant":1,"ledger":1,"urgent_reserve":5,"high_reserve":5}"""),
        ("/v1/sending-limits", """{"participant":1,"ledger":1,"counterparty":2,"limit":5}"""),
        ("/v1/payments", """{"id":"0x7001","payee":2,"ledger":1,"amount":5,"priority":"high","kind":"interbank"}"""),
        ("/v1/payments/batch", """{"payments":[{"id":"0x7011","payee":2,"ledger":1,"amount":5,"priority":"high","kind":"interbank"}]}"""),
        ("/v1/payments/0x7001/actions", """{"action":"change_priority","new_priority":"urgent"}"""),
        ("/v1/lsm/runs", """{"ledger":1}"""),
        ("/v1/netting-windows", """{"window_id":5,"ledger":1,"name":"retail"}"""),
        ("/v1/day/open", """{"business_date":"2026-11-23"}"""),
        ("/v1/day/phase", """{"phase":"customer_cutoff"}"""),
        ("/v1/compliance/threshold", """{"threshold":90}"""),
        ("/v1/compliance/rules", JsonSerializer.Serialize(new ComplianceRuleDto("no-kp", BlockedCountries: ["KP"]), CorridorJson.Options)),
        ("/v1/compliance/watch-lists", JsonSerializer.Serialize(new LoadWatchListRequest("sanctions", "csv", "2026-11",
            "id,kind,name,aliases,countries,dates_of_birth,program\nX-1,person,\"DOE, John\",,US,1970-01-01,TEST\n"), CorridorJson.Options)),
        ("/v1/operators", JsonSerializer.Serialize(new RegisterOperatorRequest("eve", "compliance"), CorridorJson.Options)),
        ("/v1/peers", JsonSerializer.Serialize(new RegisterPeerRequest(7, "Node B", "https://node-b.example:7430", new string('a', 64)), CorridorJson.Options)),
    ];

    internal static readonly Gen<JsonNode?> Value = Gen.OneOf(
        Gen.Int[0, 1].Select(_ => (JsonNode?)null),
        Gen.Long.Select(v => (JsonNode?)JsonValue.Create(v)),
        Gen.Double.Select(v => (JsonNode?)(double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(1.5))),
        Gen.String.Select(v => (JsonNode?)JsonValue.Create(v)),
        Gen.Bool.Select(v => (JsonNode?)JsonValue.Create(v)),
        Gen.Int[0, 8].Select(i => new[] {"0", "-1", "0x", "0xffffffffffffffffffffffffffffffff", "340282366920938463463374607431768211456", "1e3", " 1", "0x11", "0x21" }[i % 9])
            .Select(v => (JsonNode?)JsonValue.Create(v)),
        Gen.Int[0, 9].Select(i => new[] {"9223372036854775808", "-9223372036854775809", "1.0", "1e2", "18446744073709551616", "[]", "{}", "[1,\"a\"]", "[null]", "[\"history\",null]" }[i])
            .Select(v => JsonNode.Parse(v)));

    internal enum Mutation { Replace, Drop, AddUnknown, Truncate, Garbage, Valid }

    /// <summary>One edit of a JSON document: what is done, to which field (odd: a field of a nested object), with what.</summary>
    internal static readonly Gen<(Mutation Kind, int Field, JsonNode? Value, int Cut, string Garbage)> Edit =
        Gen.Select(Gen.Enum<Mutation>(), Gen.Int[0, 20], Value, Gen.Int[0, 200], Gen.String);

    private static readonly Gen<(int Doc, (Mutation Kind, int Field, JsonNode? Value, int Cut, string Garbage) Edit)> Case =
        Gen.Select(Gen.Int[0, Documents.Length - 1], Edit);

    /// <summary>
    /// Whether a refusal is the engine's decision on a journaled command (which moves the state: the sequence, and the compliance desk's
    /// audit) rather than the rim's (which changes nothing): 409/422/404; the raw-ledger rule's 403 transfer.*; and 400 for a request's
    /// own content the engine judges (a compliance rule, a peer's URL: compliance.*, federation.*) — the rim's 400s are request.*.
    /// </summary>
    internal static bool IsEngineRefusal(HttpStatusCode status, string body) =>
        status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound
        || (status == HttpStatusCode.Forbidden && body.Contains("\"code\":\"transfer.", StringComparison.Ordinal))
        || (status == HttpStatusCode.BadRequest && !body.Contains("\"code\":\"request.", StringComparison.Ordinal));

    /// <summary>
    /// <paramref name="json"/> with <paramref name="e"/> applied: a field replaced, dropped or joined by an unknown one — of the
    /// document, or for an odd <c>Field</c> of its first nested object (a batch's first item, a payment's party) — or the text cut
    /// short, replaced by garbage, or left valid.
    /// </summary>
    internal static string Mutate(string json, (Mutation Kind, int Field, JsonNode? Value, int Cut, string Garbage) e)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        if (e.Field % 2 == 1)
        {
            JsonObject? nested = obj.Select(p => p.Value switch { JsonObject o => o, JsonArray { Count: > 0 } a => a[0] as JsonObject, _ => null })
                .FirstOrDefault(o => o is { Count: > 0 });
            if (nested is not null) obj = nested;
        }
        var keys = obj.Select(p => p.Key).ToList();
        string key = keys[e.Field / 2 % keys.Count];
        switch (e.Kind)
        {
            case Mutation.Replace: obj[key] = e.Value?.DeepClone(); break;
            case Mutation.Drop: obj.Remove(key); break;
            case Mutation.AddUnknown: obj["zz_" + key] = e.Value?.DeepClone(); break;
            case Mutation.Truncate: return json[..Math.Min(json.Length - 1, e.Cut % json.Length)];
            case Mutation.Garbage: return e.Garbage;
            case Mutation.Valid: return json;
        }
        return (obj.Root ?? obj).ToJsonString();
    }

    private static readonly string[] SpecialSegments = ["0x11", "1", "2", "0", "340282366920938463463374607431768211456", "%00"];

    private static readonly string[] GetPaths =
    [
        "/v1/accounts/{0}", "/v1/accounts/{0}/transfers?limit=3&after={0}", "/v1/accounts/{0}/balances", "/v1/transfers/{0}",
        "/v1/participants/{0}", "/v1/participants/{0}/settlement-accounts/{0}", "/v1/participants/{0}/queue/{0}",
        "/v1/payments/{0}", "/v1/netting-windows/{0}", "/v1/statements/{0}/{0}", "/v1/accounts?participant={0}", "/v1/queues?older_than_seconds={0}",
    ];

    [Fact]
    public async Task Random_path_segments_on_reads_never_500_and_change_nothing()
    {
        await using TestNode node = await TestNode.StartAsync();
        var before = await node.StateAsync();
        Gen<string> segment = Gen.OneOf(Gen.String, Gen.Long.Select(v => v.ToString()), Gen.ULong.Select(v => "0x" + v.ToString("x")),
            Gen.Int[0, SpecialSegments.Length - 1].Select(i => SpecialSegments[i]));
        await Gen.Select(Gen.Int[0, GetPaths.Length - 1], segment, Gen.Bool).SampleAsync(async c =>
        {
            string path = string.Format(System.Globalization.CultureInfo.InvariantCulture, GetPaths[c.Item1], Uri.EscapeDataString(c.Item2));
            var (status, body, _) = await TestNode.Send(c.Item3 ? node.AliceClient : node.Operator, HttpMethod.Get, path, null);
            // 503 read_model.behind (with Retry-After) is the documented answer when the projector lags on a loaded machine.
            bool lagging = status == HttpStatusCode.ServiceUnavailable && body.Contains("\"read_model.behind\"", StringComparison.Ordinal);
            Assert.True((int)status < 500 || lagging, $"{path} → {(int)status} {body}");
        }, iter: 300, threads: 1);
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task Random_mutations_never_500_and_change_state_only_when_accepted_or_rejected_by_the_engine()
    {
        await using TestNode node = await TestNode.StartAsync();
        int served = 0;
        await Case.SampleAsync(async c =>
        {
            string json = Mutate(Documents[c.Doc].Json, c.Edit);
            string path = Documents[c.Doc].Path;
            var client = c.Edit.Field % 3 == 0 ? node.AliceClient : node.Operator;
            var before = await node.StateAsync();
            var (status, body, type) = await TestNode.Send(client, HttpMethod.Post, path, json);
            served++;
            Assert.True((int)status < 500, $"{path} {json} → {(int)status} {body}");
            bool accepted = (int)status is >= 200 and < 300;
            if (!accepted) Assert.Equal("application/problem+json", type);
            bool engineRejection = IsEngineRefusal(status, body);
            if (!accepted && !engineRejection)
            {
                var after = await node.StateAsync();
                Assert.True(before == after, $"{path} {json} → {(int)status} {body} changed the state {before} → {after}");
            }
        }, iter: 400, threads: 1);
        Assert.Equal(400, served);
    }
}
