namespace Corridor.Client;

// Wire contracts of the Corridor REST API v1 (JSON, snake_case). 128-bit ids are strings (decimal or
// 0x-hex); participant ids, ledgers and codes are JSON integers; amounts are integer minor units; dates are
// ISO 8601 calendar dates ("2026-11-23", DateOnly).

/// <summary>
/// Body of <c>POST /v1/accounts</c> (<see cref="CorridorClient.CreateAccountAsync"/>): creates a ledger account (a 128-byte engine
/// record). Same id and content again answers 200 with the stored account; same id with other content is 409
/// <c>account.exists_with_different_*</c> naming the first differing field.
/// </summary>
/// <param name="Id">The account's 128-bit id, chosen by the caller: a decimal string (<c>"4660"</c>) or 0x-hex (<c>"0x1234"</c>, up to
/// 32 hex digits); not 0 (<c>account.id_must_not_be_zero</c>). Answers spell it in decimal.</param>
/// <param name="Ledger">The ledger (one per currency or book) the account lives in; not 0. Accounts of different ledgers never transfer
/// to each other.</param>
/// <param name="Code">The caller's account type code (e.g. 1 for a settlement account); not 0.</param>
/// <param name="Participant">Owning participant id. A participant leaves it 0 (or gives its own id: another is 403 <c>auth.forbidden</c>) and
/// the server sets the caller; the operator names any participant.</param>
/// <param name="Flags">Account flags by name: <c>debits_must_not_exceed_credits</c> (a floor at 0, required on a participant's own
/// accounts), <c>credits_must_not_exceed_debits</c>, <c>history</c> (keep a balance history for
/// <c>GET /v1/accounts/{id}/balances</c>), <c>closed</c>. <c>linked</c> is refused here (400). An unknown name is 400
/// <c>request.invalid_value</c>.</param>
/// <param name="UserData128">Free 128-bit caller data (decimal or 0x-hex string; null = 0), stored and returned as is.</param>
/// <param name="UserData64">Free 64-bit caller data, stored and returned as is.</param>
/// <param name="UserData32">Free 32-bit caller data, stored and returned as is.</param>
public sealed record CreateAccountRequest(
    string Id, uint Ledger, ushort Code, ulong Participant = 0, string[]? Flags = null,
    string? UserData128 = null, ulong UserData64 = 0, uint UserData32 = 0);

/// <summary>
/// A ledger account and its balances, as <c>GET /v1/accounts/{id}</c>, <c>GET /v1/accounts</c> and <c>POST /v1/accounts</c> answer.
/// Balances are integer minor units of the ledger's currency; the posted balance of an account with a credit-side
/// (liability) view is <c>CreditsPosted − DebitsPosted</c>.
/// </summary>
/// <param name="Id">The account's 128-bit id as a decimal string.</param>
/// <param name="Ledger">The ledger the account lives in.</param>
/// <param name="Code">The account type code given at creation (settlement accounts have 1).</param>
/// <param name="Participant">The owning participant's id (0 for system accounts such as a ledger's clearing account).</param>
/// <param name="Flags">The account's flags by name (<c>debits_must_not_exceed_credits</c>, <c>credits_must_not_exceed_debits</c>,
/// <c>history</c>, <c>closed</c>, <c>linked</c>); empty when none.</param>
/// <param name="DebitsPending">Sum of pending (two-phase, not yet posted or voided) debits, in minor units.</param>
/// <param name="DebitsPosted">Sum of posted debits, in minor units.</param>
/// <param name="CreditsPending">Sum of pending credits, in minor units.</param>
/// <param name="CreditsPosted">Sum of posted credits, in minor units.</param>
/// <param name="UserData128">The caller's 128-bit data as a decimal string (<c>"0"</c> when none was given).</param>
/// <param name="UserData64">The caller's 64-bit data (0 when none).</param>
/// <param name="UserData32">The caller's 32-bit data (0 when none).</param>
/// <param name="Timestamp">When the account was created: engine time, nanoseconds since the Unix epoch (unique per ledger event).</param>
public sealed record AccountDto(
    string Id, uint Ledger, ushort Code, ulong Participant, string[] Flags,
    long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted,
    string UserData128, ulong UserData64, uint UserData32, ulong Timestamp);

/// <summary>
/// An account's balances right after one of its transfers, as <c>GET /v1/accounts/{id}/balances</c> lists them (only accounts
/// created with the <c>history</c> flag keep a history). Amounts in minor units.
/// </summary>
/// <param name="Timestamp">Engine time of the transfer that produced these balances (ns since the Unix epoch); also the page cursor.</param>
/// <param name="DebitsPending">Pending debits after that transfer.</param>
/// <param name="DebitsPosted">Posted debits after that transfer.</param>
/// <param name="CreditsPending">Pending credits after that transfer.</param>
/// <param name="CreditsPosted">Posted credits after that transfer.</param>
public sealed record BalanceDto(ulong Timestamp, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);

/// <summary>
/// A raw ledger transfer between two accounts of one ledger (<c>POST /v1/transfers</c>, or one item of
/// <c>POST /v1/transfers/batch</c>). A participant may only debit its own accounts (403 <c>auth.forbidden</c>; an unknown debit
/// account is 422 <c>transfer.debit_account_not_found</c>) and only in ledgers the operator granted it (403
/// <c>transfer.ledger_not_granted_to_submitter</c>; settlement ledgers take payments, never raw transfers). Engine refusals are
/// <c>transfer.*</c> codes: 422 (e.g. <c>transfer.exceeds_credits</c>), or 409 for <c>exists_with_different_*</c> and
/// <c>id_already_failed</c>.
/// </summary>
/// <param name="Id">The transfer's 128-bit id, chosen by the caller (decimal or 0x-hex string, not 0). Resubmitting the same id and
/// content answers 200 with the stored transfer; a failed id keeps its failure.</param>
/// <param name="DebitAccountId">The account debited (decimal or 0x-hex id). For a post or void of a pending transfer it may be
/// <c>"0"</c> (the pending transfer's account is used) but must otherwise equal it.</param>
/// <param name="CreditAccountId">The account credited (decimal or 0x-hex id); not the debit account.</param>
/// <param name="Amount">Amount in minor units of the ledger's currency (<c>1050</c> = 10.50 KES); positive. A post of a pending
/// transfer may post less than the pending amount (0 = the whole pending amount).</param>
/// <param name="Ledger">The ledger of both accounts; not 0.</param>
/// <param name="Code">The caller's transfer type code; not 0. Codes 200–299 are reserved for the engine's own transfers.</param>
/// <param name="PendingId">For <c>post_pending_transfer</c> / <c>void_pending_transfer</c>: the id of the pending transfer to
/// resolve; otherwise null (or <c>"0"</c>).</param>
/// <param name="Flags">Transfer flags by name: <c>pending</c> (two-phase: reserve now, post or void later), <c>post_pending_transfer</c>,
/// <c>void_pending_transfer</c>, <c>linked</c> (applies atomically with the next transfer of a batch), <c>balancing_debit</c>,
/// <c>balancing_credit</c> (move at most what the account allows). An unknown name is 400 <c>request.invalid_value</c>.</param>
/// <param name="TimeoutSeconds">For a <c>pending</c> transfer: seconds after which the engine expires it and releases the
/// reservation (0 = never); must be 0 for any other transfer.</param>
/// <param name="UserData128">Free 128-bit caller data (decimal or 0x-hex string; null = 0).</param>
/// <param name="UserData64">Free 64-bit caller data.</param>
/// <param name="UserData32">Free 32-bit caller data.</param>
public sealed record CreateTransferRequest(
    string Id, string DebitAccountId, string CreditAccountId, long Amount, uint Ledger, ushort Code,
    string? PendingId = null, string[]? Flags = null, uint TimeoutSeconds = 0,
    string? UserData128 = null, ulong UserData64 = 0, uint UserData32 = 0);

