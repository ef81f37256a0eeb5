using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>POST /v1/payments: a person originator's date and place of birth (FATF R16's alternative to an address), validated at the rim and returned on GET.</summary>
public sealed class PaymentBirthDataTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static readonly FxPartyDto Beneficiary = new("Jean Martin", "Rue de Rivoli", "1", "75001", "Paris", "", "FR", "FR-ACC-2");

    /// <summary>A person originator with name and account only (no address, no national id).</summary>
    private static readonly FxPartyDto NoAddress = new(Name: "Anna Weber", Account: "DE-ACC-1");

    private static SubmitPaymentRequest Customer(string id, FxPartyDto originator, FxPartyDto? beneficiary = null) =>
        new(id, TestNode.Bob, TestNode.Ledger, 25, Originator: originator, Beneficiary: beneficiary ?? Beneficiary);

    private static string Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;

    [Fact]
    public async Task A_person_originator_with_name_account_and_birth_data_but_no_address_passes_the_travel_rule_and_get_shows_the_birth_data()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();

        // Without an address and without birth data the travel rule refuses it (RR): birth data is what makes the difference.
        ApiResult<PaymentDto> refused = await node.AliceClient.SubmitPaymentAsync(Customer("0xb1", NoAddress), C);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("compliance.travel_rule_incomplete", refused.Problem!.Code);

        FxPartyDto withBirth = NoAddress with { DateOfBirth = "1980-02-29", PlaceOfBirth = new BirthPlaceDto("Hamburg", "DE") };
        PaymentDto paid = (await node.AliceClient.SubmitPaymentAsync(Customer("0xb2", withBirth), C)).Unwrap();
        Assert.Equal("settled", paid.Status);
        Assert.Equal("passed", paid.Compliance!.Status);
        Assert.Equal("1980-02-29", paid.Originator!.DateOfBirth);

        PaymentDto read = (await node.AliceClient.GetPaymentAsync("0xb2", C)).Unwrap();
        Assert.Equal("1980-02-29", read.Originator!.DateOfBirth);
        Assert.Equal(new BirthPlaceDto("Hamburg", "DE"), read.Originator.PlaceOfBirth);
        Assert.Equal("", read.Originator.TownName);
        Assert.Null(read.Beneficiary!.DateOfBirth);
        var (_, raw, _) = await TestNode.Send(node.AliceClient, HttpMethod.Get, "/v1/payments/0xb2", null);
        JsonElement originator = JsonDocument.Parse(raw).RootElement.GetProperty("originator");
        Assert.Equal("1980-02-29", originator.GetProperty("date_of_birth").GetString());
        Assert.Equal("DE", originator.GetProperty("place_of_birth").GetProperty("country").GetString());
        // A party without birth data is written as before (no new keys).
        Assert.False(JsonDocument.Parse(raw).RootElement.GetProperty("beneficiary").TryGetProperty("date_of_birth", out _));

        // The engine carries it: replay of the journal reproduces the stored birth data.
        Assert.Equal(19800229u, await node.Server.Node.QueryAsync(e => e.Settlement.GetPayment(0xb2UL)!.Details!.OriginatorBirth!.DateYyyymmdd));
    }

    [Theory]
    [InlineData("2023-02-29", "Hamburg", "DE", "party.date_of_birth_invalid")]
    [InlineData("1980-13-01", "Hamburg", "DE", "party.date_of_birth_invalid")]
    [InlineData("29.02.1980", "Hamburg", "DE", "party.date_of_birth_invalid")]
    [InlineData("1980-2-9", "Hamburg", "DE", "party.date_of_birth_invalid")]
    [InlineData("1899-12-31", "Hamburg", "DE", "party.date_of_birth_invalid")]
    [InlineData("2999-01-01", "Hamburg", "DE", "party.date_of_birth_in_future")]
    [InlineData("1980-02-29", "Hamburg", "XX", "party.place_of_birth_country_invalid")]
    [InlineData("1980-02-29", "Hamburg", "de", "party.place_of_birth_country_invalid")]
    [InlineData("1980-02-29", "Hamburg", "DEU", "party.place_of_birth_country_invalid")]
    [InlineData("1980-02-29", " ", "DE", "party.place_of_birth_city_invalid")]
    [InlineData("1980-02-29", "A city name much longer than thirty-five characters", "DE", "party.place_of_birth_city_invalid")]
    public async Task Invalid_birth_data_is_400_with_its_code_and_journals_nothing(string date, string city, string country, string code)
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        var before = await node.StateAsync();
        FxPartyDto originator = NoAddress with { DateOfBirth = date, PlaceOfBirth = new BirthPlaceDto(city, country) };
        ApiResult<PaymentDto> r = await node.AliceClient.SubmitPaymentAsync(Customer("0xb3", originator), C);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(code, r.Problem!.Code);
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task Birth_data_must_be_complete_strict_and_only_on_the_originator()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        var before = await node.StateAsync();
        ApiResult<PaymentDto> r = await node.AliceClient.SubmitPaymentAsync(Customer("0xb4", NoAddress with { DateOfBirth = "1980-02-29" }), C);
        Assert.Equal("party.birth_incomplete", r.Problem!.Code);
        r = await node.AliceClient.SubmitPaymentAsync(Customer("0xb4", NoAddress with { PlaceOfBirth = new BirthPlaceDto("Hamburg", "DE") }), C);
        Assert.Equal("party.birth_incomplete", r.Problem!.Code);
        FxPartyDto born = Beneficiary with { DateOfBirth = "1980-02-29", PlaceOfBirth = new BirthPlaceDto("Lyon", "FR") };
        r = await node.AliceClient.SubmitPaymentAsync(Customer("0xb4", Beneficiary with { Name = "Anna Weber" }, born), C);
        Assert.Equal("party.birth_not_supported", r.Problem!.Code);

        // Strict JSON: an unknown member of place_of_birth, or a date as a number, is refused.
        const string Head = """{"id":"0xb4","payee":2,"ledger":1,"amount":5,"beneficiary":{"name":"Jean Martin","town_name":"Paris","country":"FR","account":"FR-ACC-2"},""";
        var (status, body, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments",
            Head + """ "originator":{"name":"Anna Weber","account":"DE-ACC-1","date_of_birth":"1980-02-29","place_of_birth":{"city":"Hamburg","country":"DE","province":"HH"}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("request.", Code(body));
        (status, body, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments",
            Head + """ "originator":{"name":"Anna Weber","account":"DE-ACC-1","date_of_birth":19800229,"place_of_birth":{"city":"Hamburg","country":"DE"}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("request.", Code(body));
        Assert.Equal(before, await node.StateAsync());

        // Over raw JSON, the same fields in snake_case are accepted.
        (status, body, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments",
            Head + """ "originator":{"name":"Anna Weber","account":"DE-ACC-1","date_of_birth":"1980-02-29","place_of_birth":{"city":"Hamburg","country":"DE"}}}""");
        Assert.True(status == HttpStatusCode.Created, body);
    }
}
