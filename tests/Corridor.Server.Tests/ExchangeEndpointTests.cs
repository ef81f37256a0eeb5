using System.Net;
using System.Text.Json;
using Corridor.Client;
using CsCheck;

namespace Corridor.Server.Tests;

/// <summary>
/// Cross-currency settlement over real HTTP: quote → best quote → lock → PvP payment with both legs checked in both currencies,
/// expiry and insufficient funds settling neither leg, authorisation, strict input, queries by invoice and letter of credit.
/// World: Alice (1) pays in USD from 0xA840 (1,000.00 USD, cannot overdraw); Carol (3) is the FX provider (USD 0xC840,
/// KES 0xC404 holding 1,000,000.00 KES); Bob (2) is the payee (KES 0xB404).
/// </summary>
public sealed class ExchangeEndpointTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private const ulong Carol = 3;
    private const uint Usd = 840, Kes = 404;
    private const string AliceUsd = "0xA840", BobKes = "0xB404", CarolUsd = "0xC840", CarolKes = "0xC404";
    private const long AliceFundingMinor = 100_000, CarolFundingMinor = 100_000_000;
    private const string QuoteId = "0xF1";

    private static readonly FxPartyDto Originator = new(Name: "Acme Trading Ltd", StreetName: "Main Street", BuildingNumber: "12", PostCode: "10001",
        TownName: "New York", Country: "US", Account: "US12345678", IdScheme: "bic", Identifier: "ACMEUS33");
    private static readonly FxPartyDto Beneficiary = new(Name: "Wanjiru Kamau & Söhne — Nairobi 咖啡", TownName: "Nairobi", CountrySubDivision: "Nairobi County",
        Country: "KE", Account: "KE0012345", IdScheme: "tax_id", Identifier: "P051234567X");
    private static readonly FxTradeReferenceDto Trade = new(InvoiceNumber: "INV-2026-0042", InvoiceDate: new DateOnly(2026, 11, 20), LetterOfCreditReference: "LC-KE-77",
        GoodsDescription: "Roasted coffee beans, 20 t", HsCode: "090121", Incoterms: "FOB", IncotermsPlace: "Mombasa");

    private sealed record World(TestNode Node, CorridorClient Carol) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Node.DisposeAsync();
    }

    private static async Task<World> StartAsync()
    {
        TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        string carolToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Carol, "Carol FX", "direct"), C)).Unwrap().Token;
        string[] limited = ["debits_must_not_exceed_credits"];
        (await op.CreateAccountAsync(new CreateAccountRequest("0xCB840", Usd, 1, Participant: TestNode.CentralBank), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest("0xCB404", Kes, 1, Participant: TestNode.CentralBank), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest(AliceUsd, Usd, 1, Participant: TestNode.Alice, Flags: limited), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest(BobKes, Kes, 1, Participant: TestNode.Bob), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest(CarolUsd, Usd, 1, Participant: Carol), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest(CarolKes, Kes, 1, Participant: Carol, Flags: limited), C)).Unwrap();
        (await op.CreateTransferAsync(new CreateTransferRequest("0xF001", "0xCB840", AliceUsd, AliceFundingMinor, Usd, 1), C)).Unwrap();
        (await op.CreateTransferAsync(new CreateTransferRequest("0xF002", "0xCB404", CarolKes, CarolFundingMinor, Kes, 1), C)).Unwrap();
        (await op.OpenDayAsync(new DateOnly(2026, 12, 1), C)).Unwrap(); // cross-currency payments keep the operating day like any payment
        var carol = op.WithToken(carolToken);
        PublishQuoteRequest quote = Quote(QuoteId);
        Assert.Equal(HttpStatusCode.Created, (await carol.PublishQuoteAsync(quote, C)).Status);
        Assert.Equal(HttpStatusCode.OK, (await carol.PublishQuoteAsync(quote, C)).Status); // valid_from_ns 0 = first publication: idempotent
        Assert.Equal(HttpStatusCode.Conflict, (await carol.PublishQuoteAsync(quote with { MaxLockSeconds = 61 }, C)).Status);
        return new World(node, carol);
    }

    /// <summary>USD → KES at 129.35 for 1.00 … 10,000.00 USD, valid one hour, locks up to 60 s.</summary>
    private static PublishQuoteRequest Quote(string id) => new(id, "USD", "KES", new FxRateDto(12935, 100), 100, 1_000_000,
        (ulong)(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000), CarolUsd, CarolKes, 60);

    private static LockQuoteRequest Lock(string id, long amountMinor, uint seconds = 30) => new(id, QuoteId, AliceUsd, BobKes, amountMinor, seconds);

    private static PayAgainstLockRequest Payment(string id, string lockId, FxTradeReferenceDto? trade = null) => new(id, lockId, Originator, Beneficiary, trade ?? Trade);

    private static async Task<AccountDto> Account(TestNode node, string id) => (await node.Operator.GetAccountAsync(id, C)).Unwrap();

    private static string Code(string problem) => JsonDocument.Parse(problem).RootElement.GetProperty("code").GetString()!;

    /// <summary>Issue "One payment path", defect 1: cross-currency payments settled after the cut-offs and end of day.</summary>
    [Fact]
    public async Task A_cross_currency_payment_keeps_the_operating_day_and_cut_offs_and_is_counted_in_the_day()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        (await node.AliceClient.LockQuoteAsync(Lock("0x2A", 10_000), C)).Unwrap();
        Assert.Equal(HttpStatusCode.Created, (await node.AliceClient.PayAgainstLockAsync(Payment("0x2F", "0x2A"), C)).Status);
        DayDto day = (await node.Operator.GetDayAsync(C)).Unwrap();
        Assert.Equal((1, 1, 1), (day.Submitted, day.Settled, day.CrossCurrency));

        (await node.Operator.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        (await node.AliceClient.LockQuoteAsync(Lock("0x2B", 10_000), C)).Unwrap();
        var refused = await node.AliceClient.PayAgainstLockAsync(Payment("0x2C", "0x2B"), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("fx.after_customer_cutoff", refused.Problem!.Code);
        Assert.Equal(10_000, (await Account(node, AliceUsd)).DebitsPosted); // only the first payment moved
        Assert.Equal("locked", (await node.AliceClient.GetLockAsync("0x2B", C)).Unwrap().Status); // the lock is the payer's to release

        (await node.Operator.ChangePhaseAsync("interbank_cutoff", C)).Unwrap();
        (await node.Operator.ChangePhaseAsync("end_of_day", C)).Unwrap();
        var afterEnd = await node.AliceClient.PayAgainstLockAsync(Payment("0x2D", "0x2B"), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, afterEnd.Status);
        Assert.Equal("fx.day_not_open", afterEnd.Problem!.Code);
        Assert.Equal(10_000, (await Account(node, AliceUsd)).DebitsPosted);
        Assert.Equal(1_293_500, (await Account(node, BobKes)).CreditsPosted); // 100.00 USD × 129.35, once

        day = (await node.Operator.GetDayAsync(C)).Unwrap();
        Assert.Equal((3, 1, 2, 3), (day.Submitted, day.Settled, day.Rejected, day.CrossCurrency));
    }

    [Fact]
    public async Task Quote_best_lock_pay_settles_both_legs_in_both_currencies()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;

        BestQuoteDto best = (await node.AliceClient.FindBestQuoteAsync("USD", "KES", 50_000, c: C)).Unwrap();
        Assert.Equal("241", best.QuoteId); // 0xF1
        Assert.Equal(Carol, best.Provider);
        Assert.Equal(6_467_500, best.DestinationAmount); // 500.00 USD × 129.35 = 64,675.00 KES
        BestQuoteDto byDestination = (await node.AliceClient.FindBestQuoteAsync("USD", "KES", 12_936, "destination", C)).Unwrap();
        Assert.Equal(101, byDestination.SourceAmount); // 129.36 KES needs 1.01 USD (rounded up)

        var locked = await node.AliceClient.LockQuoteAsync(Lock("0x1A", 50_000), C);
        Assert.Equal(HttpStatusCode.Created, locked.Status);
        Assert.Equal("locked", locked.Value!.Status);
        Assert.Equal(6_467_500, locked.Value.DestinationAmount);
        Assert.Equal(6_467_500, (await Account(node, CarolKes)).DebitsPending); // provider liquidity reserved
        Assert.Equal(HttpStatusCode.OK, (await node.AliceClient.LockQuoteAsync(Lock("0x1A", 50_000), C)).Status); // idempotent

        var paid = await node.AliceClient.PayAgainstLockAsync(Payment("0x1F", "0x1A"), C);
        Assert.Equal(HttpStatusCode.Created, paid.Status);
        Assert.Equal("settled", paid.Value!.Status);
        Assert.Null(paid.Value.Reason);

        AccountDto aliceUsd = await Account(node, AliceUsd), carolUsd = await Account(node, CarolUsd), carolKes = await Account(node, CarolKes), bobKes = await Account(node, BobKes);
        Assert.Equal(50_000, aliceUsd.DebitsPosted);
        Assert.Equal(50_000, carolUsd.CreditsPosted);
        Assert.Equal(6_467_500, carolKes.DebitsPosted);
        Assert.Equal(0, carolKes.DebitsPending);
        Assert.Equal(6_467_500, bobKes.CreditsPosted);
        // Participants see the same through the ledger endpoints with their own tokens.
        Assert.Equal(6_467_500, (await node.BobClient.GetAccountAsync(BobKes, C)).Unwrap().CreditsPosted);
        Assert.Equal(50_000, (await node.AliceClient.GetAccountAsync(AliceUsd, C)).Unwrap().DebitsPosted);

        // Parties and trade references come back byte for byte; the payee's bank reads it too; resubmission is idempotent.
        FxPaymentDto read = (await node.AliceClient.GetFxPaymentAsync("0x1F", C)).Unwrap();
        Assert.Equal(Originator, read.Originator);
        Assert.Equal(Beneficiary, read.Beneficiary);
        Assert.Equal(Trade, read.Trade);
        Assert.True((await node.BobClient.GetFxPaymentAsync("0x1F", C)).Ok);
        Assert.Equal(HttpStatusCode.OK, (await node.AliceClient.PayAgainstLockAsync(Payment("0x1F", "0x1A"), C)).Status);
        Assert.Equal("settled", (await node.AliceClient.GetLockAsync("0x1A", C)).Unwrap().Status);
        // Another bank reusing the id is refused as a reuse (the engine's answer, in the one hand-off of the request) and learns
        // nothing of the payment that holds it.
        var reused = await node.BobClient.PayAgainstLockAsync(Payment("0x1F", "0x1A"), C);
        Assert.Equal(HttpStatusCode.Conflict, reused.Status);
        Assert.Equal("fx.id_reused_with_different_content", reused.Problem!.Code);
        Assert.Equal((null, null), (reused.Problem.PaymentId, reused.Problem.PaymentStatus));
        var reusedLock = await node.BobClient.LockQuoteAsync(Lock("0x1A", 50_000) with { PayerAccountId = BobKes }, C);
        Assert.Equal((HttpStatusCode.Conflict, "fx.id_reused_with_different_content"), (reusedLock.Status, reusedLock.Problem!.Code));

        var again = await node.AliceClient.PayAgainstLockAsync(Payment("0x2F", "0x1A"), C);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("fx.lock_already_used", again.Problem!.Code);
        Assert.Equal(50_000, (await Account(node, AliceUsd)).DebitsPosted);

        // Locks are listed, newest first: the payer's own, the operator's all, nobody else's; by status.
        (await node.AliceClient.LockQuoteAsync(Lock("0x1B", 10_000), C)).Unwrap();
        Assert.Equal(["27", "26"], (await node.AliceClient.ListLocksAsync(c: C)).Unwrap().Select(l => l.Id));
        Assert.Equal(["26"], (await node.Operator.ListLocksAsync("settled", c: C)).Unwrap().Select(l => l.Id));
        Assert.Equal(["27"], (await node.Operator.ListLocksAsync("locked", c: C)).Unwrap().Select(l => l.Id));
        Assert.Equal(["27"], (await node.AliceClient.ListLocksAsync("locked", c: C)).Unwrap().Select(l => l.Id)); // open locks: their own list
        Assert.Empty((await node.BobClient.ListLocksAsync("locked", c: C)).Unwrap());
        Assert.Empty((await node.BobClient.ListLocksAsync(c: C)).Unwrap());
        Assert.Equal(["26"], (await node.AliceClient.ListLocksAsync("settled", c: C)).Unwrap().Select(l => l.Id)); // a participant's from its own index
        var badStatus = await node.AliceClient.ListLocksAsync("pending", c: C);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.Status);
        Assert.Equal("request.invalid_value", badStatus.Problem!.Code);
    }

    [Fact]
    public async Task Expired_lock_and_insufficient_funds_settle_neither_leg()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;

        (await node.AliceClient.LockQuoteAsync(Lock("0x2A", 10_000, seconds: 1), C)).Unwrap();
        await Task.Delay(1_500, C);
        var late = await node.AliceClient.PayAgainstLockAsync(Payment("0x2F", "0x2A"), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.Status);
        Assert.Equal("fx.lock_expired", late.Problem!.Code);
        FxPaymentDto failed = (await node.AliceClient.GetFxPaymentAsync("0x2F", C)).Unwrap();
        Assert.Equal("failed", failed.Status);
        Assert.Equal("fx.lock_expired", failed.Reason);

        // 2,000.00 USD locked, 1,000.00 USD held: the provider's reservation is voided, nothing moves.
        (await node.AliceClient.LockQuoteAsync(Lock("0x3A", 200_000), C)).Unwrap();
        Assert.Equal(25_870_000, (await Account(node, CarolKes)).DebitsPending);
        var poor = await node.AliceClient.PayAgainstLockAsync(Payment("0x3F", "0x3A"), C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, poor.Status);
        Assert.Equal("fx.payer_insufficient_funds", poor.Problem!.Code);
        Assert.Equal(("63", "failed"), (poor.Problem.PaymentId, poor.Problem.PaymentStatus)); // 0x3F: the recorded payment, never a 201
        Assert.Equal("transfer.exceeds_credits", (await node.AliceClient.GetFxPaymentAsync("0x3F", C)).Unwrap().LedgerReason);
        Assert.Equal("released", (await node.AliceClient.GetLockAsync("0x3A", C)).Unwrap().Status);

        // A released lock (here by the operator, on the payer's behalf) frees the reservation and cannot be paid.
        (await node.Operator.LockQuoteAsync(Lock("0x4A", 10_000) with { Payer = TestNode.Alice }, C)).Unwrap();
        Assert.Equal("released", (await node.Operator.ReleaseLockAsync("0x4A", C)).Unwrap().Status);
        Assert.Equal("released", (await node.AliceClient.ReleaseLockAsync("0x4A", C)).Unwrap().Status); // idempotent
        Assert.Equal("fx.lock_released", (await node.AliceClient.PayAgainstLockAsync(Payment("0x4F", "0x4A"), C)).Problem!.Code);
        Assert.Equal("fx.lock_not_found", (await node.AliceClient.ReleaseLockAsync("0x4B", C)).Problem!.Code);

        AccountDto aliceUsd = await Account(node, AliceUsd), carolUsd = await Account(node, CarolUsd), carolKes = await Account(node, CarolKes), bobKes = await Account(node, BobKes);
        Assert.Equal((0, 0), (aliceUsd.DebitsPosted, aliceUsd.DebitsPending));
        Assert.Equal((0, 0), (carolUsd.CreditsPosted, carolUsd.CreditsPending));
        Assert.Equal((0, 0), (carolKes.DebitsPosted, carolKes.DebitsPending));
        Assert.Equal((0, 0), (bobKes.CreditsPosted, bobKes.CreditsPending));
    }

    [Fact]
    public async Task Payers_providers_and_operator_act_only_within_their_rights()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        var before = await node.StateAsync();

        var currency = await node.AliceClient.ConfigureCurrencyAsync(new ConfigureCurrencyRequest("XLC", 2, 5000), C);
        Assert.Equal(HttpStatusCode.Forbidden, currency.Status);
        Assert.Equal("auth.operator_only", currency.Problem!.Code);
        var forBob = await node.AliceClient.LockQuoteAsync(Lock("0x4A", 10_000) with { Payer = TestNode.Bob }, C);
        Assert.Equal(HttpStatusCode.Forbidden, forBob.Status);
        Assert.Equal("auth.forbidden", forBob.Problem!.Code);
        var fromCarol = await node.AliceClient.LockQuoteAsync(Lock("0x4B", 10_000) with { PayerAccountId = CarolUsd }, C);
        Assert.Equal(HttpStatusCode.Forbidden, fromCarol.Status);
        var asCarol = await node.AliceClient.PublishQuoteAsync(Quote("0xF2") with { Provider = Carol }, C);
        Assert.Equal(HttpStatusCode.Forbidden, asCarol.Status);
        var payAsBob = await node.AliceClient.PayAgainstLockAsync(Payment("0x4F", "0x4A") with { Payer = TestNode.Bob }, C);
        Assert.Equal(HttpStatusCode.Forbidden, payAsBob.Status);
        Assert.Equal(before, await node.StateAsync());

        // The operator configures currencies; anyone authenticated reads them.
        Assert.Equal(HttpStatusCode.Created, (await node.Operator.ConfigureCurrencyAsync(new ConfigureCurrencyRequest("XLC", 2, 5000), C)).Status);
        Assert.Equal(5000u, (await node.AliceClient.GetCurrencyAsync("XLC", C)).Unwrap().Ledger);
        Assert.Equal(840u, (await node.AliceClient.GetCurrencyAsync("USD", C)).Unwrap().Ledger);
        var clash = await node.Operator.ConfigureCurrencyAsync(new ConfigureCurrencyRequest("XLC", 3, 5000), C);
        Assert.Equal(HttpStatusCode.Conflict, clash.Status);
        Assert.Equal("fx.configured_differently", clash.Problem!.Code);
        Assert.Equal("fx.currency_not_found", (await node.AliceClient.GetCurrencyAsync("QQQ", C)).Problem!.Code);

        // Only the payer (and the payee's bank) reads a payment; the provider does not.
        (await node.AliceClient.LockQuoteAsync(Lock("0x5A", 10_000), C)).Unwrap();
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Carol.GetLockAsync("0x5A", C)).Status);
        var releaseByOther = await w.Carol.ReleaseLockAsync("0x5A", C);
        Assert.Equal(HttpStatusCode.Forbidden, releaseByOther.Status);
        Assert.Equal("fx.not_lock_payer", releaseByOther.Problem!.Code);
        (await node.AliceClient.PayAgainstLockAsync(Payment("0x5F", "0x5A"), C)).Unwrap();
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Carol.GetFxPaymentAsync("0x5F", C)).Status);
        Assert.Empty((await w.Carol.FindFxPaymentsByInvoiceAsync(Trade.InvoiceNumber, c: C)).Unwrap());
        Assert.Single((await node.Operator.FindFxPaymentsByInvoiceAsync(Trade.InvoiceNumber, c: C)).Unwrap());

        // Only the provider withdraws its quote.
        var byBob = await node.BobClient.WithdrawQuoteAsync(QuoteId, C);
        Assert.Equal(HttpStatusCode.Forbidden, byBob.Status);
        Assert.Equal("fx.not_quote_provider", byBob.Problem!.Code);
        Assert.Equal("active", (await node.AliceClient.GetQuoteAsync(QuoteId, C)).Unwrap().Status);
        Assert.Equal("withdrawn", (await w.Carol.WithdrawQuoteAsync(QuoteId, C)).Unwrap().Status);
        var none = await node.AliceClient.FindBestQuoteAsync("USD", "KES", 10_000, c: C);
        Assert.Equal(HttpStatusCode.NotFound, none.Status);
        Assert.Equal("fx.no_quote", none.Problem!.Code);
        Assert.Equal("fx.quote_not_found", (await w.Carol.WithdrawQuoteAsync("0xDEAD", C)).Problem!.Code);
    }

    [Fact]
    public async Task Nobody_pays_against_anothers_lock_or_quotes_with_anothers_accounts()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        (await node.AliceClient.LockQuoteAsync(Lock("0x6A", 10_000), C)).Unwrap();
        long aliceUsd = (await Account(node, AliceUsd)).DebitsPosted + (await Account(node, AliceUsd)).DebitsPending, bobKes = (await Account(node, BobKes)).CreditsPosted;

        // Bob (the payee's bank) and Carol (the provider) cannot spend Alice's lock, nor act as Alice.
        foreach (var (other, id) in new[] { (node.BobClient, "0x6B"), (w.Carol, "0x6C") })
        {
            // Payment ids are one space: a refused payment keeps its id (as a failed payment of whoever sent it).
            var pay = await other.PayAgainstLockAsync(Payment(id, "0x6A"), C);
            Assert.Equal(HttpStatusCode.Forbidden, pay.Status);
            Assert.Equal("fx.not_lock_payer", pay.Problem!.Code);
            var asAlice = await other.PayAgainstLockAsync(Payment(id + "1", "0x6A") with { Payer = TestNode.Alice }, C);
            Assert.Equal(HttpStatusCode.Forbidden, asAlice.Status);
            Assert.Equal("auth.forbidden", asAlice.Problem!.Code);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetLockAsync("0x6A", C)).Status);
        }
        Assert.Equal(aliceUsd, (await Account(node, AliceUsd)).DebitsPosted + (await Account(node, AliceUsd)).DebitsPending);
        Assert.Equal(bobKes, (await Account(node, BobKes)).CreditsPosted);
        Assert.Equal("locked", (await node.AliceClient.GetLockAsync("0x6A", C)).Unwrap().Status);

        // A provider quotes only from and to its own accounts: Carol cannot make Alice's USD account the one that is paid into.
        var foreign = await w.Carol.PublishQuoteAsync(Quote("0xF3") with { ProviderSourceAccountId = AliceUsd }, C);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Equal("fx.account_not_owned_by_provider", foreign.Problem!.Code);
        Assert.Equal(HttpStatusCode.NotFound, (await node.AliceClient.GetQuoteAsync("0xF3", C)).Status);

        // Only the payer settles its lock.
        Assert.Equal("settled", (await node.AliceClient.PayAgainstLockAsync(Payment("0x6F", "0x6A"), C)).Unwrap().Status);
    }

    [Fact]
    public async Task Malformed_or_incomplete_input_is_refused_and_changes_nothing()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        (await node.AliceClient.LockQuoteAsync(Lock("0x6A", 10_000), C)).Unwrap();
        var before = await node.StateAsync();

        string party = JsonSerializer.Serialize(Originator, CorridorJson.Options), trade = JsonSerializer.Serialize(Trade, CorridorJson.Options);
        string Pay(string extra = "", string? originator = null, string? tradeJson = null) =>
            $$"""{"id":"0x6F","lock_id":"0x6A","originator":{{originator ?? party}},"beneficiary":{{party}},"trade":{{tradeJson ?? trade}}{{extra}}}""";
        var cases = new (string Method, string Path, string? Body, HttpStatusCode Status, string Code)[]
        {
            ("POST", "/v1/fx/payments", Pay(",\"memo\":1"), HttpStatusCode.BadRequest, "request.unknown_field"),
            ("POST", "/v1/fx/payments", """{"id":"0x6F","originator":{},"beneficiary":{},"trade":{}}""", HttpStatusCode.BadRequest, "request.missing_field"),
            ("POST", "/v1/fx/payments", Pay(originator: party.Replace("\"Acme Trading Ltd\"", "\"" + new string('A', 141) + "\"", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "request.invalid_value"),
            ("POST", "/v1/fx/payments", Pay(originator: party.Replace("\"ACMEUS33\"", "null", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "request.invalid_type"),
            ("POST", "/v1/fx/payments", Pay(tradeJson: trade.Replace("\"090121\"", "\"09AB21\"", StringComparison.Ordinal)), HttpStatusCode.UnprocessableEntity, "fx.hs_code_invalid"),
            ("POST", "/v1/fx/payments", Pay(tradeJson: trade.Replace("\"LC-KE-77\"", "\"\"", StringComparison.Ordinal)), HttpStatusCode.UnprocessableEntity, "fx.contract_or_letter_of_credit_reference_missing"),
            ("POST", "/v1/fx/payments", Pay(tradeJson: trade.Replace("\"2026-11-20\"", "\"2026-02-31\"", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "request.invalid_date"),
            ("POST", "/v1/fx/payments", Pay(originator: party.Replace("\"bic\"", "\"lei\"", StringComparison.Ordinal)), HttpStatusCode.UnprocessableEntity, "fx.originator_identifier_invalid"),
            ("POST", "/v1/fx/payments", Pay(originator: party.Replace("\"US\"", "\"us\"", StringComparison.Ordinal)), HttpStatusCode.UnprocessableEntity, "fx.originator_country_invalid"),
            ("POST", "/v1/fx/locks", """{"id":"0x6B","quote_id":"0xF1","payer_account_id":"0xA840","payee_account_id":"0xB404","amount":1.5,"lock_seconds":30}""", HttpStatusCode.BadRequest, "request.invalid_type"),
            ("POST", "/v1/fx/locks", """{"id":"0x6B","quote_id":"0xF1","payer_account_id":"0xA840","payee_account_id":"0xB404","amount":100,"lock_seconds":30,"side":"both"}""", HttpStatusCode.BadRequest, "request.invalid_value"),
            ("POST", "/v1/fx/locks", """{"id":"zz","quote_id":"0xF1","payer_account_id":"0xA840","payee_account_id":"0xB404","amount":100,"lock_seconds":30}""", HttpStatusCode.BadRequest, "request.invalid_id"),
            ("POST", "/v1/fx/quotes", """{"id":"0xF3","source_currency":"USD","destination_currency":"KES","rate":"12.x","min_source_amount":1,"max_source_amount":2,"valid_until_ns":1,"provider_source_account_id":"0xC840","provider_destination_account_id":"0xC404","max_lock_seconds":5}""", HttpStatusCode.BadRequest, "request.invalid_type"),
            ("POST", "/v1/fx/quotes", """{"id":"0xF3","source_currency":"USD","destination_currency":"KES","rate":{"numerator":1,"denominator":2,"x":3},"min_source_amount":1,"max_source_amount":2,"valid_until_ns":1,"provider_source_account_id":"0xC840","provider_destination_account_id":"0xC404","max_lock_seconds":5}""", HttpStatusCode.BadRequest, "request.unknown_field"),
            ("POST", "/v1/currencies", """{"code":"XLC","exponent":2,"ledger":5000,"ledger":5001}""", HttpStatusCode.BadRequest, "request.duplicate_field"),
            ("GET", "/v1/fx/quotes/best?from=USD&to=KES&source_amount=1&destination_amount=1", null, HttpStatusCode.BadRequest, "request.missing_field"),
            ("GET", "/v1/fx/quotes/best?from=USD&to=KES&source_amount=-5", null, HttpStatusCode.BadRequest, "request.invalid_amount"),
            ("GET", "/v1/fx/payments", null, HttpStatusCode.BadRequest, "request.missing_field"),
        };
        foreach (var (method, path, body, status, code) in cases)
        {
            var (got, text, type) = await TestNode.Send(Caller(node, path), new HttpMethod(method), path, body);
            Assert.True(status == got, $"{method} {path} {body}: expected {status}, got {got}: {text}");
            Assert.Equal("application/problem+json", type);
            Assert.True(code == Code(text), $"{method} {path} {body}: expected {code}: {text}");
        }
        Assert.Equal(before, await node.StateAsync());
        Assert.Equal("locked", (await node.AliceClient.GetLockAsync("0x6A", C)).Unwrap().Status);

        // A decimal rate string is exact.
        string decimalQuote = JsonSerializer.Serialize(Quote("0xF4"), CorridorJson.Options).Replace("{\"numerator\":12935,\"denominator\":100}", "\"129.35\"", StringComparison.Ordinal);
        var (created, json, _) = await TestNode.Send(w.Carol, HttpMethod.Post, "/v1/fx/quotes", decimalQuote);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(new FxRateDto(12935, 100), JsonSerializer.Deserialize<QuoteDto>(json, CorridorJson.Options)!.Rate);
    }

    [Fact]
    public async Task Quotes_are_listed_newest_first_and_by_status()
    {
        await using World w = await StartAsync();
        string withdrawn = (await w.Carol.PublishQuoteAsync(Quote("0xF8"), C)).Unwrap().Id;
        string active = (await w.Carol.PublishQuoteAsync(Quote("0xF9"), C)).Unwrap().Id;
        Assert.Equal("withdrawn", (await w.Carol.WithdrawQuoteAsync("0xF8", C)).Unwrap().Status);

        async Task<string[]> List(string query)
        {
            var (status, json, _) = await TestNode.Send(w.Node.AliceClient, HttpMethod.Get, "/v1/fx/quotes" + query, null); // quotes are public
            Assert.Equal(HttpStatusCode.OK, status);
            return JsonSerializer.Deserialize<QuoteDto[]>(json, CorridorJson.Options)!.Select(q => q.Id).ToArray();
        }
        string[] all = await List("");
        Assert.Equal([active, withdrawn], all[..2]); // newest first
        Assert.Equal([withdrawn], await List("?status=withdrawn"));
        string[] open = await List("?status=active");
        Assert.Equal(active, open[0]);
        Assert.DoesNotContain(withdrawn, open);
        Assert.Equal([active], await List("?status=active&limit=1"));
        Assert.Empty(await List("?status=expired"));
        var (bad, problem, _) = await TestNode.Send(w.Node.AliceClient, HttpMethod.Get, "/v1/fx/quotes?status=open", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("request.invalid_value", problem);
    }

    private static CorridorClient Caller(TestNode node, string path) => path.StartsWith("/v1/currencies", StringComparison.Ordinal) ? node.Operator : node.AliceClient;

    [Fact]
    public async Task Random_edits_of_fx_requests_never_500_and_change_state_only_when_the_engine_decided()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        (await node.AliceClient.LockQuoteAsync(Lock("0x6A", 10_000), C)).Unwrap(); // what the payments below pay against
        var documents = new (string Path, CorridorClient Caller, string Json)[]
        {
            ("/v1/fx/quotes", w.Carol, JsonSerializer.Serialize(Quote("0xF7"), CorridorJson.Options)),
            ("/v1/fx/locks", node.AliceClient, JsonSerializer.Serialize(Lock("0x6C", 5_000), CorridorJson.Options)),
            ("/v1/fx/payments", node.AliceClient, JsonSerializer.Serialize(Payment("0x6F", "0x6A"), CorridorJson.Options)),
            ("/v1/currencies", node.Operator, JsonSerializer.Serialize(new ConfigureCurrencyRequest("XLC", 2, 5000), CorridorJson.Options)),
        };
        await Gen.Select(Gen.Int[0, documents.Length - 1], FuzzTests.Edit).SampleAsync(async c =>
        {
            var (path, caller, valid) = documents[c.Item1];
            string json = FuzzTests.Mutate(valid, c.Item2);
            var before = await node.StateAsync();
            var (status, body, type) = await TestNode.Send(caller, HttpMethod.Post, path, json);
            Assert.True((int)status < 500, $"{path} {json} → {(int)status} {body}");
            if ((int)status is >= 200 and < 300) return;
            Assert.Equal("application/problem+json", type);
            if (!FuzzTests.IsEngineRefusal(status, body))
            {
                var after = await node.StateAsync();
                Assert.True(before == after, $"{path} {json} → {(int)status} {body} changed the state {before} → {after}");
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public async Task Payments_are_found_by_invoice_and_letter_of_credit()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        FxTradeReferenceDto contractOnly = Trade with { LetterOfCreditReference = "", ContractReference = "CT-9" };
        (await node.AliceClient.LockQuoteAsync(Lock("0x7A", 10_000), C)).Unwrap();
        (await node.AliceClient.PayAgainstLockAsync(Payment("0x7F", "0x7A"), C)).Unwrap();
        (await node.AliceClient.LockQuoteAsync(Lock("0x8A", 20_000), C)).Unwrap();
        (await node.AliceClient.PayAgainstLockAsync(Payment("0x8F", "0x8A", contractOnly), C)).Unwrap();
        (await node.AliceClient.LockQuoteAsync(Lock("0x9A", 30_000), C)).Unwrap();
        (await node.AliceClient.PayAgainstLockAsync(Payment("0x9F", "0x9A", Trade with { InvoiceNumber = "INV-OTHER" }), C)).Unwrap();

        FxPaymentDto[] byInvoice = (await node.AliceClient.FindFxPaymentsByInvoiceAsync(Trade.InvoiceNumber, c: C)).Unwrap();
        Assert.Equal(["127", "143"], byInvoice.Select(p => p.Id)); // 0x7F, 0x8F: oldest first
        Assert.Equal("CT-9", byInvoice[1].Trade.ContractReference);
        FxPaymentDto[] byLc = (await node.BobClient.FindFxPaymentsByLetterOfCreditAsync("LC-KE-77", c: C)).Unwrap();
        Assert.Equal(["127", "159"], byLc.Select(p => p.Id));
        Assert.Single((await node.AliceClient.FindFxPaymentsByInvoiceAsync(Trade.InvoiceNumber, limit: 1, C)).Unwrap());
        Assert.Empty((await node.AliceClient.FindFxPaymentsByInvoiceAsync("inv-2026-0042", c: C)).Unwrap()); // exact, case-sensitive
        Assert.Empty((await node.AliceClient.FindFxPaymentsByLetterOfCreditAsync("LC-NONE", c: C)).Unwrap());
    }

    [Fact]
    public async Task Bilateral_trade_settles_both_legs_on_affirmation_and_only_parties_act()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        (await node.Operator.CreateAccountAsync(new CreateAccountRequest("0xA404", Kes, 1, Participant: TestNode.Alice), C)).Unwrap();
        ulong deadline = (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000;
        var terms = new FxTradeRequest("0xE1", TestNode.Alice, Carol, "USD", "KES", 10_000, 1_293_500, AliceUsd, CarolUsd, CarolKes, "0xA404", deadline);

        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.SubmitFxTradeAsync(terms, C)).Status);
        var submitted = await node.AliceClient.SubmitFxTradeAsync(terms, C);
        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        Assert.Equal("submitted", submitted.Value!.Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.AffirmFxTradeAsync(terms, C)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.BobClient.GetFxTradeAsync("0xE1", C)).Status);
        Assert.Equal("fx.affirmer_must_be_counterparty", (await node.AliceClient.AffirmFxTradeAsync(terms, C)).Problem!.Code);
        var mismatch = await w.Carol.AffirmFxTradeAsync(terms with { AmountB = 1_293_499 }, C);
        Assert.Equal(HttpStatusCode.Conflict, mismatch.Status);
        Assert.Equal("fx.terms_mismatch", mismatch.Problem!.Code);
        Assert.Equal(0, (await Account(node, AliceUsd)).DebitsPosted);

        FxTradeDto settled = (await w.Carol.AffirmFxTradeAsync(terms, C)).Unwrap();
        Assert.Equal("settled", settled.Status);
        Assert.Equal(10_000, (await Account(node, AliceUsd)).DebitsPosted);
        Assert.Equal(10_000, (await Account(node, CarolUsd)).CreditsPosted);
        Assert.Equal(1_293_500, (await Account(node, CarolKes)).DebitsPosted);
        Assert.Equal(1_293_500, (await Account(node, "0xA404")).CreditsPosted);

        // A party pays only from its own account; a third party neither cancels nor reads the trade.
        var fromCarol = await node.AliceClient.SubmitFxTradeAsync(terms with { Id = "0xE4", PartyAPaysAccountId = CarolUsd, PartyBReceivesAccountId = AliceUsd }, C);
        Assert.Equal(HttpStatusCode.Forbidden, fromCarol.Status);
        Assert.Equal("fx.account_wrong_owner", fromCarol.Problem!.Code);
        (await node.AliceClient.SubmitFxTradeAsync(terms with { Id = "0xE2" }, C)).Unwrap();
        var byBob = await node.BobClient.CancelFxTradeAsync("0xE2", C);
        Assert.Equal(HttpStatusCode.Forbidden, byBob.Status);
        Assert.Equal("fx.submitter_not_a_party", byBob.Problem!.Code);
        Assert.Equal("submitted", (await node.AliceClient.GetFxTradeAsync("0xE2", C)).Unwrap().Status);
        Assert.Equal("cancelled", (await w.Carol.CancelFxTradeAsync("0xE2", C)).Unwrap().Status);
        Assert.Equal("fx.trade_cancelled", (await w.Carol.AffirmFxTradeAsync(terms with { Id = "0xE2" }, C)).Problem!.Code);
        Assert.Equal("fx.trade_not_found", (await w.Carol.CancelFxTradeAsync("0xE3", C)).Problem!.Code);

        // Lists, newest first: each party sees the trades it is a party of, a third party none, the operator all; by status.
        Assert.Equal(["226", "225"], (await node.AliceClient.ListFxTradesAsync(c: C)).Unwrap().Select(t => t.Id));
        Assert.Equal(["226", "225"], (await w.Carol.ListFxTradesAsync(c: C)).Unwrap().Select(t => t.Id));
        Assert.Empty((await node.BobClient.ListFxTradesAsync(c: C)).Unwrap());
        Assert.Equal(["225"], (await w.Carol.ListFxTradesAsync("settled", c: C)).Unwrap().Select(t => t.Id)); // a party's from its own index
        Assert.Equal(["225"], (await node.Operator.ListFxTradesAsync("settled", c: C)).Unwrap().Select(t => t.Id));
        Assert.Equal(["226"], (await node.Operator.ListFxTradesAsync("cancelled", limit: 1, c: C)).Unwrap().Select(t => t.Id));
        var badStatus = await node.Operator.ListFxTradesAsync("open", c: C);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.Status);
        Assert.Equal("request.invalid_value", badStatus.Problem!.Code);
    }

    [Fact]
    public async Task Cli_publishes_finds_locks_and_pays_against_a_running_node()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        string url = node.Server.Addresses[0];
        string dir = Directory.CreateTempSubdirectory("corridor-fx-cli-").FullName;
        try
        {
            string carolToken = Path.Combine(dir, "carol.token"), aliceToken = Path.Combine(dir, "alice.token");
            await File.WriteAllTextAsync(carolToken, (await node.Operator.IssueTokenAsync(Carol, C)).Unwrap().Token + "\n", C);
            await File.WriteAllTextAsync(aliceToken, node.AliceToken, C);
            await File.WriteAllTextAsync(Path.Combine(dir, "o.json"), JsonSerializer.Serialize(Originator, CorridorJson.Options), C);
            await File.WriteAllTextAsync(Path.Combine(dir, "b.json"), JsonSerializer.Serialize(Beneficiary, CorridorJson.Options), C);
            await File.WriteAllTextAsync(Path.Combine(dir, "t.json"), JsonSerializer.Serialize(Trade, CorridorJson.Options), C);
            // On the thread pool: the CLI blocks on its async actions, which must not wait for the test's synchronisation context.
            Task<int> Run(params string[] args) => Task.Run(() => Corridor.Cli.Program.Main([.. args, "--url", url]), C);

            Assert.Equal(0, await Run("fx", "quote", "publish", "--token-file", carolToken, "--id", "0xF9", "--from", "USD", "--to", "KES", "--rate", "130.10",
                "--min", "100", "--max", "500000", "--source-account", CarolUsd, "--destination-account", CarolKes));
            Assert.Equal(new FxRateDto(13010, 100), (await node.AliceClient.GetQuoteAsync("0xF9", C)).Unwrap().Rate);
            Assert.Equal(0, await Run("fx", "quote", "best", "--token", node.AliceToken, "--from", "USD", "--to", "KES", "--source-amount", "10000"));
            Assert.Equal(0, await Run("fx", "lock", "--token-file", aliceToken, "--id", "0xCA", "--quote", "0xF9", "--payer-account", AliceUsd, "--payee-account", BobKes, "--amount", "10000"));
            Assert.Equal(0, await Run("fx", "pay", "--token-file", aliceToken, "--id", "0xCF", "--lock", "0xCA", "--originator-json", Path.Combine(dir, "o.json"),
                "--beneficiary-json", Path.Combine(dir, "b.json"), "--trade-json", Path.Combine(dir, "t.json")));
            Assert.Equal(0, await Run("fx", "payment", "0xCF", "--token-file", aliceToken));
            Assert.Equal(1_301_000, (await Account(node, BobKes)).CreditsPosted);

            Assert.Equal(1, await Run("fx", "payment", "0xCF", "--token-file", carolToken)); // forbidden: not the payer's
            Assert.Equal(1, await Run("fx", "quote", "withdraw", "--id", "0xF9", "--token-file", aliceToken)); // not the provider
            Assert.Equal(2, await Run("fx", "payment", "0xCF")); // no token
            Assert.Equal(2, await Run("fx", "pay", "--token-file", aliceToken, "--id", "0xCE", "--lock", "0xCA")); // files missing
            Assert.Equal(2, await Run("fx", "quote", "publish", "--token-file", carolToken, "--id", "0xFA", "--from", "USD", "--to", "KES", "--rate", "1.2.3",
                "--min", "1", "--max", "2", "--source-account", CarolUsd, "--destination-account", CarolKes));
            Assert.Equal(0, await Run("fx", "quote", "withdraw", "--id", "0xF9", "--token-file", carolToken));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Every_fx_endpoint_needs_a_token_and_operator_only_ones_refuse_participants()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        var before = await node.StateAsync();
        (string Method, string Path, bool OperatorOnly)[] endpoints =
        [
            ("POST", "/v1/currencies", true), ("GET", "/v1/currencies/USD", false), ("POST", "/v1/fx/quotes", false), ("GET", "/v1/fx/quotes/0xF1", false),
            ("GET", "/v1/fx/quotes/best?from=USD&to=KES&source_amount=1", false), ("DELETE", "/v1/fx/quotes/0xF1", false), ("POST", "/v1/fx/locks", false),
            ("GET", "/v1/fx/locks/0x1", false), ("DELETE", "/v1/fx/locks/0x1", false), ("POST", "/v1/fx/payments", false), ("GET", "/v1/fx/payments/0x1", false),
            ("GET", "/v1/fx/payments?invoice=X", false), ("POST", "/v1/fx/trades", false), ("POST", "/v1/fx/trades/0x1/affirm", false),
            ("POST", "/v1/fx/trades/0x1/cancel", false), ("GET", "/v1/fx/trades/0x1", false), ("GET", "/v1/fx/locks", false), ("GET", "/v1/fx/trades", false),
        ];
        foreach (var (method, path, operatorOnly) in endpoints)
        {
            var (status, text, _) = await TestNode.Send(node.Anonymous, new HttpMethod(method), path, method == "POST" ? "{}" : null);
            Assert.True(status == HttpStatusCode.Unauthorized && Code(text) == "auth.missing_token", $"{method} {path}: {status} {text}");
            if (!operatorOnly) continue;
            (status, text, _) = await TestNode.Send(node.AliceClient, new HttpMethod(method), path, """{"code":"XLC","exponent":2,"ledger":5000}""");
            Assert.True(status == HttpStatusCode.Forbidden && Code(text) == "auth.operator_only", $"{method} {path}: {status} {text}");
        }
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task Compliance_desk_holds_a_listed_beneficiary_until_the_operator_decides()
    {
        await using World w = await StartAsync();
        TestNode node = w.Node;
        const string List = "id,kind,name,aliases,countries,dates_of_birth,program\nRU-1,person,\"PUTIN, Vladimir\",\"Владимир Путин\",RU,1952-10-07,UKRAINE-EO13660\n";

        // Operator only; a broken file names its line and loads nothing.
        var (forbidden, _, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/compliance/watch-lists",
            JsonSerializer.Serialize(new LoadWatchListRequest("sanctions", "csv", "2026-11", List), CorridorJson.Options));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        var (bad, badBody, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/compliance/watch-lists",
            JsonSerializer.Serialize(new LoadWatchListRequest("sanctions", "csv", "2026-11", "id,name\nRU-1,\"unterminated\n"), CorridorJson.Options));
        Assert.Equal((HttpStatusCode)422, bad);
        Assert.Equal("compliance.parse_failed", Code(badBody));
        Assert.Contains("line", badBody, StringComparison.OrdinalIgnoreCase);
        var (loaded, _, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/compliance/watch-lists",
            JsonSerializer.Serialize(new LoadWatchListRequest("sanctions", "csv", "2026-11", List), CorridorJson.Options));
        Assert.Equal(HttpStatusCode.Created, loaded);

        // A payment to a listed beneficiary (another spelling) is held: no leg settles.
        Assert.Equal(HttpStatusCode.Created, (await node.AliceClient.LockQuoteAsync(Lock("0xC1", 10_000), C)).Status);
        long bobBefore = (await Account(node, BobKes)).CreditsPosted;
        var held = Payment("0xD1", "0xC1") with { Beneficiary = Beneficiary with { Name = "Wladimir Putin" } };
        var answer = await node.AliceClient.PayAgainstLockAsync(held, C);
        Assert.Equal(HttpStatusCode.Created, answer.Status); // accepted, not refused: it waits for the officer
        Assert.Equal("held", answer.Value!.Status);
        Assert.Equal(bobBefore, (await Account(node, BobKes)).CreditsPosted);
        var (_, holdsBody, _) = await TestNode.Send(node.Operator, HttpMethod.Get, "/v1/compliance/holds", null);
        Assert.Contains("RU-1", holdsBody);
        Assert.Equal(HttpStatusCode.Forbidden, (await TestNode.Send(node.AliceClient, HttpMethod.Get, "/v1/compliance/holds", null)).Status);

        // A decision needs a reason; with one, the release settles both legs.
        var (noReason, noReasonBody, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/compliance/holds/0xD1/release", """{"reason":" "}""");
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.Equal("compliance.reason_missing", Code(noReasonBody));
        var (released, releasedBody, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/compliance/holds/0xD1/release", """{"reason":"false positive: different person, verified passport"}""");
        Assert.Equal(HttpStatusCode.OK, released);
        Assert.Contains("released", releasedBody);
        Assert.True((await Account(node, BobKes)).CreditsPosted > bobBefore);
        Assert.Equal(HttpStatusCode.Conflict, (await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/compliance/holds/0xD1/reject", """{"reason":"too late"}""")).Status);

        // The audit export shows who did what, hash-chained and verified.
        var (_, auditBody, _) = await TestNode.Send(node.Operator, HttpMethod.Get, "/v1/compliance/audit", null);
        using JsonDocument audit = JsonDocument.Parse(auditBody);
        JsonElement entries = audit.RootElement.GetProperty("entries");
        Assert.True(audit.RootElement.GetProperty("chain_intact").GetBoolean());
        Assert.Contains(entries.EnumerateArray(), e => e.GetProperty("operation").GetString() == "release_hold" && e.GetProperty("operator").GetUInt64() == 1 && e.GetProperty("operator_name").GetString() == "root");
    }
}
