namespace Corridor.Client;

/// <summary>
/// Body of <c>POST /v1/compliance/watch-lists</c> (compliance desk): loads or replaces a named watch list from CSV or XML text
/// (docs/compliance.md describes both formats). A file with any error loads nothing (422 <c>compliance.parse_failed</c>, the
/// detail names the first bad line) and the previous version stays in force.
/// </summary>
/// <param name="Name">The list's name (at most 64 characters of <c>[A-Za-z0-9._-]</c>); loading under the same name replaces it.</param>
/// <param name="Format"><c>csv</c> or <c>xml</c>.</param>
/// <param name="Version">The operator's label of this version (at most 64 characters), kept in the history.</param>
/// <param name="Content">The file's text, under 4 MiB.</param>
public sealed record LoadWatchListRequest(string Name, string Format, string Version, string Content);

/// <summary>Body (and answer) of <c>POST /v1/compliance/threshold</c> (compliance desk).</summary>
/// <param name="Threshold">The screening score, 0 … 100, at or above which a name match is a hit that holds the payment (default 85).</param>
public sealed record ScreeningThresholdRequest(int Threshold);

/// <summary>Body of <c>POST /v1/compliance/holds/{payment_id}/release</c> and <c>…/reject</c>: the compliance desk's decision on a held payment.</summary>
/// <param name="Reason">Why (1 … 1,000 characters; empty is 400 <c>compliance.reason_missing</c>); journaled with who decided and when.</param>
public sealed record HoldDecisionRequest(string Reason);

/// <summary>A loaded watch list version (<c>GET /v1/compliance/watch-lists</c>, and the answer of loading one).</summary>
/// <param name="Name">The list's name.</param>
/// <param name="Format"><c>csv</c> or <c>xml</c>.</param>
/// <param name="Version">The operator's version label.</param>
/// <param name="ContentHash">Lower-case hex SHA-256 of the list's canonical content: the version screening decisions refer to.</param>
/// <param name="Entries">Entries (designated parties) in the list.</param>
/// <param name="LoadedAt">Engine time of the load, ns since the Unix epoch.</param>
/// <param name="LoadedBy">The operator user id that loaded it.</param>
public sealed record WatchListDto(string Name, string Format, string Version, string ContentHash, int Entries, ulong LoadedAt, ulong LoadedBy);

/// <summary>One watch-list hit on a payment: a name on the payment that matched a list entry at or above the threshold.</summary>
/// <param name="WatchList">The list's name.</param>
/// <param name="EntryId">The matched entry's id in that list.</param>
/// <param name="MatchedName">The entry's name (or alias) that matched.</param>
/// <param name="Score">Match score, 0 … 100 (100 = the same name after normalisation).</param>
/// <param name="Field">Which name on the payment matched: <c>originator_name</c> or <c>beneficiary_name</c>.</param>
/// <param name="ScreenedName">The name as it stood on the payment.</param>
public sealed record ComplianceHitDto(string WatchList, string EntryId, string MatchedName, int Score, string Field, string ScreenedName);

