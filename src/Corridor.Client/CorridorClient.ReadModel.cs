using System.Globalization;
using System.Net.Http.Headers;

namespace Corridor.Client;

/// <summary>An outbound ISO 20022 message fetched from the node (camt.052/053/054), and the cursor for the next camt.054.</summary>
public sealed record IsoDocument(System.Net.HttpStatusCode Status, string Body, string? ContentType, string? NextCursor, long? ReadModelSequence);

public sealed partial class CorridorClient
{
    /// <summary>
    /// An account's transfers from the read model: time range [<paramref name="from"/>, <paramref name="to"/>) as RFC 3339 or ns,
    /// keyset paging with <paramref name="after"/> (a page's <c>NextCursor</c>); <paramref name="minSequence"/>: null waits for
    /// everything acknowledged before the call (read-your-writes), 0 answers at once, n waits for batch n.
    /// </summary>
    public Task<ApiResult<TransferPage>> QueryAccountTransfersAsync(string accountId, string? from = null, string? to = null, string? after = null,
        int limit = 100, long? minSequence = null, CancellationToken c = default) =>
        SendAsync<TransferPage>(HttpMethod.Get, $"v1/accounts/{accountId}/transfers" + Query(("limit", limit.ToString(CultureInfo.InvariantCulture)),
            ("from", from), ("to", to), ("after", after), ("minSequence", minSequence?.ToString(CultureInfo.InvariantCulture))), null, c);

    /// <summary>Payments by a reference: <paramref name="parameter"/> is uetr, endToEndId, msgId, txId, instrId, invoiceNumber or letterOfCredit.</summary>
    public Task<ApiResult<PaymentRecordDto[]>> FindPaymentsAsync(string parameter, string value, CancellationToken c = default) =>
        SendAsync<PaymentRecordDto[]>(HttpMethod.Get, "v1/payments" + Query((parameter, value)), null, c);

    /// <summary>
    /// Payments by filters (each optional, at least one): <paramref name="status"/> (settled, queued, held, scheduled, in_window,
    /// rejected, revoked, failed; prepared, refused for cross-node payments), business <paramref name="date"/>, a fragment of a
    /// <paramref name="party"/> name, <paramref name="kind"/> (settlement, pvp, cross_node); oldest first. The answer's <c>Corridor-Next-Cursor</c> header, passed as <paramref name="after"/>, gives the next page.
    /// </summary>
    public async Task<(ApiResult<PaymentRecordDto[]> Page, string? NextCursor)> ListPaymentsAsync(string? status = null, DateOnly? date = null, string? party = null,
        string? kind = null, string? after = null, int limit = 100, CancellationToken c = default)
    {
        string path = "v1/payments" + Query(("status", status), ("date", date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("party", party), ("kind", kind),
            ("after", after), ("limit", limit.ToString(CultureInfo.InvariantCulture)));
        using HttpResponseMessage raw = await SendRawAsync(HttpMethod.Get, path, null, c).ConfigureAwait(false);
        string? next = raw.Headers.TryGetValues("Corridor-Next-Cursor", out var n) ? n.FirstOrDefault() : null;
        return (await ReadResultAsync<PaymentRecordDto[]>(raw, c).ConfigureAwait(false), next);
    }

    /// <summary>camt.054 notifications of <paramref name="accountId"/> after cursor <paramref name="since"/> (0: from the start).</summary>
    public Task<IsoDocument> FetchCamt054Async(string accountId, ulong since = 0, int limit = 1000, CancellationToken c = default) =>
        GetIsoAsync("v1/iso20022/camt054" + Query(("account", accountId), ("since", since.ToString(CultureInfo.InvariantCulture)),
            ("limit", limit.ToString(CultureInfo.InvariantCulture))), c);

    /// <summary>camt.053 end-of-day statement of <paramref name="accountId"/> for <paramref name="businessDate"/>.</summary>
    public Task<IsoDocument> FetchCamt053Async(DateOnly businessDate, string accountId, CancellationToken c = default) =>
        GetIsoAsync($"v1/iso20022/camt053/{businessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(accountId)}", c);

    /// <summary>camt.052 intraday report of <paramref name="accountId"/> (entries of the current UTC day unless <paramref name="from"/>/<paramref name="to"/>).</summary>
    public Task<IsoDocument> FetchCamt052Async(string accountId, string? from = null, string? to = null, CancellationToken c = default) =>
        GetIsoAsync($"v1/iso20022/camt052/{Uri.EscapeDataString(accountId)}" + Query(("from", from), ("to", to)), c);

    /// <summary>pacs.002 of one payment as it stands now: ACSC, PDNG, RJCT with its ISO reason, or CANC (any id the payment has, or its UETR).</summary>
    public Task<IsoDocument> FetchPacs002Async(string paymentId, CancellationToken c = default) =>
        GetIsoAsync($"v1/iso20022/pacs002/{Uri.EscapeDataString(paymentId)}", c);

    /// <summary>The ISO 20022 messages of a payment in the node's archive: the one it came in and the node's answers, oldest first.</summary>
    public Task<ApiResult<ArchivedMessageDto[]>> ListPaymentMessagesAsync(string paymentId, CancellationToken c = default) =>
        SendAsync<ArchivedMessageDto[]>(HttpMethod.Get, $"v1/payments/{Uri.EscapeDataString(paymentId)}/messages", null, c);

    /// <summary>One archived message of a payment, byte for byte.</summary>
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
