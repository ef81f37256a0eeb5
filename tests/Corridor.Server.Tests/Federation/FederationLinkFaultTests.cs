using System.Text.RegularExpressions;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Corridor.Cli.Federation;
using Corridor.Client;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Server.Endpoints;
using Corridor.Server.Federation;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// The link between two real <c>corridor run</c> processes under faults (../shared/design/FEDERATION.md, failure table): a
/// partition (a relay that drops or swallows every connection) and its healing; inter-node messages duplicated and
/// reordered; a pinned peer's forged, schema-invalid or out-of-quote messages. After each: settled on both or neither,
/// nothing lost or doubled, each node's currency total unchanged.
/// </summary>
public sealed class FederationLinkFaultTests(ITestOutputHelper output)
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    internal static CrossNodePaymentRequest Payment(string id, string uetr, long rub, uint expirySeconds = 120) =>
        TwoNodeWorld.Payment(id, uetr, rub, expirySeconds) with { Payer = TwoNodeWorld.Payer };

    private static async Task Send(NodeProcess a, CrossNodePaymentRequest r) =>
        Assert.Equal(HttpStatusCode.Created, (await a.Operator.SendToPeerAsync(r, C)).Status);

    private static async Task<string> StatusOnA(NodeProcess a, string id) => (await a.Operator.GetCrossNodePaymentAsync(id, C)).Unwrap().Status;

    [Fact]
    public async Task A_partition_holds_every_payment_on_the_source_and_once_healed_each_settles_once_or_is_refused_after_its_expiry()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await using var relay = new TcpProxy(b.PeerPort);
        await FederationCli.WorldAsync(a, b, peerUrlOfB: $"https://127.0.0.1:{relay.Port}");
        var payments = new List<(string Id, string Uetr, long Rub)>();
        string Uetr(int n) => $"5c0ffee0-{n:x4}-4abc-8def-0123456789ab";

        await Send(a, Payment("0x801", Uetr(1), 1_000_00));
        Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, "0x801"));
        payments.Add(("0x801", Uetr(1), 1_000_00));

        // The route dies silently: connections open, nothing comes back. Five payments and one with a 2 s expiry are sent.
        relay.Set(TcpProxy.Mode.Blackhole);
        for (int n = 2; n <= 6; n++)
        {
            await Send(a, Payment($"0x80{n}", Uetr(n), n * 1_000_00));
            payments.Add(($"0x80{n}", Uetr(n), n * 1_000_00));
        }
        await Send(a, Payment("0x807", Uetr(7), 7_000_00, expirySeconds: 2));
        payments.Add(("0x807", Uetr(7), 7_000_00));
        await Task.Delay(3_000, C);
        // Then the peer's address drops every connection for a while.
        relay.Set(TcpProxy.Mode.Refuse);
        await Task.Delay(2_000, C);
        int triedWhileCut = relay.Accepted;
        foreach (var (id, uetr, _) in payments.Skip(1))
        {
            Assert.Equal("prepared", await StatusOnA(a, id)); // held, never voided on its own
            Assert.Null(await FederationCli.StatusOnB(b, uetr));
        }
        AccountDto payer = await a.Account(TwoNodeWorld.PayerAccount);
        Assert.Equal((2 + 3 + 4 + 5 + 6 + 7) * 1_000_00, payer.DebitsPending);

        relay.Set(TcpProxy.Mode.Forward);
        var healed = Stopwatch.StartNew();
        foreach (var (id, _, _) in payments.Skip(1))
            Assert.Equal(id == "0x807" ? "refused" : "settled", await FederationCli.FinalOnA(a.Operator, id));
        Assert.Equal("AB05", (await a.Operator.GetCrossNodePaymentAsync("0x807", C)).Unwrap().PeerReasonCode); // past T on B's clock
        Assert.Equal("refused", await FederationCli.StatusOnB(b, Uetr(7)));
        CrossNodePaymentDto[] onB = (await b.Operator.ListCrossNodePaymentsAsync(TwoNodeWorld.PeerAOnB, 0, 100, C)).Unwrap();
        Assert.Equal(payments.Count, onB.Length); // each payment recorded once on B
        Assert.Equal(payments.Count, onB.Select(p => p.Uetr).Distinct().Count());
        await FederationCli.Consistent(a, b, payments);
        string metrics = await new HttpClient().GetStringAsync(a.Api + "/metrics", C);
        long Count(string name) => long.Parse(Regex.Match(metrics, name + "_total\\{[^}]*\\} (\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"{relay.Accepted - 1} connection attempts through the relay, {triedWhileCut} by the end of the partition; all final {healed.Elapsed.TotalSeconds:F1} s after it healed; " +
            $"{Count("corridor_federation_pacs028_messages")} status questions asked after {Count("corridor_federation_pacs028_payments")} payments");
    }

    [Fact]
    public async Task Duplicated_and_reordered_messages_between_the_nodes_change_nothing()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await using var relay = new TcpProxy(b.PeerPort);
        await FederationCli.WorldAsync(a, b, peerUrlOfB: $"https://127.0.0.1:{relay.Port}");
        using HttpClient asA = PeerClient(a, b);

        // A's own link is cut; the payment waits prepared on A. The test speaks for A with A's pinned certificate, sending the
        // messages A's outbox sends for it (the same terms, so the same content on B) out of order and more than once.
        relay.Set(TcpProxy.Mode.Refuse);
        const string id = "0x901", uetr = "5c0ffee0-0901-4abc-8def-0123456789ab";
        CrossNodePaymentRequest request = Payment(id, uetr, 10_000_00);
        await Send(a, request);
        CrossNodeTerms terms = TermsOf(request, (await a.Operator.GetCrossNodePaymentAsync(id, C)).Unwrap());
        byte[] pacs008 = Iso20022Codec.Build(CrossNodeMapping.ToPacs008(terms, Agent.FromBic("PAYRRUMM"), DateTimeOffset.UtcNow));
        byte[] pacs028 = Iso20022Codec.Build(CrossNodeMapping.ToPacs028(uetr, terms.ExpiresAtNs, "Q1", DateTimeOffset.UtcNow));

        // The status question overtakes the payment: "not received", and nothing is recorded.
        (HttpStatusCode status, PeerAnswer? answer, _) = await PostAsync(asA, b, pacs028, uetr);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(answer);
        Assert.Null(await FederationCli.StatusOnB(b, uetr));
        // The payment, then the same payment twice more, then the question again: settled once, the same answer every time.
        for (int i = 0; i < 3; i++)
        {
            (status, answer, _) = await PostAsync(asA, b, pacs008, uetr);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(CrossNodeStatus.Settled, answer?.Status);
        }
        (_, answer, _) = await PostAsync(asA, b, pacs028, uetr);
        Assert.Equal(CrossNodeStatus.Settled, answer?.Status);
        Assert.Equal(TwoNodeWorld.ToCny(10_000_00), await b.Balance(TwoNodeWorld.PayeeAccount));
        // A duplicate that differs (a replay with the amount changed) is refused and changes nothing.
        byte[] altered = Iso20022Codec.Build(CrossNodeMapping.ToPacs008(terms with { SourceAmountMinor = 20_000_00, DestinationAmountMinor = TwoNodeWorld.ToCny(20_000_00) },
            Agent.FromBic("PAYRRUMM"), DateTimeOffset.UtcNow));
        (status, _, string body) = await PostAsync(asA, b, altered, uetr);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("federation.payment_exists_with_different_content", body);
        // A's answer (pacs.002) sent back to B as if it were a request is not a federation message.
        (status, _, body) = await PostAsync(asA, b, Iso20022Codec.Build(CrossNodeMapping.ToPacs002(uetr, new PeerAnswer(uetr, CrossNodeStatus.Settled, "", ""),
            "R1", DateTimeOffset.UtcNow, "M1", "pacs.008.001.09")), uetr);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("federation.unsupported_message", body);
        Assert.Equal("prepared", await StatusOnA(a, id));
        // One status question about several payments (how A's retries ask after a partition): each answered on its own line —
        // the settled one ACSC, an unknown one past its T recorded refused (AB05) before the answer, an unknown one before its T
        // "not received" with nothing recorded; a question naming a UETR twice is refused whole.
        const string expiredUetr = "5c0ffee0-0902-4abc-8def-0123456789ab", freshUetr = "5c0ffee0-0903-4abc-8def-0123456789ab";
        ulong past = (ulong)(DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds() * 1_000_000), future = terms.ExpiresAtNs;
        using (var content = new ByteArrayContent(Iso20022Codec.Build(CrossNodeMapping.ToPacs028([(uetr, terms.ExpiresAtNs), (expiredUetr, past), (freshUetr, future)], "Q3", DateTimeOffset.UtcNow))))
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml");
            using HttpResponseMessage r = await asA.PostAsync(b.PeerUrl + PeerEndpoint.Route, content, C);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            ParseResult parsed = Iso20022Codec.Parse(await r.Content.ReadAsByteArrayAsync(C));
            Assert.True(parsed.IsSuccess);
            var report = Assert.IsType<StatusReport>(parsed.Message);
            Assert.Equal(3, report.Transactions.Count);
            Dictionary<string, PeerAnswer?> answers = CrossNodeMapping.FromPacs002(report);
            Assert.Equal(CrossNodeStatus.Settled, answers[uetr]?.Status);
            Assert.Equal((CrossNodeStatus.Refused, "AB05"), (answers[expiredUetr]!.Status, answers[expiredUetr]!.ReasonCode));
            Assert.Null(answers[freshUetr]);
        }
        Assert.Equal("refused", await FederationCli.StatusOnB(b, expiredUetr));
        Assert.Null(await FederationCli.StatusOnB(b, freshUetr));
        (status, _, body) = await PostAsync(asA, b, Iso20022Codec.Build(CrossNodeMapping.ToPacs028([(freshUetr, future), (freshUetr, future)], "Q4", DateTimeOffset.UtcNow)), freshUetr);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("federation.message_invalid", body);

        // A's link heals: its own pacs.008 arrives last, a duplicate for B, answered from B's record; A posts its hold.
        relay.Set(TcpProxy.Mode.Forward);
        Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, id));
        Assert.Equal(2, (await b.Operator.ListCrossNodePaymentsAsync(TwoNodeWorld.PeerAOnB, 0, 100, C)).Unwrap().Length); // the payment and the expired question
        await FederationCli.Consistent(a, b, [(id, uetr, 10_000_00)]);
    }

    [Fact]
    public async Task A_pinned_peers_forged_schema_invalid_or_out_of_quote_messages_are_refused_and_logged_and_nothing_moves()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await FederationCli.WorldAsync(a, b);
        using HttpClient asA = PeerClient(a, b);
        CrossNodeTerms Terms(string uetr, long rub) => TermsOf(Payment("0x1", uetr, rub), null) with { ExpiresAtNs = CrossNodeMapping.NanosecondsOf(DateTimeOffset.UtcNow.AddMinutes(5)) };
        byte[] Pacs008(CrossNodeTerms t) => Iso20022Codec.Build(CrossNodeMapping.ToPacs008(t, Agent.FromBic("PAYRRUMM"), DateTimeOffset.UtcNow));

        // Schema-invalid: a pacs.008 whose amount is not a number; and bytes that are no XML at all. 400, logged, nothing recorded.
        const string bad = "5c0ffee0-0a01-4abc-8def-0123456789ab";
        string xml = Encoding.UTF8.GetString(Pacs008(Terms(bad, 1_000_00)));
        string broken = System.Text.RegularExpressions.Regex.Replace(xml, "(<IntrBkSttlmAmt[^>]*>)[^<]+", "${1}lots");
        Assert.NotEqual(xml, broken);
        var (status, _, body) = await PostAsync(asA, b, Encoding.UTF8.GetBytes(broken), bad);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("federation.message_invalid", body);
        (status, _, body) = await PostAsync(asA, b, "not a message"u8.ToArray(), bad);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("federation.message_invalid", body);
        Assert.Null(await FederationCli.StatusOnB(b, bad));

        // Forged content from the pinned peer: beyond the provider's quote size, a destination amount above the quoted rate
        // (more out of the provider's account than it agreed to), a quote that does not exist. Each is refused (pacs.002 RJCT
        // with its ISO reason) and recorded refused; no account moves.
        (string Uetr, CrossNodeTerms T, string Reason)[] forged =
        [
            ("5c0ffee0-0a02-4abc-8def-0123456789ab", Terms("5c0ffee0-0a02-4abc-8def-0123456789ab", TwoNodeWorld.MaxQuoteRub + 1_00), "AM09"),
            ("5c0ffee0-0a03-4abc-8def-0123456789ab", Terms("5c0ffee0-0a03-4abc-8def-0123456789ab", 1_000_00) with { DestinationAmountMinor = TwoNodeWorld.ToCny(1_000_00) * 10 }, "AM09"),
            ("5c0ffee0-0a04-4abc-8def-0123456789ab", Terms("5c0ffee0-0a04-4abc-8def-0123456789ab", 1_000_00) with { QuoteId = 0xBAD }, "CURR"),
        ];
        foreach (var (uetr, t, reason) in forged)
        {
            PeerAnswer? answer;
            (status, answer, _) = await PostAsync(asA, b, Pacs008(t), uetr);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(CrossNodeStatus.Refused, answer?.Status);
            Assert.Equal(reason, answer!.ReasonCode);
            Assert.Equal("refused", await FederationCli.StatusOnB(b, uetr));
        }
        Assert.Equal(FederationCli.ProviderCny, await b.Balance(TwoNodeWorld.ProviderCnyAccount));
        Assert.Equal(0, await b.Balance(TwoNodeWorld.PayeeAccount));
        await FederationCli.Consistent(a, b, []);
        // The refusals at the door are in B's log with the presenting certificate.
        b.Kill(); // its output read to the end: a log line may still be in the pipe while the node answers
        Assert.Contains(b.Output, l => l.Contains("peer request refused: federation.message_invalid", StringComparison.Ordinal));
    }

    /// <summary>The terms A's outbox puts in its pacs.008 for <paramref name="r"/> (expiry as A recorded it).</summary>
    internal static CrossNodeTerms TermsOf(CrossNodePaymentRequest r, CrossNodePaymentDto? onA)
    {
        string reference = PaymentMapping.ReferenceOf(UInt128.Parse(r.Id.AsSpan(2), System.Globalization.NumberStyles.HexNumber, null));
        return new CrossNodeTerms(r.Uetr, 0xC0, r.SourceCurrency, r.SourceAmount, r.DestinationCurrency, r.DestinationAmount, r.PayeeBic, onA?.ExpiresAt ?? 0,
            ExchangeEndpoints.ToParty(r.Originator), ExchangeEndpoints.ToParty(r.Beneficiary), ExchangeEndpoints.ToTrade(r.Trade!),
            new PaymentReferences(reference, "", reference, "", r.Uetr));
    }

    /// <summary>An HTTPS client that presents <paramref name="from"/>'s node certificate and accepts only <paramref name="to"/>'s.</summary>
    internal static HttpClient PeerClient(NodeProcess from, NodeProcess to)
    {
        X509Certificate2 mine = X509Certificate2.CreateFromPemFile(from.Cert, from.Key);
        string pin = PeerLinks.Fingerprint(X509Certificate2.CreateFromPem(File.ReadAllText(to.Cert)));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                ClientCertificates = [mine],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => mine,
                RemoteCertificateValidationCallback = (_, remote, _, _) => remote is not null && PeerLinks.Fingerprint(remote) == pin,
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<(HttpStatusCode Status, PeerAnswer? Answer, string Body)> PostAsync(HttpClient client, NodeProcess to, byte[] xml, string uetr)
    {
        using var content = new ByteArrayContent(xml);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml");
        using HttpResponseMessage r = await client.PostAsync(to.PeerUrl + PeerEndpoint.Route, content, C);
        byte[] body = await r.Content.ReadAsByteArrayAsync(C);
        if (!r.IsSuccessStatusCode) return (r.StatusCode, null, Encoding.UTF8.GetString(body));
        ParseResult parsed = Iso20022Codec.Parse(body);
        Assert.True(parsed.IsSuccess, "the answer validates against its schema: " + string.Join("; ", parsed.Errors.Select(e => e.Message)));
        return (r.StatusCode, CrossNodeMapping.FromPacs002(Assert.IsType<StatusReport>(parsed.Message), uetr), Encoding.UTF8.GetString(body));
    }
}
