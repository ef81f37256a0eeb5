namespace Corridor.Core.Settlement;

/// <summary>
/// Outcome of one item of a settlement command, and the reason stored on a rejected payment.
/// Values are stable (API, journal replies, stored payment reasons): append only, never renumber.
/// Grouped in ranges: 1–19 participants, 20–39 ledgers and accounts, 40–59 liquidity, 60–89 payment
/// entry, 90–109 queue management, 110–129 reasons a queued payment was rejected, 130–139 netting
/// windows, 140–149 operating day, 150–169 payment returns (pacs.004), 190–199 the day's schedule.
/// </summary>
public enum SettlementResult : ushort
{
    Ok = 0,

    ParticipantIdMustNotBeZero = 1,
    InvalidRole = 2,
    NameMustNotBeEmpty = 3,
    /// <summary>Same participant id registered before with a different role or name.</summary>
    ParticipantExistsWithDifferentContent = 4,
    /// <summary>Same participant id, same content: already registered (idempotent resubmission).</summary>
    ParticipantAlreadyExists = 5,
    ParticipantNotFound = 6,
    InvalidParticipantStatus = 7,
    /// <summary>Closed is terminal; Active↔Suspended and →Closed are the only moves.</summary>
    InvalidStatusTransition = 8,
    /// <summary>A participant can only be closed once every settlement account balance is zero.</summary>
    ParticipantHasBalance = 9,
    TooManyParticipants = 10,
    /// <summary>The BIC is not an ISO 9362 BIC (8 or 11 upper-case characters with a valid ISO 3166 country).</summary>
    InvalidBic = 11,
    /// <summary>Another participant is registered with this BIC.</summary>
    BicInUse = 12,

    LedgerMustNotBeZero = 20,
    LedgerNotRegistered = 21,
    LedgerAlreadyRegistered = 22,
    NotACentralBank = 23,
    AccountIdInvalid = 24,
    /// <summary>The participant already holds a settlement account in this ledger.</summary>
    SettlementAccountExists = 25,
    SettlementAccountNotFound = 26,
    /// <summary>The ledger refused to create the account (id already used by another account).</summary>
    AccountIdInUse = 27,
    NotADirectParticipant = 28,
    ParticipantNotActive = 29,
    TooManyAccounts = 30,

    AmountMustBePositive = 40,
    AmountMustNotBeNegative = 41,
    /// <summary>The payer's available liquidity (after reservations and credit line rules) does not cover the amount.</summary>
    InsufficientFunds = 42,
    TransferIdInvalid = 43,
    /// <summary>The transfer id was used before for different content.</summary>
    TransferIdExistsWithDifferentContent = 44,
    /// <summary>The same liquidity transfer was applied before (idempotent resubmission).</summary>
    AlreadyApplied = 45,
    /// <summary>The ledger refused the transfer for a reason without a settlement code (overflow, capacity).</summary>
    LedgerRejected = 46,
    InvalidDirection = 47,
    InvalidCounterparty = 48,
    TooManyLimits = 49,
    /// <summary>Lowering a credit line needs the reduction to be available on the account.</summary>
    CreditLineInUse = 50,
    /// <summary>Amounts, reservations, limits and credit lines are bounded by <see cref="SettlementState.MaxAmountMinor"/>.</summary>
    AmountTooLarge = 51,

    PaymentIdInvalid = 60,
    PaymentExistsWithDifferentContent = 61,
    InvalidPriority = 62,
    InvalidKind = 63,
    PayerEqualsPayee = 64,
    PayerNotFound = 65,
    PayeeNotFound = 66,
    PayerNotActive = 67,
    PayeeNotActive = 68,
    PayerHasNoAccountInLedger = 69,
    PayeeHasNoAccountInLedger = 70,
    /// <summary>Earliest settlement time after latest settlement time.</summary>
    InvalidTimeWindow = 71,
    /// <summary>The latest settlement time passed before the payment could settle.</summary>
    LatestTimePassed = 72,
    QueueFull = 73,
    TooManyPayments = 74,
    DayNotOpen = 75,
    AfterCustomerCutoff = 76,
    AfterInterbankCutoff = 77,
    WindowNotFound = 78,
    WindowNotOpen = 79,
    WindowLedgerMismatch = 80,
    WindowFull = 81,
    /// <summary>Netting-window payments cannot carry earliest/latest settlement times.</summary>
    WindowPaymentCannotBeTimed = 82,

