using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Core.Settlement;

/// <summary>
/// The settlement engine: participants, settlement accounts, RTGS queues with priorities, liquidity
/// management, the liquidity-saving mechanism, netting windows and the operating day. Deterministic and
/// single-threaded like the ledger it drives; money only moves through <see cref="LedgerState.CreateTransfers"/>.
/// Rules, result codes and algorithms: docs/settlement.md.
/// </summary>
public sealed partial class SettlementState
{
    public const int MaxParticipants = 100_000;
    public const int MaxSettlementAccounts = 1_000_000;
    /// <summary>Upper bound of any single amount, reservation, limit or credit line (10^18 minor units).</summary>
    public const long MaxAmountMinor = 1_000_000_000_000_000_000;
    public const int MaxPayments = 100_000_000;
    public const int MaxQueuedPerAccount = 20_000;
    public const int MaxBilateralLimitsPerAccount = 1_000;
    /// <summary>Most payments of the payee's queue considered by offsetting on entry.</summary>
    public const int MaxOffsetCandidates = 64;
    /// <summary>The event-driven LSM run is skipped for a ledger with more queued payments (run RunLsm instead).</summary>
    public const int AutoLsmMaxQueued = 4_096;
    public const int MaxWindows = 100_000;
    public const int MaxPaymentsPerWindow = 1_000_000;
    public const int MaxStatementEntries = 1_000_000;

    /// <summary>High 64 bits of ledger transfer ids the settlement engine generates ("CRDRSETL").</summary>
    public const ulong GeneratedTransferIdHigh = 0x4352_4452_5345_544C;

    private readonly LedgerState _ledger;

    private readonly List<ParticipantRecord> _participants = new();
    private readonly Dictionary<ulong, int> _participantIndex = new();
    private readonly Dictionary<string, ulong> _participantByBic = new(StringComparer.Ordinal);

    private readonly List<LedgerRecord> _ledgers = new();
    private readonly Dictionary<uint, int> _ledgerIndex = new();

    private readonly List<AccountRecord> _accounts = new();
    private readonly Dictionary<UInt128, int> _accountById = new();
    private readonly Dictionary<(ulong Participant, uint Ledger), int> _accountByOwner = new();

    private readonly ChunkedList<PaymentRecord> _payments = new(); // copy on write while a capture reads it (Payment(i) writes)
    private readonly IdIndex _paymentIndex = new(); // payment id → position in _payments; grows without copying every entry at once
    private readonly StatusTally _dayTally = new(); // the day's payments by status, for GetDayStatus (not part of the state)

    /// <summary>
    /// Party data, trade reference and ISO ids of payments submitted with details: each payment's details exactly as journaled
    /// (a slice of <see cref="_detailsBytes"/>, decoded when asked for), in payment index order — the order they were added,
    /// found by binary search, the snapshot's order, frozen by a capture. Bytes rather than ~10 objects per payment: nothing
    /// for the collector to trace and copy as the payment ages, and nothing to encode again for a snapshot.
    /// </summary>
    private readonly RecordList<(int Index, ReadOnlyMemory<byte> Encoded)> _detailsInOrder = new();
    private readonly Exchange.ByteArena _detailsBytes = new();
    private long _detailsEncodedBytes; // Σ encoded length of the details, for a capture to know its section's size
    private byte[]? _detailsScratch;

    private readonly List<WindowRecord> _windows = new();
    private readonly Dictionary<ulong, int> _windowIndex = new();

    private readonly RecordList<AccountStatement> _statements = new(); // only appended, never changed: a capture freezes it
    private long _statementsSnapshotBytes; // their size in a snapshot, for a capture to know it
    private readonly Dictionary<(uint Date, UInt128 Account), int> _statementIndex = new();

    // Derived indexes (rebuilt from payments on snapshot restore, never hashed).
    private readonly PriorityQueue<int, (ulong At, int Payment)> _scheduled = new();
    private readonly PriorityQueue<int, (ulong At, int Payment)> _deadlines = new();

