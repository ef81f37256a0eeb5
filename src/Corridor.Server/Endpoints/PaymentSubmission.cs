using System.Buffers;
using System.Runtime.ExceptionServices;
using Corridor.Client;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Mapping;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// <c>POST /v1/payments</c> and <c>POST /v1/payments/batch</c>: a participant's same-currency payments with their parties, trade
/// references and ISO ids. Both decide each payment with the same steps — its own content, the command (operation 120: the engine
/// refuses an id another payment holds and an incomplete travel rule without recording anything, then compliance screens it
/// before liquidity moves), the answer — so a payment in a batch is refused or settled exactly as it would be alone. A payment
/// alone or a batch costs one request, one hand-off to the engine (the command, with a read of what it did) and one journal entry.
/// </summary>
internal static class PaymentSubmission
{
    /// <summary>Most payments one <c>POST /v1/payments/batch</c> carries.</summary>
    public const int MaxBatchPayments = 1_000;

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/payments", Handler.Of(c => Submit(c, gw))).WithTags("payments").Accepts<SubmitPaymentRequest>("application/json").Produces<PaymentDto>(201);
        app.MapPost("/v1/payments/batch", Handler.Of(c => SubmitBatch(c, gw))).WithTags("payments").Accepts<PaymentBatchRequest>("application/json").Produces<PaymentBatchResult>();
    }

    /// <summary>
    /// A request checked for its own content, before any engine state. A problem in its parties, trade reference or ISO ids is
    /// kept (<see cref="DetailsProblem"/>) and raised after the id check, in the order the checks have always answered.
    /// </summary>
    private sealed record Checked(SubmitPaymentRequest Request, UInt128 Id, SubmitPayment Command, PaymentDetails? Details, ExceptionDispatchInfo? DetailsProblem);

    /// <summary>
    /// What a submitted payment now is: its outcome (whether its id was taken before), its record, its compliance record, the
    /// day's phase, and for a payment the travel rule refused, the rule's findings.
    /// </summary>
    private readonly record struct After(PaymentOutcome Outcome, PaymentInfo? Payment, PaymentCompliance? Compliance, DayPhase Phase, TravelRuleResult? Travel);

    /// <summary>Throws the refusal of the request's own content (nothing recorded).</summary>
    private static Checked Check(Caller caller, SubmitPaymentRequest r)
    {
        ulong payer = r.Payer == 0 ? caller.ParticipantId : r.Payer;
        NodeGateway.RequireSelfOrSystemOperator(caller, payer);
        if (payer == ApiTokens.OperatorParticipantId) throw ApiException.BadRequest("request.missing_field", "the operator must name the payer");
        UInt128 id = Ids.Parse(r.Id, "id");
        Wire.Amount(r.Amount, "amount", max: SettlementState.MaxAmountMinor);
        PaymentPriority priority = Wire.Priority(r.Priority);
        PaymentKind kind = Wire.ParseEnum(r.Kind, "kind", ("customer", PaymentKind.Customer), ("interbank", PaymentKind.Interbank));
        var command = new SubmitPayment(id, payer, r.Payee, r.Ledger, r.Amount, priority, kind, r.EarliestNs, r.LatestNs, r.WindowId);
        try
        {
            PartyBirth? originatorBirth = PartyBirths.Parse(r.Originator, DateTimeOffset.UtcNow, "originator");
            PartyBirths.Refuse(r.Beneficiary, "beneficiary");
            var details = new PaymentDetails(
                r.Originator is null ? null : ExchangeEndpoints.ToParty(r.Originator), r.Beneficiary is null ? null : ExchangeEndpoints.ToParty(r.Beneficiary),
                r.TradeReference is null ? null : ExchangeEndpoints.ToTrade(r.TradeReference),
                Wire.References(r.References),
                originatorBirth);
            return new Checked(r, id, command, details, null);
        }
        catch (ApiException e) { return new Checked(r, id, command, null, ExceptionDispatchInfo.Capture(e)); }
    }

    /// <summary>
    /// The engine command for a checked request, or the refusal of its content (nothing journaled): a problem in the details, a
    /// malformed trade reference (Core's format rules, as on pacs.008 and <c>POST /v1/fx/payments</c>). The engine judges the
    /// rest (an id another payment holds, the travel rule, then the payment's own rules).
    /// </summary>
    private static SubmitPaymentWithDetails Command(Checked x)
    {
        x.DetailsProblem?.Throw();
        PaymentDetails details = x.Details ?? throw new InvalidOperationException("payment details neither read nor refused");
        if (details.Trade is { } trade && Corridor.Core.Exchange.TradeReferenceRules.ValidateGiven(trade) is var format && format != Corridor.Core.Exchange.PayResult.Ok)
            throw new ApiException(ExchangeEndpoints.Status(format.ToString()), "fx." + Wire.Snake(format), $"payment {x.Request.Id}: trade_reference: {format}");
        return new SubmitPaymentWithDetails(x.Command, details);
    }

    /// <summary>The command payload in a rented array (<paramref name="rented"/>: return it once the node has answered).</summary>
    private static ReadOnlyMemory<byte> Encode(ReadOnlySpan<SubmitPaymentWithDetails> items, out byte[] rented)
    {
        try { return SubmitPaymentWithDetails.RentPayload(Operation.SubmitPaymentTravelRuleAtEntry, items, out rented); }
        catch (ArgumentException e) { throw ApiException.BadRequest("request.invalid_value", e.Message); }
    }

    /// <summary>
    /// The batch's command payload. A field too long for the journal is its payment's own problem (400 <c>request.invalid_value</c>,
    /// as alone): such payments are refused and left out, the rest go on.
    /// </summary>
    private static ReadOnlyMemory<byte> EncodeEach(List<(int Index, SubmitPaymentWithDetails Item)> toSubmit, Checked?[] checkedItems, PaymentBatchItemResult?[] results,
        out byte[] rented)
    {
        rented = [];
        if (toSubmit.Count == 0) return ReadOnlyMemory<byte>.Empty;
        SubmitPaymentWithDetails[] items = toSubmit.Select(t => t.Item).ToArray();
        try { return SubmitPaymentWithDetails.RentPayload(Operation.SubmitPaymentTravelRuleAtEntry, items, out rented); }
        catch (ArgumentException)
        {
            for (int k = toSubmit.Count - 1; k >= 0; k--)
            {
                int i = toSubmit[k].Index;
                try { Encode([toSubmit[k].Item], out byte[] one); ArrayPool<byte>.Shared.Return(one); }
                catch (ApiException e) { results[i] = Refusal(i, checkedItems[i]!.Request.Id, e); toSubmit.RemoveAt(k); }
            }
            return toSubmit.Count == 0 ? ReadOnlyMemory<byte>.Empty : Encode(toSubmit.Select(t => t.Item).ToArray(), out rented);
        }
    }

    /// <summary>
    /// Submits the payments' command (operation 120) and reads what it did; <paramref name="rented"/>, the payload's array, goes
    /// back to the pool once the node has answered or refused it (the sequencer has copied the bytes into the journal by then).
    /// </summary>
    private static async Task<(CommandReply Reply, T Read)> SubmitRentedAsync<T>(NodeGateway gw, int count, ReadOnlyMemory<byte> payload, byte[] rented,
        Func<Engine, CommandReply, T> read)
    {
        try { return await gw.SubmitAndReadAsync(Operation.SubmitPaymentTravelRuleAtEntry, count, payload, read); }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>On the engine thread, right after the command: what became of the payment of <paramref name="outcome"/> (submitted as <paramref name="item"/>).</summary>
    private static After AfterOf(Engine e, PaymentOutcome outcome, SubmitPaymentWithDetails item) =>
        new(outcome, e.Settlement.GetPayment(outcome.PaymentId), SettlementEndpoints.ComplianceOf(e, outcome.PaymentId), e.Settlement.Phase,
            outcome.Reason == SettlementResult.TravelRuleIncomplete ? e.Compliance.TravelRuleOf(e.Settlement, item.Payment, item.Details) : null);

    /// <summary>
    /// On the engine thread, right after a batch's command: what became of each refused payment (<see cref="AfterOf"/>), null
    /// for the accepted ones, whose outcome says all their answer needs.
    /// </summary>
    private static After?[] AfterRefused(Engine e, CommandReply applied, List<(int Index, SubmitPaymentWithDetails Item)> toSubmit)
    {
        if (applied.Errors.Length == 0) return []; // every item accepted: answered from its outcome, nothing to read here
        var outcomes = (PaymentOutcome[])applied.Data!;
        var after = new After?[outcomes.Length];
        foreach (ItemResult error in applied.Errors) after[error.Index] = AfterOf(e, outcomes[error.Index], toSubmit[error.Index].Item);
        return after;
    }

    /// <summary>
    /// The answer for a journaled payment: its record, or the refusal — the travel rule's (400, nothing recorded), a compliance
    /// rejection with its ISO reason, a refusal that recorded nothing (an id another payment holds: 409), or a recorded refusal
    /// (422 naming the payment and its status, never 201).
    /// </summary>
    private static PaymentInfo Answer(Checked x, ItemResult? error, After a)
    {
        if (error is { } failed) throw EngineRefusal(x, failed, a);
        return a.Payment ?? throw ApiException.NotFound("settlement.payment_not_found", "payment not recorded");
    }

    /// <summary>The refusal of a journaled payment the engine refused (<see cref="Answer"/>).</summary>
    private static ApiException EngineRefusal(Checked x, ItemResult failed, After a)
    {
        var result = (SettlementResult)failed.Code;
        if (result == SettlementResult.TravelRuleIncomplete && a.Travel is { IsCompliant: false } travel)
            return SettlementEndpoints.TravelRuleIncomplete(x.Request.Id, travel);
        if (result == SettlementResult.RejectedByCompliance && a.Compliance is not null)
            return SettlementEndpoints.ComplianceRejection(x.Request.Id, a.Compliance, a.Payment is null ? null : Ids.Format(a.Payment.Id), a.Payment is null ? null : Wire.Snake(a.Payment.Status));
        if (a.Payment is null || result == SettlementResult.PaymentExistsWithDifferentContent)
            return SettlementProblems.Refused(result, $"payment {x.Request.Id}");
        return SettlementProblems.RefusedPayment(result, Ids.Format(a.Payment.Id), a.Payment.Status, a.Phase, x.Command.Kind);
    }

    private static async Task<IResult> Submit(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        Checked x = Check(caller, await RequestBody.ReadAsync<SubmitPaymentRequest>(c));
        SubmitPaymentWithDetails item = Command(x);
        // The payment as the engine left it, read in the same hand-off (the phase alone: the day's counts scan every payment of the day).
        ReadOnlyMemory<byte> payload = Encode([item], out byte[] rented);
        var (reply, after) = await SubmitRentedAsync(gw, 1, payload, rented, (e, applied) => AfterOf(e, ((PaymentOutcome[])applied.Data!)[0], item));
        gw.LogPayment(x.Id, reply.AllOk ? (after.Payment is null ? "unrecorded" : Wire.Snake(after.Payment.Status)) : Wire.Snake((SettlementResult)reply.Errors[0].Code), reply);
        PaymentDto dto = Wire.ToDto(Answer(x, reply.AllOk ? null : reply.Errors[0], after), after.Compliance);
        return Results.Json(dto, CorridorJson.Options, statusCode: after.Outcome.Existed ? 200 : 201);
    }

    [ThreadStatic] private static HashSet<UInt128>? t_seenIds;

    /// <summary>
    /// Several payments in one request, each decided on its own exactly as <c>POST /v1/payments</c> decides it; the accepted ones
    /// are journaled as one command. Answers 200 with one result per payment, in order; a refused payment refuses no other.
    /// </summary>
    private static async Task<IResult> SubmitBatch(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        if (caller.IsOperator) NodeGateway.RequireOperator(caller); // an operator who may not instruct at all (compliance) is refused as a whole, not per payment
        var r = await RequestBody.ReadAsync<PaymentBatchRequest>(c, RequestBody.MaxBatchBytes);
        if (r.Payments is null || r.Payments.Length == 0) throw ApiException.BadRequest("request.empty_batch", "payments must hold at least one payment");
        if (r.Payments.Length > MaxBatchPayments) throw ApiException.BadRequest("request.batch_too_large", $"{r.Payments.Length} payments exceed {MaxBatchPayments} per batch");
        int count = r.Payments.Length;
        var results = new PaymentBatchItemResult?[count];
        var checkedItems = new Checked?[count];
        // The ids seen so far in this batch, in a set the request thread keeps (used before the first await below).
        HashSet<UInt128> seen = t_seenIds ??= new HashSet<UInt128>();
        seen.Clear();
        for (int i = 0; i < count; i++)
        {
            try
            {
                if (r.Payments[i] is null) throw ApiException.BadRequest("request.invalid_value", $"payments[{i}]: a payment, not null");
                Checked x = Check(caller, r.Payments[i]);
                if (!seen.Add(x.Id)) throw ApiException.BadRequest("request.duplicate_id", $"id {r.Payments[i].Id} appears twice in the batch");
                checkedItems[i] = x;
            }
            catch (ApiException e) { results[i] = Refusal(i, r.Payments[i]?.Id ?? "", e); }
        }
        var toSubmit = new List<(int Index, SubmitPaymentWithDetails Item)>(count);
        for (int i = 0; i < count; i++)
        {
            if (checkedItems[i] is not { } x) continue;
            try { toSubmit.Add((i, Command(x))); }
            catch (ApiException e) { results[i] = Refusal(i, x.Request.Id, e); }
        }
        ReadOnlyMemory<byte> payload = EncodeEach(toSubmit, checkedItems, results, out byte[] rented);
        if (toSubmit.Count > 0)
        {
            var (reply, afterRefused) = await SubmitRentedAsync(gw, toSubmit.Count, payload, rented, (e, applied) => AfterRefused(e, applied, toSubmit));
            var outcomes = (PaymentOutcome[])reply.Data!;
            var errors = new ItemResult?[toSubmit.Count];
            foreach (ItemResult error in reply.Errors) errors[error.Index] = error;
            for (int k = 0; k < toSubmit.Count; k++)
            {
                int i = toSubmit[k].Index;
                Checked x = checkedItems[i]!;
                if (errors[k] is not { } error)
                {
                    // Accepted: the outcome carries the payment's status as the command left it (the same as its record's).
                    PaymentOutcome o = outcomes[k];
                    gw.LogPayment(x.Id, Wire.Snake(o.Status), reply);
                    results[i] = new PaymentBatchItemResult(i, x.Request.Id, Wire.Snake(o.Status), o.Existed, null, null, null, Ids.Format(o.PaymentId));
                    continue;
                }
                gw.LogPayment(x.Id, Wire.Snake((SettlementResult)error.Code), reply);
                results[i] = Refusal(i, x.Request.Id, EngineRefusal(x, error, afterRefused[k]!.Value), (SettlementResult)error.Code);
            }
        }
        int accepted = 0, held = 0, refused = 0;
        foreach (PaymentBatchItemResult item in results!)
        {
            if (item.Code is not null) refused++;
            else if (item.Status == "held") held++;
            else accepted++;
        }
        return Results.Json(new PaymentBatchResult(accepted, held, refused, results!), CorridorJson.Options);
    }

    /// <summary>
    /// A refused payment of a batch: the code and detail <c>POST /v1/payments</c> answers for it, its ISO 20022 reason (the
    /// compliance decision's, or the settlement result's as pacs.002 reports it), and the status the engine recorded, if any.
    /// </summary>
    private static PaymentBatchItemResult Refusal(int index, string id, ApiException e, SettlementResult? result = null) =>
        new(index, id, e.PaymentStatus ?? "refused", false, e.Code, $"payments[{index}]: {e.Message}",
            e.Iso20022Reason ?? (result is { } r ? StatusReasonMapping.ReasonCodeOf(r) : null), e.PaymentId);
}
