using System.Globalization;
using System.Net.Http.Headers;

namespace Corridor.Client;

/// <summary>An outbound ISO 20022 message fetched from the node (camt.052/053/054), and the cursor for the next camt.054.</summary>
/// <param name="Status">The HTTP status (200 with the message; otherwise a problem).</param>
/// <param name="Body">The answer's text: the XML message on 200, the problem JSON otherwise.</param>
/// <param name="ContentType">The answer's media type (<c>application/xml</c>, or <c>application/problem+json</c>).</param>
/// <param name="NextCursor">camt.054: the <c>Corridor-Next-Cursor</c> header, to pass as <c>since</c> next time (equal to the cursor sent when
/// nothing was new); null for the other messages.</param>
/// <param name="ReadModelSequence">The <c>Corridor-Read-Model-Sequence</c> header: the journal batch the read model held when the answer
/// was built; null when absent.</param>
public sealed record IsoDocument(System.Net.HttpStatusCode Status, string Body, string? ContentType, string? NextCursor, long? ReadModelSequence);

public sealed partial class CorridorClient
{
    /// <summary>
    /// <c>GET /v1/accounts/{id}/transfers</c>: an account's transfers from the read model, oldest first, in the time range
    /// [<paramref name="from"/>, <paramref name="to"/>), paged by keyset (its owner or an operator user). Rows show
    /// <c>pending_status</c> <c>none</c>: ask <see cref="GetTransferAsync"/> for the live two-phase status.
    /// </summary>
    /// <param name="accountId">The account id, decimal or 0x-hex.</param>
    /// <param name="from">Inclusive start: RFC 3339 (<c>2026-11-23T09:00:00Z</c>) or engine ns since the Unix epoch; null = from the first.</param>
    /// <param name="to">Exclusive end, same forms; null = up to now.</param>
    /// <param name="after">A page's <see cref="TransferPage.NextCursor"/>; null for the first page.</param>
    /// <param name="limit">Rows per page, 1 … 1,000.</param>
    /// <param name="minSequence">Freshness: null waits until everything acknowledged before the call is projected (read-your-writes), 0 answers at
    /// once from what is projected, n waits for journal batch n (at most 15 s).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>A page of transfers; 404 <c>account.not_found</c>, 403 <c>auth.forbidden</c>, 400 <c>request.invalid_value</c>, 503
    /// <c>read_model.behind</c> (with Retry-After), <c>read_model.busy</c>, <c>read_model.disabled</c>, <c>read_model.unavailable</c>.</returns>
    public Task<ApiResult<TransferPage>> QueryAccountTransfersAsync(string accountId, string? from = null, string? to = null, string? after = null,
        int limit = 100, long? minSequence = null, CancellationToken c = default) =>
        SendAsync<TransferPage>(HttpMethod.Get, $"v1/accounts/{accountId}/transfers" + Query(("limit", limit.ToString(CultureInfo.InvariantCulture)),
            ("from", from), ("to", to), ("after", after), ("minSequence", minSequence?.ToString(CultureInfo.InvariantCulture))), null, c);

    /// <summary>
    /// <c>GET /v1/payments?{reference}=</c>: payments by one reference, from the read model, with every reference it holds (same-currency,
    /// PvP and cross-node alike); a participant gets only those it pays or receives.
    /// </summary>
    /// <param name="parameter"><c>uetr</c>, <c>endToEndId</c>, <c>msgId</c>, <c>txId</c>, <c>instrId</c>, <c>invoiceNumber</c> or
    /// <c>letterOfCredit</c>.</param>
    /// <param name="value">The reference, ≤ 64 characters (exact match).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The payments (at most 100; empty when none); 400 <c>request.invalid_value</c>, 503 <c>read_model.*</c>.</returns>
    public Task<ApiResult<PaymentRecordDto[]>> FindPaymentsAsync(string parameter, string value, CancellationToken c = default) =>
        SendAsync<PaymentRecordDto[]>(HttpMethod.Get, "v1/payments" + Query((parameter, value)), null, c);

