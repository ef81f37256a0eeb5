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

    private static async Task<IResult> Send(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<CrossNodePaymentRequest>(c);
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
        // The references travel in the pacs.008: MsgId and EndToEndId default to the payment's own reference, the UETR is the payment's.
        string reference = PaymentMapping.ReferenceOf(id);
        var references = new PaymentReferences(given.MessageId.Length == 0 ? reference : given.MessageId, given.InstructionId,
            given.EndToEndId.Length == 0 ? reference : given.EndToEndId, given.TransactionId, uetr);
        // One engine query for both facts the request needs before it is journaled (each query is a hop to the engine thread).
        var (ledger, existed, existingPayer) = await gw.QueryAsync(e => (e.Settlement.FindLedgerByCurrency(r.SourceCurrency),
            e.Federation.TryGetPayment(id, out CrossNodePayment p), p?.Debtor ?? 0UL));
        if (ledger is null) throw new ApiException(422, "federation.source_currency_not_settled_here", $"no ledger settles {r.SourceCurrency} on this node");
        var terms = new CrossNodeTerms(uetr, quote, r.SourceCurrency, r.SourceAmount, r.DestinationCurrency, r.DestinationAmount, payeeBic, 0,
            ExchangeEndpoints.ToParty(r.Originator), ExchangeEndpoints.ToParty(r.Beneficiary), r.Trade is null ? Corridor.Core.Exchange.TradeReference.None : ExchangeEndpoints.ToTrade(r.Trade),
            references) { Kind = kind };
        // The travel rule refuses an incomplete payment for its own content before the journal, as on every entry path (Core's
        // rule; the engine applies it again when it screens): the id stays free for the corrected payment.
        if (Corridor.Core.Compliance.ComplianceState.TravelRuleOf(terms.Originator, terms.Beneficiary) is { IsCompliant: false } travel)
            throw SettlementEndpoints.TravelRuleIncomplete(r.Id, travel);
        var command = new SendToPeer(id, r.Peer, payer, r.Provider, ledger.Value, r.ExpirySeconds, terms);
        if (existed && !caller.IsOperator && existingPayer != caller.ParticipantId) throw new ApiException(409, "federation.payment_exists_with_different_content", $"payment {r.Id} exists");
        CrashPoints.Reach(CrashPoints.SourceBeforeJournalSend);
        FederationResult result = kind == CrossNodeKind.Institution
            ? await PeerEndpoint.SubmitAsync(gw, Operation.SendInstitutionToPeer, new SendInstitutionToPeer(command))
            : await PeerEndpoint.SubmitAsync(gw, Operation.SendToPeer, command);
        CrashPoints.Reach(CrashPoints.SourceAfterJournalSend);
        if (result == FederationResult.RejectedByCompliance
            && await gw.QueryAsync(e => e.Compliance.TryGetPayment(id, out Corridor.Core.Compliance.PaymentCompliance pc) ? pc : null) is { } compliance)
            throw SettlementEndpoints.ComplianceRejection(r.Id, compliance, Ids.Format(id), "refused"); // as every entry path: compliance.<reason>, its ISO code
        if (result is not (FederationResult.Ok or FederationResult.HeldForCompliance)) throw Refused(result, $"payment {r.Id}");
        if (result == FederationResult.Ok) gw.Links.Wake();
        return Results.Json(await Payment(gw, id, caller), CorridorJson.Options, statusCode: existed ? 200 : 201);
    }

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
