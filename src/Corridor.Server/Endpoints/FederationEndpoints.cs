using Corridor.Client;
using Corridor.Core.Engine;
using Corridor.Core.Federation;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Mapping;
using Corridor.Server.Auth;
using Corridor.Server.Federation;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// Federation over the API (docs/api.md, "Federation"): the operator registers peer nodes (op 400); a payer bank sends a
/// payment to a bank on a peer (op 401) and follows it. The peer link itself is <see cref="PeerEndpoint"/> and <see cref="PeerOutbox"/>.
/// </summary>
public static class FederationEndpoints
{
    public static void Map(WebApplication app, NodeGateway gw, PeerLinks links)
    {
        app.MapPost("/v1/peers", Handler.Of(c => RegisterPeer(c, gw, links))).WithTags("federation").Accepts<RegisterPeerRequest>("application/json").Produces<PeerDto>(201);
        app.MapGet("/v1/peers", Handler.Of(c => ListPeers(c, gw, links))).WithTags("federation").Produces<PeerDto[]>();
        app.MapPost("/v1/federation/payments", Handler.Of(c => Send(c, gw))).WithTags("federation").Accepts<CrossNodePaymentRequest>("application/json").Produces<CrossNodePaymentDto>(201);
        app.MapPost("/v1/federation/payments/batch", Handler.Of(c => SendBatch(c, gw))).WithTags("federation").Accepts<CrossNodePaymentBatchRequest>("application/json").Produces<CrossNodeBatchResult>();
        app.MapGet("/v1/federation/payments", Handler.Of(c => ListPayments(c, gw))).WithTags("federation").Produces<CrossNodePaymentDto[]>();
        app.MapGet("/v1/federation/payments/{id}", (HttpContext c, string id) => GetPayment(c, gw, id)).WithTags("federation").Produces<CrossNodePaymentDto>();
    }

    private static readonly (string Name, PeerStatus Value)[] Statuses = [("active", PeerStatus.Active), ("suspended", PeerStatus.Suspended)];
    private static readonly (string Name, CrossNodeKind Value)[] Kinds = [("customer", CrossNodeKind.Customer), ("institution", CrossNodeKind.Institution)];

    /// <summary>HTTP status of an engine refusal: 400 for the request's own content, 409 for an id taken by other content, 422 for the rest.</summary>
    private static ApiException Refused(FederationResult r, string what) => new(r switch
    {
        FederationResult.PeerIdMustNotBeZero or FederationResult.PeerNameInvalid or FederationResult.PeerUrlInvalid or FederationResult.PeerFingerprintInvalid
            or FederationResult.PeerStatusInvalid or FederationResult.PaymentIdInvalid or FederationResult.UetrInvalid or FederationResult.AmountMustBePositive
            or FederationResult.ExpiryOutOfRange or FederationResult.CurrencyInvalid or FederationResult.BeneficiaryNotPayeeInstitution
            or FederationResult.TradeReferenceNotAllowed => 400,
        FederationResult.PaymentExistsWithDifferentContent => 409,
        _ => 422,
    }, "federation." + Wire.Snake(r), $"{what}: {r}");

    private static async Task<IResult> RegisterPeer(HttpContext c, NodeGateway gw, PeerLinks links)
    {
        NodeGateway.RequireOperator(gw.Authenticate(c));
        var r = await RequestBody.ReadAsync<RegisterPeerRequest>(c);
        PeerStatus status = Wire.ParseEnum(r.Status, "status", Statuses);
        bool existed = await gw.QueryAsync(e => e.Federation.TryGetPeer(r.Id, out _));
        FederationResult result = await PeerEndpoint.SubmitAsync(gw, Operation.RegisterPeer, new RegisterPeer(r.Id, r.Name, r.Url, r.CertificateSha256, status));
        if (result != FederationResult.Ok) throw Refused(result, $"peer {r.Id}");
        PeerInfo peer = await gw.QueryAsync(e => e.Federation.TryGetPeer(r.Id, out PeerInfo p) ? p : throw new InvalidOperationException("peer registered but not found"));
        return Results.Json(ToDto(peer, links), CorridorJson.Options, statusCode: existed ? 200 : 201);
    }

    private static async Task<IResult> ListPeers(HttpContext c, NodeGateway gw, PeerLinks links)
    {
        NodeGateway.RequireOperator(gw.Authenticate(c));
        PeerInfo[] peers = await gw.QueryAsync(e => e.Federation.Peers.ToArray());
        return Results.Json(peers.Select(p => ToDto(p, links)).ToArray(), CorridorJson.Options);
    }

