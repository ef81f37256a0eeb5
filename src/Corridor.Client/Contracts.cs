namespace Corridor.Client;

// Wire contracts of the Corridor REST API v1 (JSON, snake_case). 128-bit ids are strings (decimal or
// 0x-hex); participant ids, ledgers and codes are JSON integers; amounts are integer minor units; dates are
// ISO 8601 calendar dates ("2026-11-23", DateOnly).

/// <summary>Creates a ledger account (128-byte engine record). <c>Participant</c> is set by the server for participants.</summary>
public sealed record CreateAccountRequest(
    string Id, uint Ledger, ushort Code, ulong Participant = 0, string[]? Flags = null,
    string? UserData128 = null, ulong UserData64 = 0, uint UserData32 = 0);

/// <summary>An account and its balances.</summary>
public sealed record AccountDto(
    string Id, uint Ledger, ushort Code, ulong Participant, string[] Flags,
    long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted,
    string UserData128, ulong UserData64, uint UserData32, ulong Timestamp);

/// <summary>One entry of an account's balance history.</summary>
public sealed record BalanceDto(ulong Timestamp, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);

/// <summary>Creates a transfer between two accounts of one ledger; the caller must own the debit account.</summary>
public sealed record CreateTransferRequest(
    string Id, string DebitAccountId, string CreditAccountId, long Amount, uint Ledger, ushort Code,
    string? PendingId = null, string[]? Flags = null, uint TimeoutSeconds = 0,
    string? UserData128 = null, ulong UserData64 = 0, uint UserData32 = 0);

/// <summary>Up to 8,190 transfers applied in one engine command (linked chains apply atomically).</summary>
public sealed record CreateTransfersBatchRequest(CreateTransferRequest[] Transfers);

/// <summary>A transfer as stored, with its engine timestamp and two-phase status.</summary>
public sealed record TransferDto(
    string Id, string DebitAccountId, string CreditAccountId, long Amount, string PendingId, uint Ledger, ushort Code,
    string[] Flags, uint TimeoutSeconds, string UserData128, ulong UserData64, uint UserData32, ulong Timestamp, string PendingStatus);

/// <summary>Outcome of one item of a batch: <c>created</c>, <c>exists</c> or <c>rejected</c> with a code.</summary>
public sealed record BatchItemResult(int Index, string Id, string Status, string? Code);

public sealed record BatchResult(int Created, int Exists, int Rejected, BatchItemResult[] Results);

/// <summary>A page of transfers; pass <c>NextCursor</c> as <c>after</c> to continue (null when done).</summary>
public sealed record TransferPage(TransferDto[] Transfers, string? NextCursor);

public sealed record BalancePage(BalanceDto[] Balances, string? NextCursor);

// ───────────── settlement ─────────────

/// <summary>Registers a participant; the answer carries its API token (operator only).</summary>
/// <summary>Registers a participant; <c>Bic</c> (ISO 9362, 8 or 11 characters) identifies it in ISO 20022 messages.</summary>
public sealed record RegisterParticipantRequest(ulong Id, string Name, string Role, string? Bic = null);

public sealed record ParticipantTokenDto(ulong Id, string Role, string Token, DateTimeOffset ExpiresAt);

public sealed record ChangeParticipantStatusRequest(string Status);

/// <summary>Grants (granted: true) or withdraws a participant's raw transfer access to one non-settlement ledger.</summary>
public sealed record LedgerAccessRequest(uint Ledger, bool Granted = true);

/// <summary>The non-settlement ledgers a participant may use for raw transfers (POST /v1/transfers), ascending.</summary>
public sealed record LedgerAccessDto(ulong Participant, uint[] Ledgers);

public sealed record SettlementAccountDto(
    ulong Participant, uint Ledger, string AccountId, long BalanceMinor, long CreditLineMinor, long UrgentReserveMinor,
    long HighReserveMinor, long MultilateralLimitMinor, int QueuedCount, long QueuedMinor, long NetSentTodayMinor,
    long OvernightCreditMinor = 0);

/// <summary>A participant with its settlement accounts; <c>Bic</c> is null when it was registered without one.</summary>
public sealed record ParticipantDto(ulong Id, string Role, string Status, string Name, ulong RegisteredAt, SettlementAccountDto[] Accounts, string? Bic = null);

