using System.Globalization;
using System.Runtime.CompilerServices;
using Corridor.Client;
using Corridor.Core.Currencies;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using Corridor.Server.Auth;
using Corridor.Server.Http;
using Corridor.Storage.Node;

namespace Corridor.Server.Endpoints;

/// <summary>Cross-currency settlement over HTTP: currencies, FX quotes, quote locks, PvP payments with trade references, bilateral FX trades.</summary>
public static class ExchangeEndpoints
{
    /// <summary>Most payments one reference query returns.</summary>
    public const int MaxPageRows = 1000;

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/currencies", Handler.Of(c => ConfigureCurrency(c, gw))).WithTags("fx").Accepts<ConfigureCurrencyRequest>("application/json").Produces<CurrencyDto>(201);
        app.MapGet("/v1/currencies/{code}", (HttpContext c, string code) => GetCurrency(c, gw, code)).WithTags("fx").Produces<CurrencyDto>();
        app.MapPost("/v1/fx/quotes", Handler.Of(c => PublishQuote(c, gw))).WithTags("fx").Accepts<PublishQuoteRequest>("application/json").Produces<QuoteDto>(201);
        app.MapGet("/v1/fx/quotes", Handler.Of(c => ListQuotes(c, gw))).WithTags("fx").Produces<QuoteDto[]>();
        app.MapGet("/v1/fx/quotes/best", Handler.Of(c => BestQuote(c, gw))).WithTags("fx").Produces<BestQuoteDto>();
        app.MapGet("/v1/fx/quotes/{id}", (HttpContext c, string id) => GetQuote(c, gw, id)).WithTags("fx").Produces<QuoteDto>();
        app.MapDelete("/v1/fx/quotes/{id}", (HttpContext c, string id) => WithdrawQuote(c, gw, id)).WithTags("fx").Produces<QuoteDto>();
        app.MapPost("/v1/fx/locks", Handler.Of(c => LockQuote(c, gw))).WithTags("fx").Accepts<LockQuoteRequest>("application/json").Produces<LockDto>(201);
        app.MapGet("/v1/fx/locks", Handler.Of(c => ListLocks(c, gw))).WithTags("fx").Produces<LockDto[]>();
        app.MapGet("/v1/fx/locks/{id}", (HttpContext c, string id) => GetLock(c, gw, id)).WithTags("fx").Produces<LockDto>();
        app.MapDelete("/v1/fx/locks/{id}", (HttpContext c, string id) => ReleaseLock(c, gw, id)).WithTags("fx").Produces<LockDto>();
        app.MapPost("/v1/fx/payments", Handler.Of(c => Pay(c, gw))).WithTags("fx").Accepts<PayAgainstLockRequest>("application/json").Produces<FxPaymentDto>(201);
        app.MapGet("/v1/fx/payments", Handler.Of(c => FindPayments(c, gw))).WithTags("fx").Produces<FxPaymentDto[]>();
        app.MapGet("/v1/fx/payments/{id}", (HttpContext c, string id) => GetPayment(c, gw, id)).WithTags("fx").Produces<FxPaymentDto>();
        app.MapPost("/v1/fx/trades", Handler.Of(c => SubmitTrade(c, gw))).WithTags("fx").Accepts<FxTradeRequest>("application/json").Produces<FxTradeDto>(201);
        app.MapPost("/v1/fx/trades/{id}/affirm", (HttpContext c, string id) => AffirmTrade(c, gw, id)).WithTags("fx").Accepts<FxTradeRequest>("application/json").Produces<FxTradeDto>();
        app.MapPost("/v1/fx/trades/{id}/cancel", (HttpContext c, string id) => CancelTrade(c, gw, id)).WithTags("fx").Produces<FxTradeDto>();
        app.MapGet("/v1/fx/trades", Handler.Of(c => ListTrades(c, gw))).WithTags("fx").Produces<FxTradeDto[]>();
        app.MapGet("/v1/fx/trades/{id}", (HttpContext c, string id) => GetTrade(c, gw, id)).WithTags("fx").Produces<FxTradeDto>();
    }

    /// <summary>
    /// The newest records of a list the caller may see, at most <paramref name="limit"/>, filtered by the optional <c>status</c> query
    /// parameter (one of <paramref name="statuses"/>, in the wire's snake case). Runs on the engine thread between batches.
    /// </summary>
    private static async Task<TDto[]> Newest<TRecord, TDto>(HttpContext c, NodeGateway gw, string[] statuses,
        Func<Engine, string?, IReadOnlyList<TRecord>> list, Func<TRecord, bool> visible, Func<TRecord, string> status, Func<TRecord, TDto> dto)
    {
        string? wanted = c.Request.Query.TryGetValue("status", out var s) ? s.ToString() : null;
        if (wanted is not null && Array.IndexOf(statuses, wanted) < 0)
            throw ApiException.BadRequest("request.invalid_value", "status must be one of " + string.Join(", ", statuses));
        int limit = ReadModelEndpoints.Limit(c, MaxPageRows);
        return await gw.QueryAsync(e =>
        {
            IReadOnlyList<TRecord> all = list(e, wanted); // the records to walk, newest last: an index where the status or the asker allows
            var found = new List<TDto>(Math.Min(limit, all.Count));
            for (int i = all.Count - 1; i >= 0 && found.Count < limit; i--)
            {
                TRecord r = all[i];
                if (visible(r) && (wanted is null || status(r) == wanted)) found.Add(dto(r));
            }
            return found.ToArray();
        });
    }

    // ───────────── result codes → HTTP ─────────────

    /// <summary>
    /// HTTP status of an engine result: 403 for ownership, 409 for conflicts with existing state, 404 when the resource named in
    /// the path does not exist (<paramref name="pathTarget"/>), 422 for every other business rejection.
    /// </summary>
    public static int Status(string result, bool pathTarget = false) => result switch
    {
        "NotQuoteProvider" or "AccountNotOwnedByProvider" or "PayerAccountNotOwnedByPayer" or "NotLockPayer"
            or "AccountWrongOwner" or "SubmitterNotAParty" => 403,
        "IdReusedWithDifferentContent" or "ConfiguredDifferently" or "LedgerInUse" or "TermsMismatch" or "LockAlreadyUsed"
            or "LockAlreadySettled" or "TradeAlreadySettled" => 409,
        "QuoteNotFound" or "LockNotFound" or "TradeNotFound" when pathTarget => 404,
        _ => 422,
    };

    private static ApiException Rejected<TEnum>(TEnum result, string what, bool pathTarget = false) where TEnum : struct, Enum =>
        new(Status(result.ToString(), pathTarget), "fx." + Wire.Snake(result), $"{what}: {result}");

    /// <summary>Encodes one item as a command payload; an over-long string or malformed code is a 400 before the engine sees it.</summary>
    internal static byte[] Payload<T>(T item) where T : IExchangeItem<T>
    {
        var buffer = new byte[T.MaxEncodedBytes];
        var w = new WireWriter(buffer);
        try { item.Write(ref w); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); } // over-long string, malformed code, invalid UTF-16
        return buffer.AsSpan(0, w.Written).ToArray();
    }

    /// <summary>Submits one item; returns its result code (0 = Ok).</summary>
    private static async Task<int> Submit<T>(NodeGateway gw, Operation operation, T item) where T : IExchangeItem<T>
    {
        CommandReply reply = await gw.SubmitAsync(operation, 1, Payload(item));
        return reply.AllOk ? 0 : reply.Errors[0].Code;
    }

    internal static ulong ActingFor(Caller caller, ulong named, string field)
    {
        // Acting for a participant is the system operator's (not a compliance-only user's).
        if (caller.IsOperator) NodeGateway.RequireOperator(caller);
        if (named == 0)
        {
            if (caller.IsOperator) throw ApiException.BadRequest("request.missing_field", $"the operator must name {field}");
            return caller.ParticipantId;
        }
        if (named == ApiTokens.OperatorParticipantId) throw ApiException.BadRequest("request.invalid_id", $"{field} must be a participant");
        NodeGateway.RequireSelfOrOperator(caller, named);
        return named;
    }

    /// <summary>Engine time a query should assume: the next batch is stamped with the node's wall clock, never earlier than the last.</summary>
    private static ulong Now(Engine e) => Math.Max(e.LastTimestamp + 1, NodeOptions.WallClockNs());

    // ───────────── currencies ─────────────

    private static async Task<IResult> ConfigureCurrency(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<ConfigureCurrencyRequest>(c);
        if (r.Exponent is < 0 or > byte.MaxValue) throw Rejected(ConfigureCurrencyResult.ExponentOutOfRange, r.Code);
        if (r.Code.Length != 3 || !r.Code.All(char.IsAscii)) throw Rejected(ConfigureCurrencyResult.CodeMalformed, "currency");
        bool existed = await gw.QueryAsync(e => e.Exchange.Currencies.TryGet(r.Code, out _));
        var result = (ConfigureCurrencyResult)await Submit(gw, Operation.ConfigureCurrency, new ConfigureCurrency(r.Code, (byte)r.Exponent, r.Ledger));
        if (result != ConfigureCurrencyResult.Ok) throw Rejected(result, $"currency {r.Code}");
        return Results.Json(await Currency(gw, r.Code), CorridorJson.Options, statusCode: existed ? 200 : 201);
    }

    private static async Task<CurrencyDto> Currency(NodeGateway gw, string code)
    {
        var (found, info) = await gw.QueryAsync(e => (e.Exchange.Currencies.TryGet(code, out CurrencyInfo i), i));
        if (!found) throw ApiException.NotFound("fx.currency_not_found", $"currency {Clip(code)} is neither ISO 4217 with a minor unit nor configured");
        return new CurrencyDto(info.Code, info.Numeric, info.Exponent, info.Ledger, info.OperatorConfigured);
    }

    private static async Task<IResult> GetCurrency(HttpContext c, NodeGateway gw, string code)
    {
        gw.Authenticate(c);
        return Results.Json(await Currency(gw, code), CorridorJson.Options);
    }

    // ───────────── quotes ─────────────

    private static async Task<IResult> PublishQuote(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<PublishQuoteRequest>(c);
        ulong provider = ActingFor(caller, r.Provider, "provider");
        UInt128 id = Ids.Parse(r.Id, "id");
        UInt128 sourceAccount = Ids.Parse(r.ProviderSourceAccountId, "provider_source_account_id");
        UInt128 destinationAccount = Ids.Parse(r.ProviderDestinationAccountId, "provider_destination_account_id");
        Wire.Amount(r.MinSourceAmount, "min_source_amount");
        Wire.Amount(r.MaxSourceAmount, "max_source_amount");
        // valid_from_ns 0 means "from first publication": a resubmission keeps the time recorded then, so it stays idempotent.
        var (existed, recordedFrom) = await gw.QueryAsync(e => e.Exchange.TryGetQuote(id, out QuoteRecord q) ? (true, q.Quote.ValidFromNs) : (false, 0UL));
        ulong validFrom = r.ValidFromNs != 0 ? r.ValidFromNs : existed ? recordedFrom : NodeOptions.WallClockNs();
        var quote = new PublishQuote(id, provider, r.SourceCurrency, r.DestinationCurrency, new FxRate(r.Rate.Numerator, r.Rate.Denominator),
            r.MinSourceAmount, r.MaxSourceAmount, validFrom, r.ValidUntilNs, sourceAccount, destinationAccount, r.MaxLockSeconds);
        var result = (QuoteResult)await Submit(gw, Operation.PublishQuote, quote);
        if (result != QuoteResult.Ok) throw Rejected(result, $"quote {r.Id}");
        return Results.Json(await Quote(gw, id, r.Id), CorridorJson.Options, statusCode: existed ? 200 : 201);
    }

    private static async Task<QuoteDto> Quote(NodeGateway gw, UInt128 id, string text)
    {
        QuoteDto? dto = await gw.QueryAsync(e => e.Exchange.TryGetQuote(id, out QuoteRecord q) ? ToDto(q, Now(e)) : null);
        return dto ?? throw ApiException.NotFound("fx.quote_not_found", $"quote {Clip(text)} does not exist");
    }

    /// <summary>A quote's status as answered: one past ValidUntil is expired even before the next batch closes it in the engine.</summary>
    private static string StatusOf(QuoteRecord q, ulong now) =>
        q.Status == QuoteStatus.Active && now >= q.Quote.ValidUntilNs ? "expired" : Wire.Snake(q.Status);

    private static QuoteDto ToDto(QuoteRecord q, ulong now)
    {
        PublishQuote p = q.Quote;
        string status = StatusOf(q, now);
        return new QuoteDto(Ids.Format(p.QuoteId), p.Provider, p.SourceCurrency, p.DestinationCurrency, new FxRateDto(p.Rate.Numerator, p.Rate.Denominator),
            p.MinSourceMinor, p.MaxSourceMinor, p.ValidFromNs, p.ValidUntilNs, Ids.Format(p.ProviderSourceAccount), Ids.Format(p.ProviderDestinationAccount),
            p.MaxLockSeconds, status, q.PublishedAt);
    }

    /// <summary>Published quotes, newest first (<c>?status=active|withdrawn|expired</c>, <c>?limit=</c> ≤ 1,000): quotes are public to every participant.</summary>
    private static async Task<IResult> ListQuotes(HttpContext c, NodeGateway gw)
    {
        gw.Authenticate(c);
        string? status = c.Request.Query.TryGetValue("status", out var s) ? s.ToString() : null;
        if (status is not (null or "active" or "withdrawn" or "expired")) throw ApiException.BadRequest("request.invalid_value", "status must be active, withdrawn or expired");
        int limit = ReadModelEndpoints.Limit(c, MaxPageRows);
        QuoteDto[] quotes = await gw.QueryAsync(e =>
        {
            ulong now = Now(e);
            var found = new List<QuoteDto>(Math.Min(limit, e.Exchange.Quotes.Count));
            for (int i = e.Exchange.Quotes.Count - 1; i >= 0 && found.Count < limit; i--)
            {
                QuoteRecord q = e.Exchange.Quotes[i];
                if (status is null || StatusOf(q, now) == status) found.Add(ToDto(q, now)); // a DTO only for what is answered
            }
            return found.ToArray();
        });
        return Results.Json(quotes, CorridorJson.Options);
    }

    private static async Task<IResult> GetQuote(HttpContext c, NodeGateway gw, string id)
    {
        gw.Authenticate(c);
        return Results.Json(await Quote(gw, Ids.Parse(id, "id"), id), CorridorJson.Options);
    }

    private static async Task<IResult> WithdrawQuote(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 quoteId = Ids.Parse(id, "id");
        ulong provider = caller.ParticipantId;
        if (caller.IsOperator)
        {
            NodeGateway.RequireOperator(caller);
            provider = (await Quote(gw, quoteId, id)).Provider;
        }
        var result = (QuoteResult)await Submit(gw, Operation.WithdrawQuote, new WithdrawQuote(quoteId, provider));
        if (result != QuoteResult.Ok) throw Rejected(result, $"quote {id}", pathTarget: true);
        return Results.Json(await Quote(gw, quoteId, id), CorridorJson.Options);
    }

    private static async Task<IResult> BestQuote(HttpContext c, NodeGateway gw)
    {
        gw.Authenticate(c);
        IQueryCollection q = c.Request.Query;
        string from = Required(q, "from"), to = Required(q, "to");
        bool bySource = q.ContainsKey("source_amount"), byDestination = q.ContainsKey("destination_amount");
        if (bySource == byDestination) throw ApiException.BadRequest("request.missing_field", "give exactly one of source_amount or destination_amount");
        string field = bySource ? "source_amount" : "destination_amount";
        if (!long.TryParse(q[field].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long amount) || amount <= 0)
            throw ApiException.BadRequest("request.invalid_amount", $"{field} must be a positive integer of minor units");
        AmountSide side = bySource ? AmountSide.Source : AmountSide.Destination;
        var (found, match) = await gw.QueryAsync(e => (e.Exchange.TryFindBestQuote(from, to, amount, side, Now(e), out QuoteMatch m), m));
        if (!found) throw ApiException.NotFound("fx.no_quote", $"no lockable quote converts {Clip(from)} → {Clip(to)} for {field}={amount} now");
        return Results.Json(new BestQuoteDto(Ids.Format(match.QuoteId), match.Provider, new FxRateDto(match.Rate.Numerator, match.Rate.Denominator),
            match.SourceMinor, match.DestinationMinor, match.ValidUntilNs), CorridorJson.Options);
    }

    private static string Required(IQueryCollection q, string name)
    {
        string? value = q.TryGetValue(name, out var v) ? v.ToString() : null;
        if (string.IsNullOrEmpty(value)) throw ApiException.BadRequest("request.missing_field", $"query parameter {name} is required");
        return value;
    }

    // ───────────── locks ─────────────

    private static async Task<IResult> LockQuote(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<LockQuoteRequest>(c);
        ulong payer = ActingFor(caller, r.Payer, "payer");
        UInt128 id = Ids.Parse(r.Id, "id"), quoteId = Ids.Parse(r.QuoteId, "quote_id");
        UInt128 payerAccount = Ids.Parse(r.PayerAccountId, "payer_account_id"), payeeAccount = Ids.Parse(r.PayeeAccountId, "payee_account_id");
        Wire.Amount(r.Amount, "amount");
        AmountSide side = Side(r.Side);
        // A participant locks only against its own accounts (checked again by the engine, which records a refused lock).
        ulong?[] owner = await gw.OwnersAsync([payerAccount]);
        if (owner[0] is ulong o && o != payer) throw ApiException.Forbidden($"payer account {r.PayerAccountId} belongs to another participant");
        // One hand-off: the command, and right after it the lock as the engine left it — the payer's own only (an id another
        // payer holds is refused by the engine as a reuse with different content).
        var (reply, after) = await gw.SubmitAndReadAsync(Operation.LockQuote, 1, Payload(new LockQuote(id, quoteId, payer, payerAccount, payeeAccount, r.Amount, side, r.LockSeconds)),
            (e, applied) => (Existed: IdsExisted.At(applied, 0), Mine: e.Exchange.TryGetLock(id, out LockRecord l) && l.Request.Payer == payer ? ToDto(l) : null));
        var result = reply.AllOk ? LockResult.Ok : (LockResult)reply.Errors[0].Code;
        if (result != LockResult.Ok) throw Rejected(result, $"lock {r.Id}");
        LockDto dto = after.Mine ?? throw ApiException.NotFound("fx.lock_not_found", $"lock {Clip(r.Id)} does not exist");
        return Results.Json(dto, CorridorJson.Options, statusCode: after.Existed ? 200 : 201);
    }

    private static AmountSide Side(string side) => Wire.ParseEnum(side, "side", ("source", AmountSide.Source), ("destination", AmountSide.Destination));

    private static async Task<LockDto> Lock(NodeGateway gw, UInt128 id, string text)
    {
        LockDto? dto = await gw.QueryAsync(e => e.Exchange.TryGetLock(id, out LockRecord l) ? ToDto(l) : null);
        return dto ?? throw ApiException.NotFound("fx.lock_not_found", $"lock {Clip(text)} does not exist");
    }

    private static LockDto ToDto(LockRecord l)
    {
        LockQuote r = l.Request;
        string? reason = l.Result == LockResult.Ok ? null : "fx." + Wire.Snake(l.Result);
        return new LockDto(Ids.Format(r.LockId), Ids.Format(r.QuoteId), r.Payer, Ids.Format(r.PayerAccount), Ids.Format(r.PayeeAccount), r.AmountMinor,
            r.Side == AmountSide.Source ? "source" : "destination", r.LockSeconds, Wire.Snake(l.Status), reason, l.SourceMinor, l.DestinationMinor,
            l.SourceLedger, l.DestinationLedger, Ids.Format(l.ReservationTransferId), l.LockedAt, l.ExpiresAt,
            l.PaymentId == UInt128.Zero ? null : Ids.Format(l.PaymentId));
    }

    private static async Task<LockDto> VisibleLock(NodeGateway gw, Caller caller, string text)
    {
        LockDto l = await Lock(gw, Ids.Parse(text, "id"), text);
        if (!caller.IsOperator && l.Payer != caller.ParticipantId) throw ApiException.Forbidden($"lock {Clip(text)} is not yours");
        return l;
    }

    private static readonly string[] LockStatuses = ["locked", "settled", "released", "expired", "failed"];

    /// <summary>Quote locks, newest first: the operator sees all, a participant the locks it took as payer.</summary>
    private static async Task<IResult> ListLocks(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        // The open locks from their own list, a participant's from its index: not a walk over every lock until enough turn up.
        LockDto[] locks = await Newest(c, gw, LockStatuses,
            (e, status) => status == "locked" ? e.Exchange.OpenLocks() : caller.IsOperator ? e.Exchange.Locks : e.Exchange.LocksOf(caller.ParticipantId),
            l => caller.IsOperator || l.Request.Payer == caller.ParticipantId, l => Wire.Snake(l.Status), ToDto);
        return Results.Json(locks, CorridorJson.Options);
    }

    private static async Task<IResult> GetLock(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        return Results.Json(await VisibleLock(gw, caller, id), CorridorJson.Options);
    }

    private static async Task<IResult> ReleaseLock(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 lockId = Ids.Parse(id, "id");
        ulong payer = caller.ParticipantId;
        if (caller.IsOperator)
        {
            NodeGateway.RequireOperator(caller);
            payer = (await Lock(gw, lockId, id)).Payer;
        }
        var result = (LockResult)await Submit(gw, Operation.ReleaseLock, new ReleaseLock(lockId, payer));
        if (result != LockResult.Ok) throw Rejected(result, $"lock {id}", pathTarget: true);
        return Results.Json(await Lock(gw, lockId, id), CorridorJson.Options);
    }

    // ───────────── payments (PvP) ─────────────

    private static readonly (string Name, PartyIdScheme Value)[] Schemes =
        [("lei", PartyIdScheme.Lei), ("bic", PartyIdScheme.Bic), ("national_id", PartyIdScheme.NationalId), ("tax_id", PartyIdScheme.TaxId), ("other", PartyIdScheme.Other)];

    private static readonly (string Name, Incoterms Value)[] IncotermsRules =
    [
        ("EXW", Incoterms.Exw), ("FCA", Incoterms.Fca), ("CPT", Incoterms.Cpt), ("CIP", Incoterms.Cip), ("DAP", Incoterms.Dap), ("DPU", Incoterms.Dpu),
        ("DDP", Incoterms.Ddp), ("FAS", Incoterms.Fas), ("FOB", Incoterms.Fob), ("CFR", Incoterms.Cfr), ("CIF", Incoterms.Cif),
    ];

    // Unknown names map to a value the engine's rules refuse (…IdentifierInvalid, IncotermsInvalid): one code per mistake, as the engine names it.
    private const byte UnknownValue = byte.MaxValue;

    /// <summary>
    /// The engine's party for a request's party. The JSON reader hands out one <see cref="FxPartyDto"/> per distinct encoding on
    /// a thread (a bank's customers repeat from payment to payment), so the party made for that object last is given again:
    /// both are immutable, and a party is equal to the one made anew.
    /// </summary>
    internal static Party ToParty(FxPartyDto p)
    {
        (FxPartyDto Dto, Party Party)[] made = t_parties ??= new (FxPartyDto, Party)[PartiesMade];
        ref (FxPartyDto Dto, Party Party) slot = ref made[RuntimeHelpers.GetHashCode(p) & (PartiesMade - 1)];
        if (ReferenceEquals(slot.Dto, p)) return slot.Party;
        PartyIdScheme scheme = p.IdScheme.Length == 0 ? PartyIdScheme.None : (PartyIdScheme)UnknownValue;
        foreach (var (n, v) in Schemes) if (n == p.IdScheme) scheme = v;
        var party = new Party(p.Name, p.StreetName, p.BuildingNumber, p.PostCode, p.TownName, p.CountrySubDivision, p.Country, p.Account, scheme, p.Identifier);
        slot = (p, party);
        return party;
    }

    private const int PartiesMade = 256; // a power of two: slots by the object's identity hash
    [ThreadStatic] private static (FxPartyDto Dto, Party Party)[]? t_parties;

    internal static TradeReference ToTrade(FxTradeReferenceDto t)
    {
        Incoterms rule = TradeReferenceRules.IncotermsOf(t.Incoterms);
        return new TradeReference(t.InvoiceNumber, BusinessDates.ToNumber(t.InvoiceDate), t.ContractReference, t.LetterOfCreditReference, t.GoodsDescription, t.HsCode, rule, t.IncotermsPlace);
    }

    internal static FxPartyDto ToDto(Party p)
    {
        string scheme = "";
        foreach (var (n, v) in Schemes) if (v == p.IdScheme) scheme = n;
        return new FxPartyDto(p.Name, p.StreetName, p.BuildingNumber, p.PostCode, p.TownName, p.CountrySubDivision, p.Country, p.Account, scheme, p.Identifier);
    }

    internal static FxTradeReferenceDto ToDto(TradeReference t)
    {
        string rule = "";
        foreach (var (n, v) in IncotermsRules) if (v == t.Incoterms) rule = n;
        return new FxTradeReferenceDto(t.InvoiceNumber, BusinessDates.ToDate(t.InvoiceDate), t.ContractReference, t.LetterOfCreditReference, t.GoodsDescription, t.HsCode, rule, t.IncotermsPlace);
    }

    private static async Task<IResult> Pay(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<PayAgainstLockRequest>(c);
        ulong payer = ActingFor(caller, r.Payer, "payer");
        UInt128 id = Ids.Parse(r.Id, "id"), lockId = Ids.Parse(r.LockId, "lock_id");
        PartyBirths.Refuse(r.Originator, "originator");
        PartyBirths.Refuse(r.Beneficiary, "beneficiary");
        var command = new PayAgainstLock(id, lockId, payer, ToParty(r.Originator), ToParty(r.Beneficiary), ToTrade(r.Trade));
        // Stateless rules at the rim: an incomplete payment is refused without a journal entry (the engine applies the same rules).
        PayResult valid = TradeReferenceRules.Validate(command.Originator, command.Beneficiary, command.Trade);
        if (valid != PayResult.Ok) throw Rejected(valid, $"payment {r.Id}");
        Corridor.Core.Settlement.PaymentReferences references = Wire.References(r.References);
        byte[] payload = references.IsEmpty ? Payload(command) : Payload(new PayAgainstLockWithReferences(command, references));
        // One hand-off: the command, and right after it the payment as the engine left it — but only the payer's own (an id
        // another payer holds is refused by the engine as a reuse with different content, and nothing of it is read here).
        var (reply, after) = await gw.SubmitAndReadAsync(references.IsEmpty ? Operation.PayAgainstLock : Operation.PayAgainstLockWithReferences, 1, payload,
            (e, applied) => (Existed: IdsExisted.At(applied, 0), Mine: e.Exchange.TryGetPayment(id, out PaymentRecord p) && p.Request.Payer == payer ? ToDto(p) : null));
        var result = reply.AllOk ? PayResult.Ok : (PayResult)reply.Errors[0].Code;
        // Held for compliance or queued for liquidity is not a refusal: the payment is accepted and waits (status held or
        // queued), as a same-currency payment does.
        if (result is not (PayResult.Ok or PayResult.HeldForCompliance or PayResult.Queued))
        {
            // Refused by the engine: the problem names the payment and the status it recorded (failed), never a 201.
            ApiException refused = Rejected(result, $"payment {r.Id}");
            throw after.Mine is not { } recorded || result == PayResult.IdReusedWithDifferentContent ? refused
                : new ApiException(refused.Status, refused.Code, refused.Message) { PaymentId = Ids.Format(id), PaymentStatus = recorded.Status };
        }
        FxPaymentDto dto = after.Mine ?? throw ApiException.NotFound("fx.payment_not_found", $"payment {Clip(r.Id)} does not exist");
        return Results.Json(dto, CorridorJson.Options, statusCode: after.Existed ? 200 : 201);
    }

    private static FxPaymentDto ToDto(PaymentRecord p)
    {
        PayAgainstLock r = p.Request;
        return new FxPaymentDto(Ids.Format(p.PaymentId), Ids.Format(p.LockId), r.Payer, Wire.Snake(p.Status),
            p.Result is PayResult.Ok or PayResult.Queued ? null : "fx." + Wire.Snake(p.Result),
            p.LedgerResult == CreateTransferResult.Ok ? null : "transfer." + Wire.Snake(p.LedgerResult),
            p.SourceMinor, p.DestinationMinor, Ids.Format(p.SourceLegTransferId), Ids.Format(p.DestinationLegTransferId), p.Timestamp,
            ToDto(r.Originator), ToDto(r.Beneficiary), ToDto(r.Trade),
            p.References.IsEmpty ? null : new PaymentReferencesDto(p.References.MessageId, p.References.InstructionId, p.References.EndToEndId, p.References.TransactionId, p.References.Uetr));
    }

    /// <summary>The payer, the owner of the payee account, and the operator see a payment.</summary>
    private static bool Visible(Engine e, Caller caller, PaymentRecord p)
    {
        if (caller.IsOperator || p.Request.Payer == caller.ParticipantId) return true;
        return e.Exchange.TryGetLock(p.LockId, out LockRecord l) && e.Ledger.TryGetAccount(l.Request.PayeeAccount, out Account payee)
            && payee.Participant == caller.ParticipantId;
    }

    private static async Task<FxPaymentDto> Payment(NodeGateway gw, UInt128 id, string text, Caller? caller = null)
    {
        var (found, visible, dto) = await gw.QueryAsync(e =>
        {
            if (!e.Exchange.TryGetPayment(id, out PaymentRecord p)) return (false, false, (FxPaymentDto?)null);
            bool visible = caller is not Caller who || Visible(e, who, p);
            return (true, visible, visible ? ToDto(p) : null);
        });
        if (!found) throw ApiException.NotFound("fx.payment_not_found", $"payment {Clip(text)} does not exist");
        if (!visible) throw ApiException.Forbidden($"payment {Clip(text)} is not yours");
        return dto!;
    }

    private static async Task<IResult> GetPayment(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        return Results.Json(await Payment(gw, Ids.Parse(id, "id"), id, caller), CorridorJson.Options);
    }

    private static async Task<IResult> FindPayments(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        IQueryCollection q = c.Request.Query;
        bool byInvoice = q.ContainsKey("invoice"), byLc = q.ContainsKey("letter_of_credit");
        if (byInvoice == byLc) throw ApiException.BadRequest("request.missing_field", "give exactly one of invoice or letter_of_credit");
        string reference = Required(q, byInvoice ? "invoice" : "letter_of_credit");
        int limit = 100;
        if (q.TryGetValue("limit", out var l) && (!int.TryParse(l.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxPageRows))
            throw ApiException.BadRequest("request.invalid_value", $"limit must be 1…{MaxPageRows}");
        FxPaymentDto[] rows = await gw.QueryAsync(e =>
        {
            IReadOnlyList<PaymentRecord> all = byInvoice ? e.Exchange.FindPaymentsByInvoice(reference) : e.Exchange.FindPaymentsByLetterOfCredit(reference);
            var page = new List<FxPaymentDto>();
            foreach (PaymentRecord p in all)
            {
                if (!Visible(e, caller, p)) continue;
                page.Add(ToDto(p));
                if (page.Count >= limit) break;
            }
            return page.ToArray();
        });
        return Results.Json(rows, CorridorJson.Options);
    }

    // ───────────── bilateral FX trades ─────────────

    private static FxTradeInstruction ToInstruction(FxTradeRequest r, ulong instructing) => new(
        Ids.Parse(r.Id, "id"), instructing, r.PartyA, r.PartyB, r.CurrencyA, r.CurrencyB,
        Wire.Amount(r.AmountA, "amount_a"), Wire.Amount(r.AmountB, "amount_b"),
        Ids.Parse(r.PartyAPaysAccountId, "party_a_pays_account_id"), Ids.Parse(r.PartyBReceivesAccountId, "party_b_receives_account_id"),
        Ids.Parse(r.PartyBPaysAccountId, "party_b_pays_account_id"), Ids.Parse(r.PartyAReceivesAccountId, "party_a_receives_account_id"), r.AffirmDeadlineNs);

    /// <summary>A participant instructs only as a party of the trade; the operator cannot instruct (it is neither party).</summary>
    private static ulong Instructing(Caller caller, FxTradeRequest r)
    {
        if (caller.IsOperator) throw ApiException.Forbidden("trades are instructed by their parties");
        if (caller.ParticipantId != r.PartyA && caller.ParticipantId != r.PartyB)
            throw ApiException.Forbidden($"participant {caller.ParticipantId} is neither party of trade {Clip(r.Id)}");
        return caller.ParticipantId;
    }

    private static async Task<IResult> SubmitTrade(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<FxTradeRequest>(c);
        FxTradeInstruction t = ToInstruction(r, Instructing(caller, r));
        bool existed = await gw.QueryAsync(e => e.Exchange.TryGetTrade(t.TradeId, out _));
        var result = (TradeResult)await Submit(gw, Operation.SubmitFxTrade, t);
        if (result != TradeResult.Ok) throw Rejected(result, $"trade {r.Id}");
        return Results.Json(await Trade(gw, t.TradeId, r.Id), CorridorJson.Options, statusCode: existed ? 200 : 201);
    }

    private static async Task<IResult> AffirmTrade(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<FxTradeRequest>(c);
        if (!Ids.TryParse(r.Id, out UInt128 bodyId) || bodyId != Ids.Parse(id, "id")) throw ApiException.BadRequest("request.invalid_id", "the body's id must be the trade id of the path");
        FxTradeInstruction t = ToInstruction(r, Instructing(caller, r));
        var result = (TradeResult)await Submit(gw, Operation.AffirmFxTrade, t);
        if (result != TradeResult.Ok) throw Rejected(result, $"trade {id}", pathTarget: true);
        return Results.Json(await Trade(gw, t.TradeId, id), CorridorJson.Options);
    }

    private static async Task<IResult> CancelTrade(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 tradeId = Ids.Parse(id, "id");
        ulong party = caller.ParticipantId;
        if (caller.IsOperator)
        {
            NodeGateway.RequireOperator(caller);
            party = (await Trade(gw, tradeId, id)).PartyA;
        }
        var result = (TradeResult)await Submit(gw, Operation.CancelFxTrade, new CancelFxTrade(tradeId, party));
        if (result != TradeResult.Ok) throw Rejected(result, $"trade {id}", pathTarget: true);
        return Results.Json(await Trade(gw, tradeId, id), CorridorJson.Options);
    }

    private static async Task<FxTradeDto> Trade(NodeGateway gw, UInt128 id, string text)
    {
        FxTradeDto? dto = await gw.QueryAsync(e => e.Exchange.TryGetTrade(id, out TradeRecord t) ? ToDto(t) : null);
        return dto ?? throw ApiException.NotFound("fx.trade_not_found", $"trade {Clip(text)} does not exist");
    }

    private static FxTradeDto ToDto(TradeRecord t)
    {
        FxTradeInstruction x = t.Terms;
        bool closedByAffirm = t.AffirmHash != 0;
        return new FxTradeDto(Ids.Format(x.TradeId), x.Instructing, x.PartyA, x.PartyB, x.CurrencyA, x.CurrencyB, x.AmountAMinor, x.AmountBMinor,
            Ids.Format(x.PartyAPays), Ids.Format(x.PartyBReceives), Ids.Format(x.PartyBPays), Ids.Format(x.PartyAReceives), x.AffirmDeadlineNs,
            Wire.Snake(t.Status), closedByAffirm && t.AffirmResult != TradeResult.Ok ? "fx." + Wire.Snake(t.AffirmResult) : null,
            t.LedgerResult == CreateTransferResult.Ok ? null : "transfer." + Wire.Snake(t.LedgerResult),
            Ids.Format(t.LegATransferId), Ids.Format(t.LegBTransferId), t.SubmittedAt, t.ClosedAt);
    }

    private static readonly string[] TradeStatuses = ["submitted", "settled", "failed", "cancelled", "expired"];

    /// <summary>Bilateral FX trades, newest first: the operator sees all, a participant the trades it is a party of.</summary>
    private static async Task<IResult> ListTrades(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        FxTradeDto[] trades = await Newest(c, gw, TradeStatuses, (e, _) => caller.IsOperator ? e.Exchange.Trades : e.Exchange.TradesOf(caller.ParticipantId),
            t => caller.IsOperator || t.Terms.PartyA == caller.ParticipantId || t.Terms.PartyB == caller.ParticipantId, t => Wire.Snake(t.Status), ToDto);
        return Results.Json(trades, CorridorJson.Options);
    }

    private static async Task<IResult> GetTrade(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        FxTradeDto t = await Trade(gw, Ids.Parse(id, "id"), id);
        if (!caller.IsOperator && t.PartyA != caller.ParticipantId && t.PartyB != caller.ParticipantId)
            throw ApiException.Forbidden($"trade {Clip(id)} is not yours");
        return Results.Json(t, CorridorJson.Options);
    }

    private static string Clip(string s) => s.Length > 48 ? s[..48] + "…" : s;
}
