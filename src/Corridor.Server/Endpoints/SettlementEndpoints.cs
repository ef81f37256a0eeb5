using Corridor.Client;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>Participants, ledgers, liquidity, payments and queues, LSM, netting windows, the operating day and statements.</summary>
public static class SettlementEndpoints
{
    /// <summary>Lifetime of a participant token issued by the server.</summary>
    public static readonly TimeSpan ParticipantTokenLifetime = TimeSpan.FromDays(365);

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/participants", Handler.Of(c => RegisterParticipant(c, gw))).WithTags("participants")
            .Accepts<RegisterParticipantRequest>("application/json").Produces<ParticipantTokenDto>(201);
        app.MapGet("/v1/participants", Handler.Of(c => ListParticipants(c, gw))).WithTags("participants").Produces<ParticipantDto[]>();
        app.MapGet("/v1/participants/{id}", (HttpContext c, string id) => GetParticipant(c, gw, id)).WithTags("participants").Produces<ParticipantDto>();
        app.MapPost("/v1/participants/{id}/status", (HttpContext c, string id) => ChangeStatus(c, gw, id)).WithTags("participants")
            .Accepts<ChangeParticipantStatusRequest>("application/json").Produces<ParticipantDto>();
        app.MapPost("/v1/participants/{id}/ledger-access", (HttpContext c, string id) => SetLedgerAccess(c, gw, id)).WithTags("participants")
            .Accepts<LedgerAccessRequest>("application/json").Produces<LedgerAccessDto>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);
        app.MapGet("/v1/participants/{id}/ledger-access", (HttpContext c, string id) => GetLedgerAccess(c, gw, id)).WithTags("participants").Produces<LedgerAccessDto>();
        app.MapPost("/v1/participants/{id}/tokens", (HttpContext c, string id) => IssueToken(c, gw, id)).WithTags("participants").Produces<ParticipantTokenDto>(201);
        app.MapGet("/v1/participants/{id}/settlement-accounts/{ledger}", (HttpContext c, string id, string ledger) => GetSettlementAccount(c, gw, id, ledger))
            .WithTags("settlement accounts").Produces<SettlementAccountDto>();
        app.MapGet("/v1/participants/{id}/queue/{ledger}", (HttpContext c, string id, string ledger) => GetQueue(c, gw, id, ledger)).WithTags("payments").Produces<PaymentDto[]>();
        app.MapGet("/v1/queues", Handler.Of(c => GetQueues(c, gw))).WithTags("payments").Produces<LedgerQueuesDto[]>();
        app.MapPost("/v1/ledgers", Handler.Of(c => RegisterLedger(c, gw))).WithTags("settlement accounts").Accepts<RegisterLedgerRequest>("application/json").Produces<LedgerDto>(201);
        app.MapGet("/v1/ledgers", Handler.Of(c => ListLedgers(c, gw))).WithTags("settlement accounts").Produces<LedgerDto[]>();
        app.MapPost("/v1/settlement-accounts", Handler.Of(c => OpenSettlementAccount(c, gw))).WithTags("settlement accounts")
            .Accepts<OpenSettlementAccountRequest>("application/json").Produces<SettlementAccountDto>(201);
        app.MapPost("/v1/liquidity", Handler.Of(c => MoveLiquidity(c, gw))).WithTags("liquidity").Accepts<LiquidityRequest>("application/json").Produces<SettlementAccountDto>();
        app.MapPost("/v1/credit-lines", Handler.Of(c => SetCreditLine(c, gw))).WithTags("liquidity").Accepts<CreditLineRequest>("application/json").Produces<SettlementAccountDto>();
        app.MapPost("/v1/reservations", Handler.Of(c => SetReservation(c, gw))).WithTags("liquidity").Accepts<ReservationRequest>("application/json").Produces<SettlementAccountDto>();
        app.MapPost("/v1/sending-limits", Handler.Of(c => SetSendingLimit(c, gw))).WithTags("liquidity").Accepts<SendingLimitRequest>("application/json").Produces<SettlementAccountDto>();
        PaymentSubmission.Map(app, gw); // POST /v1/payments and /v1/payments/batch
        // GET /v1/payments/{id}, GET /v1/payments?uetr=… and GET /v1/statements/{date}/{accountId} are served from the read model: ReadModelEndpoints.
        app.MapPost("/v1/payments/{id}/actions", (HttpContext c, string id) => ManagePayment(c, gw, id)).WithTags("payments")
            .Accepts<QueueActionRequest>("application/json").Produces<PaymentDto>();
        app.MapPost("/v1/lsm/runs", Handler.Of(c => RunLsm(c, gw))).WithTags("payments").Accepts<RunLsmRequest>("application/json").Produces<LsmRunDto[]>();
        app.MapPost("/v1/netting-windows", Handler.Of(c => OpenWindow(c, gw))).WithTags("netting").Accepts<OpenWindowRequest>("application/json").Produces<WindowDto>(201);
        app.MapPost("/v1/netting-windows/{id}/close", (HttpContext c, string id) => CloseWindow(c, gw, id)).WithTags("netting").Produces<WindowDto>();
        app.MapGet("/v1/netting-windows/{id}", (HttpContext c, string id) => GetWindow(c, gw, id)).WithTags("netting").Produces<WindowDto>();
        app.MapGet("/v1/netting-windows", Handler.Of(c => ListWindows(c, gw))).WithTags("netting").Produces<WindowDto[]>();
        app.MapGet("/v1/day", Handler.Of(c => GetDay(c, gw))).WithTags("day").Produces<DayDto>();
        app.MapPost("/v1/day/open", Handler.Of(c => OpenDay(c, gw))).WithTags("day").Accepts<OpenDayRequest>("application/json").Produces<DayDto>();
        app.MapPost("/v1/day/phase", Handler.Of(c => ChangePhase(c, gw))).WithTags("day").Accepts<ChangePhaseRequest>("application/json").Produces<DayDto>();
        app.MapGet("/v1/day/schedule", Handler.Of(c => GetSchedule(c, gw))).WithTags("day").Produces<DayScheduleDto>();
        app.MapPut("/v1/day/schedule", Handler.Of(c => SetSchedule(c, gw))).WithTags("day").Accepts<SetDayScheduleRequest>("application/json").Produces<DayScheduleDto>();
    }

    // ───────────── helpers ─────────────

    private static ulong ParticipantId(string text)
    {
        if (!ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong id) || id == 0)
            throw ApiException.BadRequest("request.invalid_id", $"participant id \"{(text.Length > 24 ? text[..24] : text)}\" must be a positive integer");
        return id;
    }

    private static uint Ledger(string text)
    {
        if (!uint.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint ledger) || ledger == 0)
            throw ApiException.BadRequest("request.invalid_id", "ledger must be a positive 32-bit integer");
        return ledger;
    }

    /// <summary>Applies one settlement item; returns true when it applied now, false when it had already applied (idempotent).</summary>
    private static async Task<bool> Apply<T>(NodeGateway gw, T item, params SettlementResult[] alreadyDone) where T : ISettlementCommand<T>
    {
        byte[] payload;
        try { payload = SettlementCodec.EncodePayload<T>([item]); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); }
        CommandReply reply = await gw.SubmitAsync(T.Operation, 1, payload);
        if (reply.AllOk) return true;
        var result = (SettlementResult)reply.Errors[0].Code;
        if (Array.IndexOf(alreadyDone, result) >= 0) return false;
        throw SettlementProblems.Refused(result, Wire.Snake(T.Operation));
    }

    private static T Found<T>(T? value, string code, string detail) where T : class =>
        value ?? throw ApiException.NotFound(code, detail);

    // ───────────── participants ─────────────

    private static async Task<IResult> RegisterParticipant(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<RegisterParticipantRequest>(c);
        if (r.Id == 0 || r.Id == ApiTokens.OperatorParticipantId) throw ApiException.BadRequest("request.invalid_id", "id must be 1 … 2^64−2");
        ParticipantRole role = Wire.ParseEnum(r.Role, "role", ("direct", ParticipantRole.DirectParticipant), ("central-bank", ParticipantRole.CentralBank));
        if (r.Bic is { Length: > 0 } bic) Wire.Bic(bic, "bic");
        bool created = await Apply(gw, new RegisterParticipant(r.Id, role, r.Name, r.Bic ?? ""), SettlementResult.ParticipantAlreadyExists);
        ParticipantInfo p = Found(await gw.QueryAsync(e => e.Settlement.GetParticipant(r.Id)), "settlement.participant_not_found", "participant vanished");
        gw.SetParticipant(p);
        return Results.Json(Token(gw, p.Id, role), CorridorJson.Options, statusCode: created ? 201 : 200);
    }

    private static ParticipantTokenDto Token(NodeGateway gw, ulong id, ParticipantRole role)
    {
        DateTimeOffset expires = DateTimeOffset.UtcNow + ParticipantTokenLifetime;
        CallerRole callerRole = role == ParticipantRole.CentralBank ? CallerRole.CentralBank : CallerRole.Direct;
        return new ParticipantTokenDto(id, Wire.RoleName(role), gw.Tokens.Issue(id, callerRole, expires), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    private static async Task<IResult> IssueToken(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        ulong pid = ParticipantId(id);
        ParticipantInfo p = Found(await gw.QueryAsync(e => e.Settlement.GetParticipant(pid)), "settlement.participant_not_found", $"participant {pid} does not exist");
        if (p.Role == ParticipantRole.Operator) throw ApiException.BadRequest("request.invalid_id", "operator tokens live in <data>/secrets");
        return Results.Json(Token(gw, p.Id, p.Role), CorridorJson.Options, statusCode: 201);
    }

    private static async Task<IResult> ListParticipants(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        IReadOnlyList<ParticipantInfo> all = await gw.QueryAsync(e => e.Settlement.GetParticipants());
        // The operator's own record (id 2^64−1, no accounts) is not a participant: operator users are listed by GET /v1/operators.
        return Results.Json(all.Where(p => p.Role != ParticipantRole.Operator).Select(Wire.ToDto).ToArray(), CorridorJson.Options);
    }

    private static async Task<IResult> GetParticipant(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        ulong pid = ParticipantId(id);
        NodeGateway.RequireSelfOrOperator(caller, pid);
        ParticipantInfo p = Found(await gw.QueryAsync(e => e.Settlement.GetParticipant(pid)), "settlement.participant_not_found", $"participant {pid} does not exist");
        return Results.Json(Wire.ToDto(p), CorridorJson.Options);
    }

    private static async Task<IResult> ChangeStatus(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        ulong pid = ParticipantId(id);
        var r = await RequestBody.ReadAsync<ChangeParticipantStatusRequest>(c);
        ParticipantStatus status = Wire.ParseEnum(r.Status, "status", ("active", ParticipantStatus.Active), ("suspended", ParticipantStatus.Suspended), ("closed", ParticipantStatus.Closed));
        if (pid == ApiTokens.OperatorParticipantId) throw ApiException.BadRequest("request.invalid_id", "the operator's status cannot change");
        await Apply(gw, new ChangeParticipantStatus(pid, status));
        ParticipantInfo p = Found(await gw.QueryAsync(e => e.Settlement.GetParticipant(pid)), "settlement.participant_not_found", $"participant {pid} does not exist");
        gw.SetParticipant(p);
        return Results.Json(Wire.ToDto(p), CorridorJson.Options);
    }

    /// <summary>Operator grants or withdraws raw ledger access (op 118); the rule lives in SettlementState.LedgerAccess.</summary>
    private static async Task<IResult> SetLedgerAccess(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        ulong pid = ParticipantId(id);
        var r = await RequestBody.ReadAsync<LedgerAccessRequest>(c);
        await Apply(gw, new GrantLedgerAccess(pid, r.Ledger, r.Granted));
        return await LedgerAccessOf(gw, pid);
    }

    private static async Task<IResult> GetLedgerAccess(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        ulong pid = ParticipantId(id);
        NodeGateway.RequireSelfOrOperator(caller, pid);
        return await LedgerAccessOf(gw, pid);
    }

    private static async Task<IResult> LedgerAccessOf(NodeGateway gw, ulong pid)
    {
        uint[]? ledgers = await gw.QueryAsync(e => e.Settlement.GetParticipant(pid) is null ? null : e.Settlement.LedgerGrantsOf(pid).ToArray());
        if (ledgers is null) throw ApiException.NotFound("settlement.participant_not_found", $"participant {pid} does not exist");
        return Results.Json(new LedgerAccessDto(pid, ledgers), CorridorJson.Options);
    }

    // ───────────── ledgers, settlement accounts, liquidity ─────────────

    private static async Task<IResult> RegisterLedger(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<RegisterLedgerRequest>(c);
        UInt128 cbAccount = Ids.Parse(r.CentralBankAccountId, "central_bank_account_id"), clearing = Ids.Parse(r.ClearingAccountId, "clearing_account_id");
        await Apply(gw, new RegisterLedger(r.Ledger, r.CentralBankId, cbAccount, clearing, r.CurrencyCode));
        gw.RememberOwner(cbAccount, r.CentralBankId);
        return Results.Json(new LedgerDto(r.Ledger, r.CentralBankId, Ids.Format(cbAccount), Ids.Format(clearing), r.CurrencyCode), CorridorJson.Options, statusCode: 201);
    }

    /// <summary>Registered ledgers and their currencies: public to every caller, like the operating day.</summary>
    private static async Task<IResult> ListLedgers(HttpContext c, NodeGateway gw)
    {
        gw.Authenticate(c);
        LedgerDto[] ledgers = await gw.QueryAsync(e => e.Settlement.GetLedgers()
            .Select(l => new LedgerDto(l.Ledger, l.CentralBank, Ids.Format(l.CentralBankAccountId), Ids.Format(l.ClearingAccountId), l.CurrencyCode)).ToArray());
        return Results.Json(ledgers, CorridorJson.Options);
    }

    private static async Task<IResult> OpenSettlementAccount(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<OpenSettlementAccountRequest>(c);
        NodeGateway.RequireSelfOrSystemOperator(caller, r.Participant);
        UInt128 accountId = Ids.Parse(r.AccountId, "account_id");
        await Apply(gw, new OpenSettlementAccount(r.Participant, r.Ledger, accountId));
        return Results.Json(await SettlementAccount(gw, r.Participant, r.Ledger), CorridorJson.Options, statusCode: 201);
    }

    private static async Task<SettlementAccountDto> SettlementAccount(NodeGateway gw, ulong participant, uint ledger) =>
        Wire.ToDto(Found(await gw.QueryAsync(e => e.Settlement.GetSettlementAccount(participant, ledger)), "settlement.settlement_account_not_found",
            $"participant {participant} has no settlement account in ledger {ledger}"));

    private static async Task<IResult> GetSettlementAccount(HttpContext c, NodeGateway gw, string id, string ledger)
    {
        Caller caller = gw.Authenticate(c);
        ulong pid = ParticipantId(id);
        uint l = Ledger(ledger);
        NodeGateway.RequireSelfOrOperator(caller, pid);
        return Results.Json(await SettlementAccount(gw, pid, l), CorridorJson.Options);
    }

    private static async Task<IResult> MoveLiquidity(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        // The operator, or a central bank in the ledger it is the settlement agent for (the rule: SettlementState.MayMoveLiquidity).
        if (caller.Role != CallerRole.CentralBank) NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<LiquidityRequest>(c);
        if (!caller.IsOperator)
        {
            SettlementResult may = await gw.QueryAsync(e => e.Settlement.MayMoveLiquidity(caller.ParticipantId, r.Ledger));
            if (may == SettlementResult.NotACentralBank)
                throw new ApiException(403, SettlementProblems.Code(may), $"participant {caller.ParticipantId} is not the central bank of ledger {r.Ledger}: only that central bank (or the operator) creates or withdraws its money");
            if (may != SettlementResult.Ok) throw SettlementProblems.Refused(may, $"liquidity in ledger {r.Ledger}");
        }
        UInt128 transferId = Ids.Parse(r.TransferId, "transfer_id");
        LiquidityDirection direction = Wire.ParseEnum(r.Direction, "direction", ("inject", LiquidityDirection.Inject), ("withdraw", LiquidityDirection.Withdraw));
        Wire.Amount(r.Amount, "amount", max: SettlementState.MaxAmountMinor);
        await Apply(gw, new MoveLiquidity(transferId, r.Participant, r.Ledger, r.Amount, direction), SettlementResult.AlreadyApplied);
        return Results.Json(await SettlementAccount(gw, r.Participant, r.Ledger), CorridorJson.Options);
    }

    private static async Task<IResult> SetCreditLine(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<CreditLineRequest>(c);
        UInt128 transferId = Ids.Parse(r.TransferId, "transfer_id");
        Wire.Amount(r.Limit, "limit", allowZero: true, max: SettlementState.MaxAmountMinor);
        await Apply(gw, new SetCreditLine(transferId, r.Participant, r.Ledger, r.Limit), SettlementResult.AlreadyApplied);
        return Results.Json(await SettlementAccount(gw, r.Participant, r.Ledger), CorridorJson.Options);
    }

    private static async Task<IResult> SetReservation(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<ReservationRequest>(c);
        NodeGateway.RequireSelfOrSystemOperator(caller, r.Participant);
        Wire.Amount(r.UrgentReserve, "urgent_reserve", allowZero: true, max: SettlementState.MaxAmountMinor);
        Wire.Amount(r.HighReserve, "high_reserve", allowZero: true, max: SettlementState.MaxAmountMinor);
        await Apply(gw, new SetReservation(r.Participant, r.Ledger, r.UrgentReserve, r.HighReserve));
        return Results.Json(await SettlementAccount(gw, r.Participant, r.Ledger), CorridorJson.Options);
    }

    private static async Task<IResult> SetSendingLimit(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<SendingLimitRequest>(c);
        NodeGateway.RequireSelfOrSystemOperator(caller, r.Participant);
        Wire.Amount(r.Limit, "limit", allowZero: true, max: SettlementState.MaxAmountMinor);
        await Apply(gw, new SetSendingLimit(r.Participant, r.Ledger, r.Counterparty, r.Limit));
        return Results.Json(await SettlementAccount(gw, r.Participant, r.Ledger), CorridorJson.Options);
    }

    // ───────────── payments ─────────────

    internal static PaymentCompliance? ComplianceOf(Corridor.Core.Engine.Engine e, UInt128 id) =>
        e.Compliance.TryGetPayment(id, out PaymentCompliance c) && c.IsSettlementPayment ? c : null;

    /// <summary>
    /// A payment compliance rejected: travel-rule gaps are the caller's to fix (400, ISO 20022 RR01–RR04); a rule's
    /// rejection (blocked country or currency, amount above a reject limit) is 422 with the rule's ISO reason.
    /// </summary>
    internal static ApiException TravelRuleIncomplete(string id, TravelRuleResult travel) =>
        new(400, "compliance.travel_rule_incomplete", $"payment {id}: travel rule incomplete ({Wire.Findings(travel)})") { Iso20022Reason = travel.FirstReasonCode };

    internal static ApiException ComplianceRejection(string id, PaymentCompliance c, string? recordedId, string? recordedStatus)
    {
        string reason = Wire.Snake(c.Decision.Reason);
        string detail = $"payment {id}: rejected by compliance ({reason}{(c.Decision.RuleId is null ? "" : ", rule " + c.Decision.RuleId)})";
        int status = c.Decision.Reason == ComplianceReason.TravelRuleIncomplete ? 400 : 422;
        return new ApiException(status, "compliance." + reason, detail)
        {
            Iso20022Reason = c.Decision.Iso20022Reason, PaymentId = recordedId, PaymentStatus = recordedStatus,
        };
    }

    private static async Task<PaymentInfo> VisiblePayment(NodeGateway gw, Caller caller, string text)
    {
        UInt128 id = Ids.Parse(text, "id");
        PaymentInfo p = Found(await gw.QueryAsync(e => e.Settlement.GetPayment(id)), "settlement.payment_not_found", $"payment {text} does not exist");
        if (!caller.IsOperator && p.Payer != caller.ParticipantId && p.Payee != caller.ParticipantId)
            throw ApiException.Forbidden($"payment {text} is not yours");
        return p;
    }

    private static async Task<IResult> ManagePayment(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<QueueActionRequest>(c);
        PaymentInfo p = await VisiblePayment(gw, caller, id);
        if (!caller.IsOperator && p.Payer != caller.ParticipantId) throw ApiException.Forbidden("only the payer manages its queue");
        if (caller.IsOperator) NodeGateway.RequireOperator(caller);
        QueueAction action = Wire.ParseEnum(r.Action, "action", ("move_to_front", QueueAction.MoveToFront), ("move_to_back", QueueAction.MoveToBack),
            ("move_before", QueueAction.MoveBefore), ("change_priority", QueueAction.ChangePriority), ("revoke", QueueAction.Revoke));
        PaymentPriority priority = r.NewPriority is null ? p.Priority : Wire.Priority(r.NewPriority, "new_priority");
        UInt128 reference = Ids.ParseOptional(r.ReferencePaymentId, "reference_payment_id");
        await Apply(gw, new ManageQueuedPayment(caller.ParticipantId, p.Id, action, priority, reference));
        return Results.Json(Wire.ToDto(await VisiblePayment(gw, caller, id)), CorridorJson.Options);
    }

    private static async Task<IResult> GetQueue(HttpContext c, NodeGateway gw, string id, string ledger)
    {
        Caller caller = gw.Authenticate(c);
        ulong pid = ParticipantId(id);
        uint l = Ledger(ledger);
        NodeGateway.RequireSelfOrOperator(caller, pid);
        IReadOnlyList<PaymentInfo> queue = await gw.QueryAsync(e => e.Settlement.GetQueue(pid, l));
        return Results.Json(queue.Select(Wire.ToDto).ToArray(), CorridorJson.Options);
    }

    /// <summary>Longest age <c>GET /v1/queues?older_than_seconds=</c> takes (a week).</summary>
    public const int MaxQueueAgeSeconds = 7 * 24 * 3600;

    /// <summary>
    /// Operator: every ledger's queues as a whole (Core's <see cref="SettlementState.GetQueueOverview"/>): payments and amount
    /// queued, how many were submitted more than <c>older_than_seconds</c> (default 300) ago, and the gridlock the LSM could not
    /// settle, if any.
    /// </summary>
    private static async Task<IResult> GetQueues(HttpContext c, NodeGateway gw)
    {
        // Any operator user reads the queues (as each participant's queue), whatever its role.
        if (!gw.Authenticate(c).IsOperator) throw new ApiException(403, "auth.operator_only", "only the operator may do this");
        string? text = c.Request.Query["older_than_seconds"];
        int seconds = text is null ? 300
            : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int s) && s <= MaxQueueAgeSeconds ? s
            : throw ApiException.BadRequest("request.invalid_value", $"older_than_seconds: 0 … {MaxQueueAgeSeconds}");
        ulong now = (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        ulong before = now - (ulong)seconds * 1_000_000_000UL;
        var (ledgers, currencies) = await gw.QueryAsync(e =>
        {
            IReadOnlyList<LedgerQueues> l = e.Settlement.GetQueueOverview(before);
            return (l, l.Select(x => e.Settlement.GetLedgerCurrency(x.Ledger) ?? "").ToArray());
        });
        return Results.Json(ledgers.Select((l, i) => new LedgerQueuesDto(l.Ledger, currencies[i], l.Payments, l.AmountMinor, l.SubmittedBefore, l.Gridlock?.ToArray())).ToArray(),
            CorridorJson.Options);
    }

    private static async Task<IResult> RunLsm(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<RunLsmRequest>(c);
        CommandReply reply = await gw.SubmitAsync(Operation.RunLsm, 1, SettlementCodec.EncodePayload<RunLsm>([new RunLsm(r.Ledger)]));
        if (!reply.AllOk)
        {
            var result = (SettlementResult)reply.Errors[0].Code;
            throw SettlementProblems.Refused(result, "lsm");
        }
        LsmRunDto[] runs = reply.Data switch
        {
            IEnumerable<LsmResult> list => list.Select(x => new LsmRunDto(x.Ledger, x.CandidatePayments, x.SettledPayments, x.SettledMinor)).ToArray(),
            LsmResult one => [new LsmRunDto(one.Ledger, one.CandidatePayments, one.SettledPayments, one.SettledMinor)],
            _ => [],
        };
        return Results.Json(runs, CorridorJson.Options);
    }

    // ───────────── netting windows ─────────────

    private static async Task<IResult> OpenWindow(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<OpenWindowRequest>(c);
        await Apply(gw, new OpenNettingWindow(r.WindowId, r.Ledger, r.Name));
        return Results.Json(await Window(gw, r.WindowId), CorridorJson.Options, statusCode: 201);
    }

    private static async Task<WindowDto> Window(NodeGateway gw, ulong id) =>
        Wire.ToDto(Found(await gw.QueryAsync(e => e.Settlement.GetWindow(id)), "settlement.window_not_found", $"window {id} does not exist"));

    private static async Task<IResult> CloseWindow(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        ulong wid = ParticipantId(id);
        await Apply(gw, new CloseNettingWindow(wid));
        return Results.Json(await Window(gw, wid), CorridorJson.Options);
    }

    private static async Task<IResult> GetWindow(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        ulong wid = ParticipantId(id);
        return Results.Json(Scoped(caller, await Window(gw, wid)), CorridorJson.Options);
    }

    /// <summary>Netting windows, newest first (<c>?limit=</c> ≤ 1,000); a participant sees only its own position in each.</summary>
    private static async Task<IResult> ListWindows(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        int limit = ReadModelEndpoints.Limit(c);
        IReadOnlyList<WindowInfo> windows = await gw.QueryAsync(e => e.Settlement.GetWindows(limit));
        return Results.Json(windows.Select(w => Scoped(caller, Wire.ToDto(w))).ToArray(), CorridorJson.Options);
    }

    /// <summary>Participants see only their own net position and exclusion.</summary>
    private static WindowDto Scoped(Caller caller, WindowDto w) => caller.IsOperator ? w
        : w with { NetPositions = w.NetPositions.Where(n => n.Participant == caller.ParticipantId).ToArray(),
            ExcludedParticipants = w.ExcludedParticipants.Where(p => p == caller.ParticipantId).ToArray() };

    // ───────────── day, statements ─────────────

    private static async Task<IResult> GetDay(HttpContext c, NodeGateway gw)
    {
        gw.Authenticate(c);
        return await DayAnswer(gw);
    }

    private static async Task<IResult> DayAnswer(NodeGateway gw) =>
        Results.Json(Wire.ToDto(await gw.QueryAsync(e => e.GetDayStatus()), gw.Clock()), CorridorJson.Options);

    private static async Task<IResult> OpenDay(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<OpenDayRequest>(c);
        await Apply(gw, new OpenBusinessDay(BusinessDates.ToNumber(r.BusinessDate)));
        return await DayAnswer(gw);
    }

    private static async Task<IResult> ChangePhase(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<ChangePhaseRequest>(c);
        DayPhase phase = Wire.ParseEnum(r.Phase, "phase", ("customer_cutoff", DayPhase.CustomerCutoff), ("interbank_cutoff", DayPhase.InterbankCutoff), ("end_of_day", DayPhase.EndOfDay));
        await Apply(gw, new ChangeDayPhase(phase));
        return await DayAnswer(gw);
    }

    private static async Task<IResult> GetSchedule(HttpContext c, NodeGateway gw)
    {
        gw.Authenticate(c);
        return await ScheduleAnswer(gw);
    }

    /// <summary>Operator sets (or, with no times, removes) the day schedule (op 119); its rules live in SettlementState.Schedule.</summary>
    private static async Task<IResult> SetSchedule(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<SetDayScheduleRequest>(c);
        SetDaySchedule item = SetDaySchedule.None;
        if (r.CustomerCutoff is not null || r.InterbankCutoff is not null || r.EndOfDay is not null || r.UtcOffset is not null)
        {
            if (r.CustomerCutoff is null || r.InterbankCutoff is null || r.EndOfDay is null || r.UtcOffset is null)
                throw ApiException.BadRequest("request.missing_field",
                    "customer_cutoff, interbank_cutoff, end_of_day and utc_offset are given together (or none of them, which removes the schedule)");
            item = new SetDaySchedule(TimesOfDay.ParseSeconds(r.CustomerCutoff, "customer_cutoff"), TimesOfDay.ParseSeconds(r.InterbankCutoff, "interbank_cutoff"),
                TimesOfDay.ParseSeconds(r.EndOfDay, "end_of_day"), TimesOfDay.ParseOffsetMinutes(r.UtcOffset, "utc_offset"));
            if (item.RemovesSchedule) throw ApiException.BadRequest("request.invalid_value", "a schedule with every time at 00:00 is no schedule: send no times to remove it");
        }
        await Apply(gw, item);
        return await ScheduleAnswer(gw);
    }

    private static async Task<IResult> ScheduleAnswer(NodeGateway gw) =>
        Results.Json(await gw.QueryAsync(e => TimesOfDay.ToDto(e.Settlement.Schedule, e.Settlement.ScheduledCutoffs())), CorridorJson.Options);
}