/// <summary>
/// Body of <c>POST /v1/transfers/batch</c>: up to 8,190 transfers applied in one engine command (linked chains apply atomically),
/// each answered on its own in <see cref="BatchResult"/>.
/// </summary>
/// <param name="Transfers">The transfers, 1 … 8,190 (400 <c>request.empty_batch</c> / <c>request.batch_too_large</c>); body ≤ 4 MiB.</param>
public sealed record CreateTransfersBatchRequest(CreateTransferRequest[] Transfers);

/// <summary>
/// A transfer as stored, with its engine timestamp and two-phase status (<c>GET /v1/transfers/{id}</c>, <c>POST /v1/transfers</c>,
/// and the pages of <c>GET /v1/accounts/{id}/transfers</c>). Ids are decimal strings; amounts minor units.
/// </summary>
/// <param name="Id">The transfer's 128-bit id.</param>
/// <param name="DebitAccountId">The account debited.</param>
/// <param name="CreditAccountId">The account credited.</param>
/// <param name="Amount">Amount in minor units of the ledger's currency (for a post: the amount posted).</param>
/// <param name="PendingId">For a post or void: the pending transfer it resolved; otherwise <c>"0"</c>.</param>
/// <param name="Ledger">The ledger of both accounts.</param>
/// <param name="Code">The transfer type code (the engine's own codes for settlement bookings, e.g. 10 an RTGS payment, 11 an LSM leg,
/// 20 net settlement, 30/31 liquidity injection/withdrawal, 32 intraday credit, 33 credit repayment).</param>
/// <param name="Flags">The transfer's flags by name (<c>pending</c>, <c>post_pending_transfer</c>, <c>void_pending_transfer</c>,
/// <c>linked</c>, <c>balancing_debit</c>, <c>balancing_credit</c>); empty when none.</param>
/// <param name="TimeoutSeconds">A pending transfer's timeout in seconds (0 = none).</param>
/// <param name="UserData128">Caller data, decimal string (<c>"0"</c> when none); the engine's settlement transfers carry the payment id here.</param>
/// <param name="UserData64">Caller data (0 when none).</param>
/// <param name="UserData32">Caller data (0 when none).</param>
/// <param name="Timestamp">Engine time the transfer was applied, ns since the Unix epoch; unique, and the keyset cursor of transfer pages.</param>
/// <param name="PendingStatus">Two-phase status: <c>none</c> (not a pending transfer), <c>pending</c>, <c>posted</c>, <c>voided</c>,
/// <c>expired</c>. Read-model pages always say <c>none</c>: ask <c>GET /v1/transfers/{id}</c> for the live status.</param>
public sealed record TransferDto(
    string Id, string DebitAccountId, string CreditAccountId, long Amount, string PendingId, uint Ledger, ushort Code,
    string[] Flags, uint TimeoutSeconds, string UserData128, ulong UserData64, uint UserData32, ulong Timestamp, string PendingStatus);

/// <summary>Outcome of one item of <c>POST /v1/transfers/batch</c>.</summary>
/// <param name="Index">The item's 0-based position in the request's <c>transfers</c>.</param>
/// <param name="Id">The item's transfer id as it was sent.</param>
/// <param name="Status"><c>created</c> (applied now), <c>exists</c> (same id and content applied before) or <c>rejected</c>.</param>
/// <param name="Code">For <c>rejected</c>: the <c>transfer.*</c> code (e.g. <c>transfer.exceeds_credits</c>,
/// <c>transfer.linked_event_failed</c> for the other items of a failed linked chain); null otherwise.</param>
public sealed record BatchItemResult(int Index, string Id, string Status, string? Code);

/// <summary>Answer of <c>POST /v1/transfers/batch</c> (HTTP 200 whatever the items' outcomes): counts and one result per item.</summary>
/// <param name="Created">Items applied by this request.</param>
/// <param name="Exists">Items whose id was already applied with the same content (nothing moved again).</param>
/// <param name="Rejected">Items refused (nothing of them applied).</param>
/// <param name="Results">One result per item, in request order.</param>
public sealed record BatchResult(int Created, int Exists, int Rejected, BatchItemResult[] Results);

/// <summary>A page of an account's transfers (<c>GET /v1/accounts/{id}/transfers</c>), oldest first.</summary>
/// <param name="Transfers">At most <c>limit</c> transfers, oldest first.</param>
/// <param name="NextCursor">Pass as <c>after</c> to read the next page (the last row's engine timestamp); null when there is no more.</param>
public sealed record TransferPage(TransferDto[] Transfers, string? NextCursor);

/// <summary>A page of an account's balance history (<c>GET /v1/accounts/{id}/balances</c>), oldest first.</summary>
/// <param name="Balances">At most <c>limit</c> entries, oldest first.</param>
/// <param name="NextCursor">Pass as <c>after</c> to read the next page (the last entry's engine timestamp); null when the page was not full.</param>
public sealed record BalancePage(BalanceDto[] Balances, string? NextCursor);

// ───────────── settlement ─────────────

