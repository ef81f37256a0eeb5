using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Corridor.Core.Engine;
using Corridor.Core.Federation;
using Corridor.Iso20022;
using Corridor.Iso20022.Model;
using Corridor.Link;
using Corridor.Server.Http;
using Corridor.Storage.Node;

namespace Corridor.Server.Federation;

/// <summary>
/// The source's link on a real node: the transport, threads and metrics around <see cref="LinkOutbox"/> and
/// <see cref="LinkExchange"/> (src/Corridor.Link), which decide what to send and journal (the federation simulator drives the
/// same classes). The payments the engine lists as awaiting a peer go to the peer over HTTPS, presenting this node's
/// certificate and accepting only the peer's pinned one. A round runs when a payment is sent (the API wakes the outbox), when a
/// batch ends, and at least every <see cref="RoundMs"/>; it runs only with a batch slot free (at most
/// <see cref="MaxBatchesInFlight"/> batches in flight: payments arriving meanwhile gather for the next one), and starts at
/// most the free ones of <see cref="MaxConcurrentExchanges"/> retries (the rest wait for a later round). Each exchange runs on
/// its own task; a request that fails or takes longer than <see cref="RequestTimeoutMs"/> ends it, and the payments not
/// decided are retried after the back-off. The outbox never voids on its own: only the peer's refusal voids.
/// </summary>
public sealed class PeerOutbox(NodeGateway gw, PeerLinks links, X509Certificate2 certificate, ILogger<PeerOutbox> log, Action<WireMessage>? wire = null,
    int maxRetryMs = PeerLinkOptions.DefaultMaxRetryMs, int batchSize = PeerLinkOptions.DefaultBatchSize) : BackgroundService
{
    public const int MaxConcurrentExchanges = LinkOutbox.MaxConcurrentExchanges, MaxBatchesInFlight = LinkOutbox.MaxBatchesInFlight, RequestTimeoutMs = LinkOutbox.RequestTimeoutMs;
    /// <summary>The longest wait between two rounds (a payment sent or a batch ended starts one at once).</summary>
    public const int RoundMs = 200;

    // The link's state: touched by the loop (rounds) and by the exchanges as they end, always under this lock.
    private readonly object _lock = new();
    private readonly LinkOutbox _outbox = new(new GatewayLinkNode(gw), batchSize, maxRetryMs);
    private readonly Dictionary<(uint Peer, string Url, string Pin), HttpClient> _clients = new();
    private readonly SemaphoreSlim _exchangeSlots = new(MaxConcurrentExchanges, MaxConcurrentExchanges);
    private readonly SemaphoreSlim _batchSlots = new(MaxBatchesInFlight, MaxBatchesInFlight);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            bool more = false;
            try
            {
                // A round runs only with a batch slot free: while all batches are in flight, new payments gather for the next one.
                await _batchSlots.WaitAsync(stop);
                _heldSlots = 1;
                try
                {
                    if (!_pendingMore) await links.WaitForWorkAsync(RoundMs, stop);
                    while (_batchSlots.Wait(0, CancellationToken.None)) _heldSlots++;
                    more = await RoundAsync(stop);
                }
                finally
                {
                    if (_heldSlots > 0) _batchSlots.Release(_heldSlots); // the slots no batch took (each batch releases its own)
                    _heldSlots = 0;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) when (e is NodeBusyException or ApiException)
            {
                log.LogWarning("federation outbox: node not ready or busy: {Message}", e.Message);
                try { await Task.Delay(RoundMs, stop); } catch (OperationCanceledException) { return; }
            }
            _pendingMore = more;
        }
    }

    /// <summary>True when the last round left due payments behind (more than it could take): the next round runs at once.</summary>
    private bool _pendingMore;
    /// <summary>Batch slots the loop holds for the current round (touched only by the loop); a batch started takes one.</summary>
    private int _heldSlots;

    /// <summary>
    /// One round: the engine's awaiting payments (one query), the link's plan (<see cref="LinkOutbox.Round"/>, under the lock),
    /// each exchange started on its own task. Returns whether due first attempts were left for the next round.
    /// </summary>
    private async Task<bool> RoundAsync(CancellationToken stop)
    {
        AwaitingWork work = await gw.QueryAsync(e => LinkOutbox.Survey(e));
        foreach (PeerInfo peer in work.Peers.Values) links.Awaiting(peer.Id, work.AwaitingPerPeer.GetValueOrDefault(peer.Id));
        LinkRound round;
        lock (_lock) round = _outbox.Round(work, Environment.TickCount64, _heldSlots, _exchangeSlots.CurrentCount);
        foreach (uint peer in round.SuspendedPeers) links.Failed(peer, "peer suspended");
        foreach (LinkExchange x in round.Exchanges)
        {
            ClientFor(x.Peer);
            if (x.IsBatch) _heldSlots--;
            else await _exchangeSlots.WaitAsync(stop); // free: only this loop takes exchange slots, and it asked for no more than were free
            _ = Task.Run(() => RunAsync(x, stop), CancellationToken.None);
        }
        return round.More;
    }

    private async Task RunAsync(LinkExchange x, CancellationToken stop)
    {
        PeerInfo peer = x.Peer;
        string what = x.IsBatch ? "a batch of" : "about";
        try { await DriveAsync(x, stop); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException or NodeBusyException or ApiException)
        {
            links.Failed(peer.Id, e.Message.Length > 200 ? e.Message[..200] : e.Message);
            log.LogWarning("federation: peer {Peer} did not answer {What} {Count} payments (first {Uetr}): {Message}", peer.Id, what, x.PaymentIds.Count, x.FirstUetr, e.Message);
        }
        catch (Exception e)
        {
            log.LogError(e, "federation: exchange {What} {Count} payments (first {Uetr}) with peer {Peer} failed", what, x.PaymentIds.Count, x.FirstUetr, peer.Id);
        }
        finally
        {
            lock (_lock) _outbox.Ended(x, Environment.TickCount64);
            if (x.IsBatch)
            {
                _batchSlots.Release();
                links.Wake();
            }
            else _exchangeSlots.Release();
        }
    }

    /// <summary>
    /// Runs one exchange: each request posted (its crash points around it, the link's counters), each pacs.002 handed to the
    /// exchange, each set of final answers journaled as one PeerDecision command (op 403) before the next request.
    /// </summary>
    private async Task DriveAsync(LinkExchange x, CancellationToken stop)
    {
        PeerInfo peer = x.Peer;
        while (true)
        {
            switch (x.Step)
            {
                case LinkStep.Send:
                {
                    LinkRequest request = x.Request!;
                    CrashPoints.Reach(request.IsQuestion ? CrashPoints.SourceBeforeSendPacs028 : CrashPoints.SourceBeforeSendPacs008);
                    if (request.IsQuestion) links.Asked(peer.Id, request.Payments);
                    else links.Sent(peer.Id, request.Definition, request.Payments);
                    StatusReport report = await PostAsync(ClientFor(peer), peer, request.Xml, stop);
                    CrashPoints.Reach(request.IsQuestion ? CrashPoints.SourceAfterSendPacs028 : CrashPoints.SourceAfterSendPacs008);
                    links.Answered(peer.Id, NodeOptions.WallClockNs());
                    x.Answered(report);
                    break;
                }
                case LinkStep.Journal:
                {
                    FederationResult[] results = await LinkCommands.SubmitAsync(_outbox.Node, Operation.PeerDecision, x.Decisions);
                    CrashPoints.Reach(CrashPoints.SourceAfterJournalDecision);
                    foreach (LinkBooking b in x.Journaled(results)) Booked(peer, b);
                    break;
                }
                default:
                    return;
            }
        }
    }

    private void Booked(PeerInfo peer, LinkBooking b)
    {
        if (b.Result == FederationResult.DecisionConflicts)
            log.LogCritical("federation: peer {Peer} answered {Uetr} {Status}, contradicting the decision already applied", peer.Id, b.Uetr, b.Status);
        else if (b.Result != FederationResult.Ok)
            log.LogError("federation: decision of peer {Peer} for {Uetr} refused: {Result}", peer.Id, b.Uetr, b.Result);
    }

    /// <summary>Posts one message; returns the peer's pacs.002.</summary>
    private async Task<StatusReport> PostAsync(HttpClient client, PeerInfo peer, byte[] xml, CancellationToken stop)
    {
        using var content = new ByteArrayContent(xml);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml");
        wire?.Invoke(new WireMessage(peer.Id, true, xml));
        using HttpResponseMessage response = await client.PostAsync(new Uri(new Uri(peer.Url), PeerEndpoint.Route), content, stop);
        byte[] body = await response.Content.ReadAsByteArrayAsync(stop);
        wire?.Invoke(new WireMessage(peer.Id, false, body));
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}");
        ParseResult parsed = Iso20022Codec.Parse(body);
        return parsed.Message as StatusReport ?? throw new InvalidDataException("the peer's answer is not a pacs.002");
    }

    private HttpClient ClientFor(PeerInfo peer)
    {
        lock (_clients) return ClientForLocked(peer);
    }

    private HttpClient ClientForLocked(PeerInfo peer)
    {
        if (_clients.TryGetValue((peer.Id, peer.Url, peer.CertificateSha256), out HttpClient? client)) return client;
        string pin = peer.CertificateSha256;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [certificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
                // The peer's own self-signed certificate, pinned by its SHA-256: no CA is trusted for a peer.
                RemoteCertificateValidationCallback = (_, remote, _, _) => remote is not null && PeerLinks.Fingerprint(remote) == pin,
            },
        };
        client = new HttpClient(handler) { Timeout = TimeSpan.FromMilliseconds(RequestTimeoutMs) };
        foreach (var key in _clients.Keys.Where(k => k.Peer == peer.Id).ToArray()) { _clients[key].Dispose(); _clients.Remove(key); }
        _clients[(peer.Id, peer.Url, peer.CertificateSha256)] = client;
        return client;
    }

    public override void Dispose()
    {
        lock (_clients) foreach (HttpClient c in _clients.Values) c.Dispose();
        base.Dispose();
    }
}
