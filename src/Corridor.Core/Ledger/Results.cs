namespace Corridor.Core.Ledger;

/// <summary>
/// Outcome of one account in a create_accounts request. Ordered by precedence: the first failing
/// check decides. Values are stable (they appear in the API and journal replies); append only.
/// </summary>
public enum CreateAccountResult : byte
{
    Ok = 0,
    LinkedEventFailed = 1,
    LinkedEventChainOpen = 2,
    TimestampMustBeZero = 3,
    ReservedField = 4,
    ReservedFlag = 5,
    IdMustNotBeZero = 6,
    IdMustNotBeIntMax = 7,
    FlagsAreMutuallyExclusive = 8,
    DebitsPendingMustBeZero = 9,
    DebitsPostedMustBeZero = 10,
    CreditsPendingMustBeZero = 11,
    CreditsPostedMustBeZero = 12,
    LedgerMustNotBeZero = 13,
    CodeMustNotBeZero = 14,
    ExistsWithDifferentFlags = 15,
    ExistsWithDifferentUserData128 = 16,
    ExistsWithDifferentUserData64 = 17,
    ExistsWithDifferentUserData32 = 18,
    ExistsWithDifferentLedger = 19,
    ExistsWithDifferentCode = 20,
    ExistsWithDifferentParticipant = 21,
    /// <summary>Same id, same fields: the account already exists (idempotent resubmission).</summary>
    Exists = 22,
    /// <summary>The engine's account capacity is reached.</summary>
    TooManyAccounts = 23,
}

/// <summary>
/// Outcome of one transfer in a create_transfers request. Ordered by precedence: the first failing
/// check decides. Values are stable (they appear in the API and journal replies); append only.
/// </summary>
public enum CreateTransferResult : byte
{
    Ok = 0,
    LinkedEventFailed = 1,
    LinkedEventChainOpen = 2,
    TimestampMustBeZero = 3,
    ReservedFlag = 4,
    IdMustNotBeZero = 5,
    IdMustNotBeIntMax = 6,
    FlagsAreMutuallyExclusive = 7,
    DebitAccountIdMustNotBeZero = 8,
    DebitAccountIdMustNotBeIntMax = 9,
    CreditAccountIdMustNotBeZero = 10,
    CreditAccountIdMustNotBeIntMax = 11,
    AccountsMustBeDifferent = 12,
    PendingIdMustBeZero = 13,
    PendingIdMustNotBeZero = 14,
    PendingIdMustNotBeIntMax = 15,
    PendingIdMustBeDifferent = 16,
    TimeoutReservedForPendingTransfer = 17,
    AmountMustNotBeNegative = 18,
    AmountMustNotBeZero = 19,
    LedgerMustNotBeZero = 20,
    CodeMustNotBeZero = 21,
    DebitAccountNotFound = 22,
    CreditAccountNotFound = 23,
    AccountsMustHaveTheSameLedger = 24,
    TransferMustHaveTheSameLedgerAsAccounts = 25,
    PendingTransferNotFound = 26,
    PendingTransferNotPending = 27,
    PendingTransferHasDifferentDebitAccountId = 28,
    PendingTransferHasDifferentCreditAccountId = 29,
    PendingTransferHasDifferentLedger = 30,
    PendingTransferHasDifferentCode = 31,
    ExceedsPendingTransferAmount = 32,
    PendingTransferHasDifferentAmount = 33,
    PendingTransferAlreadyPosted = 34,
    PendingTransferAlreadyVoided = 35,
    PendingTransferExpired = 36,
    ExistsWithDifferentFlags = 37,
    ExistsWithDifferentDebitAccountId = 38,
    ExistsWithDifferentCreditAccountId = 39,
    ExistsWithDifferentAmount = 40,
    ExistsWithDifferentPendingId = 41,
    ExistsWithDifferentUserData128 = 42,
    ExistsWithDifferentUserData64 = 43,
    ExistsWithDifferentUserData32 = 44,
    ExistsWithDifferentTimeout = 45,
    ExistsWithDifferentCode = 46,
    ExistsWithDifferentLedger = 47,
    /// <summary>Same id, same fields: the transfer already applied (idempotent resubmission).</summary>
    Exists = 48,
    /// <summary>The id was used by a transfer that failed; its original result stands.</summary>
    IdAlreadyFailed = 49,
    OverflowsDebitsPending = 50,
    OverflowsCreditsPending = 51,
    OverflowsDebitsPosted = 52,
    OverflowsCreditsPosted = 53,
    OverflowsDebits = 54,
    OverflowsCredits = 55,
    OverflowsTimeout = 56,
    ExceedsCredits = 57,
    ExceedsDebits = 58,
    DebitAccountClosed = 59,
    CreditAccountClosed = 60,
    /// <summary>The engine's transfer capacity is reached.</summary>
    TooManyTransfers = 61,
    /// <summary>The pending transfer is a leg the engine created (code 200–299, e.g. an FX lock's reservation): only the engine posts or voids it.</summary>
    PendingTransferOwnedByEngine = 62,
    /// <summary>Codes 200–299 are reserved for transfers the engine creates itself (exchange legs).</summary>
    CodeReservedForEngine = 63,
    /// <summary>A participant's raw transfer (operation 3) debits, or resolves a pending transfer debiting, an account it does not own. Not recorded: the id stays free.</summary>
    DebitAccountNotOwnedBySubmitter = 64,
    /// <summary>A participant's raw transfer is in a ledger the operator has not granted it (settlement and currency ledgers never are). Not recorded: the id stays free.</summary>
    LedgerNotGrantedToSubmitter = 65,
}

/// <summary>A non-Ok result for the item at <c>Index</c> of a request (Ok items are not listed).</summary>
public readonly record struct AccountError(int Index, CreateAccountResult Result);

/// <summary>A non-Ok result for the item at <c>Index</c> of a request (Ok items are not listed).</summary>
public readonly record struct TransferError(int Index, CreateTransferResult Result);