/// <summary>
/// The compliance record of a screened payment (same-currency or PvP): the decision taken before settlement, its evidence, and the
/// desk's decision on a hold. Listed by <c>GET /v1/compliance/holds</c>, answered by release/reject and carried as
/// <see cref="PaymentDto.Compliance"/>.
/// </summary>
/// <param name="PaymentId">The payment's id (decimal).</param>
/// <param name="Status"><c>passed</c> (went on to settlement), <c>held</c> (waiting for the desk), <c>rejected</c> (by a rule or the
/// travel rule), <c>released</c> or <c>rejected_by_operator</c> (the desk decided).</param>
/// <param name="Decision">The screening decision: <c>pass</c>, <c>hold</c> or <c>reject</c>.</param>
/// <param name="Reason">Why: <c>none</c>, <c>sanctions_potential_match</c>, <c>party_unscreenable</c>, <c>amount_above_hold_limit</c>,
/// <c>blocked_country</c>, <c>blocked_currency</c>, <c>amount_above_reject_limit</c> or <c>travel_rule_incomplete</c>.</param>
/// <param name="Iso20022Reason">The ISO 20022 reason reported for a rejection (RR01–RR04, AM02); null otherwise.</param>
/// <param name="Threshold">The screening threshold in force when the payment was screened.</param>
/// <param name="Hits">The watch-list hits, lists in name order, best score first.</param>
/// <param name="ScreenedAt">Engine time of screening, ns since the Unix epoch.</param>
/// <param name="DecidedBy">The operator user id that released or rejected the hold (0 while undecided).</param>
/// <param name="DecidedAt">Engine time of that decision (0 while undecided).</param>
/// <param name="DecisionReason">The reason the desk gave (empty while undecided).</param>
public sealed record HoldDto(
    string PaymentId, string Status, string Decision, string Reason, string? Iso20022Reason, int Threshold, ComplianceHitDto[] Hits,
    ulong ScreenedAt, ulong DecidedBy, ulong DecidedAt, string DecisionReason);

/// <summary>One entry of the hash-chained audit log of operator actions (<c>GET /v1/compliance/audit</c>).</summary>
/// <param name="Sequence">The entry's position in the log, from 1.</param>
/// <param name="Time">Engine time of the action, ns since the Unix epoch.</param>
/// <param name="Operator">The acting operator user id (see <c>GET /v1/operators</c>).</param>
/// <param name="Operation">The engine operation in snake_case, e.g. <c>load_watch_list</c>, <c>release_hold</c>, <c>move_liquidity</c>.</param>
/// <param name="Result">The command's numeric result code (0 = applied; otherwise the operation's refusal).</param>
/// <param name="Subject">What was acted on (a list name, payment id, rule id, …).</param>
/// <param name="Detail">Free text of the action (e.g. a hold decision's reason, a parse error).</param>
/// <param name="PreviousHash">The previous entry's hash (lower-case hex SHA-256).</param>
/// <param name="Hash">SHA-256 over <paramref name="PreviousHash"/> and this entry's fields: changing any earlier entry breaks every later hash.</param>
/// <param name="OperatorName">The acting operator user's registered name; null when unknown.</param>
public sealed record AuditEntryDto(
    long Sequence, ulong Time, ulong Operator, string Operation, int Result, string Subject, string Detail, string PreviousHash, string Hash, string? OperatorName = null);

/// <summary>
/// Body of <c>POST /v1/operators</c> (administrators only): registers a named operator user, or with a name already registered changes
/// its role and issues a new token. 400 <c>operators.name_invalid</c>, 409 <c>operators.name_in_use</c>.
/// </summary>
/// <param name="Name">The user's name (at most 64 characters).</param>
/// <param name="Role"><c>operator</c> (runs the system), <c>compliance</c> (compliance desk) or <c>administrator</c> (both, plus managing
/// operator users).</param>
public sealed record RegisterOperatorRequest(string Name, string Role);

/// <summary>
/// A registered operator user and, when just issued, its signed token. <c>Status</c> is active or disabled;
/// <c>StatusChangedBy</c> the administrator who last changed it (0 = never), at engine time <c>StatusChangedAt</c>.
/// </summary>
/// <param name="Id">The operator user id (1 is the root administrator).</param>
/// <param name="Name">The registered name.</param>
/// <param name="Role"><c>operator</c>, <c>compliance</c> or <c>administrator</c>.</param>
/// <param name="RegisteredAt">Engine time of registration, ns since the Unix epoch.</param>
/// <param name="RegisteredBy">The administrator's operator user id that registered it.</param>
/// <param name="Token">The user's new bearer token (365 days) on the answer of <c>POST /v1/operators</c>; null in listings.</param>
/// <param name="ExpiresAt">When <paramref name="Token"/> expires; null with it.</param>
/// <param name="Status"><c>active</c> or <c>disabled</c> (every token of the user refused: 403 <c>auth.operator_disabled</c>).</param>
/// <param name="StatusChangedAt">Engine time of the last status change (0 = never).</param>
/// <param name="StatusChangedBy">The administrator who last changed the status (0 = never).</param>
public sealed record OperatorDto(
    uint Id, string Name, string Role, ulong RegisteredAt, ulong RegisteredBy, string? Token = null, DateTimeOffset? ExpiresAt = null,
    string Status = "active", ulong StatusChangedAt = 0, ulong StatusChangedBy = 0);

