using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace Corridor.Server.Auth;

/// <summary>
/// The node's TLS material: its server certificate (PEM certificate and key) and the CAs whose client certificates it
/// accepts (mutual TLS, as SWIFTNet PKI or T2 ESMIG). Without client CAs the node serves HTTPS with tokens only.
/// </summary>
public sealed class TlsSettings
{
    public required X509Certificate2 ServerCertificate { get; init; }
    /// <summary>Trusted issuers of client certificates (empty: client certificates are not asked for).</summary>
    public X509Certificate2Collection ClientCas { get; init; } = [];

    /// <summary>Loads PEM files; throws <see cref="CryptographicException"/> or <see cref="IOException"/> with the file named.</summary>
    public static TlsSettings Load(string certificatePem, string keyPem, string? clientCaPem)
    {
        X509Certificate2 server;
        try { server = X509Certificate2.CreateFromPemFile(certificatePem, keyPem); }
        catch (CryptographicException e) { throw new CryptographicException($"--tls-cert {certificatePem} / --tls-key {keyPem}: {e.Message}", e); }
        if (!server.HasPrivateKey) throw new CryptographicException($"--tls-key {keyPem} holds no private key of {certificatePem}");
        var cas = new X509Certificate2Collection();
        if (clientCaPem is not null)
        {
            try { cas.ImportFromPemFile(clientCaPem); }
            catch (CryptographicException e) { throw new CryptographicException($"--client-ca {clientCaPem}: {e.Message}", e); }
            if (cas.Count == 0) throw new CryptographicException($"--client-ca {clientCaPem} holds no certificate");
        }
        return new TlsSettings { ServerCertificate = server, ClientCas = cas };
    }
}

/// <summary>
/// What the certificate handler concluded about the connection's client certificate, kept on the request for
/// <see cref="NodeGateway.Authenticate"/>: a failure code, or the identity a binding is looked up by.
/// </summary>
public sealed record ClientCertificateOutcome(string? FailureCode, string Detail, string Thumbprint, string Subject, string IssuerThumbprint);

/// <summary>
/// Certificate authentication (Microsoft.AspNetCore.Authentication.Certificate) against the configured client CAs: chain to one
/// of them, within its validity period. Who the certificate speaks for is not decided here but by the engine's bindings.
/// </summary>
public static class ClientCertificateAuthentication
{
    private const string IssuerClaim = "corridor:issuer_thumbprint";

    /// <summary>SHA-256 of the DER encoding, 64 lowercase hex digits: the thumbprint bindings name.</summary>
    public static string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant();

    internal static void AddTo(IServiceCollection services, X509Certificate2Collection clientCas)
    {
        services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme)
            .AddCertificate(o =>
            {
                o.AllowedCertificateTypes = CertificateTypes.Chained;
                o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                o.CustomTrustStore = clientCas;
                o.RevocationMode = X509RevocationMode.NoCheck; // revocation is the engine's: corridor participants certificates revoke
                o.ValidateValidityPeriod = true;
                o.Events = new CertificateAuthenticationEvents
                {
                    OnCertificateValidated = context =>
                    {
                        var claims = new[] { new Claim(IssuerClaim, IssuerThumbprint(context.ClientCertificate, clientCas), ClaimValueTypes.String, context.Options.ClaimsIssuer) };
                        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name));
                        context.Success();
                        return Task.CompletedTask;
                    },
                };
            })
            // Validation (the chain) is remembered per certificate, so a keep-alive client is not re-validated on every request.
            .AddCertificateCache(c => { c.CacheSize = 10_000; c.CacheEntryExpiration = TimeSpan.FromMinutes(2); });
    }

    /// <summary>The thumbprint of the CA that issued <paramref name="certificate"/> directly, from the chain to the trusted CAs.</summary>
    private static string IssuerThumbprint(X509Certificate2 certificate, X509Certificate2Collection clientCas)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(clientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.Build(certificate);
        try
        {
            return chain.ChainElements.Count > 1 ? Thumbprint(chain.ChainElements[1].Certificate) : "";
        }
        finally
        {
            foreach (X509ChainElement e in chain.ChainElements) if (!ReferenceEquals(e.Certificate, certificate)) e.Certificate.Dispose();
        }
    }

    /// <summary>Judges the connection's client certificate once per request that carries no bearer token.</summary>
    internal static async Task<ClientCertificateOutcome> JudgeAsync(HttpContext context, X509Certificate2 certificate)
    {
        string thumbprint = Thumbprint(certificate), subject = certificate.Subject;
        DateTime now = DateTime.UtcNow;
        if (now > certificate.NotAfter.ToUniversalTime() || now < certificate.NotBefore.ToUniversalTime())
            return new(AuthCodes.CertificateExpired, $"client certificate sha256:{thumbprint} ({subject}) is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}", thumbprint, subject, "");
        AuthenticateResult result = await context.AuthenticateAsync(CertificateAuthenticationDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal?.FindFirst(IssuerClaim)?.Value is not { Length: > 0 } issuer)
            return new(AuthCodes.CertificateInvalid, $"client certificate sha256:{thumbprint} ({subject}) does not chain to a CA this node trusts (--client-ca)", thumbprint, subject, "");
        return new(null, "", thumbprint, subject, issuer);
    }
}

/// <summary>Stable problem codes of certificate authentication (docs/api.md).</summary>
public static class AuthCodes
{
    public const string CertificateInvalid = "auth.certificate_invalid";
    public const string CertificateExpired = "auth.certificate_expired";
    public const string CertificateUnbound = "auth.certificate_unbound";
    public const string CertificateRevoked = "auth.certificate_revoked";
}
