namespace Corridor.Client;

/// <summary>
/// Bind a client certificate to a participant or an operator user (mutual TLS, docs/operations.md). Give either
/// <c>Thumbprint</c> (SHA-256 of the certificate's DER, 64 hex digits; colons and case are ignored) or <c>Subject</c> with
/// <c>IssuerThumbprint</c> (the issuing CA's SHA-256 thumbprint: every certificate of that subject from that CA); and either
/// <c>Participant</c> or <c>OperatorUser</c>.
/// </summary>
/// <param name="Thumbprint">SHA-256 of one certificate's DER encoding, 64 hex digits (colons, spaces and case ignored; 400
/// <c>request.invalid_thumbprint</c> otherwise). Binds exactly that certificate.</param>
/// <param name="Subject">A subject distinguished name, e.g. <c>"CN=Bank A, O=Bank A, C=KE"</c>: with <paramref name="IssuerThumbprint"/>,
/// binds every certificate of that subject issued by that CA (renewals keep working).</param>
/// <param name="IssuerThumbprint">With <paramref name="Subject"/>: SHA-256 thumbprint of the issuing CA's certificate.</param>
/// <param name="Participant">The participant the certificate acts as (404 <c>certificates.participant_not_found</c>).</param>
/// <param name="OperatorUser">The operator user the certificate acts as (administrators only; 404
/// <c>certificates.operator_user_not_found</c>).</param>
public sealed record BindCertificateRequest(string? Thumbprint = null, string? Subject = null, string? IssuerThumbprint = null, ulong? Participant = null, uint? OperatorUser = null);

/// <summary>
/// Body of <c>POST /v1/certificates/revoke</c>: revokes a binding by its key (a thumbprint, or a subject with its issuing CA); a
/// thumbprint may be revoked without a binding (a deny entry). Final: takes effect from the next request, also on open connections,
/// and the key is never bound again.
/// </summary>
/// <param name="Thumbprint">The certificate's SHA-256 thumbprint (64 hex digits).</param>
/// <param name="Subject">Or a subject binding's subject distinguished name (404 <c>certificates.binding_not_found</c> when none).</param>
/// <param name="IssuerThumbprint">With <paramref name="Subject"/>: the issuing CA's SHA-256 thumbprint.</param>
public sealed record RevokeCertificateRequest(string? Thumbprint = null, string? Subject = null, string? IssuerThumbprint = null);

/// <summary>
/// A certificate binding: <c>Match</c> thumbprint or subject_and_issuer; <c>Principal</c> participant, operator_user or none (a
/// thumbprint revoked without a binding); <c>Status</c> active or revoked; who bound and revoked it, at engine time.
/// </summary>
/// <param name="Key">The binding's key: the thumbprint, or the subject with its issuer thumbprint.</param>
/// <param name="Match"><c>thumbprint</c> or <c>subject_and_issuer</c>.</param>
/// <param name="Thumbprint">For a thumbprint binding: the thumbprint (lower-case hex); else null.</param>
/// <param name="Subject">For a subject binding: the subject distinguished name; else null.</param>
/// <param name="IssuerThumbprint">For a subject binding: the issuing CA's thumbprint; else null.</param>
/// <param name="Principal"><c>participant</c>, <c>operator_user</c>, or <c>none</c> (a thumbprint revoked without a binding).</param>
/// <param name="PrincipalId">The participant id or operator user id the certificate acts as (0 for <c>none</c>).</param>
/// <param name="Status"><c>active</c> or <c>revoked</c>.</param>
/// <param name="BoundAt">Engine time of binding (for a deny entry: when it was entered), ns since the Unix epoch.</param>
/// <param name="BoundBy">The operator user id that bound it (or entered the deny entry).</param>
/// <param name="RevokedAt">Engine time of revocation, ns (0 while active).</param>
/// <param name="RevokedBy">The operator user id that revoked it (0 while active).</param>
public sealed record CertificateBindingDto(
    string Key, string Match, string? Thumbprint, string? Subject, string? IssuerThumbprint, string Principal, ulong PrincipalId, string Status,
    ulong BoundAt, uint BoundBy, ulong RevokedAt, uint RevokedBy);