/// <summary>
/// Body of <c>POST /v1/participants</c> (operator only): registers a participant; the answer (<see cref="ParticipantTokenDto"/>)
/// carries its API token. 201 registered, 200 when the same participant was registered before.
/// </summary>
/// <param name="Id">The participant id, 1 … 2^64−2 (2^64−1 is the operator; 400 <c>request.invalid_id</c> otherwise).</param>
/// <param name="Name">Display name (at most 64 UTF-8 bytes).</param>
/// <param name="Role"><c>direct</c> (a bank holding settlement accounts and sending payments) or <c>central-bank</c> (settlement agent
/// of a currency: issues liquidity); anything else is 400 <c>request.invalid_value</c>.</param>
/// <param name="Bic">The participant's ISO 9362 BIC (8 or 11 characters), by which ISO 20022 messages find it; null or empty for none.
/// Malformed: 400 <c>request.invalid_bic</c> naming the wrong part; registered to another participant: 409
/// <c>settlement.bic_in_use</c>.</param>
public sealed record RegisterParticipantRequest(ulong Id, string Name, string Role, string? Bic = null);

/// <summary>A participant's API token, answered by <c>POST /v1/participants</c> and <c>POST /v1/participants/{id}/tokens</c>.</summary>
/// <param name="Id">The participant id the token acts for.</param>
/// <param name="Role"><c>direct</c> or <c>central-bank</c>.</param>
/// <param name="Token">The signed bearer token, sent as <c>Authorization: Bearer …</c> (keep it secret; it is shown only here).</param>
/// <param name="ExpiresAt">When the token stops being accepted (365 days after issue, whole seconds, UTC).</param>
public sealed record ParticipantTokenDto(ulong Id, string Role, string Token, DateTimeOffset ExpiresAt);

/// <summary>Body of <c>POST /v1/participants/{id}/status</c> (operator only).</summary>
/// <param name="Status"><c>active</c>, <c>suspended</c> (its tokens are refused with 403 <c>auth.participant_suspended</c>; its queued
/// and scheduled payments, as payer or payee, are rejected) or <c>closed</c> (final; only when its settlement accounts are at
/// zero, else 422 <c>settlement.participant_has_balance</c>).</param>
public sealed record ChangeParticipantStatusRequest(string Status);

/// <summary>
/// Body of <c>POST /v1/participants/{id}/ledger-access</c> (operator only): grants or withdraws a participant's raw transfer
/// access (<c>POST /v1/transfers</c>) to one non-settlement ledger. A settlement ledger is 422
/// <c>settlement.settlement_ledger_not_grantable</c>.
/// </summary>
/// <param name="Ledger">The non-settlement ledger (e.g. a bank's own book).</param>
/// <param name="Granted">True grants access, false withdraws it.</param>
public sealed record LedgerAccessRequest(uint Ledger, bool Granted = true);

/// <summary>The non-settlement ledgers a participant may use for raw transfers (<c>POST /v1/transfers</c>).</summary>
/// <param name="Participant">The participant id.</param>
/// <param name="Ledgers">The ledgers granted to it, ascending (empty when none).</param>
public sealed record LedgerAccessDto(ulong Participant, uint[] Ledgers);

/// <summary>
/// A participant's settlement account in one ledger (currency) and its RTGS state: answered by
/// <c>GET /v1/participants/{id}/settlement-accounts/{ledger}</c> and by the liquidity calls (<c>/v1/settlement-accounts</c>,
/// <c>/v1/liquidity</c>, <c>/v1/credit-lines</c>, <c>/v1/reservations</c>, <c>/v1/sending-limits</c>). Amounts are minor units
/// of the ledger's currency.
/// </summary>
/// <param name="Participant">The owning participant.</param>
/// <param name="Ledger">The ledger (currency) of the account.</param>
/// <param name="AccountId">The underlying ledger account's 128-bit id (decimal string).</param>
/// <param name="BalanceMinor">Available balance: posted credits − posted debits − pending debits (includes the credit line drawn onto
/// the account).</param>
/// <param name="CreditLineMinor">Intraday credit line granted by the central bank (0 = none); repaid at end of day.</param>
/// <param name="UrgentReserveMinor">Liquidity reserved for urgent payments (high and normal payments may not use it).</param>
/// <param name="HighReserveMinor">Liquidity reserved for urgent and high payments (normal payments may not use it).</param>
/// <param name="MultilateralLimitMinor">Cap on the day's net debit towards all counterparties for normal payments (0 = no limit).</param>
/// <param name="QueuedCount">Payments of this payer waiting in the account's queues (urgent, high, normal).</param>
/// <param name="QueuedMinor">Total amount of those queued payments.</param>
/// <param name="NetSentTodayMinor">The business day's net sending position over RTGS and LSM settlements (paid − received); what the
/// multilateral limit is checked against. Reset when a day opens.</param>
/// <param name="OvernightCreditMinor">Intraday credit not repaid at an end of day: owed to the central bank until a later day open or end
/// of day repays it (0 when none).</param>
public sealed record SettlementAccountDto(
    ulong Participant, uint Ledger, string AccountId, long BalanceMinor, long CreditLineMinor, long UrgentReserveMinor,
    long HighReserveMinor, long MultilateralLimitMinor, int QueuedCount, long QueuedMinor, long NetSentTodayMinor,
    long OvernightCreditMinor = 0);

/// <summary>A participant with its settlement accounts (<c>GET /v1/participants</c>, <c>GET /v1/participants/{id}</c>).</summary>
/// <param name="Id">The participant id (1 … 2^64−2).</param>
/// <param name="Role"><c>direct</c> or <c>central-bank</c> (<c>operator</c> only for the operator's own record, id 2^64−1).</param>
/// <param name="Status"><c>active</c>, <c>suspended</c> or <c>closed</c>.</param>
/// <param name="Name">The registered display name.</param>
/// <param name="RegisteredAt">Engine time of registration, ns since the Unix epoch.</param>
/// <param name="Accounts">Its settlement accounts, one per ledger it has opened one in.</param>
/// <param name="Bic">Its ISO 9362 BIC; null when it was registered without one.</param>
public sealed record ParticipantDto(ulong Id, string Role, string Status, string Name, ulong RegisteredAt, SettlementAccountDto[] Accounts, string? Bic = null);

/// <summary>
/// Body of <c>POST /v1/ledgers</c> (operator only): opens a currency ledger for settlement. The engine creates, in one step, the
/// central bank's account (no floor: it issues the money) and the ledger's clearing account (through which offsetting, LSM and
/// net settlement pass). A ledger registered before is 409 <c>settlement.ledger_already_registered</c>; an account id in use
/// 409 <c>settlement.account_id_in_use</c>.
/// </summary>
/// <param name="Ledger">The ledger number (not 0); by convention the currency's ISO 4217 numeric code (404 for KES).</param>
/// <param name="CentralBankId">The participant id of the central bank (registered with role <c>central-bank</c>) that is the
/// ledger's settlement agent: it alone, besides the operator, injects and withdraws liquidity.</param>
/// <param name="CentralBankAccountId">Id (decimal or 0x-hex) for the central bank's new account in this ledger.</param>
/// <param name="ClearingAccountId">Id (decimal or 0x-hex) for the ledger's new clearing account.</param>
/// <param name="CurrencyCode">The ledger's currency, ISO 4217 alphabetic (<c>KES</c>), used by ISO 20022 messages and FX.</param>
public sealed record RegisterLedgerRequest(uint Ledger, ulong CentralBankId, string CentralBankAccountId, string ClearingAccountId, string CurrencyCode);

