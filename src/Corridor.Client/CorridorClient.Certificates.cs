namespace Corridor.Client;

/// <summary>Client-certificate bindings for mutual TLS (docs/api.md, "Client certificates").</summary>
public sealed partial class CorridorClient
{
    /// <summary>
    /// <c>POST /v1/certificates</c>: binds a client certificate (by thumbprint, or by subject under its issuing CA) to a participant (system
    /// operator) or an operator user (administrator); a request over that certificate then acts as that principal.
    /// </summary>
    /// <param name="r">The binding; see <see cref="BindCertificateRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 bound, 200 already bound so; 400 <c>request.invalid_thumbprint</c>; 404 <c>certificates.participant_not_found</c>,
    /// <c>certificates.operator_user_not_found</c>; 409 <c>certificates.bound_to_another</c>, <c>certificates.certificate_revoked</c>.</returns>
    public Task<ApiResult<CertificateBindingDto>> BindCertificateAsync(BindCertificateRequest r, CancellationToken c = default) =>
        SendAsync<CertificateBindingDto>(HttpMethod.Post, "v1/certificates", r, c);

    /// <summary><c>POST /v1/certificates/revoke</c> (system operator): revokes a binding, or denies one certificate by thumbprint; effective from the next request.</summary>
    /// <param name="r">The key to revoke; see <see cref="RevokeCertificateRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>200 with the revoked binding; 404 <c>certificates.binding_not_found</c> (no such subject binding), 400 <c>request.invalid_thumbprint</c>.</returns>
    public Task<ApiResult<CertificateBindingDto>> RevokeCertificateAsync(RevokeCertificateRequest r, CancellationToken c = default) =>
        SendAsync<CertificateBindingDto>(HttpMethod.Post, "v1/certificates/revoke", r, c);

    /// <summary><c>GET /v1/certificates</c> (any operator user): every binding, active and revoked, with who bound and revoked it.</summary>
    /// <param name="participant">Only the bindings of this participant; null for all.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The bindings; 403 <c>auth.operator_only</c> for a participant.</returns>
    public Task<ApiResult<CertificateBindingDto[]>> ListCertificatesAsync(ulong? participant = null, CancellationToken c = default) =>
        SendAsync<CertificateBindingDto[]>(HttpMethod.Get, "v1/certificates" + (participant is ulong p ? $"?participant={p}" : ""), null, c);
}
