using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Corridor.Server.Auth;

/// <summary>Who a token speaks for. Operator tokens carry participant <see cref="ApiTokens.OperatorParticipantId"/>.</summary>
public enum CallerRole : byte
{
    Direct = 1,
    CentralBank = 2,
    Operator = 3,
    /// <summary>A named operator user: the token's participant field carries the operator user id (see /v1/operators).</summary>
    OperatorUser = 4,
}

/// <summary>
/// A verified caller. Operator users act as participant <see cref="ApiTokens.OperatorParticipantId"/> with role Operator;
/// <see cref="OperatorUser"/> says which one (the root token is user 1) and <see cref="OperatorRole"/> what it may do.
/// </summary>
public readonly record struct Caller(ulong ParticipantId, CallerRole Role)
{
    public bool IsOperator => Role == CallerRole.Operator;

    /// <summary>Operator user id (0 for participants): journaled as the command header's actor.</summary>
    public uint OperatorUser { get; init; }

    public Corridor.Core.Compliance.OperatorRole OperatorRole { get; init; }

    /// <summary>May run the system (participants, ledgers, liquidity, limits, windows, the day, FX configuration).</summary>
    public bool IsSystemOperator => IsOperator && OperatorRole is Corridor.Core.Compliance.OperatorRole.Operator or Corridor.Core.Compliance.OperatorRole.Administrator;

    /// <summary>May run the compliance desk (watch lists, threshold, rules, holds, audit export).</summary>
    public bool IsComplianceOfficer => IsOperator && OperatorRole is Corridor.Core.Compliance.OperatorRole.Compliance or Corridor.Core.Compliance.OperatorRole.Administrator;
}

/// <summary>
/// Signed API tokens: <c>base64url(participant u64 | role u8 | key id u32 | expiry unix-seconds i64)</c> + "." +
/// <c>base64url(HMAC-SHA256(key, first part))</c>. The 256-bit key lives in <c>&lt;data&gt;/secrets/token.key</c> (mode 0600).
/// </summary>
public sealed class ApiTokens
{
    /// <summary>The operator's participant id in the engine (registered on first start; clients use 1 … 2^64−2).</summary>
    public const ulong OperatorParticipantId = ulong.MaxValue;
    public const int KeyBytes = 32;
    private const int PayloadBytes = 8 + 1 + 4 + 8;
    /// <summary>Longest token accepted (bounds work on hostile headers).</summary>
    public const int MaxTokenChars = 128;

    private readonly byte[] _key;
    private readonly uint _keyId;

    public ApiTokens(byte[] key, uint keyId = 1)
    {
        if (key.Length != KeyBytes) throw new ArgumentException($"token key must be {KeyBytes} bytes", nameof(key));
        _key = key;
        _keyId = keyId;
    }