/// <summary>A registered settlement ledger (<c>POST /v1/ledgers</c>, <c>GET /v1/ledgers</c>).</summary>
/// <param name="Ledger">The ledger number.</param>
/// <param name="CentralBankId">The participant id of its central bank (settlement agent).</param>
/// <param name="CentralBankAccountId">The central bank's account in the ledger (decimal id).</param>
/// <param name="ClearingAccountId">The ledger's clearing account (decimal id).</param>
/// <param name="CurrencyCode">ISO 4217 alphabetic currency code.</param>
public sealed record LedgerDto(uint Ledger, ulong CentralBankId, string CentralBankAccountId, string ClearingAccountId, string CurrencyCode);

/// <summary>
/// Body of <c>POST /v1/settlement-accounts</c> (the participant itself or a system operator): opens the participant's settlement
/// account in a registered ledger (one per participant and ledger; ledger account code 1, floor at 0). 409
/// <c>settlement.settlement_account_exists</c> / <c>settlement.account_id_in_use</c>; 404 <c>settlement.ledger_not_registered</c>.
/// </summary>
/// <param name="Participant">The direct participant that owns the account.</param>
/// <param name="Ledger">A ledger registered with <c>POST /v1/ledgers</c>.</param>
/// <param name="AccountId">Id (decimal or 0x-hex) for the new ledger account.</param>
public sealed record OpenSettlementAccountRequest(ulong Participant, uint Ledger, string AccountId);

/// <summary>
/// Body of <c>POST /v1/liquidity</c>: central bank money moved onto or off a settlement account, by the operator or by the
/// ledger's own central bank (another participant: 403 <c>settlement.not_a_central_bank</c> / <c>auth.operator_only</c>).
/// Only own funds can be withdrawn (balance − credit line − overnight credit).
/// </summary>
/// <param name="TransferId">Id (decimal or 0x-hex) of the ledger transfer; it makes the call idempotent (same id again moves nothing).</param>
/// <param name="Participant">The participant whose settlement account is funded or drained.</param>
/// <param name="Ledger">The ledger (currency).</param>
/// <param name="Amount">Minor units, 1 … 10^18 (400 <c>request.invalid_amount</c> otherwise).</param>
/// <param name="Direction"><c>inject</c> (central bank → participant) or <c>withdraw</c> (participant → central bank).</param>
public sealed record LiquidityRequest(string TransferId, ulong Participant, uint Ledger, long Amount, string Direction);

/// <summary>
/// Body of <c>POST /v1/credit-lines</c> (operator only): sets a settlement account's intraday credit line. The line is central bank
/// money moved onto the account; lowering it needs that much available (422 <c>settlement.credit_line_in_use</c>). It is repaid at
/// end of day; what the balance does not cover becomes overnight credit.
/// </summary>
/// <param name="TransferId">Id (decimal or 0x-hex) of the ledger transfer that moves the difference; makes the call idempotent.</param>
/// <param name="Participant">The participant whose settlement account gets the line.</param>
/// <param name="Ledger">The ledger (currency).</param>
/// <param name="Limit">The new line in minor units, 0 … 10^18 (0 withdraws it).</param>
public sealed record CreditLineRequest(string TransferId, ulong Participant, uint Ledger, long Limit);

/// <summary>
/// Body of <c>POST /v1/reservations</c> (the participant itself or a system operator): reserves liquidity by priority, as T2 does.
/// Urgent payments may use everything; high payments all but the urgent reserve; normal payments all but both reserves.
/// </summary>
/// <param name="Participant">The participant whose settlement account is reserved.</param>
/// <param name="Ledger">The ledger (currency).</param>
/// <param name="UrgentReserve">Minor units kept for urgent payments, 0 … 10^18 (0 = none).</param>
/// <param name="HighReserve">Minor units kept for urgent and high payments, 0 … 10^18 (0 = none).</param>
public sealed record ReservationRequest(ulong Participant, uint Ledger, long UrgentReserve, long HighReserve);

/// <summary>
/// Body of <c>POST /v1/sending-limits</c> (the participant itself or a system operator): caps the business day's net debit position
/// (paid − received over RTGS and LSM settlements) for <b>normal</b> payments; urgent and high payments are not limited. Positions
/// reset when a day opens.
/// </summary>
/// <param name="Participant">The participant whose sending is limited.</param>
/// <param name="Ledger">The ledger (currency).</param>
/// <param name="Counterparty">A participant id for a bilateral limit towards it, or 0 for the multilateral limit (towards all).</param>
/// <param name="Limit">The cap in minor units, 0 … 10^18; 0 removes the limit.</param>
public sealed record SendingLimitRequest(ulong Participant, uint Ledger, ulong Counterparty, long Limit);

