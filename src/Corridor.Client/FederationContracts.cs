namespace Corridor.Client;

/// <summary>
/// Operator: registers (or changes) a peer node. Url is the peer's federation endpoint base (https://host:peer-port);
/// CertificateSha256 the SHA-256 of its node certificate (64 lower-case hex digits), pinned both ways. Status: active or suspended.
/// </summary>
/// <param name="Id">The peer node's id on this node (a positive integer); registering it again changes it (200).</param>
/// <param name="Name">Display name of the peer node.</param>
/// <param name="Url">The peer's federation endpoint base, <c>https://host:peer-port</c> (400 <c>federation.peer_url_invalid</c>).</param>
/// <param name="CertificateSha256">SHA-256 of the peer's node certificate, 64 lower-case hex digits, pinned both ways (400
/// <c>federation.peer_fingerprint_invalid</c>).</param>
/// <param name="Status"><c>active</c>, or <c>suspended</c> (no payments to or from it).</param>
public sealed record RegisterPeerRequest(uint Id, string Name, string Url, string CertificateSha256, string Status = "active");

/// <summary>A peer node and the state of this node's link to it (<c>GET /v1/peers</c>, <c>POST /v1/peers</c>).</summary>
/// <param name="Id">The peer's id on this node.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Url">Its federation endpoint base.</param>
/// <param name="CertificateSha256">The pinned SHA-256 of its node certificate (lower-case hex).</param>
/// <param name="Status"><c>active</c> or <c>suspended</c>.</param>
/// <param name="RegisteredAt">Engine time of registration, ns since the Unix epoch.</param>
/// <param name="Link">The link's state; null when this node runs without a peer certificate (<c>--peer-cert</c>).</param>
public sealed record PeerDto(uint Id, string Name, string Url, string CertificateSha256, string Status, ulong RegisteredAt, PeerLinkDto? Link);

/// <summary>The link to one peer: payments waiting for its answer, when it last answered (Unix ns, 0 = never), the last error.</summary>
/// <param name="Awaiting">Payments sent to the peer and still waiting for its answer.</param>
/// <param name="LastAnswerAt">When the peer last answered, ns since the Unix epoch (0 = never).</param>
/// <param name="LastError">The link's last error (connection, TLS, HTTP); null when none.</param>
public sealed record PeerLinkDto(int Awaiting, ulong LastAnswerAt, string? LastError);

/// <summary>
/// Payer bank: a payment to a bank on peer node <c>Peer</c>. The payer (the caller; the operator names it) pays SourceAmount in
/// SourceCurrency to the FX provider <c>Provider</c> here, held until the peer decides; on the peer the provider pays
/// DestinationAmount to PayeeBic against its quote <c>QuoteId</c> there. Uetr: a lower-case UUIDv4 (generated when empty);
/// ExpirySeconds: the peer refuses it after this (1 … 86400).
/// </summary>
/// <param name="Id">The payment's 128-bit id on this node, chosen by the payer (decimal or 0x-hex string); one id space with RTGS and PvP
/// payments (409 <c>federation.payment_exists_with_different_content</c>).</param>
/// <param name="Peer">The peer node's id (registered and active: 422 <c>federation.peer_not_active</c>).</param>
/// <param name="Provider">The FX provider participant on this node, paid the source amount here; on the peer, the provider of
/// <paramref name="QuoteId"/> pays the payee.</param>
/// <param name="QuoteId">The provider's quote on the peer node (decimal or 0x-hex id), published there for peer payments.</param>
/// <param name="SourceCurrency">The currency paid here; the currency of a ledger this node settles (422
/// <c>federation.source_currency_not_settled_here</c>).</param>
/// <param name="SourceAmount">What the payer pays, minor units of the source currency; positive.</param>
/// <param name="DestinationCurrency">The currency the payee receives on the peer.</param>
/// <param name="DestinationAmount">What the payee receives, minor units of the destination currency: the quote's conversion of the source
/// amount (the peer refuses another, AM09).</param>
/// <param name="PayeeBic">The payee bank's BIC on the peer node.</param>
/// <param name="Originator">Who pays (travel-rule data, screened here).</param>
/// <param name="Beneficiary">Who is paid (screened on both nodes).</param>
/// <param name="Trade">What is paid for: required for a customer payment; none for an institution transfer (pacs.009 carries no
/// structured remittance: 400 <c>federation.trade_reference_not_allowed</c>).</param>
/// <param name="Uetr">The payment's UETR, a lower-case UUIDv4 that names it on both nodes; empty = generated
/// (400 <c>federation.uetr_invalid</c>). A generated UETR differs on every request, so a retry of a request sent without one is
/// other content (409): to retry safely, send your own UETR.</param>
/// <param name="ExpirySeconds">The peer refuses the payment after this many seconds, 1 … 86,400 (400
/// <c>federation.expiry_out_of_range</c>).</param>
/// <param name="Payer">The paying participant: 0 = the caller; the operator must name it.</param>
/// <param name="References">Optional ISO 20022 identifiers of the payment.</param>
/// <param name="Kind"><c>customer</c> (default: a pacs.008 between the banks' customers, customer cut-off) or <c>institution</c> (a
/// pacs.009: the payer bank pays the payee bank for its own account, interbank cut-off; <paramref name="Originator"/> is the payer
/// bank itself — <c>id_scheme</c> <c>bic</c>, <c>identifier</c> its own BIC, 422 <c>federation.originator_not_payer_institution</c> —
/// and <paramref name="Beneficiary"/> the payee bank — <c>bic</c>, <paramref name="PayeeBic"/>, 400
/// <c>federation.beneficiary_not_payee_institution</c>).</param>
public sealed record CrossNodePaymentRequest(
    string Id, uint Peer, ulong Provider, string QuoteId, string SourceCurrency, long SourceAmount, string DestinationCurrency, long DestinationAmount,
    string PayeeBic, FxPartyDto Originator, FxPartyDto Beneficiary, FxTradeReferenceDto? Trade = null, string Uetr = "", uint ExpirySeconds = 60, ulong Payer = 0,
    PaymentReferencesDto? References = null, string Kind = "customer");

