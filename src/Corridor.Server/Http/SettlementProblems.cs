using Corridor.Core.Settlement;

namespace Corridor.Server.Http;

/// <summary>
/// The one table from an engine <see cref="SettlementResult"/> to an HTTP problem: status, stable code
/// (<c>settlement.&lt;result&gt;</c>) and a detail that says what to do. Every endpoint that submits a settlement command
/// answers its refusals through here.
/// </summary>
public static class SettlementProblems
{
    /// <summary>
    /// HTTP status of a result: 409 for a conflict with what exists, 404 when the resource the request is about does not
    /// exist, 422 for every other refusal by the engine's rules. Never 400: a result comes from a journaled command, and a
    /// 400 promises that nothing changed (content the rim can judge is refused there, as <c>request.*</c>, before the journal).
    /// </summary>
    public static int Status(SettlementResult result) => result switch
    {
        SettlementResult.ParticipantExistsWithDifferentContent or SettlementResult.BicInUse or SettlementResult.TransferIdExistsWithDifferentContent
            or SettlementResult.PaymentExistsWithDifferentContent or SettlementResult.LedgerAlreadyRegistered
            or SettlementResult.SettlementAccountExists or SettlementResult.AccountIdInUse or SettlementResult.WindowExists => 409,
        SettlementResult.ParticipantNotFound or SettlementResult.PaymentNotFound or SettlementResult.WindowNotFound
            or SettlementResult.SettlementAccountNotFound or SettlementResult.LedgerNotRegistered => 404,
        SettlementResult.FourEyesRequired => 403,
        _ => 422,
    };

    public static string Code(SettlementResult result) => "settlement." + Problems.SnakeCase(result.ToString());

    /// <summary>A refused command about <paramref name="subject"/> (e.g. "participant 7").</summary>
    public static ApiException Refused(SettlementResult result, string subject) =>
        new(Status(result), Code(result), $"{subject}: {Explain(result)}");

    /// <summary>
    /// A payment the engine refused and recorded: always 422 (never 201), with the payment's id and recorded status as
    /// extension members; a day-phase refusal also names the current phase and the phases that accept the payment.
    /// </summary>
    public static ApiException RefusedPayment(SettlementResult result, string paymentId, PaymentStatus status, DayPhase phase, PaymentKind kind)
    {
        bool dayRule = IsDayPhase(result);
        string[]? allowed = dayRule ? PhasesAllowing(kind) : null;
        string detail = dayRule
            ? $"payment {paymentId}: {Explain(result)}; the operating day is in phase {PhaseName(phase)}, {KindName(kind)} payments are accepted in phase {string.Join(" or ", allowed!)}"
            : $"payment {paymentId}: {Explain(result)}";
        return new ApiException(422, Code(result), detail)
        {
            PaymentId = paymentId, PaymentStatus = Problems.SnakeCase(status.ToString()),
            Phase = dayRule ? PhaseName(phase) : null, AllowedPhases = allowed,
        };
    }

    public static bool IsDayPhase(SettlementResult result) =>
        result is SettlementResult.DayNotOpen or SettlementResult.AfterCustomerCutoff or SettlementResult.AfterInterbankCutoff;

    /// <summary>The phases whose rule (<see cref="SettlementState.PhaseAllows"/>) accepts a payment of this kind.</summary>
    public static string[] PhasesAllowing(PaymentKind kind)
    {
        var names = new List<string>(2);
        foreach (DayPhase phase in Enum.GetValues<DayPhase>())
            if (SettlementState.PhaseAllows(phase, kind) == SettlementResult.Ok) names.Add(PhaseName(phase));
        return names.ToArray();
    }

    public static string PhaseName(DayPhase phase) => Problems.SnakeCase(phase.ToString());

    private static string KindName(PaymentKind kind) => Problems.SnakeCase(kind.ToString());

    /// <summary>What a result means to the caller; results without their own sentence are named by their code.</summary>
    private static string Explain(SettlementResult result) => result switch
    {
        SettlementResult.InvalidBic => "the BIC is not an ISO 9362 BIC (4 letters institution, 2 letters ISO 3166 country, 2 letters or digits location, optional 3 letters or digits branch)",
        SettlementResult.BicInUse => "another participant is registered with this BIC",
        SettlementResult.ParticipantNotFound => "the participant does not exist",
        SettlementResult.NotACentralBank => "only the ledger's central bank (or the operator) may create or withdraw money in this ledger",
        SettlementResult.LedgerNotRegistered => "the ledger is not registered (POST /v1/ledgers)",
        SettlementResult.SettlementAccountNotFound => "the participant has no settlement account in this ledger",
        SettlementResult.AmountTooLarge => $"the amount exceeds {SettlementState.MaxAmountMinor} minor units",
        SettlementResult.InsufficientFunds => "the available liquidity does not cover the amount",
        SettlementResult.PayerEqualsPayee => "payer and payee are the same participant",
        SettlementResult.PayerNotFound => "the payer is not a registered participant",
        SettlementResult.PayeeNotFound => "the payee is not a registered participant",
        SettlementResult.PayerNotActive => "the payer is suspended or closed",
        SettlementResult.PayeeNotActive => "the payee is suspended or closed",
        SettlementResult.PayerHasNoAccountInLedger => "the payer has no settlement account in this ledger",
        SettlementResult.PayeeHasNoAccountInLedger => "the payee has no settlement account in this ledger",
        SettlementResult.InvalidTimeWindow => "earliest_ns is after latest_ns",
        SettlementResult.LatestTimePassed => "latest_ns passed before the payment could settle",
        SettlementResult.QueueFull => "the payer's queue in this ledger is full",
        SettlementResult.DayNotOpen => "no business day is open",
        SettlementResult.AfterCustomerCutoff => "the customer cut-off has passed",
        SettlementResult.AfterInterbankCutoff => "the interbank cut-off has passed",
        SettlementResult.WindowNotFound => "the netting window does not exist",
        SettlementResult.WindowNotOpen => "the netting window is closed",
        SettlementResult.WindowLedgerMismatch => "the netting window is in another ledger",
        SettlementResult.WindowFull => "the netting window is full",
        SettlementResult.WindowPaymentCannotBeTimed => "a netting-window payment cannot carry earliest_ns or latest_ns",
        SettlementResult.PaymentExistsWithDifferentContent => "the id is taken by a payment with different content",
        SettlementResult.RejectedByCompliance => "rejected by compliance",
        SettlementResult.TravelRuleIncomplete => "the travel rule's originator or beneficiary data (FATF R16) is incomplete; nothing was recorded and the id is free for the corrected payment",
        SettlementResult.InvalidPhaseTransition => "the day cannot move to that phase from the current one",
        SettlementResult.BusinessDateMustIncrease => "the business date must be later than the last one",
        SettlementResult.CutoffOutsideDay => "every time of the schedule must lie within the day, 00:00:00 to 23:59:59",
        SettlementResult.CutoffsOutOfOrder => "the schedule's times must come in order: customer cut-off, then interbank cut-off, then end of day",
        SettlementResult.UtcOffsetOutOfRange => "the UTC offset must be between -14:00 and +14:00",
        SettlementResult.FourEyesRequired => "four eyes are required: propose the move (POST /v1/operator-acts) and have a second operator user approve it",
        _ => Problems.SnakeCase(result.ToString()).Replace('_', ' '),
    };
}
