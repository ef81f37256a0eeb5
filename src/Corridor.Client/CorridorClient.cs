using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Corridor.Client;

/// <summary>Typed client of the Corridor REST API v1 over one <see cref="HttpClient"/> (thread-safe, reuse it).</summary>
public sealed partial class CorridorClient(HttpClient http, string? token = null)
{
    public HttpClient Http { get; } = http;

    /// <summary>Creates a client with keep-alive connections to <paramref name="baseUrl"/>.</summary>
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

    /// <summary>The same connection pool with another caller's token.</summary>
    public CorridorClient WithToken(string? newToken) => new(Http, newToken);

    public Task<ApiResult<AccountDto>> CreateAccountAsync(CreateAccountRequest r, CancellationToken c = default) => SendAsync<AccountDto>(HttpMethod.Post, "v1/accounts", r, c);
    public Task<ApiResult<AccountDto>> GetAccountAsync(string id, CancellationToken c = default) => SendAsync<AccountDto>(HttpMethod.Get, $"v1/accounts/{id}", null, c);
    public Task<ApiResult<AccountDto[]>> ListAccountsAsync(CancellationToken c = default) => SendAsync<AccountDto[]>(HttpMethod.Get, "v1/accounts", null, c);
    public Task<ApiResult<TransferPage>> ListAccountTransfersAsync(string accountId, string? after = null, int limit = 100, CancellationToken c = default) =>
        SendAsync<TransferPage>(HttpMethod.Get, $"v1/accounts/{accountId}/transfers?limit={limit}" + (after is null ? "" : $"&after={after}"), null, c);
    public Task<ApiResult<BalancePage>> ListAccountBalancesAsync(string accountId, string? after = null, int limit = 100, CancellationToken c = default) =>
        SendAsync<BalancePage>(HttpMethod.Get, $"v1/accounts/{accountId}/balances?limit={limit}" + (after is null ? "" : $"&after={after}"), null, c);

    public Task<ApiResult<TransferDto>> CreateTransferAsync(CreateTransferRequest r, CancellationToken c = default) => SendAsync<TransferDto>(HttpMethod.Post, "v1/transfers", r, c);
    public Task<ApiResult<BatchResult>> CreateTransfersAsync(CreateTransferRequest[] transfers, CancellationToken c = default) =>
        SendAsync<BatchResult>(HttpMethod.Post, "v1/transfers/batch", new CreateTransfersBatchRequest(transfers), c);
    public Task<ApiResult<TransferDto>> GetTransferAsync(string id, CancellationToken c = default) => SendAsync<TransferDto>(HttpMethod.Get, $"v1/transfers/{id}", null, c);

    public Task<ApiResult<ParticipantTokenDto>> RegisterParticipantAsync(RegisterParticipantRequest r, CancellationToken c = default) => SendAsync<ParticipantTokenDto>(HttpMethod.Post, "v1/participants", r, c);
    public Task<ApiResult<ParticipantDto[]>> ListParticipantsAsync(CancellationToken c = default) => SendAsync<ParticipantDto[]>(HttpMethod.Get, "v1/participants", null, c);
    public Task<ApiResult<ParticipantDto>> GetParticipantAsync(ulong id, CancellationToken c = default) => SendAsync<ParticipantDto>(HttpMethod.Get, $"v1/participants/{id}", null, c);
    /// <summary>Operator: grants or withdraws a participant's raw transfer access to a non-settlement ledger.</summary>
    public Task<ApiResult<LedgerAccessDto>> SetLedgerAccessAsync(ulong participant, uint ledger, bool granted = true, CancellationToken c = default) =>
        SendAsync<LedgerAccessDto>(HttpMethod.Post, $"v1/participants/{participant}/ledger-access", new LedgerAccessRequest(ledger, granted), c);
    public Task<ApiResult<LedgerAccessDto>> GetLedgerAccessAsync(ulong participant, CancellationToken c = default) =>
        SendAsync<LedgerAccessDto>(HttpMethod.Get, $"v1/participants/{participant}/ledger-access", null, c);
    public Task<ApiResult<ParticipantDto>> ChangeParticipantStatusAsync(ulong id, string status, CancellationToken c = default) =>
        SendAsync<ParticipantDto>(HttpMethod.Post, $"v1/participants/{id}/status", new ChangeParticipantStatusRequest(status), c);
    public Task<ApiResult<ParticipantTokenDto>> IssueTokenAsync(ulong id, CancellationToken c = default) => SendAsync<ParticipantTokenDto>(HttpMethod.Post, $"v1/participants/{id}/tokens", null, c);

