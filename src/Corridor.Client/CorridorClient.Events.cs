using System.Net.Http.Headers;

namespace Corridor.Client;

public sealed partial class CorridorClient
{
    /// <summary>
    /// <c>POST /v1/events/tickets</c>: a single-use ticket (30 s) that opens one event stream without an <c>Authorization</c> header
    /// (<c>GET /v1/events?ticket=</c>), for a browser's EventSource; the long-lived token never goes in a URL.
    /// </summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The ticket and its expiry.</returns>
    public Task<ApiResult<EventTicketDto>> IssueEventTicketAsync(CancellationToken c = default) =>
        SendAsync<EventTicketDto>(HttpMethod.Post, "v1/events/tickets", null, c);

    /// <summary>
    /// <c>GET /v1/events</c>: opens the server-sent event stream (<c>payment</c>, <c>account</c>, <c>day</c>, <c>changed</c>, <c>end</c>), scoped
    /// like the API, with this client's token (or, when <paramref name="ticket"/> is given, with that ticket and no header). The answer's
    /// body is <c>text/event-stream</c>: read it as it arrives; dispose the answer to close the stream. There is no replay after a
    /// reconnect: read the API once.
    /// </summary>
    /// <param name="ticket">A ticket from <see cref="IssueEventTicketAsync"/>; null to authenticate with the token.</param>
    /// <param name="lifetimeSeconds">How long the server keeps the stream open, 1 … 3,600 (null = 3,600); it then sends <c>end</c> <c>lifetime</c>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The HTTP answer, returned once the headers arrived: 200 with the stream; 401 <c>auth.invalid_ticket</c>, 400
    /// <c>request.invalid_value</c>, 503 <c>events.too_many_streams</c> as problem JSON. The caller disposes it.</returns>
    public async Task<HttpResponseMessage> OpenEventStreamAsync(string? ticket = null, int? lifetimeSeconds = null, CancellationToken c = default)
    {
        string path = "v1/events" + Query(("ticket", ticket), ("lifetime_seconds", lifetimeSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ticket is null && token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, c).ConfigureAwait(false);
    }
}
