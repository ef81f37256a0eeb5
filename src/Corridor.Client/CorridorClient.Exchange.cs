namespace Corridor.Client;

/// <summary>Cross-currency settlement: currencies, FX quotes, locks, PvP payments and bilateral FX trades (docs/api.md, "Cross-currency").</summary>
public sealed partial class CorridorClient
{
    public Task<ApiResult<CurrencyDto>> ConfigureCurrencyAsync(ConfigureCurrencyRequest r, CancellationToken c = default) => SendAsync<CurrencyDto>(HttpMethod.Post, "v1/currencies", r, c);
    public Task<ApiResult<CurrencyDto>> GetCurrencyAsync(string code, CancellationToken c = default) => SendAsync<CurrencyDto>(HttpMethod.Get, $"v1/currencies/{Uri.EscapeDataString(code)}", null, c);

    public Task<ApiResult<QuoteDto>> PublishQuoteAsync(PublishQuoteRequest r, CancellationToken c = default) => SendAsync<QuoteDto>(HttpMethod.Post, "v1/fx/quotes", r, c);
    public Task<ApiResult<QuoteDto>> GetQuoteAsync(string id, CancellationToken c = default) => SendAsync<QuoteDto>(HttpMethod.Get, $"v1/fx/quotes/{Uri.EscapeDataString(id)}", null, c);
    public Task<ApiResult<QuoteDto>> WithdrawQuoteAsync(string id, CancellationToken c = default) => SendAsync<QuoteDto>(HttpMethod.Delete, $"v1/fx/quotes/{Uri.EscapeDataString(id)}", null, c);

    /// <summary>Best quote for converting <paramref name="amount"/>; <paramref name="side"/> "source" fixes what the payer pays, "destination" what the payee receives.</summary>
    public Task<ApiResult<BestQuoteDto>> FindBestQuoteAsync(string from, string to, long amount, string side = "source", CancellationToken c = default) =>
        SendAsync<BestQuoteDto>(HttpMethod.Get, $"v1/fx/quotes/best?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}&{(side == "destination" ? "destination_amount" : "source_amount")}={amount}", null, c);

    public Task<ApiResult<LockDto>> LockQuoteAsync(LockQuoteRequest r, CancellationToken c = default) => SendAsync<LockDto>(HttpMethod.Post, "v1/fx/locks", r, c);
    public Task<ApiResult<LockDto>> GetLockAsync(string id, CancellationToken c = default) => SendAsync<LockDto>(HttpMethod.Get, $"v1/fx/locks/{Uri.EscapeDataString(id)}", null, c);
    /// <summary>Quote locks, newest first (the operator's all, a participant's its own); <paramref name="status"/> locked, settled, released, expired or failed.</summary>
    public Task<ApiResult<LockDto[]>> ListLocksAsync(string? status = null, int limit = 100, CancellationToken c = default) =>
        SendAsync<LockDto[]>(HttpMethod.Get, $"v1/fx/locks?limit={limit}" + (status is null ? "" : "&status=" + Uri.EscapeDataString(status)), null, c);
    public Task<ApiResult<LockDto>> ReleaseLockAsync(string id, CancellationToken c = default) => SendAsync<LockDto>(HttpMethod.Delete, $"v1/fx/locks/{Uri.EscapeDataString(id)}", null, c);

    public Task<ApiResult<FxPaymentDto>> PayAgainstLockAsync(PayAgainstLockRequest r, CancellationToken c = default) => SendAsync<FxPaymentDto>(HttpMethod.Post, "v1/fx/payments", r, c);
    public Task<ApiResult<FxPaymentDto>> GetFxPaymentAsync(string id, CancellationToken c = default) => SendAsync<FxPaymentDto>(HttpMethod.Get, $"v1/fx/payments/{Uri.EscapeDataString(id)}", null, c);
    public Task<ApiResult<FxPaymentDto[]>> FindFxPaymentsByInvoiceAsync(string invoiceNumber, int limit = 100, CancellationToken c = default) =>
        SendAsync<FxPaymentDto[]>(HttpMethod.Get, $"v1/fx/payments?invoice={Uri.EscapeDataString(invoiceNumber)}&limit={limit}", null, c);
    public Task<ApiResult<FxPaymentDto[]>> FindFxPaymentsByLetterOfCreditAsync(string reference, int limit = 100, CancellationToken c = default) =>
        SendAsync<FxPaymentDto[]>(HttpMethod.Get, $"v1/fx/payments?letter_of_credit={Uri.EscapeDataString(reference)}&limit={limit}", null, c);

    public Task<ApiResult<FxTradeDto>> SubmitFxTradeAsync(FxTradeRequest r, CancellationToken c = default) => SendAsync<FxTradeDto>(HttpMethod.Post, "v1/fx/trades", r, c);
    public Task<ApiResult<FxTradeDto>> AffirmFxTradeAsync(FxTradeRequest r, CancellationToken c = default) =>
        SendAsync<FxTradeDto>(HttpMethod.Post, $"v1/fx/trades/{Uri.EscapeDataString(r.Id)}/affirm", r, c);
    public Task<ApiResult<FxTradeDto>> CancelFxTradeAsync(string id, CancellationToken c = default) => SendAsync<FxTradeDto>(HttpMethod.Post, $"v1/fx/trades/{Uri.EscapeDataString(id)}/cancel", null, c);
    /// <summary>Bilateral FX trades, newest first (the operator's all, a participant's those it is a party of); <paramref name="status"/> submitted, settled, failed, cancelled or expired.</summary>
    public Task<ApiResult<FxTradeDto[]>> ListFxTradesAsync(string? status = null, int limit = 100, CancellationToken c = default) =>
        SendAsync<FxTradeDto[]>(HttpMethod.Get, $"v1/fx/trades?limit={limit}" + (status is null ? "" : "&status=" + Uri.EscapeDataString(status)), null, c);
    public Task<ApiResult<FxTradeDto>> GetFxTradeAsync(string id, CancellationToken c = default) => SendAsync<FxTradeDto>(HttpMethod.Get, $"v1/fx/trades/{Uri.EscapeDataString(id)}", null, c);
}