    // Scratch, empty between commands.
    private readonly Queue<int> _worklist = new();
    private readonly SortedSet<uint> _lsmDirtyLedgers = new();
    private readonly List<Transfer> _chain = new();
    private readonly List<TransferError> _ledgerErrors = new();

    private SettlementOptions _options = SettlementOptions.All;
    private ulong _nextTransferSeq = 1;
    private int _queuedCount;

    // Operating day.
    private uint _businessDate;
    private DayPhase _phase = DayPhase.Closed;
    private ulong _phaseSinceNs;
    private ulong _dayStartNs;
    private int _dayFirstPayment;
    /// <summary>Start of the current statement period: the first day's open, then each end of day.</summary>
    private ulong _statementFromNs;

    public SettlementState(LedgerState ledger) => _ledger = ledger;

    /// <summary>Screens every payment before liquidity moves (set by the engine; null only in settlement-only tests).</summary>
    internal Compliance.ComplianceState? Compliance { get; set; }

    public SettlementOptions Options => _options;
    public int PaymentCount => _payments.Count;
    public int QueuedCount => _queuedCount;
    public uint BusinessDate => _businessDate;
    public DayPhase Phase => _phase;

    // ───────────────────────────── command dispatch ─────────────────────────────

    private delegate SettlementResult ItemHandler<T>(in T item, ref ulong clock);

    /// <summary>Applies one settlement command (operations 100–199); each item takes the next nanosecond.</summary>
    public CommandReply Apply(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        switch (command.Operation)
        {
            case Operation.RegisterParticipant: return Each<RegisterParticipant>(command, payload, ref clock, RegisterParticipantItem);
            case Operation.ChangeParticipantStatus: return Each<ChangeParticipantStatus>(command, payload, ref clock, ChangeParticipantStatusItem);
            case Operation.RegisterLedger: return Each<RegisterLedger>(command, payload, ref clock, RegisterLedgerItem);
            case Operation.OpenSettlementAccount: return Each<OpenSettlementAccount>(command, payload, ref clock, OpenSettlementAccountItem);
            case Operation.MoveLiquidity: return Each<MoveLiquidity>(command, payload, ref clock, MoveLiquidityItem);
            case Operation.SetCreditLine: return Each<SetCreditLine>(command, payload, ref clock, SetCreditLineItem);
            case Operation.SetReservation: return Each<SetReservation>(command, payload, ref clock, SetReservationItem);
            case Operation.SetSendingLimit: return Each<SetSendingLimit>(command, payload, ref clock, SetSendingLimitItem);
            case Operation.SubmitPayment or Operation.SubmitPaymentWithDetails or Operation.SubmitPaymentTravelRuleAtEntry: return SubmitPayments(command, payload, ref clock);
            case Operation.ManageQueuedPayment: return Each<ManageQueuedPayment>(command, payload, ref clock, ManageQueuedPaymentItem);
            case Operation.RunLsm: return RunLsmCommand(command, payload, ref clock);
            case Operation.OpenNettingWindow: return Each<OpenNettingWindow>(command, payload, ref clock, OpenWindowItem);
            case Operation.CloseNettingWindow: return CloseWindows(command, payload, ref clock);
            case Operation.OpenBusinessDay: return Each<OpenBusinessDay>(command, payload, ref clock, OpenBusinessDayItem);
            case Operation.ChangeDayPhase: return Each<ChangeDayPhase>(command, payload, ref clock, ChangeDayPhaseItem);
            case Operation.SetSettlementOptions: return Each<SetSettlementOptions>(command, payload, ref clock, SetOptionsItem);
            case Operation.SubmitReturn: return SubmitReturns(command, payload, ref clock);
            case Operation.GrantLedgerAccess: return Each<GrantLedgerAccess>(command, payload, ref clock, GrantLedgerAccessItem);
            case Operation.SetDaySchedule: return Each<SetDaySchedule>(command, payload, ref clock, SetDayScheduleItem);
            case Operation.DayScheduleTick: return Each<DayScheduleTick>(command, payload, ref clock, static (in DayScheduleTick _, ref ulong _) => SettlementResult.Ok);
            default: throw new InvalidDataException($"unknown settlement operation {(ushort)command.Operation}");
        }
    }

