using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Corridor.Core.Engine;
using Corridor.Core.Federation;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Xml;
using Corridor.Server.Http;
using Corridor.Storage.Node;

namespace Corridor.Server.Federation;

/// <summary>
/// The source's link (protocol steps 2, 6, 7): the payments the engine lists as awaiting a peer
/// (<see cref="FederationState.AwaitingPeer"/> — the engine state is the outbox, journaled before anything is sent) go to the
/// peer over HTTPS, presenting this node's certificate and accepting only the peer's pinned one. A payment's first attempt
/// travels in a batch: one pacs.008 with up to <see cref="PeerLinkOptions.BatchSize"/> transactions for the same peer, answered
/// by one pacs.002 whose decisions are journaled as one <see cref="PeerDecision"/> command (op 403, one item per payment). At
/// most <see cref="MaxBatchesInFlight"/> batches are in flight; payments arriving meanwhile wait for the next one (the busier the
/// link, the larger the batches). A payment without a final answer is retried with back-off; the retries due in a round ask
/// together (one pacs.028 of up to the batch size per peer), and those the peer never received go again together. The
/// outbox never voids on its own: only the peer's refusal voids.
/// </summary>
public sealed class PeerOutbox(NodeGateway gw, PeerLinks links, X509Certificate2 certificate, ILogger<PeerOutbox> log, Action<WireMessage>? wire = null,
    int maxRetryMs = PeerLinkOptions.DefaultMaxRetryMs, int batchSize = PeerLinkOptions.DefaultBatchSize) : BackgroundService
{
    /// <summary>Most awaiting payments read per round (the engine lists them, in-flight ones included); the rest wait for the next round.</summary>
    public const int MaxPerRound = 16_384;
    /// <summary>Retry exchanges in flight at once (each asks after up to the batch size of one peer's payments); a retry waits for a free one.</summary>
    public const int MaxConcurrentExchanges = 64;
    /// <summary>Batches (first attempts) in flight at once, over all peers.</summary>
    public const int MaxBatchesInFlight = 4;
    /// <summary>A round runs when a payment is sent (the API wakes the outbox), when an exchange ends, and at least every <see cref="RoundMs"/>.</summary>
    public const int RoundMs = 200, FirstRetryMs = 500, RequestTimeoutMs = 10_000;

    private sealed record Pending(UInt128 Id, CrossNodeTerms Terms, uint Peer, ulong Payer, string? PayerBic, Attempts Attempts);
    private sealed class Attempts { public int Count; public long NextAtMs; public bool InFlight; }

    // Touched only by the loop (ExecuteAsync) and, under this lock, by the exchanges as they end.
    private readonly object _lock = new();
    private readonly Dictionary<UInt128, Attempts> _attempts = new();
    private readonly Dictionary<(uint Peer, string Url, string Pin), HttpClient> _clients = new();
    private readonly SemaphoreSlim _exchangeSlots = new(MaxConcurrentExchanges, MaxConcurrentExchanges);
    private readonly SemaphoreSlim _batchSlots = new(MaxBatchesInFlight, MaxBatchesInFlight);
    private readonly int _batchSize = Math.Clamp(batchSize, 1, CrossNodeMapping.MaxTransactionsPerMessage);

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
    /// One round: the due payments not already being exchanged start — first attempts in batches per peer (one per batch
    /// slot the loop holds, each of at most the batch size), retries one exchange each (at most
    /// <see cref="MaxConcurrentExchanges"/> at once). Returns whether due first attempts were left for the next round.
    /// </summary>
    private async Task<bool> RoundAsync(CancellationToken stop)
    {
        var (awaiting, peers, counts) = await gw.QueryAsync(e =>
        {
            var list = new List<(CrossNodePayment P, string? Bic)>();
            var bics = new Dictionary<ulong, string?>();
            var perPeer = new Dictionary<uint, int>();
            foreach (CrossNodePayment p in e.Federation.AwaitingPeer())
            {
                perPeer[p.Peer] = perPeer.GetValueOrDefault(p.Peer) + 1;
                if (list.Count >= MaxPerRound) continue;
                if (!bics.TryGetValue(p.Debtor, out string? bic))
                    bics[p.Debtor] = bic = e.Settlement.GetParticipant(p.Debtor) is { Bic.Length: > 0 } info ? info.Bic : null;
                list.Add((p, bic));
            }
            return (list, e.Federation.Peers.ToDictionary(p => p.Id), perPeer);
        });
        foreach (PeerInfo peer in peers.Values) links.Awaiting(peer.Id, counts.GetValueOrDefault(peer.Id));
        long nowMs = Environment.TickCount64;
        var live = new HashSet<UInt128>(awaiting.Count);
        var first = new Dictionary<(uint Peer, CrossNodeKind Kind), List<Pending>>(); // a message carries payments of one kind
        var retries = new List<Pending>();
        bool more = false;
        lock (_lock)
        {
            foreach (var (p, bic) in awaiting)
            {
                live.Add(p.PaymentId);
                if (!_attempts.TryGetValue(p.PaymentId, out Attempts? attempts)) _attempts[p.PaymentId] = attempts = new Attempts();
                if (attempts.InFlight || nowMs < attempts.NextAtMs || !peers.TryGetValue(p.Peer, out PeerInfo? peer)) continue;
                if (peer.Status != PeerStatus.Active) { links.Failed(peer.Id, "peer suspended"); continue; }
                var pending = new Pending(p.PaymentId, p.Terms, p.Peer, p.Debtor, bic, attempts);
                if (attempts.Count > 0) { attempts.InFlight = true; retries.Add(pending); continue; }
                if (!first.TryGetValue((p.Peer, p.Terms.Kind), out List<Pending>? batch)) first[(p.Peer, p.Terms.Kind)] = batch = new List<Pending>();
                batch.Add(pending);
            }
            if (_attempts.Count > live.Count)
                foreach (var (id, attempts) in _attempts.Where(k => !live.Contains(k.Key) && !k.Value.InFlight).ToArray()) _attempts.Remove(id);
            // Oldest first: each free slot takes the next batch of up to the batch size; what no slot takes waits (not in flight).
            foreach (var ((peerId, _), list) in first)
            {
                for (int from = 0; from < list.Count; from += _batchSize)
                {
                    if (_heldSlots == 0) { more = true; break; }
                    List<Pending> batch = list.GetRange(from, Math.Min(_batchSize, list.Count - from));
                    foreach (Pending p in batch) p.Attempts.InFlight = true;
                    PeerInfo peer = peers[peerId];
                    ClientFor(peer);
                    _heldSlots--;
                    _ = Task.Run(() => RunBatchAsync(batch, peer, stop), CancellationToken.None);
                }
            }
        }
        // Retries ask together: one pacs.028 per peer for up to the batch size of its waiting payments, oldest first.
        foreach (var group in retries.GroupBy(p => p.Peer))
        {
            PeerInfo peer = peers[group.Key];
            ClientFor(peer);
            foreach (Pending[] chunk in group.Chunk(_batchSize))
            {
                await _exchangeSlots.WaitAsync(stop);
                _ = Task.Run(() => RunExchangeAsync(chunk, peer, stop), CancellationToken.None);
            }
        }
        return more;
    }

    private async Task RunBatchAsync(List<Pending> batch, PeerInfo peer, CancellationToken stop)
    {
        var decided = new HashSet<UInt128>();
        try { await ExchangeBatchAsync(peer, batch, decided, stop); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException or NodeBusyException or ApiException)
        {
            links.Failed(peer.Id, e.Message.Length > 200 ? e.Message[..200] : e.Message);
            log.LogWarning("federation: peer {Peer} did not answer a batch of {Count} payments (first {Uetr}): {Message}", peer.Id, batch.Count, batch[0].Terms.Uetr, e.Message);
        }
        catch (Exception e)
        {
            log.LogError(e, "federation: batch of {Count} payments to peer {Peer} failed", batch.Count, peer.Id);
        }
        finally
        {
            lock (_lock) foreach (Pending p in batch) Ended(p, decided.Contains(p.Id));
            _batchSlots.Release();
            links.Wake();
        }
    }

    private async Task RunExchangeAsync(Pending[] chunk, PeerInfo peer, CancellationToken stop)
    {
        var decided = new HashSet<UInt128>();
        try { await ExchangeAsync(peer, chunk, decided, stop); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException or NodeBusyException or ApiException)
        {
            links.Failed(peer.Id, e.Message.Length > 200 ? e.Message[..200] : e.Message);
            log.LogWarning("federation: peer {Peer} did not answer about {Count} payments (first {Uetr}): {Message}", peer.Id, chunk.Length, chunk[0].Terms.Uetr, e.Message);
        }
        catch (Exception e)
        {
            log.LogError(e, "federation: exchange about {Count} payments (first {Uetr}) with peer {Peer} failed", chunk.Length, chunk[0].Terms.Uetr, peer.Id);
        }
        finally
        {
            lock (_lock) foreach (Pending p in chunk) Ended(p, decided.Contains(p.Id));
            _exchangeSlots.Release();
        }
    }

    /// <summary>An attempt ended (under the lock): decided → forgotten; otherwise the next attempt after the back-off (0.5 s doubling).</summary>
    private void Ended(Pending p, bool decided)
    {
        Attempts attempts = p.Attempts;
        attempts.InFlight = false;
        if (decided) _attempts.Remove(p.Id);
        else
        {
            attempts.Count++;
            attempts.NextAtMs = Environment.TickCount64 + Math.Min(maxRetryMs, (long)FirstRetryMs << Math.Min(attempts.Count - 1, 16));
        }
    }

    private static Agent PayerAgentOf(Pending p) => p.PayerBic is null ? new Agent { Name = "participant " + p.Payer } : Agent.FromBic(p.PayerBic);

    /// <summary>
    /// First attempt at several payments of one kind for one peer: one pacs.008 (customer payments) or pacs.009 (institution
    /// transfers) — a payment alone travels under its own MsgId — one pacs.002,
    /// the final answers journaled as one PeerDecision command. Adds the payments decided to <paramref name="decided"/>. A
    /// message that would exceed the peer's size limit is split in two.
    /// </summary>
    private async Task ExchangeBatchAsync(PeerInfo peer, List<Pending> batch, HashSet<UInt128> decided, CancellationToken stop)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        IsoMessage message = CrossNodeMapping.ToMessage(batch.Select(p => (p.Terms, PayerAgentOf(p))).ToArray(), "FEDB" + Guid.NewGuid().ToString("N")[..28], now);
        byte[] xml = Iso20022Codec.Build(message);
        if (xml.Length > XmlLimits.MaxMessageBytes && batch.Count > 1)
        {
            int half = batch.Count / 2;
            await ExchangeBatchAsync(peer, batch.GetRange(0, half), decided, stop);
            await ExchangeBatchAsync(peer, batch.GetRange(half, batch.Count - half), decided, stop);
            return;
        }
        CrashPoints.Reach(CrashPoints.SourceBeforeSendPacs008);
        links.Sent(peer.Id, message.MessageDefinition, batch.Count);
        StatusReport report = await PostAsync(ClientFor(peer), peer, xml, stop);
        CrashPoints.Reach(CrashPoints.SourceAfterSendPacs008);
        links.Answered(peer.Id, NodeOptions.WallClockNs());
        Dictionary<string, PeerAnswer?> answers = CrossNodeMapping.FromPacs002(report);
        var decisions = new List<(Pending P, PeerDecision D, CrossNodeStatus Status)>(batch.Count);
        foreach (Pending p in batch)
            if (answers.GetValueOrDefault(p.Terms.Uetr) is { } answer && answer.AsDecision(peer.Id) is { } decision) decisions.Add((p, decision, answer.Status));
        // Held by the peer's compliance, or not decided: each is asked after on its own.
        await JournalDecisionsAsync(peer, decisions, decided);
    }

    /// <summary>The peer's final answers journaled as one PeerDecision command (op 403); adds the payments to <paramref name="decided"/>.</summary>
    private async Task JournalDecisionsAsync(PeerInfo peer, List<(Pending P, PeerDecision D, CrossNodeStatus Status)> decisions, HashSet<UInt128> decided)
    {
        if (decisions.Count == 0) return;
        FederationResult[] results = await PeerEndpoint.SubmitAsync(gw, Operation.PeerDecision, decisions.Select(d => d.D).ToArray());
        CrashPoints.Reach(CrashPoints.SourceAfterJournalDecision);
        for (int i = 0; i < decisions.Count; i++)
        {
            decided.Add(decisions[i].P.Id);
            Booked(peer, decisions[i].P.Terms.Uetr, decisions[i].Status, results[i]);
        }
    }

    private void Booked(PeerInfo peer, string uetr, CrossNodeStatus status, FederationResult result)
    {
        if (result == FederationResult.DecisionConflicts)
            log.LogCritical("federation: peer {Peer} answered {Uetr} {Status}, contradicting the decision already applied", peer.Id, uetr, status);
        else if (result != FederationResult.Ok)
            log.LogError("federation: decision of peer {Peer} for {Uetr} refused: {Result}", peer.Id, uetr, result);
    }

    /// <summary>
    /// A retry about several payments to one peer: one pacs.028 asking after all of them; the final answers journaled as one
    /// PeerDecision command; the payments the peer never received sent again together (a pacs.008 or pacs.009 per kind, as a
    /// first attempt goes). Adds the payments decided to <paramref name="decided"/>.
    /// </summary>
    private async Task ExchangeAsync(PeerInfo peer, Pending[] chunk, HashSet<UInt128> decided, CancellationToken stop)
    {
        HttpClient client = ClientFor(peer);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        StatusRequest question = CrossNodeMapping.ToPacs028(chunk.Select(p => (p.Terms.Uetr, p.Terms.ExpiresAtNs)).ToArray(), "FEDQ" + Guid.NewGuid().ToString("N")[..28], now);
        CrashPoints.Reach(CrashPoints.SourceBeforeSendPacs028);
        links.Asked(peer.Id, chunk.Length);
        Dictionary<string, PeerAnswer?> answers = CrossNodeMapping.FromPacs002(await PostAsync(client, peer, Iso20022Codec.Build(question), stop));
        CrashPoints.Reach(CrashPoints.SourceAfterSendPacs028);
        links.Answered(peer.Id, NodeOptions.WallClockNs());
        var decisions = new List<(Pending P, PeerDecision D, CrossNodeStatus Status)>();
        var again = new List<Pending>();
        foreach (Pending p in chunk)
        {
            PeerAnswer? answer = answers.GetValueOrDefault(p.Terms.Uetr);
            if (answer?.AsDecision(peer.Id) is { } decision) decisions.Add((p, decision, answer.Status));
            else if (answer is null) again.Add(p); // never received (or not recorded): send it again; held ones wait
        }
        await JournalDecisionsAsync(peer, decisions, decided);
        foreach (var kind in again.GroupBy(p => p.Terms.Kind)) await ExchangeBatchAsync(peer, kind.ToList(), decided, stop);
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
