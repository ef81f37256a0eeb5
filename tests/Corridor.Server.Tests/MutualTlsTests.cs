using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Corridor.Client;
using Corridor.Server.Auth;

namespace Corridor.Server.Tests;

/// <summary>
/// Mutual TLS on loopback: real Kestrel with HTTPS and a real HttpClient presenting client certificates. A certificate acts
/// as its bound participant or operator user with exactly a token's scoping; revocation takes effect on the next request;
/// unbound, revoked, expired and foreign certificates get their own 401 codes; tokens keep working over TLS.
/// </summary>
public sealed class MutualTlsTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>A development PKI: one CA, the node's server certificate, client certificates for Alice, Bob and an operator.</summary>
    private sealed class Pki
    {
        public readonly X509Certificate2 Ca = DevCertificates.CreateCa("Corridor test CA", Now.AddDays(-1), Now.AddDays(30));
        public readonly X509Certificate2 Server, Alice, Bob, Anna, Unbound;

        public Pki()
        {
            Server = DevCertificates.ForTls(DevCertificates.CreateServer(Ca, "localhost", ["localhost"], [IPAddress.Loopback], Now.AddDays(-1), Now.AddDays(30)));
            Alice = Client("CN=Alice Bank, O=Alice Bank, C=KE");
            Bob = Client("CN=Bob Bank, O=Bob Bank, C=GH");
            Anna = Client("CN=anna, O=Operator");
            Unbound = Client("CN=Nobody, O=Nowhere");
        }

        public X509Certificate2 Client(string subject) => DevCertificates.ForTls(DevCertificates.CreateClient(Ca, subject, Now.AddDays(-1), Now.AddDays(30)));

        public TlsSettings Settings => new() { ServerCertificate = Server, ClientCas = [Ca] };

        public string CaThumbprint => ClientCertificateAuthentication.Thumbprint(Ca);
    }

    /// <summary>An HTTPS handler that trusts only <paramref name="ca"/> for the server and presents <paramref name="client"/> (if any).</summary>
    private static SocketsHttpHandler Handler(X509Certificate2 ca, X509Certificate2? client) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = client is null ? null : new X509CertificateCollection { client },
            LocalCertificateSelectionCallback = client is null ? null : (_, _, _, _, _) => client,
            RemoteCertificateValidationCallback = DevCertificates.TrustOnly(ca),
        },
    };

    private static CorridorClient CertificateClient(TestNode node, Pki pki, X509Certificate2 client) =>
        new(new HttpClient(Handler(pki.Ca, client)) { BaseAddress = new Uri(node.Server.Addresses[0]) }, token: null);

    private static Task<TestNode> StartAsync(Pki pki) => TestNode.StartAsync(tls: pki.Settings, handler: Handler(pki.Ca, null));

    private static string Thumb(X509Certificate2 c) => ClientCertificateAuthentication.Thumbprint(c);

    [Fact]
    public async Task A_bound_certificate_acts_as_its_participant_and_cannot_read_or_move_another_banks_accounts()
    {
        var pki = new Pki();
        await using TestNode node = await StartAsync(pki);
        Assert.StartsWith("https://", node.Server.Addresses[0]);
        CertificateBindingDto bound = (await node.Operator.BindCertificateAsync(new BindCertificateRequest(Thumbprint: Thumb(pki.Alice), Participant: TestNode.Alice), C)).Unwrap();
        Assert.Equal(("thumbprint", "participant", TestNode.Alice, "active"), (bound.Match, bound.Principal, bound.PrincipalId, bound.Status));
        Assert.Equal(1u, bound.BoundBy);
        // Bob's certificate by subject under the CA: any certificate of that subject from that CA.
        (await node.Operator.BindCertificateAsync(new BindCertificateRequest(Subject: pki.Bob.Subject, IssuerThumbprint: pki.CaThumbprint, Participant: TestNode.Bob), C)).Unwrap();

        CorridorClient alice = CertificateClient(node, pki, pki.Alice), bob = CertificateClient(node, pki, pki.Bob);
        Assert.Equal(TestNode.Alice, (await alice.GetAccountAsync(TestNode.AliceAccount, C)).Unwrap().Participant);
        Assert.Equal(TestNode.Bob, (await bob.GetAccountAsync(TestNode.BobAccount, C)).Unwrap().Participant);

        ApiResult<AccountDto> foreign = await alice.GetAccountAsync(TestNode.BobAccount, C);
        Assert.Equal((HttpStatusCode.Forbidden, "auth.forbidden"), (foreign.Status, foreign.Problem!.Code));
        (long sequence, string hash) = await node.StateAsync();
        ApiResult<TransferDto> steal = await alice.CreateTransferAsync(new CreateTransferRequest("0x5101", TestNode.BobBook, TestNode.AliceBook, 10, TestNode.Book, 1), C);
        Assert.Equal((HttpStatusCode.Forbidden, "auth.forbidden"), (steal.Status, steal.Problem!.Code));
        ApiResult<PaymentDto> asBob = await alice.SubmitPaymentAsync(new SubmitPaymentRequest("0x5102", TestNode.Alice, TestNode.Ledger, 10, Kind: "interbank", Payer: TestNode.Bob), C);
        Assert.Equal((HttpStatusCode.Forbidden, "auth.forbidden"), (asBob.Status, asBob.Problem!.Code));
        Assert.Equal((sequence, hash), await node.StateAsync());
        ApiResult<ParticipantDto[]> operatorOnly = await alice.ListParticipantsAsync(C);
        Assert.Equal("auth.operator_only", operatorOnly.Problem!.Code);

        // Its own money moves, as with Alice's token.
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        TransferDto moved = (await alice.CreateTransferAsync(new CreateTransferRequest("0x5103", TestNode.AliceBook, TestNode.BobBook, 10, TestNode.Book, 1), C)).Unwrap();
        Assert.Equal(10, moved.Amount);
        Assert.Equal("settled", (await alice.SubmitPaymentAsync(new SubmitPaymentRequest("0x5104", TestNode.Bob, TestNode.Ledger, 10, Kind: "interbank"), C)).Unwrap().Status);
        Assert.Equal(TestNode.Funding + 10, (await bob.GetAccountAsync(TestNode.BobAccount, C)).Unwrap().CreditsPosted);
        // The read model follows batches holding certificate operations (it replays them like any other) and answers over TLS.
        Assert.True(await node.Server.ReadModel!.WaitForAsync(node.Server.Node.Journal.LastSequence, TimeSpan.FromSeconds(15), C));
        Assert.True(node.Server.ReadModel.Running);
        Assert.Equal("settled", (await bob.GetPaymentAsync("0x5104", C)).Unwrap().Status);
    }

    [Fact]
    public async Task Revocation_refuses_the_very_next_request_on_the_same_connection_and_cannot_be_undone()
    {
        var pki = new Pki();
        await using TestNode node = await StartAsync(pki);
        (await node.Operator.BindCertificateAsync(new BindCertificateRequest(Thumbprint: Thumb(pki.Alice), Participant: TestNode.Alice), C)).Unwrap();
        CorridorClient alice = CertificateClient(node, pki, pki.Alice);
        Assert.True((await alice.GetAccountAsync(TestNode.AliceAccount, C)).Ok);

        CertificateBindingDto revoked = (await node.Operator.RevokeCertificateAsync(new RevokeCertificateRequest(Thumbprint: Thumb(pki.Alice)), C)).Unwrap();
        Assert.Equal("revoked", revoked.Status);
        ApiResult<AccountDto> refused = await alice.GetAccountAsync(TestNode.AliceAccount, C);
        Assert.Equal((HttpStatusCode.Unauthorized, AuthCodes.CertificateRevoked), (refused.Status, refused.Problem!.Code));

        ApiResult<CertificateBindingDto> again = await node.Operator.BindCertificateAsync(new BindCertificateRequest(Thumbprint: Thumb(pki.Alice), Participant: TestNode.Alice), C);
        Assert.Equal((HttpStatusCode.Conflict, "certificates.certificate_revoked"), (again.Status, again.Problem!.Code));
        // Alice's token is a separate credential and still works over TLS.
        Assert.True((await node.AliceClient.GetAccountAsync(TestNode.AliceAccount, C)).Ok);
        // The revocation is in the audit log, with who did it.
        AuditEntryDto entry = (await node.Operator.ExportAuditAsync(c: C)).Unwrap().Entries.Last(e => e.Operation == "revoke_certificate");
        Assert.Equal(("root", "certificate sha256:" + Thumb(pki.Alice)), (entry.OperatorName, entry.Subject));
    }

    [Fact]
    public async Task Unbound_foreign_expired_and_missing_credentials_each_have_their_own_401()
    {
        var pki = new Pki();
        var stranger = new Pki(); // another CA the node does not trust
        await using TestNode node = await StartAsync(pki);
        (await node.Operator.BindCertificateAsync(new BindCertificateRequest(Subject: "CN=Old Bank", IssuerThumbprint: pki.CaThumbprint, Participant: TestNode.Alice), C)).Unwrap();
        X509Certificate2 expired = DevCertificates.ForTls(DevCertificates.CreateClient(pki.Ca, "CN=Old Bank", Now.AddDays(-1), Now.AddMinutes(-5)));

        async Task Expect(CorridorClient client, string code)
        {
            ApiResult<AccountDto> r = await client.GetAccountAsync(TestNode.AliceAccount, C);
            Assert.Equal((HttpStatusCode.Unauthorized, code), (r.Status, r.Problem!.Code));
        }
        await Expect(CertificateClient(node, pki, pki.Unbound), AuthCodes.CertificateUnbound);
        await Expect(CertificateClient(node, pki, stranger.Alice), AuthCodes.CertificateInvalid);
        await Expect(CertificateClient(node, pki, expired), AuthCodes.CertificateExpired);
        await Expect(node.Anonymous, "auth.missing_token");
    }

    [Fact]
    public async Task A_certificate_bound_to_an_operator_user_has_that_users_role_and_only_an_administrator_binds_one()
    {
        var pki = new Pki();
        await using TestNode node = await StartAsync(pki);
        OperatorDto anna = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("anna", "operator"), C)).Unwrap();
        OperatorDto carl = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("carl", "compliance"), C)).Unwrap();

        // A system operator (not an administrator) may bind participants' certificates but not operator users'.
        ApiResult<CertificateBindingDto> notAdmin = await node.Operator.WithToken(anna.Token).BindCertificateAsync(
            new BindCertificateRequest(Thumbprint: Thumb(pki.Anna), OperatorUser: anna.Id), C);
        Assert.Equal((HttpStatusCode.Forbidden, "auth.administrator_only"), (notAdmin.Status, notAdmin.Problem!.Code));
        ApiResult<CertificateBindingDto> compliance = await node.Operator.WithToken(carl.Token).BindCertificateAsync(
            new BindCertificateRequest(Thumbprint: Thumb(pki.Alice), Participant: TestNode.Alice), C);
        Assert.Equal((HttpStatusCode.Forbidden, "auth.operator_role_required"), (compliance.Status, compliance.Problem!.Code));

        var bind = new BindCertificateRequest(Thumbprint: Thumb(pki.Anna).ToUpperInvariant(), OperatorUser: anna.Id);
        ApiResult<CertificateBindingDto> first = await node.Operator.BindCertificateAsync(bind, C);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, (await node.Operator.BindCertificateAsync(bind, C)).Status);
        CorridorClient annaByCertificate = CertificateClient(node, pki, pki.Anna);
        Assert.Contains((await annaByCertificate.ListParticipantsAsync(C)).Unwrap(), p => p.Id == TestNode.Bob);
        Assert.Equal("auth.administrator_only", (await annaByCertificate.RegisterOperatorAsync(new RegisterOperatorRequest("eve", "operator"), C)).Problem!.Code);
        // Its actions carry anna as actor, as her token's would.
        (await annaByCertificate.ChangeParticipantStatusAsync(TestNode.Bob, "suspended", C)).Unwrap();
        AuditEntryDto entry = (await node.Operator.ExportAuditAsync(c: C)).Unwrap().Entries.Last(e => e.Operation == "change_participant_status");
        Assert.Equal("anna", entry.OperatorName);
        // Disabling the user refuses its certificate too.
        (await node.Operator.ChangeOperatorStatusAsync(anna.Id, "disabled", C)).Unwrap();
        Assert.Equal("auth.operator_disabled", (await annaByCertificate.ListParticipantsAsync(C)).Problem!.Code);

        CertificateBindingDto[] listed = (await node.Operator.ListCertificatesAsync(c: C)).Unwrap();
        Assert.Equal(("operator_user", (ulong)anna.Id), (Assert.Single(listed).Principal, listed[0].PrincipalId));
        Assert.Empty((await node.Operator.ListCertificatesAsync(TestNode.Alice, C)).Unwrap());
    }

    [Fact]
    public async Task Bad_binding_requests_are_precise_problems_and_change_nothing()
    {
        var pki = new Pki();
        await using TestNode node = await StartAsync(pki);
        (long sequence, string hash) = await node.StateAsync();
        async Task Refused(string body, HttpStatusCode status, string code)
        {
            var (s, text, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/certificates", body);
            Assert.Equal(status, s);
            Assert.Contains($"\"code\":\"{code}\"", text);
        }
        await Refused("""{"thumbprint":"abc","participant":1}""", HttpStatusCode.BadRequest, "request.invalid_thumbprint");
        await Refused($$"""{"thumbprint":"{{Thumb(pki.Alice)}}"}""", HttpStatusCode.BadRequest, "request.invalid_value");
        await Refused($$"""{"thumbprint":"{{Thumb(pki.Alice)}}","participant":1,"operator_user":1}""", HttpStatusCode.BadRequest, "request.invalid_value");
        await Refused($$"""{"subject":"CN=x","participant":1}""", HttpStatusCode.BadRequest, "request.invalid_value");
        await Refused($$"""{"thumbprint":"{{Thumb(pki.Alice)}}","participant":18446744073709551615}""", HttpStatusCode.BadRequest, "request.invalid_id");
        Assert.Equal((sequence, hash), await node.StateAsync());
        await Refused($$"""{"thumbprint":"{{Thumb(pki.Alice)}}","participant":4242}""", HttpStatusCode.NotFound, "certificates.participant_not_found");
        (await node.Operator.BindCertificateAsync(new BindCertificateRequest(Thumbprint: Thumb(pki.Alice), Participant: TestNode.Alice), C)).Unwrap();
        await Refused($$"""{"thumbprint":"{{Thumb(pki.Alice)}}","participant":2}""", HttpStatusCode.Conflict, "certificates.bound_to_another");
        var (status, text2, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/certificates/revoke", """{"subject":"CN=x","issuer_thumbprint":"00000000000000000000000000000000000000000000000000000000000000aa"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("certificates.binding_not_found", text2);
    }

    [Fact]
    public async Task Bindings_survive_a_restart()
    {
        var pki = new Pki();
        string dir = Directory.CreateTempSubdirectory("corridor-server-test-").FullName;
        try
        {
            var options = new ServerOptions
            {
                DataPath = dir, Urls = ["https://127.0.0.1:0"], Tls = pki.Settings, Node = new Corridor.Storage.Node.NodeOptions { SnapshotEveryEvents = 0 },
                MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Error,
            };
            await using (CorridorServer first = await CorridorServer.StartAsync(options, C))
            {
                var root = new CorridorClient(new HttpClient(Handler(pki.Ca, null)) { BaseAddress = new Uri(first.Addresses[0]) }, first.NewOperatorToken!);
                (await root.RegisterParticipantAsync(new RegisterParticipantRequest(TestNode.Alice, "Alice Bank", "direct"), C)).Unwrap();
                (await root.BindCertificateAsync(new BindCertificateRequest(Thumbprint: Thumb(pki.Alice), Participant: TestNode.Alice), C)).Unwrap();
                (await root.BindCertificateAsync(new BindCertificateRequest(Thumbprint: Thumb(pki.Bob), Participant: TestNode.Alice), C)).Unwrap();
                (await root.RevokeCertificateAsync(new RevokeCertificateRequest(Thumbprint: Thumb(pki.Bob)), C)).Unwrap();
            }
            await using CorridorServer second = await CorridorServer.StartAsync(options, C);
            var uri = new Uri(second.Addresses[0]);
            ApiResult<ParticipantDto> me = await new CorridorClient(new HttpClient(Handler(pki.Ca, pki.Alice)) { BaseAddress = uri }, null).GetParticipantAsync(TestNode.Alice, C);
            Assert.Equal(TestNode.Alice, me.Unwrap().Id);
            ApiResult<ParticipantDto> revoked = await new CorridorClient(new HttpClient(Handler(pki.Ca, pki.Bob)) { BaseAddress = uri }, null).GetParticipantAsync(TestNode.Alice, C);
            Assert.Equal(AuthCodes.CertificateRevoked, revoked.Problem!.Code);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
