using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>One date format on the API, as on the CLI: ISO 8601 <c>YYYY-MM-DD</c> in bodies, answers and paths; anything else is 400 <c>request.invalid_date</c>.</summary>
public sealed class DateFormatTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    [Fact]
    public async Task Business_dates_are_iso_8601_in_bodies_answers_and_paths()
    {
        await using TestNode node = await TestNode.StartAsync();
        var (_, none, _) = await TestNode.Send(node.Operator, HttpMethod.Get, "/v1/day", null);
        Assert.Equal(JsonValueKind.Null, Json(none).GetProperty("business_date").ValueKind);
        var before = await node.StateAsync();

        foreach (string bad in new[] { "20261123", "\"20261123\"", "\"2026-02-30\"", "\"23.11.2026\"" })
        {
            var (status, body, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/day/open", $$"""{"business_date":{{bad}}}""");
            Assert.True(status == HttpStatusCode.BadRequest, $"{bad} → {status} {body}");
            Assert.Equal("request.invalid_date", Json(body).GetProperty("code").GetString());
            Assert.Equal("$.business_date: expected a date \"YYYY-MM-DD\" (ISO 8601)", Json(body).GetProperty("detail").GetString());
        }
        Assert.Equal(before, await node.StateAsync());

        var (opened, day, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/day/open", """{"business_date":"2026-11-23"}""");
        Assert.Equal(HttpStatusCode.OK, opened);
        Assert.Equal("2026-11-23", Json(day).GetProperty("business_date").GetString());

        var (created, payment, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments",
            """{"id":"0x7401","payee":2,"ledger":1,"amount":100,"kind":"interbank"}""");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("2026-11-23", Json(payment).GetProperty("business_date").GetString());
        Assert.Equal(new DateOnly(2026, 11, 23), (await node.AliceClient.GetPaymentAsync("0x7401", C)).Unwrap().BusinessDate);

        foreach (string path in new[] { "/v1/statements/20261123/0x11", "/v1/iso20022/camt053/20261123/0x11", "/v1/statements/2026-13-01/0x11" })
        {
            var (status, body, _) = await TestNode.Send(node.AliceClient, HttpMethod.Get, path, null);
            Assert.True(status == HttpStatusCode.BadRequest, $"{path} → {status} {body}");
            Assert.Equal("request.invalid_date", Json(body).GetProperty("code").GetString());
            Assert.Contains("is not an ISO 8601 date YYYY-MM-DD", Json(body).GetProperty("detail").GetString());
        }
        var (notYet, _, _) = await TestNode.Send(node.AliceClient, HttpMethod.Get, "/v1/statements/2026-11-23/0x11", null);
        Assert.Equal(HttpStatusCode.NotFound, notYet); // the day has not ended: no statement yet, but the date was read
    }
}
