using System.Text.Json.Nodes;
using Corridor.Client;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Corridor.Server.Http;

/// <summary>
/// Makes <c>/openapi/v1.json</c> describe what the server binds and answers: the schemas come from the server's own JSON
/// options (<see cref="CorridorJson.Apply"/>: snake_case, strict numbers), and every operation documents its RFC 9457
/// problem answers with the stable <c>code</c> families of docs/api.md.
/// </summary>
public static class OpenApiContract
{
    public const string ProblemSchemaId = "ProblemDto";

    /// <summary>Problem answers every <c>/v1</c> operation can give, with the code families behind each status.</summary>
    private static readonly (int Status, string Description)[] AnyOperation =
    [
        (401, "Not authenticated: auth.missing_token, auth.invalid_token, auth.token_expired, auth.unknown_participant, auth.unknown_operator."),
        (403, "Not allowed: auth.forbidden, auth.operator_only, auth.operator_role_required, auth.compliance_role_required, auth.participant_suspended, auth.operator_disabled; fx.* ownership results."),
        (404, "Not found: request.not_found, request.invalid_id for path ids that name nothing, *.not_found (account, transfer, settlement.payment_not_found, fx.quote_not_found, …)."),
        (503, "Unavailable: node.busy (Retry-After: 1), node.not_ready, node.stopped, read_model.*."),
    ];

    /// <summary>Problem answers of operations that read a JSON body or change state.</summary>
    private static readonly (int Status, string Description)[] Commands =
    [
        (400, "Refused for its own content, nothing changed: request.unknown_field, request.missing_field, request.duplicate_field, request.invalid_type, request.invalid_json, request.empty_body, request.invalid_id, request.invalid_amount, request.invalid_value, request.invalid_date, request.invalid_bic; the detail names the JSON path of the bad member."),
        (409, "Conflict with what exists: *.exists_with_different_content, fx.id_reused_with_different_content, transfer.exists_with_different_*, …"),
        (413, "request.body_too_large."),
        (415, "request.unsupported_media_type: send application/json."),
        (422, "Refused by the engine: settlement.*, transfer.*, account.*, fx.*, compliance.*. A refused payment carries payment_id and payment_status (e.g. rejected); settlement.day_not_open and the cut-off codes name the current phase and the phases that allow the payment."),
    ];

    private static readonly Dictionary<string, (string Format, string Maximum)> UnsignedFormats = new(StringComparer.Ordinal)
    {
        ["uint8"] = ("int32", "255"), ["uint16"] = ("int32", "65535"), ["uint32"] = ("int64", "4294967295"),
        ["uint64"] = ("int64", "18446744073709551615"),
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // Unsigned formats (uint64 …) are not OpenAPI formats; generators fall back to a 32-bit integer and cannot read a
            // timestamp in ns. The range stays exact in minimum/maximum; the format names the signed type that holds it
            // (uint64: every value the API emits except the operator's id 2^64−1 fits in int64).
            if (schema.Format is { } format && UnsignedFormats.TryGetValue(format, out (string Format, string Maximum) signed))
            {
                schema.Format = signed.Format;
                schema.Minimum ??= "0";
                schema.Maximum ??= signed.Maximum;
            }
            // String arrays are read by StringArrayJsonConverter (no null items); the exporter cannot see through a converter.
            if (context.JsonTypeInfo.Type == typeof(string[]))
            {
                schema.Type = JsonSchemaType.Array;
                schema.Items = new OpenApiSchema { Type = JsonSchemaType.String };
            }
            // FxRateDto has a converter (it also reads "129.35"); answers and the canonical request form are the object.
            if (context.JsonTypeInfo.Type == typeof(FxRateDto))
            {
                schema.Type = JsonSchemaType.Object;
                schema.Required = new HashSet<string> { "numerator", "denominator" };
                schema.Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["numerator"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" },
                    ["denominator"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" },
                };
                schema.AdditionalPropertiesAllowed = false;
                schema.Description = "Exact rate numerator/denominator (one major unit of the source buys that many major units of the destination); requests may also send a decimal string such as \"129.35\".";
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer(async (document, context, cancel) =>
        {
            OpenApiSchema problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDto), null, cancel);
            document.AddComponent(ProblemSchemaId, problem);
            document.Components?.Schemas?.Remove("ProblemDetails");
            if (document.Paths is null) return;
            foreach (var (path, item) in document.Paths)
            {
                if (!path.StartsWith("/v1/", StringComparison.Ordinal) || item.Operations is null) continue;
                foreach (var (method, operation) in item.Operations)
                {
                    operation.Responses ??= new OpenApiResponses();
                    foreach (var (status, description) in AnyOperation) Add(document, operation, status, description);
                    if (method != HttpMethod.Get)
                        foreach (var (status, description) in Commands) Add(document, operation, status, description);
                }
            }
        });
    }

    private static void Add(OpenApiDocument document, OpenApiOperation operation, int status, string description)
    {
        string key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A response already declared as a problem (ProducesProblem: ASP.NET's ProblemDetails, without Corridor's code) gets the real schema.
        if (operation.Responses!.TryGetValue(key, out IOpenApiResponse? existing)
            && (existing.Content is null || !existing.Content.ContainsKey(Problems.ContentType))) return;
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [Problems.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchemaId, document) },
            },
        };
    }
}