    private CommandReply Each<T>(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock, ItemHandler<T> handler) where T : ISettlementCommand<T>
    {
        T[] items = SettlementCodec.DecodePayload<T>(payload, command.Count);
        List<ItemResult>? errors = null;
        for (int i = 0; i < items.Length; i++)
        {
            clock++;
            SettlementResult result = handler(in items[i], ref clock);
            if (result != SettlementResult.Ok) (errors ??= new()).Add(new ItemResult(i, (ushort)result));
            ProcessWorklist(ref clock);
        }
        return new CommandReply(command.Operation, command.Count, errors?.ToArray() ?? CommandReply.NoErrors);
    }

    private SettlementResult SetOptionsItem(in SetSettlementOptions item, ref ulong clock)
    {
        // The one-way rules (screening of payments without details, credit repaid at end of day, re-try on released
        // liquidity) are kept once on, whatever the command says.
        _options = (item.Options & (SettlementOptions.Current | SettlementOptions.RefuseOpenWithOvernightCredit))
            | (_options & SettlementOptions.OneWay);
        return SettlementResult.Ok;
    }

    // ───────────────────────────── participants ─────────────────────────────

    private SettlementResult RegisterParticipantItem(in RegisterParticipant item, ref ulong clock)
    {
        if (item.ParticipantId == 0) return SettlementResult.ParticipantIdMustNotBeZero;
        if (item.Role is not (ParticipantRole.DirectParticipant or ParticipantRole.CentralBank or ParticipantRole.Operator)) return SettlementResult.InvalidRole;
        if (string.IsNullOrEmpty(item.Name)) return SettlementResult.NameMustNotBeEmpty;
        string bic = item.Bic ?? "";
        if (bic.Length != 0 && !Corridor.Core.Compliance.Identifiers.IsValidBic(bic)) return SettlementResult.InvalidBic;
        if (_participantIndex.TryGetValue(item.ParticipantId, out int existing))
        {
            ParticipantRecord e = _participants[existing];
            return e.Role == item.Role && e.Name == item.Name && e.Bic == bic
                ? SettlementResult.ParticipantAlreadyExists
                : SettlementResult.ParticipantExistsWithDifferentContent;
        }
        if (bic.Length != 0 && _participantByBic.ContainsKey(bic)) return SettlementResult.BicInUse;
        if (_participants.Count >= MaxParticipants) return SettlementResult.TooManyParticipants;
        _participantIndex.Add(item.ParticipantId, _participants.Count);
        if (bic.Length != 0) _participantByBic.Add(bic, item.ParticipantId);
        _participants.Add(new ParticipantRecord
        {
            Id = item.ParticipantId, Role = item.Role, Status = ParticipantStatus.Active, Name = item.Name, Bic = bic, RegisteredAt = clock,
        });
        return SettlementResult.Ok;
    }


    private SettlementResult ChangeParticipantStatusItem(in ChangeParticipantStatus item, ref ulong clock)
    {
        if (!_participantIndex.TryGetValue(item.ParticipantId, out int pi)) return SettlementResult.ParticipantNotFound;
        if (item.Status is not (ParticipantStatus.Active or ParticipantStatus.Suspended or ParticipantStatus.Closed)) return SettlementResult.InvalidParticipantStatus;
        ParticipantRecord p = _participants[pi];
        bool allowed = (p.Status, item.Status) switch
        {
            (ParticipantStatus.Active, ParticipantStatus.Suspended) => true,
            (ParticipantStatus.Suspended, ParticipantStatus.Active) => true,
            (ParticipantStatus.Active or ParticipantStatus.Suspended, ParticipantStatus.Closed) => true,
            _ => false,
        };
        if (!allowed) return SettlementResult.InvalidStatusTransition;
        if (item.Status == ParticipantStatus.Closed)
        {
            foreach (int a in p.Accounts)
            {
                _ledger.TryGetAccount(_accounts[a].AccountId, out Account acct);
                if (acct.BalancePosted != 0 || acct.DebitsPending != 0 || acct.CreditsPending != 0) return SettlementResult.ParticipantHasBalance;
            }
        }
        p.Status = item.Status;
        if (item.Status != ParticipantStatus.Active) RejectPaymentsOf(p.Id, SettlementResult.RejectedParticipantSuspended, ref clock);
        return SettlementResult.Ok;
    }

