using System.IO.Hashing;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;

namespace Corridor.Core.Federation;

/// <summary>Which side of a cross-node payment this node is: the source (payer's bank here) or the destination (payee's).</summary>
public enum CrossNodeRole : byte { Outbound = 1, Inbound = 2 }

/// <summary>
/// Where a cross-node payment stands on this node. Source: held for compliance → prepared (payer's funds held, the peer
/// asked) → settled (the peer settled; the hold posted) or refused (here, or by the peer; the hold voided). Destination:
/// held for compliance → settled (provider → payee posted) or refused. Settled and refused are final.
/// </summary>
public enum CrossNodeStatus : byte { Held = 1, Prepared = 2, Settled = 3, Refused = 4 }

/// <summary>A payment between this node and a peer, as this node recorded it (docs/federation.md).</summary>
public sealed class CrossNodePayment
{
    public required CrossNodeRole Role { get; init; }
    /// <summary>Source: the payer's id for it. Destination: the UETR's 128 bits (<see cref="FederationState.IdOf"/>).</summary>
    public required UInt128 PaymentId { get; init; }
    public required uint Peer { get; init; }
    public required CrossNodeTerms Terms { get; init; }
    public required ulong ContentHash { get; init; }
    /// <summary>Destination: recorded refused (expired) on a status question, never received; answers its refusal to any later message.</summary>
    public bool Tombstone { get; init; }
    /// <summary>Who pays here: the payer bank (source) or the FX provider (destination).</summary>
    public ulong Debtor { get; internal set; }
    /// <summary>Who is paid here: the FX provider (source) or the payee bank (destination).</summary>
    public ulong Creditor { get; internal set; }
    public uint Ledger { get; internal set; }
    public long AmountMinor { get; internal set; }
    /// <summary>Source: the pending hold payer → provider. Destination: the posted leg provider → payee.</summary>
    public UInt128 TransferId { get; internal set; }
    public CrossNodeStatus Status { get; internal set; }
    public FederationResult Result { get; internal set; }
    /// <summary>Source: the peer's ISO 20022 reason when it refused (empty otherwise).</summary>
    public string PeerReasonCode { get; internal set; } = "";
    public string PeerReason { get; internal set; } = "";
    public ulong SubmittedAtNs { get; internal set; }
    public ulong FinalAtNs { get; internal set; }
}

/// <summary>What a destination answers about one payment (pacs.002): final settled or refused with its ISO reason, or held.</summary>
public sealed record PeerAnswer(string Uetr, CrossNodeStatus Status, string ReasonCode, string Reason)
{
    /// <summary>The decision the source applies (null while the destination still holds it).</summary>
    public PeerDecision? AsDecision(uint peer) => Status switch
    {
        CrossNodeStatus.Settled => new PeerDecision(peer, Uetr, true, "", ""),
        CrossNodeStatus.Refused => new PeerDecision(peer, Uetr, false, ReasonCode, Reason.Length > PeerDecision.MaxReason ? Reason[..PeerDecision.MaxReason] : Reason),
        _ => null,
    };
}

/// <summary>A registered peer node.</summary>
public sealed record PeerInfo(uint Id, string Name, string Url, string CertificateSha256, PeerStatus Status, ulong RegisteredAtNs);

/// <summary>
/// Federation of sovereign nodes (operations 400–409): peers, and cross-node payments on both sides of the protocol of
/// ../shared/design/FEDERATION.md — the destination decides once and forever; the source holds the payer's funds until it
/// hears the decision and never voids on its own. Every step is a journaled command, so a crash anywhere replays to the same
/// state, and every message is idempotent by its UETR. The source's leg is payer → FX provider in its currency, the
/// destination's FX provider → payee in its own, against a quote the provider published on the destination node.
/// </summary>
public sealed class FederationState
{
    public const int MaxPeers = 256;
    public const int MaxPayments = 16_000_000;
    /// <summary>Longest expiry T a source may give (from its engine time).</summary>
    public const uint MaxExpirySeconds = 24 * 3600;
    /// <summary>Transfer codes: the source's hold (pending, then posted or voided) and the destination's leg.</summary>
    public const ushort HoldCode = 401, DestinationLegCode = 402;
    private const byte HoldTag = 11, PostTag = 12, VoidTag = 13, LegTag = 14;
    /// <summary>2: each payment's kind (customer, institution) after its terms; 1 (read): customer payments only.</summary>
    private const int SnapshotVersion = 2;

    private readonly LedgerState _ledger;
    private readonly List<PeerInfo> _peers = new();
    private readonly Dictionary<uint, int> _peerIndex = new();
    private readonly List<CrossNodePayment> _payments = new();
    private readonly Dictionary<UInt128, CrossNodePayment> _byId = new();
    private readonly Dictionary<(uint Peer, string Uetr), CrossNodePayment> _outboundByUetr = new();
    /// <summary>Per peer, its payments in the order they became final (settled or refused). Derived from the state, not hashed.</summary>
    private readonly Dictionary<uint, List<CrossNodePayment>> _finalByPeer = new();
    private readonly List<ItemResult> _errors = new();
    private readonly List<TransferError> _transferErrors = new();
    private readonly Transfer[] _one = new Transfer[1];

