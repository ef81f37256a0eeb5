using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Corridor.Client;

/// <summary>
/// Typed client of the Corridor REST API v1 over one <see cref="HttpClient"/> (thread-safe, reuse it). Every JSON call answers an
/// <see cref="ApiResult{T}"/>: the value on 2xx, otherwise the HTTP status and the RFC 9457 problem with its stable code. Any call may
/// also answer 401 <c>auth.*</c> (missing, invalid or expired token or certificate), 403 <c>auth.*</c> (suspended participant,
/// disabled operator user, a role that may not call it) and 503 <c>node.*</c> (<c>node.busy</c> with Retry-After, not ready, standby).
/// </summary>
/// <param name="http">The HTTP client, with <see cref="HttpClient.BaseAddress"/> set to the node (e.g. <c>http://127.0.0.1:7420</c>).</param>
/// <param name="token">The caller's bearer token, sent on every request; null for none (mutual TLS with a client certificate).</param>
public sealed partial class CorridorClient(HttpClient http, string? token = null)
{
    /// <summary>The <see cref="HttpClient"/> (base address, handler, connection pool) every call goes through.</summary>
    public HttpClient Http { get; } = http;

    /// <summary>Creates a client with its own pool of keep-alive connections to <paramref name="baseUrl"/> (HTTP timeout 100 s).</summary>
    /// <param name="baseUrl">The node's API address, e.g. <c>http://127.0.0.1:7420</c> or <c>https://corridor.example:7420</c>.</param>
    /// <param name="token">The caller's bearer token (participant, operator or operator user); null to send none (mutual TLS with a client
    /// certificate on the handler, or public endpoints only).</param>
    /// <param name="maxConnections">Most concurrent connections to the node.</param>
    /// <returns>A client; keep and reuse it (it is thread-safe).</returns>
    public static CorridorClient Create(Uri baseUrl, string? token, int maxConnections = 64)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = false,
        };
        return new CorridorClient(new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(100) }, token);
    }

    /// <summary>A client that shares this one's <see cref="Http"/> connection pool but acts with another caller's token.</summary>
    /// <param name="newToken">The other caller's bearer token, or null for none.</param>
    /// <returns>A new client over the same <see cref="HttpClient"/>.</returns>
    public CorridorClient WithToken(string? newToken) => new(Http, newToken);

    /// <summary>
    /// <c>POST /v1/accounts</c>: creates a ledger account. A participant creates accounts only for itself and only with the
    /// <c>debits_must_not_exceed_credits</c> flag (403 <c>auth.forbidden</c>); the operator creates any, for any participant.
    /// </summary>
    /// <param name="r">The account; see <see cref="CreateAccountRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the new account, 200 with the stored one when the same id and content were created before; 409
    /// <c>account.exists_with_different_*</c> (or <c>account.exists_with_different_content</c> when the id is another participant's),
    /// 422 <c>account.*</c> (e.g. <c>account.ledger_must_not_be_zero</c>), 400 <c>request.*</c>.</returns>
    public Task<ApiResult<AccountDto>> CreateAccountAsync(CreateAccountRequest r, CancellationToken c = default) => SendAsync<AccountDto>(HttpMethod.Post, "v1/accounts", r, c);
    /// <summary><c>GET /v1/accounts/{id}</c>: an account and its balances (its owner or an operator user).</summary>
    /// <param name="id">The account id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The account; 404 <c>account.not_found</c>, 403 <c>auth.forbidden</c> for another participant's account, 400
    /// <c>request.invalid_id</c>.</returns>
    public Task<ApiResult<AccountDto>> GetAccountAsync(string id, CancellationToken c = default) => SendAsync<AccountDto>(HttpMethod.Get, $"v1/accounts/{id}", null, c);
    /// <summary><c>GET /v1/accounts</c>: the caller's own accounts (those whose <c>participant</c> is the caller), at most 100, from the engine.</summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The accounts (empty when none).</returns>
    public Task<ApiResult<AccountDto[]>> ListAccountsAsync(CancellationToken c = default) => SendAsync<AccountDto[]>(HttpMethod.Get, "v1/accounts", null, c);
    /// <summary>
    /// <c>GET /v1/accounts/{id}/transfers?limit=&amp;after=</c>: an account's transfers, oldest first, from the read model (every write
    /// acknowledged before the call is included). <see cref="QueryAccountTransfersAsync"/> adds a time range and freshness control.
    /// </summary>
    /// <param name="accountId">The account id, decimal or 0x-hex (its owner or an operator user).</param>
    /// <param name="after">The previous page's <see cref="TransferPage.NextCursor"/>; null for the first page.</param>
    /// <param name="limit">Rows per page, 1 … 1,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>A page of transfers; 404 <c>account.not_found</c>, 403 <c>auth.forbidden</c>, 400 <c>request.invalid_value</c> (limit,
    /// after), 503 <c>read_model.*</c> (disabled, behind, busy, unavailable).</returns>
    public Task<ApiResult<TransferPage>> ListAccountTransfersAsync(string accountId, string? after = null, int limit = 100, CancellationToken c = default) =>
        SendAsync<TransferPage>(HttpMethod.Get, $"v1/accounts/{accountId}/transfers?limit={limit}" + (after is null ? "" : $"&after={after}"), null, c);
    /// <summary><c>GET /v1/accounts/{id}/balances?limit=&amp;after=</c>: an account's balance history, oldest first (accounts created with the <c>history</c> flag).</summary>
    /// <param name="accountId">The account id, decimal or 0x-hex (its owner or an operator user).</param>
    /// <param name="after">The previous page's <see cref="BalancePage.NextCursor"/> (an engine timestamp); null for the first page.</param>
    /// <param name="limit">Entries per page, 1 … 1,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>A page of balances; 404 <c>account.not_found</c>, 403 <c>auth.forbidden</c>, 400 <c>request.invalid_value</c>.</returns>
    public Task<ApiResult<BalancePage>> ListAccountBalancesAsync(string accountId, string? after = null, int limit = 100, CancellationToken c = default) =>
        SendAsync<BalancePage>(HttpMethod.Get, $"v1/accounts/{accountId}/balances?limit={limit}" + (after is null ? "" : $"&after={after}"), null, c);

    /// <summary><c>POST /v1/transfers</c>: one raw ledger transfer (not a payment: settlement ledgers take payments only).</summary>
    /// <param name="r">The transfer; see <see cref="CreateTransferRequest"/> for who may debit what.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the applied transfer, 200 when the same id and content were applied before; 403 <c>auth.forbidden</c> or
    /// <c>transfer.ledger_not_granted_to_submitter</c>; 409 <c>transfer.exists_with_different_*</c>, <c>transfer.id_already_failed</c>;
    /// 422 <c>transfer.*</c> (e.g. <c>transfer.exceeds_credits</c>, <c>transfer.debit_account_not_found</c>); 400 <c>request.*</c>.</returns>
    public Task<ApiResult<TransferDto>> CreateTransferAsync(CreateTransferRequest r, CancellationToken c = default) => SendAsync<TransferDto>(HttpMethod.Post, "v1/transfers", r, c);
    /// <summary><c>POST /v1/transfers/batch</c>: up to 8,190 transfers as one engine command; <c>linked</c> chains apply atomically.</summary>
    /// <param name="transfers">The transfers, 1 … 8,190 (body ≤ 4 MiB).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>200 with one result per item (<c>created</c>, <c>exists</c>, <c>rejected</c> with its code) even when items are refused;
    /// 403 <c>auth.forbidden</c> when a participant's item debits a foreign account (nothing applies), 400 <c>request.empty_batch</c> /
    /// <c>request.batch_too_large</c>, 413 <c>request.body_too_large</c>.</returns>
    public Task<ApiResult<BatchResult>> CreateTransfersAsync(CreateTransferRequest[] transfers, CancellationToken c = default) =>
        SendAsync<BatchResult>(HttpMethod.Post, "v1/transfers/batch", new CreateTransfersBatchRequest(transfers), c);
    /// <summary><c>GET /v1/transfers/{id}</c>: a transfer and its live two-phase status (the owner of its debit or credit account, or an operator user).</summary>
    /// <param name="id">The transfer id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The transfer; 404 <c>transfer.not_found</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<TransferDto>> GetTransferAsync(string id, CancellationToken c = default) => SendAsync<TransferDto>(HttpMethod.Get, $"v1/transfers/{id}", null, c);

    /// <summary><c>POST /v1/participants</c> (operator only): registers a bank or central bank and issues its token.</summary>
    /// <param name="r">The participant; see <see cref="RegisterParticipantRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 (200 when registered before) with the participant's token; 400 <c>request.invalid_id</c>, <c>request.invalid_bic</c>;
    /// 409 <c>settlement.bic_in_use</c>, <c>settlement.participant_exists_with_different_content</c>; 403 <c>auth.operator_only</c>.</returns>
    public Task<ApiResult<ParticipantTokenDto>> RegisterParticipantAsync(RegisterParticipantRequest r, CancellationToken c = default) => SendAsync<ParticipantTokenDto>(HttpMethod.Post, "v1/participants", r, c);
    /// <summary><c>GET /v1/participants</c> (operator only): every participant (direct banks and central banks, not the operator's own record) with its settlement accounts.</summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The participants in registration order; 403 <c>auth.operator_only</c>.</returns>
    public Task<ApiResult<ParticipantDto[]>> ListParticipantsAsync(CancellationToken c = default) => SendAsync<ParticipantDto[]>(HttpMethod.Get, "v1/participants", null, c);
    /// <summary><c>GET /v1/participants/{id}</c>: a participant and its settlement accounts (the participant itself or the operator).</summary>
    /// <param name="id">The participant id.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The participant; 404 <c>settlement.participant_not_found</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<ParticipantDto>> GetParticipantAsync(ulong id, CancellationToken c = default) => SendAsync<ParticipantDto>(HttpMethod.Get, $"v1/participants/{id}", null, c);
    /// <summary><c>POST /v1/participants/{id}/ledger-access</c> (operator only): grants or withdraws a participant's raw transfer access to a non-settlement ledger.</summary>
    /// <param name="participant">The participant id.</param>
    /// <param name="ledger">The non-settlement ledger.</param>
    /// <param name="granted">True grants, false withdraws.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The ledgers now granted; 422 <c>settlement.settlement_ledger_not_grantable</c> for a settlement ledger, 404
    /// <c>settlement.participant_not_found</c>.</returns>
    public Task<ApiResult<LedgerAccessDto>> SetLedgerAccessAsync(ulong participant, uint ledger, bool granted = true, CancellationToken c = default) =>
        SendAsync<LedgerAccessDto>(HttpMethod.Post, $"v1/participants/{participant}/ledger-access", new LedgerAccessRequest(ledger, granted), c);
    /// <summary><c>GET /v1/participants/{id}/ledger-access</c>: the non-settlement ledgers a participant may use for raw transfers (the participant itself or the operator).</summary>
    /// <param name="participant">The participant id.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The ledgers granted; 404 <c>settlement.participant_not_found</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<LedgerAccessDto>> GetLedgerAccessAsync(ulong participant, CancellationToken c = default) =>
        SendAsync<LedgerAccessDto>(HttpMethod.Get, $"v1/participants/{participant}/ledger-access", null, c);
    /// <summary><c>POST /v1/participants/{id}/status</c> (operator only): suspends, reactivates or closes a participant.</summary>
    /// <param name="id">The participant id (not the operator's).</param>
    /// <param name="status"><c>active</c>, <c>suspended</c> or <c>closed</c> (see <see cref="ChangeParticipantStatusRequest"/>).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The participant as it is now; 404 <c>settlement.participant_not_found</c>, 422 <c>settlement.*</c> (e.g.
    /// <c>settlement.participant_has_balance</c> when closing), 400 <c>request.invalid_value</c>.</returns>
    public Task<ApiResult<ParticipantDto>> ChangeParticipantStatusAsync(ulong id, string status, CancellationToken c = default) =>
        SendAsync<ParticipantDto>(HttpMethod.Post, $"v1/participants/{id}/status", new ChangeParticipantStatusRequest(status), c);
    /// <summary><c>POST /v1/participants/{id}/tokens</c> (operator only): issues a new 365-day token for a participant (earlier tokens stay valid until they expire).</summary>
    /// <param name="id">The participant id.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the token; 404 <c>settlement.participant_not_found</c>.</returns>
    public Task<ApiResult<ParticipantTokenDto>> IssueTokenAsync(ulong id, CancellationToken c = default) => SendAsync<ParticipantTokenDto>(HttpMethod.Post, $"v1/participants/{id}/tokens", null, c);

    /// <summary><c>POST /v1/ledgers</c> (operator only): opens a currency ledger with its central bank and clearing accounts.</summary>
    /// <param name="r">The ledger; see <see cref="RegisterLedgerRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the ledger; 409 <c>settlement.ledger_already_registered</c>, <c>settlement.account_id_in_use</c>; 404
    /// <c>settlement.participant_not_found</c> for an unknown central bank; 422 <c>settlement.*</c>.</returns>
    public Task<ApiResult<LedgerDto>> RegisterLedgerAsync(RegisterLedgerRequest r, CancellationToken c = default) => SendAsync<LedgerDto>(HttpMethod.Post, "v1/ledgers", r, c);
    /// <summary><c>POST /v1/settlement-accounts</c>: opens a participant's settlement account in a ledger (the participant itself or a system operator).</summary>
    /// <param name="r">The account; see <see cref="OpenSettlementAccountRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the settlement account; 409 <c>settlement.settlement_account_exists</c>, <c>settlement.account_id_in_use</c>; 404
    /// <c>settlement.ledger_not_registered</c>, <c>settlement.participant_not_found</c>; 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<SettlementAccountDto>> OpenSettlementAccountAsync(OpenSettlementAccountRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/settlement-accounts", r, c);
    /// <summary><c>GET /v1/participants/{id}/settlement-accounts/{ledger}</c>: balance, credit line, reserves, limits and queue totals (the participant itself or the operator).</summary>
    /// <param name="participant">The participant id.</param>
    /// <param name="ledger">The ledger (currency).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The settlement account; 404 <c>settlement.settlement_account_not_found</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<SettlementAccountDto>> GetSettlementAccountAsync(ulong participant, uint ledger, CancellationToken c = default) =>
        SendAsync<SettlementAccountDto>(HttpMethod.Get, $"v1/participants/{participant}/settlement-accounts/{ledger}", null, c);
    /// <summary><c>POST /v1/liquidity</c>: injects or withdraws central bank money (the operator, or the ledger's own central bank).</summary>
    /// <param name="r">The movement; see <see cref="LiquidityRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The settlement account after the move (the same transfer id again moves nothing); 403 <c>settlement.not_a_central_bank</c>,
    /// <c>auth.operator_only</c>, <c>settlement.four_eyes_required</c> (operator users once four eyes are on); 422
    /// <c>settlement.insufficient_funds</c> and other <c>settlement.*</c>; 400 <c>request.invalid_amount</c>.</returns>
    public Task<ApiResult<SettlementAccountDto>> MoveLiquidityAsync(LiquidityRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/liquidity", r, c);
    /// <summary><c>POST /v1/credit-lines</c> (operator only): sets a settlement account's intraday credit line.</summary>
    /// <param name="r">The line; see <see cref="CreditLineRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The settlement account with the new line; 422 <c>settlement.credit_line_in_use</c>, <c>settlement.amount_too_large</c>; 404
    /// <c>settlement.settlement_account_not_found</c>.</returns>
    public Task<ApiResult<SettlementAccountDto>> SetCreditLineAsync(CreditLineRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/credit-lines", r, c);

    /// <summary><c>POST /v1/reservations</c>: reserves liquidity for urgent and for urgent + high payments (the participant itself or a system operator).</summary>
    /// <param name="r">The reserves; see <see cref="ReservationRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The settlement account with the new reserves; 404 <c>settlement.settlement_account_not_found</c>, 422 <c>settlement.*</c>,
    /// 400 <c>request.invalid_amount</c>.</returns>
    public Task<ApiResult<SettlementAccountDto>> SetReservationAsync(ReservationRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/reservations", r, c);
    /// <summary><c>POST /v1/sending-limits</c>: sets or removes a bilateral or multilateral limit on normal payments (the participant itself or a system operator).</summary>
    /// <param name="r">The limit; see <see cref="SendingLimitRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The settlement account (its <c>multilateral_limit_minor</c> shows the multilateral limit); 404
    /// <c>settlement.settlement_account_not_found</c>, 422 <c>settlement.*</c>, 400 <c>request.invalid_amount</c>.</returns>
    public Task<ApiResult<SettlementAccountDto>> SetSendingLimitAsync(SendingLimitRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/sending-limits", r, c);

    /// <summary>
    /// <c>POST /v1/payments</c>: submits a same-currency RTGS payment (the payer, or a system operator naming the payer). It is screened,
    /// then settles at once, queues for liquidity, waits for its earliest time or netting window, or is held by compliance.
    /// </summary>
    /// <param name="r">The payment; see <see cref="SubmitPaymentRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with status <c>settled</c>, <c>queued</c>, <c>scheduled</c>, <c>in_window</c> or <c>held</c> (200 when the same payment was
    /// submitted before). A refusal is a problem, never 201: 422 <c>settlement.*</c> with <c>payment_id</c> and <c>payment_status</c>
    /// (<c>settlement.day_not_open</c>, <c>settlement.after_customer_cutoff</c> with <c>phase</c> and <c>allowed_phases</c>,
    /// <c>settlement.participant_not_found</c>, …); 400 <c>compliance.travel_rule_incomplete</c> (with <c>iso20022_reason</c>); 422
    /// <c>compliance.blocked_country</c>, <c>compliance.blocked_currency</c>, <c>compliance.amount_above_reject_limit</c>; 409
    /// <c>settlement.payment_exists_with_different_content</c>; 400 <c>request.*</c> and <c>party.*</c>.</returns>
    public Task<ApiResult<PaymentDto>> SubmitPaymentAsync(SubmitPaymentRequest r, CancellationToken c = default) => SendAsync<PaymentDto>(HttpMethod.Post, "v1/payments", r, c);
    /// <summary><c>POST /v1/payments/batch</c>: up to 1,000 payments, each decided as <see cref="SubmitPaymentAsync"/> decides it, journaled together.</summary>
    /// <param name="payments">The payments; see <see cref="SubmitPaymentRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>200 with one result per payment (<see cref="PaymentBatchResult"/>); 400 <c>request.empty_batch</c>, <c>request.batch_too_large</c>.</returns>
    public Task<ApiResult<PaymentBatchResult>> SubmitPaymentBatchAsync(IReadOnlyList<SubmitPaymentRequest> payments, CancellationToken c = default) =>
        SendAsync<PaymentBatchResult>(HttpMethod.Post, "v1/payments/batch", new PaymentBatchRequest([.. payments]), c);
    /// <summary>
    /// <c>GET /v1/payments/{id}</c>: a payment and where it stands, from the read model (read-your-writes), with its parties, references,
    /// compliance record and, once final, the journal batch that made it so (payer, payee or an operator user).
    /// </summary>
    /// <param name="id">The payment id (decimal or 0x-hex), a PvP lock or leg transfer id, or a UETR (UUID).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The payment; 404 <c>settlement.payment_not_found</c>, 403 <c>auth.forbidden</c>, 503 <c>read_model.*</c>.</returns>
    public Task<ApiResult<PaymentDto>> GetPaymentAsync(string id, CancellationToken c = default) => SendAsync<PaymentDto>(HttpMethod.Get, $"v1/payments/{id}", null, c);
    /// <summary><c>POST /v1/payments/{id}/actions</c>: reorders, reprioritises or revokes a queued payment (its payer or a system operator).</summary>
    /// <param name="id">The payment id, decimal or 0x-hex.</param>
    /// <param name="r">The action; see <see cref="QueueActionRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The payment after the action (a re-try of the queue follows each change, so it may have settled); 404
    /// <c>settlement.payment_not_found</c>, 403 <c>auth.forbidden</c> (not the payer), 422 <c>settlement.payment_not_queued</c>,
    /// <c>settlement.reference_not_in_same_queue</c> and other <c>settlement.*</c>, 400 <c>request.invalid_value</c>.</returns>
    public Task<ApiResult<PaymentDto>> ManagePaymentAsync(string id, QueueActionRequest r, CancellationToken c = default) => SendAsync<PaymentDto>(HttpMethod.Post, $"v1/payments/{id}/actions", r, c);
    /// <summary><c>GET /v1/participants/{id}/queue/{ledger}</c>: a payer's queued payments in settlement order (urgent, high, normal; FIFO within each).</summary>
    /// <param name="participant">The payer (the participant itself or the operator).</param>
    /// <param name="ledger">The ledger (currency).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The queued payments (empty when none); 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<PaymentDto[]>> GetQueueAsync(ulong participant, uint ledger, CancellationToken c = default) =>
        SendAsync<PaymentDto[]>(HttpMethod.Get, $"v1/participants/{participant}/queue/{ledger}", null, c);
    /// <summary><c>GET /v1/queues</c> (operator only): every ledger's queues as a whole — payments and amount queued, how many are old, and a gridlock the LSM could not settle.</summary>
    /// <param name="olderThanSeconds">Age from which a queued payment counts as old (0 … 604,800; default 300).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>One entry per ledger with a queue, ascending by ledger; 400 <c>request.invalid_value</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<LedgerQueuesDto[]>> GetQueuesAsync(int olderThanSeconds = 300, CancellationToken c = default) =>
        SendAsync<LedgerQueuesDto[]>(HttpMethod.Get, $"v1/queues?older_than_seconds={olderThanSeconds}", null, c);
    /// <summary><c>POST /v1/lsm/runs</c> (operator only): runs the liquidity-saving mechanism (multilateral optimisation) over the queues.</summary>
    /// <param name="ledger">The ledger to optimise; 0 = every ledger in ascending order.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>One result per ledger run; 404 <c>settlement.ledger_not_registered</c>.</returns>
    public Task<ApiResult<LsmRunDto[]>> RunLsmAsync(uint ledger, CancellationToken c = default) => SendAsync<LsmRunDto[]>(HttpMethod.Post, "v1/lsm/runs", new RunLsmRequest(ledger), c);

    /// <summary><c>POST /v1/netting-windows</c> (operator only): opens a deferred net settlement window.</summary>
    /// <param name="r">The window; see <see cref="OpenWindowRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the open window; 409 <c>settlement.window_exists</c>, 404 <c>settlement.ledger_not_registered</c>, 422 <c>settlement.*</c>.</returns>
    public Task<ApiResult<WindowDto>> OpenWindowAsync(OpenWindowRequest r, CancellationToken c = default) => SendAsync<WindowDto>(HttpMethod.Post, "v1/netting-windows", r, c);
    /// <summary>
    /// <c>POST /v1/netting-windows/{id}/close</c> (operator only): nets the window and settles all net positions in one step; participants
    /// whose net debit is not covered are excluded and their payments rejected.
    /// </summary>
    /// <param name="id">The window id.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The settled window with its positions and exclusions; 404 <c>settlement.window_not_found</c>, 422
    /// <c>settlement.window_not_open</c> (already closed).</returns>
    public Task<ApiResult<WindowDto>> CloseWindowAsync(ulong id, CancellationToken c = default) => SendAsync<WindowDto>(HttpMethod.Post, $"v1/netting-windows/{id}/close", null, c);
    /// <summary><c>GET /v1/netting-windows/{id}</c>: a netting window (participants see only their own position).</summary>
    /// <param name="id">The window id.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The window; 404 <c>settlement.window_not_found</c>.</returns>
    public Task<ApiResult<WindowDto>> GetWindowAsync(ulong id, CancellationToken c = default) => SendAsync<WindowDto>(HttpMethod.Get, $"v1/netting-windows/{id}", null, c);

    /// <summary><c>GET /v1/day</c>: the operating day: business date, phase, the day's payment counts, overnight credit and the cut-off schedule.</summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The day (any caller).</returns>
    public Task<ApiResult<DayDto>> GetDayAsync(CancellationToken c = default) => SendAsync<DayDto>(HttpMethod.Get, "v1/day", null, c);
    /// <summary><c>POST /v1/day/open</c> (operator only): opens the next business day.</summary>
    /// <param name="businessDate">The new business date, later than the previous one.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The day, now <c>open</c>; 422 <c>settlement.business_date_must_increase</c>, <c>settlement.invalid_phase_transition</c> (the
    /// day is not closed or at its end), <c>settlement.overnight_credit_not_covered</c> (when the node refuses to open with it).</returns>
    public Task<ApiResult<DayDto>> OpenDayAsync(DateOnly businessDate, CancellationToken c = default) => SendAsync<DayDto>(HttpMethod.Post, "v1/day/open", new OpenDayRequest(businessDate), c);
    /// <summary><c>POST /v1/day/phase</c> (operator only): moves the day to its next phase by hand (also with a schedule, e.g. an early cut-off).</summary>
    /// <param name="phase"><c>customer_cutoff</c>, <c>interbank_cutoff</c> or <c>end_of_day</c>; only the next phase is accepted.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The day in its new phase; 422 <c>settlement.invalid_phase_transition</c> for a phase that is not the next one, 400
    /// <c>request.invalid_value</c>.</returns>
    public Task<ApiResult<DayDto>> ChangePhaseAsync(string phase, CancellationToken c = default) => SendAsync<DayDto>(HttpMethod.Post, "v1/day/phase", new ChangePhaseRequest(phase), c);
    /// <summary><c>GET /v1/day/schedule</c>: the standing cut-off schedule and the open day's cut-offs.</summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The schedule (<c>scheduled</c> false when there is none).</returns>
    public Task<ApiResult<DayScheduleDto>> GetDayScheduleAsync(CancellationToken c = default) => SendAsync<DayScheduleDto>(HttpMethod.Get, "v1/day/schedule", null, c);
    /// <summary><c>PUT /v1/day/schedule</c> (operator only): sets or removes the standing cut-off schedule.</summary>
    /// <param name="schedule">All four members, or none to remove the schedule; see <see cref="SetDayScheduleRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The schedule in force; 400 <c>request.invalid_value</c>, <c>request.missing_field</c>; 422 <c>settlement.cutoff_outside_day</c>,
    /// <c>settlement.cutoffs_out_of_order</c>, <c>settlement.utc_offset_out_of_range</c>.</returns>
    public Task<ApiResult<DayScheduleDto>> SetDayScheduleAsync(SetDayScheduleRequest schedule, CancellationToken c = default) => SendAsync<DayScheduleDto>(HttpMethod.Put, "v1/day/schedule", schedule, c);
    /// <summary><c>GET /v1/statements/{date}/{account_id}</c>: a settlement account's end-of-day statement, from the read model (its owner or an operator user).</summary>
    /// <param name="businessDate">The business day (its end of day must have passed).</param>
    /// <param name="accountId">The settlement account id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The statement; 404 <c>settlement.statement_not_found</c>, 403 <c>auth.forbidden</c>, 503 <c>read_model.*</c>.</returns>
    public Task<ApiResult<StatementDto>> GetStatementAsync(DateOnly businessDate, string accountId, CancellationToken c = default) =>
        SendAsync<StatementDto>(HttpMethod.Get, $"v1/statements/{businessDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}/{accountId}", null, c);

    /// <summary>Sends raw JSON with this client's token (tests, tools): no client-side validation or parsing of the answer.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The path relative to the base address, e.g. <c>v1/payments</c> (query string included).</param>
    /// <param name="json">The body, sent as <c>application/json</c>; null for none.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The HTTP answer; the caller disposes it.</returns>
    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? json, CancellationToken c = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await Http.SendAsync(request, c).ConfigureAwait(false);
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken c)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: CorridorJson.Options);
        using HttpResponseMessage response = await Http.SendAsync(request, c).ConfigureAwait(false);
        return await ReadResultAsync<T>(response, c).ConfigureAwait(false);
    }

    /// <summary>An answer as a value or a problem.</summary>
    private static async Task<ApiResult<T>> ReadResultAsync<T>(HttpResponseMessage response, CancellationToken c)
    {
        if (response.IsSuccessStatusCode)
        {
            T? value = await response.Content.ReadFromJsonAsync<T>(CorridorJson.Options, c).ConfigureAwait(false);
            return new ApiResult<T>(response.StatusCode, value, null, null);
        }
        ProblemDto? problem = null;
        try { problem = await response.Content.ReadFromJsonAsync<ProblemDto>(ProblemOptions, c).ConfigureAwait(false); }
        catch (JsonException) { }
        catch (NotSupportedException) { }
        TimeSpan? retry = response.Headers.RetryAfter?.Delta;
        return new ApiResult<T>(response.StatusCode, default, problem, retry);
    }

    /// <summary>Problems are read leniently (snake_case, unknown extension members ignored): a client must read a newer server's problems.</summary>
    private static readonly JsonSerializerOptions ProblemOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>An answer: the value on 2xx, otherwise the problem details (and Retry-After on 503).</summary>
/// <typeparam name="T">The contract of a successful answer.</typeparam>
/// <param name="Status">The HTTP status (200 existing / unchanged, 201 created, 4xx/5xx a problem).</param>
/// <param name="Value">The answer's body on 2xx; default otherwise.</param>
/// <param name="Problem">The problem details on a non-2xx answer; null on 2xx, or when the body was not problem JSON.</param>
/// <param name="RetryAfter">The Retry-After delay the server asked for (on 503 <c>node.busy</c>, <c>read_model.behind</c>); null when none.</param>
public sealed record ApiResult<T>(HttpStatusCode Status, T? Value, ProblemDto? Problem, TimeSpan? RetryAfter)
{
    /// <summary>True for a 2xx status.</summary>
    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>The value, or an exception naming the problem code.</summary>
    /// <returns><see cref="Value"/> when the answer is 2xx with a body.</returns>
    /// <exception cref="CorridorApiException">The answer was not 2xx, or had no body.</exception>
    public T Unwrap() => Ok && Value is not null ? Value : throw new CorridorApiException(Status, Problem);
}

/// <summary>A refused call, thrown by <see cref="ApiResult{T}.Unwrap"/>; the message reads <c>HTTP 422: settlement.day_not_open …</c>.</summary>
/// <param name="status">The HTTP status.</param>
/// <param name="problem">The problem details, when the answer carried them.</param>
public sealed class CorridorApiException(HttpStatusCode status, ProblemDto? problem)
    : Exception($"HTTP {(int)status}: {problem?.Code ?? "no problem details"} {problem?.Detail}")
{
    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; } = status;
    /// <summary>The problem details (match on <see cref="ProblemDto.Code"/>); null when the answer had none.</summary>
    public ProblemDto? Problem { get; } = problem;
}