    // ───────────────────────────── ledgers and accounts ─────────────────────────────

    private SettlementResult RegisterLedgerItem(in RegisterLedger item, ref ulong clock)
    {
        if (item.Ledger == 0) return SettlementResult.LedgerMustNotBeZero;
        if (_ledgerIndex.ContainsKey(item.Ledger)) return SettlementResult.LedgerAlreadyRegistered;
        if (!_participantIndex.TryGetValue(item.CentralBankId, out int cbi)) return SettlementResult.ParticipantNotFound;
        ParticipantRecord cb = _participants[cbi];
        if (cb.Role != ParticipantRole.CentralBank) return SettlementResult.NotACentralBank;
        if (cb.Status != ParticipantStatus.Active) return SettlementResult.ParticipantNotActive;
        if (!ValidAccountId(item.CentralBankAccountId) || !ValidAccountId(item.ClearingAccountId) || item.CentralBankAccountId == item.ClearingAccountId)
            return SettlementResult.AccountIdInvalid;
        if (_ledger.TryGetAccount(item.CentralBankAccountId, out _) || _ledger.TryGetAccount(item.ClearingAccountId, out _)) return SettlementResult.AccountIdInUse;

        Span<Account> accounts = stackalloc Account[2];
        accounts[0] = new Account
        {
            Id = item.CentralBankAccountId, Ledger = item.Ledger, Code = SettlementAccountCode.CentralBank,
            Participant = item.CentralBankId, Flags = AccountFlags.Linked,
        };
        accounts[1] = new Account { Id = item.ClearingAccountId, Ledger = item.Ledger, Code = SettlementAccountCode.Clearing };
        var errors = new List<AccountError>();
        _ledger.CreateAccounts(accounts, ref clock, errors);
        if (errors.Count != 0) return SettlementResult.AccountIdInUse;

        _ledgerIndex.Add(item.Ledger, _ledgers.Count);
        _ledgers.Add(new LedgerRecord
        {
            Ledger = item.Ledger, CentralBank = item.CentralBankId, CentralBankAccountId = item.CentralBankAccountId,
            ClearingAccountId = item.ClearingAccountId, CurrencyCode = item.CurrencyCode ?? "",
        });
        return SettlementResult.Ok;
    }

    private static bool ValidAccountId(UInt128 id) => id != UInt128.Zero && id != UInt128.MaxValue;

    private SettlementResult OpenSettlementAccountItem(in OpenSettlementAccount item, ref ulong clock)
    {
        if (!_participantIndex.TryGetValue(item.ParticipantId, out int pi)) return SettlementResult.ParticipantNotFound;
        ParticipantRecord p = _participants[pi];
        if (p.Role != ParticipantRole.DirectParticipant) return SettlementResult.NotADirectParticipant;
        if (p.Status != ParticipantStatus.Active) return SettlementResult.ParticipantNotActive;
        if (item.Ledger == 0) return SettlementResult.LedgerMustNotBeZero;
        if (!_ledgerIndex.TryGetValue(item.Ledger, out int ledgerIndex)) return SettlementResult.LedgerNotRegistered;
        if (_accountByOwner.ContainsKey((item.ParticipantId, item.Ledger))) return SettlementResult.SettlementAccountExists;
        if (!ValidAccountId(item.AccountId)) return SettlementResult.AccountIdInvalid;
        if (_ledger.TryGetAccount(item.AccountId, out _)) return SettlementResult.AccountIdInUse;
        if (_accounts.Count >= MaxSettlementAccounts) return SettlementResult.TooManyAccounts;

        Span<Account> account = stackalloc Account[1];
        account[0] = new Account
        {
            Id = item.AccountId, Ledger = item.Ledger, Code = SettlementAccountCode.Settlement, Participant = item.ParticipantId,
            Flags = AccountFlags.DebitsMustNotExceedCredits,
        };
        var errors = new List<AccountError>();
        _ledger.CreateAccounts(account, ref clock, errors);
        if (errors.Count != 0) return SettlementResult.AccountIdInUse;

        int index = _accounts.Count;
        _accounts.Add(new AccountRecord { Index = index, Participant = item.ParticipantId, Ledger = item.Ledger, AccountId = item.AccountId });
        _accountById.Add(item.AccountId, index);
        _accountByOwner.Add((item.ParticipantId, item.Ledger), index);
        p.Accounts.Add(index);
        _ledgers[ledgerIndex].Accounts.Add(index);
        return SettlementResult.Ok;
    }

