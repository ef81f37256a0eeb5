namespace Corridor.Client;

/// <summary>
/// Bind a client certificate to a participant or an operator user (mutual TLS, docs/operations.md). Give either
/// <c>Thumbprint</c> (SHA-256 of the certificate's DER, 64 hex digits; colons and case are ignored) or <c>Subject</c> with
/// <c>IssuerThumbprint</c> (the issuing CA's SHA-256 thumbprint: every certificate of that subject from that CA); and either
/// <c>Participant</c> or <c>OperatorUser</c>.
/// </summary>
public sealed record BindCertificateRequest(string? Thumbprint = null, string? Subject = null, string? IssuerThumbprint = null, ulong? Participant = null, uint? OperatorUser = null);

/// <summary>Revoke a binding by its key (a thumbprint, or a subject with its issuing CA); a thumbprint may be revoked without a binding.</summary>
public sealed record RevokeCertificateRequest(string? Thumbprint = null, string? Subject = null, string? IssuerThumbprint = null);

/// <summary>
/// A certificate binding: <c>Match</c> thumbprint or subject_and_issuer; <c>Principal</c> participant, operator_user or none (a
/// thumbprint revoked without a binding); <c>Status</c> active or revoked; who bound and revoked it, at engine time.
/// </summary>
public sealed record CertificateBindingDto(
    string Key, string Match, string? Thumbprint, string? Subject, string? IssuerThumbprint, string Principal, ulong PrincipalId, string Status,
    ulong BoundAt, uint BoundBy, ulong RevokedAt, uint RevokedBy);
