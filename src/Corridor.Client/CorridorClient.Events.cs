using System.Net.Http.Headers;

namespace Corridor.Client;

public sealed partial class CorridorClient
{
    /// <summary>A single-use ticket (30 s) that opens one event stream without a header: <c>GET /v1/events?ticket=</c>.</summary>
    public Task<ApiResult<EventTicketDto>> IssueEventTicketAsync(CancellationToken c = default) =>
        SendAsync<EventTicketDto>(HttpMethod.Post, "v1/events/tickets", null, c);

    /// <summary>
    /// Opens the server-sent event stream with this client's token (or, when <paramref name="ticket"/> is given, with that ticket and
    /// no header). The answer's body is <c>text/event-stream</c>: read it as it arrives; dispose the answer to close the stream.
    /// </summary>
    public async Task<HttpResponseMessage> OpenEventStreamAsync(string? ticket = null, int? lifetimeSeconds = null, CancellationToken c = default)
    {
        string path = "v1/events" + Query(("ticket", ticket), ("lifetime_seconds", lifetimeSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ticket is null && token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, c).ConfigureAwait(false);
    }
}
