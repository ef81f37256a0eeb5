using Corridor.Core.Engine;
using Corridor.Core.Federation;
using Corridor.Iso20022.Model;

namespace Corridor.Link;

/// <summary>What the engine lists as awaiting a peer, read in one query (<see cref="LinkOutbox.Survey"/>).</summary>
public sealed record AwaitingWork(
    IReadOnlyList<(CrossNodePayment Payment, string? PayerBic)> Payments, IReadOnlyDictionary<uint, PeerInfo> Peers, IReadOnlyDictionary<uint, int> AwaitingPerPeer);

/// <summary>
/// What a round of the outbox starts: exchanges, in order (first attempts in batches, then retries); whether due first
/// attempts were left for the next round (no batch slot free); the peers whose payments wait because the peer is suspended.
/// </summary>
public sealed record LinkRound(IReadOnlyList<LinkExchange> Exchanges, bool More, IReadOnlyCollection<uint> SuspendedPeers);

/// <summary>A bug planted in the link on purpose (simulator only), to prove the federation simulator finds it.</summary>
internal enum PlantedLinkBug
{
    None,
    /// <summary>The outbox voids a payment on its own once its expiry T passed 5 s ago without an answer (the protocol forbids it).</summary>
    SourceVoidsAfterTimeout,
}

/// <summary>
/// The source's side of the link (protocol steps 2, 6, 7), independent of transport, threads and clocks: the payments the
/// engine lists as awaiting a peer (<see cref="FederationState.AwaitingPeer"/> — the engine state is the outbox, journaled
/// before anything is sent) become exchanges. A payment's first attempt travels in a batch: one pacs.008 (pacs.009 for
/// institution transfers) of up to the batch size of one kind for one peer, one batch per free batch slot; payments arriving
/// meanwhile wait for the next round (the busier the link, the larger the batches). A payment without a final answer is
/// retried after a back-off (0.5 s doubling up to the bound): the retries due in a round ask together (one pacs.028 of up to
/// the batch size per peer, one per free exchange slot), and those the peer never received go again together. The outbox
/// never voids on its own: only the peer's refusal voids.
/// <para>
/// Not thread-safe: the caller serialises <see cref="Round"/> and <see cref="Ended"/> (the server under a lock, the simulator
/// on its one thread); an exchange itself is driven by one caller at a time. Time is the caller's monotonic milliseconds.
/// </para>
/// </summary>
public sealed class LinkOutbox(ILinkNode node, int batchSize, int maxRetryMs)
{
    /// <summary>Most awaiting payments read per round (the engine lists them, in-flight ones included); the rest wait for the next round.</summary>
    public const int MaxPerRound = 16_384;
    /// <summary>The first retry's back-off; each next one doubles, up to the bound given.</summary>
    public const int FirstRetryMs = 500;
    /// <summary>Batches (first attempts) in flight at once, over all peers: the driver's batch slots.</summary>
    public const int MaxBatchesInFlight = 4;
    /// <summary>Retry exchanges in flight at once (each asks after up to the batch size of one peer's payments): the driver's exchange slots.</summary>
    public const int MaxConcurrentExchanges = 64;
    /// <summary>A request not answered within this ends its exchange (the payments are retried after the back-off).</summary>
    public const int RequestTimeoutMs = 10_000;

    private sealed class Attempts { public int Count; public long NextAtMs; public bool InFlight; }

    private readonly Dictionary<UInt128, Attempts> _attempts = new();

    /// <summary>The node the link runs on (its clock and message ids; the caller journals the decisions through it).</summary>
    public ILinkNode Node => node;

    public int BatchSize { get; } = Math.Clamp(batchSize, 1, Corridor.Iso20022.Mapping.CrossNodeMapping.MaxTransactionsPerMessage);
    public int MaxRetryMs { get; } = maxRetryMs;

    /// <summary>Test only (the simulator's planted bugs); internal to the link and its simulator: the node cannot set it.</summary>
    internal PlantedLinkBug Planted { get; init; }

    /// <summary>The engine's awaiting payments (at most <paramref name="max"/>), their payers' BICs, the peers: run on the engine thread.</summary>
    public static AwaitingWork Survey(Engine e, int max = MaxPerRound)
    {
        var list = new List<(CrossNodePayment, string?)>();
        var bics = new Dictionary<ulong, string?>();
        var perPeer = new Dictionary<uint, int>();
        foreach (CrossNodePayment p in e.Federation.AwaitingPeer())
        {
            perPeer[p.Peer] = perPeer.GetValueOrDefault(p.Peer) + 1;
            if (list.Count >= max) continue;
            if (!bics.TryGetValue(p.Debtor, out string? bic))
                bics[p.Debtor] = bic = e.Settlement.GetParticipant(p.Debtor) is { Bic.Length: > 0 } info ? info.Bic : null;
            list.Add((p, bic));
        }
        return new AwaitingWork(list, e.Federation.Peers.ToDictionary(p => p.Id), perPeer);
    }

