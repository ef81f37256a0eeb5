namespace Corridor.Client;

/// <summary>Load (or replace) a named watch list from CSV or XML text (docs/compliance.md describes both formats).</summary>
public sealed record LoadWatchListRequest(string Name, string Format, string Version, string Content);

public sealed record ScreeningThresholdRequest(int Threshold);

/// <summary>An operator's decision on a held payment; the reason is mandatory and journaled with who and when.</summary>
public sealed record HoldDecisionRequest(string Reason);

public sealed record WatchListDto(string Name, string Format, string Version, string ContentHash, int Entries, ulong LoadedAt, ulong LoadedBy);

public sealed record ComplianceHitDto(string WatchList, string EntryId, string MatchedName, int Score, string Field, string ScreenedName);

public sealed record HoldDto(
    string PaymentId, string Status, string Decision, string Reason, string? Iso20022Reason, int Threshold, ComplianceHitDto[] Hits,
    ulong ScreenedAt, ulong DecidedBy, ulong DecidedAt, string DecisionReason);

/// <summary>One audit entry: <c>Operator</c> is the operator user id (see /v1/operators), <c>OperatorName</c> its registered name.</summary>
public sealed record AuditEntryDto(
    long Sequence, ulong Time, ulong Operator, string Operation, int Result, string Subject, string Detail, string PreviousHash, string Hash, string? OperatorName = null);

/// <summary>Register a named operator user; role operator (runs the system), compliance (compliance desk) or administrator (both).</summary>
public sealed record RegisterOperatorRequest(string Name, string Role);

/// <summary>
/// A registered operator user and, when just issued, its signed token. <c>Status</c> is active or disabled;
/// <c>StatusChangedBy</c> the administrator who last changed it (0 = never), at engine time <c>StatusChangedAt</c>.
/// </summary>
public sealed record OperatorDto(
    uint Id, string Name, string Role, ulong RegisteredAt, ulong RegisteredBy, string? Token = null, DateTimeOffset? ExpiresAt = null,
    string Status = "active", ulong StatusChangedAt = 0, ulong StatusChangedBy = 0);

/// <summary>Disable (every token of the user is refused at once) or re-enable an operator user: "disabled" or "active".</summary>
public sealed record ChangeOperatorStatusRequest(string Status);

/// <summary>The compliance audit log: its head hash, whether the whole chain recomputes (else the first broken sequence), and a page of entries.</summary>
public sealed record AuditExportDto(string Head, bool ChainIntact, long? FirstBrokenSequence, AuditEntryDto[] Entries);

/// <summary>A value limit of a rule: hold above, reject above (minor units of the currency).</summary>
public sealed record RuleLimitDto(string Currency, long HoldAbove = long.MaxValue, long RejectAbove = long.MaxValue);

/// <summary>
/// An operator rule (add or replace by id). Empty scope strings and participant 0 mean "any"; countries ISO 3166-1 alpha-2,
/// currencies ISO 4217. Rules only add restrictions (docs/compliance.md).
/// </summary>
public sealed record ComplianceRuleDto(
    string Id, ulong Participant = 0, string SourceCountry = "", string DestinationCountry = "", string SendCurrency = "", string ReceiveCurrency = "",
    RuleLimitDto[]? Limits = null, string[]? BlockedCountries = null, string[]? BlockedCurrencies = null);

/// <summary>
/// Four eyes: propose an operator act that a second operator user must approve. <c>Kind</c> "move_liquidity" (with
/// transfer_id, participant, ledger, amount, direction "inject"|"withdraw") or "release_hold" (with payment_id and reason).
/// </summary>
public sealed record OperatorActRequest(
    string Id, string Kind, string? TransferId = null, ulong Participant = 0, uint Ledger = 0, long Amount = 0, string? Direction = null,
    string? PaymentId = null, string Reason = "");

/// <summary>The second operator user's decision on an act (the reason is optional for an approval, kept in the audit log).</summary>
public sealed record OperatorActDecisionRequest(string Reason = "");

/// <summary>
/// An operator act: its terms, who proposed it (id and name) and when, its status (pending, approved, declined), who decided it,
/// and for an approved act the outcome code of the command it applied ("ok", or the refusal, e.g. "settlement.insufficient_funds").
/// </summary>
public sealed record OperatorActDto(
    string Id, string Kind, string Status, string? TransferId, ulong Participant, uint Ledger, long Amount, string? Direction, string? PaymentId, string Reason,
    uint ProposedBy, string? ProposedByName, ulong ProposedAt, uint DecidedBy, string? DecidedByName, ulong DecidedAt, string DecisionReason, string Outcome);

/// <summary>Whether four eyes are required for liquidity moves and hold releases by operator users (one-way once on).</summary>
public sealed record FourEyesDto(bool Required);