    private SettlementResult FindAccount(ulong participant, uint ledger, out AccountRecord account)
    {
        account = null!;
        if (!_participantIndex.TryGetValue(participant, out int pi)) return SettlementResult.ParticipantNotFound;
        if (_participants[pi].Status == ParticipantStatus.Closed) return SettlementResult.ParticipantNotActive;
        if (ledger == 0) return SettlementResult.LedgerMustNotBeZero;
        if (!_ledgerIndex.ContainsKey(ledger)) return SettlementResult.LedgerNotRegistered;
        if (!_accountByOwner.TryGetValue((participant, ledger), out int ai)) return SettlementResult.SettlementAccountNotFound;
        account = _accounts[ai];
        return SettlementResult.Ok;
    }

    // ───────────────────────────── liquidity ─────────────────────────────

    private SettlementResult MoveLiquidityItem(in MoveLiquidity item, ref ulong clock)
    {
        if (!ValidAccountId(item.TransferId)) return SettlementResult.TransferIdInvalid;
        if (item.Direction is not (LiquidityDirection.Inject or LiquidityDirection.Withdraw)) return SettlementResult.InvalidDirection;
        if (item.AmountMinor <= 0) return SettlementResult.AmountMustBePositive;
        if (item.AmountMinor > MaxAmountMinor) return SettlementResult.AmountTooLarge;
        SettlementResult found = FindAccount(item.ParticipantId, item.Ledger, out AccountRecord account);
        if (found != SettlementResult.Ok) return found;
        LedgerRecord ledger = _ledgers[_ledgerIndex[item.Ledger]];
        bool inject = item.Direction == LiquidityDirection.Inject;
        UInt128 debit = inject ? ledger.CentralBankAccountId : account.AccountId;
        UInt128 credit = inject ? account.AccountId : ledger.CentralBankAccountId;
        ushort code = inject ? SettlementTransferCode.LiquidityInjection : SettlementTransferCode.LiquidityWithdrawal;

        if (_ledger.TryGetTransfer(item.TransferId, out Transfer existing, out _))
            return existing.DebitAccountId == debit && existing.CreditAccountId == credit && existing.Amount == item.AmountMinor && existing.Code == code
                ? SettlementResult.AlreadyApplied : SettlementResult.TransferIdExistsWithDifferentContent;
        // The credit line is the central bank's money, and overnight credit is owed to it: only own funds beyond both can be withdrawn.
        if (!inject && Balance(account) - account.CreditLine - account.OvernightCredit < item.AmountMinor) return SettlementResult.InsufficientFunds;

        SettlementResult result = LedgerTransfer(item.TransferId, debit, credit, item.AmountMinor, item.Ledger, code, UInt128.Zero, ref clock);
        if (result == SettlementResult.Ok && inject) MarkCredited(account);
        return result;
    }

