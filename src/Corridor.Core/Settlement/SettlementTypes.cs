namespace Corridor.Core.Settlement;

/// <summary>What a participant is in the scheme.</summary>
public enum ParticipantRole : byte
{
    /// <summary>A bank or payment provider holding settlement accounts and sending payments.</summary>
    DirectParticipant = 1,
    /// <summary>Settlement agent of a currency: issues liquidity and intraday credit from its central bank account.</summary>
    CentralBank = 2,
    /// <summary>Runs the system: may manage any queue and operate the day; holds no settlement account.</summary>
    Operator = 3,
}

/// <summary>Life cycle of a participant: Active ↔ Suspended, then Closed (terminal).</summary>
public enum ParticipantStatus : byte
{
    Active = 1,
    Suspended = 2,
    Closed = 3,
}

/// <summary>Payment priority, highest first (ECB T2: urgent, high, normal).</summary>
public enum PaymentPriority : byte
{
    Urgent = 0,
    High = 1,
    Normal = 2,
}

/// <summary>Which cut-off applies: customer payments (pacs.008) stop at the customer cut-off, interbank (pacs.009) later.</summary>
public enum PaymentKind : byte
{
    Customer = 1,
    Interbank = 2,
}

/// <summary>Where a payment stands.</summary>
public enum PaymentStatus : byte
{
    Settled = 1,
    Queued = 2,
    Rejected = 3,
    Revoked = 4,
    /// <summary>Accepted into an open netting window; settles (or is excluded) when the window closes.</summary>
    InWindow = 5,
    /// <summary>Waiting for its earliest settlement time before it enters settlement.</summary>
    Scheduled = 6,
    /// <summary>Held by compliance (watch-list potential match, unscreenable party, rule hold): no liquidity moved until an operator decides.</summary>
    Held = 7,
}

/// <summary>Phases of the operating day, in order.</summary>
public enum DayPhase : byte
{
    Closed = 0,
    Open = 1,
    CustomerCutoff = 2,
    InterbankCutoff = 3,
    EndOfDay = 4,
}

public enum LiquidityDirection : byte
{
    /// <summary>Central bank account → participant settlement account.</summary>
    Inject = 1,
    /// <summary>Participant settlement account → central bank account.</summary>
    Withdraw = 2,
}

public enum QueueAction : byte
{
    MoveToFront = 1,
    MoveToBack = 2,
    /// <summary>Place the payment just before <c>ReferencePaymentId</c> (same payer, ledger and priority).</summary>
    MoveBefore = 3,
    /// <summary>Move to the back of the <c>NewPriority</c> queue.</summary>
    ChangePriority = 4,
    /// <summary>Withdraw a queued, scheduled or in-window payment.</summary>
    Revoke = 5,
}

public enum WindowStatus : byte
{
    Open = 1,
    Settled = 2,
}

