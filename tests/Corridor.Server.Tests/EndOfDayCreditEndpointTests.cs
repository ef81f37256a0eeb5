using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>Intraday credit over HTTP: repaid at end of day, the uncovered rest reported as overnight credit.</summary>
public class EndOfDayCreditEndpointTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Credit_used_beyond_the_balance_at_end_of_day_shows_as_overnight_credit_on_the_day_and_the_account()
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        (await op.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        (await op.SetCreditLineAsync(new CreditLineRequest("0x9300", TestNode.Alice, TestNode.Ledger, 500), C)).Unwrap();
        // Alice spends her whole balance and 300 of the line.
        PaymentDto paid = (await node.AliceClient.SubmitPaymentAsync(
            new SubmitPaymentRequest("0xC1", TestNode.Bob, TestNode.Ledger, TestNode.Funding + 300, Kind: "interbank"), C)).Unwrap();
        Assert.Equal("settled", paid.Status);
        foreach (string phase in new[] { "customer_cutoff", "interbank_cutoff", "end_of_day" }) (await op.ChangePhaseAsync(phase, C)).Unwrap();

        DayDto day = (await node.AliceClient.GetDayAsync(C)).Unwrap();
        Assert.Equal("end_of_day", day.Phase);
        Assert.Equal([new OvernightCreditDto(TestNode.Alice, TestNode.Ledger, 300)], Assert.IsType<OvernightCreditDto[]>(day.OvernightCredits));
        SettlementAccountDto alice = (await node.AliceClient.GetSettlementAccountAsync(TestNode.Alice, TestNode.Ledger, C)).Unwrap();
        Assert.Equal(0, alice.CreditLineMinor);
        Assert.Equal(300, alice.OvernightCreditMinor);
        Assert.Equal(0, alice.BalanceMinor);
        SettlementAccountDto bob = (await node.BobClient.GetSettlementAccountAsync(TestNode.Bob, TestNode.Ledger, C)).Unwrap();
        Assert.Equal(0, bob.OvernightCreditMinor);
    }
}
