using System.Net;
using System.Security.Cryptography.X509Certificates;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Xml;
using Corridor.Link;
using Corridor.Server.Http;
using Corridor.Storage.Node;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Corridor.Server.Federation;

/// <summary>
/// The peer endpoint: its own Kestrel HTTPS listener (apart from the API's) that requires a client certificate. A request is
/// from peer N only when the certificate's SHA-256 is the one pinned for active peer N (<see cref="RegisterPeer"/>); anything
/// else is refused with 403 and logged, and nothing is journaled. <c>POST /federation/v1/iso20022</c> takes a pacs.008
/// (journaled as <see cref="ReceiveFromPeer"/>, op 402), a pacs.009 (institution transfers, <see cref="ReceiveInstitutionFromPeer"/>,
/// op 406) or a pacs.028 (<see cref="ExpireUnknown"/>, op 404, when the payment
/// is unknown; one question may ask after up to 1,000 payments) and answers the destination's recorded outcome as a pacs.002. The same host runs the outbox (<see cref="PeerOutbox"/>).
/// </summary>
public sealed class PeerEndpoint : IAsyncDisposable
{
    public const string Route = "/federation/v1/iso20022";

    private readonly WebApplication _app;

    private PeerEndpoint(WebApplication app) => _app = app;

    /// <summary>The address the peer endpoint listens on (the real port when 0 was asked).</summary>
    public string Address => _app.Urls.First();

