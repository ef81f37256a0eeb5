using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Core.Access;

/// <summary>How a binding recognises a client certificate. Values are stable (journal, snapshots, API).</summary>
public enum CertificateMatch : byte
{
    /// <summary>Exactly one certificate: the SHA-256 of its DER encoding (hex).</summary>
    Thumbprint = 1,
    /// <summary>Any certificate with this subject distinguished name issued directly by the CA with this SHA-256 thumbprint (renewals keep working).</summary>
    SubjectAndIssuer = 2,
}

/// <summary>Who a bound certificate speaks for. Values are stable (journal, snapshots, API).</summary>
public enum CertificatePrincipal : byte
{
    /// <summary>Nobody: a thumbprint revoked without ever being bound (a deny entry, e.g. one certificate under a subject binding).</summary>
    None = 0,
    Participant = 1,
    OperatorUser = 2,
}

/// <summary>Whether requests over a bound certificate are accepted. Values are stable (journal, snapshots, API).</summary>
public enum CertificateBindingStatus : byte
{
    Active = 0,
    /// <summary>Refused from the next request on, for good: a revoked key is never bound again.</summary>
    Revoked = 1,
}

/// <summary>
/// What identifies a certificate to a binding: a thumbprint, or a subject and the thumbprint of its issuing CA.
/// Thumbprints are 64 lowercase hex digits (SHA-256 of the DER encoding).
/// </summary>
public readonly record struct CertificateKey(CertificateMatch Match, string Thumbprint, string Subject, string IssuerThumbprint)
{
    public const int ThumbprintChars = 64;
    public const int MaxSubjectChars = 512;

    public static CertificateKey OfThumbprint(string thumbprint) => new(CertificateMatch.Thumbprint, thumbprint, "", "");
    public static CertificateKey OfSubject(string subject, string issuerThumbprint) => new(CertificateMatch.SubjectAndIssuer, "", subject, issuerThumbprint);

    /// <summary>The binding table's key: <c>sha256:&lt;hex&gt;</c> or <c>issuer:&lt;hex&gt;/subject:&lt;dn&gt;</c>.</summary>
    public string Text => Match == CertificateMatch.Thumbprint ? "sha256:" + Thumbprint : "issuer:" + IssuerThumbprint + "/subject:" + Subject;

    public void Write(ref WireWriter w) { w.U8((byte)Match); w.String(Thumbprint, ThumbprintChars); w.String(Subject, MaxSubjectChars); w.String(IssuerThumbprint, ThumbprintChars); }
    public static CertificateKey Read(ref WireReader r) => new((CertificateMatch)r.U8(), r.String(ThumbprintChars), r.String(MaxSubjectChars), r.String(ThumbprintChars));
    public static int MaxEncodedBytes => 1 + 2 * Wire.MaxStringBytes(ThumbprintChars) + Wire.MaxStringBytes(MaxSubjectChars);

    /// <summary>The first thing wrong with the key's shape, or Ok.</summary>
    public CertificateBindingResult Check()
    {
        switch (Match)
        {
            case CertificateMatch.Thumbprint:
                if (!IsThumbprint(Thumbprint)) return CertificateBindingResult.ThumbprintInvalid;
                if (Subject.Length != 0 || IssuerThumbprint.Length != 0) return CertificateBindingResult.MatchInvalid;
                return CertificateBindingResult.Ok;
            case CertificateMatch.SubjectAndIssuer:
                if (Thumbprint.Length != 0) return CertificateBindingResult.MatchInvalid;
                if (!IsSubject(Subject)) return CertificateBindingResult.SubjectInvalid;
                if (!IsThumbprint(IssuerThumbprint)) return CertificateBindingResult.IssuerThumbprintInvalid;
                return CertificateBindingResult.Ok;
            default:
                return CertificateBindingResult.MatchInvalid;
        }
    }

    /// <summary>64 lowercase hex digits.</summary>
    public static bool IsThumbprint(string s)
    {
        if (s.Length != ThumbprintChars) return false;
        foreach (char c in s) if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        return true;
    }

    /// <summary>A distinguished name as .NET prints it: 1…512 characters, no control characters.</summary>
    public static bool IsSubject(string s)
    {
        if (s.Length == 0 || s.Length > MaxSubjectChars || s.Trim().Length != s.Length) return false;
        foreach (char c in s) if (char.IsControl(c)) return false;
        return true;
    }
}

