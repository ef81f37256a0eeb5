namespace Corridor.Client;

/// <summary>Cross-currency settlement: currencies, FX quotes, locks, PvP payments and bilateral FX trades (docs/api.md, "Cross-currency").</summary>
public sealed partial class CorridorClient
{
    /// <summary><c>POST /v1/currencies</c> (operator only): makes a non-ISO currency, or an ISO code without a minor unit, usable.</summary>
    /// <param name="r">The currency; see <see cref="ConfigureCurrencyRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The currency; 409 <c>fx.configured_differently</c>, <c>fx.ledger_in_use</c>; 422 <c>fx.code_malformed</c>,
    /// <c>fx.exponent_out_of_range</c>, <c>fx.ledger_required</c>, <c>fx.ledger_reserved_for_iso4217</c>, ….</returns>
    public Task<ApiResult<CurrencyDto>> ConfigureCurrencyAsync(ConfigureCurrencyRequest r, CancellationToken c = default) => SendAsync<CurrencyDto>(HttpMethod.Post, "v1/currencies", r, c);
    /// <summary><c>GET /v1/currencies/{code}</c>: a currency's ISO numeric code, exponent and ledger (ISO 4217 currencies with a minor unit need no configuration).</summary>
    /// <param name="code">The three-letter code, e.g. <c>KES</c>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The currency; 404 <c>fx.currency_not_found</c>.</returns>
    public Task<ApiResult<CurrencyDto>> GetCurrencyAsync(string code, CancellationToken c = default) => SendAsync<CurrencyDto>(HttpMethod.Get, $"v1/currencies/{Uri.EscapeDataString(code)}", null, c);

    /// <summary><c>POST /v1/fx/quotes</c>: an FX provider publishes a quote (the caller is the provider; the operator names it).</summary>
    /// <param name="r">The quote; see <see cref="PublishQuoteRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 with the quote (200 for the same quote again); 403 <c>fx.account_not_owned_by_provider</c>, <c>auth.forbidden</c>; 409
    /// <c>fx.id_reused_with_different_content</c>; 422 <c>fx.rate_invalid</c>, <c>fx.size_limits_invalid</c>, <c>fx.validity_window_invalid</c>,
    /// <c>fx.max_lock_seconds_invalid</c>, <c>fx.too_many_quotes_for_pair</c>, ….</returns>
    public Task<ApiResult<QuoteDto>> PublishQuoteAsync(PublishQuoteRequest r, CancellationToken c = default) => SendAsync<QuoteDto>(HttpMethod.Post, "v1/fx/quotes", r, c);
    /// <summary><c>GET /v1/fx/quotes/{id}</c>: a quote and its status (quotes are public to every participant).</summary>
    /// <param name="id">The quote id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The quote; 404 <c>fx.quote_not_found</c>.</returns>
    public Task<ApiResult<QuoteDto>> GetQuoteAsync(string id, CancellationToken c = default) => SendAsync<QuoteDto>(HttpMethod.Get, $"v1/fx/quotes/{Uri.EscapeDataString(id)}", null, c);
    /// <summary><c>DELETE /v1/fx/quotes/{id}</c>: the quote's provider (or the operator) withdraws it; locks already taken stay valid.</summary>
    /// <param name="id">The quote id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The quote, now <c>withdrawn</c>; 404 <c>fx.quote_not_found</c>, 403 <c>fx.not_quote_provider</c>.</returns>
    public Task<ApiResult<QuoteDto>> WithdrawQuoteAsync(string id, CancellationToken c = default) => SendAsync<QuoteDto>(HttpMethod.Delete, $"v1/fx/quotes/{Uri.EscapeDataString(id)}", null, c);

    /// <summary><c>GET /v1/fx/quotes/best?from=&amp;to=&amp;source_amount=</c> (or <c>destination_amount=</c>): the best quote lockable now and the amounts a lock would fix.</summary>
    /// <param name="from">Source currency code (what the payer pays).</param>
    /// <param name="to">Destination currency code (what the payee receives).</param>
    /// <param name="amount">Minor units of the source currency (side <c>source</c>) or of the destination currency (side <c>destination</c>).</param>
    /// <param name="side"><c>source</c> fixes what the payer pays, <c>destination</c> what the payee receives.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The best quote and amounts; 404 <c>fx.no_quote</c> when none is active, in its window and size limits, and backed by liquidity.</returns>
    public Task<ApiResult<BestQuoteDto>> FindBestQuoteAsync(string from, string to, long amount, string side = "source", CancellationToken c = default) =>
        SendAsync<BestQuoteDto>(HttpMethod.Get, $"v1/fx/quotes/best?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}&{(side == "destination" ? "destination_amount" : "source_amount")}={amount}", null, c);

