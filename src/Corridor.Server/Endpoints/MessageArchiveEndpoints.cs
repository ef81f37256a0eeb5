using Corridor.Client;
using Corridor.Server.Auth;
using Corridor.Server.Http;
using Corridor.Server.Messages;

namespace Corridor.Server.Endpoints;

/// <summary>
/// The ISO 20022 messages of a payment, from the node's message archive: the message it came in (by its MsgId, sent by the payer
/// or by the operator for it) and the answers the node sent to that message, byte for byte. Visible to whoever may read the payment.
/// </summary>
public static class MessageArchiveEndpoints
{
    private const string XmlContentType = "application/xml";

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapGet("/v1/payments/{id}/messages", (HttpContext c, string id) => List(c, gw, id)).WithTags("payments").Produces<ArchivedMessageDto[]>();
        app.MapGet("/v1/payments/{id}/messages/{messageId}", (HttpContext c, string id, string messageId) => Get(c, gw, id, messageId))
            .WithTags("payments").Produces<string>(200, XmlContentType);
    }

    private static async Task<IReadOnlyList<ArchivedMessage>> OfPaymentAsync(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        var (_, p) = await ReadModelEndpoints.VisiblePaymentAsync(c, gw, caller, id);
        MessageArchive archive = gw.Messages ?? throw new ApiException(503, "messages.archive_disabled", "this node keeps no message archive");
        return p.MsgId is null ? [] : archive.Find(p.MsgId, [p.Payer, ApiTokens.OperatorParticipantId]);
    }

    private static async Task<IResult> List(HttpContext c, NodeGateway gw, string id)
    {
        IReadOnlyList<ArchivedMessage> found = await OfPaymentAsync(c, gw, id);
        var rows = new ArchivedMessageDto[found.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            ArchivedMessage m = found[i];
            rows[i] = new ArchivedMessageDto(m.Id, m.Direction, m.Definition, m.MsgId, m.OriginalMsgId, m.AtNs, m.Bytes);
        }
        return Results.Json(rows, CorridorJson.Options);
    }

    private static async Task<IResult> Get(HttpContext c, NodeGateway gw, string id, string messageId)
    {
        if (!long.TryParse(messageId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long wanted) || wanted <= 0)
            throw ApiException.BadRequest("request.invalid_id", "messageId must be an archive id from GET /v1/payments/{id}/messages");
        IReadOnlyList<ArchivedMessage> found = await OfPaymentAsync(c, gw, id);
        // Only a message of this payment: an archive id of another payment's message is not found here.
        if (!found.Any(m => m.Id == wanted) || gw.Messages!.Get(wanted) is not { } message)
            throw ApiException.NotFound("messages.message_not_found", $"payment {id} has no archived message {messageId}");
        return Results.Bytes(message.Body, XmlContentType + "; charset=utf-8");
    }
}