    private static PeerDto ToDto(PeerInfo p, PeerLinks links) =>
        new(p.Id, p.Name, p.Url, p.CertificateSha256, Wire.Snake(p.Status), p.RegisteredAtNs,
            !links.Enabled ? null : links.Of(p.Id) is { } s ? new PeerLinkDto(s.Awaiting, s.LastAnswerAtNs, s.LastError) : new PeerLinkDto(0, 0, null));

    /// <summary>A payer's request checked for its own content and the travel rule (Core's rule), not yet tied to a ledger.</summary>
    private sealed record Checked(UInt128 Id, CrossNodeKind Kind, ulong Payer, CrossNodeTerms Terms, CrossNodePaymentRequest Request);

    /// <summary>
    /// The request's own content, before any engine state: the kind, who pays, ids, amounts, parties and references; the travel
    /// rule refuses an incomplete payment here, before the journal, as on every entry path (the engine applies it again when it
    /// screens), so the id stays free for the corrected payment. Throws the refusal; nothing is recorded.
    /// </summary>
    private static Checked Check(Caller caller, CrossNodePaymentRequest r)
    {
        CrossNodeKind kind = Wire.ParseEnum(r.Kind, "kind", Kinds);
        if (kind == CrossNodeKind.Customer && r.Trade is null) throw ApiException.BadRequest("request.missing_field", "trade: what a customer payment pays for");
        ulong payer = ExchangeEndpoints.ActingFor(caller, r.Payer, "payer");
        UInt128 id = Ids.Parse(r.Id, "id"), quote = Ids.Parse(r.QuoteId, "quote_id");
        if (r.Provider == 0) throw ApiException.BadRequest("request.missing_field", "provider: the FX provider participant on this node");
        Wire.Amount(r.SourceAmount, "source_amount");
        Wire.Amount(r.DestinationAmount, "destination_amount");
        string payeeBic = Wire.Bic(r.PayeeBic, "payee_bic");
        string uetr = r.Uetr.Length == 0 ? Guid.NewGuid().ToString("D") : r.Uetr;
        PartyBirths.Refuse(r.Originator, "originator");
        PartyBirths.Refuse(r.Beneficiary, "beneficiary");
        PaymentReferences given = Wire.References(r.References);
        // The references travel in the pacs.008/pacs.009: MsgId and EndToEndId default to the payment's own reference, the UETR is the payment's.
        string reference = PaymentMapping.ReferenceOf(id);
        var references = new PaymentReferences(given.MessageId.Length == 0 ? reference : given.MessageId, given.InstructionId,
            given.EndToEndId.Length == 0 ? reference : given.EndToEndId, given.TransactionId, uetr);
        var terms = new CrossNodeTerms(uetr, quote, r.SourceCurrency, r.SourceAmount, r.DestinationCurrency, r.DestinationAmount, payeeBic, 0,
            ExchangeEndpoints.ToParty(r.Originator), ExchangeEndpoints.ToParty(r.Beneficiary), r.Trade is null ? Corridor.Core.Exchange.TradeReference.None : ExchangeEndpoints.ToTrade(r.Trade),
            references) { Kind = kind };
        if (Corridor.Core.Compliance.ComplianceState.TravelRuleOf(terms.Originator, terms.Beneficiary) is { IsCompliant: false } travel)
            throw SettlementEndpoints.TravelRuleIncomplete(r.Id, travel);
        return new Checked(id, kind, payer, terms, r);
    }

    /// <summary>What the engine knows of a checked request before it is journaled: the ledger of its source currency, and whether its id is taken and by whom.</summary>
    private readonly record struct Known(uint? Ledger, bool Existed, ulong ExistingPayer);

    private static Known KnownOf(Engine e, Checked x) =>
        new(e.Settlement.FindLedgerByCurrency(x.Terms.SourceCurrency), e.Federation.TryGetPayment(x.Id, out CrossNodePayment p), p?.Debtor ?? 0UL);

    /// <summary>The engine command for a checked request, or the refusal (nothing recorded): no ledger for its currency, an id another payer holds.</summary>
    private static SendToPeer Command(Caller caller, Checked x, Known k)
    {
        if (k.Ledger is null) throw new ApiException(422, "federation.source_currency_not_settled_here", $"no ledger settles {x.Terms.SourceCurrency} on this node");
        if (k.Existed && !caller.IsOperator && k.ExistingPayer != caller.ParticipantId) throw new ApiException(409, "federation.payment_exists_with_different_content", $"payment {x.Request.Id} exists");
        return new SendToPeer(x.Id, x.Request.Peer, x.Payer, x.Request.Provider, k.Ledger.Value, x.Request.ExpirySeconds, x.Terms);
    }