    /// <summary><c>POST /v1/fx/locks</c>: the payer locks a quote for one payment, fixing both amounts and reserving the provider's destination liquidity.</summary>
    /// <param name="r">The lock; see <see cref="LockQuoteRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 <c>locked</c> (200 for the same lock again); a refused lock is recorded <c>failed</c> and answered 422 <c>fx.*</c>
    /// (<c>fx.quote_expired</c>, <c>fx.below_provider_minimum</c>, <c>fx.provider_insufficient_liquidity</c>,
    /// <c>fx.lock_longer_than_quote_allows</c>, …); 403 <c>fx.payer_account_not_owned_by_payer</c>; 409
    /// <c>fx.id_reused_with_different_content</c>.</returns>
    public Task<ApiResult<LockDto>> LockQuoteAsync(LockQuoteRequest r, CancellationToken c = default) => SendAsync<LockDto>(HttpMethod.Post, "v1/fx/locks", r, c);
    /// <summary><c>GET /v1/fx/locks/{id}</c>: a lock's status, amounts, reservation and expiry (its payer or the operator).</summary>
    /// <param name="id">The lock id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The lock; 404 <c>fx.lock_not_found</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<LockDto>> GetLockAsync(string id, CancellationToken c = default) => SendAsync<LockDto>(HttpMethod.Get, $"v1/fx/locks/{Uri.EscapeDataString(id)}", null, c);
    /// <summary><c>GET /v1/fx/locks?status=&amp;limit=</c>: quote locks, newest first (the operator's all, a participant's those it took as payer).</summary>
    /// <param name="status"><c>locked</c>, <c>settled</c>, <c>released</c>, <c>expired</c> or <c>failed</c>; null for all.</param>
    /// <param name="limit">At most this many, 1 … 1,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The locks; 400 <c>request.invalid_value</c> for another status.</returns>
    public Task<ApiResult<LockDto[]>> ListLocksAsync(string? status = null, int limit = 100, CancellationToken c = default) =>
        SendAsync<LockDto[]>(HttpMethod.Get, $"v1/fx/locks?limit={limit}" + (status is null ? "" : "&status=" + Uri.EscapeDataString(status)), null, c);
    /// <summary><c>DELETE /v1/fx/locks/{id}</c>: the payer (or the operator) gives a lock back, voiding the provider's reservation; idempotent.</summary>
    /// <param name="id">The lock id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The lock, now <c>released</c>; 404 <c>fx.lock_not_found</c>, 403 <c>fx.not_lock_payer</c>, 409 <c>fx.lock_already_settled</c>.</returns>
    public Task<ApiResult<LockDto>> ReleaseLockAsync(string id, CancellationToken c = default) => SendAsync<LockDto>(HttpMethod.Delete, $"v1/fx/locks/{Uri.EscapeDataString(id)}", null, c);

    /// <summary><c>POST /v1/fx/payments</c>: pays against a lock, payment versus payment: both legs settle or neither.</summary>
    /// <param name="r">The payment; see <see cref="PayAgainstLockRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 <c>settled</c>, <c>queued</c> or <c>held</c> (200 for the same payment again); a refusal is recorded <c>failed</c> and
    /// answered 422 <c>fx.*</c> with <c>payment_id</c> and <c>payment_status</c> (<c>fx.lock_expired</c>, <c>fx.payer_insufficient_funds</c>,
    /// <c>fx.day_not_open</c>, <c>fx.originator_town_missing</c>, …); 409 <c>fx.lock_already_used</c>, <c>fx.id_reused_with_different_content</c>;
    /// 403 <c>fx.not_lock_payer</c>; 400 <c>request.*</c>, <c>party.birth_not_supported</c>.</returns>
    public Task<ApiResult<FxPaymentDto>> PayAgainstLockAsync(PayAgainstLockRequest r, CancellationToken c = default) => SendAsync<FxPaymentDto>(HttpMethod.Post, "v1/fx/payments", r, c);
    /// <summary><c>GET /v1/fx/payments/{id}</c>: a PvP payment with its amounts, legs, parties and trade reference (payer, owner of the payee account, or operator).</summary>
    /// <param name="id">The payment id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The payment; 404 <c>fx.payment_not_found</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<FxPaymentDto>> GetFxPaymentAsync(string id, CancellationToken c = default) => SendAsync<FxPaymentDto>(HttpMethod.Get, $"v1/fx/payments/{Uri.EscapeDataString(id)}", null, c);
    /// <summary><c>GET /v1/fx/payments?invoice=</c>: PvP payments paying an invoice (exact, case-sensitive), oldest first; a participant gets only those it pays or receives.</summary>
    /// <param name="invoiceNumber">The invoice number as submitted.</param>
    /// <param name="limit">At most this many, 1 … 1,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The payments (empty when none).</returns>
    public Task<ApiResult<FxPaymentDto[]>> FindFxPaymentsByInvoiceAsync(string invoiceNumber, int limit = 100, CancellationToken c = default) =>
        SendAsync<FxPaymentDto[]>(HttpMethod.Get, $"v1/fx/payments?invoice={Uri.EscapeDataString(invoiceNumber)}&limit={limit}", null, c);
    /// <summary><c>GET /v1/fx/payments?letter_of_credit=</c>: PvP payments under a letter of credit (exact, case-sensitive), oldest first; a participant gets only those it pays or receives.</summary>
    /// <param name="reference">The letter-of-credit reference as submitted.</param>
    /// <param name="limit">At most this many, 1 … 1,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The payments (empty when none).</returns>
    public Task<ApiResult<FxPaymentDto[]>> FindFxPaymentsByLetterOfCreditAsync(string reference, int limit = 100, CancellationToken c = default) =>
        SendAsync<FxPaymentDto[]>(HttpMethod.Get, $"v1/fx/payments?letter_of_credit={Uri.EscapeDataString(reference)}&limit={limit}", null, c);