    PaymentNotFound = 90,
    /// <summary>The action needs a queued (or, for revoke, queued/scheduled/in-window) payment.</summary>
    PaymentNotQueued = 91,
    /// <summary>Only the payer (or an operator) may manage a payment in its queue.</summary>
    NotPayer = 92,
    InvalidQueueAction = 93,
    /// <summary>The reference payment of MoveBefore is not queued in the same queue (payer, ledger, priority).</summary>
    ReferenceNotInSameQueue = 94,

    /// <summary>Reason on a queued customer payment rejected at the customer cut-off.</summary>
    RejectedAtCustomerCutoff = 110,
    /// <summary>Reason on a queued or scheduled payment rejected at the interbank cut-off.</summary>
    RejectedAtInterbankCutoff = 111,
    /// <summary>Reason on a queued payment rejected because payer or payee was suspended or closed.</summary>
    RejectedParticipantSuspended = 112,
    /// <summary>Reason on a netting-window payment excluded because a participant could not cover its net debit.</summary>
    ExcludedFromNetting = 113,
    /// <summary>Reason on a payment revoked by its payer.</summary>
    RevokedByPayer = 114,
    /// <summary>Compliance (travel rule, operator rule) rejected the payment before settlement; details in the compliance record.</summary>
    RejectedByCompliance = 115,
    /// <summary>Reason on a held payment an operator rejected (RejectHold).</summary>
    RejectedByOperator = 116,
    /// <summary>
    /// A customer payment without the travel rule's data (FATF R16) is refused and nothing is recorded, so the corrected
    /// payment may reuse its id (<see cref="Engine.Operation.SubmitPaymentTravelRuleAtEntry"/>); the findings are
    /// <see cref="Compliance.ComplianceState.TravelRuleOf"/> of the same payment.
    /// </summary>
    TravelRuleIncomplete = 117,

    WindowIdInvalid = 130,
    WindowExists = 131,
    TooManyWindows = 132,

    InvalidPhaseTransition = 140,
    BusinessDateMustIncrease = 141,
    InvalidPhase = 142,
    /// <summary>OpenBusinessDay with <see cref="SettlementOptions.RefuseOpenWithOvernightCredit"/>: some account's balance does not cover its overnight credit.</summary>
    OvernightCreditNotCovered = 143,

    /// <summary>Return: no payment with the original payment id.</summary>
    OriginalPaymentNotFound = 150,
    /// <summary>Return: the original payment is not settled (queued, rejected, revoked...): nothing to return.</summary>
    OriginalPaymentNotSettled = 151,
    /// <summary>Return: only the original payee may return a payment.</summary>
    NotOriginalPayee = 152,
    /// <summary>Return: the return is in another ledger (currency) than the original payment.</summary>
    ReturnLedgerMismatch = 153,
    /// <summary>Return: the amount plus what was already returned (settled or queued) exceeds the original amount.</summary>
    ReturnExceedsOriginal = 154,
    /// <summary>Return: a return cannot itself be returned (send a new payment instead).</summary>
    CannotReturnAReturn = 155,
    /// <summary>Return: the original already has <see cref="SettlementState.MaxReturnsPerPayment"/> returns.</summary>
    TooManyReturns = 156,

    /// <summary>Raw ledger access: a settlement ledger is never granted (money moves there as payments only).</summary>
    SettlementLedgerNotGrantable = 160,
    /// <summary>Raw ledger access: <see cref="SettlementState.MaxLedgerGrants"/> grants are in force.</summary>
    TooManyLedgerGrants = 161,

    /// <summary>Four eyes are required: an operator user moves liquidity only through an approved act (Compliance/OperatorActs.cs).</summary>
    FourEyesRequired = 170,

    /// <summary>PvP: the quote lock of a queued cross-currency payment expired before its payer leg was covered; nothing moved.</summary>
    PvpLockExpired = 180,
    /// <summary>PvP: the payer or the FX provider pays or receives through an account that is not its settlement account (settled outside RTGS).</summary>
    PvpOutsideSettlementAccounts = 181,

    /// <summary>Day schedule: a cut-off or end-of-day time is not within the day (00:00:00 … 23:59:59).</summary>
    CutoffOutsideDay = 190,
    /// <summary>Day schedule: the times are not customer cut-off &lt; interbank cut-off &lt; end of day.</summary>
    CutoffsOutOfOrder = 191,
    /// <summary>Day schedule: the UTC offset is beyond ±14:00.</summary>
    UtcOffsetOutOfRange = 192,
}
