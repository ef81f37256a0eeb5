namespace Corridor.Client;

/// <summary>
/// Operator: registers (or changes) a peer node. Url is the peer's federation endpoint base (https://host:peer-port);
/// CertificateSha256 the SHA-256 of its node certificate (64 lower-case hex digits), pinned both ways. Status: active or suspended.
/// </summary>
public sealed record RegisterPeerRequest(uint Id, string Name, string Url, string CertificateSha256, string Status = "active");

/// <summary>A peer node and the state of this node's link to it (Link null when this node runs without a peer certificate).</summary>
public sealed record PeerDto(uint Id, string Name, string Url, string CertificateSha256, string Status, ulong RegisteredAt, PeerLinkDto? Link);

/// <summary>The link to one peer: payments waiting for its answer, when it last answered (Unix ns, 0 = never), the last error.</summary>
public sealed record PeerLinkDto(int Awaiting, ulong LastAnswerAt, string? LastError);

/// <summary>
/// Payer bank: a payment to a bank on peer node <c>Peer</c>. The payer (the caller; the operator names it) pays SourceAmount in
/// SourceCurrency to the FX provider <c>Provider</c> here, held until the peer decides; on the peer the provider pays
/// DestinationAmount to PayeeBic against its quote <c>QuoteId</c> there. Uetr: a lower-case UUIDv4 (generated when empty);
/// ExpirySeconds: the peer refuses it after this (1 … 86400).
/// </summary>
public sealed record CrossNodePaymentRequest(
    string Id, uint Peer, ulong Provider, string QuoteId, string SourceCurrency, long SourceAmount, string DestinationCurrency, long DestinationAmount,
    string PayeeBic, FxPartyDto Originator, FxPartyDto Beneficiary, FxTradeReferenceDto Trade, string Uetr = "", uint ExpirySeconds = 60, ulong Payer = 0,
    PaymentReferencesDto? References = null);

/// <summary>
/// A cross-node payment as this node records it. Role: outbound (payer here) or inbound (payee here). Status: held, prepared
/// (payer's funds held, the peer asked), settled, refused. Reason: this node's federation.* code when refused here;
/// PeerReasonCode / PeerReason: the peer's ISO 20022 reason when it refused. Times in Unix ns. CounterpartId: on the source,
/// the payment's id on the destination (its UETR's 128 bits); null on the destination, which finds the source's record by UETR.
/// </summary>
public sealed record CrossNodePaymentDto(
    string Id, string Uetr, uint Peer, string Role, string Status, string? Reason, string? PeerReasonCode, string? PeerReason,
    ulong Debtor, ulong Creditor, string QuoteId, string SourceCurrency, long SourceAmount, string DestinationCurrency, long DestinationAmount,
    string PayeeBic, ulong ExpiresAt, ulong SubmittedAt, ulong FinalAt, string? CounterpartId = null);
