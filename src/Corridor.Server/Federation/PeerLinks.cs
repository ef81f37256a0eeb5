using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Corridor.Server.Federation;

/// <summary>How this node talks to its peers: the port of its peer endpoint and its node certificate (PEM) and key.</summary>
public sealed record PeerLinkOptions(int Port, string CertificatePath, string KeyPath)
{
    /// <summary>Longest wait of the outbox between two attempts at a payment its peer has not answered (back-off from 0.5 s, doubling).</summary>
    public int MaxRetryMs { get; init; } = DefaultMaxRetryMs;

    public const int DefaultMaxRetryMs = 30_000, MinRetryMs = 500, MaxAllowedRetryMs = 600_000;

    /// <summary>The address the peer endpoint listens on (default: every IPv4 address, 0.0.0.0); e.g. one interface facing the peers, or loopback.</summary>
    public System.Net.IPAddress Host { get; init; } = System.Net.IPAddress.Any;

    /// <summary>Most payments the outbox sends to a peer in one pacs.008 (1 … <see cref="Corridor.Iso20022.Mapping.CrossNodeMapping.MaxTransactionsPerMessage"/>).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    public const int DefaultBatchSize = 256;

    /// <summary>Called by the outbox with every ISO 20022 message it posts to a peer and every answer it receives, the exact bytes on the wire (e.g. for <c>corridor demo</c>).</summary>
    public Action<WireMessage>? Wire { get; init; }

    /// <summary>The node certificate with its private key (presented to peers as server and as client certificate).</summary>
    public X509Certificate2 LoadCertificate() => X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
}

/// <summary>One message of the link: posted to the peer (<c>Sent</c>) or the peer's answer, as the bytes on the wire.</summary>
public sealed record WireMessage(uint Peer, bool Sent, byte[] Xml);

/// <summary>The state of this node's link to each peer, as the outbox last saw it (for /metrics, /health/ready and GET /v1/peers).</summary>
public sealed class PeerLinks
{
    /// <summary>What the outbox last saw of one peer.</summary>
    public sealed record LinkState(int Awaiting, ulong LastAnswerAtNs, string? LastError)
    {
        /// <summary>pacs.008 messages posted to the peer, and the payments (transactions) they carried, since start.</summary>
        public long Pacs008Messages { get; init; }
        public long Pacs008Payments { get; init; }
        /// <summary>pacs.009 messages (institution transfers) posted to the peer, and the transfers they carried, since start.</summary>
        public long Pacs009Messages { get; init; }
        public long Pacs009Payments { get; init; }
        /// <summary>pacs.028 status questions posted to the peer (retries ask together), and the payments they asked after, since start.</summary>
        public long Pacs028Messages { get; init; }
        public long Pacs028Payments { get; init; }
    }

    private readonly ConcurrentDictionary<uint, LinkState> _links = new();
    private readonly System.Threading.Channels.Channel<byte> _work =
        System.Threading.Channels.Channel.CreateBounded<byte>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    /// <summary>A payment now awaits a peer (sent, or released by compliance): the outbox runs a round at once instead of at its next tick.</summary>
    public void Wake() => _work.Writer.TryWrite(0);

    /// <summary>The outbox's wait between rounds: until <see cref="Wake"/> or <paramref name="timeoutMs"/>.</summary>
    internal async Task WaitForWorkAsync(int timeoutMs, CancellationToken stop)
    {
        if (!_work.Reader.TryRead(out _))
        {
            Task woken = _work.Reader.WaitToReadAsync(stop).AsTask();
            await Task.WhenAny(woken, Task.Delay(timeoutMs, stop));
            stop.ThrowIfCancellationRequested();
            _work.Reader.TryRead(out _);
        }
    }

    /// <summary>True when this node runs a peer endpoint and an outbox (a node certificate was given).</summary>
    public bool Enabled { get; init; }

    public LinkState? Of(uint peer) => _links.TryGetValue(peer, out LinkState? s) ? s : null;

    internal void Awaiting(uint peer, int count) => _links.AddOrUpdate(peer, _ => new LinkState(count, 0, null), (_, s) => s with { Awaiting = count });
    internal void Answered(uint peer, ulong nowNs) => _links.AddOrUpdate(peer, _ => new LinkState(0, nowNs, null), (_, s) => s with { LastAnswerAtNs = nowNs, LastError = null });
    internal void Sent(uint peer, string definition, int payments)
    {
        bool institution = definition == Corridor.Iso20022.Model.Pacs009Message.Definition;
        LinkState Add(LinkState s) => institution
            ? s with { Pacs009Messages = s.Pacs009Messages + 1, Pacs009Payments = s.Pacs009Payments + payments }
            : s with { Pacs008Messages = s.Pacs008Messages + 1, Pacs008Payments = s.Pacs008Payments + payments };
        _links.AddOrUpdate(peer, _ => Add(new LinkState(0, 0, null)), (_, s) => Add(s));
    }
    internal void Asked(uint peer, int payments) => _links.AddOrUpdate(peer, _ => new LinkState(0, 0, null) { Pacs028Messages = 1, Pacs028Payments = payments },
        (_, s) => s with { Pacs028Messages = s.Pacs028Messages + 1, Pacs028Payments = s.Pacs028Payments + payments });
    internal void Failed(uint peer, string error) => _links.AddOrUpdate(peer, _ => new LinkState(0, 0, error), (_, s) => s with { LastError = error });

    /// <summary>SHA-256 of a certificate's DER bytes, 64 lower-case hex digits: what RegisterPeer pins.</summary>
    public static string Fingerprint(X509Certificate certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));

    /// <summary>One measurement per peer of <paramref name="value"/>, tagged with the peer id (the node's OpenTelemetry gauges).</summary>
    public IEnumerable<System.Diagnostics.Metrics.Measurement<double>> PerPeer(Func<LinkState, double> value)
    {
        foreach (var (peer, s) in _links)
            yield return new System.Diagnostics.Metrics.Measurement<double>(value(s), new KeyValuePair<string, object?>("peer", peer.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>One count per peer of <paramref name="value"/> (the node's OpenTelemetry counters).</summary>
    public IEnumerable<System.Diagnostics.Metrics.Measurement<long>> PerPeerCount(Func<LinkState, long> value)
    {
        foreach (var (peer, s) in _links)
            yield return new System.Diagnostics.Metrics.Measurement<long>(value(s), new KeyValuePair<string, object?>("peer", peer.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>One line per peer for /health/ready ("peer 7: up, 0 awaiting" or "peer 7: down (why), 3 awaiting").</summary>
    public string HealthDetails()
    {
        var sb = new StringBuilder();
        foreach (var (peer, s) in _links.OrderBy(l => l.Key))
            sb.Append(CultureInfo.InvariantCulture, $"peer {peer}: {(s.LastError is null ? "up" : "down (" + s.LastError + ")")}, {s.Awaiting} awaiting\n");
        return sb.ToString();
    }
}