/// <summary>Switches of the liquidity-saving mechanism and of payment screening (state, set by command, hashed).</summary>
[Flags]
public enum SettlementOptions : byte
{
    None = 0,
    /// <summary>Try bilateral offsetting with the payee's queue when a payment cannot settle alone.</summary>
    OffsetOnEntry = 1 << 0,
    /// <summary>Run the multilateral LSM at the end of a SubmitPayment command that queued something.</summary>
    LsmAfterQueueing = 1 << 1,
    /// <summary>The two liquidity-saving switches (what a fresh engine starts with).</summary>
    All = OffsetOnEntry | LsmAfterQueueing,
    /// <summary>
    /// Payments without details (operation 108) pass compliance like those with details (116): a customer payment
    /// without travel-rule data is rejected. Journals written before screening existed replay with it off, so
    /// their state is rebuilt exactly; a server switches it on when it starts (journaled), and once on it can
    /// never be switched off — no command clears it.
    /// </summary>
    ScreenPaymentsWithoutDetails = 1 << 2,
    /// <summary>
    /// OpenBusinessDay is refused (<see cref="SettlementResult.OvernightCreditNotCovered"/>) while some settlement
    /// account's balance does not cover the overnight credit left from an earlier end of day. Off by default: the day
    /// opens and the uncovered rest stays overnight credit.
    /// </summary>
    RefuseOpenWithOvernightCredit = 1 << 3,
    /// <summary>
    /// At end of day intraday credit is repaid from the balance and the uncovered rest becomes overnight credit
    /// (docs/settlement.md). One-way, switched on by a server at start like <see cref="ScreenPaymentsWithoutDetails"/>:
    /// journals written before the rule existed replay to their exact state.
    /// </summary>
    CreditRepaidAtEndOfDay = 1 << 4,
    /// <summary>
    /// Liquidity released by a pending transfer that expires, is voided or is posted for less re-tries the payer's
    /// queue at once. One-way, switched on by a server at start (older journals replay as they were written).
    /// </summary>
    RetryOnReleasedLiquidity = 1 << 5,
    /// <summary>
    /// One payment path: cross-currency (PvP) payments pass the operating day and cut-offs like RTGS payments, and raw
    /// ledger transfers submitted by a participant reach only ledgers the operator granted it (never a settlement or
    /// currency ledger). One-way, switched on by a server at start; journals written before the rule replay as written.
    /// See docs/payment-lifecycle.md.
    /// </summary>
    OnePaymentPath = 1 << 6,
    /// <summary>
    /// The payer leg of a cross-currency (PvP) payment between settlement accounts enters RTGS like any payment: it waits
    /// in the payer's queue (normal priority) when the payer lacks liquidity or has urgent or high payments queued, counts
    /// against reservations and sending limits, and settles with the FX provider's leg when covered, or fails when the
    /// quote lock expires first. One-way, switched on by a server at start; journals written before replay as written.
    /// See docs/payment-lifecycle.md.
    /// </summary>
    PvpThroughRtgs = 1 << 7,
    /// <summary>The rules a server switches on at start and no command switches off again.</summary>
    OneWay = ScreenPaymentsWithoutDetails | CreditRepaidAtEndOfDay | RetryOnReleasedLiquidity | OnePaymentPath | PvpThroughRtgs,
    /// <summary>The current rules as a fresh server runs them, with liquidity saving on.</summary>
    Current = All | OneWay,
}

/// <summary>Settlement ledger transfer codes (Transfer.Code) written by the settlement engine.</summary>
public static class SettlementTransferCode
{
    /// <summary>A payment settled gross, payer → payee.</summary>
    public const ushort Payment = 10;
    /// <summary>One leg (payer → clearing or clearing → payee) of a payment settled in an offsetting/LSM set.</summary>
    public const ushort PaymentLeg = 11;
    /// <summary>A net position of a netting window (participant ↔ clearing account).</summary>
    public const ushort NetSettlement = 20;
    public const ushort LiquidityInjection = 30;
    public const ushort LiquidityWithdrawal = 31;
    public const ushort CreditLine = 32;
    /// <summary>Intraday credit repaid at end of day, or overnight credit repaid at the next open (settlement account → central bank).</summary>
    public const ushort CreditRepayment = 33;
}

/// <summary>Ledger account codes (Account.Code) created by the settlement engine.</summary>
public static class SettlementAccountCode
{
    public const ushort Settlement = 1;
    public const ushort CentralBank = 2;
    public const ushort Clearing = 3;
}

// ───────────────────────────── query results ─────────────────────────────

/// <summary>A participant as queried.</summary>
public sealed record ParticipantInfo(
    ulong Id, ParticipantRole Role, ParticipantStatus Status, string Name, ulong RegisteredAtNs,
    IReadOnlyList<SettlementAccountInfo> Accounts, string Bic = "");

/// <summary>A participant's settlement account in one ledger, with its liquidity settings.</summary>
public sealed record SettlementAccountInfo(
    ulong Participant, uint Ledger, UInt128 AccountId, long BalanceMinor, long CreditLineMinor,
    long UrgentReserveMinor, long HighReserveMinor, long MultilateralLimitMinor, int QueuedCount, long QueuedMinor,
    long NetSentTodayMinor)
{
    /// <summary>Intraday credit not repaid at an end of day: owed to the central bank until a later open or end of day repays it.</summary>
    public long OvernightCreditMinor { get; init; }
}