    private SettlementResult SetCreditLineItem(in SetCreditLine item, ref ulong clock)
    {
        if (!ValidAccountId(item.TransferId)) return SettlementResult.TransferIdInvalid;
        if (item.LimitMinor < 0) return SettlementResult.AmountMustNotBeNegative;
        if (item.LimitMinor > MaxAmountMinor) return SettlementResult.AmountTooLarge;
        SettlementResult found = FindAccount(item.ParticipantId, item.Ledger, out AccountRecord account);
        if (found != SettlementResult.Ok) return found;
        // Line plus overnight credit owed stays within one amount, so what end of day repays never overflows.
        if (item.LimitMinor > MaxAmountMinor - account.OvernightCredit) return SettlementResult.AmountTooLarge;
        if (_ledger.TryGetTransfer(item.TransferId, out Transfer existing, out _))
            return existing.Code == SettlementTransferCode.CreditLine && (existing.DebitAccountId == account.AccountId || existing.CreditAccountId == account.AccountId)
                ? SettlementResult.AlreadyApplied : SettlementResult.TransferIdExistsWithDifferentContent;
        long delta = item.LimitMinor - account.CreditLine;
        if (delta == 0) return SettlementResult.Ok;
        LedgerRecord ledger = _ledgers[_ledgerIndex[item.Ledger]];
        if (delta < 0 && Balance(account) < -delta) return SettlementResult.CreditLineInUse;
        SettlementResult result = delta > 0
            ? LedgerTransfer(item.TransferId, ledger.CentralBankAccountId, account.AccountId, delta, item.Ledger, SettlementTransferCode.CreditLine, UInt128.Zero, ref clock)
            : LedgerTransfer(item.TransferId, account.AccountId, ledger.CentralBankAccountId, -delta, item.Ledger, SettlementTransferCode.CreditLine, UInt128.Zero, ref clock);
        if (result != SettlementResult.Ok) return result;
        account.CreditLine = item.LimitMinor;
        if (delta > 0) MarkCredited(account);
        return SettlementResult.Ok;
    }

    private SettlementResult SetReservationItem(in SetReservation item, ref ulong clock)
    {
        if (item.UrgentReserveMinor < 0 || item.HighReserveMinor < 0) return SettlementResult.AmountMustNotBeNegative;
        if (item.UrgentReserveMinor > MaxAmountMinor || item.HighReserveMinor > MaxAmountMinor) return SettlementResult.AmountTooLarge;
        SettlementResult found = FindAccount(item.ParticipantId, item.Ledger, out AccountRecord account);
        if (found != SettlementResult.Ok) return found;
        account.UrgentReserve = item.UrgentReserveMinor;
        account.HighReserve = item.HighReserveMinor;
        MarkCredited(account); // a smaller reservation can release queued payments
        return SettlementResult.Ok;
    }

    private SettlementResult SetSendingLimitItem(in SetSendingLimit item, ref ulong clock)
    {
        if (item.LimitMinor < 0) return SettlementResult.AmountMustNotBeNegative;
        if (item.LimitMinor > MaxAmountMinor) return SettlementResult.AmountTooLarge;
        SettlementResult found = FindAccount(item.ParticipantId, item.Ledger, out AccountRecord account);
        if (found != SettlementResult.Ok) return found;
        if (item.CounterpartyId == 0) account.MultilateralLimit = item.LimitMinor;
        else
        {
            if (item.CounterpartyId == item.ParticipantId || !_participantIndex.ContainsKey(item.CounterpartyId)) return SettlementResult.InvalidCounterparty;
            if (item.LimitMinor == 0)
            {
                account.BilateralLimits.Remove(item.CounterpartyId);
                account.NetSentToday.Remove(item.CounterpartyId);
            }
            else
            {
                if (!account.BilateralLimits.ContainsKey(item.CounterpartyId) && account.BilateralLimits.Count >= MaxBilateralLimitsPerAccount)
                    return SettlementResult.TooManyLimits;
                account.BilateralLimits[item.CounterpartyId] = item.LimitMinor;
            }
        }
        MarkCredited(account); // a raised limit can release queued payments
        return SettlementResult.Ok;
    }

    // ───────────────────────────── balances and ledger access ─────────────────────────────