/// <summary>
/// One certificate binding: the key, who it speaks for, who bound it and when, and its revocation. Kept after revocation
/// (audit, and so a revoked key cannot be bound again).
/// </summary>
public sealed record CertificateBinding(
    CertificateKey Key, CertificatePrincipal Principal, ulong PrincipalId, ulong BoundAtNs, uint BoundBy,
    CertificateBindingStatus Status = CertificateBindingStatus.Active, ulong RevokedAtNs = 0, uint RevokedBy = 0);

/// <summary>
/// Operator: bind a client certificate to a participant (system operator or administrator) or to an operator user
/// (administrator only). The acting operator user is the command header's actor.
/// </summary>
public readonly record struct BindCertificate(CertificateKey Key, CertificatePrincipal Principal, ulong PrincipalId) : IExchangeItem<BindCertificate>
{
    public static int MaxEncodedBytes => CertificateKey.MaxEncodedBytes + 1 + 8;
    public void Write(ref WireWriter w) { Key.Write(ref w); w.U8((byte)Principal); w.U64(PrincipalId); }
    public static BindCertificate Read(ref WireReader r) => new(CertificateKey.Read(ref r), (CertificatePrincipal)r.U8(), r.U64());
}

/// <summary>Operator: revoke a binding (or deny one certificate by thumbprint, bound or not). Takes effect at once and for good.</summary>
public readonly record struct RevokeCertificate(CertificateKey Key) : IExchangeItem<RevokeCertificate>
{
    public static int MaxEncodedBytes => CertificateKey.MaxEncodedBytes;
    public void Write(ref WireWriter w) => Key.Write(ref w);
    public static RevokeCertificate Read(ref WireReader r) => new(CertificateKey.Read(ref r));
}

/// <summary>Outcome of one BindCertificate or RevokeCertificate item, in order of precedence (the first failing check answers).</summary>
public enum CertificateBindingResult : byte
{
    Ok = 0,
    /// <summary>The actor is not an active operator user of role operator or administrator (administrator for an operator-user binding).</summary>
    ActorNotAuthorised = 1,
    /// <summary>Unknown match kind, or fields of the other kind filled.</summary>
    MatchInvalid = 2,
    ThumbprintInvalid = 3,
    SubjectInvalid = 4,
    IssuerThumbprintInvalid = 5,
    /// <summary>Bind: principal kind unknown or none, or the operator's own participant id.</summary>
    PrincipalInvalid = 6,
    ParticipantNotFound = 7,
    OperatorUserNotFound = 8,
    /// <summary>Bind: this key was revoked; revocation is final.</summary>
    CertificateRevoked = 9,
    /// <summary>Bind: this key is already bound to someone else.</summary>
    BoundToAnother = 10,
    TooManyBindings = 11,
    /// <summary>Revoke: no subject binding with this key (a thumbprint may be revoked without a binding).</summary>
    BindingNotFound = 12,
}

/// <summary>
/// Client-certificate bindings (SWIFTNet PKI / T2 ESMIG style): which certificate acts as which participant or operator
/// user. Changed only by journaled operator commands (315 bind, 316 revoke), so replay rebuilds them exactly; the
/// server reads them to authenticate mutual-TLS requests (<see cref="Resolve"/>).
/// </summary>
public sealed class CertificateBindings(SettlementState settlement, ComplianceState compliance)
{
    public const int MaxBindings = 100_000;
    private const int SnapshotVersion = 1;

    private readonly SortedDictionary<string, CertificateBinding> _bindings = new(StringComparer.Ordinal);

    public int Count => _bindings.Count;

    /// <summary>Every binding (active and revoked) in key order.</summary>
    public IReadOnlyCollection<CertificateBinding> All => _bindings.Values;

    public static bool Handles(Operation operation) => operation is Operation.BindCertificate or Operation.RevokeCertificate;

