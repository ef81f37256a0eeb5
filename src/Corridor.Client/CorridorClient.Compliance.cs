namespace Corridor.Client;

/// <summary>The compliance desk (docs/api.md, "Compliance") and operator users.</summary>
public sealed partial class CorridorClient
{
    /// <summary><c>POST /v1/compliance/watch-lists</c> (compliance desk): loads or replaces a named watch list; payments are screened against it from the next command on.</summary>
    /// <param name="r">The list; see <see cref="LoadWatchListRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the version in force (loading the same content again adds no version); 422 <c>compliance.parse_failed</c> (the detail
    /// names the line), <c>compliance.name_invalid</c>, <c>compliance.too_many_watch_lists</c>; 400 <c>request.invalid_value</c> (format).</returns>
    public Task<ApiResult<WatchListDto>> LoadWatchListAsync(LoadWatchListRequest r, CancellationToken c = default) => SendAsync<WatchListDto>(HttpMethod.Post, "v1/compliance/watch-lists", r, c);
    /// <summary><c>GET /v1/compliance/watch-lists</c> (compliance desk): the lists in force, or every version ever loaded.</summary>
    /// <param name="history">True for every version ever loaded (with who and when), false for the versions in force.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The list versions.</returns>
    public Task<ApiResult<WatchListDto[]>> ListWatchListsAsync(bool history = false, CancellationToken c = default) =>
        SendAsync<WatchListDto[]>(HttpMethod.Get, "v1/compliance/watch-lists" + (history ? "?history" : ""), null, c);
    /// <summary><c>POST /v1/compliance/threshold</c> (compliance desk): sets the score at or above which a name match holds a payment.</summary>
    /// <param name="threshold">0 … 100 (400 <c>request.invalid_value</c> otherwise).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The threshold now in force; 422 <c>compliance.*</c> when the engine refuses it.</returns>
    public Task<ApiResult<ScreeningThresholdRequest>> SetScreeningThresholdAsync(int threshold, CancellationToken c = default) =>
        SendAsync<ScreeningThresholdRequest>(HttpMethod.Post, "v1/compliance/threshold", new ScreeningThresholdRequest(threshold), c);

    /// <summary><c>GET /v1/compliance/rules</c> (compliance desk): the operator's rules, by id.</summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The rules (empty when none).</returns>
    public Task<ApiResult<ComplianceRuleDto[]>> ListComplianceRulesAsync(CancellationToken c = default) => SendAsync<ComplianceRuleDto[]>(HttpMethod.Get, "v1/compliance/rules", null, c);
    /// <summary><c>POST /v1/compliance/rules</c> (compliance desk): adds a rule, or replaces the rule with the same id. Rules only add restrictions.</summary>
    /// <param name="r">The rule; see <see cref="ComplianceRuleDto"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The rule as stored; 400 <c>compliance.rule_id_invalid</c>, <c>compliance.rule_invalid</c> (unknown country or currency, negative
    /// limit), 422 <c>compliance.too_many_rules</c>.</returns>
    public Task<ApiResult<ComplianceRuleDto>> SetComplianceRuleAsync(ComplianceRuleDto r, CancellationToken c = default) => SendAsync<ComplianceRuleDto>(HttpMethod.Post, "v1/compliance/rules", r, c);
    /// <summary><c>DELETE /v1/compliance/rules/{id}</c> (compliance desk): removes a rule.</summary>
    /// <param name="id">The rule's id.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The rules that remain; 404 <c>compliance.rule_not_found</c>.</returns>
    public Task<ApiResult<ComplianceRuleDto[]>> RemoveComplianceRuleAsync(string id, CancellationToken c = default) =>
        SendAsync<ComplianceRuleDto[]>(HttpMethod.Delete, $"v1/compliance/rules/{Uri.EscapeDataString(id)}", null, c);