public sealed record RegisterLedgerRequest(uint Ledger, ulong CentralBankId, string CentralBankAccountId, string ClearingAccountId, string CurrencyCode);

public sealed record LedgerDto(uint Ledger, ulong CentralBankId, string CentralBankAccountId, string ClearingAccountId, string CurrencyCode);

public sealed record OpenSettlementAccountRequest(ulong Participant, uint Ledger, string AccountId);

/// <summary>Central bank funding: <c>Direction</c> is <c>inject</c> or <c>withdraw</c>.</summary>
public sealed record LiquidityRequest(string TransferId, ulong Participant, uint Ledger, long Amount, string Direction);

public sealed record CreditLineRequest(string TransferId, ulong Participant, uint Ledger, long Limit);

/// <summary>Reserves liquidity for urgent and for urgent+high payments (T2-style reservations).</summary>
public sealed record ReservationRequest(ulong Participant, uint Ledger, long UrgentReserve, long HighReserve);

/// <summary>Caps the day's net debit towards <c>Counterparty</c> (0 = multilateral) for normal payments; 0 removes it.</summary>
public sealed record SendingLimitRequest(ulong Participant, uint Ledger, ulong Counterparty, long Limit);

/// <summary>A settlement instruction; <c>Payer</c> defaults to the caller. Priority: urgent, high, normal. Kind: customer, interbank.</summary>
/// <summary>
/// A same-currency payment. Customer payments need originator and beneficiary data (FATF R16 travel rule, docs/compliance.md);
/// interbank payments may name the debtor and creditor institutions. Every payment is screened before liquidity moves.
/// </summary>
public sealed record SubmitPaymentRequest(
    string Id, ulong Payee, uint Ledger, long Amount, string Priority = "normal", string Kind = "customer",
    ulong Payer = 0, ulong EarliestNs = 0, ulong LatestNs = 0, ulong WindowId = 0,
    FxPartyDto? Originator = null, FxPartyDto? Beneficiary = null, FxTradeReferenceDto? TradeReference = null, PaymentReferencesDto? References = null);

/// <summary>ISO 20022 identifiers of a payment (GrpHdr/MsgId, PmtId/InstrId, EndToEndId, TxId, UETR); each at most 35 characters (UETR 36).</summary>
public sealed record PaymentReferencesDto(string MsgId = "", string InstrId = "", string EndToEndId = "", string TxId = "", string Uetr = "");

/// <summary>Status settled, queued, rejected, revoked, in_window, scheduled or held (by compliance; see <see cref="Compliance"/>).</summary>
public sealed record PaymentDto(
    string Id, ulong Payer, ulong Payee, uint Ledger, long Amount, string Priority, string Kind, ulong EarliestNs, ulong LatestNs,
    ulong WindowId, string Status, string? Reason, ulong SubmittedAt, ulong FinalAt, DateOnly? BusinessDate,
    FxPartyDto? Originator = null, FxPartyDto? Beneficiary = null, FxTradeReferenceDto? TradeReference = null, PaymentReferencesDto? References = null,
    HoldDto? Compliance = null, CrossNodePaymentDto? CrossNode = null, JournalBatchDto? FinalBatch = null);

/// <summary>
/// The journal batch that made a payment final (settled, rejected, revoked, failed): its sequence, engine time (Unix ns) and chain
/// hash (SHA-256, hex), which <c>corridor journal verify</c> and the audit check against the journal.
/// </summary>
public sealed record JournalBatchDto(long Sequence, ulong Time, string Hash);

/// <summary>Manages a queued payment: action move_to_front, move_to_back, move_before, change_priority, revoke.</summary>
public sealed record QueueActionRequest(string Action, string? NewPriority = null, string? ReferencePaymentId = null);

public sealed record RunLsmRequest(uint Ledger = 0);

public sealed record LsmRunDto(uint Ledger, int CandidatePayments, int SettledPayments, long SettledMinor);

public sealed record OpenWindowRequest(ulong WindowId, uint Ledger, string Name);

public sealed record NetPositionDto(ulong Participant, long NetMinor);