    /// <summary>Journals sends of one kind as one command (op 401 or 405), one result per item in order.</summary>
    private static Task<FederationResult[]> SubmitAsync(NodeGateway gw, CrossNodeKind kind, IReadOnlyList<SendToPeer> commands) => kind == CrossNodeKind.Institution
        ? PeerEndpoint.SubmitAsync(gw, Operation.SendInstitutionToPeer, commands.Select(s => new SendInstitutionToPeer(s)).ToArray())
        : PeerEndpoint.SubmitAsync(gw, Operation.SendToPeer, commands);

    private static async Task<IResult> Send(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        Checked x = Check(caller, await RequestBody.ReadAsync<CrossNodePaymentRequest>(c));
        // One engine query for what the request needs before it is journaled (each query is a hop to the engine thread).
        Known known = await gw.QueryAsync(e => KnownOf(e, x));
        SendToPeer command = Command(caller, x, known);
        CrashPoints.Reach(CrashPoints.SourceBeforeJournalSend);
        FederationResult result = (await SubmitAsync(gw, x.Kind, [command]))[0];
        CrashPoints.Reach(CrashPoints.SourceAfterJournalSend);
        if (result == FederationResult.RejectedByCompliance
            && await gw.QueryAsync(e => e.Compliance.TryGetPayment(x.Id, out Corridor.Core.Compliance.PaymentCompliance pc) ? pc : null) is { } compliance)
            throw SettlementEndpoints.ComplianceRejection(x.Request.Id, compliance, Ids.Format(x.Id), "refused"); // as every entry path: compliance.<reason>, its ISO code
        if (result is not (FederationResult.Ok or FederationResult.HeldForCompliance)) throw Refused(result, $"payment {x.Request.Id}");
        if (result == FederationResult.Ok) gw.Links.Wake();
        return Results.Json(await Payment(gw, x.Id, caller), CorridorJson.Options, statusCode: known.Existed ? 200 : 201);
    }

    /// <summary>Most payments one <c>POST /v1/federation/payments/batch</c> carries.</summary>
    public const int MaxBatchPayments = 1_000;

