using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Core.Federation;

/// <summary>Whether a peer link may carry payments.</summary>
public enum PeerStatus : byte { Active = 1, Suspended = 2 }

/// <summary>
/// Operator: registers a peer node (or changes its address, pinned certificate or status). The peer's TLS certificate is
/// pinned by its SHA-256 fingerprint (64 lower-case hex digits): a message over any other certificate is not from the peer.
/// </summary>
public sealed record RegisterPeer(uint PeerId, string Name, string Url, string CertificateSha256, PeerStatus Status) : IExchangeItem<RegisterPeer>
{
    public const int MaxName = 64, MaxUrl = 256, FingerprintChars = 64;

    public static int MaxEncodedBytes => 4 + Wire.MaxStringBytes(MaxName) + Wire.MaxStringBytes(MaxUrl) + Wire.MaxStringBytes(FingerprintChars) + 1;

    public void Write(ref WireWriter w)
    {
        w.U32(PeerId); w.String(Name, MaxName); w.String(Url, MaxUrl); w.String(CertificateSha256, FingerprintChars); w.U8((byte)Status);
    }

    public static RegisterPeer Read(ref WireReader r) =>
        new(r.U32(), r.String(MaxName), r.String(MaxUrl), r.String(FingerprintChars), (PeerStatus)r.U8());
}

/// <summary>
/// What a cross-node payment is: a customer payment (pacs.008; originator and beneficiary are the banks' customers, the
/// customer cut-off applies) or an institution transfer (pacs.009; the payer bank pays the payee bank for its own account:
/// originator and beneficiary are the two banks, identified by their BICs, and the interbank cut-off applies).
/// </summary>
public enum CrossNodeKind : byte { Customer = 1, Institution = 2 }

/// <summary>
/// What travels between the nodes for one cross-node payment (the content of the pacs.008 or pacs.009): the UETR that names
/// it on both nodes, the FX provider's quote on the destination node, both amounts, the payee bank, the expiry T after which
/// the destination refuses it, and the full party data and trade reference (FATF R16). <see cref="Kind"/> is not part of the
/// encoding: the operation says it (SendToPeer / SendInstitutionToPeer, ReceiveFromPeer / ReceiveInstitutionFromPeer).
/// </summary>
public sealed record CrossNodeTerms(
    string Uetr, UInt128 QuoteId, string SourceCurrency, long SourceAmountMinor, string DestinationCurrency, long DestinationAmountMinor,
    string PayeeBic, ulong ExpiresAtNs, Party Originator, Party Beneficiary, TradeReference Trade, PaymentReferences References)
{
    public const int UetrChars = 36, MaxBic = 11;

    /// <summary>Customer payment (pacs.008) or institution transfer (pacs.009).</summary>
    public CrossNodeKind Kind { get; init; } = CrossNodeKind.Customer;

    /// <summary>The operating day's kind of payment: the customer cut-off for customer payments, the interbank one for institution transfers.</summary>
    public PaymentKind DayKind => Kind == CrossNodeKind.Institution ? PaymentKind.Interbank : PaymentKind.Customer;

    public static int MaxEncodedBytes => Wire.MaxStringBytes(UetrChars) + 16 + 2 * 4 + 2 * 8 + Wire.MaxStringBytes(MaxBic) + 8
        + 2 * Party.MaxEncodedBytes + TradeReference.MaxEncodedBytes + PaymentReferences.MaxEncodedBytes;

    public void Write(ref WireWriter w)
    {
        w.String(Uetr, UetrChars); w.U128(QuoteId); w.Code(SourceCurrency); w.I64(SourceAmountMinor); w.Code(DestinationCurrency); w.I64(DestinationAmountMinor);
        w.String(PayeeBic, MaxBic); w.U64(ExpiresAtNs);
        Originator.Write(ref w); Beneficiary.Write(ref w); Trade.Write(ref w); References.Write(ref w);
    }

    public static CrossNodeTerms Read(ref WireReader r)
    {
        string uetr = r.String(UetrChars);
        UInt128 quote = r.U128();
        string sourceCurrency = r.Code(); long source = r.I64();
        string destinationCurrency = r.Code(); long destination = r.I64();
        string payeeBic = r.String(MaxBic); ulong expires = r.U64();
        Party originator = Party.Read(ref r), beneficiary = Party.Read(ref r);
        TradeReference trade = TradeReference.Read(ref r);
        return new CrossNodeTerms(uetr, quote, sourceCurrency, source, destinationCurrency, destination, payeeBic, expires, originator, beneficiary, trade,
            PaymentReferences.Read(ref r));
    }
}

