namespace Corridor.Client;

/// <summary>The compliance desk (docs/api.md, "Compliance") and operator users.</summary>
public sealed partial class CorridorClient
{
    public Task<ApiResult<WatchListDto>> LoadWatchListAsync(LoadWatchListRequest r, CancellationToken c = default) => SendAsync<WatchListDto>(HttpMethod.Post, "v1/compliance/watch-lists", r, c);
    public Task<ApiResult<WatchListDto[]>> ListWatchListsAsync(bool history = false, CancellationToken c = default) =>
        SendAsync<WatchListDto[]>(HttpMethod.Get, "v1/compliance/watch-lists" + (history ? "?history" : ""), null, c);
    public Task<ApiResult<ScreeningThresholdRequest>> SetScreeningThresholdAsync(int threshold, CancellationToken c = default) =>
        SendAsync<ScreeningThresholdRequest>(HttpMethod.Post, "v1/compliance/threshold", new ScreeningThresholdRequest(threshold), c);

    public Task<ApiResult<ComplianceRuleDto[]>> ListComplianceRulesAsync(CancellationToken c = default) => SendAsync<ComplianceRuleDto[]>(HttpMethod.Get, "v1/compliance/rules", null, c);
    public Task<ApiResult<ComplianceRuleDto>> SetComplianceRuleAsync(ComplianceRuleDto r, CancellationToken c = default) => SendAsync<ComplianceRuleDto>(HttpMethod.Post, "v1/compliance/rules", r, c);
    /// <summary>Removes a rule; answers the rules that remain.</summary>
    public Task<ApiResult<ComplianceRuleDto[]>> RemoveComplianceRuleAsync(string id, CancellationToken c = default) =>
        SendAsync<ComplianceRuleDto[]>(HttpMethod.Delete, $"v1/compliance/rules/{Uri.EscapeDataString(id)}", null, c);

    /// <summary>Holds by status: pending (default), decided or all.</summary>
    public Task<ApiResult<HoldDto[]>> ListHoldsAsync(string status = "pending", CancellationToken c = default) =>
        SendAsync<HoldDto[]>(HttpMethod.Get, $"v1/compliance/holds?status={Uri.EscapeDataString(status)}", null, c);
    public Task<ApiResult<HoldDto>> ReleaseHoldAsync(string paymentId, string reason, CancellationToken c = default) =>
        SendAsync<HoldDto>(HttpMethod.Post, $"v1/compliance/holds/{Uri.EscapeDataString(paymentId)}/release", new HoldDecisionRequest(reason), c);
    public Task<ApiResult<HoldDto>> RejectHoldAsync(string paymentId, string reason, CancellationToken c = default) =>
        SendAsync<HoldDto>(HttpMethod.Post, $"v1/compliance/holds/{Uri.EscapeDataString(paymentId)}/reject", new HoldDecisionRequest(reason), c);

    /// <summary>A page of the audit log: entries with sequence &gt; <paramref name="after"/>, at most <paramref name="limit"/> (≤ 1,000).</summary>
    public Task<ApiResult<AuditExportDto>> ExportAuditAsync(long after = 0, int limit = 1000, CancellationToken c = default) =>
        SendAsync<AuditExportDto>(HttpMethod.Get, $"v1/compliance/audit?after={after}&limit={limit}", null, c);

    public Task<ApiResult<OperatorDto>> RegisterOperatorAsync(RegisterOperatorRequest r, CancellationToken c = default) => SendAsync<OperatorDto>(HttpMethod.Post, "v1/operators", r, c);
    /// <summary>Disables ("disabled") or re-enables ("active") an operator user; administrators only, never user 1.</summary>
    public Task<ApiResult<OperatorDto>> ChangeOperatorStatusAsync(uint id, string status, CancellationToken c = default) =>
        SendAsync<OperatorDto>(HttpMethod.Post, $"v1/operators/{id}/status", new ChangeOperatorStatusRequest(status), c);
    public Task<ApiResult<OperatorDto[]>> ListOperatorsAsync(CancellationToken c = default) => SendAsync<OperatorDto[]>(HttpMethod.Get, "v1/operators", null, c);
}
