namespace Corridor.Core.Federation;

/// <summary>Outcome of one federation command item (operations 400–409). Values are journaled replies: never renumber.</summary>
public enum FederationResult : byte
{
    Ok = 0,
    // RegisterPeer:
    PeerIdMustNotBeZero = 1,
    PeerNameInvalid = 2,
    /// <summary>The URL is not an absolute http or https URL of at most 256 characters.</summary>
    PeerUrlInvalid = 3,
    /// <summary>The certificate fingerprint is not 64 lower-case hex digits (SHA-256).</summary>
    PeerFingerprintInvalid = 4,
    PeerStatusInvalid = 5,
    TooManyPeers = 6,
    // Content of a payment (either side):
    PaymentIdInvalid = 10,
    /// <summary>The UETR is not a lower-case UUID (xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx).</summary>
    UetrInvalid = 11,
    AmountMustBePositive = 12,
    /// <summary>ExpirySeconds is 0 or above <see cref="FederationState.MaxExpirySeconds"/>.</summary>
    ExpiryOutOfRange = 13,
    CurrencyInvalid = 14,
    PeerNotFound = 15,
    PeerNotActive = 16,
    PaymentExistsWithDifferentContent = 17,
    TooManyPayments = 18,
    // Source node (SendToPeer):
    PayerNotActive = 20,
    PayerHasNoAccountInLedger = 21,
    ProviderHasNoAccountInLedger = 22,
    /// <summary>The ledger's currency is not the terms' source currency.</summary>
    SourceCurrencyMismatch = 23,
    /// <summary>The payer's settlement account does not cover the amount: nothing is held.</summary>
    InsufficientFunds = 24,
    // Operating day (either side; the RTGS rule, SettlementState.DayAdmits):
    DayNotOpen = 30,
    AfterCustomerCutoff = 31,
    AfterInterbankCutoff = 32,
    // Compliance (either side):
    RejectedByCompliance = 35,
    /// <summary>Accepted: held for this node's compliance officer (nothing moved; the peer is answered pending).</summary>
    HeldForCompliance = 36,
    RejectedByOperator = 37,
    // Destination node (ReceiveFromPeer):
    /// <summary>The destination's engine time is past the payment's expiry T: refused, forever.</summary>
    Expired = 40,
    QuoteNotFound = 41,
    /// <summary>The quote is withdrawn, expired or not yet valid at the destination's engine time.</summary>
    QuoteNotValid = 42,
    /// <summary>The quote converts another pair than the terms' currencies, or the destination currency is not this node's ledger's.</summary>
    QuoteCurrencyMismatch = 43,
    /// <summary>The source amount is outside the provider's minimum and maximum for the quote.</summary>
    OutsideQuoteSize = 44,
    /// <summary>The destination amount is not the quote's conversion of the source amount.</summary>
    AmountNotAtQuotedRate = 45,
    PayeeNotFound = 46,
    PayeeHasNoAccountInLedger = 47,
    /// <summary>The FX provider's settlement account on this node does not cover the destination amount.</summary>
    ProviderInsufficientLiquidity = 48,
    /// <summary>Peer, provider or payee participant suspended.</summary>
    ParticipantNotActive = 49,
    // PeerDecision / ExpireUnknown:
    PaymentNotFound = 50,
    /// <summary>The peer's answer contradicts the one already applied: nothing changes (logged for the operators).</summary>
    DecisionConflicts = 51,
    /// <summary>The payment is not the peer's: a peer answers only for payments sent to it.</summary>
    NotThisPeersPayment = 52,
    /// <summary>A status question before the expiry about a payment never received: nothing recorded ("not received").</summary>
    NotYetExpired = 53,
    // Institution transfers (pacs.009; SendInstitutionToPeer / ReceiveInstitutionFromPeer):
    /// <summary>The originator of an institution transfer is not the payer bank itself (id scheme BIC, the payer's own BIC).</summary>
    OriginatorNotPayerInstitution = 54,
    /// <summary>The beneficiary of an institution transfer is not the payee bank itself (id scheme BIC, the payee BIC).</summary>
    BeneficiaryNotPayeeInstitution = 55,
    /// <summary>An institution transfer carries no trade reference (pacs.009 has no structured remittance): send a customer payment.</summary>
    TradeReferenceNotAllowed = 56,
}