    /// <summary>
    /// One round at <paramref name="nowMs"/>: the due payments not already being exchanged start — first attempts in batches
    /// per peer and kind (one per free batch slot, each of at most the batch size, oldest first), retries one pacs.028 per
    /// chunk of the batch size per peer (one per free exchange slot). What no slot takes waits, not in flight.
    /// </summary>
    public LinkRound Round(AwaitingWork work, long nowMs, int freeBatchSlots, int freeExchangeSlots)
    {
        var live = new HashSet<UInt128>(work.Payments.Count);
        var first = new Dictionary<(uint Peer, CrossNodeKind Kind), List<LinkExchange.Item>>(); // a message carries payments of one kind
        var retries = new Dictionary<uint, List<LinkExchange.Item>>();
        var suspended = new HashSet<uint>();
        var exchanges = new List<LinkExchange>();
        var selfVoids = new List<(LinkExchange.Item, PeerDecision)>();
        ulong nowNs = Planted == PlantedLinkBug.None ? 0 : node.NowNs;
        foreach (var (p, bic) in work.Payments)
        {
            live.Add(p.PaymentId);
            if (!_attempts.TryGetValue(p.PaymentId, out Attempts? attempts)) _attempts[p.PaymentId] = attempts = new Attempts();
            if (Planted == PlantedLinkBug.SourceVoidsAfterTimeout && !attempts.InFlight && nowNs > p.Terms.ExpiresAtNs + 5_000_000_000UL)
            {
                attempts.InFlight = true; // the planted bug: no answer before the expiry, so the outbox refuses it itself
                selfVoids.Add((new LinkExchange.Item(p, bic), new PeerDecision(p.Peer, p.Terms.Uetr, false, "AB05", "no answer before the expiry")));
                continue;
            }
            if (attempts.InFlight || nowMs < attempts.NextAtMs || !work.Peers.TryGetValue(p.Peer, out PeerInfo? peer)) continue;
            if (peer.Status != PeerStatus.Active) { suspended.Add(peer.Id); continue; }
            var item = new LinkExchange.Item(p, bic);
            if (attempts.Count > 0)
            {
                if (!retries.TryGetValue(p.Peer, out List<LinkExchange.Item>? due)) retries[p.Peer] = due = new List<LinkExchange.Item>();
                due.Add(item);
                continue;
            }
            if (!first.TryGetValue((p.Peer, p.Terms.Kind), out List<LinkExchange.Item>? batch)) first[(p.Peer, p.Terms.Kind)] = batch = new List<LinkExchange.Item>();
            batch.Add(item);
        }
        if (_attempts.Count > live.Count)
            foreach (var (id, _) in _attempts.Where(k => !live.Contains(k.Key) && !k.Value.InFlight).ToArray()) _attempts.Remove(id);
        if (selfVoids.Count > 0)
        {
            foreach (var group in selfVoids.GroupBy(v => v.Item1.Payment.Peer))
                exchanges.Add(LinkExchange.Deciding(node, work.Peers[group.Key], group.Select(v => v.Item1).ToList(), group.Select(v => v.Item2).ToList()));
        }
        // Oldest first: each free slot takes the next batch of up to the batch size; what no slot takes waits (not in flight).
        bool more = false;
        foreach (var ((peerId, _), list) in first)
        {
            for (int from = 0; from < list.Count; from += BatchSize)
            {
                if (freeBatchSlots == 0) { more = true; break; }
                List<LinkExchange.Item> batch = list.GetRange(from, Math.Min(BatchSize, list.Count - from));
                foreach (LinkExchange.Item p in batch) _attempts[p.Payment.PaymentId].InFlight = true;
                freeBatchSlots--;
                exchanges.Add(LinkExchange.Batch(node, work.Peers[peerId], batch));
            }
        }
        // Retries ask together: one pacs.028 per peer for up to the batch size of its waiting payments, oldest first.
        foreach (var (peerId, due) in retries)
        {
            for (int from = 0; from < due.Count && freeExchangeSlots > 0; from += BatchSize, freeExchangeSlots--)
            {
                List<LinkExchange.Item> chunk = due.GetRange(from, Math.Min(BatchSize, due.Count - from));
                foreach (LinkExchange.Item p in chunk) _attempts[p.Payment.PaymentId].InFlight = true;
                exchanges.Add(LinkExchange.Question(node, work.Peers[peerId], chunk));
            }
        }
        return new LinkRound(exchanges, more, suspended);
    }

    /// <summary>
    /// An exchange ended at <paramref name="nowMs"/> (answered, failed or timed out): the payments decided are forgotten; the
    /// others are asked after again once the back-off passed (0.5 s doubling, up to the bound).
    /// </summary>
    public void Ended(LinkExchange exchange, long nowMs)
    {
        foreach (UInt128 id in exchange.PaymentIds)
        {
            if (!_attempts.TryGetValue(id, out Attempts? attempts)) continue;
            attempts.InFlight = false;
            if (exchange.Decided.Contains(id)) { _attempts.Remove(id); continue; }
            attempts.Count++;
            attempts.NextAtMs = nowMs + Math.Min(MaxRetryMs, (long)FirstRetryMs << Math.Min(attempts.Count - 1, 16));
        }
    }
}
