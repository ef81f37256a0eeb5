namespace Corridor.Core.Engine;

/// <summary>
/// Every kind of command the engine applies. Values are written in the journal: never renumber.
/// Ranges: 1–99 ledger, 100–199 settlement, 200–299 exchange, 300–399 compliance.
/// </summary>
public enum Operation : ushort
{
    None = 0,
    /// <summary>Payload: <c>count</c> × 128-byte <see cref="Ledger.Account"/> records.</summary>
    CreateAccounts = 1,
    /// <summary>Payload: <c>count</c> × 128-byte <see cref="Ledger.Transfer"/> records.</summary>
    CreateTransfers = 2,
    /// <summary>
    /// Raw transfers submitted by a participant: payload is the participant id (u64) and 8 zero bytes, then <c>count</c> ×
    /// 128-byte transfers. Each may debit only the participant's own accounts, in a ledger the operator granted it.
    /// </summary>
    CreateParticipantTransfers = 3,

    // Settlement (payloads: Corridor.Core.Settlement.SettlementCodec, count items each).
    RegisterParticipant = 100,
    ChangeParticipantStatus = 101,
    RegisterLedger = 102,
    OpenSettlementAccount = 103,
    MoveLiquidity = 104,
    SetCreditLine = 105,
    SetReservation = 106,
    SetSendingLimit = 107,
    SubmitPayment = 108,
    ManageQueuedPayment = 109,
    RunLsm = 110,
    OpenNettingWindow = 111,
    CloseNettingWindow = 112,
    OpenBusinessDay = 113,
    ChangeDayPhase = 114,
    SetSettlementOptions = 115,
    /// <summary>A settlement payment with originator, beneficiary, trade reference and ISO 20022 ids: see Settlement/PaymentDetails.cs.</summary>
    SubmitPaymentWithDetails = 116,
    /// <summary>Return of a settled payment by its payee (pacs.004), see Settlement/PaymentReturns.cs.</summary>
    SubmitReturn = 117,
    /// <summary>Grants or withdraws a participant's raw access to a non-settlement ledger: see Settlement/SettlementState.LedgerAccess.cs.</summary>
    GrantLedgerAccess = 118,
    /// <summary>The operating day's schedule (cut-off and end-of-day times of day in the operator's offset): see Settlement/SettlementState.Schedule.cs.</summary>
    SetDaySchedule = 119,
    /// <summary>
    /// <see cref="SubmitPaymentWithDetails"/> (same payload) whose customer payments without the travel rule's data are refused
    /// at entry, recording nothing (<see cref="Settlement.SettlementResult.TravelRuleIncomplete"/>): the entry paths' one hand-off.
    /// Operation 116 keeps its rule (the engine records a compliance rejection), so journals replay as written.
    /// </summary>
    SubmitPaymentTravelRuleAtEntry = 120,
    /// <summary>No items: a batch that only lets time pass, so scheduled cut-offs happen on an idle node (Settlement/SettlementState.Schedule.cs).</summary>
    DayScheduleTick = 130,

    // Exchange (200–299): payloads are count × variable-length items, see Exchange/ExchangeCommands.cs.
    ConfigureCurrency = 200,
    PublishQuote = 201,
    WithdrawQuote = 202,
    LockQuote = 203,
    ReleaseLock = 204,
    PayAgainstLock = 205,
    SubmitFxTrade = 206,
    AffirmFxTrade = 207,
    CancelFxTrade = 208,
    /// <summary>Lock the best quote and pay against it in one step (ISO 20022 cross-currency pacs.008), see Exchange/PayAtBestQuote.cs.</summary>
    PayAtBestQuote = 209,
    /// <summary>PayAgainstLock with the ISO 20022 ids of the payment (MsgId, InstrId, EndToEndId, TxId, UETR): see Exchange/ExchangeCommands.cs.</summary>
    PayAgainstLockWithReferences = 210,

    // Federation (400–499): peers and cross-node payments, payloads as the exchange's, see Federation/FederationCommands.cs.
    RegisterPeer = 400,
    SendToPeer = 401,
    ReceiveFromPeer = 402,
    PeerDecision = 403,
    ExpireUnknown = 404,
    /// <summary>SendToPeer of an institution transfer (pacs.009): the bank pays for its own account, interbank cut-off.</summary>
    SendInstitutionToPeer = 405,
    /// <summary>ReceiveFromPeer of an institution transfer (pacs.009).</summary>
    ReceiveInstitutionFromPeer = 406,

    // Compliance (300–399): operator commands, payloads as the exchange's, see Compliance/ComplianceCommands.cs.
    LoadWatchList = 300,
    SetComplianceRule = 301,
    RemoveComplianceRule = 302,
    SetScreeningThreshold = 303,
    ReleaseHold = 304,
    RejectHold = 305,
    /// <summary>Registers (or changes the role of) a named operator user: see Compliance/OperatorUsers.cs.</summary>
    RegisterOperator = 306,
    /// <summary>Disables or re-enables a named operator user (administrators only; never the root user): see Compliance/OperatorUsers.cs.</summary>
    ChangeOperatorStatus = 307,
    /// <summary>Four eyes: an operator user proposes a liquidity move or a hold release, see Compliance/OperatorActs.cs.</summary>
    ProposeOperatorAct = 310,
    /// <summary>Four eyes: a second operator user approves a proposed act, which the engine then applies.</summary>
    ApproveOperatorAct = 311,
    /// <summary>Four eyes: a proposed act is declined (or withdrawn by its proposer); nothing is applied.</summary>
    DeclineOperatorAct = 312,
    /// <summary>Four eyes: an administrator requires approved acts for liquidity moves and hold releases by operator users (one-way).</summary>
    RequireFourEyes = 313,

    // Access (315–319): client-certificate bindings for mutual TLS, see Access/CertificateBindings.cs.
    /// <summary>Binds a client certificate (thumbprint, or subject + issuing CA) to a participant or an operator user.</summary>
    BindCertificate = 315,
    /// <summary>Revokes a certificate binding (or denies one thumbprint): refused from the next request on, for good.</summary>
    RevokeCertificate = 316,
}

/// <summary>A non-Ok outcome for item <c>Index</c> of a command; <c>Code</c> is the operation's result enum.</summary>
public readonly record struct ItemResult(int Index, ushort Code);

/// <summary>The engine's answer to one command: which items failed and why (all others succeeded).</summary>
public sealed record CommandReply(Operation Operation, int Count, ItemResult[] Errors, object? Data = null)
{
    public static readonly ItemResult[] NoErrors = [];

    /// <summary>For create_accounts and create_transfers: engine timestamp of item 0; item i applied at this + i.</summary>
    public ulong FirstEventTimestamp { get; init; }

    /// <summary>Sequence of the journal batch the command was applied in (set by <see cref="Engine.Apply"/>; logs and traces name it).</summary>
    public long Batch { get; internal set; }

    public bool AllOk => Errors.Length == 0;
}