    /// <summary><c>GET /v1/compliance/holds?status=</c> (compliance desk): screened payments with their decision, ISO reason and hits (at most 1,000).</summary>
    /// <param name="status"><c>pending</c> (held, waiting for a decision), <c>decided</c> or <c>all</c> (400 <c>request.invalid_value</c> otherwise).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The compliance records.</returns>
    public Task<ApiResult<HoldDto[]>> ListHoldsAsync(string status = "pending", CancellationToken c = default) =>
        SendAsync<HoldDto[]>(HttpMethod.Get, $"v1/compliance/holds?status={Uri.EscapeDataString(status)}", null, c);
    /// <summary>
    /// <c>POST /v1/compliance/holds/{payment_id}/release</c> (compliance desk): releases a held payment: a PvP payment settles (both legs or
    /// neither), a same-currency payment enters settlement (settles or queues).
    /// </summary>
    /// <param name="paymentId">The held payment's id, decimal or 0x-hex.</param>
    /// <param name="reason">Why (mandatory, ≤ 1,000 characters); journaled and audited with the deciding user.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The compliance record, now <c>released</c>; 400 <c>compliance.reason_missing</c>, 404 <c>compliance.payment_not_found</c>, 409
    /// <c>compliance.hold_already_decided</c> / <c>compliance.payment_not_held</c>, 403 <c>compliance.four_eyes_required</c> (once four eyes
    /// are on: propose a <c>release_hold</c> act instead).</returns>
    public Task<ApiResult<HoldDto>> ReleaseHoldAsync(string paymentId, string reason, CancellationToken c = default) =>
        SendAsync<HoldDto>(HttpMethod.Post, $"v1/compliance/holds/{Uri.EscapeDataString(paymentId)}/release", new HoldDecisionRequest(reason), c);
    /// <summary>
    /// <c>POST /v1/compliance/holds/{payment_id}/reject</c> (compliance desk): rejects a held payment for good: nothing settles (PvP: the FX lock
    /// is released; same-currency: status <c>rejected</c>, reason <c>settlement.rejected_by_operator</c>).
    /// </summary>
    /// <param name="paymentId">The held payment's id, decimal or 0x-hex.</param>
    /// <param name="reason">Why (mandatory, ≤ 1,000 characters); journaled and audited.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The compliance record, now <c>rejected_by_operator</c>; 400 <c>compliance.reason_missing</c>, 404
    /// <c>compliance.payment_not_found</c>, 409 <c>compliance.hold_already_decided</c> / <c>compliance.payment_not_held</c>.</returns>
    public Task<ApiResult<HoldDto>> RejectHoldAsync(string paymentId, string reason, CancellationToken c = default) =>
        SendAsync<HoldDto>(HttpMethod.Post, $"v1/compliance/holds/{Uri.EscapeDataString(paymentId)}/reject", new HoldDecisionRequest(reason), c);

    /// <summary><c>GET /v1/compliance/audit?after=&amp;limit=</c> (compliance desk): a page of the hash-chained audit log of operator actions, and whether the chain is intact.</summary>
    /// <param name="after">Entries with a sequence above this (0 = from the start).</param>
    /// <param name="limit">Entries per page, 1 … 1,000 (clamped).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The head hash, the chain's state and the entries.</returns>
    public Task<ApiResult<AuditExportDto>> ExportAuditAsync(long after = 0, int limit = 1000, CancellationToken c = default) =>
        SendAsync<AuditExportDto>(HttpMethod.Get, $"v1/compliance/audit?after={after}&limit={limit}", null, c);

    /// <summary><c>POST /v1/operators</c> (administrators only): registers a named operator user (or changes an existing one's role) and issues its token.</summary>
    /// <param name="r">The user; see <see cref="RegisterOperatorRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the user, its token (365 days) and expiry; 400 <c>operators.name_invalid</c>, 409 <c>operators.name_in_use</c>, 403
    /// <c>auth.administrator_only</c>.</returns>
    public Task<ApiResult<OperatorDto>> RegisterOperatorAsync(RegisterOperatorRequest r, CancellationToken c = default) => SendAsync<OperatorDto>(HttpMethod.Post, "v1/operators", r, c);
    /// <summary><c>POST /v1/operators/{id}/status</c> (administrators only): disables or re-enables an operator user; effective from the user's next request.</summary>
    /// <param name="id">The operator user id (never 1).</param>
    /// <param name="status"><c>disabled</c> or <c>active</c>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The user; 404 <c>operators.user_not_found</c>, 409 <c>operators.root_cannot_be_disabled</c>, 400 <c>request.invalid_value</c>,
    /// 403 <c>auth.administrator_only</c>.</returns>
    public Task<ApiResult<OperatorDto>> ChangeOperatorStatusAsync(uint id, string status, CancellationToken c = default) =>
        SendAsync<OperatorDto>(HttpMethod.Post, $"v1/operators/{id}/status", new ChangeOperatorStatusRequest(status), c);
    /// <summary><c>GET /v1/operators</c> (any operator user): the registered operator users with role, status and who registered or changed them.</summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The users (without tokens).</returns>
    public Task<ApiResult<OperatorDto[]>> ListOperatorsAsync(CancellationToken c = default) => SendAsync<OperatorDto[]>(HttpMethod.Get, "v1/operators", null, c);
}
