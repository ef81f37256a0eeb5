using System.Net;
using System.Text.Json;
using Corridor.Client;
using Microsoft.AspNetCore.Routing;

namespace Corridor.Server.Tests;

/// <summary>Authorisation of every endpoint, strict input, idempotency, problem details, OpenAPI, metrics and health.</summary>
public sealed class ApiTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private const string TransferJson = """{"id":"0x5001","debit_account_id":"0x19","credit_account_id":"0x29","amount":10,"ledger":9,"code":1}""";

    private static string Json(object body) => JsonSerializer.Serialize(body, body.GetType(), CorridorJson.Options);

    /// <summary>Far in the future (2100-01-01), in ns: quote validity and trade deadlines of table bodies.</summary>
    private const ulong Later = 4_102_444_800_000_000_000;

    private static readonly FxPartyDto Party = new(Name: "Acme Trading Ltd", StreetName: "Main Street", BuildingNumber: "12", PostCode: "10001",
        TownName: "New York", Country: "US", Account: "US12345678", IdScheme: "bic", Identifier: "ACMEUS33");
    private static readonly FxTradeReferenceDto TradeRef = new(InvoiceNumber: "INV-1", InvoiceDate: new DateOnly(2026, 11, 20), GoodsDescription: "Coffee", HsCode: "090121",
        Incoterms: "FOB", IncotermsPlace: "Mombasa");
    private static readonly FxTradeRequest Trade = new("0xE1", TestNode.Alice, TestNode.Bob, "KES", "KES", 100, 100, "0x11", "0x21", "0x21", "0x11", Later);

    /// <summary>Who may call an endpoint (column 4 of <see cref="Endpoints"/>).</summary>
    public static class Access
    {
        /// <summary>Any authenticated participant (what it may see or move is checked against its own data) and the operator.</summary>
        public const string Participant = "participant";
        /// <summary>Operator users with role operator or administrator (<see cref="Corridor.Server.Auth.Caller.IsSystemOperator"/>).</summary>
        public const string SystemOperator = "operator";
        /// <summary>Operator users with role compliance or administrator (<see cref="Corridor.Server.Auth.Caller.IsComplianceOfficer"/>).</summary>
        public const string Compliance = "compliance";
        /// <summary>Administrators only.</summary>
        public const string Administrator = "administrator";
        /// <summary>Any operator user, whatever its role.</summary>
        public const string AnyOperator = "any_operator";
    }

    /// <summary>
    /// Every endpoint: method, path, a valid body (or null), and who may call it (<see cref="Access"/>).
    /// <see cref="Every_mapped_route_is_in_the_authorisation_table_or_intentionally_public"/> fails when a mapped route is missing here.
    /// </summary>
    public static readonly TheoryData<string, string, string?, string> Endpoints = new()
    {
        // Ledger
        { "POST", "/v1/accounts", """{"id":"0x77","ledger":1,"code":1,"flags":["debits_must_not_exceed_credits"]}""", Access.Participant },
        { "GET", "/v1/accounts", null, Access.Participant },
        { "GET", "/v1/accounts/0x11", null, Access.Participant },
        { "GET", "/v1/accounts/0x11/transfers", null, Access.Participant },
        { "GET", "/v1/accounts/0x11/balances", null, Access.Participant },
        { "POST", "/v1/transfers", TransferJson, Access.Participant },
        { "POST", "/v1/transfers/batch", "{\"transfers\":[" + TransferJson + "]}", Access.Participant },
        { "GET", "/v1/transfers/0x9001", null, Access.Participant },
        // Settlement
        { "POST", "/v1/participants", """{"id":7,"name":"X","role":"direct"}""", Access.SystemOperator },
        { "GET", "/v1/participants", null, Access.SystemOperator },
        { "GET", "/v1/participants/1", null, Access.Participant },
        { "POST", "/v1/participants/2/status", """{"status":"suspended"}""", Access.SystemOperator },
        { "POST", "/v1/participants/2/tokens", null, Access.SystemOperator },
        { "POST", "/v1/participants/2/ledger-access", """{"ledger":9,"granted":true}""", Access.SystemOperator },
        { "GET", "/v1/participants/1/ledger-access", null, Access.Participant },
        { "GET", "/v1/participants/1/settlement-accounts/1", null, Access.Participant },
        { "GET", "/v1/participants/1/queue/1", null, Access.Participant },
        { "GET", "/v1/queues?older_than_seconds=300", null, Access.AnyOperator },
        { "POST", "/v1/ledgers", """{"ledger":2,"central_bank_id":100,"central_bank_account_id":"0x2000","clearing_account_id":"0x2001","currency_code":"UGX"}""", Access.SystemOperator },
        { "POST", "/v1/settlement-accounts", """{"participant":1,"ledger":1,"account_id":"0x12"}""", Access.Participant },
        { "POST", "/v1/liquidity", """{"transfer_id":"0x9100","participant":1,"ledger":1,"amount":5,"direction":"inject"}""", Access.SystemOperator },
        { "POST", "/v1/credit-lines", """{"transfer_id":"0x9200","participant":1,"ledger":1,"limit":5}""", Access.SystemOperator },
        { "POST", "/v1/reservations", """{"participant":1,"ledger":1,"urgent_reserve":5,"high_reserve":5}""", Access.Participant },
        { "POST", "/v1/sending-limits", """{"participant":1,"ledger":1,"counterparty":2,"limit":5}""", Access.Participant },
        { "POST", "/v1/payments", """{"id":"0x7001","payee":2,"ledger":1,"amount":5}""", Access.Participant },
        { "POST", "/v1/payments/batch", """{"payments":[{"id":"0x7002","payee":2,"ledger":1,"amount":5}]}""", Access.Participant },
        { "GET", "/v1/payments/0x7001", null, Access.Participant },
        { "POST", "/v1/payments/0x7001/actions", """{"action":"revoke"}""", Access.Participant },
        { "POST", "/v1/lsm/runs", """{"ledger":1}""", Access.SystemOperator },
        { "POST", "/v1/netting-windows", """{"window_id":5,"ledger":1,"name":"retail"}""", Access.SystemOperator },
        { "POST", "/v1/netting-windows/5/close", null, Access.SystemOperator },
        { "GET", "/v1/netting-windows/5", null, Access.Participant },
        { "GET", "/v1/netting-windows", null, Access.Participant },
        { "GET", "/v1/day", null, Access.Participant },
        { "POST", "/v1/day/open", """{"business_date":"2026-11-23"}""", Access.SystemOperator },
        { "POST", "/v1/day/phase", """{"phase":"customer_cutoff"}""", Access.SystemOperator },
        { "GET", "/v1/day/schedule", null, Access.Participant },
        { "PUT", "/v1/day/schedule", """{"customer_cutoff":"16:00","interbank_cutoff":"17:00","end_of_day":"18:00","utc_offset":"+03:00"}""", Access.SystemOperator },
        // Read model and ISO 20022
        { "GET", "/v1/statements/2026-11-23/0x11", null, Access.Participant },
        { "GET", "/v1/payments?uetr=0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", null, Access.Participant },
        { "GET", "/v1/payments?status=queued&date=2026-11-23&party=weber", null, Access.Participant },
        { "POST", "/v1/iso20022", "<Document/>", Access.Participant },
        { "GET", "/v1/iso20022/camt054?account=0x11", null, Access.Participant },
        { "GET", "/v1/iso20022/camt053/2026-11-23/0x11", null, Access.Participant },
        { "GET", "/v1/iso20022/camt052/0x11", null, Access.Participant },
        { "GET", "/v1/iso20022/pacs002/0xA1", null, Access.Participant },
        { "GET", "/v1/payments/0xA1/messages", null, Access.Participant },
        { "GET", "/v1/payments/0xA1/messages/1", null, Access.Participant },
        // Exchange
        { "POST", "/v1/currencies", Json(new ConfigureCurrencyRequest("XLC", 2, 5000)), Access.SystemOperator },
        { "GET", "/v1/currencies/USD", null, Access.Participant },
        { "POST", "/v1/fx/quotes", Json(new PublishQuoteRequest("0xF1", "USD", "KES", new FxRateDto(12935, 100), 100, 1_000_000, Later, "0x11", "0x11", 60)), Access.Participant },
        { "GET", "/v1/fx/quotes/best?from=USD&to=KES&source_amount=100", null, Access.Participant },
        { "GET", "/v1/fx/quotes/0xF1", null, Access.Participant },
        { "GET", "/v1/fx/quotes?status=active", null, Access.Participant },
        { "DELETE", "/v1/fx/quotes/0xF1", null, Access.Participant },
        { "POST", "/v1/fx/locks", Json(new LockQuoteRequest("0x4A", "0xF1", "0x11", "0x21", 100, 30)), Access.Participant },
        { "GET", "/v1/fx/locks/0x4A", null, Access.Participant },
        { "GET", "/v1/fx/locks?status=locked", null, Access.Participant },
        { "DELETE", "/v1/fx/locks/0x4A", null, Access.Participant },
        { "POST", "/v1/fx/payments", Json(new PayAgainstLockRequest("0x4F", "0x4A", Party, Party with { Country = "KE" }, TradeRef)), Access.Participant },
        { "GET", "/v1/fx/payments?invoice=INV-1", null, Access.Participant },
        { "GET", "/v1/fx/payments/0x4F", null, Access.Participant },
        { "POST", "/v1/peers", Json(new RegisterPeerRequest(7, "Node B", "https://node-b.example:7430", new string('a', 64))), Access.SystemOperator },
        { "GET", "/v1/peers", null, Access.SystemOperator },
        { "POST", "/v1/federation/payments", Json(new CrossNodePaymentRequest("0x5F", 7, 2, "0xC0", "KES", 100, "CNY", 8, "PAYECNBJ", Party, Party with { Country = "CN" }, TradeRef)), Access.Participant },
        { "POST", "/v1/federation/payments/batch", Json(new CrossNodePaymentBatchRequest([new CrossNodePaymentRequest("0x5E", 7, 2, "0xC0", "KES", 100, "CNY", 8, "PAYECNBJ", Party, Party with { Country = "CN" }, TradeRef)])), Access.Participant },
        { "GET", "/v1/federation/payments/0x5F", null, Access.Participant },
        { "GET", "/v1/federation/payments?peer=7", null, Access.SystemOperator },
        { "POST", "/v1/fx/trades", Json(Trade), Access.Participant },
        { "POST", "/v1/fx/trades/0xE1/affirm", Json(Trade), Access.Participant },
        { "POST", "/v1/fx/trades/0xE1/cancel", null, Access.Participant },
        { "GET", "/v1/fx/trades/0xE1", null, Access.Participant },
        { "GET", "/v1/fx/trades?status=settled", null, Access.Participant },
        // Compliance desk
        { "POST", "/v1/compliance/watch-lists", Json(new LoadWatchListRequest("sanctions", "csv", "2026-11", "id,kind,name,aliases,countries,dates_of_birth,program\nX-1,person,\"DOE, John\",,US,1970-01-01,TEST\n")), Access.Compliance },
        { "GET", "/v1/compliance/watch-lists", null, Access.Compliance },
        { "POST", "/v1/compliance/threshold", Json(new ScreeningThresholdRequest(90)), Access.Compliance },
        { "GET", "/v1/compliance/holds", null, Access.Compliance },
        { "POST", "/v1/compliance/holds/0x71/release", Json(new HoldDecisionRequest("verified: different person")), Access.Compliance },
        { "POST", "/v1/compliance/holds/0x71/reject", Json(new HoldDecisionRequest("confirmed match")), Access.Compliance },
        { "GET", "/v1/compliance/audit", null, Access.Compliance },
        { "GET", "/v1/compliance/rules", null, Access.Compliance },
        { "POST", "/v1/compliance/rules", Json(new ComplianceRuleDto("no-kp", BlockedCountries: ["KP"])), Access.Compliance },
        { "DELETE", "/v1/compliance/rules/no-kp", null, Access.Compliance },
        // Operator users
        { "POST", "/v1/operators", Json(new RegisterOperatorRequest("eve", "compliance")), Access.Administrator },
        { "GET", "/v1/operators", null, Access.AnyOperator },
        { "POST", "/v1/operators/1/status", """{"status":"active"}""", Access.Administrator },
        // Four eyes (maker-checker)
        { "POST", "/v1/operator-acts", """{"id":"0xAC1","kind":"move_liquidity","transfer_id":"0x9301","participant":1,"ledger":1,"amount":5,"direction":"inject"}""", Access.SystemOperator },
        { "GET", "/v1/operator-acts", null, Access.AnyOperator },
        { "POST", "/v1/operator-acts/0xAC1/approve", """{"reason":"checked"}""", Access.AnyOperator },
        { "POST", "/v1/operator-acts/0xAC1/decline", """{"reason":"no"}""", Access.AnyOperator },
        { "GET", "/v1/four-eyes", null, Access.AnyOperator },
        { "POST", "/v1/four-eyes", """{"required":true}""", Access.Administrator },
        { "GET", "/v1/ledgers", null, Access.Participant },
        { "GET", "/v1/node/latency", null, Access.Participant },
        // Server-sent events (the stream row asks for a 1 s life so the request ends)
        { "POST", "/v1/events/tickets", null, Access.Participant },
        { "GET", "/v1/events?lifetime_seconds=1", null, Access.Participant },
        // Client certificates (mutual TLS): binding an operator user's certificate needs an administrator (MutualTlsTests).
        { "POST", "/v1/certificates", """{"thumbprint":"abababababababababababababababababababababababababababababababab","participant":1}""", Access.SystemOperator },
        { "POST", "/v1/certificates/revoke", """{"thumbprint":"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"}""", Access.SystemOperator },
        { "GET", "/v1/certificates", null, Access.AnyOperator },
    };

    /// <summary>Routes that answer without a token, on purpose: probes, metrics and the API description.</summary>
    private static readonly (string Method, string Pattern)[] PublicRoutes =
    [
        ("GET", "/health/live"), ("GET", "/health/ready"), ("GET", "/metrics"), ("GET", "/openapi/{documentName}.json"),
        // The console's static assets (the console itself signs in with a token and calls the API like any client).
        ("GET", "/"), ("GET", "/console/{**path}"),
    ];

    [Fact]
    public async Task Every_mapped_route_is_in_the_authorisation_table_or_intentionally_public()
    {
        await using TestNode node = await TestNode.StartAsync(world: false);
        var routes = new List<(string Method, string Pattern)>();
        foreach (RouteEndpoint e in node.Server.MappedEndpoints.OfType<RouteEndpoint>())
        {
            // The fallback (404 request.not_found for every unmapped path) has no methods and the lowest precedence.
            if (e.Metadata.GetMetadata<HttpMethodMetadata>() is not { } methods) continue;
            foreach (string method in methods.HttpMethods) routes.Add((method, "/" + e.RoutePattern.RawText!.TrimStart('/')));
        }
        Assert.True(routes.Count > 60, $"only {routes.Count} routes found: is the route table still read from the app?");

        // Each table row goes to the route that serves it: of the patterns matching its path, the most specific (literal segments first).
        var covered = new HashSet<(string, string)>();
        var stale = new List<string>();
        foreach (var row in Endpoints)
        {
            string method = row.Data.Item1, path = row.Data.Item2.Split('?')[0];
            var match = routes.Where(r => r.Method == method && Matches(r.Pattern, path)).OrderByDescending(r => Specificity(r.Pattern)).FirstOrDefault();
            if (match.Pattern is null) stale.Add($"{method} {path}");
            else covered.Add(match);
        }
        Assert.True(stale.Count == 0, "table rows no route serves: " + string.Join(", ", stale));
        string[] missing = routes.Where(r => !covered.Contains(r) && !PublicRoutes.Contains(r)).Select(r => $"{r.Method} {r.Pattern}").Order().ToArray();
        Assert.True(missing.Length == 0, "routes missing from ApiTests.Endpoints (add a row with a valid body and who may call it, or list them as public): " + string.Join(", ", missing));
        string[] gone = PublicRoutes.Where(p => !routes.Contains(p)).Select(p => $"{p.Method} {p.Pattern}").ToArray();
        Assert.True(gone.Length == 0, "public routes no longer mapped: " + string.Join(", ", gone));
    }

    /// <summary>Whether a concrete path fits a route pattern whose parameters each fill one whole segment.</summary>
    private static bool Matches(string pattern, string path)
    {
        string[] p = pattern.Trim('/').Split('/'), s = path.Trim('/').Split('/');
        if (p.Length != s.Length) return false;
        for (int i = 0; i < p.Length; i++)
        {
            bool parameter = p[i].StartsWith('{') && p[i].EndsWith('}');
            if (parameter ? s[i].Length == 0 : !string.Equals(p[i], s[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    /// <summary>Routing precedence for such patterns: a literal segment beats a parameter, earlier segments weigh more.</summary>
    private static string Specificity(string pattern) => string.Concat(pattern.Trim('/').Split('/').Select(seg => seg.StartsWith('{') ? '0' : '1'));

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_refuses_missing_and_bad_tokens_and_callers_without_the_right_role(string method, string path, string? body, string access)
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient otto = node.Operator.WithToken((await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("otto", "operator"), C)).Unwrap().Token!);
        CorridorClient cathy = node.Operator.WithToken((await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("cathy", "compliance"), C)).Unwrap().Token!);
        var before = await node.StateAsync();
        var m = new HttpMethod(method);

        var (status, text, type) = await TestNode.Send(node.Anonymous, m, path, body);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("auth.missing_token", Code(text));

        (status, text, _) = await TestNode.Send(node.Operator.WithToken("AAAA.BBBB"), m, path, body);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("auth.invalid_token", Code(text));

        // A token signed with another key.
        var foreign = new Corridor.Server.Auth.ApiTokens(new byte[32]).Issue(TestNode.Alice, Corridor.Server.Auth.CallerRole.Direct, DateTimeOffset.UtcNow.AddDays(1));
        (status, _, _) = await TestNode.Send(node.Operator.WithToken(foreign), m, path, body);
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        // Who is refused, with which code: a participant on every operator endpoint, an operator user without the role.
        var refused = new List<(string Who, CorridorClient Client, string Code)>();
        switch (access)
        {
            case Access.Participant: break;
            case Access.SystemOperator:
                refused.Add(("participant", node.AliceClient, "auth.operator_only"));
                refused.Add(("compliance user", cathy, "auth.operator_role_required"));
                break;
            case Access.Compliance:
                refused.Add(("participant", node.AliceClient, "auth.operator_only"));
                refused.Add(("operator-role user", otto, "auth.compliance_role_required"));
                break;
            case Access.Administrator:
                refused.Add(("participant", node.AliceClient, "auth.operator_only"));
                refused.Add(("operator-role user", otto, "auth.administrator_only"));
                refused.Add(("compliance user", cathy, "auth.administrator_only"));
                break;
            case Access.AnyOperator:
                refused.Add(("participant", node.AliceClient, "auth.operator_only"));
                break;
            default: Assert.Fail($"unknown access {access}"); break;
        }
        foreach (var (who, client, code) in refused)
        {
            (status, text, _) = await TestNode.Send(client, m, path, body);
            Assert.True(status == HttpStatusCode.Forbidden && Code(text) == code, $"{method} {path} as {who}: expected 403 {code}, got {(int)status} {text}");
        }
        Assert.Equal(before, await node.StateAsync());

        // The caller it is meant for gets past authorisation with this body (the row is a real request, not a typo that 404s or 400s).
        CorridorClient allowed = access switch
        {
            Access.Participant => node.AliceClient,
            Access.SystemOperator => otto,
            Access.Compliance => cathy,
            _ => node.Operator,
        };
        (status, text, _) = await TestNode.Send(allowed, m, path, body);
        Assert.False(status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{method} {path} as the caller it is meant for: {(int)status} {text}");
        Assert.False(status == HttpStatusCode.BadRequest && text.Contains("\"request.", StringComparison.Ordinal), $"{method} {path}: the table's body or query is malformed: {text}");
        Assert.NotEqual("request.not_found", status == HttpStatusCode.NotFound ? Code(text) : null);
    }

    [Fact]
    public async Task Expired_token_is_401_and_suspended_participant_is_403()
    {
        await using TestNode node = await TestNode.StartAsync();
        string expired = node.Server.Gateway.Tokens.Issue(TestNode.Alice, Corridor.Server.Auth.CallerRole.Direct, DateTimeOffset.UtcNow.AddSeconds(-1));
        var (status, text, _) = await TestNode.Send(node.Operator.WithToken(expired), HttpMethod.Get, "/v1/accounts/0x11", null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("auth.token_expired", Code(text));

        (await node.Operator.ChangeParticipantStatusAsync(TestNode.Alice, "suspended", C)).Unwrap();
        var r = await node.AliceClient.GetAccountAsync(TestNode.AliceAccount, C);
        Assert.Equal(HttpStatusCode.Forbidden, r.Status);
        Assert.Equal("auth.participant_suspended", r.Problem!.Code);
        (await node.Operator.ChangeParticipantStatusAsync(TestNode.Alice, "active", C)).Unwrap();
        Assert.True((await node.AliceClient.GetAccountAsync(TestNode.AliceAccount, C)).Ok);
    }

    [Fact]
    public async Task A_participant_sees_and_debits_only_its_own_accounts()
    {
        await using TestNode node = await TestNode.StartAsync();
        Assert.True((await node.AliceClient.GetAccountAsync(TestNode.AliceAccount, C)).Ok);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.AliceClient.GetAccountAsync(TestNode.BobAccount, C)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.AliceClient.ListAccountTransfersAsync(TestNode.BobAccount, c: C)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.AliceClient.GetSettlementAccountAsync(TestNode.Bob, 1, C)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.AliceClient.GetParticipantAsync(TestNode.Bob, C)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.AliceClient.CreateAccountAsync(new CreateAccountRequest("0x99", 1, 1, Participant: TestNode.Bob), C)).Status);

        var noFloor = await node.AliceClient.CreateAccountAsync(new CreateAccountRequest("0x98", 1, 1), C);
        Assert.Equal(HttpStatusCode.Forbidden, noFloor.Status);
        AccountDto own = (await node.AliceClient.CreateAccountAsync(new CreateAccountRequest("0x98", 1, 1, Flags: ["debits_must_not_exceed_credits"]), C)).Unwrap();
        Assert.Equal(TestNode.Alice, own.Participant);
        Assert.Contains((await node.AliceClient.ListAccountsAsync(C)).Unwrap(), a => a.Id == own.Id);
        Assert.DoesNotContain((await node.AliceClient.ListAccountsAsync(C)).Unwrap(), a => a.Participant != TestNode.Alice);

        var before = await node.StateAsync();
        var steal = await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x6001", TestNode.BobAccount, TestNode.AliceAccount, 5, 1, 1), C);
        Assert.Equal(HttpStatusCode.Forbidden, steal.Status);
        Assert.Equal("auth.forbidden", steal.Problem!.Code);
        var stealBatch = await node.AliceClient.CreateTransfersAsync([new("0x6002", TestNode.AliceAccount, TestNode.BobAccount, 5, 1, 1), new("0x6003", TestNode.BobAccount, TestNode.AliceAccount, 5, 1, 1)], C);
        Assert.Equal(HttpStatusCode.Forbidden, stealBatch.Status);
        var payAsBob = await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x7009", TestNode.Alice, 1, 5, Payer: TestNode.Bob), C);
        Assert.Equal(HttpStatusCode.Forbidden, payAsBob.Status);
        Assert.Equal(before, await node.StateAsync());

        // Alice pays Bob: both see the transfer, a third participant does not.
        TransferDto t = (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x6004", TestNode.AliceBook, TestNode.BobBook, 5, TestNode.Book, 1), C)).Unwrap();
        Assert.True((await node.BobClient.GetTransferAsync(t.Id, C)).Ok);
        string carol = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(3, "Carol", "direct"), C)).Unwrap().Token;
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Operator.WithToken(carol).GetTransferAsync(t.Id, C)).Status);
        var page = (await node.BobClient.ListAccountTransfersAsync(TestNode.BobBook, c: C)).Unwrap();
        Assert.Contains(page.Transfers, x => x.Id == t.Id);
    }

    [Fact]
    public async Task A_participant_cannot_read_or_move_another_participants_payments_queue_balances_or_reports()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        CorridorClient carol = node.Operator.WithToken((await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(3, "Carol", "direct"), C)).Unwrap().Token);
        // Alice's payment to Bob waits in Alice's queue (more than she holds).
        Assert.Equal("queued", (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA1", TestNode.Bob, 1, TestNode.Funding * 2, Kind: "interbank"), C)).Unwrap().Status);
        var before = await node.StateAsync();

        async Task Refused(CorridorClient who, string method, string path, string? body = null, bool batchItem = false)
        {
            var (status, text, _) = await TestNode.Send(who, new HttpMethod(method), path, body);
            if (batchItem) // a batch answers 200 and refuses the item (the others of the batch go on)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(text);
                var item = doc.RootElement.GetProperty("results")[0];
                Assert.True(status == HttpStatusCode.OK && item.GetProperty("code").GetString() == "auth.forbidden" && item.GetProperty("status").GetString() == "refused",
                    $"{method} {path}: {(int)status} {text}");
                return;
            }
            Assert.True(status == HttpStatusCode.Forbidden && Code(text) == "auth.forbidden", $"{method} {path}: {(int)status} {text}");
        }

        // Bob, the payee, reads the payment but neither Alice's queue, balances, accounts nor account reports, and changes nothing of hers.
        Assert.True((await node.BobClient.GetPaymentAsync("0xA1", C)).Ok);
        await Refused(node.BobClient, "GET", "/v1/participants/1/queue/1");
        await Refused(node.BobClient, "GET", "/v1/accounts?participant=1");
        await Refused(node.BobClient, "GET", "/v1/accounts/0x11/balances");
        await Refused(node.BobClient, "GET", "/v1/accounts/0x11/transfers");
        await Refused(node.BobClient, "GET", "/v1/iso20022/camt054?account=0x11");
        await Refused(node.BobClient, "GET", "/v1/iso20022/camt052/0x11");
        await Refused(node.BobClient, "POST", "/v1/payments/0xA1/actions", """{"action":"revoke"}""");
        await Refused(node.BobClient, "POST", "/v1/settlement-accounts", """{"participant":1,"ledger":1,"account_id":"0x13"}""");
        await Refused(node.BobClient, "POST", "/v1/sending-limits", """{"participant":1,"ledger":1,"counterparty":2,"limit":0}""");
        await Refused(node.BobClient, "POST", "/v1/reservations", """{"participant":1,"ledger":1,"urgent_reserve":0,"high_reserve":0}""");
        await Refused(node.BobClient, "POST", "/v1/payments", """{"id":"0xB1","payer":1,"payee":2,"ledger":1,"amount":5,"kind":"interbank"}""");
        await Refused(node.BobClient, "POST", "/v1/payments/batch", """{"payments":[{"id":"0xB2","payer":1,"payee":2,"ledger":1,"amount":5,"kind":"interbank"}]}""", batchItem: true);

        // Carol, neither payer nor payee, does not see the payment at all, by id or by reference.
        await Refused(carol, "GET", "/v1/payments/0xA1");
        await Refused(carol, "POST", "/v1/payments/0xA1/actions", """{"action":"revoke"}""");
        await Refused(carol, "GET", "/v1/participants/2/queue/1");
        Assert.Empty((await carol.FindPaymentsAsync("txId", "0xA1", C)).Unwrap());
        Assert.Equal(before, await node.StateAsync());
        Assert.Equal("queued", (await node.AliceClient.GetPaymentAsync("0xA1", C)).Unwrap().Status);

        // A netting window shows each participant only its own net position.
        (await node.Operator.OpenWindowAsync(new OpenWindowRequest(9, 1, "retail"), C)).Unwrap();
        (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA2", TestNode.Bob, 1, 300, Kind: "interbank", WindowId: 9), C)).Unwrap();
        (await node.BobClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA3", TestNode.Alice, 1, 100, Kind: "interbank", WindowId: 9), C)).Unwrap();
        (await node.Operator.CloseWindowAsync(9, C)).Unwrap();
        Assert.Equal(2, (await node.Operator.GetWindowAsync(9, C)).Unwrap().NetPositions.Length);
        Assert.All((await node.BobClient.GetWindowAsync(9, C)).Unwrap().NetPositions, n => Assert.Equal(TestNode.Bob, n.Participant));
        Assert.Empty((await carol.GetWindowAsync(9, C)).Unwrap().NetPositions);
    }

    [Fact]
    public async Task A_compliance_officer_reads_but_cannot_create_accounts_move_money_or_instruct_for_a_participant()
    {
        await using TestNode node = await TestNode.StartAsync();
        string cathyToken = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("cathy", "compliance"), C)).Unwrap().Token!;
        CorridorClient cathy = node.Operator.WithToken(cathyToken);
        CorridorClient otto = node.Operator.WithToken((await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("otto", "operator"), C)).Unwrap().Token!);
        var before = await node.StateAsync();

        // Investigations read every participant's data.
        Assert.True((await cathy.GetAccountAsync(TestNode.AliceAccount, C)).Ok);
        Assert.True((await cathy.ListAccountTransfersAsync(TestNode.AliceAccount, c: C)).Ok);

        // Money moves, accounts and instructions on a participant's behalf are the system operator's, not the compliance desk's.
        (string Method, string Path, string Body)[] writes =
        [
            ("POST", "/v1/transfers", """{"id":"0x5101","debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1}"""),
            ("POST", "/v1/transfers/batch", """{"transfers":[{"id":"0x5102","debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1}]}"""),
            ("POST", "/v1/accounts", """{"id":"0x78","ledger":1,"code":1,"participant":1}"""),
            ("POST", "/v1/payments", """{"id":"0x7101","payer":1,"payee":2,"ledger":1,"amount":5,"kind":"interbank"}"""),
            ("POST", "/v1/payments/batch", """{"payments":[{"id":"0x7102","payer":1,"payee":2,"ledger":1,"amount":5,"kind":"interbank"}]}"""),
            ("POST", "/v1/fx/quotes", Json(new PublishQuoteRequest("0xF9", "USD", "KES", new FxRateDto(12935, 100), 100, 1_000_000, Later, "0x11", "0x11", 60, Provider: TestNode.Alice))),
            ("POST", "/v1/fx/locks", Json(new LockQuoteRequest("0x4C", "0xF1", "0x11", "0x21", 100, 30, Payer: TestNode.Alice))),
            ("POST", "/v1/fx/payments", Json(new PayAgainstLockRequest("0x4D", "0x4C", Party, Party with { Country = "KE" }, TradeRef, Payer: TestNode.Alice))),
            ("DELETE", "/v1/fx/quotes/0xF9", ""),
            ("DELETE", "/v1/fx/locks/0x4C", ""),
            ("POST", "/v1/fx/trades/0xE1/cancel", ""),
        ];
        foreach (var (method, path, body) in writes)
        {
            var (status, text, _) = await TestNode.Send(cathy, new HttpMethod(method), path, body.Length == 0 ? null : body);
            Assert.True(status == HttpStatusCode.Forbidden && Code(text) == "auth.operator_role_required", $"{method} {path} as a compliance officer: {(int)status} {text}");
        }
        using (var xml = new HttpRequestMessage(HttpMethod.Post, "/v1/iso20022") { Content = new StringContent("<Document/>", System.Text.Encoding.UTF8, "application/xml") })
        {
            xml.Headers.Authorization = new("Bearer", cathyToken);
            using HttpResponseMessage r = await node.Operator.Http.SendAsync(xml, C);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("auth.operator_role_required", Code(await r.Content.ReadAsStringAsync(C)));
        }
        Assert.Equal(before, await node.StateAsync());

        // An operator-role user still moves money between participants (corrections, funding).
        Assert.Equal(HttpStatusCode.Created, (await otto.CreateTransferAsync(new CreateTransferRequest("0x5103", TestNode.AliceAccount, TestNode.BobAccount, 10, 1, 1), C)).Status);
    }

    [Theory]
    [InlineData("""{"id":"0x5001","debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1,"extra":1}""", "request.unknown_field")]
    [InlineData("""{"id":"0x5001","debit_account_id":"0x11","credit_account_id":"0x21","amount":"10","ledger":1,"code":1}""", "request.invalid_type")]
    [InlineData("""{"id":"0x5001","debit_account_id":"0x11","credit_account_id":"0x21","amount":1.5,"ledger":1,"code":1}""", "request.invalid_type")]
    [InlineData("""{"id":"0x5001","debit_account_id":"0x11","credit_account_id":"0x21","amount":-1,"ledger":1,"code":1}""", "request.invalid_amount")]
    [InlineData("""{"id":"0x5001","debit_account_id":"0x11","credit_account_id":"0x21","amount":9223372036854775808,"ledger":1,"code":1}""", "request.invalid_type")]
    [InlineData("""{"id":"0xZZ","debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1}""", "request.invalid_id")]
    [InlineData("""{"id":"-5","debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1}""", "request.invalid_id")]
    [InlineData("""{"id":"0x5001","debit_account_id":"0x11","amount":10,"ledger":1,"code":1}""", "request.missing_field")]
    [InlineData("""{"id":"0x5001","id":"0x5002","debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1}""", "request.duplicate_field")]
    [InlineData("""{"id":null,"debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1}""", "request.invalid_type")]
    [InlineData("""{"id":"0x5001","debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1,"flags":["bogus"]}""", "request.invalid_value")]
    [InlineData("""[1,2,3]""", "request.invalid_type")]
    [InlineData("""{"id":""", "request.invalid_json")]
    [InlineData("null", "request.invalid_json")]
    [InlineData("", "request.empty_body")]
    public async Task Bad_transfer_input_is_a_400_with_a_code_and_changes_nothing(string json, string code)
    {
        await using TestNode node = await TestNode.StartAsync();
        var before = await node.StateAsync();
        var (status, text, type) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/transfers", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(code, Code(text));
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task Body_too_large_batch_too_large_and_wrong_media_type_are_refused()
    {
        await using TestNode node = await TestNode.StartAsync();
        var before = await node.StateAsync();
        string huge = "{\"transfers\":[" + string.Join(",", Enumerable.Range(1, 45_000).Select(i => TransferJson.Replace("0x5001", "0x" + (0x100000 + i).ToString("x")))) + "]}";
        // Over the batch bound: 413, or the server closes the connection before the client finished sending.
        try
        {
            // Its own connection pool: the server closes this connection, which must not be reused below.
            using var own = new HttpClient { BaseAddress = node.Operator.Http.BaseAddress };
            var (hugeStatus, _, _) = await TestNode.Send(new CorridorClient(own, node.AliceToken), HttpMethod.Post, "/v1/transfers/batch", huge);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugeStatus);
        }
        catch (HttpRequestException) { }
        // Over the 64 KiB bound of single requests.
        string padded = TransferJson.Replace("\"code\":1", "\"code\":1" + new string(' ', 100_000));
        var (status, text, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/transfers", padded);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request.body_too_large", Code(text));

        var many = Enumerable.Range(1, 8191).Select(i => new CreateTransferRequest("0x" + (0x200000 + i).ToString("x"), TestNode.AliceBook, TestNode.BobBook, 1, TestNode.Book, 1)).ToArray();
        var r = await node.AliceClient.CreateTransfersAsync(many, C);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("request.batch_too_large", r.Problem!.Code);

        (status, text, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/transfers/batch", """{"transfers":[]}""");
        Assert.Equal("request.empty_batch", Code(text));

        // A null item (found by FuzzTests: it was a 500) refuses the whole batch; the valid transfer beside it is not made.
        (status, text, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/transfers/batch", $"{{\"transfers\":[{TransferJson},null]}}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("request.invalid_value", Code(text));
        Assert.Contains("transfers[1]: a transfer, not null", text, StringComparison.Ordinal);

        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/transfers") { Content = new StringContent(TransferJson, System.Text.Encoding.UTF8, "text/plain") };
        req.Headers.Authorization = new("Bearer", node.AliceToken);
        using HttpResponseMessage resp = await node.Operator.Http.SendAsync(req, C);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, resp.StatusCode);
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task Batch_of_8190_applies_with_per_item_results()
    {
        await using TestNode node = await TestNode.StartAsync();
        var items = Enumerable.Range(1, 8190).Select(i => new CreateTransferRequest((1_000_000 + i).ToString(), TestNode.AliceBook, TestNode.BobBook, i == 5 ? 10_000_000 : 1, TestNode.Book, 1)).ToArray();
        BatchResult r = (await node.AliceClient.CreateTransfersAsync(items, C)).Unwrap();
        Assert.Equal(8189, r.Created);
        Assert.Equal(1, r.Rejected);
        Assert.Equal("transfer.exceeds_credits", r.Results[4].Code);
        BatchResult again = (await node.AliceClient.CreateTransfersAsync(items, C)).Unwrap();
        Assert.Equal(8189, again.Exists);
        AccountDto alice = (await node.AliceClient.GetAccountAsync(TestNode.AliceBook, C)).Unwrap();
        Assert.Equal(TestNode.Funding - 8189, alice.CreditsPosted - alice.DebitsPosted);
    }

    [Fact]
    public async Task Account_transfers_page_by_timestamp_cursor()
    {
        await using TestNode node = await TestNode.StartAsync();
        for (int i = 1; i <= 5; i++)
            (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest((500 + i).ToString(), TestNode.AliceBook, TestNode.BobBook, i, TestNode.Book, 1), C)).Unwrap();
        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            TransferPage page = (await node.AliceClient.ListAccountTransfersAsync(TestNode.AliceBook, cursor, 2, C)).Unwrap();
            seen.AddRange(page.Transfers.Select(t => t.Id));
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null && pages < 10);
        // The funding injection plus five transfers, each once, in time order.
        Assert.Equal(6, seen.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(["501", "502", "503", "504", "505"], seen.Skip(1));
        Assert.Equal(HttpStatusCode.BadRequest, (await node.AliceClient.ListAccountTransfersAsync(TestNode.AliceAccount, "x", 2, C)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await node.AliceClient.ListAccountTransfersAsync(TestNode.AliceAccount, null, 5000, C)).Status);
    }

    [Fact]
    public async Task Resubmitting_a_transfer_is_idempotent_and_different_content_is_409()
    {
        await using TestNode node = await TestNode.StartAsync();
        var t = new CreateTransferRequest("12345", TestNode.AliceBook, TestNode.BobBook, 100, TestNode.Book, 1);
        var first = await node.AliceClient.CreateTransferAsync(t, C);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var second = await node.AliceClient.CreateTransferAsync(t with { Id = "0x3039" }, C);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Value, second.Value);
        var different = await node.AliceClient.CreateTransferAsync(t with { Amount = 101 }, C);
        Assert.Equal(HttpStatusCode.Conflict, different.Status);
        Assert.Equal("transfer.exists_with_different_amount", different.Problem!.Code);
        var tooMuch = await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("777", TestNode.AliceBook, TestNode.BobBook, TestNode.Funding * 10, TestNode.Book, 1), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMuch.Status);
        Assert.Equal("transfer.exceeds_credits", tooMuch.Problem!.Code);

        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        var p = new SubmitPaymentRequest("0x8001", TestNode.Bob, 1, 50, "urgent", Kind: "interbank");
        Assert.Equal(HttpStatusCode.Created, (await node.AliceClient.SubmitPaymentAsync(p, C)).Status);
        var again = await node.AliceClient.SubmitPaymentAsync(p, C);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("settled", again.Value!.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await node.AliceClient.SubmitPaymentAsync(p with { Amount = 51 }, C)).Status);

        var lq = new LiquidityRequest("0x9001", TestNode.Alice, 1, TestNode.Funding, "inject");
        Assert.Equal(HttpStatusCode.OK, (await node.Operator.MoveLiquidityAsync(lq, C)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await node.Operator.MoveLiquidityAsync(lq with { Amount = 1 }, C)).Status);
    }

    [Fact]
    public async Task Settlement_day_payments_queue_lsm_windows_and_statements_work_over_http()
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        DayDto day = (await op.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        Assert.Equal("open", day.Phase);
        PaymentDto big = (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA1", TestNode.Bob, 1, TestNode.Funding * 2, Kind: "interbank"), C)).Unwrap();
        Assert.Equal("queued", big.Status);
        PaymentDto[] queue = (await node.AliceClient.GetQueueAsync(TestNode.Alice, 1, C)).Unwrap();
        Assert.Single(queue);
        // The operator's overview of every queue (Core's GetQueueOverview): one payment waiting, not old, no gridlock.
        LedgerQueuesDto overview = Assert.Single((await op.GetQueuesAsync(c: C)).Unwrap());
        Assert.Equal((1u, 1, TestNode.Funding * 2, 0), (overview.Ledger, overview.Payments, overview.AmountMinor, overview.Older));
        Assert.Null(overview.Gridlock);
        Assert.Equal(1, Assert.Single((await op.GetQueuesAsync(olderThanSeconds: 0, C)).Unwrap()).Older);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.AliceClient.GetQueuesAsync(c: C)).Status);
        Assert.Equal("request.invalid_value", (await op.GetQueuesAsync(olderThanSeconds: -1, C)).Problem!.Code);
        PaymentDto changed = (await node.AliceClient.ManagePaymentAsync("0xA1", new QueueActionRequest("change_priority", "high"), C)).Unwrap();
        Assert.Equal("high", changed.Priority);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.ManagePaymentAsync("0xA1", new QueueActionRequest("revoke"), C)).Status);
        Assert.True((await op.RunLsmAsync(1, C)).Ok);
        PaymentDto revoked = (await node.AliceClient.ManagePaymentAsync("0xA1", new QueueActionRequest("revoke"), C)).Unwrap();
        Assert.Equal("revoked", revoked.Status);

        WindowDto w = (await op.OpenWindowAsync(new OpenWindowRequest(9, 1, "retail"), C)).Unwrap();
        Assert.Equal("open", w.Status);
        Assert.Equal("in_window", (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA2", TestNode.Bob, 1, 300, Kind: "interbank", WindowId: 9), C)).Unwrap().Status);
        Assert.Equal("in_window", (await node.BobClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA3", TestNode.Alice, 1, 100, Kind: "interbank", WindowId: 9), C)).Unwrap().Status);
        WindowDto closed = (await op.CloseWindowAsync(9, C)).Unwrap();
        Assert.Equal("settled", closed.Status);
        Assert.Single((await node.AliceClient.GetWindowAsync(9, C)).Unwrap().NetPositions);

        (await op.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        (await op.ChangePhaseAsync("interbank_cutoff", C)).Unwrap();
        (await op.ChangePhaseAsync("end_of_day", C)).Unwrap();
        StatementDto s = (await node.AliceClient.GetStatementAsync(new DateOnly(2026, 11, 23), TestNode.AliceAccount, C)).Unwrap();
        Assert.Equal(TestNode.Funding - 200, s.ClosingBalanceMinor);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.GetStatementAsync(new DateOnly(2026, 11, 23), TestNode.AliceAccount, C)).Status);
        (await op.SetCreditLineAsync(new CreditLineRequest("0xC1", TestNode.Alice, 1, 500), C)).Unwrap();
        Assert.Equal(100, (await node.AliceClient.SetReservationAsync(new ReservationRequest(TestNode.Alice, 1, 100, 50), C)).Unwrap().UrgentReserveMinor);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.SetReservationAsync(new ReservationRequest(TestNode.Alice, 1, 0, 0), C)).Status);
        Assert.Equal(700, (await node.AliceClient.SetSendingLimitAsync(new SendingLimitRequest(TestNode.Alice, 1, 0, 700), C)).Unwrap().MultilateralLimitMinor);
    }

    [Fact]
    public async Task Problem_details_have_the_rfc9457_shape_and_unknown_routes_are_404()
    {
        await using TestNode node = await TestNode.StartAsync();
        var (status, text, type) = await TestNode.Send(node.AliceClient, HttpMethod.Get, "/v1/accounts/0x424242", null);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", type);
        using JsonDocument doc = JsonDocument.Parse(text);
        JsonElement root = doc.RootElement;
        Assert.Equal("account.not_found", root.GetProperty("code").GetString());
        Assert.Equal(404, root.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("detail").GetString()));
        Assert.Equal("/v1/accounts/0x424242", root.GetProperty("instance").GetString());
        (status, text, _) = await TestNode.Send(node.AliceClient, HttpMethod.Get, "/v1/nope", null);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("request.not_found", Code(text));
    }

    [Fact]
    public async Task OpenApi_metrics_and_health_are_served()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x1", TestNode.AliceBook, TestNode.BobBook, 1, TestNode.Book, 1), C)).Unwrap();
        var (status, openapi, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/openapi/v1.json", null);
        Assert.Equal(HttpStatusCode.OK, status);
        using (JsonDocument doc = JsonDocument.Parse(openapi))
        {
            JsonElement paths = doc.RootElement.GetProperty("paths");
            Assert.True(paths.TryGetProperty("/v1/transfers/batch", out _));
            Assert.True(paths.TryGetProperty("/v1/payments", out _));
        }
        var (ms, metrics, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        Assert.Equal(HttpStatusCode.OK, ms);
        // OpenTelemetry's Prometheus exporter: the node's instruments under their stable names, ASP.NET Core's and the runtime's.
        Assert.Contains("# TYPE corridor_journal_fsync_seconds histogram", metrics);
        Assert.True(TestNode.Metric(metrics, "corridor_journal_fsync_seconds_count") >= 10);
        Assert.Equal(2, TestNode.Metric(metrics, "corridor_engine_events_total", ("operation", "CreateTransfers"))); // the world funds the book ledger
        Assert.Equal(1, TestNode.Metric(metrics, "corridor_engine_events_total", ("operation", "CreateParticipantTransfers")));
        Assert.Equal(2_000_000, TestNode.Metric(metrics, "corridor_liquidity_minor", ("ledger", "1")));
        Assert.Equal(0, TestNode.Metric(metrics, "corridor_rejected_busy_total"));
        Assert.Equal(0, TestNode.Metric(metrics, "corridor_sequencer_queue_depth"));
        Assert.True(TestNode.Metric(metrics, "corridor_journal_bytes_total") > 0);
        Assert.Equal(3, TestNode.Metric(metrics, "http_server_request_duration_seconds_count",
            ("http_route", "/v1/transfers"), ("http_request_method", "POST"), ("http_response_status_code", "201")));
        Assert.Contains("kestrel_active_connections", metrics);
        Assert.Contains("dotnet_gc_collections_total", metrics);
        Assert.Equal(HttpStatusCode.OK, (await TestNode.Send(node.Anonymous, HttpMethod.Get, "/health/live", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await TestNode.Send(node.Anonymous, HttpMethod.Get, "/health/ready", null)).Status);
    }

    [Fact]
    public async Task Node_latency_histogram_counts_every_request_and_grows_by_the_ones_between_two_readings()
    {
        await using TestNode node = await TestNode.StartAsync();
        NodeLatencyDto before = (await node.AliceClient.GetNodeLatencyAsync(C)).Unwrap();
        Assert.True(before.Requests > 0 && before.Batches > 0);
        Assert.Equal(before.Requests, before.Buckets.Sum(b => b.Count));
        Assert.True(before.Buckets.Zip(before.Buckets.Skip(1)).All(p => p.First.UpperMicros < p.Second.UpperMicros), "buckets ascending");
        for (int i = 1; i <= 3; i++)
            (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x" + i, TestNode.AliceBook, TestNode.BobBook, 1, TestNode.Book, 1), C)).Unwrap();
        NodeLatencyDto after = (await node.Operator.GetNodeLatencyAsync(C)).Unwrap();
        Assert.Equal(before.Requests + 3, after.Requests);
        Assert.Equal(3, after.Buckets.Sum(b => b.Count) - before.Buckets.Sum(b => b.Count));
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Anonymous.GetNodeLatencyAsync(C)).Status);
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_loses_nothing_acknowledged()
    {
        await using TestNode node = await TestNode.StartAsync(queueCapacity: 1);
        var acked = new System.Collections.Concurrent.ConcurrentBag<string>();
        int busy = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, 400), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = C }, async (i, ct) =>
        {
            var r = await node.AliceClient.CreateTransferAsync(new CreateTransferRequest((90_000 + i).ToString(), TestNode.AliceBook, TestNode.BobBook, 1, TestNode.Book, 1), ct);
            if (r.Ok) acked.Add(r.Value!.Id);
            else
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
                Assert.Equal("node.busy", r.Problem!.Code);
                Assert.Equal(TimeSpan.FromSeconds(1), r.RetryAfter);
                Interlocked.Increment(ref busy);
            }
        });
        Assert.True(busy > 0, "no request met a full queue");
        AccountDto alice = (await node.AliceClient.GetAccountAsync(TestNode.AliceBook, C)).Unwrap();
        Assert.Equal(TestNode.Funding - acked.Count, alice.CreditsPosted - alice.DebitsPosted);
        var (_, metrics, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        Assert.Equal(busy, TestNode.Metric(metrics, "corridor_rejected_busy_total"));
    }

    internal static string? Code(string problemJson)
    {
        using JsonDocument doc = JsonDocument.Parse(problemJson);
        return doc.RootElement.GetProperty("code").GetString();
    }
}