/// <summary>
/// Body of <c>POST /v1/payments</c>: a same-currency RTGS payment from the payer's to the payee's settlement account in one ledger.
/// Customer payments need originator and beneficiary data (FATF R16 travel rule, docs/compliance.md: 400
/// <c>compliance.travel_rule_incomplete</c> with an ISO reason RR01–RR04); interbank payments may name the debtor and creditor
/// institutions. Every payment is screened before liquidity moves. A payment the engine refuses (day not open, after a cut-off,
/// unknown payee, …) is recorded as rejected and answered 422 with its <c>settlement.*</c> code.
/// </summary>
/// <param name="Id">The payment's 128-bit id, chosen by the payer (decimal or 0x-hex string). Same id and content again answers the
/// payment as it stands (200); other content is 409 <c>settlement.payment_exists_with_different_content</c>.</param>
/// <param name="Payee">The participant id of the receiving bank.</param>
/// <param name="Ledger">The settlement ledger (currency); payer and payee both need a settlement account in it.</param>
/// <param name="Amount">Minor units of the ledger's currency, 1 … 10^18.</param>
/// <param name="Priority"><c>urgent</c>, <c>high</c> or <c>normal</c> (T2 priorities: urgent and high are not held to sending limits
/// and never overtake a queued payment of the same or higher priority).</param>
/// <param name="Kind"><c>customer</c> (pacs.008: needs travel-rule data; accepted until the customer cut-off) or <c>interbank</c>
/// (pacs.009: accepted until the interbank cut-off).</param>
/// <param name="Payer">The paying participant: 0 = the caller. The operator must name it (400 <c>request.missing_field</c>);
/// a participant naming another is 403 <c>auth.forbidden</c>.</param>
/// <param name="EarliestNs">Earliest settlement time, engine ns since the Unix epoch (0 = none): before it the payment is
/// <c>scheduled</c>.</param>
/// <param name="LatestNs">Latest settlement time, engine ns (0 = none): a payment still queued or scheduled then is rejected
/// (<c>settlement.latest_time_passed</c>).</param>
/// <param name="WindowId">A netting window opened with <c>POST /v1/netting-windows</c> in the same ledger (deferred net settlement when
/// it closes), or 0 for gross settlement. An unknown, closed or other-ledger window rejects the payment
/// (<c>settlement.window_not_found</c>, <c>settlement.window_not_open</c>, <c>settlement.window_ledger_mismatch</c>).</param>
/// <param name="Originator">Who pays (a customer payment's originator, or an interbank payment's debtor institution); see
/// <see cref="FxPartyDto"/>. Only the originator may carry date and place of birth.</param>
/// <param name="Beneficiary">Who is paid (a customer payment's beneficiary, or the creditor institution).</param>
/// <param name="TradeReference">Optional: what the payment pays for; what it gives must be well formed (422 <c>fx.hs_code_invalid</c>,
/// <c>fx.incoterms_invalid</c>, <c>fx.invoice_date_invalid</c>).</param>
/// <param name="References">Optional ISO 20022 identifiers of the payment; they make it findable with
/// <c>GET /v1/payments?uetr=…</c> and appear in camt reports.</param>
public sealed record SubmitPaymentRequest(
    string Id, ulong Payee, uint Ledger, long Amount, string Priority = "normal", string Kind = "customer",
    ulong Payer = 0, ulong EarliestNs = 0, ulong LatestNs = 0, ulong WindowId = 0,
    FxPartyDto? Originator = null, FxPartyDto? Beneficiary = null, FxTradeReferenceDto? TradeReference = null, PaymentReferencesDto? References = null);

/// <summary>
/// Body of <c>POST /v1/payments/batch</c>: up to 1,000 payments, each decided on its own exactly as <c>POST /v1/payments</c> decides
/// one (the same checks, the same engine rules: travel rule, screening, the operating day, queues), the accepted ones journaled
/// together as one command.
/// </summary>
/// <param name="Payments">The payments, 1 … 1,000 (400 <c>request.empty_batch</c> / <c>request.batch_too_large</c>); body ≤ 4 MiB.</param>
public sealed record PaymentBatchRequest(SubmitPaymentRequest[] Payments);

/// <summary>Outcome of one payment of <c>POST /v1/payments/batch</c>.</summary>
/// <param name="Index">The payment's 0-based position in the request's <c>payments</c>.</param>
/// <param name="Id">The payment's id as it was sent.</param>
/// <param name="Status">What it is now: as <see cref="PaymentDto.Status"/> (<c>settled</c>, <c>queued</c>, <c>scheduled</c>, <c>in_window</c>,
/// <c>held</c>) for an accepted payment; for a refused one the status the engine recorded (<c>rejected</c>), or <c>refused</c> when
/// nothing was recorded.</param>
/// <param name="Replayed">True when a payment of that id and content was already recorded (<c>POST /v1/payments</c> answers 200 then, not 201).</param>
/// <param name="Code">For a refused payment: the code <c>POST /v1/payments</c> answers for it (<c>request.*</c>, <c>settlement.*</c>,
/// <c>compliance.*</c>, <c>fx.*</c>; <c>request.duplicate_id</c> for an id twice in the batch); null otherwise.</param>
/// <param name="Detail">For a refused payment: why, naming its index; null otherwise.</param>
/// <param name="Iso20022Reason">For a refused payment: the ISO 20022 status reason a pacs.002 would give (e.g. <c>RR02</c>, <c>CUTA</c>, <c>AM04</c>) where one exists.</param>
/// <param name="PaymentId">The engine's id of the recorded payment (as <see cref="PaymentDto.Id"/>); null when nothing was recorded.</param>
public sealed record PaymentBatchItemResult(int Index, string Id, string Status, bool Replayed, string? Code, string? Detail, string? Iso20022Reason, string? PaymentId);

/// <summary>Answer of <c>POST /v1/payments/batch</c> (HTTP 200 whatever the payments' outcomes): counts and one result per payment.</summary>
/// <param name="Accepted">Payments recorded and not refused (settled, queued, scheduled or in a window), by this request or an earlier one with the same id and content.</param>
/// <param name="Held">Payments held by compliance for an officer's decision.</param>
/// <param name="Refused">Payments refused (recorded as rejected, or not recorded at all).</param>
/// <param name="Results">One result per payment, in request order.</param>
public sealed record PaymentBatchResult(int Accepted, int Held, int Refused, PaymentBatchItemResult[] Results);

/// <summary>
/// ISO 20022 identifiers of a payment, as on <c>POST /v1/payments</c>, <c>POST /v1/fx/payments</c> and
/// <c>POST /v1/federation/payments</c>, and as answered for a payment instructed with them. Empty = not given. Each id is at most 35
/// characters without control characters (400 <c>request.invalid_value</c> otherwise).
/// </summary>
/// <param name="MsgId">GrpHdr/MsgId: the instructing message's id.</param>
/// <param name="InstrId">PmtId/InstrId: the instructing party's id of the instruction.</param>
/// <param name="EndToEndId">PmtId/EndToEndId: the originator's reference, passed unchanged along the chain.</param>
/// <param name="TxId">PmtId/TxId: the first instructing agent's transaction id.</param>
/// <param name="Uetr">PmtId/UETR: a UUID (36 characters, <c>xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx</c>), kept in lower case.</param>
public sealed record PaymentReferencesDto(string MsgId = "", string InstrId = "", string EndToEndId = "", string TxId = "", string Uetr = "");

