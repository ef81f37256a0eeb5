namespace Corridor.Core.Exchange;

// Result codes of the exchange commands. Each enum is ordered by precedence (the first failing check
// decides) and its values are stable: they appear in journal replies and the API. Append only.
// Resubmitting an id with the same content returns the original result (architecture rule 4).

/// <summary>Outcome of one PublishQuote or WithdrawQuote item.</summary>
public enum QuoteResult : byte
{
    Ok = 0,
    QuoteIdMustNotBeZero = 1,
    ProviderMustNotBeZero = 2,
    SourceCurrencyUnknown = 3,
    DestinationCurrencyUnknown = 4,
    CurrenciesMustBeDifferent = 5,
    /// <summary>Numerator and denominator must be in 1..10^18.</summary>
    RateInvalid = 6,
    /// <summary>Minimum must be positive and not above the maximum.</summary>
    SizeLimitsInvalid = 7,
    /// <summary>ValidFrom must be before ValidUntil, and the window at most MaxQuoteValiditySeconds.</summary>
    ValidityWindowInvalid = 8,
    /// <summary>ValidUntil is not after the engine time at which the quote applied.</summary>
    QuoteAlreadyExpired = 9,
    ProviderSourceAccountNotFound = 10,
    ProviderDestinationAccountNotFound = 11,
    /// <summary>The provider's source account is not on the source currency's ledger.</summary>
    ProviderSourceAccountWrongCurrency = 12,
    ProviderDestinationAccountWrongCurrency = 13,
    /// <summary>An account named in the quote belongs to another participant.</summary>
    AccountNotOwnedByProvider = 14,
    /// <summary>The quote id is taken by a quote with different content.</summary>
    IdReusedWithDifferentContent = 15,
    TooManyQuotesForPair = 16,
    TooManyQuotes = 17,
    // Withdraw only:
    QuoteNotFound = 18,
    /// <summary>Only the provider that published a quote may withdraw it.</summary>
    NotQuoteProvider = 19,
    /// <summary>MaxLockSeconds must be 1..ExchangeState.MaxLockSeconds.</summary>
    MaxLockSecondsInvalid = 20,
}

/// <summary>Outcome of one LockQuote or ReleaseLock item.</summary>
public enum LockResult : byte
{
    Ok = 0,
    LockIdMustNotBeZero = 1,
    PayerMustNotBeZero = 2,
    AmountMustBePositive = 3,
    AmountSideInvalid = 4,
    /// <summary>Lock duration must be 1..MaxLockSeconds.</summary>
    LockSecondsOutOfRange = 5,
    IdReusedWithDifferentContent = 6,
    QuoteNotFound = 7,
    QuoteWithdrawn = 8,
    /// <summary>Engine time is before the quote's ValidFrom.</summary>
    QuoteNotYetValid = 9,
    /// <summary>Engine time is at or after the quote's ValidUntil.</summary>
    QuoteExpired = 10,
    /// <summary>The converted amount overflows, or rounds to zero.</summary>
    ConversionFailed = 11,
    /// <summary>The source amount is below the provider's minimum.</summary>
    BelowProviderMinimum = 12,
    /// <summary>The source amount is above the provider's maximum.</summary>
    AboveProviderMaximum = 13,
    PayerAccountNotFound = 14,
    PayerAccountNotOwnedByPayer = 15,
    PayerAccountWrongCurrency = 16,
    PayeeAccountNotFound = 17,
    PayeeAccountWrongCurrency = 18,
    /// <summary>The provider's destination account cannot fund the reservation (ledger ExceedsCredits).</summary>
    ProviderInsufficientLiquidity = 19,
    /// <summary>The ledger rejected the reservation for another reason (see the lock's LedgerResult).</summary>
    LedgerRejected = 20,
    TooManyLocks = 21,
    // Release only:
    LockNotFound = 22,
    NotLockPayer = 23,
    LockAlreadySettled = 24,
    LockExpired = 25,
    /// <summary>The lock attempt itself failed; there is nothing to release.</summary>
    LockNotActive = 26,
    /// <summary>LockSeconds exceeds the quote's MaxLockSeconds: the provider holds its liquidity no longer than it offered.</summary>
    LockLongerThanQuoteAllows = 27,
    /// <summary>A payment against this lock is held for compliance: only an operator decision can release the reservation.</summary>
    LockHeldForCompliance = 28,
    /// <summary>The quote is for payments from a peer node (no source account here): it cannot be locked for a payment on this node.</summary>
    QuoteForPeerPaymentsOnly = 29,
}