    /// <summary>
    /// Several payments to banks on peer nodes in one request, each decided on its own exactly as <c>POST /v1/federation/payments</c>
    /// decides it (the same checks, the same engine rules): the accepted ones of each kind are journaled as one command (one
    /// journal entry for up to 1,000 sends), so a payer bank's batch costs one request and one journal write, not one per payment.
    /// Answers 200 with one result per payment, in order; a refused payment refuses no other and records nothing.
    /// </summary>
    private static async Task<IResult> SendBatch(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<CrossNodePaymentBatchRequest>(c, RequestBody.MaxBatchBytes);
        if (r.Payments.Length == 0) throw ApiException.BadRequest("request.empty_batch", "payments must hold at least one payment");
        if (r.Payments.Length > MaxBatchPayments) throw ApiException.BadRequest("request.batch_too_large", $"{r.Payments.Length} payments exceed {MaxBatchPayments} per batch");
        int count = r.Payments.Length;
        var results = new CrossNodeBatchItemResult?[count];
        var checkedItems = new Checked?[count];
        var seen = new HashSet<UInt128>();
        for (int i = 0; i < count; i++)
        {
            try
            {
                if (r.Payments[i] is null) throw ApiException.BadRequest("request.invalid_value", $"payments[{i}]: a payment, not null");
                checkedItems[i] = Check(caller, r.Payments[i]);
                if (!seen.Add(checkedItems[i]!.Id)) throw ApiException.BadRequest("request.duplicate_id", $"payments[{i}]: id {r.Payments[i].Id} appears twice in the batch");
            }
            catch (ApiException e) { checkedItems[i] = null; results[i] = Refusal(i, r.Payments[i]?.Id ?? "", e); }
        }
        Known[] known = await gw.QueryAsync(e => checkedItems.Select(x => x is null ? default : KnownOf(e, x)).ToArray());
        var byKind = new Dictionary<CrossNodeKind, List<(int Index, SendToPeer Command)>>();
        for (int i = 0; i < count; i++)
        {
            if (checkedItems[i] is not { } x) continue;
            try
            {
                SendToPeer command = Command(caller, x, known[i]);
                if (!byKind.TryGetValue(x.Kind, out var list)) byKind[x.Kind] = list = new();
                list.Add((i, command));
            }
            catch (ApiException e) { results[i] = Refusal(i, r.Payments[i].Id, e); }
        }
        var engineResults = new FederationResult[count];
        foreach (var (kind, list) in byKind)
        {
            CrashPoints.Reach(CrashPoints.SourceBeforeJournalSend);
            FederationResult[] decided = await SubmitAsync(gw, kind, list.Select(l => l.Command).ToArray());
            CrashPoints.Reach(CrashPoints.SourceAfterJournalSend);
            for (int k = 0; k < list.Count; k++) engineResults[list[k].Index] = decided[k];
        }
        if (byKind.Count > 0) gw.Links.Wake();
        // One engine query for what each journaled payment now is (its status, and a compliance rejection's reason and ISO code).
        var answers = await gw.QueryAsync(e => checkedItems.Select((x, i) => x is null || results[i] is not null ? default
            : (Status: e.Federation.TryGetPayment(x.Id, out CrossNodePayment p) ? Wire.Snake(p.Status) : null,
               Compliance: engineResults[i] == FederationResult.RejectedByCompliance && e.Compliance.TryGetPayment(x.Id, out Corridor.Core.Compliance.PaymentCompliance pc) ? pc : null)).ToArray());
        int accepted = 0, held = 0, refused = 0;
        for (int i = 0; i < count; i++)
        {
            if (results[i] is null)
            {
                FederationResult result = engineResults[i];
                string id = r.Payments[i].Id;
                results[i] = result switch
                {
                    FederationResult.Ok or FederationResult.HeldForCompliance => new CrossNodeBatchItemResult(i, id, answers[i].Status ?? "refused", null, null),
                    FederationResult.RejectedByCompliance when answers[i].Compliance is { } pc =>
                        Refusal(i, id, SettlementEndpoints.ComplianceRejection(id, pc, Ids.Format(checkedItems[i]!.Id), "refused")),
                    _ => Refusal(i, id, Refused(result, $"payment {id}")),
                };
            }
            switch (results[i]!.Status)
            {
                case "held": held++; break;
                case "refused": refused++; break;
                default: accepted++; break;
            }
        }
        return Results.Json(new CrossNodeBatchResult(accepted, held, refused, results!), CorridorJson.Options);
    }

    private static CrossNodeBatchItemResult Refusal(int index, string id, ApiException e) => new(index, id, "refused", e.Code, $"payments[{index}]: {e.Message}");

    /// <summary>Most payments one page of <c>GET /v1/federation/payments</c> lists.</summary>
    public const int MaxListed = 10_000;

    /// <summary>
    /// Operator: the cross-node payments recorded with peer <c>peer</c>, sent and received, in the order recorded (for
    /// <c>corridor peers reconcile</c>) or, with <c>order=final</c>, only the final ones in the order they became final (a reader
    /// keeping its offset sees each payment once as it settles or is refused); a page of at most <c>limit</c> (≤ <see cref="MaxListed"/>)
    /// starting after the first <c>offset</c>.
    /// </summary>
    private static async Task<IResult> ListPayments(HttpContext c, NodeGateway gw)
    {
        NodeGateway.RequireOperator(gw.Authenticate(c));
        uint peer = uint.TryParse(c.Request.Query["peer"], out uint p) && p != 0 ? p : throw ApiException.BadRequest("request.invalid_value", "peer: a peer id (1 … 2^32−1)");
        int offset = c.Request.Query["offset"].Count == 0 ? 0 : int.TryParse(c.Request.Query["offset"], out int o) && o >= 0 ? o
            : throw ApiException.BadRequest("request.invalid_value", "offset: 0 or more");
        int limit = c.Request.Query["limit"].Count == 0 ? MaxListed : int.TryParse(c.Request.Query["limit"], out int l) && l is >= 1 and <= MaxListed ? l
            : throw ApiException.BadRequest("request.invalid_value", $"limit: 1 … {MaxListed}");
        string order = c.Request.Query["order"].Count == 0 ? "recorded" : c.Request.Query["order"].ToString();
        if (order is not ("recorded" or "final")) throw ApiException.BadRequest("request.invalid_value", "order: recorded (default) or final");
        CrossNodePaymentDto[] page = await gw.QueryAsync(e =>
        {
            if (order == "recorded") return e.Federation.Payments.Where(x => x.Peer == peer).Skip(offset).Take(limit).Select(ToDto).ToArray();
            IReadOnlyList<CrossNodePayment> final = e.Federation.FinalWith(peer);
            var list = new CrossNodePaymentDto[Math.Max(0, Math.Min(limit, final.Count - offset))];
            for (int i = 0; i < list.Length; i++) list[i] = ToDto(final[offset + i]);
            return list;
        });
        return Results.Json(page, CorridorJson.Options);
    }

