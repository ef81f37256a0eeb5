using System.Globalization;
using System.Net;
using System.Text;
using Corridor.Client;
using Corridor.Iso20022;
using Corridor.Iso20022.Model;
using Corridor.Server.Endpoints;

namespace Corridor.Server.Tests;

/// <summary>
/// Queries served from the read model over real HTTP: what was written comes back (paging, time bounds), authorisation
/// (403/404 as before), payment lookups by any id, freshness headers and read-your-writes, projector metrics, the read
/// model equal to the engine after a concurrent load, and camt.052/053/054 valid against the shipped XSDs.
/// </summary>
public sealed class ReadModelEndpointTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static async Task<string[]> TransfersAsync(TestNode node, int count, string debit = TestNode.AliceBook, string credit = TestNode.BobBook)
    {
        var ids = new string[count];
        var batch = new CreateTransferRequest[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = (0x7000 + i).ToString(CultureInfo.InvariantCulture);
            batch[i] = new CreateTransferRequest(ids[i], debit, credit, i + 1, TestNode.Book, 1);
        }
        BatchResult r = (await node.AliceClient.CreateTransfersAsync(batch, C)).Unwrap();
        Assert.Equal(count, r.Created);
        return ids;
    }

    [Fact]
    public async Task Account_transfers_page_by_cursor_and_respect_time_bounds_and_ownership()
    {
        await using TestNode node = await TestNode.StartAsync();
        string[] ids = await TransfersAsync(node, 25);

        // No sleeps: the default consistency waits until everything acknowledged before the query is projected.
        var all = new List<TransferDto>();
        string? cursor = null;
        int pages = 0;
        do
        {
            TransferPage page = (await node.AliceClient.QueryAccountTransfersAsync(TestNode.AliceBook, after: cursor, limit: 10, c: C)).Unwrap();
            all.AddRange(page.Transfers);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);
        // The account's history: the funding injection, then the 25 transfers, oldest first.
        List<TransferDto> ours = all.Where(t => ids.Contains(t.Id)).ToList();
        Assert.Equal(ids, ours.Select(t => t.Id));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), ours.Select(t => t.Amount));
        Assert.Equal(3, pages);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp));
        TransferDto engineView = (await node.AliceClient.GetTransferAsync(ids[3], C)).Unwrap();
        Assert.Equal(engineView, ours[3]);

        // [from, to) in engine ns, and in RFC 3339.
        ulong from = ours[5].Timestamp, to = ours[15].Timestamp;
        TransferPage range = (await node.AliceClient.QueryAccountTransfersAsync(TestNode.AliceBook, from.ToString(CultureInfo.InvariantCulture),
            to.ToString(CultureInfo.InvariantCulture), limit: 1000, c: C)).Unwrap();
        Assert.Equal(ids[5..15], range.Transfers.Select(t => t.Id));
        Assert.Null(range.NextCursor);
        Assert.Empty((await node.AliceClient.QueryAccountTransfersAsync(TestNode.AliceBook, to: "2000-01-01T00:00:00Z", c: C)).Unwrap().Transfers);
        Assert.Equal(all.Count, (await node.AliceClient.QueryAccountTransfersAsync(TestNode.AliceBook, from: "2000-01-01T00:00:00Z", limit: 1000, c: C)).Unwrap().Transfers.Length);

        // Bob sees the same transfers from his side; another participant's account is 403, an unknown one 404.
        Assert.Equal(25, (await node.BobClient.QueryAccountTransfersAsync(TestNode.BobBook, limit: 1000, c: C)).Unwrap().Transfers.Count(t => ids.Contains(t.Id)));
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.QueryAccountTransfersAsync(TestNode.AliceBook, c: C)).Status);
        var unknown = await node.AliceClient.QueryAccountTransfersAsync("0xDEAD", c: C);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("account.not_found", unknown.Problem!.Code);
        Assert.Equal(HttpStatusCode.BadRequest, (await node.AliceClient.QueryAccountTransfersAsync(TestNode.AliceBook, from: "yesterday", c: C)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await node.AliceClient.QueryAccountTransfersAsync(TestNode.AliceBook, limit: 1001, c: C)).Status);
    }

    [Fact]
    public async Task Answers_say_how_fresh_they_are_and_minSequence_waits_for_a_batch()
    {
        await using TestNode node = await TestNode.StartAsync();
        await TransfersAsync(node, 3);
        long applied = node.Server.Node.Metrics.AppliedSequence;
        using HttpResponseMessage r = await node.AliceClient.SendRawAsync(HttpMethod.Get, $"/v1/accounts/{TestNode.AliceBook}/transfers?minSequence={applied}", null, C);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        long sequence = long.Parse(r.Headers.GetValues(ReadModelEndpoints.SequenceHeader).Single(), CultureInfo.InvariantCulture);
        Assert.True(sequence >= applied);
        Assert.True(long.Parse(r.Headers.GetValues(ReadModelEndpoints.LagHeader).Single(), CultureInfo.InvariantCulture) >= 0);

        using HttpResponseMessage now = await node.AliceClient.SendRawAsync(HttpMethod.Get, $"/v1/accounts/{TestNode.AliceBook}/transfers?minSequence=0", null, C);
        Assert.Equal(HttpStatusCode.OK, now.StatusCode);
        using HttpResponseMessage bad = await node.AliceClient.SendRawAsync(HttpMethod.Get, $"/v1/accounts/{TestNode.AliceBook}/transfers?minSequence=x", null, C);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        // A batch that will never be written: 503 read_model.behind after the bounded wait, with Retry-After.
        using HttpResponseMessage future = await node.AliceClient.SendRawAsync(HttpMethod.Get, $"/v1/accounts/{TestNode.AliceBook}/transfers?minSequence={applied + 1_000_000}", null, C);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, future.StatusCode);
        Assert.Contains("read_model.behind", await future.Content.ReadAsStringAsync(C));
        Assert.NotNull(future.Headers.RetryAfter);
    }

    [Fact]
    public async Task Payments_are_found_by_any_id_and_only_by_their_parties()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        var originator = new FxPartyDto("Anna Weber", "Main Street", "1", "10115", "Berlin", "", "DE", "DE-ACC-1");
        var beneficiary = new FxPartyDto("Jean Martin", "Rue de Rivoli", "2", "75001", "Paris", "", "FR", "FR-ACC-2");
        PaymentDto sent = (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA1", TestNode.Bob, 1, 500, Priority: "high",
            Originator: originator, Beneficiary: beneficiary, TradeReference: new FxTradeReferenceDto("INV-A1", new DateOnly(2026, 11, 20), "", "LC-A1", "Tea", "090240", "CIF", "Mombasa"),
            References: new PaymentReferencesDto("MSG-A1", "INSTR-A1", "E2E-A1", "TX-A1", "0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d")), C)).Unwrap();
        PaymentDto queued = (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA2", TestNode.Bob, 1, TestNode.Funding * 5, Kind: "interbank"), C)).Unwrap();
        Assert.Equal("Jean Martin", sent.Beneficiary!.Name);
        Assert.Equal("queued", queued.Status);

        // The read model answers exactly what the engine answered at submission, and names the journal batch that settled it.
        PaymentDto read = (await node.AliceClient.GetPaymentAsync("0xA1", C)).Unwrap();
        Assert.Equal(sent, read with { FinalBatch = null });
        Assert.Equal(read, (await node.BobClient.GetPaymentAsync(sent.Id, C)).Unwrap());
        Assert.Equal(queued, (await node.AliceClient.GetPaymentAsync("0xA2", C)).Unwrap()); // queued: no final batch yet
        // pacs.002 of each as it stands now, valid against the official schema: settled ACSC with the ids it was instructed with;
        // the queued one PDNG (then CANC once revoked, below); nothing for a participant who is neither party.
        var settledReport = StatusOf(await node.BobClient.FetchPacs002Async("0xA1", C));
        Assert.Equal(("MSG-A1", "ACSC"), (settledReport.OrgnlMsgId, settledReport.Transactions[0].TxSts));
        Assert.Equal(("E2E-A1", "TX-A1", "0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d"),
            (settledReport.Transactions[0].OrgnlEndToEndId, settledReport.Transactions[0].OrgnlTxId, settledReport.Transactions[0].OrgnlUetr));
        Assert.Equal(settledReport.Transactions[0].TxSts, StatusOf(await node.AliceClient.FetchPacs002Async("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", C)).Transactions[0].TxSts);
        var queuedReport = StatusOf(await node.AliceClient.FetchPacs002Async("0xA2", C));
        Assert.Equal(("NONREF", "PDNG"), (queuedReport.OrgnlMsgId, queuedReport.Transactions[0].TxSts));
        // A status change is followed: revoke the queued one; the revocation's batch comes after the settlement's.
        (await node.AliceClient.ManagePaymentAsync("0xA2", new QueueActionRequest("revoke"), C)).Unwrap();
        PaymentDto revoked = (await node.AliceClient.GetPaymentAsync("0xA2", C)).Unwrap();
        Assert.Equal("revoked", revoked.Status);
        Assert.True(revoked.FinalBatch!.Sequence > read.FinalBatch!.Sequence);
        // Each named batch is the journal's: same sequence, time and chain hash; its time is at or before the payment's final time.
        using (var journal = Corridor.Storage.Journal.FileJournal.OpenReadOnly(Path.Combine(node.DataPath, "journal")))
        {
            var batches = journal.Read(0).ToDictionary(b => b.Sequence);
            foreach (PaymentDto p in new[] { read, revoked })
            {
                var b = batches[p.FinalBatch!.Sequence];
                Assert.Equal(Convert.ToHexStringLower(b.Hash), p.FinalBatch.Hash);
                Assert.Equal(b.TimestampNs, p.FinalBatch.Time);
                Assert.True(b.TimestampNs <= p.FinalAt && (!batches.TryGetValue(b.Sequence + 1, out var next) || next.TimestampNs > p.FinalAt));
            }
        }

        Assert.Equal("CANC", StatusOf(await node.AliceClient.FetchPacs002Async("0xA2", C)).Transactions[0].TxSts);

        string carol = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(3, "Carol Bank", "direct"), C)).Unwrap().Token;
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Operator.WithToken(carol).FetchPacs002Async("0xA1", C)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.AliceClient.FetchPacs002Async("0xA9", C)).Status);
        var other = await node.Operator.WithToken(carol).GetPaymentAsync("0xA1", C);
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        var missing = await node.AliceClient.GetPaymentAsync("0xA9", C);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("settlement.payment_not_found", missing.Problem!.Code);

        // Lookups by reference: one parameter exactly; a participant sees only its own payments in the answer.
        Assert.Empty((await node.AliceClient.FindPaymentsAsync("endToEndId", "NOPE", C)).Unwrap());
        foreach (var (parameter, value) in new[] { ("endToEndId", "E2E-A1"), ("msgId", "MSG-A1"), ("txId", "TX-A1"), ("instrId", "INSTR-A1"),
                     ("uetr", "0B6E0A7C-3D2F-4A1B-8C9D-5E4F3A2B1C0D"), ("invoiceNumber", "INV-A1"), ("letterOfCredit", "LC-A1") })
        {
            PaymentRecordDto[] found = (await node.BobClient.FindPaymentsAsync(parameter, value, C)).Unwrap();
            Assert.True(found.Length == 1 && found[0].Id == sent.Id, $"{parameter}={value} found {found.Length}");
            Assert.Equal("Anna Weber", found[0].OriginatorName);
            Assert.Empty((await node.Operator.WithToken(carol).FindPaymentsAsync(parameter, value, C)).Unwrap());
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await TestNode.Send(node.AliceClient, HttpMethod.Get, "/v1/payments", null)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await TestNode.Send(node.AliceClient, HttpMethod.Get, "/v1/payments?uetr=a&msgId=b", null)).Status);
    }

    [Fact]
    public async Task A_pacs008_payment_is_found_by_its_UETR()
    {
        CancellationToken c = C;
        await using TestNode node = await TestNode.StartAsync();
        string coba = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(11, "Commerzbank", "direct", "COBADEFF"), c)).Unwrap().Token;
        string bnpa = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(12, "BNP Paribas", "direct", "BNPAFRPP"), c)).Unwrap().Token;
        (await node.Operator.RegisterLedgerAsync(new RegisterLedgerRequest(978, TestNode.CentralBank, "0x5000", "0x5001", "EUR"), c)).Unwrap();
        (await node.Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(11, 978, "0x5011"), c)).Unwrap();
        (await node.Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(12, 978, "0x5012"), c)).Unwrap();
        await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), c);
        (await node.Operator.MoveLiquidityAsync(new LiquidityRequest("0x5901", 11, 978, 1_000_000, "inject"), c)).Unwrap();
        IsoReply reply = await node.Operator.WithToken(coba).SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml"), c);
        Assert.Contains("<GrpSts>ACSC</GrpSts>", reply.Body);
        const string Uetr = "0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d";

        PaymentDto byUetr = (await node.Operator.WithToken(bnpa).GetPaymentAsync(Uetr, c)).Unwrap();
        Assert.Equal(("settled", 11UL, 12UL, 145_000L), (byUetr.Status, byUetr.Payer, byUetr.Payee, byUetr.Amount));
        PaymentRecordDto[] found = (await node.Operator.WithToken(coba).FindPaymentsAsync("uetr", Uetr, c)).Unwrap();
        Assert.Equal(byUetr.Id, Assert.Single(found).Id);
        Assert.Equal("settlement", found[0].Kind);
        Assert.Empty((await node.AliceClient.FindPaymentsAsync("uetr", Uetr, c)).Unwrap());
    }

    private static byte[] Sample(string name)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "samples", "iso20022"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        return File.ReadAllBytes(Path.Combine(dir, "samples", "iso20022", name));
    }

    [Fact]
    public async Task Read_model_balances_equal_the_engine_after_a_concurrent_load()
    {
        await using TestNode node = await TestNode.StartAsync();
        for (int a = 0; a < 8; a++)
            (await node.Operator.CreateAccountAsync(new CreateAccountRequest("0x" + (0x300 + a).ToString("x", CultureInfo.InvariantCulture), TestNode.Book, 1, Participant: TestNode.Alice), C)).Unwrap();
        await Parallel.ForAsync(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = C }, async (w, ct) =>
        {
            for (int b = 0; b < 10; b++)
            {
                var batch = Enumerable.Range(0, 50).Select(i =>
                {
                    int n = (w * 10 + b) * 50 + i;
                    return new CreateTransferRequest((0x100000 + n).ToString(CultureInfo.InvariantCulture), "0x" + (0x300 + n % 8).ToString("x", CultureInfo.InvariantCulture),
                        "0x" + (0x300 + (n + 3) % 8).ToString("x", CultureInfo.InvariantCulture), n % 97 + 1, TestNode.Book, 1);
                }).ToArray();
                Assert.Equal(50, (await node.AliceClient.CreateTransfersAsync(batch, ct)).Unwrap().Created);
            }
        });
        var host = node.Server.ReadModel!;
        Assert.True(await host.WaitForAsync(node.Server.Node.Metrics.AppliedSequence, TimeSpan.FromSeconds(30), C));
        var engine = await node.Server.Node.QueryAsync(e => e.Ledger.Accounts().ToArray());
        foreach (Core.Ledger.Account a in engine)
        {
            var row = host.Query(m => m.GetAccount(a.Id)) ?? throw new Xunit.Sdk.XunitException($"account {a.Id} missing from the read model");
            Assert.Equal((a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted),
                (row.DebitsPendingMinor, row.DebitsPostedMinor, row.CreditsPendingMinor, row.CreditsPostedMinor));
        }
        // And over HTTP: every loaded transfer of an account is listed once.
        int listed = 0;
        string? cursor = null;
        do
        {
            TransferPage page = (await node.AliceClient.QueryAccountTransfersAsync("0x300", after: cursor, limit: 1000, c: C)).Unwrap();
            listed += page.Transfers.Length;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(await node.Server.Node.QueryAsync(e => e.Ledger.GetAccountTransfers(0x300, 0, int.MaxValue).Count), listed);
    }

    [Fact]
    public async Task Projector_position_lag_and_rows_are_on_metrics_and_ready()
    {
        await using TestNode node = await TestNode.StartAsync();
        await TransfersAsync(node, 5);
        Assert.True((await node.AliceClient.GetPaymentAsync("0x1", C)).Status == HttpStatusCode.NotFound); // waits for the projection
        var (status, metrics, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE corridor_read_model_lag_batches gauge", metrics);
        long sequence = Metric(metrics, "corridor_read_model_sequence");
        Assert.True(sequence >= 1);
        Assert.True(Metric(metrics, "corridor_read_model_lag_batches") >= 0);
        Assert.True(Metric(metrics, "corridor_read_model_rows_total") >= 5);
        Assert.Equal(1, Metric(metrics, "corridor_read_model_up"));
        var (readyStatus, ready, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/health/ready", null);
        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.StartsWith("ready\n", ready);
        Assert.Contains("read_model: sqlite, projecting, sequence ", ready);
    }

    private static long Metric(string text, string name) => (long)TestNode.Metric(text, name);

    [Fact]
    public async Task Camt054_053_052_are_built_from_the_read_model_and_valid_against_the_XSDs()
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        (await op.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA1", TestNode.Bob, 1, 300, Kind: "interbank"), C)).Unwrap();
        (await node.BobClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA2", TestNode.Alice, 1, 100, Kind: "interbank"), C)).Unwrap();

        IsoDocument ntf = await node.AliceClient.FetchCamt054Async(TestNode.AliceAccount, c: C);
        AccountReportMessage camt054 = Valid(ntf, "camt.054.001.08");
        Assert.Equal(AccountReportKind.Notification054, camt054.Kind);
        Assert.Equal("KES", camt054.Report.Account.Currency);
        // Funding injection (credit), payment to Bob (debit), payment from Bob (credit).
        Assert.Equal([CreditDebit.Credit, CreditDebit.Debit, CreditDebit.Credit], camt054.Report.Entries.Select(e => e.CreditDebit));
        Assert.Equal([TestNode.Funding, 300L, 100L], camt054.Report.Entries.Select(e => e.Amount.AmountMinor));
        // Nothing new after the cursor: an empty, still valid notification with the same cursor.
        IsoDocument again = await node.AliceClient.FetchCamt054Async(TestNode.AliceAccount, ulong.Parse(ntf.NextCursor!, CultureInfo.InvariantCulture), c: C);
        Assert.Empty(Valid(again, "camt.054.001.08").Report.Entries);
        Assert.Equal(ntf.NextCursor, again.NextCursor);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.FetchCamt054Async(TestNode.AliceAccount, c: C)).Status);

        AccountReportMessage camt052 = Valid(await node.AliceClient.FetchCamt052Async(TestNode.AliceAccount, from: "2000-01-01T00:00:00Z", c: C), "camt.052.001.08");
        Assert.Equal(TestNode.Funding - 200, Assert.Single(camt052.Report.Balances).AmountMinor);
        Assert.Equal(3, camt052.Report.Entries.Count);

        Assert.Equal(HttpStatusCode.NotFound, (await node.AliceClient.FetchCamt053Async(new DateOnly(2026, 11, 23), TestNode.AliceAccount, C)).Status);
        (await op.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        (await op.ChangePhaseAsync("interbank_cutoff", C)).Unwrap();
        (await op.ChangePhaseAsync("end_of_day", C)).Unwrap();
        AccountReportMessage camt053 = Valid(await node.AliceClient.FetchCamt053Async(new DateOnly(2026, 11, 23), TestNode.AliceAccount, C), "camt.053.001.08");
        Assert.Equal(["OPBD", "CLBD"], camt053.Report.Balances.Select(b => b.TypeCode));
        Assert.Equal(TestNode.Funding - 200, camt053.Report.Balances[1].AmountMinor);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.FetchCamt053Async(new DateOnly(2026, 11, 23), TestNode.AliceAccount, C)).Status);
    }

    /// <summary>Parses with the project's reader, which validates against the shipped XSD first.</summary>
    /// <summary>A pacs.002 the node wrote: 200 XML that parses and validates against the official pacs.002 schema.</summary>
    internal static StatusReport StatusOf(IsoDocument doc)
    {
        Assert.True(doc.Status == HttpStatusCode.OK, $"HTTP {(int)doc.Status}: {doc.Body}");
        Assert.Equal("application/xml", doc.ContentType);
        ParseResult parsed = Iso20022Codec.Parse(Encoding.UTF8.GetBytes(doc.Body));
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => $"{e.ReasonCode} {e.Path}: {e.Message}")));
        return Assert.IsType<StatusReport>(parsed.Message);
    }

    private static AccountReportMessage Valid(IsoDocument doc, string definition)
    {
        Assert.True(doc.Status == HttpStatusCode.OK, $"HTTP {(int)doc.Status}: {doc.Body}");
        Assert.Equal("application/xml", doc.ContentType);
        ParseResult parsed = Iso20022Codec.Parse(Encoding.UTF8.GetBytes(doc.Body));
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => $"{e.ReasonCode} {e.Path}: {e.Message}")));
        var message = Assert.IsType<AccountReportMessage>(parsed.Message);
        Assert.Equal(definition, message.MessageDefinition);
        return message;
    }
}