/// <summary>Outcome of one PayAgainstLock item (cross-currency payment, settled payment-versus-payment).</summary>
public enum PayResult : byte
{
    Ok = 0,
    PaymentIdMustNotBeZero = 1,
    PayerMustNotBeZero = 2,
    // Mandatory originator data (cross-border payments):
    OriginatorNameMissing = 3,
    OriginatorTownMissing = 4,
    OriginatorCountryMissing = 5,
    /// <summary>Country is not two ASCII capital letters (ISO 3166-1 alpha-2 shape).</summary>
    OriginatorCountryInvalid = 6,
    OriginatorAccountMissing = 7,
    OriginatorIdentifierMissing = 8,
    /// <summary>LEI fails its ISO 7064 check digits, or BIC is not ISO 9362-shaped, or the scheme is unknown.</summary>
    OriginatorIdentifierInvalid = 9,
    // Mandatory beneficiary data, same order:
    BeneficiaryNameMissing = 10,
    BeneficiaryTownMissing = 11,
    BeneficiaryCountryMissing = 12,
    BeneficiaryCountryInvalid = 13,
    BeneficiaryAccountMissing = 14,
    BeneficiaryIdentifierMissing = 15,
    BeneficiaryIdentifierInvalid = 16,
    // Mandatory trade references:
    InvoiceNumberMissing = 17,
    InvoiceDateMissing = 18,
    InvoiceDateInvalid = 19,
    ContractOrLetterOfCreditReferenceMissing = 20,
    GoodsDescriptionMissing = 21,
    HsCodeMissing = 22,
    HsCodeInvalid = 23,
    IncotermsMissing = 24,
    IncotermsInvalid = 25,
    // State:
    IdReusedWithDifferentContent = 26,
    LockNotFound = 27,
    NotLockPayer = 28,
    /// <summary>The lock attempt failed; there is no reservation to pay against.</summary>
    LockNotActive = 29,
    /// <summary>Another payment already settled against this lock.</summary>
    LockAlreadyUsed = 30,
    LockReleased = 31,
    LockExpired = 32,
    /// <summary>The payer's leg failed for lack of funds (ledger ExceedsCredits); both legs released.</summary>
    PayerInsufficientFunds = 33,
    /// <summary>Either leg was rejected by the ledger for another reason (see LedgerResult); both legs released.</summary>
    LedgerRejected = 34,
    TooManyPayments = 35,
    // Compliance (appended; checked after the lock, before any leg — see docs/compliance.md "In the engine"):
    /// <summary>Screening or a rule held the payment: no leg settled, the lock's reservation is kept for an operator decision.</summary>
    HeldForCompliance = 36,
    /// <summary>A compliance rule or the travel rule rejected the payment (ISO reason in the compliance record); no leg settled, lock released.</summary>
    RejectedByCompliance = 37,
    /// <summary>An operator rejected the held payment (RejectHold); no leg settled, lock released.</summary>
    RejectedByOperator = 38,
    // PayAtBestQuote (appended; ISO 20022 cross-currency pacs.008, see Exchange/PayAtBestQuote.cs):
    /// <summary>No active quote for the pair covers the amount (size limits, validity, provider liquidity) at engine time.</summary>
    NoQuoteAvailable = 39,
    /// <summary>The best quote's rate differs from the rate the payer expects by more than the payer's tolerance; nothing locked.</summary>
    ExchangeRateMismatch = 40,
    /// <summary>The expected rate is not positive, or the tolerance is above 1,000,000 ppm.</summary>
    ExpectedRateInvalid = 41,
    /// <summary>Locking the best quote failed (the lock's own result is kept on the lock); nothing moved.</summary>
    LockFailed = 42,
    // Operating day (appended; the same rule as RTGS payments, SettlementState.DayAdmits, once OnePaymentPath is on):
    /// <summary>No business day is open (before the first open, or after end of day): nothing locked, nothing moved.</summary>
    DayNotOpen = 43,
    /// <summary>The customer cut-off has passed: customer payments wait for the next business day.</summary>
    AfterCustomerCutoff = 44,
    /// <summary>The interbank cut-off has passed.</summary>
    AfterInterbankCutoff = 45,
    // PvP through RTGS (appended; SettlementOptions.PvpThroughRtgs, see Settlement/SettlementState.Pvp.cs):
    /// <summary>Accepted: the payer leg waits in the payer's RTGS queue (no liquidity yet, or queued payments ahead); the lock's reservation is kept.</summary>
    Queued = 46,
    /// <summary>The payer revoked the queued payment (queue management or camt.056); nothing moved, the lock's reservation is voided.</summary>
    RevokedByPayer = 47,
    /// <summary>RTGS rejected the queued payer leg (a participant suspended, a queue limit); nothing moved, the reservation is voided.</summary>
    RejectedInQueue = 48,
}