    public CommandReply Apply(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        var errors = new List<ItemResult>();
        uint actor = command.Actor;
        clock = command.Operation switch
        {
            Operation.BindCertificate => Each<BindCertificate>(payload, command.Count, clock, errors, (c, now) => (byte)Bind(actor, c, now)),
            Operation.RevokeCertificate => Each<RevokeCertificate>(payload, command.Count, clock, errors, (c, now) => (byte)Revoke(actor, c, now)),
            _ => throw new InvalidDataException($"operation {(ushort)command.Operation} is not a certificate operation"),
        };
        return new CommandReply(command.Operation, command.Count, errors.Count == 0 ? CommandReply.NoErrors : errors.ToArray());
    }

    /// <summary>Applies each item at the next nanosecond of engine time, noting non-Ok results; returns the clock after the last.</summary>
    private static ulong Each<T>(ReadOnlySpan<byte> payload, int count, ulong clock, List<ItemResult> errors, Func<T, ulong, byte> apply) where T : IExchangeItem<T>
    {
        T[] items = ExchangeCommands.Decode<T>(payload, count);
        for (int i = 0; i < items.Length; i++)
        {
            byte code = apply(items[i], ++clock);
            if (code != 0) errors.Add(new ItemResult(i, code));
        }
        return clock;
    }

    private CertificateBindingResult Bind(uint actor, BindCertificate c, ulong now)
    {
        if (!ActorMay(actor, administratorOnly: c.Principal == CertificatePrincipal.OperatorUser)) return CertificateBindingResult.ActorNotAuthorised;
        CertificateBindingResult shape = c.Key.Check();
        if (shape != CertificateBindingResult.Ok) return shape;
        switch (c.Principal)
        {
            case CertificatePrincipal.Participant:
                if (c.PrincipalId is 0 or ulong.MaxValue) return CertificateBindingResult.PrincipalInvalid;
                if (settlement.GetParticipant(c.PrincipalId) is null) return CertificateBindingResult.ParticipantNotFound;
                break;
            case CertificatePrincipal.OperatorUser:
                if (c.PrincipalId is 0 or > uint.MaxValue) return CertificateBindingResult.PrincipalInvalid;
                if (!compliance.TryGetOperator(c.PrincipalId, out _)) return CertificateBindingResult.OperatorUserNotFound;
                break;
            default:
                return CertificateBindingResult.PrincipalInvalid;
        }
        string key = c.Key.Text;
        if (_bindings.TryGetValue(key, out CertificateBinding? existing))
        {
            if (existing.Status == CertificateBindingStatus.Revoked) return CertificateBindingResult.CertificateRevoked;
            return existing.Principal == c.Principal && existing.PrincipalId == c.PrincipalId ? CertificateBindingResult.Ok : CertificateBindingResult.BoundToAnother;
        }
        if (_bindings.Count >= MaxBindings) return CertificateBindingResult.TooManyBindings;
        _bindings.Add(key, new CertificateBinding(c.Key, c.Principal, c.PrincipalId, now, actor));
        return CertificateBindingResult.Ok;
    }

    private CertificateBindingResult Revoke(uint actor, RevokeCertificate c, ulong now)
    {
        if (!ActorMay(actor, administratorOnly: false)) return CertificateBindingResult.ActorNotAuthorised;
        CertificateBindingResult shape = c.Key.Check();
        if (shape != CertificateBindingResult.Ok) return shape;
        string key = c.Key.Text;
        if (_bindings.TryGetValue(key, out CertificateBinding? existing))
        {
            if (existing.Status == CertificateBindingStatus.Active)
                _bindings[key] = existing with { Status = CertificateBindingStatus.Revoked, RevokedAtNs = now, RevokedBy = actor };
            return CertificateBindingResult.Ok;
        }
        if (c.Key.Match != CertificateMatch.Thumbprint) return CertificateBindingResult.BindingNotFound;
        if (_bindings.Count >= MaxBindings) return CertificateBindingResult.TooManyBindings;
        _bindings.Add(key, new CertificateBinding(c.Key, CertificatePrincipal.None, 0, now, actor, CertificateBindingStatus.Revoked, now, actor));
        return CertificateBindingResult.Ok;
    }

