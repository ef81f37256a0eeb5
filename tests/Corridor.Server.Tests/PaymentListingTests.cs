using System.Net;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// <c>GET /v1/payments?status=&amp;date=&amp;party=&amp;kind=</c>: payments listed from the read model by status, business date and party
/// name, every filter applying, paged with a keyset cursor, scoped to the caller's own payments, and bad filters refused with 400.
/// </summary>
public sealed class PaymentListingTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static SubmitPaymentRequest Customer(string id, long amount, string originator, string beneficiary, ulong payee = TestNode.Bob) =>
        new(id, payee, TestNode.Ledger, amount,
            Originator: new FxPartyDto(originator, "Main Street", "1", "10115", "Berlin", "", "DE", "DE-ACC-1"),
            Beneficiary: new FxPartyDto(beneficiary, "Rue de Rivoli", "2", "75001", "Paris", "", "FR", "FR-ACC-2"));

    private static string[] Ids(PaymentRecordDto[] page) => page.Select(p => p.Id).ToArray();

    [Fact]
    public async Task Payments_are_listed_by_status_date_and_party_name_paged_and_only_the_callers_own()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 12, 4), C)).Unwrap();
        (await node.AliceClient.SubmitPaymentAsync(Customer("1001", 100, "Anna Weber", "Jean Martin"), C)).Unwrap();
        (await node.AliceClient.SubmitPaymentAsync(Customer("1002", TestNode.Funding * 5, "Анна Вебер", "Jean Martin"), C)).Unwrap(); // queued: not covered
        foreach (string phase in new[] { "customer_cutoff", "interbank_cutoff", "end_of_day" }) (await node.Operator.ChangePhaseAsync(phase, C)).Unwrap();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 12, 5), C)).Unwrap();
        for (int i = 0; i < 3; i++) (await node.BobClient.SubmitPaymentAsync(Customer((2001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), 10 + i, "Bob Trading", "Li_Wei 100%", TestNode.Alice), C)).Unwrap();
        (await node.AliceClient.SubmitPaymentAsync(Customer("2004", TestNode.Funding * 7, "Anna Weber", "Zed"), C)).Unwrap(); // queued on the 5th
        string carol = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(3, "Carol Bank", "direct"), C)).Unwrap().Token;

        Assert.Equal(["1001"], Ids((await node.Operator.ListPaymentsAsync(status: "settled", date: new DateOnly(2026, 12, 4), c: C)).Page.Unwrap()));
        Assert.Equal(["2004"], Ids((await node.Operator.ListPaymentsAsync(status: "queued", date: new DateOnly(2026, 12, 5), c: C)).Page.Unwrap()));
        // The first day's cut-off rejected its queued payment.
        Assert.Equal(["1002"], Ids((await node.AliceClient.ListPaymentsAsync(status: "rejected", c: C)).Page.Unwrap()));
        // Party names: a fragment, any case, Cyrillic too; LIKE's wildcards are searched as themselves.
        Assert.Equal(["1001", "2004"], Ids((await node.AliceClient.ListPaymentsAsync(party: "WEBER", c: C)).Page.Unwrap()));
        Assert.Equal(["1002"], Ids((await node.AliceClient.ListPaymentsAsync(party: "вебер", c: C)).Page.Unwrap()));
        Assert.Equal(["2001", "2002", "2003"], Ids((await node.AliceClient.ListPaymentsAsync(party: "li_wei 100%", c: C)).Page.Unwrap()));
        Assert.Empty((await node.AliceClient.ListPaymentsAsync(party: "li%wei", c: C)).Page.Unwrap());
        Assert.Equal(6, (await node.Operator.ListPaymentsAsync(kind: "settlement", c: C)).Page.Unwrap().Length);

        // Pages of two, oldest first, with the cursor of the previous page.
        var (first, next) = await node.Operator.ListPaymentsAsync(date: new DateOnly(2026, 12, 5), limit: 2, c: C);
        Assert.Equal(["2001", "2002"], Ids(first.Unwrap()));
        Assert.NotNull(next);
        var (second, last) = await node.Operator.ListPaymentsAsync(date: new DateOnly(2026, 12, 5), limit: 2, after: next, c: C);
        Assert.Equal(["2003", "2004"], Ids(second.Unwrap()));
        Assert.Null(last);

        // Scope: a participant lists only payments it pays or receives.
        Assert.Empty((await node.Operator.WithToken(carol).ListPaymentsAsync(date: new DateOnly(2026, 12, 5), c: C)).Page.Unwrap());
        Assert.Equal(["2001", "2002", "2003"], Ids((await node.BobClient.ListPaymentsAsync(party: "Bob Trading", c: C)).Page.Unwrap()));
    }

    [Theory]
    [InlineData("/v1/payments?status=pending", "request.invalid_value")]
    [InlineData("/v1/payments?status=Queued", "request.invalid_value")]
    [InlineData("/v1/payments?date=20261205", "request.invalid_date")]
    [InlineData("/v1/payments?date=2026-02-30", "request.invalid_date")]
    [InlineData("/v1/payments?party=%20%20", "request.invalid_value")]
    [InlineData("/v1/payments?kind=fx", "request.invalid_value")]
    [InlineData("/v1/payments?status=queued&limit=1001", "request.invalid_value")]
    [InlineData("/v1/payments?status=queued&after=12", "request.invalid_value")]
    [InlineData("/v1/payments?status=queued&uetr=0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", "request.invalid_value")]
    public async Task A_bad_filter_is_400_with_a_stable_code(string path, string code)
    {
        await using TestNode node = await TestNode.StartAsync(world: false);
        var (status, body, _) = await TestNode.Send(node.Operator, HttpMethod.Get, path, null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"\"code\":\"{code}\"", body, StringComparison.Ordinal);
    }
}