/// <summary>Outcome of one SubmitFxTrade, AffirmFxTrade or CancelFxTrade item (bilateral FX trade settled PvP).</summary>
public enum TradeResult : byte
{
    Ok = 0,
    TradeIdMustNotBeZero = 1,
    /// <summary>Parties must be non-zero and different.</summary>
    PartiesInvalid = 2,
    /// <summary>The instructing participant is neither party of the trade.</summary>
    SubmitterNotAParty = 3,
    AmountsMustBePositive = 4,
    CurrencyUnknown = 5,
    CurrenciesMustBeDifferent = 6,
    /// <summary>The affirmation deadline is not after engine time, or further than MaxAffirmSeconds.</summary>
    DeadlineInvalid = 7,
    IdReusedWithDifferentContent = 8,
    AccountNotFound = 9,
    /// <summary>An account is not on the ledger of the currency it carries.</summary>
    AccountWrongCurrency = 10,
    /// <summary>A paying or receiving account belongs to the wrong participant.</summary>
    AccountWrongOwner = 11,
    TooManyTrades = 12,
    // Affirm / cancel:
    TradeNotFound = 13,
    /// <summary>The affirming party's terms differ from the submitted ones: nothing settles.</summary>
    TermsMismatch = 14,
    /// <summary>The submitter cannot affirm its own trade.</summary>
    AffirmerMustBeCounterparty = 15,
    TradeAlreadySettled = 16,
    TradeCancelled = 17,
    TradeExpired = 18,
    /// <summary>Party A's leg failed for lack of funds; neither leg settled.</summary>
    PartyAInsufficientFunds = 19,
    PartyBInsufficientFunds = 20,
    LedgerRejected = 21,
    /// <summary>Settlement was attempted and failed; the trade is closed.</summary>
    TradeFailed = 22,
}

/// <summary>
/// Reply data of <see cref="Corridor.Core.Engine.Operation.LockQuote"/>, <see cref="Corridor.Core.Engine.Operation.PayAgainstLock"/> and
/// <see cref="Corridor.Core.Engine.Operation.PayAgainstLockWithReferences"/>: for each item, whether its lock or payment id was
/// recorded before the command (a resubmission answered from its record, or a refused reuse). A command none of whose ids
/// existed has no data.
/// </summary>
public sealed record IdsExisted(bool[] Items)
{
    /// <summary>Whether item <paramref name="index"/> of the command <paramref name="reply"/> answers had an id recorded before it.</summary>
    public static bool At(Corridor.Core.Engine.CommandReply reply, int index) => reply.Data is IdsExisted x && x.Items[index];
}
