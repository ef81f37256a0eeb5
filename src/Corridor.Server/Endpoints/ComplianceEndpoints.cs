using Corridor.Client;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// The operator's compliance desk: watch lists, the screening threshold, held payments and their
/// decisions, and the export of the hash-chained compliance audit log. Operator only; every change is
/// an engine command journaled with the operator's id and the engine time.
/// </summary>
public static class ComplianceEndpoints
{
    private const int MaxListLimit = 1_000;

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/compliance/watch-lists", Handler.Of(c => LoadWatchList(c, gw))).WithTags("compliance")
            .Accepts<LoadWatchListRequest>("application/json").Produces<WatchListDto>(201);
        app.MapGet("/v1/compliance/watch-lists", Handler.Of(c => ListWatchLists(c, gw))).WithTags("compliance").Produces<WatchListDto[]>();
        app.MapPost("/v1/compliance/threshold", Handler.Of(c => SetThreshold(c, gw))).WithTags("compliance").Accepts<ScreeningThresholdRequest>("application/json");
        app.MapGet("/v1/compliance/holds", Handler.Of(c => ListHolds(c, gw))).WithTags("compliance").Produces<HoldDto[]>();
        app.MapPost("/v1/compliance/holds/{id}/release", (HttpContext c, string id) => Decide(c, gw, id, Operation.ReleaseHold)).WithTags("compliance")
            .Accepts<HoldDecisionRequest>("application/json").Produces<HoldDto>();
        app.MapPost("/v1/compliance/holds/{id}/reject", (HttpContext c, string id) => Decide(c, gw, id, Operation.RejectHold)).WithTags("compliance")
            .Accepts<HoldDecisionRequest>("application/json").Produces<HoldDto>();
        app.MapGet("/v1/compliance/audit", Handler.Of(c => ExportAudit(c, gw))).WithTags("compliance").Produces<AuditExportDto>();
        app.MapGet("/v1/compliance/rules", Handler.Of(c => ListRules(c, gw))).WithTags("compliance").Produces<ComplianceRuleDto[]>();
        app.MapPost("/v1/compliance/rules", Handler.Of(c => SetRule(c, gw))).WithTags("compliance").Accepts<ComplianceRuleDto>("application/json").Produces<ComplianceRuleDto>();
        app.MapDelete("/v1/compliance/rules/{id}", (HttpContext c, string id) => RemoveRule(c, gw, id)).WithTags("compliance").Produces<ComplianceRuleDto[]>();
    }

    /// <summary>The compliance desk needs an operator user with role compliance or administrator.</summary>
    private static Caller Operator(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireCompliance(caller);
        return caller;
    }

    private static async Task<IResult> ListRules(HttpContext c, NodeGateway gw)
    {
        Operator(c, gw);
        ComplianceRuleDto[] rules = await gw.QueryAsync(e => e.Compliance.Rules.Select(ToDto).ToArray());
        return Results.Json(rules, CorridorJson.Options);
    }

    private static async Task<IResult> SetRule(HttpContext c, NodeGateway gw)
    {
        Caller caller = Operator(c, gw);
        var r = await RequestBody.ReadAsync<ComplianceRuleDto>(c);
        var item = new SetComplianceRule(caller.OperatorUser, r.Id, r.Participant, r.SourceCountry, r.DestinationCountry, r.SendCurrency, r.ReceiveCurrency,
            [.. (r.Limits ?? []).Select(l => new RuleLimit(l.Currency, l.HoldAbove, l.RejectAbove))], [.. r.BlockedCountries ?? []], [.. r.BlockedCurrencies ?? []]);
        byte[] payload;
        try { payload = ExchangeEndpoints.Payload(item); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); }
        CommandReply reply = await gw.SubmitAsync(Operation.SetComplianceRule, 1, payload);
        if (!reply.AllOk)
        {
            var result = (ComplianceRuleResult)reply.Errors[0].Code;
            throw new ApiException(result is ComplianceRuleResult.RuleIdInvalid or ComplianceRuleResult.RuleInvalid ? 400 : 422, "compliance." + Wire.Snake(result), $"rule {r.Id}: {result}");
        }
        ComplianceRuleDto dto = await gw.QueryAsync(e => e.Compliance.Rules.Where(x => x.Id == r.Id).Select(ToDto).Single());
        return Results.Json(dto, CorridorJson.Options);
    }

    private static async Task<IResult> RemoveRule(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = Operator(c, gw);
        byte[] payload;
        try { payload = ExchangeEndpoints.Payload(new RemoveComplianceRule(caller.OperatorUser, id)); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); }
        CommandReply reply = await gw.SubmitAsync(Operation.RemoveComplianceRule, 1, payload);
        if (!reply.AllOk)
        {
            var result = (ComplianceRuleResult)reply.Errors[0].Code;
            throw new ApiException(result == ComplianceRuleResult.RuleNotFound ? 404 : 400, "compliance." + Wire.Snake(result), $"rule {id}: {result}");
        }
        ComplianceRuleDto[] remaining = await gw.QueryAsync(e => e.Compliance.Rules.Select(ToDto).ToArray());
        return Results.Json(remaining, CorridorJson.Options);
    }

    private static ComplianceRuleDto ToDto(ComplianceRule r) => new(
        r.Id, r.Scope.Participant ?? 0, r.Scope.SourceCountry ?? "", r.Scope.DestinationCountry ?? "", r.Scope.SendCurrency ?? "", r.Scope.ReceiveCurrency ?? "",
        (r.Limits.IsDefault ? [] : r.Limits).Select(l => new RuleLimitDto(l.Currency, l.HoldAboveMinor, l.RejectAboveMinor)).ToArray(),
        (r.BlockedCountries.IsDefault ? [] : r.BlockedCountries).ToArray(), (r.BlockedCurrencies.IsDefault ? [] : r.BlockedCurrencies).ToArray());

    private static async Task<IResult> LoadWatchList(HttpContext c, NodeGateway gw)
    {
        Caller caller = Operator(c, gw);
        var r = await RequestBody.ReadAsync<LoadWatchListRequest>(c, Corridor.Core.Compliance.LoadWatchList.MaxTextBytes + 64 * 1024);
        WatchListFormat format = r.Format switch
        {
            "csv" => WatchListFormat.Csv,
            "xml" => WatchListFormat.Xml,
            _ => throw ApiException.BadRequest("request.invalid_value", "format must be csv or xml"),
        };
        var item = new Corridor.Core.Compliance.LoadWatchList(caller.OperatorUser, r.Name, format, r.Version, r.Content);
        await gw.PrepareWatchListAsync(item);
        CommandReply reply = await gw.SubmitAsync(Operation.LoadWatchList, 1, ExchangeEndpoints.Payload(item));
        if (!reply.AllOk)
        {
            var result = (LoadWatchListResult)reply.Errors[0].Code;
            string detail = result == LoadWatchListResult.ParseFailed
                ? await gw.QueryAsync(e => LastLoadDetail(e, r.Name, caller.OperatorUser)) // the first parse error, with its line number
                : $"watch list {r.Name}: {result}";
            throw new ApiException(422, "compliance." + Wire.Snake(result), detail);
        }
        WatchListDto dto = await gw.QueryAsync(e => e.Compliance.WatchLists.Where(w => w.Name == r.Name).Select(ToDto).Single());
        return Results.Json(dto, CorridorJson.Options, statusCode: 201);
    }

    /// <summary>Detail of this operator's latest load of this list (other commands may have been audited since).</summary>
    private static string LastLoadDetail(Engine e, string name, ulong operatorId)
    {
        IReadOnlyList<AuditEntry> log = e.Compliance.AuditLog;
        for (int i = log.Count - 1; i >= 0; i--)
            if (log[i].Operation == Operation.LoadWatchList && log[i].Subject == name && log[i].Operator == operatorId) return log[i].Detail;
        return $"watch list {name}: the file has errors";
    }

    private static async Task<IResult> ListWatchLists(HttpContext c, NodeGateway gw)
    {
        Operator(c, gw);
        bool history = c.Request.Query.ContainsKey("history");
        WatchListDto[] lists = await gw.QueryAsync(e => (history ? e.Compliance.WatchListHistory : e.Compliance.WatchLists).Select(ToDto).ToArray());
        return Results.Json(lists, CorridorJson.Options);
    }

    private static async Task<IResult> SetThreshold(HttpContext c, NodeGateway gw)
    {
        Caller caller = Operator(c, gw);
        var r = await RequestBody.ReadAsync<ScreeningThresholdRequest>(c);
        if (r.Threshold is < 0 or > 100) throw ApiException.BadRequest("request.invalid_value", "threshold must be 0…100");
        await gw.PrepareScreenersAsync(r.Threshold);
        CommandReply reply = await gw.SubmitAsync(Operation.SetScreeningThreshold, 1, ExchangeEndpoints.Payload(new SetScreeningThreshold(caller.OperatorUser, (byte)r.Threshold)));
        if (!reply.AllOk) throw new ApiException(422, "compliance." + Wire.Snake((ScreeningThresholdResult)reply.Errors[0].Code), "threshold refused");
        return Results.Json(new { threshold = r.Threshold }, CorridorJson.Options);
    }

    private static async Task<IResult> ListHolds(HttpContext c, NodeGateway gw)
    {
        Operator(c, gw);
        string status = c.Request.Query["status"].ToString() is { Length: > 0 } s ? s : "pending";
        if (status is not ("pending" or "decided" or "all")) throw ApiException.BadRequest("request.invalid_value", "status must be pending, decided or all");
        HoldDto[] holds = await gw.QueryAsync(e => (status switch
        {
            "pending" => e.Compliance.PendingHolds(),
            "decided" => e.Compliance.DecidedHolds(),
            _ => e.Compliance.Payments,
        }).Take(MaxListLimit).Select(ToDto).ToArray());
        return Results.Json(holds, CorridorJson.Options);
    }

    private static async Task<IResult> Decide(HttpContext c, NodeGateway gw, string id, Operation operation)
    {
        Caller caller = Operator(c, gw);
        UInt128 paymentId = Ids.Parse(id, "payment id");
        var r = await RequestBody.ReadAsync<HoldDecisionRequest>(c);
        Federation.CrashPoints.Reach(Federation.CrashPoints.DecisionBeforeJournal);
        CommandReply reply = await gw.SubmitAsync(operation, 1, ExchangeEndpoints.Payload(new HoldDecision(paymentId, caller.OperatorUser, r.Reason)));
        Federation.CrashPoints.Reach(Federation.CrashPoints.DecisionAfterJournal);
        if (reply.AllOk) gw.Links.Wake(); // a released cross-node payment on the source goes to its peer now
        if (!reply.AllOk)
        {
            var result = (HoldDecisionResult)reply.Errors[0].Code;
            int code = result switch
            {
                HoldDecisionResult.PaymentNotFound => 404,
                HoldDecisionResult.HoldAlreadyDecided or HoldDecisionResult.PaymentNotHeld => 409,
                HoldDecisionResult.ReasonMissing => 400,
                HoldDecisionResult.FourEyesRequired => 403,
                _ => 422,
            };
            throw new ApiException(code, "compliance." + Wire.Snake(result), $"payment {Ids.Format(paymentId)}: {result}");
        }
        HoldDto dto = await gw.QueryAsync(e => e.Compliance.TryGetPayment(paymentId, out PaymentCompliance p) ? ToDto(p) : null!);
        return Results.Json(dto, CorridorJson.Options);
    }

    private static async Task<IResult> ExportAudit(HttpContext c, NodeGateway gw)
    {
        Operator(c, gw);
        long after = long.TryParse(c.Request.Query["after"].ToString(), out long a) ? a : 0;
        int limit = int.TryParse(c.Request.Query["limit"].ToString(), out int l) ? Math.Clamp(l, 1, MaxListLimit) : MaxListLimit;
        AuditExportDto export = await gw.QueryAsync(e =>
        {
            int broken = e.Compliance.VerifyAuditChain();
            return new AuditExportDto(
                e.Compliance.AuditHead,
                broken < 0,
                broken < 0 ? null : broken + 1,
                e.Compliance.AuditLog.Where(x => x.Sequence > after).Take(limit)
                    .Select(x => new AuditEntryDto(x.Sequence, x.TimeNs, x.Operator, Wire.Snake(x.Operation), x.ResultCode, x.Subject, x.Detail, x.PreviousHash, x.Hash,
                        e.Compliance.TryGetOperator(x.Operator, out OperatorUser u) ? u.Name : null)).ToArray());
        });
        return Results.Json(export, CorridorJson.Options);
    }

    private static WatchListDto ToDto(WatchListVersion w) =>
        new(w.Name, w.Format == WatchListFormat.Csv ? "csv" : "xml", w.VersionLabel, w.ContentHash, w.Entries, w.LoadedAtNs, w.LoadedBy);

    internal static HoldDto ToDto(PaymentCompliance p) => new(
        Ids.Format(p.PaymentId), Wire.Snake(p.Status), Wire.Snake(p.Decision.Outcome), Wire.Snake(p.Decision.Reason), p.Decision.Iso20022Reason, p.Threshold,
        p.Hits.Select(h => new ComplianceHitDto(h.WatchList, h.Hit.EntryId, h.Hit.MatchedName, h.Hit.Score, Wire.Snake(h.Hit.Field), h.Hit.ScreenedName)).ToArray(),
        p.ScreenedAtNs, p.DecidedBy, p.DecidedAtNs, p.DecisionReason);
}