    public FederationState(LedgerState ledger) => _ledger = ledger;

    internal SettlementState? Settlement { get; set; }
    internal ExchangeState? Exchange { get; set; }
    internal ComplianceState? Compliance { get; set; }

    public static bool Handles(Operation operation) => operation is >= Operation.RegisterPeer and <= Operation.ReceiveInstitutionFromPeer;

    public IReadOnlyList<PeerInfo> Peers => _peers;
    public IReadOnlyList<CrossNodePayment> Payments => _payments;
    public bool TryGetPeer(uint id, out PeerInfo peer)
    {
        bool found = _peerIndex.TryGetValue(id, out int i);
        peer = found ? _peers[i] : null!;
        return found;
    }

    public bool TryGetPayment(UInt128 id, out CrossNodePayment payment) => _byId.TryGetValue(id, out payment!);

    /// <summary>
    /// The payments with <paramref name="peer"/> (sent and received) in the order they became final: a reader that keeps its
    /// position sees each one once, as it settles or is refused (GET /v1/federation/payments?order=final).
    /// </summary>
    public IReadOnlyList<CrossNodePayment> FinalWith(uint peer) => _finalByPeer.TryGetValue(peer, out List<CrossNodePayment>? list) ? list : [];

    private void Finalized(CrossNodePayment p)
    {
        if (!_finalByPeer.TryGetValue(p.Peer, out List<CrossNodePayment>? list)) _finalByPeer[p.Peer] = list = new List<CrossNodePayment>();
        list.Add(p);
    }

    /// <summary>The source's payment to <paramref name="peer"/> named <paramref name="uetr"/>.</summary>
    public bool TryGetOutbound(uint peer, string uetr, out CrossNodePayment payment) => _outboundByUetr.TryGetValue((peer, uetr), out payment!);

    /// <summary>The destination's payment named <paramref name="uetr"/> (any peer).</summary>
    public bool TryGetInbound(string uetr, out CrossNodePayment payment) =>
        TryParseUetr(uetr, out UInt128 id) & _byId.TryGetValue(id, out payment!) && payment.Role == CrossNodeRole.Inbound;

    /// <summary>
    /// The destination's answer to peer <paramref name="peer"/> about <paramref name="uetr"/>, as its pacs.002 carries it:
    /// settled (ACSC), refused with an ISO 20022 reason (RJCT), held for compliance (PDNG), or null when never received.
    /// The same answer forever once final (the record never changes after it).
    /// </summary>
    public PeerAnswer? AnswerFor(uint peer, string uetr)
    {
        if (!TryGetInbound(uetr, out CrossNodePayment p) || p.Peer != peer) return null;
        return p.Status switch
        {
            CrossNodeStatus.Settled => new PeerAnswer(uetr, CrossNodeStatus.Settled, "", ""),
            CrossNodeStatus.Held => new PeerAnswer(uetr, CrossNodeStatus.Held, "NARR", "held for review by the destination's compliance officer"),
            _ => new PeerAnswer(uetr, CrossNodeStatus.Refused, ReasonCodeOf(p), p.Result.ToString()),
        };
    }

    /// <summary>The ISO 20022 status reason of a destination's refusal (ExternalStatusReason1Code).</summary>
    private string ReasonCodeOf(CrossNodePayment p) => p.Result switch
    {
        FederationResult.Expired => "AB05",                                 // timeout at the creditor agent
        FederationResult.RejectedByCompliance => Compliance is not null && Compliance.TryGetPayment(p.PaymentId, out PaymentCompliance c)
            && c.Decision.Iso20022Reason is { } code ? code : "RR04",
        FederationResult.RejectedByOperator => "RR04",                      // regulatory reason
        FederationResult.QuoteNotFound or FederationResult.QuoteNotValid or FederationResult.QuoteCurrencyMismatch => "CURR",
        FederationResult.OutsideQuoteSize or FederationResult.AmountNotAtQuotedRate => "AM09", // wrong amount
        FederationResult.ProviderInsufficientLiquidity => "AM04",
        FederationResult.PayeeNotFound or FederationResult.PayeeHasNoAccountInLedger => "AGNT",
        FederationResult.DayNotOpen or FederationResult.AfterCustomerCutoff or FederationResult.AfterInterbankCutoff => "CUTA",
        FederationResult.PaymentExistsWithDifferentContent => "DUPL",
        _ => "NARR",
    };

    /// <summary>Source payments waiting for their peer's decision, oldest first: the link sends (or asks after) each.</summary>
    public IEnumerable<CrossNodePayment> AwaitingPeer()
    {
        // Payments before the first one still open are final (or received): skip them. Not state: a cache rebuilt from it.
        int first = _firstOpen;
        while (first < _payments.Count && !IsOpenOutbound(_payments[first])) first++;
        _firstOpen = first;
        for (int i = first; i < _payments.Count; i++)
            if (_payments[i] is { Role: CrossNodeRole.Outbound, Status: CrossNodeStatus.Prepared } p) yield return p;
    }

