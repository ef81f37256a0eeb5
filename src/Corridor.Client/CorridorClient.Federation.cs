namespace Corridor.Client;

/// <summary>Federation: peer nodes and payments to banks on them (docs/api.md, "Federation").</summary>
public sealed partial class CorridorClient
{
    /// <summary><c>POST /v1/peers</c> (operator only): registers a peer node or changes it (URL, pinned certificate, status).</summary>
    /// <param name="r">The peer; see <see cref="RegisterPeerRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 registered, 200 changed; 400 <c>federation.peer_url_invalid</c>, <c>federation.peer_fingerprint_invalid</c>, ….</returns>
    public Task<ApiResult<PeerDto>> RegisterPeerAsync(RegisterPeerRequest r, CancellationToken c = default) => SendAsync<PeerDto>(HttpMethod.Post, "v1/peers", r, c);
    /// <summary><c>GET /v1/peers</c> (operator only): the peer nodes and the state of the link to each.</summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The peers.</returns>
    public Task<ApiResult<PeerDto[]>> ListPeersAsync(CancellationToken c = default) => SendAsync<PeerDto[]>(HttpMethod.Get, "v1/peers", null, c);

    /// <summary>
    /// <c>POST /v1/federation/payments</c>: pays a bank on a peer node. The payer pays the FX provider here (held until the peer decides);
    /// on the peer the provider pays the payee at its quote there. No queueing: a send without cover is refused.
    /// </summary>
    /// <param name="r">The payment; see <see cref="CrossNodePaymentRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 <c>prepared</c> (or <c>held</c> by compliance here); 400 <c>request.*</c>, <c>federation.uetr_invalid</c>,
    /// <c>federation.expiry_out_of_range</c>; 409 <c>federation.payment_exists_with_different_content</c>; 422
    /// <c>federation.source_currency_not_settled_here</c>, <c>federation.peer_not_active</c>, <c>federation.insufficient_funds</c>,
    /// <c>compliance.&lt;reason&gt;</c> (a rule's rejection, with its ISO reason), …; 400 <c>compliance.travel_rule_incomplete</c> (RR01–RR04) before the journal.</returns>
    public Task<ApiResult<CrossNodePaymentDto>> SendToPeerAsync(CrossNodePaymentRequest r, CancellationToken c = default) =>
        SendAsync<CrossNodePaymentDto>(HttpMethod.Post, "v1/federation/payments", r, c);
    /// <summary>
    /// <c>POST /v1/federation/payments/batch</c>: up to 1,000 payments to banks on peer nodes in one request, each decided on its own
    /// as <see cref="SendToPeerAsync"/> decides one; the accepted ones are journaled together.
    /// </summary>
    /// <param name="payments">The payments; see <see cref="CrossNodePaymentRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>200 with one result per payment (<see cref="CrossNodeBatchResult"/>); 400 <c>request.empty_batch</c>, <c>request.batch_too_large</c>.</returns>
    public Task<ApiResult<CrossNodeBatchResult>> SendToPeerBatchAsync(IReadOnlyList<CrossNodePaymentRequest> payments, CancellationToken c = default) =>
        SendAsync<CrossNodeBatchResult>(HttpMethod.Post, "v1/federation/payments/batch", new CrossNodePaymentBatchRequest([.. payments]), c);
    /// <summary><c>GET /v1/federation/payments?peer=&amp;offset=&amp;limit=</c> (operator only): the cross-node payments recorded with a peer, sent and received, in the order recorded (what <c>corridor peers reconcile</c> compares).</summary>
    /// <param name="peer">The peer node's id.</param>
    /// <param name="offset">How many to skip.</param>
    /// <param name="limit">Page size, at most 10,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>One page of payments; 400 <c>request.invalid_value</c>.</returns>
    public Task<ApiResult<CrossNodePaymentDto[]>> ListCrossNodePaymentsAsync(uint peer, int offset = 0, int limit = 10_000, CancellationToken c = default) =>
        SendAsync<CrossNodePaymentDto[]>(HttpMethod.Get, $"v1/federation/payments?peer={peer}&offset={offset}&limit={limit}", null, c);
    /// <summary><c>GET /v1/federation/payments?peer=&amp;order=final</c> (operator): one page of the final (settled or refused) payments with <paramref name="peer"/>, in the order they became final.</summary>
    /// <param name="peer">The peer node's id.</param>
    /// <param name="offset">Payments of that order to skip (the reader's position).</param>
    /// <param name="limit">Most payments answered (1 … 10,000).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The page; 400 <c>request.invalid_value</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<CrossNodePaymentDto[]>> ListFinalCrossNodePaymentsAsync(uint peer, int offset = 0, int limit = 10_000, CancellationToken c = default) =>
        SendAsync<CrossNodePaymentDto[]>(HttpMethod.Get, $"v1/federation/payments?peer={peer}&order=final&offset={offset}&limit={limit}", null, c);
    /// <summary><c>GET /v1/federation/payments/{id}</c>: a cross-node payment as this node records it (the operator, or its debtor or creditor on this node).</summary>
    /// <param name="id">The payment id (decimal or 0x-hex) or its UETR.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The payment: role, status, this node's and the peer's reasons, counterpart id; 404 <c>federation.payment_not_found</c>, 403
    /// <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<CrossNodePaymentDto>> GetCrossNodePaymentAsync(string id, CancellationToken c = default) =>
        SendAsync<CrossNodePaymentDto>(HttpMethod.Get, $"v1/federation/payments/{Uri.EscapeDataString(id)}", null, c);
}
