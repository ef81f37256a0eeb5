using System.Globalization;
using System.Net;
using Corridor.Client;
using Corridor.Server;
using Corridor.Storage.Node;
using Microsoft.Extensions.Logging;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>
/// A real server whose projector feeds a PostgreSQL read model (real PostgreSQL): HTTP queries answer from it,
/// and a restarted server resumes projecting from the position stored in PostgreSQL.
/// </summary>
public sealed class ServerReadModelTests(PostgresFixture pg)
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static Task<CorridorServer> StartAsync(string data, string readModel) => CorridorServer.StartAsync(new ServerOptions
    {
        DataPath = data, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0 }, MinimumLogLevel = LogLevel.Error,
        ReadModel = "postgres", ReadModelConnection = readModel,
    }, C);

    [Fact]
    public async Task Queries_are_served_from_a_PostgreSQL_read_model_that_resumes_after_restart()
    {
        using var dir = new TempDirectory();
        string data = dir.File("node");
        string readModel = pg.CreateDatabase();
        string aliceToken;
        long projectedBefore;
        await using (CorridorServer server = await StartAsync(data, readModel))
        {
            var op = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, server.NewOperatorToken!);
            (await op.RegisterParticipantAsync(new RegisterParticipantRequest(100, "Central Bank", "central-bank"), C)).Unwrap();
            aliceToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(1, "Alice", "direct"), C)).Unwrap().Token;
            string bob = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(2, "Bob", "direct"), C)).Unwrap().Token;
            (await op.RegisterLedgerAsync(new RegisterLedgerRequest(1, 100, "0x1000", "0x1001", "KES"), C)).Unwrap();
            (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(1, 1, "0x11"), C)).Unwrap();
            (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(2, 1, "0x21"), C)).Unwrap();
            (await op.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
            (await op.MoveLiquidityAsync(new LiquidityRequest("0x9001", 1, 1, 1_000_000, "inject"), C)).Unwrap();
            var alice = op.WithToken(aliceToken);
            PaymentDto paid = (await alice.SubmitPaymentAsync(new SubmitPaymentRequest("0xA1", 2, 1, 700, Kind: "interbank"), C)).Unwrap();
            var batch = Enumerable.Range(0, 300).Select(i => new CreateTransferRequest((0x7000 + i).ToString(CultureInfo.InvariantCulture), "0x11", "0x21", i + 1, 1, 1)).ToArray();
            // Raw transfers in a settlement ledger are the operator's (a participant's are refused: payments only).
            Assert.Equal(300, (await op.CreateTransfersAsync(batch, C)).Unwrap().Created);

            PaymentDto read = (await op.WithToken(bob).GetPaymentAsync("0xA1", C)).Unwrap();
            Assert.Equal(paid, read with { FinalBatch = null });
            Assert.True(read.FinalBatch is { Sequence: > 0, Hash.Length: 64 }, "the PostgreSQL read model names the batch that settled it");
            var listed = new List<TransferDto>();
            string? cursor = null;
            do
            {
                TransferPage page = (await alice.QueryAccountTransfersAsync("0x11", after: cursor, limit: 128, c: C)).Unwrap();
                listed.AddRange(page.Transfers);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal(302, listed.Count); // funding, payment, 300 transfers
            Assert.Equal(HttpStatusCode.Forbidden, (await op.WithToken(bob).QueryAccountTransfersAsync("0x11", c: C)).Status);
            IsoDocument camt054 = await alice.FetchCamt054Async("0x11", c: C);
            Assert.Equal(HttpStatusCode.OK, camt054.Status);
            Assert.True(Corridor.Iso20022.Iso20022Codec.Parse(System.Text.Encoding.UTF8.GetBytes(camt054.Body)).IsSuccess);
            Assert.Equal("postgres", server.ReadModel!.Kind);
            projectedBefore = server.ReadModel.ProjectedSequence;
            Assert.True(projectedBefore > 0);
        }

        await using (CorridorServer again = await StartAsync(data, readModel))
        {
            // Resumes from the stored position (at least as far as before), then catches up with what the restart wrote.
            Assert.True(again.ReadModel!.ProjectedSequence >= projectedBefore);
            var alice = new CorridorClient(new HttpClient { BaseAddress = new Uri(again.Addresses[0]) }, aliceToken);
            Assert.Equal("settled", (await alice.SubmitPaymentAsync(new SubmitPaymentRequest("0x8000", 2, 1, 5, Kind: "interbank"), C)).Unwrap().Status);
            TransferPage last = (await alice.QueryAccountTransfersAsync("0x11", from: "2000-01-01T00:00:00Z", limit: 1000, c: C)).Unwrap();
            Assert.Equal(303, last.Transfers.Length);
            Assert.Equal(5, last.Transfers[^1].Amount);
        }
    }
}