/// <summary>
/// A payment and where it stands: answered by <c>POST /v1/payments</c>, <c>GET /v1/payments/{id}</c> (from the read model),
/// <c>POST /v1/payments/{id}/actions</c> and <c>GET /v1/participants/{id}/queue/{ledger}</c>. Amounts in minor units, times in engine
/// ns since the Unix epoch.
/// </summary>
/// <param name="Id">The payment's 128-bit id (decimal string).</param>
/// <param name="Payer">The paying participant.</param>
/// <param name="Payee">The receiving participant.</param>
/// <param name="Ledger">The settlement ledger (currency).</param>
/// <param name="Amount">Minor units of the ledger's currency.</param>
/// <param name="Priority"><c>urgent</c>, <c>high</c> or <c>normal</c> (as it is now: a queue action may have changed it).</param>
/// <param name="Kind"><c>customer</c> or <c>interbank</c>.</param>
/// <param name="EarliestNs">Earliest settlement time (0 = none).</param>
/// <param name="LatestNs">Latest settlement time (0 = none); for a cross-node payment its expiry.</param>
/// <param name="WindowId">The netting window it was submitted to (0 = gross settlement).</param>
/// <param name="Status"><c>settled</c>, <c>queued</c> (waiting for liquidity), <c>scheduled</c> (before its earliest time),
/// <c>in_window</c> (waiting for its netting window to close), <c>held</c> (by compliance, see <paramref name="Compliance"/>),
/// <c>rejected</c>, <c>revoked</c>; a PvP payment may be <c>failed</c>, a cross-node one <c>prepared</c> or <c>refused</c>.</param>
/// <param name="Reason">Why it was rejected, revoked or failed: <c>settlement.*</c> (e.g. <c>settlement.after_customer_cutoff</c>,
/// <c>settlement.rejected_by_compliance</c>, <c>settlement.revoked_by_payer</c>), <c>exchange.*</c> for a PvP payment,
/// <c>federation.*</c> for a cross-node one; null otherwise.</param>
/// <param name="SubmittedAt">Engine time it was submitted.</param>
/// <param name="FinalAt">Engine time it became final (settled, rejected, revoked); 0 while it is not.</param>
/// <param name="BusinessDate">The business day it was submitted in; null before the first day opened.</param>
/// <param name="Originator">The originator (or debtor institution) as submitted; null when none was given.</param>
/// <param name="Beneficiary">The beneficiary (or creditor institution) as submitted; null when none was given.</param>
/// <param name="TradeReference">The trade reference as submitted; null when none was given.</param>
/// <param name="References">The ISO 20022 identifiers it was instructed with; null when none.</param>
/// <param name="Compliance">The compliance record of a screened payment (decision, hits, hold decision); null when there is none.</param>
/// <param name="CrossNode">For a cross-node payment: where it stands with the peer node; null otherwise.</param>
/// <param name="FinalBatch">Once final (<c>GET /v1/payments/{id}</c> only): the journal batch that made it so; null otherwise.</param>
public sealed record PaymentDto(
    string Id, ulong Payer, ulong Payee, uint Ledger, long Amount, string Priority, string Kind, ulong EarliestNs, ulong LatestNs,
    ulong WindowId, string Status, string? Reason, ulong SubmittedAt, ulong FinalAt, DateOnly? BusinessDate,
    FxPartyDto? Originator = null, FxPartyDto? Beneficiary = null, FxTradeReferenceDto? TradeReference = null, PaymentReferencesDto? References = null,
    HoldDto? Compliance = null, CrossNodePaymentDto? CrossNode = null, JournalBatchDto? FinalBatch = null);

/// <summary>
/// The journal batch that made a payment final (settled, rejected, revoked, failed): its sequence, engine time (Unix ns) and chain
/// hash (SHA-256, hex), which <c>corridor journal verify</c> and the audit check against the journal.
/// </summary>
/// <param name="Sequence">The batch's journal sequence number.</param>
/// <param name="Time">The batch's engine time, ns since the Unix epoch.</param>
/// <param name="Hash">The batch's chain hash, SHA-256 as 64 lower-case hex digits.</param>
public sealed record JournalBatchDto(long Sequence, ulong Time, string Hash);

/// <summary>
/// Body of <c>POST /v1/payments/{id}/actions</c> (the payer or a system operator): manages a payment waiting in the payer's queue.
/// Refusals are 422 <c>settlement.*</c> (e.g. <c>settlement.payment_not_queued</c>, <c>settlement.reference_not_in_same_queue</c>).
/// </summary>
/// <param name="Action"><c>move_to_front</c>, <c>move_to_back</c>, <c>move_before</c> (with <paramref name="ReferencePaymentId"/>),
/// <c>change_priority</c> (with <paramref name="NewPriority"/>: to the back of that priority's queue) or <c>revoke</c> (a queued,
/// scheduled or in-window payment becomes <c>revoked</c>).</param>
/// <param name="NewPriority">For <c>change_priority</c>: <c>urgent</c>, <c>high</c> or <c>normal</c>; null keeps the current one.</param>
/// <param name="ReferencePaymentId">For <c>move_before</c>: the queued payment (same payer, ledger and priority) to place it before
/// (decimal or 0x-hex id).</param>
public sealed record QueueActionRequest(string Action, string? NewPriority = null, string? ReferencePaymentId = null);

/// <summary>Body of <c>POST /v1/lsm/runs</c> (operator only).</summary>
/// <param name="Ledger">The ledger whose queues the liquidity-saving mechanism optimises; 0 = every ledger, ascending.</param>
public sealed record RunLsmRequest(uint Ledger = 0);

/// <summary>Outcome of one multilateral LSM run over one ledger (<c>POST /v1/lsm/runs</c>).</summary>
/// <param name="Ledger">The ledger run over.</param>
/// <param name="CandidatePayments">Queued payments considered.</param>
/// <param name="SettledPayments">Of those, how many settled together (atomically, through the clearing account).</param>
/// <param name="SettledMinor">Their total amount in minor units.</param>
public sealed record LsmRunDto(uint Ledger, int CandidatePayments, int SettledPayments, long SettledMinor);

/// <summary>
/// Body of <c>POST /v1/netting-windows</c> (operator only): opens a deferred net settlement window. Payments submitted with its
/// <c>window_id</c> wait <c>in_window</c> until <c>POST /v1/netting-windows/{id}/close</c> (or the interbank cut-off) settles the net
/// positions. An id in use is 409 <c>settlement.window_exists</c>.
/// </summary>
/// <param name="WindowId">The window's id, chosen by the operator (a positive integer).</param>
/// <param name="Ledger">The settlement ledger (currency) of the window.</param>
/// <param name="Name">A display name.</param>
public sealed record OpenWindowRequest(ulong WindowId, uint Ledger, string Name);

/// <summary>A participant's net position in a netting window.</summary>
/// <param name="Participant">The participant id.</param>
/// <param name="NetMinor">Receipts − payments in minor units: positive = net creditor, negative = net debtor.</param>
public sealed record NetPositionDto(ulong Participant, long NetMinor);