    /// <summary><c>POST /v1/fx/trades</c>: a party submits a bilateral FX trade; it settles when the other party affirms the same terms.</summary>
    /// <param name="r">The trade's full terms; see <see cref="FxTradeRequest"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>201 <c>submitted</c> (200 for the same trade again); 403 <c>fx.submitter_not_a_party</c>, <c>fx.account_wrong_owner</c>; 409
    /// <c>fx.id_reused_with_different_content</c>; 422 <c>fx.parties_invalid</c>, <c>fx.amounts_must_be_positive</c>,
    /// <c>fx.deadline_invalid</c>, ….</returns>
    public Task<ApiResult<FxTradeDto>> SubmitFxTradeAsync(FxTradeRequest r, CancellationToken c = default) => SendAsync<FxTradeDto>(HttpMethod.Post, "v1/fx/trades", r, c);
    /// <summary>
    /// <c>POST /v1/fx/trades/{id}/affirm</c>: the other party affirms with its own copy of the terms; matching terms settle both legs as one
    /// (or neither, when a party is short: the trade is <c>failed</c>).
    /// </summary>
    /// <param name="r">The full terms as the affirming party has them; its <c>Id</c> names the trade.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The trade, <c>settled</c> or <c>failed</c>; 409 <c>fx.terms_mismatch</c> (the trade stays open), <c>fx.trade_already_settled</c>;
    /// 404 <c>fx.trade_not_found</c>; 422 <c>fx.affirmer_must_be_counterparty</c>, <c>fx.trade_cancelled</c>, <c>fx.trade_expired</c>.</returns>
    public Task<ApiResult<FxTradeDto>> AffirmFxTradeAsync(FxTradeRequest r, CancellationToken c = default) =>
        SendAsync<FxTradeDto>(HttpMethod.Post, $"v1/fx/trades/{Uri.EscapeDataString(r.Id)}/affirm", r, c);
    /// <summary><c>POST /v1/fx/trades/{id}/cancel</c>: a party (or the operator) cancels a trade not yet affirmed.</summary>
    /// <param name="id">The trade id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The trade, now <c>cancelled</c>; 404 <c>fx.trade_not_found</c>, 409 <c>fx.trade_already_settled</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<FxTradeDto>> CancelFxTradeAsync(string id, CancellationToken c = default) => SendAsync<FxTradeDto>(HttpMethod.Post, $"v1/fx/trades/{Uri.EscapeDataString(id)}/cancel", null, c);
    /// <summary><c>GET /v1/fx/trades?status=&amp;limit=</c>: bilateral FX trades, newest first (the operator's all, a participant's those it is a party of).</summary>
    /// <param name="status"><c>submitted</c>, <c>settled</c>, <c>failed</c>, <c>cancelled</c> or <c>expired</c>; null for all.</param>
    /// <param name="limit">At most this many, 1 … 1,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The trades; 400 <c>request.invalid_value</c> for another status.</returns>
    public Task<ApiResult<FxTradeDto[]>> ListFxTradesAsync(string? status = null, int limit = 100, CancellationToken c = default) =>
        SendAsync<FxTradeDto[]>(HttpMethod.Get, $"v1/fx/trades?limit={limit}" + (status is null ? "" : "&status=" + Uri.EscapeDataString(status)), null, c);
    /// <summary><c>GET /v1/fx/trades/{id}</c>: a trade's status, reason and leg transfers (its parties or the operator).</summary>
    /// <param name="id">The trade id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The trade; 404 <c>fx.trade_not_found</c>, 403 <c>auth.forbidden</c>.</returns>
    public Task<ApiResult<FxTradeDto>> GetFxTradeAsync(string id, CancellationToken c = default) => SendAsync<FxTradeDto>(HttpMethod.Get, $"v1/fx/trades/{Uri.EscapeDataString(id)}", null, c);
}