    private static bool IsOpenOutbound(CrossNodePayment p) => p.Role == CrossNodeRole.Outbound && p.Status is CrossNodeStatus.Prepared or CrossNodeStatus.Held;

    /// <summary>Index of the first payment that may still be open on the source (all before it are final or inbound).</summary>
    private int _firstOpen;

    /// <summary>The id a destination node gives a payment: the UETR's 128 bits (a UUID is 16 bytes; one id space with RTGS and PvP).</summary>
    public static UInt128 IdOf(string uetr) => TryParseUetr(uetr, out UInt128 id) ? id : throw new ArgumentException($"'{uetr}' is not a UETR", nameof(uetr));

    private static bool TryParseUetr(string uetr, out UInt128 id)
    {
        id = UInt128.Zero;
        if (uetr.Length != CrossNodeTerms.UetrChars || uetr[14] != '4' || !Guid.TryParseExact(uetr, "D", out Guid g)) return false;
        foreach (char c in uetr) if (c is >= 'A' and <= 'F') return false; // lower case only: one text per UETR
        Span<byte> bytes = stackalloc byte[16];
        g.TryWriteBytes(bytes, bigEndian: true, out _);
        id = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return id != UInt128.Zero;
    }

    // ───────────────────────────── apply ─────────────────────────────

