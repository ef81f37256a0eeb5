using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Corridor.Server.Auth;

/// <summary>
/// Short-lived, single-use tickets that open one event stream (<c>GET /v1/events?ticket=</c>). A browser's EventSource cannot
/// send an Authorization header, and a long-lived API token must never sit in a URL (proxies and access logs keep URLs), so an
/// authenticated <c>POST /v1/events/tickets</c> trades the token for a ticket that names the same caller, expires after
/// <see cref="Lifetime"/> and is accepted once. Layout: <c>base64url(caller u64 | role u8 | nonce 16 bytes | expiry unix-ms i64)</c>
/// "." <c>base64url(HMAC-SHA256(k, first part))</c>, where <c>k</c> is derived from the token key for this purpose only.
/// </summary>
public sealed class EventTickets(ApiTokens tokens)
{
    /// <summary>How long a ticket may wait before it is redeemed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    /// <summary>Most redeemed, unexpired tickets remembered; past it a ticket is refused until some expire (never forgotten early: that would allow a replay).</summary>
    public const int MaxRemembered = 100_000;
    /// <summary>Longest ticket accepted (bounds the work on a hostile query string).</summary>
    public const int MaxTicketChars = 128;
    private const int PayloadBytes = 8 + 1 + 16 + 8;

    private readonly byte[] _key = tokens.DeriveKey("corridor/event-stream-ticket/v1");
    private readonly ConcurrentDictionary<UInt128, long> _redeemed = new();

    /// <summary>A ticket for <paramref name="caller"/> (as its token was signed, before status checks) and when it expires.</summary>
    public (string Ticket, DateTimeOffset ExpiresAt) Issue(Caller caller, DateTimeOffset now)
    {
        DateTimeOffset expires = now + Lifetime;
        Span<byte> payload = stackalloc byte[PayloadBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, caller.ParticipantId);
        payload[8] = (byte)caller.Role;
        RandomNumberGenerator.Fill(payload.Slice(9, 16));
        BinaryPrimitives.WriteInt64LittleEndian(payload[25..], expires.ToUnixTimeMilliseconds());
        string head = System.Buffers.Text.Base64Url.EncodeToString(payload);
        byte[] mac = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(head));
        return (head + "." + System.Buffers.Text.Base64Url.EncodeToString(mac), expires);
    }

    /// <summary>Checks signature and expiry and marks the ticket used; false (with <paramref name="reason"/>) when any fails or it was used before.</summary>
    public bool TryRedeem(ReadOnlySpan<char> ticket, DateTimeOffset now, out Caller caller, out string reason)
    {
        caller = default;
        int dot = ticket.IndexOf('.');
        Span<byte> payload = stackalloc byte[PayloadBytes + 4];
        Span<byte> given = stackalloc byte[40];
        if (ticket.Length is 0 or > MaxTicketChars || dot <= 0
            || !System.Buffers.Text.Base64Url.TryDecodeFromChars(ticket[..dot], payload, out int payloadLength) || payloadLength != PayloadBytes
            || !System.Buffers.Text.Base64Url.TryDecodeFromChars(ticket[(dot + 1)..], given, out int macLength) || macLength != 32)
        { reason = "malformed ticket"; return false; }
        Span<byte> head = stackalloc byte[dot];
        for (int i = 0; i < dot; i++) head[i] = (byte)ticket[i];
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(_key, head, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, given[..32])) { reason = "bad signature"; return false; }
        long expiresMs = BinaryPrimitives.ReadInt64LittleEndian(payload[25..]);
        long nowMs = now.ToUnixTimeMilliseconds();
        if (nowMs >= expiresMs) { reason = "ticket expired"; return false; }
        UInt128 nonce = BinaryPrimitives.ReadUInt128LittleEndian(payload.Slice(9, 16));
        if (_redeemed.Count >= MaxRemembered) Forget(nowMs);
        if (_redeemed.Count >= MaxRemembered) { reason = "too many tickets redeemed in the last seconds"; return false; }
        if (!_redeemed.TryAdd(nonce, expiresMs)) { reason = "ticket already used"; return false; }
        caller = new Caller(BinaryPrimitives.ReadUInt64LittleEndian(payload), (CallerRole)payload[8]);
        reason = "";
        return true;
    }

    /// <summary>Drops remembered tickets that have expired (they can no longer be redeemed anyway).</summary>
    private void Forget(long nowMs)
    {
        foreach (var (nonce, expires) in _redeemed)
            if (expires <= nowMs) _redeemed.TryRemove(nonce, out _);
    }
}
