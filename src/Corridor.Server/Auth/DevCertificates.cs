using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Corridor.Server.Auth;

/// <summary>
/// A throwaway certificate authority and the certificates signed by it, for trying mutual TLS locally (<c>corridor certs dev</c>)
/// and for tests. ECDSA P-256 keys, SHA-256 signatures. Never for production: the CA key is written next to the certificates.
/// </summary>
public static class DevCertificates
{
    /// <summary>A self-signed CA certificate (with its private key) that may sign end-entity certificates only.</summary>
    public static X509Certificate2 CreateCa(string commonName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}, O=Corridor development"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A TLS server certificate for the given host names and addresses, signed by <paramref name="ca"/>, with its private key.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 ca, string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (string d in dnsNames) names.AddDnsName(d);
        foreach (IPAddress a in addresses) names.AddIpAddress(a);
        return Issue(ca, $"CN={commonName}", "1.3.6.1.5.5.7.3.1", names.Build(), notBefore, notAfter); // id-kp-serverAuth
    }

    /// <summary>A TLS client certificate with subject <paramref name="subject"/> (e.g. <c>CN=Bank A, O=Bank A, C=KE</c>), signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 CreateClient(X509Certificate2 ca, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Issue(ca, subject, "1.3.6.1.5.5.7.3.2", null, notBefore, notAfter); // id-kp-clientAuth

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, string usageOid, X509Extension? alternativeNames, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (alternativeNames is not null) request.CertificateExtensions.Add(alternativeNames);
        if (notAfter > ca.NotAfter) notAfter = ca.NotAfter;
        using X509Certificate2 issued = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate (PEM) and, when <paramref name="keyPath"/> is given, its PKCS#8 private key (PEM, mode 0600).</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string? keyPath)
    {
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
        if (keyPath is null) return;
        using ECDsa key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException($"certificate {certificate.Subject} has no ECDSA private key");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(new FileStream(keyPath, options));
        writer.Write(key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>A TLS client's check of the server certificate: it must chain to <paramref name="ca"/> (and nothing else is trusted).</summary>
    public static System.Net.Security.RemoteCertificateValidationCallback TrustOnly(X509Certificate2 ca) => (_, certificate, _, _) =>
    {
        if (certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using X509Certificate2 presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    };

    /// <summary>A certificate with its key as PKCS#12 bytes re-imported: on some platforms TLS needs a persisted rather than an ephemeral key.</summary>
    public static X509Certificate2 ForTls(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
