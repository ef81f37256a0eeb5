using System.Net;
using System.Security.Cryptography.X509Certificates;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Xml;
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

    /// <summary>Engine results of ReceiveFromPeer that record nothing: the message is refused (no pacs.002), nothing changed.</summary>
    private static bool Unrecorded(FederationResult r) => r is FederationResult.UetrInvalid or FederationResult.AmountMustBePositive or FederationResult.CurrencyInvalid
        or FederationResult.OriginatorNotPayerInstitution or FederationResult.BeneficiaryNotPayeeInstitution or FederationResult.TradeReferenceNotAllowed
        or FederationResult.PaymentExistsWithDifferentContent or FederationResult.PeerNotFound or FederationResult.TooManyPayments or FederationResult.NotThisPeersPayment;

    private static async Task<IResult> ReceiveAsync(HttpContext c, NodeGateway gw, ILogger log)
    {
        PeerInfo peer = await AuthenticateAsync(c, gw);
        byte[] body = await ReadBodyAsync(c);
        ParseResult parsed = Iso20022Codec.Parse(body);
        if (!parsed.IsSuccess)
            throw ApiException.BadRequest("federation.message_invalid", string.Join("; ", parsed.Errors.Take(3).Select(e => $"{e.ReasonCode} {e.Path} {e.Message}")));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string reportId = "FEDR" + Guid.NewGuid().ToString("N")[..28];
        switch (parsed.Message)
        {
            case Pacs008Message or Pacs009Message:
            {
                var (terms, code, why) = parsed.Message is Pacs008Message customer ? CrossNodeMapping.FromPacs008Batch(customer)
                    : CrossNodeMapping.FromPacs009Batch((Pacs009Message)parsed.Message);
                if (terms is null) throw ApiException.BadRequest("federation.message_invalid", $"{code}: {why}");
                IsoMessage m = parsed.Message;
                // The whole message is one journaled command: each payment recorded and decided on its own (one refusal refuses no other).
                CrashPoints.Reach(CrashPoints.DestinationBeforeJournalReceive);
                FederationResult[] results = m is Pacs008Message
                    ? await SubmitAsync(gw, Operation.ReceiveFromPeer, terms.Select(t => new ReceiveFromPeer(peer.Id, t)).ToArray())
                    : await SubmitAsync(gw, Operation.ReceiveInstitutionFromPeer, terms.Select(t => new ReceiveInstitutionFromPeer(new ReceiveFromPeer(peer.Id, t))).ToArray());
                CrashPoints.Reach(CrashPoints.DestinationAfterJournalReceive);
                CrashAfterAnswer(c, CrashPoints.DestinationAfterAnswerPacs008);
                if (terms.Length == 1 && Unrecorded(results[0])) throw Refused(results[0]);
                PeerAnswer?[] answers = await gw.QueryAsync(e =>
                {
                    var found = new PeerAnswer?[terms.Length];
                    for (int i = 0; i < terms.Length; i++) found[i] = Unrecorded(results[i]) ? null : e.Federation.AnswerFor(peer.Id, terms[i].Uetr);
                    return found;
                });
                var lines = new CrossNodeMapping.AnswerLine[terms.Length];
                for (int i = 0; i < terms.Length; i++)
                {
                    string? notRecorded = null;
                    if (Unrecorded(results[i]))
                    {
                        notRecorded = "federation." + Wire.Snake(results[i]) + ": refused, nothing recorded";
                        log.LogWarning("peer {Peer}: transaction {Uetr} of message {MsgId} refused, nothing recorded: {Result}", peer.Id, terms[i].Uetr, m.MsgId, results[i]);
                    }
                    lines[i] = new CrossNodeMapping.AnswerLine(terms[i].Uetr, answers[i], notRecorded);
                }
                return Xml(CrossNodeMapping.ToPacs002(lines, reportId, now, m.MsgId, m.MessageDefinition));
            }
            case StatusRequest q:
            {
                if (CrossNodeMapping.FromPacs028Batch(q, out string? why) is not { } asked)
                    throw ApiException.BadRequest("federation.message_invalid", why!);
                PeerAnswer?[] answers = await gw.QueryAsync(e => asked.Select(a => e.Federation.AnswerFor(peer.Id, a.Uetr)).ToArray());
                var notRecorded = new string?[asked.Length];
                int[] unknown = Enumerable.Range(0, asked.Length).Where(i => answers[i] is null).ToArray();
                if (unknown.Length > 0)
                {
                    // Unknown: after T each is recorded refused (expired) before the answer, so a late pacs.008 can never settle.
                    // One journaled command for all the question's unknown payments.
                    CrashPoints.Reach(CrashPoints.DestinationBeforeJournalStatus);
                    FederationResult[] results = await SubmitAsync(gw, Operation.ExpireUnknown, unknown.Select(i => new ExpireUnknown(peer.Id, asked[i].Uetr, asked[i].ExpiresAtNs)).ToArray());
                    CrashPoints.Reach(CrashPoints.DestinationAfterJournalStatus);
                    if (asked.Length == 1 && results[0] is not (FederationResult.Ok or FederationResult.NotYetExpired)) throw Refused(results[0]);
                    for (int k = 0; k < unknown.Length; k++)
                        if (results[k] is not (FederationResult.Ok or FederationResult.NotYetExpired))
                            notRecorded[unknown[k]] = "federation." + Wire.Snake(results[k]) + ": refused, nothing recorded";
                    PeerAnswer?[] now2 = await gw.QueryAsync(e => unknown.Select(i => e.Federation.AnswerFor(peer.Id, asked[i].Uetr)).ToArray());
                    for (int k = 0; k < unknown.Length; k++) answers[unknown[k]] = now2[k];
                }
                CrashAfterAnswer(c, CrashPoints.DestinationAfterAnswerPacs028);
                var lines = new CrossNodeMapping.AnswerLine[asked.Length];
                for (int i = 0; i < asked.Length; i++) lines[i] = new CrossNodeMapping.AnswerLine(asked[i].Uetr, answers[i], notRecorded[i]);
                return Xml(CrossNodeMapping.ToPacs002(lines, reportId, now, q.MsgId, q.MessageDefinition));
            }
            default:
                throw ApiException.BadRequest("federation.unsupported_message", $"{parsed.Message!.MessageDefinition} is not a federation message (pacs.008.001.09, pacs.009.001.09 or pacs.028.001.04)");
        }
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
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(CommandBatch.MaxCommandPayloadBytes, (long)T.MaxEncodedBytes * items.Count));
        byte[] payload;
        try
        {
            var w = new WireWriter(buffer);
            foreach (T item in items) item.Write(ref w);
            payload = buffer.AsSpan(0, w.Written).ToArray();
        }
        catch (ArgumentException e) { throw ApiException.BadRequest("federation.message_invalid", e.Message); } // over-long text, malformed code
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
        CommandReply reply = await gw.SubmitAsync(operation, items.Count, payload);
        var results = new FederationResult[items.Count];
        if (!reply.AllOk) foreach (ItemResult e in reply.Errors) results[e.Index] = (FederationResult)e.Code;
        return results;
    }

    private static ApiException Refused(FederationResult r) => new(r == FederationResult.PaymentExistsWithDifferentContent ? 409 : 422,
        "federation." + Wire.Snake(r), $"refused, nothing recorded: {r}");

    private static IResult Xml(StatusReport report) => Results.Bytes(Iso20022Codec.Build(report), "application/xml");

    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync(TimeSpan.FromSeconds(5)); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