    /// <summary>What the account can pay now: posted credits minus posted and pending debits.</summary>
    private long Balance(AccountRecord account)
    {
        if (!_ledger.TryGetAccount(account.AccountId, out Account a)) throw new InvalidOperationException($"settlement account {account.AccountId} missing from the ledger");
        return a.AvailableMinor;
    }

    /// <summary>
    /// Liquidity usable by a payment of <paramref name="priority"/>: urgent payments use everything,
    /// high payments all but the urgent reserve, normal payments all but both reserves.
    /// </summary>
    private long Available(AccountRecord account, PaymentPriority priority)
    {
        long balance = Balance(account);
        return priority switch
        {
            PaymentPriority.Urgent => balance,
            PaymentPriority.High => balance - account.UrgentReserve,
            _ => balance - account.UrgentReserve - account.HighReserve,
        };
    }

    private UInt128 NextTransferId() => new(GeneratedTransferIdHigh, _nextTransferSeq++);

    private SettlementResult LedgerTransfer(UInt128 id, UInt128 debit, UInt128 credit, long amount, uint ledger, ushort code, UInt128 userData, ref ulong clock)
    {
        _chain.Clear();
        _chain.Add(new Transfer { Id = id, DebitAccountId = debit, CreditAccountId = credit, Amount = amount, Ledger = ledger, Code = code, UserData128 = userData });
        _ledgerErrors.Clear();
        _ledger.CreateTransfers(CollectionsMarshal.AsSpan(_chain), ref clock, _ledgerErrors);
        if (_ledgerErrors.Count == 0) return SettlementResult.Ok;
        return _ledgerErrors[0].Result switch
        {
            CreateTransferResult.ExceedsCredits => SettlementResult.InsufficientFunds,
            CreateTransferResult.IdAlreadyFailed or >= CreateTransferResult.ExistsWithDifferentFlags and <= CreateTransferResult.ExistsWithDifferentLedger
                => SettlementResult.TransferIdExistsWithDifferentContent,
            CreateTransferResult.Exists => SettlementResult.AlreadyApplied,
            _ => SettlementResult.LedgerRejected,
        };
    }

    /// <summary>Applies <see cref="_chain"/> as one linked chain; the settlement engine checked cover, so a refusal is a broken invariant.</summary>
    private void ApplyChain(ref ulong clock)
    {
        if (_chain.Count == 0) return;
        Span<Transfer> chain = CollectionsMarshal.AsSpan(_chain);
        for (int i = 0; i < chain.Length - 1; i++) chain[i].Flags |= TransferFlags.Linked;
        _ledgerErrors.Clear();
        _ledger.CreateTransfers(chain, ref clock, _ledgerErrors);
        if (_ledgerErrors.Count != 0)
        {
            TransferError first = _ledgerErrors[0];
            for (int i = 0; i < _ledgerErrors.Count; i++)
                if (_ledgerErrors[i].Result != CreateTransferResult.LinkedEventFailed) { first = _ledgerErrors[i]; break; }
            throw new InvalidOperationException($"settlement chain of {chain.Length} transfers refused by the ledger at item {first.Index}: {first.Result}");
        }
        _chain.Clear();
    }

    // ───────────────────────────── hooks called by the engine ─────────────────────────────

    /// <summary>
    /// Ledger transfers applied directly (CreateTransfers) may credit a settlement account: its queue is re-tried.
    /// </summary>
    public void OnLedgerTransfers(ReadOnlySpan<Transfer> transfers, ref ulong clock)
    {
        if (_queuedCount == 0) return;
        for (int i = 0; i < transfers.Length; i++)
        {
            ref readonly Transfer t = ref transfers[i];
            if (_accountById.TryGetValue(t.CreditAccountId, out int a)) MarkCredited(_accounts[a]);
            // Voiding (or posting less than) a pending transfer releases the liquidity it reserved on its debit account.
            if ((t.Flags & (TransferFlags.VoidPendingTransfer | TransferFlags.PostPendingTransfer)) != 0
                && (_options & SettlementOptions.RetryOnReleasedLiquidity) != 0
                && _ledger.TryGetTransfer(t.PendingId, out Transfer pending, out _)
                && _accountById.TryGetValue(pending.DebitAccountId, out int d))
                MarkCredited(_accounts[d]);
        }
        ProcessWorklist(ref clock);
    }

