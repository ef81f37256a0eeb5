using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Corridor.Cli.Federation;
using Corridor.Client;
using Corridor.Core.Federation;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Server.Federation;
using static Corridor.Server.Tests.Federation.FederationLinkFaultTests;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// Batched messages between two real <c>corridor run</c> processes (docs/federation.md, "Batches"): one pacs.008 carries
/// several payments, one pacs.002 answers each of them, and each is decided on its own; a batch, a later message about one
/// of its payments alone, duplicates and reordered batches all map to the same records (settled once); A's own outbox sends
/// batches.
/// </summary>
public sealed class FederationBatchTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private static readonly Agent PayerBank = Agent.FromBic("PAYRRUMM");

    private static CrossNodeTerms Terms(int n, string uetr, long rub, DateTimeOffset expiry) =>
        TermsOf(Payment($"0x{n:x}", uetr, rub), null) with { ExpiresAtNs = CrossNodeMapping.NanosecondsOf(expiry) };

    private static byte[] Batch(string msgId, params CrossNodeTerms[] terms)
    {
        byte[] xml = Iso20022Codec.Build(CrossNodeMapping.ToPacs008(terms.Select(t => (t, PayerBank)).ToArray(), msgId, DateTimeOffset.UtcNow));
        OfficialSchemas.AssertValid(Encoding.UTF8.GetString(xml));
        return xml;
    }

    /// <summary>Posts a message to <paramref name="to"/>'s peer endpoint; the pacs.002 (validated against the official XSD) on 200.</summary>
    private static async Task<(HttpStatusCode Status, StatusReport? Report, string Body)> PostAsync(HttpClient client, NodeProcess to, byte[] xml)
    {
        using var content = new ByteArrayContent(xml);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml");
        using HttpResponseMessage r = await client.PostAsync(to.PeerUrl + PeerEndpoint.Route, content, C);
        byte[] body = await r.Content.ReadAsByteArrayAsync(C);
        if (!r.IsSuccessStatusCode) return (r.StatusCode, null, Encoding.UTF8.GetString(body));
        OfficialSchemas.AssertValid(Encoding.UTF8.GetString(body));
        ParseResult parsed = Iso20022Codec.Parse(body);
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => e.Message)));
        return (r.StatusCode, Assert.IsType<StatusReport>(parsed.Message), Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_batch_with_accepted_and_refused_transactions_decides_each_on_its_own_and_answers_each_in_one_pacs002()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await FederationCli.WorldAsync(a, b);
        using HttpClient asA = PeerClient(a, b);
        DateTimeOffset later = DateTimeOffset.UtcNow.AddMinutes(10);
        string U(int n) => $"ba7c0000-{n:x4}-4abc-8def-0123456789ab";

        // A payment B already settled, alone.
        CrossNodeTerms known = Terms(1, U(1), 5_000_00, later);
        var (status, report, _) = await PostAsync(asA, b, Iso20022Codec.Build(CrossNodeMapping.ToPacs008(known, PayerBank, DateTimeOffset.UtcNow)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(CrossNodeStatus.Settled, CrossNodeMapping.FromPacs002(report!, known.Uetr)?.Status);

        // One message, six payments: two B takes, three it refuses for their own reasons (beyond the quote's size, past their
        // expiry on B's clock, an unknown quote), and the known UETR with another amount (refused without being recorded).
        CrossNodeTerms good1 = Terms(2, U(2), 1_000_00, later), good2 = Terms(3, U(3), 2_000_00, later);
        CrossNodeTerms tooLarge = Terms(4, U(4), TwoNodeWorld.MaxQuoteRub + 1_00, later);
        CrossNodeTerms expired = Terms(5, U(5), 1_000_00, DateTimeOffset.UtcNow.AddMinutes(-1));
        CrossNodeTerms noQuote = Terms(6, U(6), 1_000_00, later) with { QuoteId = 0xBAD };
        CrossNodeTerms altered = known with { SourceAmountMinor = 6_000_00, DestinationAmountMinor = TwoNodeWorld.ToCny(6_000_00) };
        (status, report, string body) = await PostAsync(asA, b, Batch("BATCH-MIX-1", good1, tooLarge, expired, good2, noQuote, altered));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("BATCH-MIX-1", report!.OrgnlMsgId);
        Assert.Equal([U(2), U(4), U(5), U(3), U(6), U(1)], report.Transactions.Select(t => t.OrgnlUetr).ToArray()); // one line each, in order
        Dictionary<string, PeerAnswer?> answers = CrossNodeMapping.FromPacs002(report);
        Assert.Equal(CrossNodeStatus.Settled, answers[U(2)]?.Status);
        Assert.Equal(CrossNodeStatus.Settled, answers[U(3)]?.Status);
        Assert.Equal(("AM09", CrossNodeStatus.Refused), (answers[U(4)]!.ReasonCode, answers[U(4)]!.Status));
        Assert.Equal(("AB05", CrossNodeStatus.Refused), (answers[U(5)]!.ReasonCode, answers[U(5)]!.Status));
        Assert.Equal(("CURR", CrossNodeStatus.Refused), (answers[U(6)]!.ReasonCode, answers[U(6)]!.Status));
        Assert.Null(answers[U(1)]); // not recorded: no decision for the source to apply
        TransactionStatus notRecorded = report.Transactions.Single(t => t.OrgnlUetr == U(1));
        Assert.Equal(("PDNG", CrossNodeMapping.NotRecordedReason), (notRecorded.TxSts, notRecorded.Reasons[0].Proprietary));
        Assert.Contains("federation.payment_exists_with_different_content", body);

        foreach (var (uetr, expected) in new[] { (U(1), "settled"), (U(2), "settled"), (U(3), "settled"), (U(4), "refused"), (U(5), "refused"), (U(6), "refused") })
            Assert.Equal(expected, await FederationCli.StatusOnB(b, uetr));
        Assert.Equal(known.SourceAmountMinor, (await FederationCli.OnB(b, U(1)))!.SourceAmount); // the altered copy changed nothing
        long cny = TwoNodeWorld.ToCny(5_000_00) + TwoNodeWorld.ToCny(1_000_00) + TwoNodeWorld.ToCny(2_000_00);
        Assert.Equal(cny, await b.Balance(TwoNodeWorld.PayeeAccount));
        Assert.Equal(FederationCli.ProviderCny - cny, await b.Balance(TwoNodeWorld.ProviderCnyAccount));

        // A message that cannot be read whole (a UETR twice; a transaction without UETR) is refused whole: nothing recorded.
        CrossNodeTerms fresh = Terms(7, U(7), 1_000_00, later);
        (status, _, body) = await PostAsync(asA, b, Batch("BATCH-DUP", fresh, fresh));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("federation.message_invalid", body);
        string xml = Encoding.UTF8.GetString(Batch("BATCH-NOUETR", fresh, Terms(8, U(8), 1_000_00, later)));
        string withoutUetr = Regex.Replace(xml, $"<UETR>{U(8)}</UETR>", "");
        Assert.NotEqual(xml, withoutUetr);
        (status, _, body) = await PostAsync(asA, b, Encoding.UTF8.GetBytes(withoutUetr));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("federation.message_invalid", body);
        Assert.Null(await FederationCli.StatusOnB(b, U(7)));
        Assert.Equal(cny, await b.Balance(TwoNodeWorld.PayeeAccount));
        // The transaction refused without being recorded is in B's log (read to its end once B is stopped: a line may still be in the pipe).
        b.Kill();
        Assert.Contains(b.Output, l => l.Contains($"transaction {U(1)} of message BATCH-MIX-1 refused, nothing recorded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_then_one_of_its_payments_alone_duplicates_and_reordered_batches_settle_each_payment_once()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await using var relay = new TcpProxy(b.PeerPort);
        await FederationCli.WorldAsync(a, b, peerUrlOfB: $"https://127.0.0.1:{relay.Port}");
        using HttpClient asA = PeerClient(a, b);

        // A's own link is cut: five payments wait prepared on A. The test speaks for A with A's pinned certificate, sending the
        // terms A's outbox sends for them, in batches and alone, more than once and out of order.
        relay.Set(TcpProxy.Mode.Refuse);
        var payments = new List<(string Id, string Uetr, long Rub)>();
        var terms = new List<CrossNodeTerms>();
        for (int n = 1; n <= 5; n++)
        {
            string id = $"0xb0{n}", uetr = $"ba7c0001-{n:x4}-4abc-8def-0123456789ab";
            CrossNodePaymentRequest request = Payment(id, uetr, n * 1_000_00);
            Assert.Equal(HttpStatusCode.Created, (await a.Operator.SendToPeerAsync(request, C)).Status);
            terms.Add(TermsOf(request, (await a.Operator.GetCrossNodePaymentAsync(id, C)).Unwrap()));
            payments.Add((id, uetr, n * 1_000_00));
        }
        CrossNodeTerms t1 = terms[0], t2 = terms[1], t3 = terms[2], t4 = terms[3], t5 = terms[4];

        async Task Answers(byte[] message, params CrossNodeTerms[] expected)
        {
            var (status, report, body) = await PostAsync(asA, b, message);
            Assert.True(status == HttpStatusCode.OK, body);
            foreach (CrossNodeTerms t in expected) Assert.Equal(CrossNodeStatus.Settled, CrossNodeMapping.FromPacs002(report!, t.Uetr)?.Status);
        }

        byte[] first = Batch("BATCH-1", t1, t2, t3);
        await Answers(first, t1, t2, t3);
        // One payment of the batch alone, as A's retry sends it (its own MsgId in the group header): the same terms, the same answer.
        await Answers(Iso20022Codec.Build(CrossNodeMapping.ToPacs008(t2, PayerBank, DateTimeOffset.UtcNow)), t2);
        (HttpStatusCode s028, StatusReport? r028, _) = await PostAsync(asA, b, Iso20022Codec.Build(CrossNodeMapping.ToPacs028(t3.Uetr, t3.ExpiresAtNs, "Q-3", DateTimeOffset.UtcNow)));
        Assert.Equal((HttpStatusCode.OK, CrossNodeStatus.Settled), (s028, CrossNodeMapping.FromPacs002(r028!, t3.Uetr)?.Status));
        // A payment alone first, then inside a later batch that also repeats earlier ones in another order.
        await Answers(Iso20022Codec.Build(CrossNodeMapping.ToPacs008(t5, PayerBank, DateTimeOffset.UtcNow)), t5);
        await Answers(Batch("BATCH-2", t4, t5, t3, t1), t4, t5, t3, t1);
        // The first batch again, byte for byte.
        await Answers(first, t1, t2, t3);

        CrossNodePaymentDto[] onB = (await b.Operator.ListCrossNodePaymentsAsync(TwoNodeWorld.PeerAOnB, 0, 100, C)).Unwrap();
        Assert.Equal(5, onB.Length); // each recorded once
        Assert.All(onB, p => Assert.Equal("settled", p.Status));
        Assert.Equal(payments.Sum(p => TwoNodeWorld.ToCny(p.Rub)), await b.Balance(TwoNodeWorld.PayeeAccount));
        foreach (var (id, _, _) in payments) Assert.Equal("prepared", (await a.Operator.GetCrossNodePaymentAsync(id, C)).Unwrap().Status);

        // A's link heals: its outbox asks after each (answered from B's record) and posts each hold once.
        relay.Set(TcpProxy.Mode.Forward);
        foreach (var (id, _, _) in payments) Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, id));
        Assert.Equal(5, (await b.Operator.ListCrossNodePaymentsAsync(TwoNodeWorld.PeerAOnB, 0, 100, C)).Unwrap().Length);
        await FederationCli.Consistent(a, b, payments);
    }

    [Fact]
    public async Task The_outbox_sends_waiting_payments_for_a_peer_in_batches_of_at_most_its_batch_size()
    {
        await using var a = new NodeProcess("rub") { PeerBatch = 8 };
        await using var b = new NodeProcess("cny");
        await FederationCli.WorldAsync(a, b);
        var payments = Enumerable.Range(1, 48).Select(n => ($"0xc{n:x2}", $"ba7c0002-{n:x4}-4abc-8def-0123456789ab", 1_000_00L + n)).ToList();
        await Task.WhenAll(payments.Select(async p =>
            Assert.Equal(HttpStatusCode.Created, (await a.Operator.SendToPeerAsync(Payment(p.Item1, p.Item2, p.Item3), C)).Status)));
        foreach (var (id, _, _) in payments) Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, id));

        using var http = new HttpClient();
        string metrics = await http.GetStringAsync(a.Api + "/metrics", C);
        long Count(string name) => long.Parse(Regex.Match(metrics, $"{name}_total\\{{[^}}]*peer=\"{TwoNodeWorld.PeerBOnA}\"[^}}]*\\}} (\\d+)").Groups[1].Value);
        long messages = Count("corridor_federation_pacs008_messages"), carried = Count("corridor_federation_pacs008_payments");
        // Each payment travelled at least once; more when a busy peer answered 503 and the outbox sent it again (a loaded
        // machine: CI builds beside the test). Either way no message carried more than 8, some carried several, and B below
        // recorded each payment once.
        Assert.InRange(carried, payments.Count, 4 * payments.Count);
        Assert.InRange(messages, (carried + 7) / 8, carried - 1);
        Assert.Equal(payments.Count, (await b.Operator.ListCrossNodePaymentsAsync(TwoNodeWorld.PeerAOnB, 0, 100, C)).Unwrap().Length);
        await FederationCli.Consistent(a, b, payments);
    }
}