    /// <summary>A key for another signed artefact (e.g. event-stream tickets), derived from this key so it can never verify as a token.</summary>
    internal byte[] DeriveKey(string purpose) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(purpose));

    public string Issue(ulong participantId, CallerRole role, DateTimeOffset expiresAt)
    {
        Span<byte> payload = stackalloc byte[PayloadBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, participantId);
        payload[8] = (byte)role;
        BinaryPrimitives.WriteUInt32LittleEndian(payload[9..], _keyId);
        BinaryPrimitives.WriteInt64LittleEndian(payload[13..], expiresAt.ToUnixTimeSeconds());
        string head = Base64Url(payload);
        byte[] mac = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(head));
        return head + "." + Base64Url(mac);
    }

    /// <summary>Most verified tokens remembered; beyond it the memory is cleared (bounded, hostile tokens never enter).</summary>
    public const int MaxRememberedTokens = 100_000;

    // Tokens that verified, with their expiry: a keep-alive client presents the same token on every request,
    // and an HMAC per request is a measurable share of a single-transfer request. Only tokens whose
    // signature checked out are remembered, so the cache can never accept what the HMAC would refuse.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Caller Caller, long Expiry)> _verified = new(StringComparer.Ordinal);

    /// <summary>Checks signature, key id and expiry; <paramref name="reason"/> says why not.</summary>
    public bool TryVerify(ReadOnlySpan<char> token, DateTimeOffset now, out Caller caller, out string reason)
    {
        var lookup = _verified.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(token, out var known))
        {
            if (now.ToUnixTimeSeconds() < known.Expiry) { caller = known.Caller; reason = ""; return true; }
            lookup.TryRemove(token, out _);
        }
        if (!TryVerifySignature(token, now, out caller, out long expiry, out reason)) return false;
        if (_verified.Count >= MaxRememberedTokens) _verified.Clear();
        lookup.TryAdd(token, (caller, expiry));
        return true;
    }

    private bool TryVerifySignature(ReadOnlySpan<char> token, DateTimeOffset now, out Caller caller, out long expiry, out string reason)
    {
        caller = default;
        expiry = 0;
        if (token.Length is 0 or > MaxTokenChars) { reason = "malformed token"; return false; }
        int dot = token.IndexOf('.');
        if (dot <= 0) { reason = "malformed token"; return false; }
        ReadOnlySpan<char> head = token[..dot], sig = token[(dot + 1)..];
        Span<byte> payload = stackalloc byte[PayloadBytes + 4];
        Span<byte> given = stackalloc byte[40];
        if (!System.Buffers.Text.Base64Url.TryDecodeFromChars(head, payload, out int payloadLen) || payloadLen != PayloadBytes
            || !System.Buffers.Text.Base64Url.TryDecodeFromChars(sig, given, out int sigLen) || sigLen != 32)
        { reason = "malformed token"; return false; }
        Span<byte> headBytes = stackalloc byte[head.Length];
        for (int i = 0; i < head.Length; i++) headBytes[i] = (byte)head[i];
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(_key, headBytes, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, given[..32])) { reason = "bad signature"; return false; }
        ulong participant = BinaryPrimitives.ReadUInt64LittleEndian(payload);
        var role = (CallerRole)payload[8];
        uint keyId = BinaryPrimitives.ReadUInt32LittleEndian(payload[9..]);
        expiry = BinaryPrimitives.ReadInt64LittleEndian(payload[13..]);
        if (keyId != _keyId) { reason = "unknown key id"; return false; }
        if (role is not (CallerRole.Direct or CallerRole.CentralBank or CallerRole.Operator or CallerRole.OperatorUser)) { reason = "bad role"; return false; }
        if (now.ToUnixTimeSeconds() >= expiry) { reason = "token expired"; return false; }
        caller = new Caller(participant, role);
        reason = "";
        return true;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

/// <summary>The node's secrets folder: token key and the operator token, created on first start.</summary>
public static class SecretsDirectory
{
    public const string KeyFile = "token.key";
    public const string OperatorTokenFile = "operator.token";
    public static readonly TimeSpan OperatorTokenLifetime = TimeSpan.FromDays(3650);

    /// <summary>Loads or creates the key; <paramref name="newOperatorToken"/> is set only when the key was created now.</summary>
    public static ApiTokens OpenOrCreate(string dataRoot, out string? newOperatorToken)
    {
        string dir = Path.Combine(dataRoot, "secrets");
        string keyPath = Path.Combine(dir, KeyFile);
        newOperatorToken = null;
        if (File.Exists(keyPath))
        {
            byte[] key = Convert.FromHexString(File.ReadAllText(keyPath).Trim());
            return new ApiTokens(key);
        }
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        byte[] fresh = RandomNumberGenerator.GetBytes(ApiTokens.KeyBytes);
        WritePrivate(keyPath, Convert.ToHexStringLower(fresh) + "\n");
        var tokens = new ApiTokens(fresh);
        newOperatorToken = tokens.Issue(ApiTokens.OperatorParticipantId, CallerRole.Operator, DateTimeOffset.UtcNow + OperatorTokenLifetime);
        WritePrivate(Path.Combine(dir, OperatorTokenFile), newOperatorToken + "\n");
        return tokens;
    }

    public static string? ReadOperatorToken(string dataRoot)
    {
        string path = Path.Combine(dataRoot, "secrets", OperatorTokenFile);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(content);
    }
}