/// <summary>
/// Source node, payer bank: send a payment to a bank on peer node <paramref name="Peer"/> (protocol step 1). The payer's
/// settlement account in <paramref name="Ledger"/> pays <see cref="CrossNodeTerms.SourceAmountMinor"/> to the FX provider's
/// account there, held (pending) until the destination decides; <paramref name="ExpirySeconds"/> from engine time is T.
/// </summary>
public sealed record SendToPeer(UInt128 PaymentId, uint Peer, ulong Payer, ulong Provider, uint Ledger, uint ExpirySeconds, CrossNodeTerms Terms)
    : IExchangeItem<SendToPeer>
{
    public static int MaxEncodedBytes => 16 + 4 + 8 + 8 + 4 + 4 + CrossNodeTerms.MaxEncodedBytes;

    public void Write(ref WireWriter w)
    {
        w.U128(PaymentId); w.U32(Peer); w.U64(Payer); w.U64(Provider); w.U32(Ledger); w.U32(ExpirySeconds);
        Terms.Write(ref w);
    }

    public static SendToPeer Read(ref WireReader r)
    {
        UInt128 id = r.U128(); uint peer = r.U32(); ulong payer = r.U64(), provider = r.U64(); uint ledger = r.U32(), expiry = r.U32();
        return new SendToPeer(id, peer, payer, provider, ledger, expiry, CrossNodeTerms.Read(ref r));
    }
}

/// <summary>Source node: <see cref="SendToPeer"/> of an institution transfer (operation 405; same encoding, terms of kind Institution).</summary>
public sealed record SendInstitutionToPeer(SendToPeer Send) : IExchangeItem<SendInstitutionToPeer>
{
    public static int MaxEncodedBytes => SendToPeer.MaxEncodedBytes;

    public void Write(ref WireWriter w) => Send.Write(ref w);

    public static SendInstitutionToPeer Read(ref WireReader r)
    {
        SendToPeer s = SendToPeer.Read(ref r);
        return new SendInstitutionToPeer(s with { Terms = s.Terms with { Kind = CrossNodeKind.Institution } });
    }
}

/// <summary>Destination node: <see cref="ReceiveFromPeer"/> of an institution transfer (operation 406; same encoding, terms of kind Institution).</summary>
public sealed record ReceiveInstitutionFromPeer(ReceiveFromPeer Receive) : IExchangeItem<ReceiveInstitutionFromPeer>
{
    public static int MaxEncodedBytes => ReceiveFromPeer.MaxEncodedBytes;

    public void Write(ref WireWriter w) => Receive.Write(ref w);

    public static ReceiveInstitutionFromPeer Read(ref WireReader r)
    {
        ReceiveFromPeer m = ReceiveFromPeer.Read(ref r);
        return new ReceiveInstitutionFromPeer(m with { Terms = m.Terms with { Kind = CrossNodeKind.Institution } });
    }
}

/// <summary>Destination node: a payment as peer <paramref name="Peer"/> sent it (protocol steps 3–4; journaled before anything else).</summary>
public sealed record ReceiveFromPeer(uint Peer, CrossNodeTerms Terms) : IExchangeItem<ReceiveFromPeer>
{
    public static int MaxEncodedBytes => 4 + CrossNodeTerms.MaxEncodedBytes;

    public void Write(ref WireWriter w) { w.U32(Peer); Terms.Write(ref w); }

    public static ReceiveFromPeer Read(ref WireReader r) { uint peer = r.U32(); return new ReceiveFromPeer(peer, CrossNodeTerms.Read(ref r)); }
}

/// <summary>
/// Source node: the destination's final answer for <paramref name="Uetr"/> (protocol step 6): settled posts the payer's hold,
/// refused voids it. <paramref name="ReasonCode"/> is the destination's ISO 20022 reason (empty when settled).
/// </summary>
public sealed record PeerDecision(uint Peer, string Uetr, bool Settled, string ReasonCode, string Reason) : IExchangeItem<PeerDecision>
{
    public const int MaxReasonCode = 4, MaxReason = 105;

    public static int MaxEncodedBytes => 4 + Wire.MaxStringBytes(CrossNodeTerms.UetrChars) + 1 + Wire.MaxStringBytes(MaxReasonCode) + Wire.MaxStringBytes(MaxReason);

    public void Write(ref WireWriter w)
    {
        w.U32(Peer); w.String(Uetr, CrossNodeTerms.UetrChars); w.U8(Settled ? (byte)1 : (byte)0); w.String(ReasonCode, MaxReasonCode); w.String(Reason, MaxReason);
    }

    public static PeerDecision Read(ref WireReader r)
    {
        uint peer = r.U32(); string uetr = r.String(CrossNodeTerms.UetrChars);
        byte settled = r.U8();
        if (settled > 1) throw new InvalidDataException($"PeerDecision settled flag {settled}");
        return new PeerDecision(peer, uetr, settled == 1, r.String(MaxReasonCode), r.String(MaxReason));
    }
}

/// <summary>
/// Destination node: peer <paramref name="Peer"/> asks after <paramref name="Uetr"/> (pacs.028) and says its expiry was
/// <paramref name="ExpiresAtNs"/>. Unknown and past T: recorded refused (expired), so a late pacs.008 can never settle.
/// </summary>
public sealed record ExpireUnknown(uint Peer, string Uetr, ulong ExpiresAtNs) : IExchangeItem<ExpireUnknown>
{
    public static int MaxEncodedBytes => 4 + Wire.MaxStringBytes(CrossNodeTerms.UetrChars) + 8;

    public void Write(ref WireWriter w) { w.U32(Peer); w.String(Uetr, CrossNodeTerms.UetrChars); w.U64(ExpiresAtNs); }

    public static ExpireUnknown Read(ref WireReader r) { uint peer = r.U32(); string uetr = r.String(CrossNodeTerms.UetrChars); return new ExpireUnknown(peer, uetr, r.U64()); }
}
