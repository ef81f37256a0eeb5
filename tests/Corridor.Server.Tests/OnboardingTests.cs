using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>Onboarding over HTTP: BICs validated (ISO 9362) and shown in listings; a central bank moves liquidity in its own currency only.</summary>
public sealed class OnboardingTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_participant_registered_with_a_bic_shows_it_and_a_malformed_bic_is_a_400_naming_the_wrong_part()
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(7, "Kenya Commercial", "direct", "KCBLKENX"), C)).Unwrap();

        ParticipantDto[] all = (await op.ListParticipantsAsync(C)).Unwrap();
        Assert.Equal("KCBLKENX", all.Single(p => p.Id == 7).Bic);
        Assert.Null(all.Single(p => p.Id == TestNode.Alice).Bic);
        Assert.DoesNotContain(all, p => p.Role == "operator"); // its id 2^64−1 is no participant, and no int64 client could read it
        var (_, raw, _) = await TestNode.Send(op, HttpMethod.Get, "/v1/participants/7", null);
        Assert.Equal("KCBLKENX", JsonDocument.Parse(raw).RootElement.GetProperty("bic").GetString());

        var before = await node.StateAsync();
        (string Bic, string Why)[] bad =
        [
            ("KCBL", "has 4 characters; a BIC has 8 or 11"),
            ("kcblkenx", "characters 1-4 (party prefix) must be upper-case letters or digits"),
            ("KCBL12NX", "characters 5-6 (country) must be upper-case letters"),
            ("KCBLQQNX", "characters 5-6 (\"QQ\") are not an ISO 3166 country code"),
            ("KCBLKEN-", "characters 7-8 (location) must be upper-case letters or digits"),
            ("KCBLKENX00-", "characters 9-11 (branch) must be upper-case letters or digits"),
        ];
        foreach (var (bic, why) in bad)
        {
            var r = await op.RegisterParticipantAsync(new RegisterParticipantRequest(8, "Bad Bic Bank", "direct", bic), C);
            Assert.Equal(HttpStatusCode.BadRequest, r.Status);
            Assert.Equal("request.invalid_bic", r.Problem!.Code);
            Assert.Equal($"bic: \"{bic}\" is not an ISO 9362 BIC: {why}", r.Problem.Detail);
        }
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task A_central_bank_injects_liquidity_in_its_own_currency_and_nowhere_else()
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        CorridorClient centralBank = op.WithToken((await op.IssueTokenAsync(TestNode.CentralBank, C)).Unwrap().Token);
        // A second currency with its own central bank (200), where Alice also holds a settlement account.
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(200, "Central Bank Two", "central-bank"), C)).Unwrap();
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(2, 200, "0x2000", "0x2001", "KPW"), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(TestNode.Alice, 2, "0x12"), C)).Unwrap();

        SettlementAccountDto funded = (await centralBank.MoveLiquidityAsync(new LiquidityRequest("0x9101", TestNode.Alice, TestNode.Ledger, 5_000, "inject"), C)).Unwrap();
        Assert.Equal(TestNode.Funding + 5_000, funded.BalanceMinor);
        SettlementAccountDto drained = (await centralBank.MoveLiquidityAsync(new LiquidityRequest("0x9102", TestNode.Alice, TestNode.Ledger, 1_000, "withdraw"), C)).Unwrap();
        Assert.Equal(TestNode.Funding + 4_000, drained.BalanceMinor);

        var before = await node.StateAsync();
        var foreign = await centralBank.MoveLiquidityAsync(new LiquidityRequest("0x9103", TestNode.Alice, 2, 5_000, "inject"), C);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Equal("settlement.not_a_central_bank", foreign.Problem!.Code);
        Assert.Contains("not the central bank of ledger 2", foreign.Problem.Detail);
        var bank = await node.AliceClient.MoveLiquidityAsync(new LiquidityRequest("0x9104", TestNode.Alice, TestNode.Ledger, 5_000, "inject"), C);
        Assert.Equal(HttpStatusCode.Forbidden, bank.Status);
        Assert.Equal("auth.operator_only", bank.Problem!.Code);
        Assert.Equal(before, await node.StateAsync());
        Assert.Equal(0, (await op.GetSettlementAccountAsync(TestNode.Alice, 2, C)).Unwrap().BalanceMinor);
    }
}
