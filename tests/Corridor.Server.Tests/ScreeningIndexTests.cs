using Corridor.Client;
using Corridor.Core.Compliance;
using Corridor.Storage.Node;
using Microsoft.Extensions.Logging;

namespace Corridor.Server.Tests;

/// <summary>
/// The screening index of a watch list is built beside the engine — by the load endpoint before the command is journaled, by
/// the threshold endpoint before a change, and after a restart — never by the first payment on the engine thread.
/// </summary>
public sealed class ScreeningIndexTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private const ulong CentralBank = 100, Alice = 1, Bob = 2;
    private const uint Ledger = 1;

    private static Task<CorridorServer> StartAsync(string dir) => CorridorServer.StartAsync(new ServerOptions
    {
        DataPath = dir, Urls = ["http://127.0.0.1:0"], ReadModel = "none", MinimumLogLevel = LogLevel.Error,
        Node = new NodeOptions { SnapshotEveryEvents = 0 },
    }, C);

    private static string ListCsv(int entries)
    {
        WatchList list = Corridor.Workloads.ScreeningBenchmark.GenerateWatchList(entries, 11);
        var csv = new System.Text.StringBuilder(WatchListParser.CsvHeader).Append('\n');
        foreach (WatchListEntry e in list.Entries)
            csv.Append(e.Id).Append(",person,\"").Append(e.Names[0].Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",,,,S\n");
        return csv.ToString();
    }

    private static SubmitPaymentRequest Customer(string id, string beneficiary) =>
        new(id, Bob, Ledger, 5,
            Originator: new FxPartyDto("Anna Weber", "Main Street", "1", "10115", "Berlin", "", "DE", "DE-ACC-1"),
            Beneficiary: new FxPartyDto(beneficiary, "Rue de Rivoli", "2", "75001", "Paris", "", "FR", "FR-ACC-2"));

    private static Task<(long Builds, long Taken)> IndexCounts(CorridorServer server) =>
        server.Node.QueryAsync(e => (e.Compliance.ScreenerBuilds, e.Compliance.Prepared.ScreenersTaken));

    [Fact]
    public async Task The_first_payment_after_a_load_a_threshold_change_or_a_restart_does_not_build_the_index()
    {
        string dir = Directory.CreateTempSubdirectory("corridor-screening-index-").FullName;
        try
        {
            string csv = ListCsv(3_000);
            string listed = WatchListParser.ParseCsv(csv, "x", "v").List!.Entries[42].PrimaryName;
            string aliceToken;
            await using (CorridorServer server = await StartAsync(dir))
            {
                var op = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, server.NewOperatorToken!);
                (await op.RegisterParticipantAsync(new RegisterParticipantRequest(CentralBank, "Central Bank", "central-bank"), C)).Unwrap();
                aliceToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Alice, "Alice Bank", "direct"), C)).Unwrap().Token;
                (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Bob, "Bob Bank", "direct"), C)).Unwrap();
                (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Ledger, CentralBank, "0x1000", "0x1001", "KES"), C)).Unwrap();
                (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Alice, Ledger, "0x11"), C)).Unwrap();
                (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Bob, Ledger, "0x21"), C)).Unwrap();
                (await op.MoveLiquidityAsync(new LiquidityRequest("0x9001", Alice, Ledger, 1_000_000, "inject"), C)).Unwrap();
                (await op.OpenDayAsync(new DateOnly(2026, 12, 5), C)).Unwrap();
                CorridorClient alice = op.WithToken(aliceToken);

                (await op.LoadWatchListAsync(new LoadWatchListRequest("sanctions", "csv", "1", csv), C)).Unwrap();
                Assert.Equal(1, await server.Node.QueryAsync(e => e.Compliance.Prepared.ListsTaken)); // parsed at the endpoint, not by the engine
                Assert.Equal("held", (await alice.SubmitPaymentAsync(Customer("0x51", listed), C)).Unwrap().Status);
                Assert.Equal((0L, 1L), await IndexCounts(server));

                (await op.SetScreeningThresholdAsync(80, C)).Unwrap();
                Assert.Equal("settled", (await alice.SubmitPaymentAsync(Customer("0x52", "Jean Martin"), C)).Unwrap().Status);
                Assert.Equal((0L, 2L), await IndexCounts(server));
            } // stops with a snapshot: the restart restores the list without its index

            await using (CorridorServer server = await StartAsync(dir))
            {
                var alice = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, aliceToken);
                Assert.Equal("held", (await alice.SubmitPaymentAsync(Customer("0x53", listed), C)).Unwrap().Status);
                Assert.Equal((0L, 1L), await IndexCounts(server)); // prepared after the restart (or waited for), not built by the payment
            }
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
