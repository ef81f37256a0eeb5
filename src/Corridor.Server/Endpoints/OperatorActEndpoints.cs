using Corridor.Client;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// Four eyes (maker-checker) over HTTP: an operator user proposes a liquidity move or a hold release, a second one approves
/// or declines it. The rule (who may, never the proposer, what applies) is Core's: Compliance/OperatorActs.cs.
/// </summary>
public static class OperatorActEndpoints
{
    private const int MaxListed = 1_000;

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/operator-acts", Handler.Of(c => Propose(c, gw))).WithTags("four eyes").Accepts<OperatorActRequest>("application/json").Produces<OperatorActDto>(201);
        app.MapGet("/v1/operator-acts", Handler.Of(c => List(c, gw))).WithTags("four eyes").Produces<OperatorActDto[]>();
        app.MapPost("/v1/operator-acts/{id}/approve", (HttpContext c, string id) => Decide(c, gw, id, Operation.ApproveOperatorAct)).WithTags("four eyes")
            .Accepts<OperatorActDecisionRequest>("application/json").Produces<OperatorActDto>();
        app.MapPost("/v1/operator-acts/{id}/decline", (HttpContext c, string id) => Decide(c, gw, id, Operation.DeclineOperatorAct)).WithTags("four eyes")
            .Accepts<OperatorActDecisionRequest>("application/json").Produces<OperatorActDto>();
        app.MapGet("/v1/four-eyes", Handler.Of(c => GetPolicy(c, gw))).WithTags("four eyes").Produces<FourEyesDto>();
        app.MapPost("/v1/four-eyes", Handler.Of(c => RequireFourEyes(c, gw))).WithTags("four eyes").Accepts<FourEyesDto>("application/json").Produces<FourEyesDto>();
    }

    private static Caller AnyOperator(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        if (!caller.IsOperator) throw new ApiException(403, "auth.operator_only", "only operator users propose and decide operator acts");
        return caller;
    }

    private static async Task<IResult> Propose(HttpContext c, NodeGateway gw)
    {
        Caller caller = AnyOperator(c, gw);
        var r = await RequestBody.ReadAsync<OperatorActRequest>(c);
        OperatorActKind kind = Wire.ParseEnum(r.Kind, "kind", ("move_liquidity", OperatorActKind.MoveLiquidity), ("release_hold", OperatorActKind.ReleaseHold));
        UInt128 id = NonZero(r.Id, "id");
        ProposeOperatorAct item;
        if (kind == OperatorActKind.MoveLiquidity)
        {
            NodeGateway.RequireOperator(caller);
            if (r.PaymentId is not null) throw ApiException.BadRequest("request.invalid_value", "payment_id belongs to a release_hold act");
            UInt128 transfer = NonZero(r.TransferId ?? throw ApiException.BadRequest("request.missing_field", "$: missing required member 'transfer_id'"), "transfer_id");
            if (r.Participant == 0) throw ApiException.BadRequest("request.invalid_id", "participant must be 1 … 2^64−2");
            if (r.Ledger == 0) throw ApiException.BadRequest("request.invalid_id", "ledger must be a positive 32-bit integer");
            Wire.Amount(r.Amount, "amount", max: SettlementState.MaxAmountMinor);
            LiquidityDirection direction = Wire.ParseEnum(r.Direction ?? "", "direction", ("inject", LiquidityDirection.Inject), ("withdraw", LiquidityDirection.Withdraw));
            item = new ProposeOperatorAct(id, kind, transfer, r.Participant, r.Ledger, r.Amount, direction, r.Reason);
        }
        else
        {
            NodeGateway.RequireCompliance(caller);
            if (r.TransferId is not null || r.Participant != 0 || r.Ledger != 0 || r.Amount != 0 || r.Direction is not null)
                throw ApiException.BadRequest("request.invalid_value", "a release_hold act takes payment_id and reason only");
            UInt128 payment = NonZero(r.PaymentId ?? throw ApiException.BadRequest("request.missing_field", "$: missing required member 'payment_id'"), "payment_id");
            if (string.IsNullOrWhiteSpace(r.Reason)) throw ApiException.BadRequest("compliance.reason_missing", "a hold release must say why (reason)");
            item = new ProposeOperatorAct(id, kind, payment, 0, 0, 0, default, r.Reason);
        }
        bool existed = await gw.QueryAsync(e => e.Compliance.TryGetOperatorAct(id, out _));
        byte[] payload;
        try { payload = ExchangeEndpoints.Payload(item); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); }
        CommandReply reply = await gw.SubmitAsync(Operation.ProposeOperatorAct, 1, payload);
        if (!reply.AllOk) throw Refused((OperatorActResult)reply.Errors[0].Code, id, null);
        return Results.Json(await Act(gw, id), CorridorJson.Options, statusCode: existed ? 200 : 201);
    }

    private static async Task<IResult> Decide(HttpContext c, NodeGateway gw, string text, Operation operation)
    {
        AnyOperator(c, gw);
        UInt128 id = NonZero(text, "id");
        var r = await RequestBody.ReadAsync<OperatorActDecisionRequest>(c);
        byte[] payload;
        try { payload = ExchangeEndpoints.Payload(new DecideOperatorAct(id, r.Reason)); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); }
        CommandReply reply = await gw.SubmitAsync(operation, 1, payload);
        if (!reply.AllOk)
        {
            var result = (OperatorActResult)reply.Errors[0].Code;
            throw Refused(result, id, result == OperatorActResult.ApprovedButRefused ? await Act(gw, id) : null);
        }
        return Results.Json(await Act(gw, id), CorridorJson.Options);
    }

    /// <summary>An id the engine would refuse for its own content (zero) is refused here, before the journal.</summary>
    private static UInt128 NonZero(string text, string field)
    {
        UInt128 id = Ids.Parse(text, field);
        if (id == UInt128.Zero) throw ApiException.BadRequest("request.invalid_id", $"{field} must not be 0");
        return id;
    }

    private static ApiException Refused(OperatorActResult result, UInt128 id, OperatorActDto? act)
    {
        int status = result switch
        {
            OperatorActResult.ActorNotOperatorUser or OperatorActResult.RoleNotAllowed or OperatorActResult.ApproverIsProposer => 403,
            OperatorActResult.ActNotFound => 404,
            OperatorActResult.ActExistsWithDifferentContent or OperatorActResult.ActNotPending => 409,
            _ => 422,
        };
        string detail = result switch
        {
            OperatorActResult.ApproverIsProposer => "four eyes: the operator user who proposed an act cannot approve it; a second operator user must",
            OperatorActResult.RoleNotAllowed => "this operator user's role may not decide this kind of act (liquidity: operator or administrator; hold release: compliance or administrator)",
            OperatorActResult.ApprovedButRefused => $"approved, but the engine refused the command: {act?.Outcome}",
            _ => Problems.SnakeCase(result.ToString()).Replace('_', ' '),
        };
        return new ApiException(status, "operator_act." + Wire.Snake(result), $"act {Ids.Format(id)}: {detail}");
    }

    private static async Task<OperatorActDto> Act(NodeGateway gw, UInt128 id) =>
        await gw.QueryAsync(e => e.Compliance.TryGetOperatorAct(id, out OperatorAct a) ? ToDto(e, a) : null)
        ?? throw ApiException.NotFound("operator_act.act_not_found", $"act {Ids.Format(id)} does not exist");

    private static async Task<IResult> List(HttpContext c, NodeGateway gw)
    {
        AnyOperator(c, gw);
        string status = c.Request.Query["status"].ToString() is { Length: > 0 } s ? s : "pending";
        if (status is not ("pending" or "decided" or "all")) throw ApiException.BadRequest("request.invalid_value", "status must be pending, decided or all");
        OperatorActDto[] acts = await gw.QueryAsync(e => e.Compliance.OperatorActs
            .Where(a => status == "all" || (a.Status == OperatorActStatus.Pending) == (status == "pending"))
            .OrderBy(a => a.ProposedAtNs).Take(MaxListed).Select(a => ToDto(e, a)).ToArray());
        return Results.Json(acts, CorridorJson.Options);
    }

    private static async Task<IResult> GetPolicy(HttpContext c, NodeGateway gw)
    {
        AnyOperator(c, gw);
        return Results.Json(new FourEyesDto(await gw.QueryAsync(e => e.Compliance.FourEyesRequired)), CorridorJson.Options);
    }

    private static async Task<IResult> RequireFourEyes(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireAdministrator(caller);
        var r = await RequestBody.ReadAsync<FourEyesDto>(c);
        if (!r.Required) throw ApiException.BadRequest("request.invalid_value", "four eyes are one-way: once required they cannot be switched off");
        CommandReply reply = await gw.SubmitAsync(Operation.RequireFourEyes, 1, ExchangeEndpoints.Payload(new RequireFourEyes(0)));
        if (!reply.AllOk) throw Refused((OperatorActResult)reply.Errors[0].Code, 0, null);
        return Results.Json(new FourEyesDto(true), CorridorJson.Options);
    }

    private static OperatorActDto ToDto(Engine e, OperatorAct a)
    {
        bool liquidity = a.Kind == OperatorActKind.MoveLiquidity;
        string outcome = a.Status != OperatorActStatus.Approved || a.OutcomeCode == 0 ? (a.Status == OperatorActStatus.Approved ? "ok" : "")
            : liquidity ? SettlementProblems.Code((SettlementResult)a.OutcomeCode) : "compliance." + Wire.Snake((HoldDecisionResult)a.OutcomeCode);
        return new OperatorActDto(
            Ids.Format(a.Id), Wire.Snake(a.Kind), Wire.Snake(a.Status), liquidity ? Ids.Format(a.SubjectId) : null, a.Participant, a.Ledger, a.AmountMinor,
            liquidity ? Wire.Snake(a.Direction) : null, liquidity ? null : Ids.Format(a.SubjectId), a.Reason,
            a.ProposedBy, NameOf(e, a.ProposedBy), a.ProposedAtNs, a.DecidedBy, a.DecidedBy == 0 ? null : NameOf(e, a.DecidedBy), a.DecidedAtNs, a.DecisionReason, outcome);
    }

    private static string? NameOf(Engine e, uint id) => e.Compliance.TryGetOperator(id, out OperatorUser u) ? u.Name : null;
}