    public CommandReply Apply(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        _errors.Clear();
        switch (command.Operation)
        {
            case Operation.RegisterPeer:
            {
                RegisterPeer[] items = ExchangeCommands.Decode<RegisterPeer>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) Note(i, Register(items[i], ++clock));
                break;
            }
            case Operation.SendToPeer:
            {
                SendToPeer[] items = ExchangeCommands.Decode<SendToPeer>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(i, Send(items[i], ref clock)); }
                break;
            }
            case Operation.SendInstitutionToPeer:
            {
                SendInstitutionToPeer[] items = ExchangeCommands.Decode<SendInstitutionToPeer>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(i, Send(items[i].Send, ref clock)); }
                break;
            }
            case Operation.ReceiveFromPeer:
            {
                ReceiveFromPeer[] items = ExchangeCommands.Decode<ReceiveFromPeer>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(i, Receive(items[i], ref clock)); }
                break;
            }
            case Operation.ReceiveInstitutionFromPeer:
            {
                ReceiveInstitutionFromPeer[] items = ExchangeCommands.Decode<ReceiveInstitutionFromPeer>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(i, Receive(items[i].Receive, ref clock)); }
                break;
            }
            case Operation.PeerDecision:
            {
                PeerDecision[] items = ExchangeCommands.Decode<PeerDecision>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(i, Decide(items[i], ref clock)); }
                break;
            }
            case Operation.ExpireUnknown:
            {
                ExpireUnknown[] items = ExchangeCommands.Decode<ExpireUnknown>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) Note(i, Expire(items[i], ++clock));
                break;
            }
            default:
                throw new InvalidDataException($"operation {(ushort)command.Operation} is not a federation operation");
        }
        return new CommandReply(command.Operation, command.Count, _errors.Count == 0 ? CommandReply.NoErrors : _errors.ToArray());
    }

    private void Note(int index, FederationResult result)
    {
        if (result != FederationResult.Ok) _errors.Add(new ItemResult(index, (ushort)result));
    }

    // ───────────────────────────── peers ─────────────────────────────

    private FederationResult Register(RegisterPeer p, ulong now)
    {
        if (p.PeerId == 0) return FederationResult.PeerIdMustNotBeZero;
        if (string.IsNullOrWhiteSpace(p.Name) || p.Name.Length > RegisterPeer.MaxName || p.Name.Any(char.IsControl)) return FederationResult.PeerNameInvalid;
        if (!Uri.TryCreate(p.Url, UriKind.Absolute, out Uri? url) || url.Scheme is not ("https" or "http") || p.Url.Length > RegisterPeer.MaxUrl)
            return FederationResult.PeerUrlInvalid;
        if (p.CertificateSha256.Length != RegisterPeer.FingerprintChars || !p.CertificateSha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            return FederationResult.PeerFingerprintInvalid;
        if (p.Status is not (PeerStatus.Active or PeerStatus.Suspended)) return FederationResult.PeerStatusInvalid;
        var info = new PeerInfo(p.PeerId, p.Name, p.Url, p.CertificateSha256, p.Status, now);
        if (_peerIndex.TryGetValue(p.PeerId, out int i)) { _peers[i] = info with { RegisteredAtNs = _peers[i].RegisteredAtNs }; return FederationResult.Ok; }
        if (_peers.Count >= MaxPeers) return FederationResult.TooManyPeers;
        _peerIndex.Add(p.PeerId, _peers.Count);
        _peers.Add(info);
        return FederationResult.Ok;
    }

    private FederationResult PeerAllows(uint peer) =>
        !_peerIndex.TryGetValue(peer, out int i) ? FederationResult.PeerNotFound
        : _peers[i].Status != PeerStatus.Active ? FederationResult.PeerNotActive : FederationResult.Ok;

    // ───────────────────────────── content ─────────────────────────────

    private static FederationResult Content(CrossNodeTerms t)
    {
        if (!TryParseUetr(t.Uetr, out _)) return FederationResult.UetrInvalid;
        if (t.SourceAmountMinor <= 0 || t.DestinationAmountMinor <= 0) return FederationResult.AmountMustBePositive;
        if (!IsCurrency(t.SourceCurrency) || !IsCurrency(t.DestinationCurrency) || t.SourceCurrency == t.DestinationCurrency) return FederationResult.CurrencyInvalid;
        if (t.Kind == CrossNodeKind.Institution)
        {
            // The two banks are the parties, named by their BICs (the source checks the originator is the payer's own BIC).
            if (t.Originator.IdScheme != PartyIdScheme.Bic || t.Originator.Identifier.Length is not (8 or 11)) return FederationResult.OriginatorNotPayerInstitution;
            if (t.Beneficiary.IdScheme != PartyIdScheme.Bic || t.Beneficiary.Identifier != t.PayeeBic) return FederationResult.BeneficiaryNotPayeeInstitution;
            if (HasTrade(t.Trade)) return FederationResult.TradeReferenceNotAllowed;
        }
        return FederationResult.Ok;
    }

    private static bool HasTrade(TradeReference t) =>
        t.InvoiceNumber.Length + t.ContractReference.Length + t.LetterOfCreditReference.Length + t.GoodsDescription.Length + t.HsCode.Length
        + t.IncotermsPlace.Length > 0 || t.InvoiceDate != 0 || t.Incoterms != Incoterms.None;

    private static bool IsCurrency(string code) => code.Length == 3 && code.All(c => c is >= 'A' and <= 'Z');

    /// <summary>The content hash of a command item; an institution transfer's differs from a customer payment's with the same encoding.</summary>
    private static ulong Hash<T>(T item, CrossNodeKind kind) where T : IExchangeItem<T>
    {
        byte[] buffer = new byte[T.MaxEncodedBytes];
        var w = new WireWriter(buffer);
        item.Write(ref w);
        return XxHash3.HashToUInt64(buffer.AsSpan(0, w.Written), seed: kind == CrossNodeKind.Institution ? (long)CrossNodeKind.Institution : 0);
    }

    /// <summary>True when another payment (RTGS, PvP or cross-node) already has this id: one id space on a node.</summary>
    private bool IdTaken(UInt128 id) =>
        _byId.ContainsKey(id) || (Settlement?.HasPayment(id) ?? false) || (Exchange?.TryGetPayment(id, out _) ?? false)
        || (Compliance?.TryGetPayment(id, out _) ?? false);

    private CrossNodePayment Add(CrossNodePayment p)
    {
        _payments.Add(p);
        _byId.Add(p.PaymentId, p);
        if (p.Role == CrossNodeRole.Outbound) _outboundByUetr.Add((p.Peer, p.Terms.Uetr), p);
        return p;
    }

    private static FederationResult DayResult(SettlementResult r) => r switch
    {
        SettlementResult.Ok => FederationResult.Ok,
        SettlementResult.AfterCustomerCutoff => FederationResult.AfterCustomerCutoff,
        SettlementResult.AfterInterbankCutoff => FederationResult.AfterInterbankCutoff,
        _ => FederationResult.DayNotOpen,
    };

    /// <summary>
    /// This node's compliance over the payment (travel rule, its watch lists, its rules) before anything moves: pass, hold
    /// (the officer decides: <see cref="ReleaseHeld"/>, <see cref="RejectHeld"/>) or reject.
    /// </summary>
    private FederationResult Screen(CrossNodePayment p, ulong now)
    {
        if (Compliance is null) return FederationResult.Ok;
        CrossNodeTerms t = p.Terms;
        var facts = new PaymentFacts(p.Debtor, p.Creditor, t.Originator.Country, t.Beneficiary.Country,
            t.SourceCurrency, t.SourceAmountMinor, t.DestinationCurrency, t.DestinationAmountMinor);
        var screened = new PayAgainstLock(p.PaymentId, ExchangeTransfers.Derive(p.PaymentId, HoldTag), p.Debtor, t.Originator, t.Beneficiary, t.Trade);
        return Compliance.ScreenPayment(screened, facts, now) switch
        {
            ComplianceOutcome.Reject => FederationResult.RejectedByCompliance,
            ComplianceOutcome.Hold => FederationResult.HeldForCompliance,
            _ => FederationResult.Ok,
        };
    }

    private FederationResult Finish(CrossNodePayment p, FederationResult result, ulong now)
    {
        p.Result = result;
        p.Status = result switch
        {
            FederationResult.Ok => p.Role == CrossNodeRole.Outbound ? CrossNodeStatus.Prepared : CrossNodeStatus.Settled,
            FederationResult.HeldForCompliance => CrossNodeStatus.Held,
            _ => CrossNodeStatus.Refused,
        };
        if (p.Status is CrossNodeStatus.Settled or CrossNodeStatus.Refused) { p.FinalAtNs = now; Finalized(p); }
        return result;
    }

    private CreateTransferResult Ledger(Transfer t, ref ulong clock)
    {
        _one[0] = t;
        _transferErrors.Clear();
        _ledger.CreateTransfers(_one, ref clock, _transferErrors);
        if (_transferErrors.Count != 0) return _transferErrors[0].Result;
        Settlement?.OnLedgerTransfers(_one, ref clock); // a credited settlement account re-tries its RTGS queue
        return CreateTransferResult.Ok;
    }

    // ───────────────────────────── source (steps 1 and 6) ─────────────────────────────

    private FederationResult Send(SendToPeer s, ref ulong clock)
    {
        if (s.PaymentId == UInt128.Zero || s.PaymentId == UInt128.MaxValue) return FederationResult.PaymentIdInvalid;
        FederationResult content = Content(s.Terms);
        if (content != FederationResult.Ok) return content;
        if (s.ExpirySeconds == 0 || s.ExpirySeconds > MaxExpirySeconds) return FederationResult.ExpiryOutOfRange;
        // T is fixed from engine time: the journaled item carries the seconds, so replay computes the same T.
        ulong hash = Hash(s with { Terms = s.Terms with { ExpiresAtNs = 0 } }, s.Terms.Kind);
        if (_byId.TryGetValue(s.PaymentId, out CrossNodePayment? existing))
            return existing.Role == CrossNodeRole.Outbound && existing.ContentHash == hash ? existing.Result : FederationResult.PaymentExistsWithDifferentContent;
        if (IdTaken(s.PaymentId) || _outboundByUetr.ContainsKey((s.Peer, s.Terms.Uetr))) return FederationResult.PaymentExistsWithDifferentContent;
        // An institution transfer's originator is the payer bank itself: no bank sends in another's name.
        if (s.Terms.Kind == CrossNodeKind.Institution && (Settlement?.GetParticipant(s.Payer) is not { } payerInfo || payerInfo.Bic != s.Terms.Originator.Identifier))
            return FederationResult.OriginatorNotPayerInstitution;
        FederationResult peer = PeerAllows(s.Peer);
        if (peer != FederationResult.Ok) return peer;
        if (_payments.Count >= MaxPayments) return FederationResult.TooManyPayments;

        var p = Add(new CrossNodePayment
        {
            Role = CrossNodeRole.Outbound, PaymentId = s.PaymentId, Peer = s.Peer, ContentHash = hash,
            Terms = s.Terms with { ExpiresAtNs = clock + (ulong)s.ExpirySeconds * 1_000_000_000 },
            Debtor = s.Payer, Creditor = s.Provider, Ledger = s.Ledger, AmountMinor = s.Terms.SourceAmountMinor, SubmittedAtNs = clock,
        });
        return Finish(p, Prepare(p, screen: true, ref clock), clock);
    }

    /// <summary>Step 1: the lifecycle's rules, then the payer's funds held (pending payer → provider, no ledger timeout).</summary>
    private FederationResult Prepare(CrossNodePayment p, bool screen, ref ulong clock)
    {
        if (Settlement is null) return FederationResult.PayerHasNoAccountInLedger;
        SettlementResult payer = Settlement.ActiveAccountOf(p.Debtor, p.Ledger, out UInt128 payerAccount);
        if (payer == SettlementResult.PayerNotActive) return FederationResult.PayerNotActive;
        if (payer != SettlementResult.Ok) return FederationResult.PayerHasNoAccountInLedger;
        if (Settlement.ActiveAccountOf(p.Creditor, p.Ledger, out UInt128 providerAccount) != SettlementResult.Ok) return FederationResult.ProviderHasNoAccountInLedger;
        if (Settlement.CurrencyOf(p.Ledger) != p.Terms.SourceCurrency) return FederationResult.SourceCurrencyMismatch;
        FederationResult day = DayResult(Settlement.DayAdmits(p.Terms.DayKind, crossCurrency: true));
        if (day != FederationResult.Ok) return day;
        if (screen)
        {
            FederationResult screened = Screen(p, clock);
            if (screened != FederationResult.Ok) return screened;
        }
        p.TransferId = ExchangeTransfers.Derive(p.PaymentId, HoldTag);
        CreateTransferResult held = Ledger(new Transfer
        {
            Id = p.TransferId, DebitAccountId = payerAccount, CreditAccountId = providerAccount, Amount = p.AmountMinor, Ledger = p.Ledger,
            Code = HoldCode, Flags = TransferFlags.Pending, UserData128 = p.PaymentId,
        }, ref clock);
        return held switch
        {
            CreateTransferResult.Ok => FederationResult.Ok,
            CreateTransferResult.ExceedsCredits => FederationResult.InsufficientFunds,
            _ => throw new InvalidOperationException($"federation invariant broken: hold of {p.PaymentId} refused by the ledger: {held}"),
        };
    }

    /// <summary>Step 6: the destination's answer. Settled posts the hold, refused voids it; a repeated answer changes nothing.</summary>
    private FederationResult Decide(PeerDecision d, ref ulong clock)
    {
        if (!TryParseUetr(d.Uetr, out _)) return FederationResult.UetrInvalid;
        if (!_outboundByUetr.TryGetValue((d.Peer, d.Uetr), out CrossNodePayment? p))
            return _byId.ContainsKey(TryParseUetr(d.Uetr, out UInt128 id) ? id : 0) ? FederationResult.NotThisPeersPayment : FederationResult.PaymentNotFound;
        switch (p.Status)
        {
            case CrossNodeStatus.Settled: return d.Settled ? FederationResult.Ok : FederationResult.DecisionConflicts;
            case CrossNodeStatus.Refused: return !d.Settled && p.PeerReasonCode.Length != 0 ? FederationResult.Ok : FederationResult.DecisionConflicts;
            case CrossNodeStatus.Held: return FederationResult.DecisionConflicts; // never sent
        }
        CreateTransferResult r = Ledger(new Transfer
        {
            Id = ExchangeTransfers.Derive(p.PaymentId, d.Settled ? PostTag : VoidTag), PendingId = p.TransferId,
            Flags = d.Settled ? TransferFlags.PostPendingTransfer : TransferFlags.VoidPendingTransfer, UserData128 = p.PaymentId,
        }, ref clock);
        if (r != CreateTransferResult.Ok) throw new InvalidOperationException($"federation invariant broken: {(d.Settled ? "post" : "void")} of hold {p.PaymentId} refused: {r}");
        p.Status = d.Settled ? CrossNodeStatus.Settled : CrossNodeStatus.Refused;
        p.PeerReasonCode = d.Settled ? "" : (d.ReasonCode.Length == 0 ? "NARR" : d.ReasonCode);
        p.PeerReason = d.Reason;
        p.FinalAtNs = clock;
        Finalized(p);
        return FederationResult.Ok;
    }

    // ───────────────────────────── destination (steps 3–5, 7) ─────────────────────────────

    private FederationResult Receive(ReceiveFromPeer m, ref ulong clock)
    {
        FederationResult content = Content(m.Terms);
        if (content != FederationResult.Ok) return content;
        UInt128 id = IdOf(m.Terms.Uetr);
        ulong hash = Hash(m, m.Terms.Kind);
        if (_byId.TryGetValue(id, out CrossNodePayment? existing))
        {
            if (existing.Role != CrossNodeRole.Inbound || existing.Peer != m.Peer) return FederationResult.PaymentExistsWithDifferentContent;
            return existing.Tombstone || existing.ContentHash == hash ? existing.Result : FederationResult.PaymentExistsWithDifferentContent;
        }
        if (IdTaken(id)) return FederationResult.PaymentExistsWithDifferentContent;
        if (!_peerIndex.ContainsKey(m.Peer)) return FederationResult.PeerNotFound;
        if (_payments.Count >= MaxPayments) return FederationResult.TooManyPayments;

        // Recorded before anything else: from here the answer for this UETR is this record's, forever.
        var p = Add(new CrossNodePayment
        {
            Role = CrossNodeRole.Inbound, PaymentId = id, Peer = m.Peer, ContentHash = hash, Terms = m.Terms,
            AmountMinor = m.Terms.DestinationAmountMinor, SubmittedAtNs = clock,
        });
        return Finish(p, Admit(p, ref clock), clock);
    }

    /// <summary>Step 4: expiry, the peer, the provider's quote, the payee, the day, this node's compliance, then the leg.</summary>
    private FederationResult Admit(CrossNodePayment p, ref ulong clock)
    {
        CrossNodeTerms t = p.Terms;
        if (clock >= t.ExpiresAtNs) return FederationResult.Expired;
        FederationResult peer = PeerAllows(p.Peer);
        if (peer != FederationResult.Ok) return peer;
        if (Exchange is null || Settlement is null || !Exchange.TryGetQuote(t.QuoteId, out QuoteRecord q)) return FederationResult.QuoteNotFound;
        if (q.Status != QuoteStatus.Active || clock < q.Quote.ValidFromNs || clock >= q.Quote.ValidUntilNs) return FederationResult.QuoteNotValid;
        if (q.Quote.SourceCurrency != t.SourceCurrency || q.Quote.DestinationCurrency != t.DestinationCurrency
            || Settlement.CurrencyOf(q.DestinationLedger) != t.DestinationCurrency) return FederationResult.QuoteCurrencyMismatch;
        if (t.SourceAmountMinor < q.Quote.MinSourceMinor || t.SourceAmountMinor > q.Quote.MaxSourceMinor) return FederationResult.OutsideQuoteSize;
        if (!ExchangeState.TryConvertAtQuote(q, t.SourceAmountMinor, out long destination) || destination != t.DestinationAmountMinor)
            return FederationResult.AmountNotAtQuotedRate;
        p.Ledger = q.DestinationLedger;
        p.Debtor = q.Quote.Provider;
        // The only account a peer's message may debit: the quoting provider's own settlement account in this node's currency.
        if (Settlement.ActiveAccountOf(p.Debtor, p.Ledger, out UInt128 providerAccount) is var pr && pr != SettlementResult.Ok)
            return pr == SettlementResult.PayerNotActive ? FederationResult.ParticipantNotActive : FederationResult.ProviderHasNoAccountInLedger;
        if (providerAccount != q.Quote.ProviderDestinationAccount) return FederationResult.ProviderHasNoAccountInLedger;
        if (Settlement.FindParticipantByBic(t.PayeeBic) is not { } payee) return FederationResult.PayeeNotFound;
        p.Creditor = payee;
        SettlementResult pe = Settlement.ActiveAccountOf(payee, p.Ledger, out _);
        if (pe == SettlementResult.PayerNotActive) return FederationResult.ParticipantNotActive;
        if (pe != SettlementResult.Ok) return FederationResult.PayeeHasNoAccountInLedger;
        FederationResult day = DayResult(Settlement.DayAdmits(p.Terms.DayKind, crossCurrency: true));
        if (day != FederationResult.Ok) return day;
        FederationResult screened = Screen(p, clock);
        if (screened != FederationResult.Ok) return screened;
        return Pay(p, ref clock);
    }

    /// <summary>The destination's leg: FX provider → payee, posted, in this node's currency.</summary>
    private FederationResult Pay(CrossNodePayment p, ref ulong clock)
    {
        if (Settlement!.ActiveAccountOf(p.Debtor, p.Ledger, out UInt128 from) != SettlementResult.Ok
            || Settlement.ActiveAccountOf(p.Creditor, p.Ledger, out UInt128 to) != SettlementResult.Ok)
            return FederationResult.ParticipantNotActive;
        p.TransferId = ExchangeTransfers.Derive(p.PaymentId, LegTag);
        CreateTransferResult r = Ledger(new Transfer
        {
            Id = p.TransferId, DebitAccountId = from, CreditAccountId = to, Amount = p.AmountMinor, Ledger = p.Ledger,
            Code = DestinationLegCode, UserData128 = p.PaymentId,
        }, ref clock);
        return r switch
        {
            CreateTransferResult.Ok => FederationResult.Ok,
            CreateTransferResult.ExceedsCredits => FederationResult.ProviderInsufficientLiquidity,
            _ => throw new InvalidOperationException($"federation invariant broken: leg of {p.PaymentId} refused by the ledger: {r}"),
        };
    }

    /// <summary>Step 7 at the destination: a question about a UETR never received, after its expiry, records it refused.</summary>
    private FederationResult Expire(ExpireUnknown x, ulong now)
    {
        if (!TryParseUetr(x.Uetr, out UInt128 id)) return FederationResult.UetrInvalid;
        if (_byId.TryGetValue(id, out CrossNodePayment? existing))
            return existing.Role == CrossNodeRole.Inbound && existing.Peer == x.Peer ? FederationResult.Ok : FederationResult.NotThisPeersPayment;
        if (!_peerIndex.ContainsKey(x.Peer)) return FederationResult.PeerNotFound;
        if (now < x.ExpiresAtNs) return FederationResult.NotYetExpired;
        if (IdTaken(id)) return FederationResult.PaymentExistsWithDifferentContent;
        var none = new Party("", "", "", "", "", "", "", "", PartyIdScheme.None, "");
        var terms = new CrossNodeTerms(x.Uetr, 0, "XXX", 0, "XXX", 0, "", x.ExpiresAtNs, none, none,
            TradeReference.None, PaymentReferences.None);
        var p = Add(new CrossNodePayment
        {
            Role = CrossNodeRole.Inbound, PaymentId = id, Peer = x.Peer, ContentHash = 0, Terms = terms, Tombstone = true, SubmittedAtNs = now,
        });
        Finish(p, FederationResult.Expired, now);
        return FederationResult.Ok;
    }

    // ───────────────────────────── compliance decisions ─────────────────────────────

    /// <summary>True when the held payment is a cross-node payment (compliance routes the officer's decision here).</summary>
    internal bool IsHeld(UInt128 paymentId) => _byId.TryGetValue(paymentId, out CrossNodePayment? p) && p.Status == CrossNodeStatus.Held;

    /// <summary>
    /// The officer released a held payment: the source holds the payer's funds and goes on to the peer; the destination pays
    /// the payee unless T has passed (then refused, expired). Returns Ok or why it was refused instead.
    /// </summary>
    internal FederationResult ReleaseHeld(UInt128 paymentId, ref ulong clock)
    {
        CrossNodePayment p = _byId[paymentId];
        FederationResult result = p.Role == CrossNodeRole.Outbound ? Prepare(p, screen: false, ref clock)
            : clock >= p.Terms.ExpiresAtNs ? FederationResult.Expired
            : DayResult(Settlement!.DayAdmits(p.Terms.DayKind, crossCurrency: true)) is var day && day != FederationResult.Ok ? day
            : Pay(p, ref clock);
        return Finish(p, result, clock);
    }

    internal void RejectHeld(UInt128 paymentId, ulong clock) => Finish(_byId[paymentId], FederationResult.RejectedByOperator, clock);

    // ───────────────────────────── state hash and snapshot ─────────────────────────────

    public bool IsEmpty => _peers.Count == 0 && _payments.Count == 0;

    public void WriteSnapshot(BinaryWriter w)
    {
        w.Write(SnapshotVersion);
        w.Write(_peers.Count);
        foreach (PeerInfo p in _peers)
        {
            w.Write(p.Id); w.Write(p.Name); w.Write(p.Url); w.Write(p.CertificateSha256); w.Write((byte)p.Status); w.Write(p.RegisteredAtNs);
        }
        w.Write(_payments.Count);
        byte[] buffer = new byte[CrossNodeTerms.MaxEncodedBytes];
        foreach (CrossNodePayment p in _payments)
        {
            w.Write((byte)p.Role); SnapshotIO.Write128(w, p.PaymentId); w.Write(p.Peer); w.Write(p.ContentHash); w.Write(p.Tombstone);
            var ww = new WireWriter(buffer);
            p.Terms.Write(ref ww);
            w.Write(ww.Written); w.Write(buffer, 0, ww.Written); w.Write((byte)p.Terms.Kind);
            w.Write(p.Debtor); w.Write(p.Creditor); w.Write(p.Ledger); w.Write(p.AmountMinor); SnapshotIO.Write128(w, p.TransferId);
            w.Write((byte)p.Status); w.Write((byte)p.Result); w.Write(p.PeerReasonCode); w.Write(p.PeerReason); w.Write(p.SubmittedAtNs); w.Write(p.FinalAtNs);
        }
    }

    public void ReadSnapshot(BinaryReader r)
    {
        int version = r.ReadInt32();
        if (version is not (1 or SnapshotVersion)) throw new InvalidDataException($"federation snapshot version {version}");
        int peers = r.ReadInt32();
        if ((uint)peers > MaxPeers) throw new InvalidDataException($"federation snapshot: {peers} peers");
        for (int i = 0; i < peers; i++)
        {
            var p = new PeerInfo(r.ReadUInt32(), r.ReadString(), r.ReadString(), r.ReadString(), (PeerStatus)r.ReadByte(), r.ReadUInt64());
            _peerIndex.Add(p.Id, _peers.Count);
            _peers.Add(p);
        }
        int payments = r.ReadInt32();
        if ((uint)payments > MaxPayments) throw new InvalidDataException($"federation snapshot: {payments} payments");
        for (int i = 0; i < payments; i++)
        {
            var role = (CrossNodeRole)r.ReadByte(); UInt128 id = SnapshotIO.Read128(r); uint peer = r.ReadUInt32(); ulong hash = r.ReadUInt64(); bool tombstone = r.ReadBoolean();
            int length = r.ReadInt32();
            if ((uint)length > (uint)CrossNodeTerms.MaxEncodedBytes) throw new InvalidDataException($"federation snapshot: terms of {length} bytes");
            var reader = new WireReader(r.ReadBytes(length));
            CrossNodeTerms terms = CrossNodeTerms.Read(ref reader);
            if (version >= 2)
            {
                var kind = (CrossNodeKind)r.ReadByte();
                if (kind is not (CrossNodeKind.Customer or CrossNodeKind.Institution)) throw new InvalidDataException($"federation snapshot: payment kind {(byte)kind}");
                terms = terms with { Kind = kind };
            }
            Add(new CrossNodePayment
            {
                Role = role, PaymentId = id, Peer = peer, ContentHash = hash, Tombstone = tombstone, Terms = terms,
                Debtor = r.ReadUInt64(), Creditor = r.ReadUInt64(), Ledger = r.ReadUInt32(), AmountMinor = r.ReadInt64(), TransferId = SnapshotIO.Read128(r),
                Status = (CrossNodeStatus)r.ReadByte(), Result = (FederationResult)r.ReadByte(), PeerReasonCode = r.ReadString(), PeerReason = r.ReadString(),
                SubmittedAtNs = r.ReadUInt64(), FinalAtNs = r.ReadUInt64(),
            });
        }
        // The final order is the order of engine time: each item advances the clock, so no two payments share a FinalAtNs.
        var finals = new List<CrossNodePayment>();
        foreach (CrossNodePayment p in _payments) if (p.Status is CrossNodeStatus.Settled or CrossNodeStatus.Refused) finals.Add(p);
        foreach (CrossNodePayment p in finals.OrderBy(p => p.FinalAtNs)) Finalized(p);
    }
}