/// <summary>
/// A netting window (<c>GET /v1/netting-windows/{id}</c>, open and close). A participant sees only its own net position and
/// exclusion; the operator sees all.
/// </summary>
/// <param name="WindowId">The window's id.</param>
/// <param name="Ledger">Its settlement ledger.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Status"><c>open</c> (taking payments) or <c>settled</c> (closed and net-settled).</param>
/// <param name="PaymentCount">Payments submitted to it.</param>
/// <param name="GrossMinor">Their gross total in minor units.</param>
/// <param name="NetPositions">Net positions by participant (ascending id); indicative while open, final once settled.</param>
/// <param name="ExcludedParticipants">Participants excluded at close (not active, or a net debit their liquidity did not cover); their
/// payments were rejected (<c>settlement.excluded_from_netting</c>).</param>
/// <param name="ClosedAt">Engine time of the close, ns since the Unix epoch; 0 while open.</param>
public sealed record WindowDto(ulong WindowId, uint Ledger, string Name, string Status, int PaymentCount, long GrossMinor,
    NetPositionDto[] NetPositions, ulong[] ExcludedParticipants, ulong ClosedAt);

/// <summary>Body of <c>POST /v1/day/open</c> (operator only): opens a business day, from the closed or end-of-day phase.</summary>
/// <param name="BusinessDate">The new business date (JSON <c>"2026-11-23"</c>); it must be later than the previous one. Opening repays
/// overnight credit as far as balances cover it and resets the day's sending-limit positions.</param>
public sealed record OpenDayRequest(DateOnly BusinessDate);

/// <summary>Body of <c>POST /v1/day/phase</c> (operator only): moves the operating day one phase forward by hand.</summary>
/// <param name="Phase"><c>customer_cutoff</c> (queued customer payments are rejected), <c>interbank_cutoff</c> (open netting windows settle,
/// queued payments are rejected) or <c>end_of_day</c> (intraday credit repaid, statements built).</param>
public sealed record ChangePhaseRequest(string Phase);

/// <summary>
/// The operating day (<c>GET /v1/day</c>, and the answers of <c>POST /v1/day/open</c> and <c>POST /v1/day/phase</c>). Payment counts
/// are the business day's and cover every payment path (RTGS and cross-currency PvP).
/// </summary>
/// <param name="BusinessDate">The current business date; null before the first day opens.</param>
/// <param name="Phase"><c>closed</c> (before the first day), <c>open</c>, <c>customer_cutoff</c>, <c>interbank_cutoff</c> or <c>end_of_day</c>.</param>
/// <param name="PhaseSince">Engine time the day entered this phase, ns since the Unix epoch.</param>
/// <param name="Submitted">Payments submitted in the day.</param>
/// <param name="Settled">Of those, settled.</param>
/// <param name="Queued">Of those, waiting in a queue for liquidity.</param>
/// <param name="Scheduled">Of those, waiting for their earliest time.</param>
/// <param name="Rejected">Of those, rejected.</param>
/// <param name="Revoked">Of those, revoked by the payer or operator.</param>
/// <param name="InWindow">Of those, waiting in a netting window.</param>
/// <param name="OvernightCredits">Settlement accounts that owe overnight credit (intraday credit not repaid at the last end of day).</param>
/// <param name="Held">Of those, waiting for a compliance decision.</param>
/// <param name="CrossCurrency">How many of <paramref name="Submitted"/> are cross-currency (PvP) payments.</param>
/// <param name="Cutoffs">The business day's scheduled cut-offs (empty without a schedule).</param>
/// <param name="NextCutoff">The phase the schedule moves the day to next; null without a schedule or once all passed.</param>
/// <param name="NextCutoffAt">When that cut-off is due (UTC); null with <paramref name="NextCutoff"/>.</param>
/// <param name="SecondsToNextCutoff">Seconds from when the answer was made to <paramref name="NextCutoffAt"/>, rounded up (0 once due);
/// count down from <paramref name="NextCutoffAt"/> rather than from this.</param>
public sealed record DayDto(DateOnly? BusinessDate, string Phase, ulong PhaseSince, int Submitted, int Settled, int Queued, int Scheduled, int Rejected, int Revoked, int InWindow,
    OvernightCreditDto[]? OvernightCredits = null, int Held = 0, int CrossCurrency = 0,
    CutoffDto[]? Cutoffs = null, string? NextCutoff = null, DateTimeOffset? NextCutoffAt = null, long? SecondsToNextCutoff = null);

/// <summary>A scheduled cut-off of the business day.</summary>
/// <param name="Phase">The phase it starts: <c>customer_cutoff</c>, <c>interbank_cutoff</c> or <c>end_of_day</c>.</param>
/// <param name="At">When, UTC (the business date's time of day in the schedule's offset).</param>
public sealed record CutoffDto(string Phase, DateTimeOffset At);

/// <summary>
/// Body of <c>PUT /v1/day/schedule</c> (operator only): the operating day's standing schedule, applied to every business day. Give all
/// four members, or none (<c>{}</c>) to remove the schedule (phases then move only by hand). 400 <c>request.invalid_value</c> (form),
/// <c>request.missing_field</c> (some but not all); 422 <c>settlement.cutoff_outside_day</c>, <c>settlement.cutoffs_out_of_order</c>,
/// <c>settlement.utc_offset_out_of_range</c>.
/// </summary>
/// <param name="CustomerCutoff">Time of day of the customer cut-off, <c>"HH:MM"</c> or <c>"HH:MM:SS"</c>.</param>
/// <param name="InterbankCutoff">Time of day of the interbank cut-off; after the customer cut-off.</param>
/// <param name="EndOfDay">Time of day of the end of day; after the interbank cut-off.</param>
/// <param name="UtcOffset">The operator's UTC offset the times are in: <c>"+03:00"</c>, <c>"-05:00"</c> or <c>"Z"</c> (within ±14:00).</param>
public sealed record SetDayScheduleRequest(string? CustomerCutoff = null, string? InterbankCutoff = null, string? EndOfDay = null, string? UtcOffset = null);

/// <summary>The cut-off schedule in force (<c>GET</c> / <c>PUT /v1/day/schedule</c>) and the open business day's cut-offs under it.</summary>
/// <param name="Scheduled">False when there is no schedule (phases move only by hand; the times are then null).</param>
/// <param name="CustomerCutoff">Customer cut-off time of day, <c>"HH:MM"</c> or <c>"HH:MM:SS"</c>.</param>
/// <param name="InterbankCutoff">Interbank cut-off time of day.</param>
/// <param name="EndOfDay">End-of-day time of day.</param>
/// <param name="UtcOffset">The offset the times are in, e.g. <c>"+03:00"</c>.</param>
/// <param name="Cutoffs">The open business day's cut-offs as instants (empty without a schedule or an open day).</param>
public sealed record DayScheduleDto(bool Scheduled, string? CustomerCutoff, string? InterbankCutoff, string? EndOfDay, string? UtcOffset, CutoffDto[] Cutoffs);