    /// <summary>
    /// <c>GET /v1/payments?status=&amp;date=&amp;party=&amp;kind=</c>: payments by filters (each optional, at least one), from the read model,
    /// oldest first (submission time, then id); a participant gets only those it pays or receives.
    /// </summary>
    /// <param name="status"><c>settled</c>, <c>queued</c>, <c>held</c>, <c>scheduled</c>, <c>in_window</c>, <c>rejected</c>, <c>revoked</c>,
    /// <c>failed</c>; <c>prepared</c>, <c>refused</c> for cross-node payments.</param>
    /// <param name="date">The payments' business date.</param>
    /// <param name="party">A fragment (1 … 140 characters) of the originator's or beneficiary's name, compared case-insensitively.</param>
    /// <param name="kind"><c>settlement</c>, <c>pvp</c> or <c>cross_node</c>.</param>
    /// <param name="after">The previous page's <c>NextCursor</c>; null for the first page.</param>
    /// <param name="limit">Rows per page, 1 … 1,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The page and the cursor of the next one (the answer's <c>Corridor-Next-Cursor</c> header; null when no more may follow); 400
    /// <c>request.invalid_value</c> (no filter, a bad value, filters mixed with a reference), <c>request.invalid_date</c>; 503
    /// <c>read_model.*</c>.</returns>
    public async Task<(ApiResult<PaymentRecordDto[]> Page, string? NextCursor)> ListPaymentsAsync(string? status = null, DateOnly? date = null, string? party = null,
        string? kind = null, string? after = null, int limit = 100, CancellationToken c = default)
    {
        string path = "v1/payments" + Query(("status", status), ("date", date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("party", party), ("kind", kind),
            ("after", after), ("limit", limit.ToString(CultureInfo.InvariantCulture)));
        using HttpResponseMessage raw = await SendRawAsync(HttpMethod.Get, path, null, c).ConfigureAwait(false);
        string? next = raw.Headers.TryGetValues("Corridor-Next-Cursor", out var n) ? n.FirstOrDefault() : null;
        return (await ReadResultAsync<PaymentRecordDto[]>(raw, c).ConfigureAwait(false), next);
    }

    /// <summary><c>GET /v1/iso20022/camt054?account=&amp;since=&amp;limit=</c>: camt.054 debit/credit notification of an account's posted bookings after a cursor (its owner or an operator user).</summary>
    /// <param name="accountId">The account id, decimal or 0x-hex.</param>
    /// <param name="since">The cursor (engine ns of the last booking seen, exclusive): 0 from the start, else the previous answer's
    /// <see cref="IsoDocument.NextCursor"/>.</param>
    /// <param name="limit">Most bookings in one message, 1 … 1,000.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The camt.054 XML with the next cursor and the read model's sequence; a problem (404 <c>account.not_found</c>, 403, 503
    /// <c>read_model.*</c>) as problem JSON in <see cref="IsoDocument.Body"/>.</returns>
    public Task<IsoDocument> FetchCamt054Async(string accountId, ulong since = 0, int limit = 1000, CancellationToken c = default) =>
        GetIsoAsync("v1/iso20022/camt054" + Query(("account", accountId), ("since", since.ToString(CultureInfo.InvariantCulture)),
            ("limit", limit.ToString(CultureInfo.InvariantCulture))), c);

    /// <summary><c>GET /v1/iso20022/camt053/{date}/{account_id}</c>: the camt.053 end-of-day statement of a settlement account (its owner or an operator user).</summary>
    /// <param name="businessDate">The business day (its end of day must have passed).</param>
    /// <param name="accountId">The settlement account id, decimal or 0x-hex.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The camt.053 XML; 404 <c>settlement.statement_not_found</c> before the day ended, 403, 503 <c>read_model.*</c> as problem JSON.</returns>
    public Task<IsoDocument> FetchCamt053Async(DateOnly businessDate, string accountId, CancellationToken c = default) =>
        GetIsoAsync($"v1/iso20022/camt053/{businessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(accountId)}", c);

    /// <summary><c>GET /v1/iso20022/camt052/{account_id}</c>: camt.052 intraday report: interim booked balance and the posted bookings (its owner or an operator user).</summary>
    /// <param name="accountId">The account id, decimal or 0x-hex.</param>
    /// <param name="from">Inclusive start, RFC 3339 or engine ns; null with <paramref name="to"/> = the current UTC day.</param>
    /// <param name="to">Exclusive end, RFC 3339 or engine ns.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The camt.052 XML; a problem (404, 403, 400 <c>request.invalid_value</c>, 503 <c>read_model.*</c>) as problem JSON.</returns>
    public Task<IsoDocument> FetchCamt052Async(string accountId, string? from = null, string? to = null, CancellationToken c = default) =>
        GetIsoAsync($"v1/iso20022/camt052/{Uri.EscapeDataString(accountId)}" + Query(("from", from), ("to", to)), c);

    /// <summary>
    /// <c>GET /v1/iso20022/pacs002/{payment_id}</c>: the pacs.002 of one payment as it stands now, whatever path instructed it: ACSC settled,
    /// PDNG queued / scheduled / in a window / held, RJCT with the ISO reason of the refusal, CANC revoked (payer, payee or an operator user).
    /// </summary>
    /// <param name="paymentId">Any id <see cref="GetPaymentAsync"/> takes, or the UETR.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The pacs.002 XML; 404 <c>settlement.payment_not_found</c>, 403 as problem JSON.</returns>
    public Task<IsoDocument> FetchPacs002Async(string paymentId, CancellationToken c = default) =>
        GetIsoAsync($"v1/iso20022/pacs002/{Uri.EscapeDataString(paymentId)}", c);

    /// <summary>
    /// <c>GET /v1/payments/{id}/messages</c>: the payment's ISO 20022 messages in the node's archive, oldest first: the message it came in on
    /// <c>POST /v1/iso20022</c> and the node's answers (payer, payee or an operator user).
    /// </summary>
    /// <param name="paymentId">The payment's id (any id <see cref="GetPaymentAsync"/> takes).</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The archived messages (empty for a payment instructed as JSON); 404 <c>settlement.payment_not_found</c>, 403.</returns>
    public Task<ApiResult<ArchivedMessageDto[]>> ListPaymentMessagesAsync(string paymentId, CancellationToken c = default) =>
        SendAsync<ArchivedMessageDto[]>(HttpMethod.Get, $"v1/payments/{Uri.EscapeDataString(paymentId)}/messages", null, c);

    /// <summary><c>GET /v1/payments/{id}/messages/{message_id}</c>: one archived message of a payment, byte for byte (<c>application/xml</c>).</summary>
    /// <param name="paymentId">The payment's id.</param>
    /// <param name="messageId">The message's <see cref="ArchivedMessageDto.Id"/>.</param>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The message; 404 <c>messages.message_not_found</c> for an id that is not this payment's.</returns>
    public Task<IsoDocument> FetchPaymentMessageAsync(string paymentId, long messageId, CancellationToken c = default) =>
        GetIsoAsync($"v1/payments/{Uri.EscapeDataString(paymentId)}/messages/{messageId}", c);

    private async Task<IsoDocument> GetIsoAsync(string path, CancellationToken c)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await Http.SendAsync(request, c).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(c).ConfigureAwait(false);
        string? next = response.Headers.TryGetValues("Corridor-Next-Cursor", out var n) ? n.FirstOrDefault() : null;
        long? sequence = response.Headers.TryGetValues("Corridor-Read-Model-Sequence", out var s)
            && long.TryParse(s.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
        return new IsoDocument(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, next, sequence);
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var parts = new List<string>(parameters.Length);
        foreach (var (name, value) in parameters)
            if (value is not null) parts.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