    public Task<ApiResult<LedgerDto>> RegisterLedgerAsync(RegisterLedgerRequest r, CancellationToken c = default) => SendAsync<LedgerDto>(HttpMethod.Post, "v1/ledgers", r, c);
    public Task<ApiResult<SettlementAccountDto>> OpenSettlementAccountAsync(OpenSettlementAccountRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/settlement-accounts", r, c);
    public Task<ApiResult<SettlementAccountDto>> GetSettlementAccountAsync(ulong participant, uint ledger, CancellationToken c = default) =>
        SendAsync<SettlementAccountDto>(HttpMethod.Get, $"v1/participants/{participant}/settlement-accounts/{ledger}", null, c);
    public Task<ApiResult<SettlementAccountDto>> MoveLiquidityAsync(LiquidityRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/liquidity", r, c);
    public Task<ApiResult<SettlementAccountDto>> SetCreditLineAsync(CreditLineRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/credit-lines", r, c);

    public Task<ApiResult<SettlementAccountDto>> SetReservationAsync(ReservationRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/reservations", r, c);
    public Task<ApiResult<SettlementAccountDto>> SetSendingLimitAsync(SendingLimitRequest r, CancellationToken c = default) => SendAsync<SettlementAccountDto>(HttpMethod.Post, "v1/sending-limits", r, c);

    public Task<ApiResult<PaymentDto>> SubmitPaymentAsync(SubmitPaymentRequest r, CancellationToken c = default) => SendAsync<PaymentDto>(HttpMethod.Post, "v1/payments", r, c);
    public Task<ApiResult<PaymentDto>> GetPaymentAsync(string id, CancellationToken c = default) => SendAsync<PaymentDto>(HttpMethod.Get, $"v1/payments/{id}", null, c);
    public Task<ApiResult<PaymentDto>> ManagePaymentAsync(string id, QueueActionRequest r, CancellationToken c = default) => SendAsync<PaymentDto>(HttpMethod.Post, $"v1/payments/{id}/actions", r, c);
    public Task<ApiResult<PaymentDto[]>> GetQueueAsync(ulong participant, uint ledger, CancellationToken c = default) =>
        SendAsync<PaymentDto[]>(HttpMethod.Get, $"v1/participants/{participant}/queue/{ledger}", null, c);
    public Task<ApiResult<LsmRunDto[]>> RunLsmAsync(uint ledger, CancellationToken c = default) => SendAsync<LsmRunDto[]>(HttpMethod.Post, "v1/lsm/runs", new RunLsmRequest(ledger), c);

    public Task<ApiResult<WindowDto>> OpenWindowAsync(OpenWindowRequest r, CancellationToken c = default) => SendAsync<WindowDto>(HttpMethod.Post, "v1/netting-windows", r, c);
    public Task<ApiResult<WindowDto>> CloseWindowAsync(ulong id, CancellationToken c = default) => SendAsync<WindowDto>(HttpMethod.Post, $"v1/netting-windows/{id}/close", null, c);
    public Task<ApiResult<WindowDto>> GetWindowAsync(ulong id, CancellationToken c = default) => SendAsync<WindowDto>(HttpMethod.Get, $"v1/netting-windows/{id}", null, c);

    public Task<ApiResult<DayDto>> GetDayAsync(CancellationToken c = default) => SendAsync<DayDto>(HttpMethod.Get, "v1/day", null, c);
    public Task<ApiResult<DayDto>> OpenDayAsync(DateOnly businessDate, CancellationToken c = default) => SendAsync<DayDto>(HttpMethod.Post, "v1/day/open", new OpenDayRequest(businessDate), c);
    public Task<ApiResult<DayDto>> ChangePhaseAsync(string phase, CancellationToken c = default) => SendAsync<DayDto>(HttpMethod.Post, "v1/day/phase", new ChangePhaseRequest(phase), c);
    public Task<ApiResult<DayScheduleDto>> GetDayScheduleAsync(CancellationToken c = default) => SendAsync<DayScheduleDto>(HttpMethod.Get, "v1/day/schedule", null, c);
    public Task<ApiResult<DayScheduleDto>> SetDayScheduleAsync(SetDayScheduleRequest schedule, CancellationToken c = default) => SendAsync<DayScheduleDto>(HttpMethod.Put, "v1/day/schedule", schedule, c);
    public Task<ApiResult<StatementDto>> GetStatementAsync(DateOnly businessDate, string accountId, CancellationToken c = default) =>
        SendAsync<StatementDto>(HttpMethod.Get, $"v1/statements/{businessDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}/{accountId}", null, c);

    /// <summary>Sends raw JSON (tests, tools): no client-side validation.</summary>
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
public sealed record ApiResult<T>(HttpStatusCode Status, T? Value, ProblemDto? Problem, TimeSpan? RetryAfter)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>The value, or an exception naming the problem code.</summary>
    public T Unwrap() => Ok && Value is not null ? Value : throw new CorridorApiException(Status, Problem);
}

public sealed class CorridorApiException(HttpStatusCode status, ProblemDto? problem)
    : Exception($"HTTP {(int)status}: {problem?.Code ?? "no problem details"} {problem?.Detail}")
{
    public HttpStatusCode Status { get; } = status;
    public ProblemDto? Problem { get; } = problem;
}