    private static async Task<IResult> GetPayment(HttpContext c, NodeGateway gw, string text)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 id = Ids.TryParse(text, out UInt128 parsed) ? parsed
            : text.Length == CrossNodeTerms.UetrChars && Guid.TryParseExact(text, "D", out _) ? await gw.QueryAsync(e => IdOfUetr(e, text))
            : throw ApiException.BadRequest("request.invalid_id", "id: a payment id (decimal or 0x-hex) or a UETR");
        return Results.Json(await Payment(gw, id, caller), CorridorJson.Options);
    }

    /// <summary>The payment a UETR names on this node: received from a peer, or sent to one.</summary>
    private static UInt128 IdOfUetr(Engine e, string uetr)
    {
        if (e.Federation.TryGetInbound(uetr, out CrossNodePayment inbound)) return inbound.PaymentId;
        foreach (PeerInfo peer in e.Federation.Peers)
            if (e.Federation.TryGetOutbound(peer.Id, uetr, out CrossNodePayment outbound)) return outbound.PaymentId;
        return 0;
    }

    private static async Task<CrossNodePaymentDto> Payment(NodeGateway gw, UInt128 id, Caller caller)
    {
        var (found, dto) = await gw.QueryAsync(e => e.Federation.TryGetPayment(id, out CrossNodePayment p) ? (true, ToDto(p)) : (false, null));
        if (!found) throw ApiException.NotFound("federation.payment_not_found", $"cross-node payment {Ids.Format(id)} does not exist");
        if (!caller.IsOperator && dto!.Debtor != caller.ParticipantId && dto.Creditor != caller.ParticipantId)
            throw ApiException.Forbidden($"cross-node payment {Ids.Format(id)} is not yours");
        return dto!;
    }

    private static CrossNodePaymentDto ToDto(CrossNodePayment p)
    {
        CrossNodeTerms t = p.Terms;
        return new CrossNodePaymentDto(Ids.Format(p.PaymentId), t.Uetr, p.Peer, p.Role == CrossNodeRole.Outbound ? "outbound" : "inbound", Wire.Snake(p.Status),
            p.Result is FederationResult.Ok or FederationResult.HeldForCompliance ? null : "federation." + Wire.Snake(p.Result),
            p.PeerReasonCode.Length == 0 ? null : p.PeerReasonCode, p.PeerReason.Length == 0 ? null : p.PeerReason,
            p.Debtor, p.Creditor, PaymentMapping.ReferenceOf(t.QuoteId), t.SourceCurrency, t.SourceAmountMinor, t.DestinationCurrency, t.DestinationAmountMinor,
            t.PayeeBic, t.ExpiresAtNs, p.SubmittedAtNs, p.FinalAtNs,
            // The destination names the payment by its UETR's 128 bits: the source knows its counterpart's id; the destination
            // knows the source's payment by the UETR alone (the source's id is its payer's, never sent).
            p.Role == CrossNodeRole.Outbound ? Ids.Format(FederationState.IdOf(t.Uetr)) : null, Wire.Snake(t.Kind));
    }

    /// <summary>A payment of the read model (<c>GET /v1/payments/{id}</c>) with its cross-node record and parties from the engine.</summary>
    internal static PaymentDto WithCrossNode(PaymentDto dto, CrossNodePayment p, Corridor.Core.Compliance.PaymentCompliance? compliance)
    {
        CrossNodeTerms t = p.Terms;
        PaymentReferences r = t.References;
        return dto with
        {
            Originator = ExchangeEndpoints.ToDto(t.Originator), Beneficiary = ExchangeEndpoints.ToDto(t.Beneficiary),
            TradeReference = t.Trade.InvoiceNumber.Length == 0 && t.Trade.ContractReference.Length == 0 ? null : ExchangeEndpoints.ToDto(t.Trade),
            References = new PaymentReferencesDto(r.MessageId, r.InstructionId, r.EndToEndId, r.TransactionId, t.Uetr),
            Compliance = compliance is null ? null : ComplianceEndpoints.ToDto(compliance),
            CrossNode = ToDto(p),
        };
    }
}