/// <summary>A payment and where it stands.</summary>
public sealed record PaymentInfo(
    UInt128 Id, ulong Payer, ulong Payee, uint Ledger, long AmountMinor, PaymentPriority Priority, PaymentKind Kind,
    ulong EarliestNs, ulong LatestNs, ulong WindowId, PaymentStatus Status, SettlementResult Reason,
    ulong SubmittedAtNs, ulong FinalAtNs, uint BusinessDate)
{
    /// <summary>
    /// The payer leg of a cross-currency (PvP) payment (payee: the FX provider, amount in the source currency): the
    /// exchange's payment of the same id is the payment's record; this is its place in the payer's RTGS queue.
    /// </summary>
    public bool IsPvpLeg { get; init; }

    /// <summary>Originator, beneficiary, trade reference and ISO 20022 ids, when the payment was submitted with them.</summary>
    public PaymentDetails? Details { get; init; }
}

/// <summary>Reply item of SubmitPayment: what happened to the payment at entry (or, on resubmission, now).</summary>
/// <param name="Existed">The id was taken before this command: a resubmission answered from the record, or a refused reuse.</param>
public readonly record struct PaymentOutcome(int Index, UInt128 PaymentId, PaymentStatus Status, SettlementResult Reason, bool Existed = false);

/// <summary>Net position of one participant in a set (positive = net credit, negative = net debit).</summary>
public readonly record struct NetPosition(ulong Participant, long NetMinor);

/// <summary>Outcome of one multilateral LSM run over one ledger.</summary>
public sealed record LsmResult(uint Ledger, int CandidatePayments, int SettledPayments, long SettledMinor, int RemovalSteps);

/// <summary>A netting window, its state and (once settled) its net positions and exclusions.</summary>
public sealed record WindowInfo(
    ulong WindowId, uint Ledger, string Name, WindowStatus Status, int PaymentCount, long GrossMinor,
    IReadOnlyList<NetPosition> NetPositions, IReadOnlyList<ulong> ExcludedParticipants, ulong ClosedAtNs);

/// <summary>One booked movement on a settlement account.</summary>
public readonly record struct StatementEntry(
    UInt128 TransferId, UInt128 PaymentId, long AmountMinor, bool IsCredit, ulong Counterparty, ushort Code, ulong TimestampNs);

/// <summary>A settlement account's statement for one business day (camt.053-like).</summary>
public sealed record AccountStatement(
    uint BusinessDate, ulong Participant, uint Ledger, UInt128 AccountId, long OpeningBalanceMinor,
    long ClosingBalanceMinor, IReadOnlyList<StatementEntry> Entries, bool Truncated)
{
    /// <summary>Overnight credit owed to the central bank after this end of day's repayment (0 when the intraday credit was repaid in full).</summary>
    public long OvernightCreditMinor { get; init; }
}

/// <summary>Queued payments of one ledger.</summary>
public readonly record struct QueuedTotal(uint Ledger, int Count, long AmountMinor);

/// <summary>The operating day as queried.</summary>
public sealed record DayStatus(
    uint BusinessDate, DayPhase Phase, ulong PhaseSinceNs, int Submitted, int Settled, int Queued, int Scheduled,
    int Rejected, int Revoked, int InWindow, IReadOnlyList<QueuedTotal> QueuedTotals)
{
    /// <summary>Settlement accounts owing overnight credit (intraday credit not repaid at end of day), in ledger then account opening order.</summary>
    public IReadOnlyList<OvernightCredit> OvernightCredits { get; init; } = [];
    /// <summary>Payments of the day held for compliance review (RTGS and PvP).</summary>
    public int Held { get; init; }
    /// <summary>How many of <see cref="DayStatus.Submitted"/> are cross-currency (PvP) payments.</summary>
    public int CrossCurrency { get; init; }
    /// <summary>Engine time the business day opened (0 before the first).</summary>
    public ulong DayStartNs { get; init; }
    /// <summary>The standing schedule of cut-offs (null: phases move only when an operator moves them).</summary>
    public DaySchedule? Schedule { get; init; }
    /// <summary>The business day's cut-offs under the schedule, in phase order (empty without a schedule or an open day).</summary>
    public IReadOnlyList<ScheduledCutoff> Cutoffs { get; init; } = [];
    /// <summary>The next of <see cref="Cutoffs"/> the day has not reached (null once past end of day, or without a schedule).</summary>
    public ScheduledCutoff? NextCutoff { get; init; }
}

/// <summary>Overnight credit one participant owes the central bank of one ledger (a shortfall at end of day).</summary>
public readonly record struct OvernightCredit(ulong Participant, uint Ledger, long AmountMinor);
