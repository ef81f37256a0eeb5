using Corridor.Client;
using Corridor.Core.Access;
using Corridor.Core.Engine;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// Client-certificate bindings (mutual TLS): the operator binds a certificate to a participant or an operator user and
/// revokes it; both are engine commands (315, 316: the rules are in Core's CertificateBindings), journaled with the actor.
/// </summary>
public static class CertificateEndpoints
{
    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/certificates", Handler.Of(c => Bind(c, gw))).WithTags("certificates")
            .Accepts<BindCertificateRequest>("application/json").Produces<CertificateBindingDto>(201);
        app.MapPost("/v1/certificates/revoke", Handler.Of(c => Revoke(c, gw))).WithTags("certificates")
            .Accepts<RevokeCertificateRequest>("application/json").Produces<CertificateBindingDto>();
        app.MapGet("/v1/certificates", Handler.Of(c => List(c, gw))).WithTags("certificates").Produces<CertificateBindingDto[]>();
    }

    private static async Task<IResult> Bind(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<BindCertificateRequest>(c);
        CertificateKey key = Key(r.Thumbprint, r.Subject, r.IssuerThumbprint);
        (CertificatePrincipal principal, ulong id) = (r.Participant, r.OperatorUser) switch
        {
            (ulong p, null) when p is > 0 and < ApiTokens.OperatorParticipantId => (CertificatePrincipal.Participant, p),
            (null, uint u) when u > 0 => (CertificatePrincipal.OperatorUser, (ulong)u),
            (null, null) or (not null, not null) => throw ApiException.BadRequest("request.invalid_value", "give exactly one of participant and operator_user"),
            _ => throw ApiException.BadRequest("request.invalid_id", "participant must be 1 … 2^64−2, operator_user 1 … 2^32−1"),
        };
        if (principal == CertificatePrincipal.OperatorUser) NodeGateway.RequireAdministrator(caller);
        bool existed = await gw.QueryAsync(e => e.Certificates.TryGet(key, out CertificateBinding b)
            && b.Status == CertificateBindingStatus.Active && b.Principal == principal && b.PrincipalId == id);
        CommandReply reply = await gw.SubmitAsync(Operation.BindCertificate, 1, ExchangeEndpoints.Payload(new BindCertificate(key, principal, id)));
        if (!reply.AllOk) throw Refused(reply, key);
        return Results.Json(await RefreshAsync(gw, key), CorridorJson.Options, statusCode: existed ? 200 : 201);
    }

    private static async Task<IResult> Revoke(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<RevokeCertificateRequest>(c);
        CertificateKey key = Key(r.Thumbprint, r.Subject, r.IssuerThumbprint);
        CommandReply reply = await gw.SubmitAsync(Operation.RevokeCertificate, 1, ExchangeEndpoints.Payload(new RevokeCertificate(key)));
        if (!reply.AllOk) throw Refused(reply, key);
        return Results.Json(await RefreshAsync(gw, key), CorridorJson.Options);
    }

    private static async Task<IResult> List(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        if (!caller.IsOperator) throw new ApiException(403, "auth.operator_only", "only the operator may do this");
        ulong? participant = null;
        if (c.Request.Query["participant"] is { Count: > 0 } q)
            participant = ulong.TryParse(q[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong p) && p > 0
                ? p : throw ApiException.BadRequest("request.invalid_id", "participant must be 1 … 2^64−2");
        CertificateBindingDto[] all = await gw.QueryAsync(e => e.Certificates.All
            .Where(b => participant is null || (b.Principal == CertificatePrincipal.Participant && b.PrincipalId == participant))
            .Select(ToDto).ToArray());
        return Results.Json(all, CorridorJson.Options);
    }

    /// <summary>The problem for an engine refusal of a bind or revoke: <c>certificates.&lt;result&gt;</c>.</summary>
    private static ApiException Refused(CommandReply reply, CertificateKey key)
    {
        var result = (CertificateBindingResult)reply.Errors[0].Code;
        int status = result switch
        {
            CertificateBindingResult.ActorNotAuthorised => 403,
            CertificateBindingResult.ParticipantNotFound or CertificateBindingResult.OperatorUserNotFound or CertificateBindingResult.BindingNotFound => 404,
            CertificateBindingResult.CertificateRevoked or CertificateBindingResult.BoundToAnother => 409,
            CertificateBindingResult.TooManyBindings => 422,
            _ => 400,
        };
        return new ApiException(status, "certificates." + Wire.Snake(result), $"{key.Text}: {result}");
    }

    /// <summary>The binding as the engine now has it; the gateway's table is refreshed in the same query (journal order).</summary>
    private static async Task<CertificateBindingDto> RefreshAsync(NodeGateway gw, CertificateKey key)
    {
        await gw.RefreshCertificatesAsync();
        return await gw.QueryAsync(e => e.Certificates.TryGet(key, out CertificateBinding b) ? ToDto(b) : throw new InvalidOperationException($"binding {key.Text} vanished"));
    }

    /// <summary>A thumbprint, or a subject with its issuing CA's thumbprint; thumbprints may carry colons or spaces and any case.</summary>
    private static CertificateKey Key(string? thumbprint, string? subject, string? issuerThumbprint)
    {
        if (thumbprint is not null && subject is null && issuerThumbprint is null) return CertificateKey.OfThumbprint(Thumbprint(thumbprint, "thumbprint"));
        if (thumbprint is null && subject is not null && issuerThumbprint is not null)
        {
            if (!CertificateKey.IsSubject(subject))
                throw ApiException.BadRequest("request.invalid_value", $"subject must be a distinguished name of 1 … {CertificateKey.MaxSubjectChars} characters without control characters or surrounding spaces");
            return CertificateKey.OfSubject(subject, Thumbprint(issuerThumbprint, "issuer_thumbprint"));
        }
        throw ApiException.BadRequest("request.invalid_value", "give thumbprint, or subject with issuer_thumbprint");
    }

    private static string Thumbprint(string text, string field)
    {
        string hex = text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        if (!CertificateKey.IsThumbprint(hex))
            throw ApiException.BadRequest("request.invalid_thumbprint", $"{field}: expected the SHA-256 thumbprint of a certificate, 64 hex digits (colons allowed)");
        return hex;
    }

    private static CertificateBindingDto ToDto(CertificateBinding b) => new(
        b.Key.Text, Wire.Snake(b.Key.Match), b.Key.Thumbprint.Length == 0 ? null : b.Key.Thumbprint, b.Key.Subject.Length == 0 ? null : b.Key.Subject,
        b.Key.IssuerThumbprint.Length == 0 ? null : b.Key.IssuerThumbprint, Wire.Snake(b.Principal), b.PrincipalId, Wire.Snake(b.Status),
        b.BoundAtNs, b.BoundBy, b.RevokedAtNs, b.RevokedBy);
}
