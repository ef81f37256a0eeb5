using System.Globalization;
using Corridor.Client;
using Corridor.Server.Auth;
using Corridor.Server.Events;
using Corridor.Server.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Corridor.Server.Endpoints;

/// <summary>
/// Server-sent events (<c>text/event-stream</c>): <c>GET /v1/events</c> with the API's bearer token, or with a single-use ticket
/// from <c>POST /v1/events/tickets</c> for a browser's EventSource, which cannot send headers. The stream is admitted exactly as
/// an API request is and re-checked at every heartbeat (a suspended participant or disabled operator user is cut off); what
/// it carries is scoped by <see cref="EventHub"/>. Every stream has a bounded life and ends with an <c>end</c> event, after which
/// a client opens a new one.
/// </summary>
public static class EventEndpoints
{
    /// <summary>Longest a stream stays open (the client then asks for a new ticket); <c>?lifetime_seconds=</c> may ask for less.</summary>
    public const int MaxLifetimeSeconds = 3600;
    /// <summary>A comment line and a fresh admission check this often, so proxies keep the connection and revoked callers are cut off.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void Map(WebApplication app, NodeGateway gw, EventHub hub, EventTickets tickets)
    {
        app.MapPost("/v1/events/tickets", Handler.Of(c => IssueTicket(c, gw, tickets))).WithTags("events").Produces<EventTicketDto>(201);
        CancellationToken stopping = app.Lifetime.ApplicationStopping;
        app.MapGet("/v1/events", Handler.Of(c => Stream(c, gw, hub, tickets, stopping))).WithTags("events").Produces<string>(200, "text/event-stream");
    }

    private static Task<IResult> IssueTicket(HttpContext c, NodeGateway gw, EventTickets tickets)
    {
        Caller signed = gw.Verify(c);
        gw.Admit(signed);
        var (ticket, expires) = tickets.Issue(signed, DateTimeOffset.UtcNow);
        c.Response.Headers.CacheControl = "no-store";
        return Task.FromResult(Results.Json(new EventTicketDto(ticket, expires), CorridorJson.Options, statusCode: 201));
    }

    private static async Task<IResult> Stream(HttpContext c, NodeGateway gw, EventHub hub, EventTickets tickets, CancellationToken stopping)
    {
        Caller signed;
        if (c.Request.Headers.Authorization.Count > 0 || !c.Request.Query.TryGetValue("ticket", out var ticket)) signed = gw.Verify(c);
        else if (!tickets.TryRedeem(ticket.ToString(), DateTimeOffset.UtcNow, out signed, out string reason))
            throw new ApiException(401, "auth.invalid_ticket", reason + ": ask POST /v1/events/tickets for a new one");
        Caller caller = gw.Admit(signed);
        int lifetimeSeconds = MaxLifetimeSeconds;
        if (c.Request.Query.TryGetValue("lifetime_seconds", out var l)
            && (!int.TryParse(l.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out lifetimeSeconds) || lifetimeSeconds is < 1 or > MaxLifetimeSeconds))
            throw ApiException.BadRequest("request.invalid_value", $"lifetime_seconds must be 1…{MaxLifetimeSeconds}");

        using EventSubscription subscription = hub.Subscribe(caller);
        HttpResponse response = c.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        c.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.WriteAsync("retry: 5000\n: corridor events\n\n", c.RequestAborted);
        await response.Body.FlushAsync(c.RequestAborted);

        using var life = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, stopping);
        life.CancelAfter(TimeSpan.FromSeconds(lifetimeSeconds));
        string end;
        while (true)
        {
            using var beat = CancellationTokenSource.CreateLinkedTokenSource(life.Token);
            beat.CancelAfter(Heartbeat);
            bool open;
            try { open = await subscription.Frames.WaitToReadAsync(beat.Token); }
            catch (OperationCanceledException) when (!life.IsCancellationRequested)
            {
                try { gw.Admit(signed); }
                catch (ApiException e) { end = e.Code; break; }
                await response.WriteAsync(": keep-alive\n\n", c.RequestAborted);
                await response.Body.FlushAsync(c.RequestAborted);
                continue;
            }
            catch (OperationCanceledException)
            {
                if (c.RequestAborted.IsCancellationRequested) return Results.Empty;
                end = stopping.IsCancellationRequested ? "stopping" : "lifetime";
                break;
            }
            if (!open) { end = "overflow"; break; }
            while (subscription.Frames.TryRead(out string? frame)) await response.WriteAsync(frame, c.RequestAborted);
            await response.Body.FlushAsync(c.RequestAborted);
        }
        await response.WriteAsync(EventHub.Frame("end", new StreamEndDto(end)), c.RequestAborted);
        await response.Body.FlushAsync(c.RequestAborted);
        return Results.Empty;
    }
}