public sealed record WindowDto(ulong WindowId, uint Ledger, string Name, string Status, int PaymentCount, long GrossMinor,
    NetPositionDto[] NetPositions, ulong[] ExcludedParticipants, ulong ClosedAt);

/// <summary>Opens the business day <c>BusinessDate</c> (ISO 8601, e.g. "2026-11-23").</summary>
public sealed record OpenDayRequest(DateOnly BusinessDate);

/// <summary>Phase: customer_cutoff, interbank_cutoff, end_of_day.</summary>
public sealed record ChangePhaseRequest(string Phase);

/// <summary>The operating day; <c>BusinessDate</c> is null before the first day opens. Counts cover every payment path (RTGS and
/// cross-currency PvP); <c>Held</c> waits for a compliance decision; <c>CrossCurrency</c> of <c>Submitted</c> are PvP.
/// <c>Cutoffs</c> are the business day's scheduled cut-offs (empty without a schedule); <c>NextCutoff</c> names the next phase
/// the schedule moves the day to, at <c>NextCutoffAt</c>, <c>SecondsToNextCutoff</c> from when the answer was made (0 once due).</summary>
public sealed record DayDto(DateOnly? BusinessDate, string Phase, ulong PhaseSince, int Submitted, int Settled, int Queued, int Scheduled, int Rejected, int Revoked, int InWindow,
    OvernightCreditDto[]? OvernightCredits = null, int Held = 0, int CrossCurrency = 0,
    CutoffDto[]? Cutoffs = null, string? NextCutoff = null, DateTimeOffset? NextCutoffAt = null, long? SecondsToNextCutoff = null);

/// <summary>A scheduled cut-off of the business day: the phase it starts (customer_cutoff, interbank_cutoff, end_of_day) and when (UTC).</summary>
public sealed record CutoffDto(string Phase, DateTimeOffset At);

/// <summary>
/// The operating day's standing schedule: times of day "HH:MM" or "HH:MM:SS" in the operator's UTC offset ("+03:00", "-05:00", "Z").
/// All three times null (or absent) removes the schedule.
/// </summary>
public sealed record SetDayScheduleRequest(string? CustomerCutoff = null, string? InterbankCutoff = null, string? EndOfDay = null, string? UtcOffset = null);

/// <summary>The schedule in force (<c>Scheduled</c> false: phases move only by hand) and the open business day's cut-offs under it.</summary>
public sealed record DayScheduleDto(bool Scheduled, string? CustomerCutoff, string? InterbankCutoff, string? EndOfDay, string? UtcOffset, CutoffDto[] Cutoffs);

/// <summary>Intraday credit a settlement account could not repay at end of day (owed to the central bank until covered).</summary>
public sealed record OvernightCreditDto(ulong Participant, uint Ledger, long AmountMinor);

/// <summary>
/// One posted booking of a statement; for a booking of a payment, the payment's EndToEndId and UETR, the other party
/// (the originator of a credit, the beneficiary of a debit) with its bank's BIC, and the invoice it pays.
/// </summary>
public sealed record StatementEntryDto(string TransferId, string PaymentId, long Amount, bool IsCredit, ulong Counterparty, ushort Code, ulong Timestamp,
    string? EndToEndId = null, string? Uetr = null, string? CounterpartyName = null, string? CounterpartyBic = null, string? InvoiceNumber = null);

public sealed record StatementDto(DateOnly BusinessDate, ulong Participant, uint Ledger, string AccountId, long OpeningBalanceMinor,
    long ClosingBalanceMinor, StatementEntryDto[] Entries, bool Truncated);

/// <summary>
/// RFC 9457 problem details with Corridor's stable <c>code</c>. Extension members: <c>payment_id</c> and <c>payment_status</c>
/// on a payment the engine refused, <c>phase</c> and <c>allowed_phases</c> on a day-phase refusal, <c>iso20022_reason</c>
/// where an ISO 20022 reason code applies.
/// </summary>
public sealed record ProblemDto(string Type, string Title, int Status, string? Detail, string Code, string? Instance,
    string? Iso20022Reason = null, string? PaymentId = null, string? PaymentStatus = null, string? Phase = null, string[]? AllowedPhases = null);
