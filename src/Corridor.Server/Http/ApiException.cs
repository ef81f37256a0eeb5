using System.Text;
using System.Text.Json;

namespace Corridor.Server.Http;

/// <summary>A request refused at the rim: HTTP status plus a stable problem <c>code</c> (see docs/api.md).</summary>
public sealed class ApiException(int status, string code, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    /// <summary>ISO 20022 ExternalStatusReason1Code (e.g. RR01–RR04 for travel-rule gaps), written as <c>iso20022_reason</c>.</summary>
    public string? Iso20022Reason { get; init; }

    /// <summary>Extension members of a refused payment: its id and the status the engine recorded (e.g. <c>rejected</c>).</summary>
    public string? PaymentId { get; init; }
    public string? PaymentStatus { get; init; }

    /// <summary>Extension members of a day-phase refusal: the current phase and the phases that would accept the request.</summary>
    public string? Phase { get; init; }
    public string[]? AllowedPhases { get; init; }

    public static ApiException BadRequest(string code, string detail) => new(400, code, detail);
    public static ApiException NotFound(string code, string detail) => new(404, code, detail);
    public static ApiException Forbidden(string detail) => new(403, "auth.forbidden", detail);
}

/// <summary>Writes RFC 9457 problem details (application/problem+json) with Corridor's <c>code</c> member.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpContext context, ApiException e) => WriteAsync(context, e.Status, e.Code, e.Message, e);

    public static async Task WriteAsync(HttpContext context, int status, string code, string detail, ApiException? extensions = null)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "https://corridor.dev/problems/" + code);
            w.WriteString("title", Title(status));
            w.WriteNumber("status", status);
            w.WriteString("detail", detail);
            w.WriteString("code", code);
            w.WriteString("instance", context.Request.Path.Value);
            if (extensions?.Iso20022Reason is { } reason) w.WriteString("iso20022_reason", reason);
            if (extensions?.PaymentId is { } paymentId) w.WriteString("payment_id", paymentId);
            if (extensions?.PaymentStatus is { } paymentStatus) w.WriteString("payment_status", paymentStatus);
            if (extensions?.Phase is { } phase) w.WriteString("phase", phase);
            if (extensions?.AllowedPhases is { } allowed)
            {
                w.WriteStartArray("allowed_phases");
                foreach (string a in allowed) w.WriteStringValue(a);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Rejected by the engine",
        503 => "Service unavailable",
        _ => "Error",
    };

    /// <summary><c>ExceedsCredits</c> → <c>exceeds_credits</c>: engine result names become problem codes.</summary>
    public static string SnakeCase(string pascal) => Corridor.Core.Engine.ResultNames.SnakeCase(pascal);
}