/// <summary>Body of <c>POST /v1/operators/{id}/status</c> (administrators only; never user 1: 409 <c>operators.root_cannot_be_disabled</c>).</summary>
/// <param name="Status"><c>disabled</c> (every token of the user is refused from the next request) or <c>active</c> (accepted again).</param>
public sealed record ChangeOperatorStatusRequest(string Status);

/// <summary>A page of the compliance audit log (<c>GET /v1/compliance/audit</c>) with the state of the whole chain.</summary>
/// <param name="Head">The hash of the log's last entry (lower-case hex SHA-256).</param>
/// <param name="ChainIntact">True when every entry's hash recomputes from its predecessor.</param>
/// <param name="FirstBrokenSequence">When the chain is broken: the first entry whose hash does not recompute; else null.</param>
/// <param name="Entries">Entries with sequence above the request's <c>after</c>, oldest first, at most <c>limit</c>.</param>
public sealed record AuditExportDto(string Head, bool ChainIntact, long? FirstBrokenSequence, AuditEntryDto[] Entries);

/// <summary>A value limit of a compliance rule; it applies to whichever side of a payment is in its currency.</summary>
/// <param name="Currency">ISO 4217 alphabetic code.</param>
/// <param name="HoldAbove">An amount strictly above this (minor units) holds the payment for the desk; default: no limit.</param>
/// <param name="RejectAbove">An amount strictly above this (minor units) rejects it (ISO reason AM02); default: no limit.</param>
public sealed record RuleLimitDto(string Currency, long HoldAbove = long.MaxValue, long RejectAbove = long.MaxValue);

/// <summary>
/// An operator rule (add or replace by id). Empty scope strings and participant 0 mean "any"; countries ISO 3166-1 alpha-2,
/// currencies ISO 4217. Rules only add restrictions (docs/compliance.md).
/// </summary>
/// <param name="Id">The rule's id (at most 64 characters); setting an existing id replaces that rule.</param>
/// <param name="Participant">Scope: a participant id matching either the payer or the payee; 0 = any.</param>
/// <param name="SourceCountry">Scope: the originator's country (else the payer's BIC country), ISO 3166-1 alpha-2; empty = any.</param>
/// <param name="DestinationCountry">Scope: the beneficiary's country (else the payee's BIC country); empty = any.</param>
/// <param name="SendCurrency">Scope: the currency the payer pays, ISO 4217; empty = any.</param>
/// <param name="ReceiveCurrency">Scope: the currency the payee receives, ISO 4217; empty = any.</param>
/// <param name="Limits">Value limits by currency (at most 64); null or empty = none.</param>
/// <param name="BlockedCountries">Countries whose appearance as source or destination rejects the payment (RR04); at most 64.</param>
/// <param name="BlockedCurrencies">Currencies whose appearance as send or receive currency rejects the payment (RR04); at most 64.</param>
public sealed record ComplianceRuleDto(
    string Id, ulong Participant = 0, string SourceCountry = "", string DestinationCountry = "", string SendCurrency = "", string ReceiveCurrency = "",
    RuleLimitDto[]? Limits = null, string[]? BlockedCountries = null, string[]? BlockedCurrencies = null);

