namespace Corridor.Client;

/// <summary>Federation: peer nodes and payments to banks on them (docs/api.md, "Federation").</summary>
public sealed partial class CorridorClient
{
    public Task<ApiResult<PeerDto>> RegisterPeerAsync(RegisterPeerRequest r, CancellationToken c = default) => SendAsync<PeerDto>(HttpMethod.Post, "v1/peers", r, c);
    public Task<ApiResult<PeerDto[]>> ListPeersAsync(CancellationToken c = default) => SendAsync<PeerDto[]>(HttpMethod.Get, "v1/peers", null, c);

    public Task<ApiResult<CrossNodePaymentDto>> SendToPeerAsync(CrossNodePaymentRequest r, CancellationToken c = default) =>
        SendAsync<CrossNodePaymentDto>(HttpMethod.Post, "v1/federation/payments", r, c);
    /// <summary>Operator: one page of the cross-node payments recorded with <paramref name="peer"/>, in the order recorded.</summary>
    public Task<ApiResult<CrossNodePaymentDto[]>> ListCrossNodePaymentsAsync(uint peer, int offset = 0, int limit = 10_000, CancellationToken c = default) =>
        SendAsync<CrossNodePaymentDto[]>(HttpMethod.Get, $"v1/federation/payments?peer={peer}&offset={offset}&limit={limit}", null, c);
    /// <summary>Operator: one page of the final (settled or refused) payments with <paramref name="peer"/>, in the order they became final.</summary>
    public Task<ApiResult<CrossNodePaymentDto[]>> ListFinalCrossNodePaymentsAsync(uint peer, int offset = 0, int limit = 10_000, CancellationToken c = default) =>
        SendAsync<CrossNodePaymentDto[]>(HttpMethod.Get, $"v1/federation/payments?peer={peer}&order=final&offset={offset}&limit={limit}", null, c);
    public Task<ApiResult<CrossNodePaymentDto>> GetCrossNodePaymentAsync(string id, CancellationToken c = default) =>
        SendAsync<CrossNodePaymentDto>(HttpMethod.Get, $"v1/federation/payments/{Uri.EscapeDataString(id)}", null, c);
}
