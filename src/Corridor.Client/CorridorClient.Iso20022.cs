using System.Net;
using System.Net.Http.Headers;

namespace Corridor.Client;

/// <summary>An ISO 20022 exchange: the HTTP status and the XML Corridor answered with (a pacs.002, or a problem document).</summary>
/// <param name="Status">The HTTP status: 200 with a status report (rejections are inside it), 400 with a pacs.002 group rejection, 4xx with
/// problem JSON.</param>
/// <param name="Body">The answer's text (XML, or problem JSON).</param>
/// <param name="ContentType">The answer's media type.</param>
public sealed record IsoReply(HttpStatusCode Status, string Body, string? ContentType);

public sealed partial class CorridorClient
{
    /// <summary>
    /// <c>POST /v1/iso20022</c>: sends an ISO 20022 message (pacs.008.001.09, pacs.009.001.09, pacs.004.001.10 or camt.056.001.09; a bare
    /// <c>Document</c> or an <c>AppHdr</c> envelope, ≤ 1 MiB) and returns the node's answer: a pacs.002.001.11 status report (ACSC, PDNG, RJCT
    /// with ISO reasons per transaction), or a camt.029.001.10 for a camt.056.
    /// </summary>
    /// <param name="xml">The message, UTF-8 XML (sent as <c>application/xml</c>).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The HTTP status and body: 200 with the pacs.002 / camt.029 (rejected transactions are RJCT inside it); 400 with a pacs.002
    /// group RJCT FF01 for XML that is malformed or violates the schema; 403 <c>auth.forbidden</c>, 415, 422
    /// <c>iso20022.unsupported_message</c> as problem JSON.</returns>
    public async Task<IsoReply> SendIso20022Async(byte[] xml, CancellationToken c = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/iso20022");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new ByteArrayContent(xml);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml") { CharSet = "utf-8" };
        using HttpResponseMessage response = await Http.SendAsync(request, c).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(c).ConfigureAwait(false);
        return new IsoReply(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }
}