/// <summary>
/// Four eyes: propose an operator act that a second operator user must approve. <c>Kind</c> "move_liquidity" (with
/// transfer_id, participant, ledger, amount, direction "inject"|"withdraw") or "release_hold" (with payment_id and reason).
/// </summary>
/// <param name="Id">The act's 128-bit id, chosen by the proposer (decimal or 0x-hex string, not 0); the same id and terms again answers 200.</param>
/// <param name="Kind"><c>move_liquidity</c> (role operator or administrator) or <c>release_hold</c> (role compliance or administrator).</param>
/// <param name="TransferId"><c>move_liquidity</c>: the liquidity transfer's id, as in <see cref="LiquidityRequest.TransferId"/>.</param>
/// <param name="Participant"><c>move_liquidity</c>: the participant whose settlement account is funded or drained.</param>
/// <param name="Ledger"><c>move_liquidity</c>: the ledger (currency).</param>
/// <param name="Amount"><c>move_liquidity</c>: minor units, 1 … 10^18.</param>
/// <param name="Direction"><c>move_liquidity</c>: <c>inject</c> or <c>withdraw</c>.</param>
/// <param name="PaymentId"><c>release_hold</c>: the held payment (decimal or 0x-hex id).</param>
/// <param name="Reason">Why; mandatory for <c>release_hold</c> (400 <c>compliance.reason_missing</c>).</param>
public sealed record OperatorActRequest(
    string Id, string Kind, string? TransferId = null, ulong Participant = 0, uint Ledger = 0, long Amount = 0, string? Direction = null,
    string? PaymentId = null, string Reason = "");

/// <summary>The second operator user's decision on an act (the reason is optional for an approval, kept in the audit log).</summary>
/// <param name="Reason">Why; optional, kept in the audit log.</param>
public sealed record OperatorActDecisionRequest(string Reason = "");

/// <summary>
/// An operator act: its terms, who proposed it (id and name) and when, its status (pending, approved, declined), who decided it,
/// and for an approved act the outcome code of the command it applied ("ok", or the refusal, e.g. "settlement.insufficient_funds").
/// </summary>
/// <param name="Id">The act's id (decimal).</param>
/// <param name="Kind"><c>move_liquidity</c> or <c>release_hold</c>.</param>
/// <param name="Status"><c>pending</c>, <c>approved</c> or <c>declined</c>.</param>
/// <param name="TransferId"><c>move_liquidity</c>: the liquidity transfer id; else null.</param>
/// <param name="Participant"><c>move_liquidity</c>: the participant (0 otherwise).</param>
/// <param name="Ledger"><c>move_liquidity</c>: the ledger (0 otherwise).</param>
/// <param name="Amount"><c>move_liquidity</c>: minor units (0 otherwise).</param>
/// <param name="Direction"><c>move_liquidity</c>: <c>inject</c> or <c>withdraw</c>; else null.</param>
/// <param name="PaymentId"><c>release_hold</c>: the held payment's id; else null.</param>
/// <param name="Reason">The proposer's reason.</param>
/// <param name="ProposedBy">The proposing operator user id.</param>
/// <param name="ProposedByName">Its registered name; null when unknown.</param>
/// <param name="ProposedAt">Engine time of the proposal, ns since the Unix epoch.</param>
/// <param name="DecidedBy">The operator user id that approved or declined it (0 while pending).</param>
/// <param name="DecidedByName">Its registered name; null while pending or unknown.</param>
/// <param name="DecidedAt">Engine time of the decision (0 while pending).</param>
/// <param name="DecisionReason">The decider's reason (may be empty).</param>
/// <param name="Outcome">For an approved act: <c>ok</c>, or the refusal of the command it applied (e.g.
/// <c>settlement.insufficient_funds</c>, <c>compliance.payment_not_held</c>); empty otherwise.</param>
public sealed record OperatorActDto(
    string Id, string Kind, string Status, string? TransferId, ulong Participant, uint Ledger, long Amount, string? Direction, string? PaymentId, string Reason,
    uint ProposedBy, string? ProposedByName, ulong ProposedAt, uint DecidedBy, string? DecidedByName, ulong DecidedAt, string DecisionReason, string Outcome);

/// <summary>Whether four eyes are required for liquidity moves and hold releases by operator users (one-way once on).</summary>
/// <param name="Required">True once four eyes are required (<c>POST /v1/four-eyes</c> with true; false is refused: it is one-way).</param>
public sealed record FourEyesDto(bool Required);