    public static async Task<PeerEndpoint> StartAsync(PeerLinkOptions options, NodeGateway gw, PeerLinks links, string logFormat, LogLevel minimumLevel, CancellationToken cancel)
    {
        X509Certificate2 certificate = options.LoadCertificate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Corridor.Server.Peers", ContentRootPath = AppContext.BaseDirectory, Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = XmlLimits.MaxMessageBytes;
            k.Limits.MaxConcurrentConnections = MaxPeerConnections;
            k.Listen(options.Host, options.Port, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                // Peers present self-signed node certificates: trust is the pinned fingerprint, checked per request below.
                ClientCertificateValidation = (_, _, _) => true,
            }));
        });
        builder.Logging.ClearProviders();
        if (logFormat == "json") builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        else builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(s => new PeerOutbox(gw, links, certificate, s.GetRequiredService<ILogger<PeerOutbox>>(), options.Wire, options.MaxRetryMs, options.BatchSize));
        builder.Services.AddHostedService(s => s.GetRequiredService<PeerOutbox>());
        WebApplication app = builder.Build();
        ILogger log = app.Logger;
        app.Use(async (context, next) =>
        {
            try { await next(context); }
            catch (ApiException e) when (!context.Response.HasStarted)
            {
                log.LogWarning("peer request refused: {Code} {Detail} (client certificate {Fingerprint})", e.Code, e.Message,
                    context.Connection.ClientCertificate is { } c ? PeerLinks.Fingerprint(c) : "none");
                await Problems.WriteAsync(context, e);
            }
            catch (NodeBusyException e) when (!context.Response.HasStarted)
            {
                context.Response.Headers.RetryAfter = "1";
                await Problems.WriteAsync(context, 503, "node.busy", e.Message);
            }
        });
        app.UseRouting();
        app.MapPost(Route, Endpoints.Handler.Of(c => ReceiveAsync(c, gw, log)));
        app.MapFallback((HttpContext c) => throw ApiException.NotFound("request.not_found", $"the peer endpoint serves only POST {Route}"));
        await app.StartAsync(cancel);
        return new PeerEndpoint(app);
    }

    /// <summary>Most connections the peer endpoint accepts at once (peers are few).</summary>
    public const int MaxPeerConnections = 1_024;

    private static async Task<IResult> ReceiveAsync(HttpContext c, NodeGateway gw, ILogger log)
    {
        PeerInfo peer = await AuthenticateAsync(c, gw);
        byte[] body = await ReadBodyAsync(c);
        // What to journal and answer is the link's (src/Corridor.Link, the same code the federation simulator runs); here only
        // the transport: authentication, the body, the crash points after the answer, the HTTP status of a refusal.
        LinkReply reply = await LinkEndpoint.ReceiveAsync(new GatewayLinkNode(gw), peer.Id, body);
        // Armed once something was journaled: an answer, or (for payments) a refusal of what the engine did not record.
        if (!reply.Refused || (!reply.IsQuestion && reply.Status is 409 or 422))
            CrashAfterAnswer(c, reply.IsQuestion ? CrashPoints.DestinationAfterAnswerPacs028 : CrashPoints.DestinationAfterAnswerPacs008);
        if (reply.Refused) throw new ApiException(reply.Status, reply.Code!, reply.Detail!);
        foreach (Corridor.Iso20022.Mapping.CrossNodeMapping.AnswerLine line in reply.Lines)
            if (line.NotRecorded is not null && !reply.IsQuestion)
                log.LogWarning("peer {Peer}: transaction {Uetr} of message {MsgId} refused, nothing recorded: {Result}", peer.Id, line.Uetr, reply.MsgId, line.NotRecorded);
        return Results.Bytes(reply.Xml!, "application/xml");
    }

    /// <summary>Crash test only: die once the answer has been written to the peer (<see cref="CrashPoints"/>).</summary>
    private static void CrashAfterAnswer(HttpContext c, string step)
    {
        if (CrashPoints.IsArmed(step)) c.Response.OnCompleted(() => { CrashPoints.Reach(step); return Task.CompletedTask; });
    }

    /// <summary>The active peer whose pinned fingerprint is the client certificate's; 403 otherwise.</summary>
    private static async Task<PeerInfo> AuthenticateAsync(HttpContext c, NodeGateway gw)
    {
        X509Certificate2? certificate = c.Connection.ClientCertificate ?? await c.Connection.GetClientCertificateAsync(c.RequestAborted);
        if (certificate is null) throw new ApiException(403, "federation.client_certificate_required", "present the node certificate pinned for this peer");
        string fingerprint = PeerLinks.Fingerprint(certificate);
        PeerInfo? peer = await gw.QueryAsync(e =>
        {
            foreach (PeerInfo p in e.Federation.Peers) if (p.CertificateSha256 == fingerprint) return p;
            return null;
        });
        if (peer is null) throw new ApiException(403, "federation.certificate_not_pinned", $"certificate {fingerprint} is not pinned for any peer");
        if (peer.Status != PeerStatus.Active) throw new ApiException(403, "federation.peer_not_active", $"peer {peer.Id} is {peer.Status.ToString().ToLowerInvariant()}");
        return peer;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext c)
    {
        using var buffer = new MemoryStream();
        await c.Request.Body.CopyToAsync(buffer, c.RequestAborted);
        return buffer.ToArray();
    }

    internal static async Task<FederationResult> SubmitAsync<T>(NodeGateway gw, Operation operation, T item) where T : IExchangeItem<T>
    {
        CommandReply reply = await gw.SubmitAsync(operation, 1, Endpoints.ExchangeEndpoints.Payload(item));
        return reply.AllOk ? FederationResult.Ok : (FederationResult)reply.Errors[0].Code;
    }

    /// <summary>Submits several items as one command (one journal entry); returns each item's result, in order.</summary>
    internal static async Task<FederationResult[]> SubmitAsync<T>(NodeGateway gw, Operation operation, IReadOnlyList<T> items) where T : IExchangeItem<T>
    {
        byte[] payload;
        try { payload = LinkCommands.Payload(items); }
        catch (ArgumentException e) { throw ApiException.BadRequest("federation.message_invalid", e.Message); } // over-long text, malformed code
        CommandReply reply = await gw.SubmitAsync(operation, items.Count, payload);
        return LinkCommands.Results(reply, items.Count);
    }

    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync(TimeSpan.FromSeconds(5)); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
