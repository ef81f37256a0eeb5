using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>Authorisation of every endpoint, strict input, idempotency, problem details, OpenAPI, metrics and health.</summary>
public sealed class ApiTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private const string TransferJson = """{"id":"0x5001","debit_account_id":"0x11","credit_account_id":"0x21","amount":10,"ledger":1,"code":1}""";

    /// <summary>Every endpoint: method, path, a valid body (or null), and whether only the operator may call it.</summary>
    public static readonly TheoryData<string, string, string?, bool> Endpoints = new()
    {
        { "POST", "/v1/accounts", """{"id":"0x77","ledger":1,"code":1,"flags":["debits_must_not_exceed_credits"]}""", false },
        { "GET", "/v1/accounts", null, false },
        { "GET", "/v1/accounts/0x11", null, false },
        { "GET", "/v1/accounts/0x11/transfers", null, false },
        { "GET", "/v1/accounts/0x11/balances", null, false },
        { "POST", "/v1/transfers", TransferJson, false },
        { "POST", "/v1/transfers/batch", "{\"transfers\":[" + TransferJson + "]}", false },
        { "GET", "/v1/transfers/0x9001", null, false },
        { "POST", "/v1/participants", """{"id":7,"name":"X","role":"direct"}""", true },
        { "GET", "/v1/participants", null, true },
        { "GET", "/v1/participants/1", null, false },
        { "POST", "/v1/participants/2/status", """{"status":"suspended"}""", true },
        { "POST", "/v1/participants/2/tokens", null, true },
        { "GET", "/v1/participants/1/settlement-accounts/1", null, false },
        { "GET", "/v1/participants/1/queue/1", null, false },
        { "POST", "/v1/ledgers", """{"ledger":2,"central_bank_id":100,"central_bank_account_id":"0x2000","clearing_account_id":"0x2001","currency_code":"UGX"}""", true },
        { "POST", "/v1/settlement-accounts", """{"participant":1,"ledger":1,"account_id":"0x12"}""", false },
        { "POST", "/v1/liquidity", """{"transfer_id":"0x9100","participant":1,"ledger":1,"amount":5,"direction":"inject"}""", true },
        { "POST", "/v1/credit-lines", """{"transfer_id":"0x9200","participant":1,"ledger":1,"limit":5}""", true },
        { "POST", "/v1/reservations", """{"participant":1,"ledger":1,"urgent_reserve":5,"high_reserve":5}""", false },
        { "POST", "/v1/sending-limits", """{"participant":1,"ledger":1,"counterparty":2,"limit":5}""", false },
        { "POST", "/v1/payments", """{"id":"0x7001","payee":2,"ledger":1,"amount":5}""", false },
        { "GET", "/v1/payments/0x7001", null, false },
        { "POST", "/v1/payments/0x7001/actions", """{"action":"revoke"}""", false },
        { "POST", "/v1/lsm/runs", """{"ledger":1}""", true },
        { "POST", "/v1/netting-windows", """{"window_id":5,"ledger":1,"name":"retail"}""", true },
        { "POST", "/v1/netting-windows/5/close", null, true },
        { "GET", "/v1/netting-windows/5", null, false },
        { "GET", "/v1/day", null, false },
        { "POST", "/v1/day/open", """{"business_date":20261123}""", true },
        { "POST", "/v1/day/phase", """{"phase":"customer_cutoff"}""", true },
        { "GET", "/v1/statements/20261123/0x11", null, false },
        { "GET", "/v1/payments?uetr=0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", null, false },
        { "GET", "/v1/iso20022/camt054?account=0x11", null, false },
        { "GET", "/v1/iso20022/camt053/20261123/0x11", null, false },
        { "GET", "/v1/iso20022/camt052/0x11", null, false },
        { "POST", "/v1/operators/1/status", """{"status":"active"}""", true },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_refuses_missing_and_bad_tokens_and_operator_only_ones_refuse_participants(string method, string path, string? body, bool operatorOnly)
    {
        await using TestNode node = await TestNode.StartAsync();
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

        if (operatorOnly)
        {
            (status, text, _) = await TestNode.Send(node.AliceClient, m, path, body);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("auth.operator_only", Code(text));
        }
        Assert.Equal(before, await node.StateAsync());
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
        TransferDto t = (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x6004", TestNode.AliceAccount, TestNode.BobAccount, 5, 1, 1), C)).Unwrap();
        Assert.True((await node.BobClient.GetTransferAsync(t.Id, C)).Ok);
        string carol = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(3, "Carol", "direct"), C)).Unwrap().Token;
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Operator.WithToken(carol).GetTransferAsync(t.Id, C)).Status);
        var page = (await node.BobClient.ListAccountTransfersAsync(TestNode.BobAccount, c: C)).Unwrap();
        Assert.Contains(page.Transfers, x => x.Id == t.Id);
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

        var many = Enumerable.Range(1, 8191).Select(i => new CreateTransferRequest("0x" + (0x200000 + i).ToString("x"), "0x11", "0x21", 1, 1, 1)).ToArray();
        var r = await node.AliceClient.CreateTransfersAsync(many, C);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("request.batch_too_large", r.Problem!.Code);

        (status, text, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/transfers/batch", """{"transfers":[]}""");
        Assert.Equal("request.empty_batch", Code(text));

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
        var items = Enumerable.Range(1, 8190).Select(i => new CreateTransferRequest((1_000_000 + i).ToString(), "0x11", "0x21", i == 5 ? 10_000_000 : 1, 1, 1)).ToArray();
        BatchResult r = (await node.AliceClient.CreateTransfersAsync(items, C)).Unwrap();
        Assert.Equal(8189, r.Created);
        Assert.Equal(1, r.Rejected);
        Assert.Equal("transfer.exceeds_credits", r.Results[4].Code);
        BatchResult again = (await node.AliceClient.CreateTransfersAsync(items, C)).Unwrap();
        Assert.Equal(8189, again.Exists);
        SettlementAccountDto alice = (await node.AliceClient.GetSettlementAccountAsync(TestNode.Alice, 1, C)).Unwrap();
        Assert.Equal(TestNode.Funding - 8189, alice.BalanceMinor);
    }

    [Fact]
    public async Task Account_transfers_page_by_timestamp_cursor()
    {
        await using TestNode node = await TestNode.StartAsync();
        for (int i = 1; i <= 5; i++)
            (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest((500 + i).ToString(), TestNode.AliceAccount, TestNode.BobAccount, i, 1, 1), C)).Unwrap();
        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            TransferPage page = (await node.AliceClient.ListAccountTransfersAsync(TestNode.AliceAccount, cursor, 2, C)).Unwrap();
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
        var t = new CreateTransferRequest("12345", TestNode.AliceAccount, TestNode.BobAccount, 100, 1, 1);
        var first = await node.AliceClient.CreateTransferAsync(t, C);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var second = await node.AliceClient.CreateTransferAsync(t with { Id = "0x3039" }, C);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Value, second.Value);
        var different = await node.AliceClient.CreateTransferAsync(t with { Amount = 101 }, C);
        Assert.Equal(HttpStatusCode.Conflict, different.Status);
        Assert.Equal("transfer.exists_with_different_amount", different.Problem!.Code);
        var tooMuch = await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("777", TestNode.AliceAccount, TestNode.BobAccount, TestNode.Funding * 10, 1, 1), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMuch.Status);
        Assert.Equal("transfer.exceeds_credits", tooMuch.Problem!.Code);

        (await node.Operator.OpenDayAsync(20261123, C)).Unwrap();
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
        DayDto day = (await op.OpenDayAsync(20261123, C)).Unwrap();
        Assert.Equal("open", day.Phase);
        PaymentDto big = (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA1", TestNode.Bob, 1, TestNode.Funding * 2, Kind: "interbank"), C)).Unwrap();
        Assert.Equal("queued", big.Status);
        PaymentDto[] queue = (await node.AliceClient.GetQueueAsync(TestNode.Alice, 1, C)).Unwrap();
        Assert.Single(queue);
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
        StatementDto s = (await node.AliceClient.GetStatementAsync(20261123, TestNode.AliceAccount, C)).Unwrap();
        Assert.Equal(TestNode.Funding - 200, s.ClosingBalanceMinor);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.GetStatementAsync(20261123, TestNode.AliceAccount, C)).Status);
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
        (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x1", TestNode.AliceAccount, TestNode.BobAccount, 1, 1, 1), C)).Unwrap();
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
        Assert.Contains("corridor_journal_fsync_seconds_bucket", metrics);
        Assert.Contains("corridor_engine_events_total{operation=\"CreateTransfers\"} 1", metrics);
        Assert.Contains("corridor_liquidity_minor{ledger=\"1\"} 2000000", metrics);
        Assert.Contains("corridor_http_requests_total{route=\"/v1/transfers\",method=\"POST\",status=\"201\"} 1", metrics);
        Assert.Contains("corridor_rejected_busy_total 0", metrics);
        Assert.Equal(HttpStatusCode.OK, (await TestNode.Send(node.Anonymous, HttpMethod.Get, "/health/live", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await TestNode.Send(node.Anonymous, HttpMethod.Get, "/health/ready", null)).Status);
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_loses_nothing_acknowledged()
    {
        await using TestNode node = await TestNode.StartAsync(queueCapacity: 1);
        var acked = new System.Collections.Concurrent.ConcurrentBag<string>();
        int busy = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, 400), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = C }, async (i, ct) =>
        {
            var r = await node.AliceClient.CreateTransferAsync(new CreateTransferRequest((90_000 + i).ToString(), TestNode.AliceAccount, TestNode.BobAccount, 1, 1, 1), ct);
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
        SettlementAccountDto alice = (await node.AliceClient.GetSettlementAccountAsync(TestNode.Alice, 1, C)).Unwrap();
        Assert.Equal(TestNode.Funding - acked.Count, alice.BalanceMinor);
        var (_, metrics, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        Assert.DoesNotContain("corridor_rejected_busy_total 0\n", metrics);
    }

    internal static string? Code(string problemJson)
    {
        using JsonDocument doc = JsonDocument.Parse(problemJson);
        return doc.RootElement.GetProperty("code").GetString();
    }
}