    private bool ActorMay(uint actor, bool administratorOnly)
    {
        if (actor == 0 || !compliance.TryGetOperator(actor, out OperatorUser user) || user.Status != OperatorUserStatus.Active) return false;
        return administratorOnly ? user.Role == OperatorRole.Administrator : user.Role is OperatorRole.Operator or OperatorRole.Administrator;
    }

    public bool TryGet(CertificateKey key, out CertificateBinding binding) => _bindings.TryGetValue(key.Text, out binding!);

    /// <summary>
    /// The binding that decides a presented certificate: its thumbprint's entry when there is one (bound or revoked), else the
    /// entry of its subject under its issuing CA, else null (unbound). The caller refuses a revoked one.
    /// </summary>
    public static CertificateBinding? Resolve(IReadOnlyDictionary<string, CertificateBinding> bindings, string thumbprint, string subject, string issuerThumbprint)
    {
        if (bindings.TryGetValue(CertificateKey.OfThumbprint(thumbprint).Text, out CertificateBinding? exact)) return exact;
        return bindings.TryGetValue(CertificateKey.OfSubject(subject, issuerThumbprint).Text, out CertificateBinding? bySubject) ? bySubject : null;
    }

    /// <summary>A copy of the table for the server's authentication (read without the engine thread).</summary>
    public Dictionary<string, CertificateBinding> CopyTable() => new(_bindings, StringComparer.Ordinal);

    /// <summary>Audit text of one item of a bind or revoke command.</summary>
    internal static (string Subject, string Detail) Describe(BindCertificate c) =>
        ("certificate " + c.Key.Text, "bind to " + c.Principal.ToString().ToLowerInvariant() + " " + c.PrincipalId.ToString(CultureInfo.InvariantCulture));

    internal static (string Subject, string Detail) Describe(RevokeCertificate c) => ("certificate " + c.Key.Text, "revoke");

    // ───────────────────────────── hashing and snapshots ─────────────────────────────

    public void HashInto(XxHash128 hash)
    {
        using var stream = new HashingStream(hash);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        WriteSnapshot(w);
    }

    public void WriteSnapshot(BinaryWriter w)
    {
        w.Write(SnapshotVersion);
        w.Write(_bindings.Count);
        foreach (CertificateBinding b in _bindings.Values)
        {
            w.Write((byte)b.Key.Match); w.Write(b.Key.Thumbprint); w.Write(b.Key.Subject); w.Write(b.Key.IssuerThumbprint);
            w.Write((byte)b.Principal); w.Write(b.PrincipalId); w.Write(b.BoundAtNs); w.Write(b.BoundBy);
            w.Write((byte)b.Status); w.Write(b.RevokedAtNs); w.Write(b.RevokedBy);
        }
    }

    public void ReadSnapshot(BinaryReader r)
    {
        if (_bindings.Count != 0) throw new InvalidOperationException("certificate snapshot must be read into an empty state");
        int version = r.ReadInt32();
        if (version != SnapshotVersion) throw new InvalidDataException($"certificate snapshot version {version} is not supported (expected {SnapshotVersion})");
        int count = r.ReadInt32();
        if ((uint)count > MaxBindings) throw new InvalidDataException($"certificate snapshot holds {count} bindings, at most {MaxBindings}");
        for (int i = 0; i < count; i++)
        {
            var key = new CertificateKey((CertificateMatch)r.ReadByte(), r.ReadString(), r.ReadString(), r.ReadString());
            if (key.Check() != CertificateBindingResult.Ok) throw new InvalidDataException($"certificate snapshot binding {i} has a malformed key");
            var binding = new CertificateBinding(key, (CertificatePrincipal)r.ReadByte(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt32(),
                (CertificateBindingStatus)r.ReadByte(), r.ReadUInt64(), r.ReadUInt32());
            if (!_bindings.TryAdd(key.Text, binding)) throw new InvalidDataException($"certificate snapshot repeats binding {key.Text}");
        }
    }
}
