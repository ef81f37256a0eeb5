using System.Buffers;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Http;

/// <summary>Reads a bounded, strictly-typed JSON body; every failure is a 4xx problem, never a 500.</summary>
public static class RequestBody
{
    /// <summary>Bound of an ordinary request body.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Bound of a batch body: 8,190 transfers of up to ~500 bytes of JSON each.</summary>
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    public static async Task<T> ReadAsync<T>(HttpContext context, int maxBytes = MaxBytes) where T : class
    {
        HttpRequest request = context.Request;
        string? type = request.ContentType;
        if (type is null || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new ApiException(415, "request.unsupported_media_type", "send the body as application/json");
        if (request.ContentLength > maxBytes)
        {
            // Read and drop what Kestrel's own bound allows, so the client sees the 413 instead of a reset connection.
            if (request.ContentLength <= MaxBatchBytes) await DrainAsync(context);
            throw new ApiException(413, "request.body_too_large", $"body of {request.ContentLength} bytes exceeds {maxBytes}");
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, (int)(request.ContentLength ?? 16 * 1024) + 1));
        int used = 0;
        try
        {
            while (true)
            {
                if (used == buffer.Length)
                {
                    if (used > maxBytes) throw new ApiException(413, "request.body_too_large", $"body exceeds {maxBytes} bytes");
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, buffer.Length * 2));
                    buffer.AsSpan(0, used).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int read = await request.Body.ReadAsync(buffer.AsMemory(used), context.RequestAborted);
                if (read == 0) break;
                used += read;
                if (used > maxBytes) throw new ApiException(413, "request.body_too_large", $"body exceeds {maxBytes} bytes");
            }
            return Parse<T>(buffer.AsSpan(0, used));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task DrainAsync(HttpContext context)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await context.Request.Body.ReadAsync(scratch, context.RequestAborted) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public static T Parse<T>(ReadOnlySpan<byte> json) where T : class
    {
        if (json.IsEmpty) throw ApiException.BadRequest("request.empty_body", "the request needs a JSON body");
        // The payment bodies in the shape clients send take a fast reader; whatever it declines, the serializer reads (and answers).
        if (typeof(T) == typeof(PaymentBatchRequest) && PaymentJson.TryReadBatch(json, out PaymentBatchRequest? batch)) return (T)(object)batch!;
        if (typeof(T) == typeof(SubmitPaymentRequest) && PaymentJson.TryReadPayment(json, out SubmitPaymentRequest? payment)) return (T)(object)payment!;
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(json, CorridorJson.Options);
        }
        catch (JsonException e)
        {
            string message = e.Message;
            string code = message.Contains("could not be mapped", StringComparison.Ordinal) ? "request.unknown_field"
                : message.Contains("missing required properties", StringComparison.Ordinal) ? "request.missing_field"
                : message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) ? "request.duplicate_field"
                : message.Contains("null", StringComparison.Ordinal) && e.Path is not null ? "request.invalid_type"
                : e.Path is null || e.BytePositionInLine is null ? "request.invalid_json"
                : e.InnerException is InvalidOperationException or FormatException or OverflowException ? "request.invalid_type"
                : message.Contains("could not be converted", StringComparison.Ordinal) ? "request.invalid_type"
                : "request.invalid_json";
            if (code == "request.invalid_type" && JsonProblems.ExpectsDate(typeof(T), e.Path)) code = "request.invalid_date";
            throw ApiException.BadRequest(code, JsonProblems.Describe(typeof(T), code, e));
        }
        catch (InvalidOperationException e)
        {
            throw ApiException.BadRequest("request.invalid_json", JsonProblems.Sanitise(e.Message, "$: the body does not match the request"));
        }
        return value ?? throw ApiException.BadRequest("request.invalid_json", "$: the body must be a JSON object, not null");
    }

    private static string Clip(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
