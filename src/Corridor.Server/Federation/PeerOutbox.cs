using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Corridor.Core.Engine;
using Corridor.Core.Federation;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Server.Http;
using Corridor.Storage.Node;

namespace Corridor.Server.Federation;

/// <summary>
/// The source's link (protocol steps 2, 6, 7): for each payment the engine lists as awaiting its peer
/// (<see cref="FederationState.AwaitingPeer"/> — the engine state is the outbox, journaled before anything is sent) it sends
/// the pacs.008 over HTTPS, presenting this node's certificate and accepting only the peer's pinned one, and journals the
/// pacs.002 answer as <see cref="PeerDecision"/> (op 403). No answer: it retries with back-off and asks with a pacs.028 first.
/// It never voids on its own: only the peer's refusal voids.
/// </summary>
public sealed class PeerOutbox(NodeGateway gw, PeerLinks links, X509Certificate2 certificate, ILogger<PeerOutbox> log, Action<WireMessage>? wire = null,
    int maxRetryMs = PeerLinkOptions.DefaultMaxRetryMs) : BackgroundService
{
    /// <summary>Most payments taken per round (the engine lists them); the rest wait for the next round.</summary>
    public const int MaxPerRound = 1_024;
    /// <summary>Exchanges in flight at once (connections to the peers); a payment waits for a free one.</summary>
    public const int MaxConcurrentExchanges = 64;
    /// <summary>A round runs when a payment is sent (the API wakes the outbox), when an exchange ends, and at least every <see cref="RoundMs"/>.</summary>
    public const int RoundMs = 200, FirstRetryMs = 500, RequestTimeoutMs = 10_000;

    private sealed record Pending(CrossNodeTerms Terms, uint Peer, ulong Payer, string? PayerBic);
    private sealed class Attempts { public int Count; public long NextAtMs; public bool InFlight; }

    // Touched only by the loop (ExecuteAsync) and, under this lock, by the exchanges as they end.
    private readonly object _lock = new();
    private readonly Dictionary<UInt128, Attempts> _attempts = new();
    private readonly Dictionary<(uint Peer, string Url, string Pin), HttpClient> _clients = new();
    private readonly SemaphoreSlim _exchangeSlots = new(MaxConcurrentExchanges, MaxConcurrentExchanges);
    private int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            bool more = false;
            try { more = await RoundAsync(stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) when (e is NodeBusyException or ApiException)
            {
                log.LogWarning("federation outbox: node not ready or busy: {Message}", e.Message);
            }
            if (more) continue; // more payments wait: the next round at once
            try { await links.WaitForWorkAsync(RoundMs, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// One round: every awaiting payment that is due and not already being exchanged starts its exchange (at most
    /// <see cref="MaxConcurrentExchanges"/> at once; the round waits for a free slot, never for an exchange to end). True when
    /// the round took <see cref="MaxPerRound"/> payments (more may be waiting).
    /// </summary>
    private async Task<bool> RoundAsync(CancellationToken stop)
    {
        var (awaiting, peers) = await gw.QueryAsync(e =>
        {
            var list = new List<(UInt128 Id, Pending P)>();
            foreach (CrossNodePayment p in e.Federation.AwaitingPeer())
            {
                if (list.Count >= MaxPerRound) break;
                string? bic = e.Settlement.GetParticipant(p.Debtor) is { Bic.Length: > 0 } info ? info.Bic : null;
                list.Add((p.PaymentId, new Pending(p.Terms, p.Peer, p.Debtor, bic)));
            }
            return (list, e.Federation.Peers.ToDictionary(p => p.Id));
        });
        foreach (PeerInfo peer in peers.Values) links.Awaiting(peer.Id, awaiting.Count(a => a.P.Peer == peer.Id));
        long nowMs = Environment.TickCount64;
        var live = new HashSet<UInt128>();
        var due = new List<(UInt128 Id, Pending P, PeerInfo Peer, Attempts Attempts)>();
        lock (_lock)
        {
            foreach (var (id, p) in awaiting)
            {
                live.Add(id);
                if (!_attempts.TryGetValue(id, out Attempts? attempts)) _attempts[id] = attempts = new Attempts();
                if (attempts.InFlight || nowMs < attempts.NextAtMs || !peers.TryGetValue(p.Peer, out PeerInfo? peer)) continue;
                if (peer.Status != PeerStatus.Active) { links.Failed(peer.Id, "peer suspended"); continue; }
                attempts.InFlight = true;
                due.Add((id, p, peer, attempts));
            }
            foreach (var (id, attempts) in _attempts.Where(k => !live.Contains(k.Key) && !k.Value.InFlight).ToArray()) _attempts.Remove(id);
        }
        foreach (var peer in due.Select(d => d.Peer).DistinctBy(p => p.Id)) ClientFor(peer);
        // Each payment is its own message, idempotent by its UETR: exchanges run side by side and each books its own outcome.
        foreach (var (id, p, peer, attempts) in due)
        {
            await _exchangeSlots.WaitAsync(stop);
            Interlocked.Increment(ref _inFlight);
            _ = Task.Run(() => RunExchangeAsync(id, p, peer, attempts, stop), CancellationToken.None);
        }
        return awaiting.Count >= MaxPerRound && due.Count > 0;
    }

    private async Task RunExchangeAsync(UInt128 id, Pending p, PeerInfo peer, Attempts attempts, CancellationToken stop)
    {
        bool decided = false;
        try { decided = await ExchangeAsync(peer, p, asking: attempts.Count > 0, stop); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException or NodeBusyException or ApiException)
        {
            links.Failed(peer.Id, e.Message.Length > 200 ? e.Message[..200] : e.Message);
            log.LogWarning("federation: peer {Peer} did not answer for {Uetr}: {Message}", peer.Id, p.Terms.Uetr, e.Message);
        }
        catch (Exception e)
        {
            log.LogError(e, "federation: exchange for {Uetr} with peer {Peer} failed", p.Terms.Uetr, peer.Id);
        }
        finally
        {
            lock (_lock)
            {
                attempts.InFlight = false;
                if (decided) _attempts.Remove(id);
                else
                {
                    attempts.Count++;
                    attempts.NextAtMs = Environment.TickCount64 + Math.Min(maxRetryMs, (long)FirstRetryMs << Math.Min(attempts.Count - 1, 16));
                }
            }
            Interlocked.Decrement(ref _inFlight);
            _exchangeSlots.Release();
        }
    }

    /// <summary>One exchange about one payment: first the pacs.008; later a pacs.028, and the pacs.008 again if the peer never received it.</summary>
    private async Task<bool> ExchangeAsync(PeerInfo peer, Pending p, bool asking, CancellationToken stop)
    {
        HttpClient client = ClientFor(peer);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        PeerAnswer? answer = null;
        bool received = false;
        if (asking)
        {
            StatusRequest question = CrossNodeMapping.ToPacs028(p.Terms.Uetr, p.Terms.ExpiresAtNs, "FEDQ" + Guid.NewGuid().ToString("N")[..28], now);
            CrashPoints.Reach(CrashPoints.SourceBeforeSendPacs028);
            (answer, received) = await PostAsync(client, peer, Iso20022Codec.Build(question), p.Terms.Uetr, stop);
            CrashPoints.Reach(CrashPoints.SourceAfterSendPacs028);
        }
        if (!received)
        {
            Agent payerAgent = p.PayerBic is null ? new Agent { Name = "participant " + p.Payer } : Agent.FromBic(p.PayerBic);
            CrashPoints.Reach(CrashPoints.SourceBeforeSendPacs008);
            (answer, _) = await PostAsync(client, peer, Iso20022Codec.Build(CrossNodeMapping.ToPacs008(p.Terms, payerAgent, now)), p.Terms.Uetr, stop);
            CrashPoints.Reach(CrashPoints.SourceAfterSendPacs008);
        }
        links.Answered(peer.Id, NodeOptions.WallClockNs());
        if (answer?.AsDecision(peer.Id) is not { } decision) return false; // held by the peer's compliance, or not yet decided
        FederationResult result = await PeerEndpoint.SubmitAsync(gw, Operation.PeerDecision, decision);
        CrashPoints.Reach(CrashPoints.SourceAfterJournalDecision);
        if (result == FederationResult.DecisionConflicts)
            log.LogCritical("federation: peer {Peer} answered {Uetr} {Status}, contradicting the decision already applied", peer.Id, p.Terms.Uetr, answer.Status);
        else if (result != FederationResult.Ok)
            log.LogError("federation: decision of peer {Peer} for {Uetr} refused: {Result}", peer.Id, p.Terms.Uetr, result);
        return true;
    }

    /// <summary>Posts one message; returns the peer's answer about <paramref name="uetr"/> and whether it knows the payment at all.</summary>
    private async Task<(PeerAnswer? Answer, bool Received)> PostAsync(HttpClient client, PeerInfo peer, byte[] xml, string uetr, CancellationToken stop)
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
        if (parsed.Message is not StatusReport report) throw new InvalidDataException("the peer's answer is not a pacs.002");
        PeerAnswer? answer = CrossNodeMapping.FromPacs002(report, uetr);
        bool notReceived = answer is null;
        return (answer, !notReceived);
    }

    private HttpClient ClientFor(PeerInfo peer)
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
        foreach (HttpClient c in _clients.Values) c.Dispose();
        base.Dispose();
    }
}
