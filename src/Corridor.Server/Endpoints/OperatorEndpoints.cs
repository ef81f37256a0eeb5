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
        gw.SetOperatorRole(id, role);
        OperatorUser user = await gw.QueryAsync(e => e.Compliance.TryGetOperator(id, out OperatorUser u) ? u : throw new InvalidOperationException("operator vanished"));
        DateTimeOffset expires = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow + OperatorTokenLifetime).ToUnixTimeSeconds());
        string token = gw.Tokens.Issue(id, CallerRole.OperatorUser, expires);
        return Results.Json(ToDto(user) with { Token = token, ExpiresAt = expires }, CorridorJson.Options, statusCode: 201);
    }

    private static async Task<IResult> List(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        if (!caller.IsOperator) throw new ApiException(403, "auth.operator_only", "only the operator may do this");
        OperatorDto[] users = await gw.QueryAsync(e => e.Compliance.Operators.Select(ToDto).ToArray());
        return Results.Json(users, CorridorJson.Options);
    }

    private static OperatorDto ToDto(OperatorUser u) => new(u.Id, u.Name, Wire.Snake(u.Role), u.RegisteredAtNs, u.RegisteredBy);
}
