namespace Corridor.Client;

/// <summary>Client-certificate bindings for mutual TLS (docs/api.md, "Client certificates").</summary>
public sealed partial class CorridorClient
{
    public Task<ApiResult<CertificateBindingDto>> BindCertificateAsync(BindCertificateRequest r, CancellationToken c = default) =>
        SendAsync<CertificateBindingDto>(HttpMethod.Post, "v1/certificates", r, c);

    public Task<ApiResult<CertificateBindingDto>> RevokeCertificateAsync(RevokeCertificateRequest r, CancellationToken c = default) =>
        SendAsync<CertificateBindingDto>(HttpMethod.Post, "v1/certificates/revoke", r, c);

    /// <summary>Every binding, active and revoked; <paramref name="participant"/> narrows to one participant's.</summary>
    public Task<ApiResult<CertificateBindingDto[]>> ListCertificatesAsync(ulong? participant = null, CancellationToken c = default) =>
        SendAsync<CertificateBindingDto[]>(HttpMethod.Get, "v1/certificates" + (participant is ulong p ? $"?participant={p}" : ""), null, c);
}