/// <summary>Intraday credit a settlement account could not repay at end of day (owed to the central bank until covered).</summary>
/// <param name="Participant">The participant that owes it.</param>
/// <param name="Ledger">The ledger (currency) of the settlement account.</param>
/// <param name="AmountMinor">The amount owed, in minor units.</param>
public sealed record OvernightCreditDto(ulong Participant, uint Ledger, long AmountMinor);

/// <summary>
/// One posted booking of a statement; for a booking of a payment, the payment's EndToEndId and UETR, the other party
/// (the originator of a credit, the beneficiary of a debit) with its bank's BIC, and the invoice it pays.
/// </summary>
/// <param name="TransferId">The ledger transfer that is the booking (decimal id).</param>
/// <param name="PaymentId">The payment it settles (RTGS, LSM and PvP legs alike), or <c>"0"</c> for a booking of no payment (funding,
/// credit, net settlement).</param>
/// <param name="Amount">Minor units, always positive; <paramref name="IsCredit"/> gives the direction.</param>
/// <param name="IsCredit">True for a credit to the account, false for a debit.</param>
/// <param name="Counterparty">The other participant: the payment's other party, the central bank for funding and credit, 0 for net
/// settlement.</param>
/// <param name="Code">The ledger transfer code (10 RTGS payment, 11 LSM leg, 20 net settlement, 30/31 liquidity injection/withdrawal,
/// 32 intraday credit, 33 credit repayment, …).</param>
/// <param name="Timestamp">Engine time of the booking, ns since the Unix epoch.</param>
/// <param name="EndToEndId">The payment's EndToEndId when it was instructed with one; else null.</param>
/// <param name="Uetr">The payment's UETR when it has one; else null.</param>
/// <param name="CounterpartyName">The originator's name on a credit, the beneficiary's on a debit; null when unknown.</param>
/// <param name="CounterpartyBic">The BIC of the other party's bank (payer's on a credit, payee's on a debit); null when unknown.</param>
/// <param name="InvoiceNumber">The invoice the payment pays; null when none.</param>
public sealed record StatementEntryDto(string TransferId, string PaymentId, long Amount, bool IsCredit, ulong Counterparty, ushort Code, ulong Timestamp,
    string? EndToEndId = null, string? Uetr = null, string? CounterpartyName = null, string? CounterpartyBic = null, string? InvoiceNumber = null);

/// <summary>
/// A settlement account's end-of-day statement (<c>GET /v1/statements/{date}/{account_id}</c>, from the read model): posted bookings
/// only (a pending reservation or its void is no booking); <c>OpeningBalanceMinor + Σ entries = ClosingBalanceMinor</c>.
/// </summary>
/// <param name="BusinessDate">The business day.</param>
/// <param name="Participant">The account's owner.</param>
/// <param name="Ledger">The account's ledger (currency).</param>
/// <param name="AccountId">The settlement account's id (decimal).</param>
/// <param name="OpeningBalanceMinor">Posted balance at the start of the statement period (the previous end of day), minor units.</param>
/// <param name="ClosingBalanceMinor">Posted balance at this end of day, minor units.</param>
/// <param name="Entries">The period's posted bookings, oldest first.</param>
/// <param name="Truncated">True when the period had more than 1,000,000 bookings and only the first are listed.</param>
public sealed record StatementDto(DateOnly BusinessDate, ulong Participant, uint Ledger, string AccountId, long OpeningBalanceMinor,
    long ClosingBalanceMinor, StatementEntryDto[] Entries, bool Truncated);

/// <summary>
/// RFC 9457 problem details (<c>application/problem+json</c>) with Corridor's stable <c>code</c>: every non-2xx answer of the JSON API
/// (see <see cref="ApiResult{T}.Problem"/>). Match on <paramref name="Code"/>, never on <paramref name="Detail"/>.
/// </summary>
/// <param name="Type">A URI naming the problem, <c>https://corridor.dev/problems/{code}</c>.</param>
/// <param name="Title">A short human summary of the problem class (e.g. "Rejected by the engine").</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">Human explanation of this occurrence (names the JSON path of a bad member); may change between versions.</param>
/// <param name="Code">The stable code, <c>family.name</c>: <c>auth.*</c>, <c>request.*</c>, <c>account.*</c>, <c>transfer.*</c>,
/// <c>settlement.*</c>, <c>fx.*</c>, <c>compliance.*</c>, <c>federation.*</c>, <c>read_model.*</c>, <c>node.*</c> (docs/api.md, "Errors").</param>
/// <param name="Instance">The request path that failed.</param>
/// <param name="Iso20022Reason">The ISO 20022 reason code where one applies (e.g. <c>RR01</c> on a travel-rule refusal); else null.</param>
/// <param name="PaymentId">On a payment the engine refused and recorded: its id (decimal); else null.</param>
/// <param name="PaymentStatus">With <paramref name="PaymentId"/>: the payment's status (<c>rejected</c>, or <c>failed</c> for a PvP
/// payment); else null.</param>
/// <param name="Phase">On a day-phase refusal (<c>settlement.day_not_open</c>, <c>after_customer_cutoff</c>, <c>after_interbank_cutoff</c>):
/// the day's current phase; else null.</param>
/// <param name="AllowedPhases">With <paramref name="Phase"/>: the phases that would accept the payment; else null.</param>
public sealed record ProblemDto(string Type, string Title, int Status, string? Detail, string Code, string? Instance,
    string? Iso20022Reason = null, string? PaymentId = null, string? PaymentStatus = null, string? Phase = null, string[]? AllowedPhases = null);

/// <summary>
/// One ledger's queues as a whole, from <c>GET /v1/queues</c> (operator).
/// </summary>
/// <param name="Ledger">The settlement ledger.</param>
/// <param name="Currency">Its ISO 4217 currency code.</param>
/// <param name="Payments">Payments queued in it, over every participant's queue.</param>
/// <param name="AmountMinor">Their total, in minor units of the currency.</param>
/// <param name="Older">Those submitted more than <c>older_than_seconds</c> (default 300) ago.</param>
/// <param name="Gridlock">
/// Participant ids whose queued payments wait on each other in a circle (each has a queued payment to the next, the last to
/// the first), which the liquidity-saving mechanism could not settle: liquidity must come in or a payment be revoked. Null when none.
/// </param>
public sealed record LedgerQueuesDto(uint Ledger, string Currency, int Payments, long AmountMinor, int Older, ulong[]? Gridlock);