    /// <summary>
    /// Pending transfers expired by the ledger released the liquidity they reserved on these debit accounts: their
    /// queues are re-tried, in the order given (the ledger's expiry order), like after any other incoming liquidity.
    /// </summary>
    public void OnLiquidityReleased(List<UInt128> debitAccountIds, ref ulong clock)
    {
        if (_queuedCount == 0 || debitAccountIds.Count == 0 || (_options & SettlementOptions.RetryOnReleasedLiquidity) == 0) return;
        foreach (UInt128 id in debitAccountIds)
            if (_accountById.TryGetValue(id, out int a)) MarkCredited(_accounts[a]);
        ProcessWorklist(ref clock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref PaymentRecord Payment(int index) => ref _payments.Mut(index);

    // ───────────────────────────── internal records ─────────────────────────────

    private sealed class ParticipantRecord
    {
        public ulong Id;
        public ParticipantRole Role;
        public ParticipantStatus Status;
        public string Name = "";
        public string Bic = "";
        public ulong RegisteredAt;
        public readonly List<int> Accounts = new();
    }

    private sealed class LedgerRecord
    {
        public uint Ledger;
        public ulong CentralBank;
        public UInt128 CentralBankAccountId;
        public UInt128 ClearingAccountId;
        public string CurrencyCode = "";
        /// <summary>Settlement account indices in this ledger, in opening order.</summary>
        public readonly List<int> Accounts = new();
        public int QueuedCount;
        public long QueuedMinor;
    }

    private sealed class AccountRecord
    {
        public int Index;
        public ulong Participant;
        public uint Ledger;
        public UInt128 AccountId;
        public long CreditLine;
        /// <summary>Intraday credit not repaid at an end of day (the central bank's claim; not part of the balance).</summary>
        public long OvernightCredit;
        public long UrgentReserve;
        public long HighReserve;
        public long MultilateralLimit;
        public readonly SortedDictionary<ulong, long> BilateralLimits = new();
        /// <summary>Net debit position of the day (paid minus received) towards each counterparty with a bilateral limit, since the limit was set.</summary>
        public readonly Dictionary<ulong, long> NetSentToday = new();
        public long NetSentTotalToday;
        public long OpeningBalance;
        /// <summary>Queued payment indices per priority (Urgent, High, Normal), FIFO order.</summary>
        public readonly List<int>[] Queues = [new(), new(), new()];
        public long QueuedMinor;
        public bool InWorklist;

        public int QueuedCount => Queues[0].Count + Queues[1].Count + Queues[2].Count;
    }

    private struct PaymentRecord
    {
        public UInt128 Id;
        public ulong Payer;
        public ulong Payee;
        public uint Ledger;
        public long Amount;
        public PaymentPriority Priority;
        public PaymentPriority SubmittedPriority;
        public PaymentKind Kind;
        public ulong Earliest;
        public ulong Latest;
        public ulong WindowId;
        public PaymentStatus Status;
        public SettlementResult Reason;
        public SettlementResult SubmitResult;
        public ulong SubmittedAt;
        public ulong FinalAt;
        public uint BusinessDate;
        public int PayerAccount;
        public int PayeeAccount;
        /// <summary>The payer leg of a PvP payment: settled through <see cref="SettlementState.PvpExchange"/> (SettlementState.Pvp.cs).</summary>
        public bool Pvp;
    }

    private sealed class WindowRecord
    {
        public ulong Id;
        public uint Ledger;
        public string Name = "";
        public WindowStatus Status;
        public readonly List<int> Payments = new();
        public NetPosition[] Positions = [];
        public ulong[] Excluded = [];
        public ulong ClosedAt;
    }
}
