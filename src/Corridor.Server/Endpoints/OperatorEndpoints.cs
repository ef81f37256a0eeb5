using Corridor.Client;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// Named operator users: an administrator registers them (journaled, so the audit log can name who did what) and
/// receives their signed token. Roles: operator (runs the system), compliance (compliance desk), administrator (both).
/// </summary>
public static class OperatorEndpoints
{
    /// <summary>Lifetime of an operator user's token.</summary>
    public static readonly TimeSpan OperatorTokenLifetime = TimeSpan.FromDays(365);

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/operators", Handler.Of(c => Register(c, gw))).WithTags("operators").Accepts<RegisterOperatorRequest>("application/json").Produces<OperatorDto>(201);
        app.MapGet("/v1/operators", Handler.Of(c => List(c, gw))).WithTags("operators").Produces<OperatorDto[]>();
        app.MapPost("/v1/operators/{id}/status", (HttpContext c, string id) => ChangeStatus(c, gw, id)).WithTags("operators")
            .Accepts<ChangeOperatorStatusRequest>("application/json").Produces<OperatorDto>();
    }

    private static async Task<IResult> Register(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireAdministrator(caller);
        var r = await RequestBody.ReadAsync<RegisterOperatorRequest>(c);
        OperatorRole role = Wire.ParseEnum(r.Role, "role", ("operator", OperatorRole.Operator), ("compliance", OperatorRole.Compliance), ("administrator", OperatorRole.Administrator));
        // Same name again: a role change (or the same user re-issued a token); else the next free id.
        uint id = await gw.QueryAsync(e =>
        {
            uint next = OperatorUser.RootId;
            foreach (OperatorUser u in e.Compliance.Operators)
            {
                if (u.Name == r.Name) return u.Id;
                next = Math.Max(next, u.Id);
            }
            return next + 1;
        });
        byte[] payload;
        try { payload = ExchangeEndpoints.Payload(new RegisterOperator(caller.OperatorUser, id, r.Name, role)); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); }
        CommandReply reply = await gw.SubmitAsync(Operation.RegisterOperator, 1, payload);
        if (!reply.AllOk)
        {
            var result = (RegisterOperatorResult)reply.Errors[0].Code;
            throw new ApiException(result == RegisterOperatorResult.NameInUse ? 409 : 400, "operators." + Wire.Snake(result), $"operator {r.Name}: {result}");
        }
        OperatorUser user = await RefreshAsync(gw, id);
        DateTimeOffset expires = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow + OperatorTokenLifetime).ToUnixTimeSeconds());
        string token = gw.Tokens.Issue(id, CallerRole.OperatorUser, expires);
        return Results.Json(ToDto(user) with { Token = token, ExpiresAt = expires }, CorridorJson.Options, statusCode: 201);
    }

    /// <summary>Disables or re-enables a user: journaled with the acting administrator as actor; the gateway refuses a disabled user's tokens from the next request on.</summary>
    private static async Task<IResult> ChangeStatus(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireAdministrator(caller);
        if (!uint.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint userId) || userId == 0)
            throw ApiException.BadRequest("request.invalid_id", $"operator user id \"{(id.Length > 24 ? id[..24] : id)}\" must be a positive integer");
        var r = await RequestBody.ReadAsync<ChangeOperatorStatusRequest>(c);
        OperatorUserStatus status = Wire.ParseEnum(r.Status, "status", ("active", OperatorUserStatus.Active), ("disabled", OperatorUserStatus.Disabled));
        CommandReply reply = await gw.SubmitAsync(Operation.ChangeOperatorStatus, 1, ExchangeEndpoints.Payload(new ChangeOperatorStatus(userId, status)));
        if (!reply.AllOk)
        {
            var result = (ChangeOperatorStatusResult)reply.Errors[0].Code;
            (int code, string text) = result switch
            {
                ChangeOperatorStatusResult.UserNotFound => (404, $"operator user {userId} is not registered"),
                ChangeOperatorStatusResult.RootCannotBeDisabled => (409, $"operator user {OperatorUser.RootId} (the node's root) cannot be disabled"),
                ChangeOperatorStatusResult.ActorNotAdministrator => (403, $"operator user {caller.OperatorUser} is not an active administrator"),
                _ => (400, $"operator user {userId}: {result}"),
            };
            throw new ApiException(code, "operators." + Wire.Snake(result), text);
        }
        OperatorUser user = await RefreshAsync(gw, userId);
        return Results.Json(ToDto(user), CorridorJson.Options);
    }

    /// <summary>
    /// The user as the engine now has it, written into the gateway's cache from the apply queue itself: queries run in
    /// journal order, so two concurrent changes of the same user leave the cache at the later one.
    /// </summary>
    private static Task<OperatorUser> RefreshAsync(NodeGateway gw, uint id) => gw.QueryAsync(e =>
    {
        if (!e.Compliance.TryGetOperator(id, out OperatorUser u)) throw new InvalidOperationException($"operator user {id} vanished");
        gw.SetOperator(u);
        return u;
    });

    private static async Task<IResult> List(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        if (!caller.IsOperator) throw new ApiException(403, "auth.operator_only", "only the operator may do this");
        OperatorDto[] users = await gw.QueryAsync(e => e.Compliance.Operators.Select(ToDto).ToArray());
        return Results.Json(users, CorridorJson.Options);
    }

    private static OperatorDto ToDto(OperatorUser u) => new(u.Id, u.Name, Wire.Snake(u.Role), u.RegisteredAtNs, u.RegisteredBy,
        Status: Wire.Snake(u.Status), StatusChangedAt: u.StatusChangedAtNs, StatusChangedBy: u.StatusChangedBy);
}
