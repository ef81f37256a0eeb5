using System.Net;
using System.Security.Cryptography.X509Certificates;
using Corridor.Cli.Federation;
using Corridor.Client;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// Two real <c>corridor run</c> processes on loopback, linked by their peer endpoints over mutual TLS with pinned
/// certificates: node A settles RUB (the payer bank), node B settles CNY (the payee bank); the FX provider is a participant
/// on both and quotes RUB → CNY on B (<see cref="TwoNodeWorld"/>). Checked after every scenario: each payment is settled on both nodes or on neither,
/// and each node's currency total is unchanged.
/// </summary>
public sealed class FederationTwoNodeTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private const uint PeerBOnA = TwoNodeWorld.PeerBOnA;

    private static Task<(int Code, string Out)> Cli(params string[] args) => FederationCli.Cli(args);
    private static Task Succeeds(params string[] args) => FederationCli.Succeeds(args);

    private static async Task<(CorridorClient PayerA, NodeProcess A, NodeProcess B)> WorldAsync(NodeProcess a, NodeProcess b) =>
        ((await FederationCli.WorldAsync(a, b)).PayerOnA, a, b);

    private static CrossNodePaymentRequest Payment(string id, string uetr, long rubMinor) => TwoNodeWorld.Payment(id, uetr, rubMinor);
    private static Task<string> FinalOnA(CorridorClient payer, string id) => FederationCli.FinalOnA(payer, id);
    private static Task<string?> StatusOnB(NodeProcess b, string uetr) => FederationCli.StatusOnB(b, uetr);
    private static Task Consistent(NodeProcess a, NodeProcess b, (string Id, string Uetr, long Rub)[] payments) => FederationCli.Consistent(a, b, payments);

    [Fact]
    public async Task A_payment_from_node_A_settles_on_both_nodes_and_a_destination_killed_mid_way_ends_settled_on_both_or_neither()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        var (payer, _, _) = await WorldAsync(a, b);

        const string uetr1 = "7b1d3c2a-0001-4c8e-9a6b-2d5f8e1c0b3a";
        Assert.Equal(HttpStatusCode.Created, (await payer.SendToPeerAsync(Payment("0x501", uetr1, 10_000_00), C)).Status);
        Assert.Equal("settled", await FinalOnA(payer, "0x501"));
        Assert.Equal("settled", await StatusOnB(b, uetr1));

        // Destination killed with SIGKILL right after it recorded the payment, then restarted on the same data.
        const string uetr2 = "7b1d3c2a-0002-4c8e-9a6b-2d5f8e1c0b3a";
        Assert.Equal(HttpStatusCode.Created, (await payer.SendToPeerAsync(Payment("0x502", uetr2, 20_000_00), C)).Status);
        while (await StatusOnB(b, uetr2) is null) await Task.Delay(5, C);
        b.Kill();
        await b.StartAsync();
        string second = await FinalOnA(payer, "0x502");
        Assert.Equal(second, await StatusOnB(b, uetr2));

        // Destination down when the payment is sent: A keeps it held, asks again with back-off, and completes once B is back.
        b.Kill();
        const string uetr3 = "7b1d3c2a-0003-4c8e-9a6b-2d5f8e1c0b3a";
        Assert.Equal(HttpStatusCode.Created, (await payer.SendToPeerAsync(Payment("0x503", uetr3, 30_000_00), C)).Status);
        await Task.Delay(1_500, C);
        Assert.Equal("prepared", (await payer.GetCrossNodePaymentAsync("0x503", C)).Unwrap().Status); // never voided on its own
        await b.StartAsync();
        Assert.Equal("settled", await FinalOnA(payer, "0x503"));

        await Consistent(a, b, [("0x501", uetr1, 10_000_00), ("0x502", uetr2, 20_000_00), ("0x503", uetr3, 30_000_00)]);
        string metrics = await new HttpClient().GetStringAsync(a.Api + "/metrics", C);
        Assert.Matches($"corridor_federation_link_up\\{{[^}}]*peer=\"{PeerBOnA}\"[^}}]*\\}} 1", metrics); // the OpenTelemetry Prometheus exporter's line
    }

    [Fact]
    public async Task An_institution_transfer_travels_as_a_pacs009_and_settles_on_both_nodes_after_the_customer_cut_off()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        var (payer, _, _) = await WorldAsync(a, b);
        (await a.Operator.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        (await b.Operator.ChangePhaseAsync("customer_cutoff", C)).Unwrap();

        // Past the customer cut-off a customer payment is refused on A and nothing is held ...
        ApiResult<CrossNodePaymentDto> customer = await payer.SendToPeerAsync(Payment("0x601", "7b1d3c2a-0601-4c8e-9a6b-2d5f8e1c0b3a", 1_000_00), C);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "federation.after_customer_cutoff"), (customer.Status, customer.Problem?.Code));
        // ... an institution transfer goes until the interbank cut-off: a pacs.009 to B, settled on both nodes.
        const string uetr = "7b1d3c2a-0602-4c8e-9a6b-2d5f8e1c0b3a";
        ApiResult<CrossNodePaymentDto> sent = await payer.SendToPeerAsync(TwoNodeWorld.InstitutionTransfer("0x602", uetr, 20_000_00), C);
        Assert.Equal(HttpStatusCode.Created, sent.Status);
        Assert.Equal("institution", sent.Value!.Kind);
        Assert.Equal("settled", await FinalOnA(payer, "0x602"));
        CrossNodePaymentDto onB = (await FederationCli.OnB(b, uetr))!;
        Assert.Equal(("settled", "institution"), (onB.Status, onB.Kind));
        string metrics = await new HttpClient().GetStringAsync(a.Api + "/metrics", C);
        Assert.Matches($"corridor_federation_pacs009_messages_total\\{{[^}}]*peer=\"{PeerBOnA}\"[^}}]*\\}} 1", metrics);
        Assert.Matches($"corridor_federation_pacs009_payments_total\\{{[^}}]*peer=\"{PeerBOnA}\"[^}}]*\\}} 1", metrics);

        // Naming another bank as the originator is refused before anything is recorded.
        CrossNodePaymentRequest forged = TwoNodeWorld.InstitutionTransfer("0x603", "7b1d3c2a-0603-4c8e-9a6b-2d5f8e1c0b3a", 1_000_00);
        ApiResult<CrossNodePaymentDto> refused = await payer.SendToPeerAsync(forged with { Originator = forged.Originator with { Identifier = "FXPRRUMM" } }, C);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "federation.originator_not_payer_institution"), (refused.Status, refused.Problem?.Code));
        Assert.Equal(HttpStatusCode.NotFound, (await payer.GetCrossNodePaymentAsync("0x603", C)).Status);
        ApiResult<CrossNodePaymentDto> withTrade = await payer.SendToPeerAsync(forged with { Trade = Payment("0x603", "", 1).Trade }, C);
        Assert.Equal((HttpStatusCode.BadRequest, "federation.trade_reference_not_allowed"), (withTrade.Status, withTrade.Problem?.Code));
        ApiResult<CrossNodePaymentDto> badKind = await payer.SendToPeerAsync(forged with { Kind = "bank" }, C);
        Assert.Equal((HttpStatusCode.BadRequest, "request.invalid_value"), (badKind.Status, badKind.Problem?.Code));
        await Consistent(a, b, [("0x602", uetr, 20_000_00)]);
    }

    private static Task<(int Code, string Out)> Reconcile(NodeProcess a, NodeProcess b) =>
        Cli("peers", "reconcile", "--data", a.Data, "--url", a.Api, "--peer", PeerBOnA.ToString(), "--peer-api", b.Api,
            "--peer-token-file", Path.Combine(b.Data, "secrets", "operator.token"));

    private static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to), overwrite: true);
    }

    [Fact]
    public async Task Reconcile_agrees_when_both_nodes_settled_and_reports_a_payment_the_destination_lost_to_a_restored_backup()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        var (payer, _, _) = await WorldAsync(a, b);
        const string uetr1 = "7b1d3c2a-0011-4c8e-9a6b-2d5f8e1c0b3a", uetr2 = "7b1d3c2a-0012-4c8e-9a6b-2d5f8e1c0b3a";
        Assert.Equal(HttpStatusCode.Created, (await payer.SendToPeerAsync(Payment("0x511", uetr1, 10_000_00), C)).Status);
        Assert.Equal("settled", await FinalOnA(payer, "0x511"));

        var (code, output) = await Reconcile(a, b);
        Assert.True(code == 0, output);
        Assert.Matches(@"(?m)^here\s+0\s+1\s+0", output);
        Assert.Matches(@"(?m)^there\s+0\s+1\s+0", output);
        Assert.Contains($"here: provider {TwoNodeWorld.Provider} received 1000000 RUB in 1 payment", output);
        Assert.Contains($"there: provider {TwoNodeWorld.Provider} paid {TwoNodeWorld.ToCny(10_000_00)} CNY in 1 payment", output);
        Assert.Contains("agreed", output);

        // B's operator takes a backup, a second payment settles on both, then B is restored from the backup: B lost it.
        b.Kill();
        string backup = Directory.CreateTempSubdirectory("corridor-fed-backup-").FullName;
        CopyDirectory(b.Data, backup);
        await b.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await payer.SendToPeerAsync(Payment("0x512", uetr2, 20_000_00), C)).Status);
        Assert.Equal("settled", await FinalOnA(payer, "0x512"));
        b.Kill();
        Directory.Delete(b.Data, recursive: true);
        CopyDirectory(backup, b.Data);
        Directory.Delete(backup, recursive: true);
        await b.StartAsync();

        (code, output) = await Reconcile(a, b);
        Assert.True(code == 1, output);
        Assert.Matches(@"(?m)^here\s+0\s+2\s+0", output);
        Assert.Matches(@"(?m)^there\s+0\s+1\s+0", output);
        Assert.Contains($"DISAGREEMENTS: 1", output);
        Assert.Contains($"{uetr2}: settled (outbound) here, unknown there: settled by the source, never recorded by the destination", output);

        // A peer id this node does not know is a usage error, said precisely.
        (code, output) = await Cli("peers", "reconcile", "--data", a.Data, "--url", a.Api, "--peer", "99", "--peer-api", b.Api,
            "--peer-token-file", Path.Combine(b.Data, "secrets", "operator.token"));
        Assert.Equal(2, code);
        Assert.Contains("peer 99 is not registered on this node", output);
    }

    [Fact]
    public async Task A_peer_over_an_unpinned_certificate_is_refused_and_nothing_is_recorded()
    {
        await using var a = new NodeProcess("rub");
        await using var b = new NodeProcess("cny");
        await WorldAsync(a, b);
        // A third certificate, never pinned on B, presents a well-formed pacs.008.
        string stranger = Path.Combine(a.Data, "stranger");
        await Succeeds("peers", "cert", "--out", stranger);
        using X509Certificate2 cert = X509Certificate2.CreateFromPemFile(stranger + ".pem", stranger + ".key");
        using var handler = new HttpClientHandler { ClientCertificates = { cert }, ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler);
        const string uetr = "7b1d3c2a-0009-4c8e-9a6b-2d5f8e1c0b3a";
        var terms = new Corridor.Core.Federation.CrossNodeTerms(uetr, 0xC0, "RUB", 100_00, "CNY", 785, "PAYECNBJ", ulong.MaxValue / 2,
            Endpoints.ExchangeEndpoints.ToParty(Payment("1", uetr, 1).Originator), Endpoints.ExchangeEndpoints.ToParty(Payment("1", uetr, 1).Beneficiary),
            Endpoints.ExchangeEndpoints.ToTrade(Payment("1", uetr, 1).Trade!), new Corridor.Core.Settlement.PaymentReferences("M", "", "E", "", uetr));
        byte[] xml = Corridor.Iso20022.Iso20022Codec.Build(Corridor.Iso20022.Mapping.CrossNodeMapping.ToPacs008(terms, Corridor.Iso20022.Model.Agent.FromBic("PAYRRUMM"), DateTimeOffset.UtcNow));
        using HttpResponseMessage r = await http.PostAsync(b.PeerUrl + "/federation/v1/iso20022", new ByteArrayContent(xml), C);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Contains("federation.certificate_not_pinned", await r.Content.ReadAsStringAsync(C));
        Assert.Null(await StatusOnB(b, uetr));
        // The API port serves no peer: without a client certificate the peer route is not there.
        Assert.Equal(HttpStatusCode.NotFound, (await new HttpClient().PostAsync(b.Api + "/federation/v1/iso20022", new ByteArrayContent(xml), C)).StatusCode);
    }
}
