using System.Globalization;
using System.Text;
using Corridor.Client;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using Corridor.Server.Auth;
using Corridor.Server.Http;
using Corridor.Server.ReadModel;
using Corridor.Storage.ReadModel;

namespace Corridor.Server.Endpoints;

/// <summary>
/// Queries answered from the read model, never from the engine: an account's transfers by time range with keyset
/// paging, payments by any of their ids or references, end-of-day statements. Every answer says how fresh it is
/// (<see cref="SequenceHeader"/>, <see cref="LagHeader"/>). Consistency: by default a query first waits (at most
/// <see cref="ReadModelHost.MaxWait"/>) until the read model holds every batch committed to the journal when the
/// query arrived, so a client reads what it was acknowledged before (read-your-writes); <c>?minSequence=n</c> waits
/// for batch n instead, and <c>?minSequence=0</c> answers at once from whatever is projected.
/// </summary>
public static class ReadModelEndpoints
{
    public const string SequenceHeader = "Corridor-Read-Model-Sequence";
    public const string LagHeader = "Corridor-Read-Model-Lag";
    /// <summary>Most rows in one page.</summary>
    public const int MaxPageRows = 1000;

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapGet("/v1/accounts/{id}/transfers", (HttpContext c, string id) => ListTransfers(c, gw, id)).WithTags("accounts")
            .Produces<Client.TransferPage>().ProducesProblem(403).ProducesProblem(404);
        app.MapGet("/v1/payments/{id}", (HttpContext c, string id) => GetPayment(c, gw, id)).WithTags("payments").Produces<PaymentDto>().ProducesProblem(404);
        app.MapGet("/v1/payments", Handler.Of(c => FindPayments(c, gw))).WithTags("payments").Produces<PaymentRecordDto[]>();
        app.MapGet("/v1/statements/{date}/{accountId}", (HttpContext c, string date, string accountId) => GetStatement(c, gw, date, accountId))
            .WithTags("statements").Produces<StatementDto>().ProducesProblem(404);
    }

    // ───────────── freshness ─────────────

    /// <summary>
    /// The read model once it is fresh enough for this request (see the type's remarks), with the freshness headers
    /// set; 503 <c>read_model.disabled</c> without one, 503 <c>read_model.behind</c> when it did not catch up in time.
    /// </summary>
    internal static async Task<ReadModelHost> FreshAsync(HttpContext c, NodeGateway gw)
    {
        ReadModelHost host = gw.ReadModel ?? throw new ApiException(503, "read_model.disabled", "this node runs without a read model (--read-model none)");
        // Every batch committed when the query arrived: that includes every write acknowledged before it (a reply
        // is released only after its batch is durable), also right after a restart, before anything new applied.
        long wanted = host.CommittedSequence;
        if (c.Request.Query.TryGetValue("minSequence", out var text) && text.ToString() != "latest")
        {
            if (!long.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out wanted))
                throw ApiException.BadRequest("request.invalid_value", "minSequence must be a batch sequence (integer ≥ 0) or latest");
        }
        bool fresh;
        try { fresh = await host.WaitForAsync(wanted, ReadModelHost.MaxWait, c.RequestAborted); }
        catch (InvalidOperationException e) { throw new ApiException(503, "read_model.busy", e.Message); }
        SetHeaders(c, host);
        if (!fresh)
        {
            c.Response.Headers.RetryAfter = "1";
            throw new ApiException(503, "read_model.behind",
                $"the read model is at batch {host.ProjectedSequence}, not yet {wanted} (lag {host.LagBatches} batches{(host.Running ? "" : ", projector stopped: " + host.LastError)})");
        }
        return host;
    }

    internal static void SetHeaders(HttpContext c, ReadModelHost host)
    {
        c.Response.Headers[SequenceHeader] = host.ProjectedSequence.ToString(CultureInfo.InvariantCulture);
        c.Response.Headers[LagHeader] = host.LagBatches.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The account as projected: 404 when unknown, 403 when it is another participant's.</summary>
    internal static AccountRow OwnAccount(ReadModelHost host, Caller caller, UInt128 accountId, string text)
    {
        AccountRow account = host.Query(m => m.GetAccount(accountId)) ?? throw ApiException.NotFound("account.not_found", $"account {text} does not exist");
        if (!caller.IsOperator && account.Participant != caller.ParticipantId) throw ApiException.Forbidden($"account {text} belongs to another participant");
        return account;
    }

    // ───────────── transfers ─────────────

    private static async Task<IResult> ListTransfers(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 accountId = Ids.Parse(id, "id");
        int limit = Limit(c);
        ulong after = Cursor(c, "after");
        ulong from = Time(c, "from") ?? 0, to = Time(c, "to") ?? ulong.MaxValue;
        ReadModelHost host = await FreshAsync(c, gw);
        OwnAccount(host, caller, accountId, id);
        Storage.ReadModel.TransferPage page = host.Query(m => m.GetAccountTransfers(accountId, from, to, after, limit));
        var rows = new TransferDto[page.Transfers.Count];
        for (int i = 0; i < rows.Length; i++) rows[i] = ToDto(page.Transfers[i]);
        string? next = page.NextAfterTimestampNs?.ToString(CultureInfo.InvariantCulture);
        return Results.Json(new Client.TransferPage(rows, next), CorridorJson.Options);
    }

    internal static TransferDto ToDto(TransferRow t)
    {
        var transfer = new Core.Ledger.Transfer
        {
            Id = t.Id, DebitAccountId = t.DebitAccountId, CreditAccountId = t.CreditAccountId, Amount = t.AmountMinor, PendingId = t.PendingId,
            Ledger = t.Ledger, Code = t.Code, Flags = (Core.Ledger.TransferFlags)t.Flags, Timestamp = t.TimestampNs,
            UserData128 = t.UserData128, UserData64 = t.UserData64, UserData32 = t.UserData32, TimeoutSeconds = t.TimeoutSeconds,
        };
        return Wire.ToDto(transfer, Core.Ledger.PendingStatus.None);
    }

    internal static int Limit(HttpContext c, int max = MaxPageRows)
    {
        if (!c.Request.Query.TryGetValue("limit", out var l)) return Math.Min(100, max);
        if (!int.TryParse(l.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int limit) || limit < 1 || limit > max)
            throw ApiException.BadRequest("request.invalid_value", $"limit must be 1…{max}");
        return limit;
    }

    /// <summary>A keyset cursor: the engine timestamp (ns) of the last row seen; 0 when absent.</summary>
    internal static ulong Cursor(HttpContext c, string name)
    {
        if (!c.Request.Query.TryGetValue(name, out var a)) return 0;
        if (!ulong.TryParse(a.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong after) || after == ulong.MaxValue)
            throw ApiException.BadRequest("request.invalid_value", $"{name} must be a timestamp cursor (integer ns)");
        return after;
    }

    /// <summary>A time bound: RFC 3339 (e.g. 2026-11-23T09:00:00Z) or engine time in ns since the Unix epoch.</summary>
    internal static ulong? Time(HttpContext c, string name)
    {
        if (!c.Request.Query.TryGetValue(name, out var v)) return null;
        string text = v.ToString();
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong ns)) return ns;
        if (text.Length <= 40 && DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out DateTimeOffset at) && at >= DateTimeOffset.UnixEpoch)
            return (ulong)(at - DateTimeOffset.UnixEpoch).Ticks * 100;
        throw ApiException.BadRequest("request.invalid_value", $"{name} must be RFC 3339 (2026-11-23T09:00:00Z) or integer ns since the Unix epoch");
    }

    // ───────────── payments ─────────────

    /// <summary>
    /// A payment from the read model by any of its ids (payment id, PvP lock or leg transfer id, or a UETR), once fresh enough;
    /// 404 <c>settlement.payment_not_found</c>, 403 when the caller is neither party nor an operator.
    /// </summary>
    internal static async Task<(ReadModelHost Host, PaymentRow Payment)> VisiblePaymentAsync(HttpContext c, NodeGateway gw, Caller caller, string id)
    {
        bool isUuid = Guid.TryParseExact(id, "D", out Guid uuid);
        UInt128 anyId = isUuid ? FromUuid(uuid) : Ids.Parse(id, "id");
        ReadModelHost host = await FreshAsync(c, gw);
        PaymentRow? p = host.Query(m => m.FindPayment(anyId));
        if (p is null && isUuid) p = host.Query(m => m.FindPaymentsBy(PaymentReference.Uetr, id.ToLowerInvariant(), 1)) is [var byUetr, ..] ? byUetr : null;
        if (p is null) throw ApiException.NotFound("settlement.payment_not_found", $"payment {id} does not exist");
        if (!Visible(caller, p)) throw ApiException.Forbidden($"payment {id} is not yours");
        return (host, p);
    }

    private static async Task<IResult> GetPayment(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        var (host, p) = await VisiblePaymentAsync(c, gw, caller, id);
        PaymentDto dto = ToDto(p);
        if (p.Kind == PaymentKinds.Settlement)
        {
            // Party data (immutable, kept whole by the engine) and the compliance record (the desk's live state) are two
            // point lookups by id on the engine; the payment and its status come from the read model.
            UInt128 paymentId = p.PaymentId;
            var (details, compliance) = await gw.QueryAsync(e => (e.Settlement.GetPayment(paymentId)?.Details, SettlementEndpoints.ComplianceOf(e, paymentId)));
            dto = Wire.WithDetails(dto, details, compliance);
        }
        else if (p.Kind == PaymentKinds.CrossNode)
        {
            // Where it stands with the peer (role, peer, UETR, the peer's reason, the counterpart's id) and its parties, from the engine.
            UInt128 paymentId = p.PaymentId;
            var (crossNode, compliance) = await gw.QueryAsync(e => e.Federation.TryGetPayment(paymentId, out Corridor.Core.Federation.CrossNodePayment x)
                ? (x, e.Compliance.TryGetPayment(paymentId, out Corridor.Core.Compliance.PaymentCompliance c) ? c : null) : (null, null));
            if (crossNode is not null) dto = FederationEndpoints.WithCrossNode(dto, crossNode, compliance);
        }
        if (await FinalTimeAsync(gw, p) is ulong finalNs && host.Query(m => m.FindBatchAt(finalNs)) is { } batch)
            dto = dto with { FinalBatch = new JournalBatchDto(batch.Sequence, batch.TimestampNs, Convert.ToHexStringLower(batch.Hash)) };
        return Results.Json(dto, CorridorJson.Options);
    }

    /// <summary>
    /// Engine time of the event that made the payment final, or null while it is not: a settlement payment's final time; a settled
    /// PvP payment's destination leg (posted when both legs settled, also after waiting in the payer's queue); a failed one's record.
    /// </summary>
    private static async Task<ulong?> FinalTimeAsync(NodeGateway gw, PaymentRow p)
    {
        if (p.Kind == PaymentKinds.Settlement)
            return p.Status is "Settled" or "Rejected" or "Revoked" && p.FinalAtNs != 0 ? p.FinalAtNs : null;
        if (p.Status == "Failed") return p.FinalAtNs;
        if (p.Status != "Settled" || p.DestinationLegTransferId == 0) return null;
        UInt128 leg = p.DestinationLegTransferId;
        return await gw.QueryAsync(e => e.Ledger.TryGetTransfer(leg, out Transfer t, out _) ? t.Timestamp : (ulong?)null);
    }

    /// <summary>The 128-bit value of a UUID (big-endian), as the ISO 20022 mapping turns a UETR into a payment id.</summary>
    internal static UInt128 FromUuid(Guid uuid)
    {
        Span<byte> b = stackalloc byte[16];
        uuid.TryWriteBytes(b, bigEndian: true, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(b);
    }

    private static readonly (string Parameter, PaymentReference Reference)[] Lookups =
    [
        ("uetr", PaymentReference.Uetr), ("endToEndId", PaymentReference.EndToEndId), ("msgId", PaymentReference.MsgId),
        ("txId", PaymentReference.TxId), ("instrId", PaymentReference.InstrId), ("invoiceNumber", PaymentReference.InvoiceNumber),
        ("letterOfCredit", PaymentReference.LetterOfCredit),
    ];

    /// <summary>Most characters of a reference looked up (ISO 20022 Max35Text; a UETR is 36).</summary>
    public const int MaxReferenceLength = 64;

    /// <summary>Filters of a payment listing (<c>GET /v1/payments?status=&amp;date=&amp;party=&amp;kind=</c>), any combination, at least one.</summary>
    private static readonly string[] ListFilters = ["status", "date", "party", "kind"];

    /// <summary>Payment statuses a listing filters by: the API's name and the read model's (settlement and PvP statuses alike).</summary>
    private static readonly (string Api, string Stored)[] Statuses =
    [
        ("settled", "Settled"), ("queued", "Queued"), ("held", "Held"), ("scheduled", "Scheduled"), ("in_window", "InWindow"),
        ("rejected", "Rejected"), ("revoked", "Revoked"), ("failed", "Failed"),
        ("prepared", "Prepared"), ("refused", "Refused"), // cross-node payments (docs/federation.md)
    ];

    /// <summary>Longest party-name fragment searched (ISO 20022 names are at most 140 characters).</summary>
    public const int MaxPartyNameLength = 140;

    private static async Task<IResult> FindPayments(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        if (Array.Exists(ListFilters, f => c.Request.Query.ContainsKey(f)))
        {
            if (Array.Exists(Lookups, l => c.Request.Query.ContainsKey(l.Parameter)))
                throw ApiException.BadRequest("request.invalid_value", "give a reference (" + string.Join(", ", Lookups.Select(l => l.Parameter)) + ") or filters (" + string.Join(", ", ListFilters) + "), not both");
            return await ListPayments(c, gw, caller);
        }
        (string Parameter, PaymentReference Reference)? chosen = null;
        string value = "";
        foreach (var lookup in Lookups)
        {
            if (!c.Request.Query.TryGetValue(lookup.Parameter, out var v)) continue;
            if (chosen is not null) throw ApiException.BadRequest("request.invalid_value", "give exactly one of " + string.Join(", ", Lookups.Select(l => l.Parameter)));
            chosen = lookup;
            value = v.ToString();
        }
        if (chosen is null) throw ApiException.BadRequest("request.missing_field", "give one of " + string.Join(", ", Lookups.Select(l => l.Parameter)) + ", or filters: " + string.Join(", ", ListFilters));
        if (value.Length is 0 or > MaxReferenceLength) throw ApiException.BadRequest("request.invalid_value", $"{chosen.Value.Parameter} must be 1…{MaxReferenceLength} characters");
        if (chosen.Value.Reference == PaymentReference.Uetr) value = value.ToLowerInvariant(); // stored in canonical lower case
        int limit = Limit(c, 100);
        ReadModelHost host = await FreshAsync(c, gw);
        var found = new List<PaymentRow>(host.Query(m => m.FindPaymentsBy(chosen.Value.Reference, value, limit)));
        // A payment instructed through ISO 20022 has its UETR as its payment id.
        if (chosen.Value.Reference == PaymentReference.Uetr && Guid.TryParseExact(value, "D", out Guid uuid)
            && host.Query(m => m.FindPayment(FromUuid(uuid))) is { } byId && !found.Exists(f => f.PaymentId == byId.PaymentId))
            found.Insert(0, byId);
        PaymentRecordDto[] visible = found.Where(p => Visible(caller, p)).Select(ToRecord).ToArray();
        return Results.Json(visible, CorridorJson.Options);
    }

    /// <summary>
    /// Payments by status, business date, party name (a fragment of the originator's or beneficiary's name, any case) and kind, every
    /// filter given applying; a participant gets only its own (payer or payee). Oldest first; <c>Corridor-Next-Cursor</c> names the
    /// position after the page (pass it as <c>after</c>) when more rows may follow.
    /// </summary>
    private static async Task<IResult> ListPayments(HttpContext c, NodeGateway gw, Caller caller)
    {
        string? status = null, kind = null, party = null;
        uint? date = null;
        if (c.Request.Query.TryGetValue("status", out var s))
        {
            int i = Array.FindIndex(Statuses, x => x.Api == s.ToString());
            if (i < 0) throw ApiException.BadRequest("request.invalid_value", "status must be one of " + string.Join(", ", Statuses.Select(x => x.Api)));
            status = Statuses[i].Stored;
        }
        if (c.Request.Query.TryGetValue("kind", out var k))
        {
            kind = k.ToString();
            if (kind is not (PaymentKinds.Settlement or PaymentKinds.Pvp or PaymentKinds.CrossNode))
                throw ApiException.BadRequest("request.invalid_value", $"kind must be {PaymentKinds.Settlement}, {PaymentKinds.Pvp} or {PaymentKinds.CrossNode}");
        }
        if (c.Request.Query.TryGetValue("date", out var d)) date = BusinessDates.Parse(d.ToString(), "date");
        if (c.Request.Query.TryGetValue("party", out var n))
        {
            party = n.ToString();
            if (party.Trim().Length == 0 || party.Length > MaxPartyNameLength)
                throw ApiException.BadRequest("request.invalid_value", $"party must be 1…{MaxPartyNameLength} characters, not only spaces");
        }
        int limit = Limit(c);
        (ulong Ns, UInt128 Id)? after = null;
        if (c.Request.Query.TryGetValue("after", out var a))
        {
            string text = a.ToString();
            int dash = text.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out ulong ns)
                || !UInt128.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out UInt128 id))
                throw ApiException.BadRequest("request.invalid_value", "after must be the Corridor-Next-Cursor of the previous page (<ns>-<payment id>)");
            after = (ns, id);
        }
        var filter = new PaymentFilter(status, kind, date, party, caller.IsOperator ? null : caller.ParticipantId, after?.Ns, after?.Id ?? 0);
        ReadModelHost host = await FreshAsync(c, gw);
        IReadOnlyList<PaymentRow> rows = host.Query(m => m.ListPayments(filter, limit + 1));
        int count = Math.Min(rows.Count, limit);
        var page = new PaymentRecordDto[count];
        for (int i = 0; i < count; i++) page[i] = ToRecord(rows[i]);
        if (rows.Count > limit)
            c.Response.Headers[OutboundMessageEndpoints.NextCursorHeader] = string.Create(CultureInfo.InvariantCulture, $"{rows[count - 1].SubmittedAtNs}-{rows[count - 1].PaymentId}");
        return Results.Json(page, CorridorJson.Options);
    }

    private static bool Visible(Caller caller, PaymentRow p) => caller.IsOperator || p.Payer == caller.ParticipantId || p.Payee == caller.ParticipantId;

    internal static string? Reason(PaymentRow p) => p.Reason is "Ok" or ""
        ? null
        : (p.Kind switch { PaymentKinds.Pvp => "exchange.", PaymentKinds.CrossNode => "federation.", _ => "settlement." }) + Problems.SnakeCase(p.Reason);

    /// <summary>The same shape the engine-backed endpoint answered (settlement payments); PvP payments have kind <c>pvp</c>.</summary>
    internal static PaymentDto ToDto(PaymentRow p) =>
        new(Ids.Format(p.PaymentId), p.Payer, p.Payee, p.Ledger, p.AmountMinor, Problems.SnakeCase(p.Priority is "" ? "Normal" : p.Priority),
            Problems.SnakeCase(p.PaymentKind is "" ? "Customer" : p.PaymentKind), p.EarliestNs, p.LatestNs, p.WindowId,
            Problems.SnakeCase(p.Status), Reason(p), p.SubmittedAtNs, p.FinalAtNs, BusinessDates.ToDate(p.BusinessDate));

    internal static PaymentRecordDto ToRecord(PaymentRow p) =>
        new(Ids.Format(p.PaymentId), p.Kind, Problems.SnakeCase(p.Status), Reason(p), p.Payer, p.Payee, p.Ledger, p.AmountMinor,
            p.DestinationLedger, p.DestinationAmountMinor, OptionalId(p.LockId), OptionalId(p.SourceLegTransferId), OptionalId(p.DestinationLegTransferId),
            Optional(p.InvoiceNumber), Optional(p.LetterOfCreditReference), Optional(p.ContractReference), Optional(p.OriginatorName), Optional(p.BeneficiaryName),
            p.SubmittedAtNs, p.FinalAtNs, BusinessDates.ToDate(p.BusinessDate), p.MsgId, p.InstrId, p.EndToEndId, p.TxId, p.Uetr);

    private static string? OptionalId(UInt128 id) => id == 0 ? null : Ids.Format(id);
    private static string? Optional(string text) => text.Length == 0 ? null : text;

    // ───────────── statements ─────────────

    private static async Task<IResult> GetStatement(HttpContext c, NodeGateway gw, string date, string accountId)
    {
        Caller caller = gw.Authenticate(c);
        uint businessDate = BusinessDates.Parse(date, "date");
        UInt128 id = Ids.Parse(accountId, "account_id");
        ReadModelHost host = await FreshAsync(c, gw);
        AccountStatement s = host.Query(m => m.GetStatement(id, businessDate))
            ?? throw ApiException.NotFound("settlement.statement_not_found", $"no statement of account {accountId} for {date}");
        NodeGateway.RequireSelfOrOperator(caller, s.Participant);
        IReadOnlyDictionary<UInt128, PaymentRow> payments = host.Query(m => m.GetStatementPayments(id, businessDate));
        return Results.Json(Wire.ToDto(s, payments), CorridorJson.Options);
    }

    // ───────────── health and metrics ─────────────

    /// <summary>Lines appended to <c>/health/ready</c>: where the read model stands (it never makes the node unready).</summary>
    public static string HealthDetails(NodeGateway gw)
    {
        ReadModelHost? host = gw.ReadModel;
        if (host is null) return "read_model: none\n";
        return string.Create(CultureInfo.InvariantCulture,
            $"read_model: {host.Kind}, {(host.Running ? "projecting" : "stopped")}, sequence {host.ProjectedSequence}, lag {host.LagBatches} batches{(host.Running || host.LastError is null ? "" : ", last error: " + host.LastError)}\n");
    }
}
