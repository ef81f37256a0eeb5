using System.Net;
using System.Net.Http.Headers;

namespace Corridor.Client;

/// <summary>An ISO 20022 exchange: the HTTP status and the XML Corridor answered with (a pacs.002, or a problem document).</summary>
public sealed record IsoReply(HttpStatusCode Status, string Body, string? ContentType);

public sealed partial class CorridorClient
{
    /// <summary>Sends a pacs.008/pacs.009 (bare Document or AppHdr envelope) and returns the pacs.002 status report.</summary>
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
