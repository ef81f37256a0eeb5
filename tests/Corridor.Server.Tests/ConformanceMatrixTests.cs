using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// One payment path: each rule of money against each entry path, over real HTTP on one node (docs/payment-lifecycle.md).
/// World: KES (ledger 404, central bank 101) and GHS (ledger 936, central bank 102); KCB (21, KCBLKENX) pays from
/// 2,000,000.00 KES; Equity (24, EQBLKENA) receives KES; GCB (22, GHCBGHAC) receives GHS; Ecobank FX (23, ECOCGHAC)
/// quotes KES → GHS at 0.095 and holds 500,000.00 GHS; Pesa Bank (25, PESAKENA) has 100.00 KES.
/// Every cell where the rule applies is asserted (none is skipped).
/// </summary>
public sealed class ConformanceMatrixTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    public enum Path { RestSame, RestBatch, RestFx, Pacs008Same, Pacs008Cross, Pacs009, Return }
    public enum Rule { DayAndCutoff, TravelRule, ScreeningHold, QueueWithoutLiquidity, Priority, VisibleToPayerAndPayee, IdsKept, TradeReferencesKept, ReportedOnce }

    private const ulong CbKe = 101, CbGh = 102, Kcb = 21, Gcb = 22, Fx = 23, Equity = 24, Pesa = 25;
    private const uint Kes = 404, Ghs = 936;
    private const string KcbKes = "0x4021", EquityKes = "0x4024", PesaKes = "0x4025", FxKes = "0x4023", GcbGhs = "0x9322", FxGhs = "0x9323";
    private const long SameMinor = 10_000, CrossGhsMinor = 9_500, PesaFunding = 10_000; // 100.00 KES; 95.00 GHS (= 1,000.00 KES at 0.095)
    private const string Listed = "Boris Blocklisted";
    private const string WatchList = "id,kind,name,aliases,countries,dates_of_birth,program\nX-1,person,\"BLOCKLISTED, Boris\",,KE,1970-01-01,TEST\n";

    /// <summary>Rules that do not apply to a path: institution transfers and returns carry no customer trade or travel data.</summary>
    private static bool Applies(Rule rule, Path path) => (rule, path) switch
    {
        (Rule.TradeReferencesKept, Path.Pacs009 or Path.Return) => false,
        (Rule.ScreeningHold, Path.Pacs009) => false, // institutions only: screened by BIC at registration, no customer party to screen
        (Rule.IdsKept, Path.Return) => false,        // a return is found by the original's ids (see Iso20022ReturnAndCancellationTests)
        _ => true,
    };

    public static TheoryData<Rule, Path> Cells()
    {
        var data = new TheoryData<Rule, Path>();
        foreach (Rule r in Enum.GetValues<Rule>())
            foreach (Path p in Enum.GetValues<Path>())
                if (Applies(r, p)) data.Add(r, p);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_rule_holds_on_each_entry_path(Rule rule, Path path)
    {
        await using var w = await World.StartAsync();
        switch (rule)
        {
            case Rule.DayAndCutoff: await DayAndCutoff(w, path); break;
            case Rule.TravelRule: await TravelRule(w, path); break;
            case Rule.ScreeningHold: await ScreeningHold(w, path); break;
            case Rule.QueueWithoutLiquidity: await QueueWithoutLiquidity(w, path); break;
            case Rule.Priority: await Priority(w, path); break;
            case Rule.VisibleToPayerAndPayee: await Visible(w, path); break;
            case Rule.IdsKept: await IdsKept(w, path); break;
            case Rule.TradeReferencesKept: await TradeReferencesKept(w, path); break;
            case Rule.ReportedOnce: await ReportedOnce(w, path); break;
        }
    }

    // ───────────── the rules ─────────────

    /// <summary>Customer payments stop at the customer cut-off; institution transfers and returns at the interbank cut-off. Nothing moves.</summary>
    private static async Task DayAndCutoff(World w, Path path)
    {
        Spec spec = w.NextSpec(path);
        if (path == Path.Return) spec = spec with { Original = await w.SettledOriginalAsync(Kcb, Equity) };
        bool interbank = path is Path.Pacs009 or Path.Return;
        (await w.Op.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        if (interbank) (await w.Op.ChangePhaseAsync("interbank_cutoff", C)).Unwrap();
        var before = await w.BalancesAsync();
        Outcome o = await w.SubmitAsync(path, spec);
        Assert.Equal("refused", o.State);
        Assert.True(o.Code is "CUTA" || o.Code.Contains("cutoff", StringComparison.Ordinal), $"{path}: {o.Code} {o.Body}");
        Assert.Equal(before, await w.BalancesAsync());
    }

    /// <summary>
    /// A customer payment whose originator has no account (FATF R16: required domestic and cross-border) is refused;
    /// an institution transfer needs no customer parties.
    /// </summary>
    private static async Task TravelRule(World w, Path path)
    {
        var before = await w.BalancesAsync();
        if (path is Path.Pacs009 or Path.Return)
        {
            Spec plain = w.NextSpec(path);
            if (path == Path.Return) plain = plain with { Original = await w.SettledOriginalAsync(Kcb, Equity) };
            Assert.Equal("settled", (await w.SubmitAsync(path, plain)).State);
            return;
        }
        Outcome o = await w.SubmitAsync(path, w.NextSpec(path) with { OriginatorIncomplete = true });
        Assert.Equal("refused", o.State);
        Assert.True(o.Code.StartsWith("RR", StringComparison.Ordinal) || o.Code.Contains("_missing", StringComparison.Ordinal)
            || o.Code.Contains("travel_rule", StringComparison.Ordinal), $"{path}: {o.Code} {o.Body}");
        Assert.Equal(before, await w.BalancesAsync());
    }

    /// <summary>A listed party holds the payment for the compliance officer: nothing moves until a decision.</summary>
    private static async Task ScreeningHold(World w, Path path)
    {
        Spec spec = w.NextSpec(path) with { BeneficiaryName = Listed };
        if (path == Path.Return) spec = spec with { Original = await w.SettledOriginalAsync(Kcb, Equity, beneficiary: Listed) };
        (await w.Op.LoadWatchListAsync(new LoadWatchListRequest("sanctions", "csv", "2026-12", WatchList), C)).Unwrap();
        var before = await w.BalancesAsync();
        Outcome o = await w.SubmitAsync(path, spec);
        Assert.True(o.State == "held", $"{path}: {o.State} {o.Code} {o.Body}");
        Assert.Equal(before, await w.BalancesAsync());
        Assert.NotEmpty((await w.Op.ListHoldsAsync(c: C)).Unwrap());
    }

    /// <summary>A payer without the liquidity waits in its queue (RTGS), it is not refused.</summary>
    private static async Task QueueWithoutLiquidity(World w, Path path)
    {
        Spec spec = w.NextSpec(path) with { Payer = Pesa, AmountMinor = PesaFunding * 2 };
        if (path == Path.Return)
        {
            // Pesa received 200.00 KES, then paid its whole balance away: the return of the 200.00 must wait.
            spec = spec with { Original = await w.SettledOriginalAsync(Kcb, Pesa, PesaFunding * 2) };
            await w.PayAsync(Pesa, Equity, PesaFunding * 3, "urgent", expect: "settled");
        }
        Outcome o = await w.SubmitAsync(path, spec);
        Assert.True(o.State == "queued", $"{path}: {o.State} {o.Code} {o.Body}");
    }

    /// <summary>A normal or high payment does not overtake the payer's queued urgent payment.</summary>
    private static async Task Priority(World w, Path path)
    {
        Spec spec = w.NextSpec(path) with { Payer = Pesa, AmountMinor = PesaFunding / 2 };
        if (path == Path.Return) spec = spec with { Original = await w.SettledOriginalAsync(Kcb, Pesa, PesaFunding / 2) };
        await w.PayAsync(Pesa, Equity, PesaFunding * 5, "urgent", expect: "queued");
        Outcome o = await w.SubmitAsync(path, spec);
        Assert.True(o.State == "queued", $"{path}: covered, but must wait behind the urgent payment: {o.State} {o.Code} {o.Body}");
    }

    /// <summary>Payer and payee both see the payment; a third participant does not.</summary>
    private static async Task Visible(World w, Path path)
    {
        Spec spec = w.NextSpec(path);
        if (path == Path.Return) spec = spec with { Original = await w.SettledOriginalAsync(Kcb, Equity) };
        Outcome o = await w.SubmitAsync(path, spec);
        Assert.Equal("settled", o.State);
        var (payer, payee) = w.PartiesOf(path, spec);
        foreach (ulong who in new[] { payer, payee })
        {
            var (status, body, _) = await TestNode.Send(w.Client(who), HttpMethod.Get, "/v1/payments/" + o.Key, null);
            Assert.True(status == HttpStatusCode.OK, $"{path}: participant {who} reads {o.Key}: {(int)status} {body}");
        }
        var (third, thirdBody, _) = await TestNode.Send(w.Client(Pesa), HttpMethod.Get, "/v1/payments/" + o.Key, null);
        Assert.True(third is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{path}: a third participant reads {o.Key}: {(int)third} {thirdBody}");
    }

    /// <summary>The payee finds the payment by its EndToEndId and UETR; the record keeps them (and the MsgId for ISO messages).</summary>
    private static async Task IdsKept(World w, Path path)
    {
        Spec spec = w.NextSpec(path);
        Assert.Equal("settled", (await w.SubmitAsync(path, spec)).State);
        var (_, payee) = w.PartiesOf(path, spec);
        PaymentRecordDto[] byUetr = (await w.Client(payee).FindPaymentsAsync(FindBy.Uetr, spec.Uetr, C)).Unwrap();
        PaymentRecordDto p = Assert.Single(byUetr);
        Assert.Equal(spec.EndToEndId, p.EndToEndId);
        Assert.Equal(spec.Uetr, p.Uetr);
        if (path is not Path.RestSame) Assert.Equal(spec.MsgId, p.MsgId);
        Assert.Single((await w.Client(payee).FindPaymentsAsync(FindBy.EndToEndId, spec.EndToEndId, C)).Unwrap());
    }

    /// <summary>Trade references travel with the payment: the payee finds it by invoice number.</summary>
    private static async Task TradeReferencesKept(World w, Path path)
    {
        Spec spec = w.NextSpec(path);
        Assert.Equal("settled", (await w.SubmitAsync(path, spec)).State);
        var (payer, payee) = w.PartiesOf(path, spec);
        foreach (ulong who in new[] { payer, payee })
        {
            PaymentRecordDto[] found = (await w.Client(who).FindPaymentsAsync(FindBy.Invoice, spec.Invoice, C)).Unwrap();
            Assert.True(found.Length == 1, $"{path}: participant {who} finds {found.Length} payments by invoice {spec.Invoice}");
            Assert.Equal(spec.Invoice, found[0].InvoiceNumber);
        }
    }

    /// <summary>The payee's camt.054 reports the credit exactly once, with its EndToEndId.</summary>
    private static async Task ReportedOnce(World w, Path path)
    {
        Spec spec = w.NextSpec(path);
        if (path == Path.Return) spec = spec with { Original = await w.SettledOriginalAsync(Kcb, Equity) };
        Assert.Equal("settled", (await w.SubmitAsync(path, spec)).State);
        var (_, payee) = w.PartiesOf(path, spec);
        string account = w.PayeeAccountOf(path, spec);
        IsoDocument camt054 = await w.Client(payee).FetchCamt054Async(account, c: C);
        Assert.Equal(HttpStatusCode.OK, camt054.Status);
        string amount = w.CreditedOf(path, spec);
        var credits = Regex.Matches(camt054.Body, "<Ntry>.*?</Ntry>", RegexOptions.Singleline)
            .Select(m => m.Value).Where(e => e.Contains("<CdtDbtInd>CRDT</CdtDbtInd>", StringComparison.Ordinal) && e.Contains(">" + amount + "</Amt>", StringComparison.Ordinal)).ToArray();
        Assert.True(credits.Length == 1, $"{path}: {credits.Length} credit entries of {amount} in the payee's camt.054\n{camt054.Body}");
        if (path != Path.Return) Assert.Contains(spec.EndToEndId, credits[0]);
    }

    // ───────────── the world and the entry paths ─────────────

    /// <summary>One payment as the test instructs it; each path maps it to its own form.</summary>
    private sealed record Spec(
        string Id, string MsgId, string EndToEndId, string Uetr, string Invoice, ulong Payer, long AmountMinor,
        string BeneficiaryName = "Accra Components Manufacturing Co", bool OriginatorIncomplete = false, Original? Original = null);

    /// <summary>A settled same-currency payment a return refers to.</summary>
    private sealed record Original(string Id, ulong Payer, ulong Payee, long AmountMinor, string MsgId, string EndToEndId, string Uetr);

    /// <summary>How a submission ended, whatever its path: settled, queued, held or refused (with its code).</summary>
    private sealed record Outcome(string State, string Code, string Key, string Body);

    /// <summary>The lookups of GET /v1/payments.</summary>
    private static class FindBy
    {
        public const string Uetr = "uetr", EndToEndId = "endToEndId", Invoice = "invoiceNumber";
    }

    private sealed class World : IAsyncDisposable
    {
        public required TestNode Node { get; init; }
        public CorridorClient Op => Node.Operator;
        public required Dictionary<ulong, CorridorClient> Clients { get; init; }
        private int _next;

        public CorridorClient Client(ulong participant) => Clients[participant];

        public static async Task<World> StartAsync()
        {
            TestNode node = await TestNode.StartAsync(world: false);
            CorridorClient op = node.Operator;
            var clients = new Dictionary<ulong, CorridorClient>();
            (await op.RegisterParticipantAsync(new RegisterParticipantRequest(CbKe, "Central Bank of Kenya", "central-bank"), C)).Unwrap();
            (await op.RegisterParticipantAsync(new RegisterParticipantRequest(CbGh, "Bank of Ghana", "central-bank"), C)).Unwrap();
            foreach (var (id, name, bic) in new[] { (Kcb, "KCB", "KCBLKENX"), (Gcb, "GCB", "GHCBGHAC"), (Fx, "Ecobank FX", "ECOCGHAC"), (Equity, "Equity", "EQBLKENA"), (Pesa, "Pesa Bank", "PESAKENA") })
                clients[id] = op.WithToken((await op.RegisterParticipantAsync(new RegisterParticipantRequest(id, name, "direct", bic), C)).Unwrap().Token);
            (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Kes, CbKe, "0x4040", "0x4041", "KES"), C)).Unwrap();
            (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Ghs, CbGh, "0x9360", "0x9361", "GHS"), C)).Unwrap();
            foreach (var (who, ledger, account) in new[] { (Kcb, Kes, KcbKes), (Equity, Kes, EquityKes), (Pesa, Kes, PesaKes), (Fx, Kes, FxKes), (Gcb, Ghs, GcbGhs), (Fx, Ghs, FxGhs) })
                (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(who, ledger, account), C)).Unwrap();
            (await op.OpenDayAsync(new DateOnly(2026, 12, 5), C)).Unwrap();
            (await op.MoveLiquidityAsync(new LiquidityRequest("0x7001", Kcb, Kes, 200_000_000, "inject"), C)).Unwrap();
            (await op.MoveLiquidityAsync(new LiquidityRequest("0x7002", Fx, Ghs, 50_000_000, "inject"), C)).Unwrap();
            (await op.MoveLiquidityAsync(new LiquidityRequest("0x7003", Pesa, Kes, PesaFunding, "inject"), C)).Unwrap();
            var quote = new PublishQuoteRequest("0xF95", "KES", "GHS", new FxRateDto(95, 1000), 100, 1_000_000_000,
                (ulong)(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000), FxKes, FxGhs, 60);
            (await clients[Fx].PublishQuoteAsync(quote, C)).Unwrap();
            return new World { Node = node, Clients = clients };
        }

        public Spec NextSpec(Path path)
        {
            int n = Interlocked.Increment(ref _next);
            string hex = n.ToString("x4", CultureInfo.InvariantCulture);
            return new Spec("0x5" + hex, $"MSG-{path}-{n}", $"E2E-{path}-{n}", $"5e1f0c2a-{hex}-4c8e-9a6b-2d5f8e1c0b3a", $"INV-{path}-{n}", Kcb,
                path is Path.RestFx or Path.Pacs008Cross ? CrossGhsMinor : SameMinor);
        }

        /// <summary>Posted balances (a quote lock's reservation is pending, not a booking).</summary>
        public async Task<(long, long, long, long, long, long)> BalancesAsync()
        {
            async Task<long> B(string account) { AccountDto a = (await Op.GetAccountAsync(account, C)).Unwrap(); return a.CreditsPosted - a.DebitsPosted; }
            return (await B(KcbKes), await B(EquityKes), await B(PesaKes), await B(FxKes), await B(FxGhs), await B(GcbGhs));
        }

        public (ulong Payer, ulong Payee) PartiesOf(Path path, Spec s) => path switch
        {
            Path.RestFx or Path.Pacs008Cross => (s.Payer, Gcb),
            Path.Return => (s.Original!.Payee, s.Original.Payer),
            _ => (s.Payer, Equity),
        };

        public string PayeeAccountOf(Path path, Spec s) => path switch
        {
            Path.RestFx or Path.Pacs008Cross => GcbGhs,
            Path.Return => s.Original!.Payer == Kcb ? KcbKes : PesaKes,
            _ => EquityKes,
        };

        public string CreditedOf(Path path, Spec s) => Major(path == Path.Return ? s.Original!.AmountMinor : s.AmountMinor);

        private static string Major(long minor) => (minor / 100).ToString(CultureInfo.InvariantCulture) + "." + (minor % 100).ToString("00", CultureInfo.InvariantCulture);

        /// <summary>A REST payment that must end in <paramref name="expect"/> (set-up of queues and liquidity).</summary>
        public async Task PayAsync(ulong payer, ulong payee, long amountMinor, string priority, string expect)
        {
            Spec s = NextSpec(Path.RestSame) with { Payer = payer, AmountMinor = amountMinor };
            var r = await Client(payer).SubmitPaymentAsync(RestPayment(s, payee) with { Priority = priority }, C);
            Assert.True(r.Ok && r.Value!.Status == expect, $"set-up payment: {(int)r.Status} {r.Value?.Status} {r.Problem?.Code}");
        }

        /// <summary>A settled same-currency customer payment from <paramref name="payer"/> to <paramref name="payee"/>, for a return to refer to.</summary>
        public async Task<Original> SettledOriginalAsync(ulong payer, ulong payee, long amountMinor = SameMinor, string? beneficiary = null)
        {
            // Sent as pacs.008, so the pacs.004 finds it by its UETR.
            Spec s = NextSpec(Path.Pacs008Same) with { Payer = payer, AmountMinor = amountMinor };
            if (beneficiary is not null) s = s with { BeneficiaryName = beneficiary };
            Outcome o = FromIso(await Client(payer).SendIso20022Async(System.Text.Encoding.UTF8.GetBytes(Pacs(Path.Pacs008Same, s, payee)), C), s.Uetr);
            Assert.True(o.State == "settled", $"original payment: {o.State} {o.Code}");
            return new Original(s.Id, payer, payee, amountMinor, s.MsgId, s.EndToEndId, s.Uetr);
        }

        public async Task<Outcome> SubmitAsync(Path path, Spec s)
        {
            switch (path)
            {
                case Path.RestSame:
                {
                    var (status, body, _) = await TestNode.Send(Client(s.Payer), HttpMethod.Post, "/v1/payments", JsonSerializer.Serialize(RestPayment(s, Equity), CorridorJson.Options));
                    return FromJson(status, body, s.Id);
                }
                case Path.RestBatch:
                {
                    // The payment as the one item of POST /v1/payments/batch (PaymentBatchTests mixes refused and accepted payments in one batch).
                    var (status, body, _) = await TestNode.Send(Client(s.Payer), HttpMethod.Post, "/v1/payments/batch",
                        JsonSerializer.Serialize(new PaymentBatchRequest([RestPayment(s, Equity)]), CorridorJson.Options));
                    Assert.True(status == HttpStatusCode.OK, $"batch: {(int)status} {body}");
                    using JsonDocument doc = JsonDocument.Parse(body);
                    JsonElement item = doc.RootElement.GetProperty("results")[0];
                    string state = item.GetProperty("status").GetString()!;
                    string code = item.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
                    return new Outcome(code.Length > 0 || state is "rejected" or "failed" ? "refused" : state, code, s.Id, body);
                }
                case Path.RestFx:
                {
                    CorridorClient payer = Client(s.Payer);
                    string lockId = s.Id + "1";
                    var locked = await payer.LockQuoteAsync(new LockQuoteRequest(lockId, "0xF95", s.Payer == Kcb ? KcbKes : PesaKes, GcbGhs, s.AmountMinor, 30, "destination"), C);
                    if (!locked.Ok) return new Outcome("refused", locked.Problem!.Code, s.Id, locked.Problem.Detail ?? "");
                    var pay = new PayAgainstLockRequest(s.Id, lockId, Originator(s), Beneficiary(s), Trade(s), References: References(s));
                    var (status, body, _) = await TestNode.Send(payer, HttpMethod.Post, "/v1/fx/payments", JsonSerializer.Serialize(pay, CorridorJson.Options));
                    return FromJson(status, body, s.Id);
                }
                case Path.Pacs008Same or Path.Pacs008Cross or Path.Pacs009:
                    return await WithStatusAsync(FromIso(await Client(s.Payer).SendIso20022Async(System.Text.Encoding.UTF8.GetBytes(Pacs(path, s)), C), s.Uetr));
                case Path.Return:
                {
                    // A return's engine id is its AcctSvcrRef in the pacs.002 (derived from the returner and its RtrId).
                    IsoReply reply = await Client(s.Original!.Payee).SendIso20022Async(System.Text.Encoding.UTF8.GetBytes(Pacs004(s)), C);
                    string reference = Regex.Match(reply.Body, "<AcctSvcrRef>([^<]+)</AcctSvcrRef>").Groups[1].Value;
                    return await WithStatusAsync(FromIso(reply, Regex.IsMatch(reference, "^[0-9a-f]{32}$") ? "0x" + reference : reference));
                }
                default: throw new ArgumentOutOfRangeException(nameof(path));
            }
        }

        private static Outcome FromJson(HttpStatusCode status, string body, string key)
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement root = doc.RootElement;
            if ((int)status >= 400)
            {
                string code = root.TryGetProperty("code", out JsonElement c) ? c.GetString()! : "";
                return new Outcome("refused", code, key, body);
            }
            string state = root.GetProperty("status").GetString()!;
            string reason = root.TryGetProperty("reason", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            return new Outcome(state switch { "rejected" or "failed" => "refused", _ => state }, reason, key, body);
        }

        private static Outcome FromIso(IsoReply reply, string key)
        {
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            string sts = Regex.Match(reply.Body, "<TxSts>(\\w+)</TxSts>").Groups[1].Value;
            string code = Regex.Match(reply.Body, "<Rsn><Cd>(\\w+)</Cd></Rsn>").Groups[1].Value;
            if (code.Length == 0) code = Regex.Match(reply.Body, "<Cd>(\\w+)</Cd>").Groups[1].Value;
            string state = sts switch { "ACSC" => "settled", "RJCT" => "refused", _ => "pending" };
            return new Outcome(state, code, key, reply.Body);
        }

        /// <summary>PDNG says only "not final": the payment's record says whether it is held for compliance or queued.</summary>
        private async Task<Outcome> WithStatusAsync(Outcome o)
        {
            if (o.State != "pending") return o;
            var (status, body, _) = await TestNode.Send(Op, HttpMethod.Get, "/v1/payments/" + o.Key, null);
            Assert.True(status == HttpStatusCode.OK, $"pending payment {o.Key}: {(int)status} {body}");
            using JsonDocument doc = JsonDocument.Parse(body);
            return o with { State = doc.RootElement.GetProperty("status").GetString()! };
        }

        private static FxPartyDto Originator(Spec s) => s.OriginatorIncomplete
            ? new FxPartyDto(Name: "Nairobi Electronics Distributors Ltd")
            : new FxPartyDto(Name: "Nairobi Electronics Distributors Ltd", StreetName: "Mombasa Road", BuildingNumber: "214", PostCode: "00100", TownName: "Nairobi",
                Country: "KE", Account: "1180297734", IdScheme: "lei", Identifier: "5493001KJTIIGC8Y1R12");

        private static FxPartyDto Beneficiary(Spec s) => new(Name: s.BeneficiaryName, StreetName: "Spintex Road", BuildingNumber: "17", TownName: "Accra",
            Country: "GH", Account: "0041203398001", IdScheme: "tax_id", Identifier: "GH-TIN-0042");

        private static FxTradeReferenceDto Trade(Spec s) => new(InvoiceNumber: s.Invoice, InvoiceDate: new DateOnly(2026, 11, 2), LetterOfCreditReference: "LC-" + s.Invoice,
            GoodsDescription: "Laptop motherboards, 400 units", HsCode: "847130", Incoterms: "FOB", IncotermsPlace: "Mombasa");

        private static SubmitPaymentRequest RestPayment(Spec s, ulong payee) => new(s.Id, payee, Kes, s.AmountMinor,
            Originator: Originator(s), Beneficiary: Beneficiary(s), TradeReference: Trade(s),
            References: References(s));

        private static PaymentReferencesDto References(Spec s) => new(s.MsgId, "INS-" + s.Id, s.EndToEndId, "TX-" + s.Id, s.Uetr);

        /// <summary>pacs.008 (same currency to Equity, or KES → GHS to GCB) or pacs.009 (institution transfer to Equity) from the spec's payer.</summary>
        private static string Pacs(Path path, Spec s, ulong payee = Equity)
        {
            string payerBic = s.Payer == Kcb ? "KCBLKENX" : "PESAKENA";
            string payeeBic = path == Path.Pacs008Cross ? "GHCBGHAC" : payee == Pesa ? "PESAKENA" : "EQBLKENA";
            string amount = path == Path.Pacs008Cross
                ? $"<IntrBkSttlmAmt Ccy=\"GHS\">{Major(s.AmountMinor)}</IntrBkSttlmAmt><IntrBkSttlmDt>2026-12-05</IntrBkSttlmDt><InstdAmt Ccy=\"KES\">{Major(s.AmountMinor * 1000 / 95)}</InstdAmt><XchgRate>0.095</XchgRate>"
                : $"<IntrBkSttlmAmt Ccy=\"KES\">{Major(s.AmountMinor)}</IntrBkSttlmAmt><IntrBkSttlmDt>2026-12-05</IntrBkSttlmDt>";
            string ids = $"<PmtId><InstrId>INS-{s.Id}</InstrId><EndToEndId>{s.EndToEndId}</EndToEndId><TxId>TX-{s.Id}</TxId><UETR>{s.Uetr}</UETR></PmtId>";
            string header = $"<GrpHdr><MsgId>{s.MsgId}</MsgId><CreDtTm>2026-12-05T09:14:27Z</CreDtTm><NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>"
                + $"<InstgAgt><FinInstnId><BICFI>{payerBic}</BICFI></FinInstnId></InstgAgt><InstdAgt><FinInstnId><BICFI>{payeeBic}</BICFI></FinInstnId></InstdAgt></GrpHdr>";
            if (path == Path.Pacs009)
                return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.009.001.09\"><FICdtTrf>" + header
                    + $"<CdtTrfTxInf>{ids}{amount}<Dbtr><FinInstnId><BICFI>{payerBic}</BICFI></FinInstnId></Dbtr><Cdtr><FinInstnId><BICFI>{payeeBic}</BICFI></FinInstnId></Cdtr>"
                    + "<Purp><Cd>INTC</Cd></Purp></CdtTrfTxInf></FICdtTrf></Document>";
            string address = s.OriginatorIncomplete ? "" : "<PstlAdr><StrtNm>Mombasa Road</StrtNm><BldgNb>214</BldgNb><PstCd>00100</PstCd><TwnNm>Nairobi</TwnNm><Ctry>KE</Ctry></PstlAdr>";
            string id = s.OriginatorIncomplete ? "" : "<Id><OrgId><LEI>5493001KJTIIGC8Y1R12</LEI></OrgId></Id>";
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\"><FIToFICstmrCdtTrf>" + header
                + $"<CdtTrfTxInf>{ids}{amount}<ChrgBr>DEBT</ChrgBr>"
                + $"<Dbtr><Nm>Nairobi Electronics Distributors Ltd</Nm>{address}{id}</Dbtr>"
                + (s.OriginatorIncomplete ? "" : "<DbtrAcct><Id><Othr><Id>1180297734</Id></Othr></Id></DbtrAcct>")
                + $"<DbtrAgt><FinInstnId><BICFI>{payerBic}</BICFI></FinInstnId></DbtrAgt><CdtrAgt><FinInstnId><BICFI>{payeeBic}</BICFI></FinInstnId></CdtrAgt>"
                + $"<Cdtr><Nm>{s.BeneficiaryName}</Nm><PstlAdr><StrtNm>Spintex Road</StrtNm><BldgNb>17</BldgNb><TwnNm>Accra</TwnNm><Ctry>GH</Ctry></PstlAdr></Cdtr>"
                + "<CdtrAcct><Id><Othr><Id>0041203398001</Id></Othr></Id></CdtrAcct><Purp><Cd>GDDS</Cd></Purp>"
                + $"<RmtInf><Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>{s.Invoice}</Nb><RltdDt>2026-11-02</RltdDt></RfrdDocInf>"
                + $"<AddtlRmtInf>HS:847130;INCOTERMS:FOB</AddtlRmtInf><AddtlRmtInf>LC:LC-{s.Invoice};GOODS:Laptop motherboards, 400 units</AddtlRmtInf></Strd></RmtInf>"
                + "</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>";
        }

        /// <summary>pacs.004: the original's payee returns it in full (AC04).</summary>
        private static string Pacs004(Spec s)
        {
            Original o = s.Original!;
            string returnerBic = o.Payee == Equity ? "EQBLKENA" : "PESAKENA", payerBic = o.Payer == Kcb ? "KCBLKENX" : "PESAKENA";
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.004.001.10\"><PmtRtr>"
                + $"<GrpHdr><MsgId>{s.MsgId}</MsgId><CreDtTm>2026-12-05T10:05:00Z</CreDtTm><NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>"
                + $"<InstgAgt><FinInstnId><BICFI>{returnerBic}</BICFI></FinInstnId></InstgAgt><InstdAgt><FinInstnId><BICFI>{payerBic}</BICFI></FinInstnId></InstdAgt></GrpHdr>"
                + $"<TxInf><RtrId>RTR-{s.Id}</RtrId><OrgnlGrpInf><OrgnlMsgId>{o.MsgId}</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.09</OrgnlMsgNmId></OrgnlGrpInf>"
                + $"<OrgnlInstrId>INS-{o.Id}</OrgnlInstrId><OrgnlEndToEndId>{o.EndToEndId}</OrgnlEndToEndId><OrgnlTxId>TX-{o.Id}</OrgnlTxId><OrgnlUETR>{o.Uetr}</OrgnlUETR>"
                + $"<OrgnlIntrBkSttlmAmt Ccy=\"KES\">{Major(o.AmountMinor)}</OrgnlIntrBkSttlmAmt><OrgnlIntrBkSttlmDt>2026-12-05</OrgnlIntrBkSttlmDt>"
                + $"<RtrdIntrBkSttlmAmt Ccy=\"KES\">{Major(o.AmountMinor)}</RtrdIntrBkSttlmAmt><IntrBkSttlmDt>2026-12-05</IntrBkSttlmDt><ChrgBr>SLEV</ChrgBr>"
                + "<RtrRsnInf><Rsn><Cd>AC04</Cd></Rsn></RtrRsnInf></TxInf></PmtRtr></Document>";
        }

        public ValueTask DisposeAsync() => Node.DisposeAsync();
    }
}