/// <summary>
/// A cross-node payment as this node records it. Role: outbound (payer here) or inbound (payee here). Status: held, prepared
/// (payer's funds held, the peer asked), settled, refused. Reason: this node's federation.* code when refused here;
/// PeerReasonCode / PeerReason: the peer's ISO 20022 reason when it refused. Times in Unix ns. CounterpartId: on the source,
/// the payment's id on the destination (its UETR's 128 bits); null on the destination, which finds the source's record by UETR.
/// </summary>
/// <param name="Id">The payment's id on this node (decimal): the payer's id on the source, the UETR's 128 bits on the destination.</param>
/// <param name="Uetr">The UETR that names the payment on both nodes.</param>
/// <param name="Peer">The other node's id.</param>
/// <param name="Role"><c>outbound</c> (the payer is here) or <c>inbound</c> (the payee is here).</param>
/// <param name="Status"><c>held</c> (by compliance here), <c>prepared</c> (source: the payer's funds held, the peer asked),
/// <c>settled</c> or <c>refused</c>.</param>
/// <param name="Reason">This node's <c>federation.*</c> code when it refused the payment here; else null.</param>
/// <param name="PeerReasonCode">The peer's ISO 20022 reason code when the peer refused it (e.g. <c>AM09</c>, <c>AB05</c>); else null.</param>
/// <param name="PeerReason">The peer's explanation of its refusal; else null.</param>
/// <param name="Debtor">Who pays on this node: the payer bank (source) or the FX provider (destination).</param>
/// <param name="Creditor">Who is paid on this node: the FX provider (source) or the payee bank (destination).</param>
/// <param name="QuoteId">The provider's quote on the destination node.</param>
/// <param name="SourceCurrency">The currency paid on the source node.</param>
/// <param name="SourceAmount">Minor units of the source currency.</param>
/// <param name="DestinationCurrency">The currency received on the destination node.</param>
/// <param name="DestinationAmount">Minor units of the destination currency.</param>
/// <param name="PayeeBic">The payee bank's BIC on the destination node.</param>
/// <param name="ExpiresAt">Expiry T, engine ns since the Unix epoch: the destination refuses the payment after it.</param>
/// <param name="SubmittedAt">Engine time it was recorded on this node, ns.</param>
/// <param name="FinalAt">Engine time it settled or was refused here, ns (0 while not final).</param>
/// <param name="CounterpartId">On the source: the payment's id on the destination (its UETR's 128 bits, decimal); null on the
/// destination.</param>
/// <param name="Kind"><c>customer</c> (pacs.008) or <c>institution</c> (pacs.009).</param>
public sealed record CrossNodePaymentDto(
    string Id, string Uetr, uint Peer, string Role, string Status, string? Reason, string? PeerReasonCode, string? PeerReason,
    ulong Debtor, ulong Creditor, string QuoteId, string SourceCurrency, long SourceAmount, string DestinationCurrency, long DestinationAmount,
    string PayeeBic, ulong ExpiresAt, ulong SubmittedAt, ulong FinalAt, string? CounterpartId = null, string Kind = "customer");

/// <summary>
/// Body of <c>POST /v1/federation/payments/batch</c>: up to 1,000 payments to banks on peer nodes, each decided on its own
/// exactly as <c>POST /v1/federation/payments</c> decides one, the accepted ones journaled together.
/// </summary>
/// <param name="Payments">The payments, 1 … 1,000 (400 <c>request.empty_batch</c> / <c>request.batch_too_large</c>); body ≤ 4 MiB.</param>
public sealed record CrossNodePaymentBatchRequest(CrossNodePaymentRequest[] Payments);

/// <summary>Outcome of one payment of <c>POST /v1/federation/payments/batch</c>.</summary>
/// <param name="Index">The payment's 0-based position in the request's <c>payments</c>.</param>
/// <param name="Id">The payment's id as it was sent.</param>
/// <param name="Status">What it is now: <c>prepared</c> (the payer's funds held, the peer asked), <c>held</c> (by compliance here),
/// <c>settled</c> (sent before and settled since) or <c>refused</c>.</param>
/// <param name="Code">For <c>refused</c>: the code <c>POST /v1/federation/payments</c> answers for it (<c>request.*</c>,
/// <c>federation.*</c>, <c>compliance.*</c>; <c>request.duplicate_id</c> for an id twice in the batch); null otherwise.</param>
/// <param name="Detail">For <c>refused</c>: why, naming the payment's index; null otherwise.</param>
public sealed record CrossNodeBatchItemResult(int Index, string Id, string Status, string? Code, string? Detail);

/// <summary>Answer of <c>POST /v1/federation/payments/batch</c> (HTTP 200 whatever the payments' outcomes): counts and one result per payment.</summary>
/// <param name="Accepted">Payments prepared (or already settled) by this request or an earlier one with the same id and content.</param>
/// <param name="Held">Payments held by this node's compliance.</param>
/// <param name="Refused">Payments refused (nothing of them held or sent).</param>
/// <param name="Results">One result per payment, in request order.</param>
public sealed record CrossNodeBatchResult(int Accepted, int Held, int Refused, CrossNodeBatchItemResult[] Results);
