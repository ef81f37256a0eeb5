using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Validation;

namespace Corridor.Iso20022.Mapping;

/// <summary>
/// The ISO 20022 ExternalStatusReason1Code of an engine refusal, for every entry path in one place (pacs.002 for pacs.008,
/// pacs.009 and pacs.004; the engine's own code travels in AddtlInf).
/// </summary>
public static class StatusReasonMapping
{
    /// <summary>A settlement (RTGS) result: payments, pacs.009 transfers and returns.</summary>
    public static string ReasonCodeOf(SettlementResult r) => r switch
    {
        SettlementResult.PaymentExistsWithDifferentContent => ReasonCodes.DuplicatePayment,
        SettlementResult.ParticipantNotFound or SettlementResult.SettlementAccountNotFound => "AC01",
        SettlementResult.ParticipantNotActive => "AC06",
        SettlementResult.LedgerNotRegistered => "AM03",
        SettlementResult.AmountMustBePositive or SettlementResult.AmountTooLarge => "AM02",
        SettlementResult.InsufficientFunds => "AM04",
        // The findings name RR01–RR03 precisely; an entry path that has them reports those (ComplianceState.TravelRuleOf).
        SettlementResult.TravelRuleIncomplete => ReasonCodes.RegulatoryReason,
        SettlementResult.DayNotOpen or SettlementResult.AfterCustomerCutoff or SettlementResult.AfterInterbankCutoff
            or SettlementResult.RejectedAtCustomerCutoff or SettlementResult.RejectedAtInterbankCutoff => "CUTA",
        // Returns (pacs.004):
        SettlementResult.OriginalPaymentNotFound or SettlementResult.OriginalPaymentNotSettled => "AG09",   // PaymentNotReceived
        SettlementResult.NotOriginalPayee => "AGNT",                                                        // IncorrectAgent
        SettlementResult.ReturnLedgerMismatch => "AM11",                                                    // InvalidTransactionCurrency
        SettlementResult.ReturnExceedsOriginal or SettlementResult.TooManyReturns => "AM02",                // NotAllowedAmount
        SettlementResult.CannotReturnAReturn => "AG13",                                                     // ForbiddenReturnPayment
        _ => "NARR",
    };

    /// <summary>A PvP (exchange) result; a compliance rejection carries the compliance decision's own reason.</summary>
    public static string ReasonCodeOf(PayResult r, string? complianceCode) => r switch
    {
        PayResult.RejectedByCompliance => complianceCode ?? ReasonCodes.RegulatoryReason,
        PayResult.ExchangeRateMismatch or PayResult.ExpectedRateInvalid => ReasonCodes.WrongAmount,   // AM09
        PayResult.NoQuoteAvailable => "CURR",                                                          // IncorrectCurrency: pair not convertible now
        PayResult.PayerInsufficientFunds => "AM04",
        PayResult.DayNotOpen or PayResult.AfterCustomerCutoff or PayResult.AfterInterbankCutoff => "CUTA", // as same-currency payments
        PayResult.IdReusedWithDifferentContent => ReasonCodes.DuplicatePayment,
        _ => "NARR",
    };
}
