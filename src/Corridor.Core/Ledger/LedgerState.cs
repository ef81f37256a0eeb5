using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Corridor.Core.Ledger;

/// <summary>
/// The ledger: settlement accounts and the transfers between them. This file is the one place where
/// "how a transfer is applied" lives. Single-threaded and deterministic: every mutation comes from
/// <see cref="CreateAccounts"/>, <see cref="CreateTransfers"/> or <see cref="ExpirePending"/>, driven
/// by engine time passed in as data.
/// </summary>
public sealed class LedgerState
{
    /// <summary>Upper bound on accounts per engine; a create beyond it gets TooManyAccounts.</summary>
    public const int MaxAccounts = 16_000_000;

    /// <summary>Upper bound on stored transfers (chunk table is int-indexed).</summary>
    public const int MaxTransfers = int.MaxValue - ChunkedList<Transfer>.ChunkLength;

    private const long NanosPerSecond = 1_000_000_000;
    private const int PrefetchDistance = 8;
    private const int NoTransfer = -1;

    private readonly ChunkedList<Account> _accounts = new();
    private readonly ChunkedList<AccountLinks> _accountLinks = new();
    private readonly IdIndex _accountIndex;

    private readonly ChunkedList<Transfer> _transfers;
    private readonly ChunkedList<TransferMeta> _transferMeta;
    private readonly IdIndex _transferIndex;

    private readonly Dictionary<UInt128, FailedTransfer> _failed = new();
    private readonly ChunkedList<FailedRecord> _failedOrder = new(); // the same failures in order, for hashing and snapshots

    private readonly ChunkedList<HistoryEntry> _history = new();

    private readonly PriorityQueue<int, (ulong ExpiresAt, int Index)> _expiry = new();

    private readonly List<Undo> _undo = new();
    private bool _inChain;

    /// <summary>
    /// Transfer codes reserved for the legs the engine's own components create (exchange: 201–203). A client request
    /// may neither create a transfer with one nor post or void a pending transfer carrying one: a payee could
    /// otherwise post an FX lock's reservation without the payer's leg, breaking payment-versus-payment.
    /// </summary>
    public const ushort FirstEngineCode = 200, LastEngineCode = 299;
    private bool _engineRequest;
    private ulong _submitter; // the participant submitting raw transfers (operation 3); 0 = operator, system or engine
    private uint _submitterLedger; // the last ledger asked about in this command (0: none yet) and its answer
    private bool _submitterLedgerGranted;

    public LedgerState(int accountCapacity = 0, int transferCapacity = 0)
    {
        _accountIndex = new IdIndex(accountCapacity);
        _transferIndex = new IdIndex(transferCapacity);
        _transfers = new ChunkedList<Transfer>(transferCapacity);
        _transferMeta = new ChunkedList<TransferMeta>(transferCapacity);
    }

    public int AccountCount => _accounts.Count;
    public int TransferCount => _transfers.Count;
    public int PendingExpiryCount => _expiry.Count;

    // ───────────────────────────── create_accounts ─────────────────────────────

    /// <summary>Creates accounts; each item gets a result, non-Ok results are appended to <paramref name="errors"/>.</summary>
    public void CreateAccounts(ReadOnlySpan<Account> events, ref ulong timestamp, List<AccountError> errors)
    {
        int chainStart = -1;
        int accountsAtChainStart = 0;
        for (int i = 0; i < events.Length; i++)
        {
            ref readonly Account input = ref events[i];
            bool linked = (input.Flags & AccountFlags.Linked) != 0;
            if (linked && chainStart < 0) { chainStart = i; accountsAtChainStart = _accounts.Count; }
            timestamp++;

            CreateAccountResult result = (linked && i == events.Length - 1)
                ? CreateAccountResult.LinkedEventChainOpen
                : CreateAccount(in input, timestamp);

            if (result != CreateAccountResult.Ok && result != CreateAccountResult.Exists && chainStart >= 0)
            {
                // Roll the chain back: drop created accounts, report the failure, fail the rest.
                for (int a = _accounts.Count - 1; a >= accountsAtChainStart; a--) _accountIndex.Remove(_accounts[a].Id);
                _accounts.Truncate(accountsAtChainStart);
                _accountLinks.Truncate(accountsAtChainStart);
                for (int j = chainStart; j < i; j++) errors.Add(new AccountError(j, CreateAccountResult.LinkedEventFailed));
                errors.Add(new AccountError(i, result));
                int end = i;
                while (end < events.Length - 1 && (events[end].Flags & AccountFlags.Linked) != 0)
                {
                    end++;
                    timestamp++;
                    errors.Add(new AccountError(end, CreateAccountResult.LinkedEventFailed));
                }
                i = end;
                chainStart = -1;
                continue;
            }
            if (result != CreateAccountResult.Ok) errors.Add(new AccountError(i, result));
            if (!linked) chainStart = -1;
        }
    }

    private CreateAccountResult CreateAccount(in Account a, ulong timestamp)
    {
        if (a.Timestamp != 0) return CreateAccountResult.TimestampMustBeZero;
        if (a.Reserved != 0) return CreateAccountResult.ReservedField;
        if ((a.Flags & ~(AccountFlags.Linked | AccountFlags.DebitsMustNotExceedCredits | AccountFlags.CreditsMustNotExceedDebits | AccountFlags.History | AccountFlags.Closed)) != 0)
            return CreateAccountResult.ReservedFlag;
        if (a.Id == UInt128.Zero) return CreateAccountResult.IdMustNotBeZero;
        if (a.Id == UInt128.MaxValue) return CreateAccountResult.IdMustNotBeIntMax;
        if ((a.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0 && (a.Flags & AccountFlags.CreditsMustNotExceedDebits) != 0)
            return CreateAccountResult.FlagsAreMutuallyExclusive;
        if (a.DebitsPending != 0) return CreateAccountResult.DebitsPendingMustBeZero;
        if (a.DebitsPosted != 0) return CreateAccountResult.DebitsPostedMustBeZero;
        if (a.CreditsPending != 0) return CreateAccountResult.CreditsPendingMustBeZero;
        if (a.CreditsPosted != 0) return CreateAccountResult.CreditsPostedMustBeZero;
        if (a.Ledger == 0) return CreateAccountResult.LedgerMustNotBeZero;
        if (a.Code == 0) return CreateAccountResult.CodeMustNotBeZero;

        if (_accountIndex.TryGetValue(a.Id, out int existingIndex))
        {
            ref readonly Account e = ref _accounts[existingIndex];
            const AccountFlags Compared = ~(AccountFlags.Linked | AccountFlags.Closed);
            if ((e.Flags & Compared) != (a.Flags & Compared))
                return CreateAccountResult.ExistsWithDifferentFlags;
            if (e.UserData128 != a.UserData128) return CreateAccountResult.ExistsWithDifferentUserData128;
            if (e.UserData64 != a.UserData64) return CreateAccountResult.ExistsWithDifferentUserData64;
            if (e.UserData32 != a.UserData32) return CreateAccountResult.ExistsWithDifferentUserData32;
            if (e.Ledger != a.Ledger) return CreateAccountResult.ExistsWithDifferentLedger;
            if (e.Code != a.Code) return CreateAccountResult.ExistsWithDifferentCode;
            if (e.Participant != a.Participant) return CreateAccountResult.ExistsWithDifferentParticipant;
            return CreateAccountResult.Exists;
        }
        if (_accounts.Count >= MaxAccounts) return CreateAccountResult.TooManyAccounts;

        int index = _accounts.Count;
        ref Account stored = ref _accounts.Add();
        stored = a;
        stored.Flags &= ~AccountFlags.Linked;
        stored.Timestamp = timestamp;
        _accountLinks.Add() = new AccountLinks(NoTransfer, NoTransfer, -1, -1);
        _accountIndex.Add(a.Id, index);
        return CreateAccountResult.Ok;
    }

    // ───────────────────────────── create_transfers ─────────────────────────────

    /// <summary><see cref="CreateTransfers"/> on behalf of an engine component, which may resolve pending transfers with engine codes.</summary>
    internal void CreateEngineTransfers(ReadOnlySpan<Transfer> events, ref ulong timestamp, List<TransferError> errors)
    {
        _engineRequest = true;
        try { CreateTransfers(events, ref timestamp, errors); }
        finally { _engineRequest = false; }
    }

    /// <summary>
    /// Decides whether participant <c>p</c> may submit raw transfers in ledger <c>l</c>; set by the engine (raw ledger
    /// access lives with the settlement state). Null: participants may use no ledger.
    /// </summary>
    internal Func<ulong, uint, bool>? SubmitterMayUseLedger { get; set; }

    /// <summary>
    /// <see cref="CreateTransfers"/> submitted by participant <paramref name="participant"/> (not the operator): each transfer
    /// must debit the participant's own account in a ledger it was granted, checked in the precedence order after the
    /// accounts are found and before any balance check.
    /// </summary>
    public void CreateParticipantTransfers(ulong participant, ReadOnlySpan<Transfer> events, ref ulong timestamp, List<TransferError> errors)
    {
        if (participant == 0) throw new ArgumentOutOfRangeException(nameof(participant), "a participant transfer needs a participant");
        _submitter = participant;
        _submitterLedger = 0; // grants cannot change within one command: the last ledger's answer is remembered
        try { CreateTransfers(events, ref timestamp, errors); }
        finally { _submitter = 0; }
    }

    /// <summary>The raw-access rule for a participant's transfer (<c>_submitter</c> set).</summary>
    private CreateTransferResult SubmitterMay(in Account debit, uint ledger)
    {
        if (debit.Participant != _submitter) return CreateTransferResult.DebitAccountNotOwnedBySubmitter;
        if (ledger != _submitterLedger)
        {
            _submitterLedger = ledger;
            _submitterLedgerGranted = SubmitterMayUseLedger is not null && SubmitterMayUseLedger(_submitter, ledger);
        }
        return _submitterLedgerGranted ? CreateTransferResult.Ok : CreateTransferResult.LedgerNotGrantedToSubmitter;
    }

    /// <summary>
    /// Applies transfers in order. Linked chains (consecutive items with <see cref="TransferFlags.Linked"/>,
    /// closed by one without) apply atomically. Non-Ok results are appended to <paramref name="errors"/>.
    /// </summary>
    public void CreateTransfers(ReadOnlySpan<Transfer> events, ref ulong timestamp, List<TransferError> errors)
    {
        int chainStart = -1;
        for (int i = 0; i < events.Length; i++)
        {
            ref readonly Transfer input = ref events[i];
            bool linked = (input.Flags & TransferFlags.Linked) != 0;
            if (linked && chainStart < 0)
            {
                chainStart = i;
                _inChain = true;
                _undo.Clear();
                _undo.Add(Undo.Mark(_transfers.Count, _history.Count));
            }
            timestamp++;
            // Hide the id lookup's cache miss: start loading the slot of a transfer a few items ahead.
            if (i + PrefetchDistance < events.Length) _transferIndex.Prefetch(events[i + PrefetchDistance].Id);

            CreateTransferResult result = (linked && i == events.Length - 1)
                ? CreateTransferResult.LinkedEventChainOpen
                : CreateTransfer(in input, timestamp);

            if (chainStart >= 0 && result != CreateTransferResult.Ok && result != CreateTransferResult.Exists)
            {
                RollBackChain();
                for (int j = chainStart; j < i; j++) errors.Add(new TransferError(j, CreateTransferResult.LinkedEventFailed));
                errors.Add(new TransferError(i, result));
                int end = i;
                while (end < events.Length - 1 && (events[end].Flags & TransferFlags.Linked) != 0)
                {
                    end++;
                    timestamp++;
                    errors.Add(new TransferError(end, CreateTransferResult.LinkedEventFailed));
                }
                i = end;
                chainStart = -1;
                _inChain = false;
                continue;
            }
            if (result != CreateTransferResult.Ok) errors.Add(new TransferError(i, result));
            if (!linked && chainStart >= 0) { chainStart = -1; _inChain = false; _undo.Clear(); }
        }
        _inChain = false;
    }

    private CreateTransferResult CreateTransfer(in Transfer t, ulong timestamp)
    {
        // Validation of the item itself: no state consulted.
        if (t.Timestamp != 0) return CreateTransferResult.TimestampMustBeZero;
        if ((t.Flags & ~TransferFlags.All) != 0) return CreateTransferResult.ReservedFlag;
        if (t.Id == UInt128.Zero) return CreateTransferResult.IdMustNotBeZero;
        if (t.Id == UInt128.MaxValue) return CreateTransferResult.IdMustNotBeIntMax;

        TransferFlags phase = t.Flags & (TransferFlags.Pending | TransferFlags.PostPendingTransfer | TransferFlags.VoidPendingTransfer);
        if (phase != 0 && (phase & (phase - 1)) != 0) return CreateTransferResult.FlagsAreMutuallyExclusive;
        bool balancing = (t.Flags & (TransferFlags.BalancingDebit | TransferFlags.BalancingCredit)) != 0;
        bool resolving = (phase & (TransferFlags.PostPendingTransfer | TransferFlags.VoidPendingTransfer)) != 0;
        if (balancing && resolving) return CreateTransferResult.FlagsAreMutuallyExclusive;

        if (resolving) return ResolvePending(in t, timestamp);

        if (t.DebitAccountId == UInt128.Zero) return CreateTransferResult.DebitAccountIdMustNotBeZero;
        if (t.DebitAccountId == UInt128.MaxValue) return CreateTransferResult.DebitAccountIdMustNotBeIntMax;
        if (t.CreditAccountId == UInt128.Zero) return CreateTransferResult.CreditAccountIdMustNotBeZero;
        if (t.CreditAccountId == UInt128.MaxValue) return CreateTransferResult.CreditAccountIdMustNotBeIntMax;
        if (t.DebitAccountId == t.CreditAccountId) return CreateTransferResult.AccountsMustBeDifferent;
        if (t.PendingId != UInt128.Zero) return CreateTransferResult.PendingIdMustBeZero;
        if (phase != TransferFlags.Pending && t.TimeoutSeconds != 0) return CreateTransferResult.TimeoutReservedForPendingTransfer;
        if (t.Amount < 0) return CreateTransferResult.AmountMustNotBeNegative;
        if (t.Amount == 0) return CreateTransferResult.AmountMustNotBeZero;
        if (t.Ledger == 0) return CreateTransferResult.LedgerMustNotBeZero;
        if (t.Code == 0) return CreateTransferResult.CodeMustNotBeZero;
        if (!_engineRequest && t.Code >= FirstEngineCode && t.Code <= LastEngineCode) return CreateTransferResult.CodeReservedForEngine;

        // Idempotency: an id seen before answers with its first outcome.
        if (_transferIndex.TryGetValue(t.Id, out int existing)) return CompareExisting(in t, in _transfers[existing]);
        if (_failed.Count != 0 && _failed.TryGetValue(t.Id, out FailedTransfer failed))
            return failed.ContentHash == ContentHash(in t) ? failed.Result : CreateTransferResult.IdAlreadyFailed;

        if (!_accountIndex.TryGetValue(t.DebitAccountId, out int dr)) return Fail(in t, CreateTransferResult.DebitAccountNotFound);
        if (!_accountIndex.TryGetValue(t.CreditAccountId, out int cr)) return Fail(in t, CreateTransferResult.CreditAccountNotFound);
        ref Account debit = ref _accounts.Mut(dr);
        ref Account credit = ref _accounts.Mut(cr);
        if (debit.Ledger != credit.Ledger) return CreateTransferResult.AccountsMustHaveTheSameLedger;
        if (t.Ledger != debit.Ledger) return CreateTransferResult.TransferMustHaveTheSameLedgerAsAccounts;
        if (_submitter != 0) // only participants' raw transfers (op 3): the operator's and the engine's pay nothing here
        {
            CreateTransferResult access = SubmitterMay(in debit, t.Ledger);
            if (access != CreateTransferResult.Ok) return access; // not recorded: an authorisation refusal consumes no id
        }
        if ((debit.Flags & AccountFlags.Closed) != 0) return Fail(in t, CreateTransferResult.DebitAccountClosed);
        if ((credit.Flags & AccountFlags.Closed) != 0) return Fail(in t, CreateTransferResult.CreditAccountClosed);
        if (_transfers.Count >= MaxTransfers) return CreateTransferResult.TooManyTransfers;

        long amount = t.Amount;
        if ((t.Flags & TransferFlags.BalancingDebit) != 0)
        {
            long available = debit.CreditsPosted - debit.DebitsPosted - debit.DebitsPending;
            amount = Math.Min(amount, Math.Max(0, available));
        }
        if ((t.Flags & TransferFlags.BalancingCredit) != 0)
        {
            long room = credit.DebitsPosted - credit.CreditsPosted - credit.CreditsPending;
            amount = Math.Min(amount, Math.Max(0, room));
        }

        bool pending = phase == TransferFlags.Pending;
        ulong expiresAt = 0;
        if (pending && t.TimeoutSeconds != 0)
        {
            ulong timeoutNs = (ulong)t.TimeoutSeconds * NanosPerSecond;
            if (timestamp > ulong.MaxValue - timeoutNs) return Fail(in t, CreateTransferResult.OverflowsTimeout);
            expiresAt = timestamp + timeoutNs;
        }

        // Overflow and limit checks on both sides before anything changes.
        if (pending)
        {
            if (debit.DebitsPending > long.MaxValue - amount) return Fail(in t, CreateTransferResult.OverflowsDebitsPending);
            if (credit.CreditsPending > long.MaxValue - amount) return Fail(in t, CreateTransferResult.OverflowsCreditsPending);
        }
        else
        {
            if (debit.DebitsPosted > long.MaxValue - amount) return Fail(in t, CreateTransferResult.OverflowsDebitsPosted);
            if (credit.CreditsPosted > long.MaxValue - amount) return Fail(in t, CreateTransferResult.OverflowsCreditsPosted);
        }
        if (debit.DebitsPending + debit.DebitsPosted > long.MaxValue - amount) return Fail(in t, CreateTransferResult.OverflowsDebits);
        if (credit.CreditsPending + credit.CreditsPosted > long.MaxValue - amount) return Fail(in t, CreateTransferResult.OverflowsCredits);
        if ((debit.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0
            && debit.DebitsPending + debit.DebitsPosted + amount > debit.CreditsPosted)
            return Fail(in t, CreateTransferResult.ExceedsCredits);
        if ((credit.Flags & AccountFlags.CreditsMustNotExceedDebits) != 0
            && credit.CreditsPending + credit.CreditsPosted + amount > credit.DebitsPosted)
            return Fail(in t, CreateTransferResult.ExceedsDebits);

        // Apply.
        if (_inChain) { SaveAccount(dr); SaveAccount(cr); }
        if (pending) { debit.DebitsPending += amount; credit.CreditsPending += amount; }
        else { debit.DebitsPosted += amount; credit.CreditsPosted += amount; }

        int index = Store(in t, amount, timestamp, dr, cr, pending ? PendingStatus.Pending : PendingStatus.None, expiresAt);
        if (expiresAt != 0) _expiry.Enqueue(index, (expiresAt, index));
        RecordHistory(dr, timestamp);
        RecordHistory(cr, timestamp);
        return CreateTransferResult.Ok;
    }

    private CreateTransferResult ResolvePending(in Transfer t, ulong timestamp)
    {
        bool post = (t.Flags & TransferFlags.PostPendingTransfer) != 0;
        if (t.PendingId == UInt128.Zero) return CreateTransferResult.PendingIdMustNotBeZero;
        if (t.PendingId == UInt128.MaxValue) return CreateTransferResult.PendingIdMustNotBeIntMax;
        if (t.PendingId == t.Id) return CreateTransferResult.PendingIdMustBeDifferent;
        if (t.TimeoutSeconds != 0) return CreateTransferResult.TimeoutReservedForPendingTransfer;
        if (t.Amount < 0) return CreateTransferResult.AmountMustNotBeNegative;

        if (_transferIndex.TryGetValue(t.Id, out int existing)) return CompareExisting(in t, in _transfers[existing]);
        if (_failed.Count != 0 && _failed.TryGetValue(t.Id, out FailedTransfer failed))
            return failed.ContentHash == ContentHash(in t) ? failed.Result : CreateTransferResult.IdAlreadyFailed;

        if (!_transferIndex.TryGetValue(t.PendingId, out int pi)) return Fail(in t, CreateTransferResult.PendingTransferNotFound);
        ref readonly Transfer p = ref _transfers[pi];
        ref TransferMeta pMeta = ref _transferMeta.Mut(pi);
        if ((p.Flags & TransferFlags.Pending) == 0) return Fail(in t, CreateTransferResult.PendingTransferNotPending);
        if (_submitter != 0)
        {
            _accountIndex.TryGetValue(p.DebitAccountId, out int pendingDebit);
            CreateTransferResult access = SubmitterMay(in _accounts[pendingDebit], p.Ledger);
            if (access != CreateTransferResult.Ok) return access;
        }
        if (!_engineRequest && p.Code >= FirstEngineCode && p.Code <= LastEngineCode) return Fail(in t, CreateTransferResult.PendingTransferOwnedByEngine);
        if (t.DebitAccountId != UInt128.Zero && t.DebitAccountId != p.DebitAccountId) return Fail(in t, CreateTransferResult.PendingTransferHasDifferentDebitAccountId);
        if (t.CreditAccountId != UInt128.Zero && t.CreditAccountId != p.CreditAccountId) return Fail(in t, CreateTransferResult.PendingTransferHasDifferentCreditAccountId);
        if (t.Ledger != 0 && t.Ledger != p.Ledger) return Fail(in t, CreateTransferResult.PendingTransferHasDifferentLedger);
        if (t.Code != 0 && t.Code != p.Code) return Fail(in t, CreateTransferResult.PendingTransferHasDifferentCode);

        long amount = t.Amount == 0 ? p.Amount : t.Amount;
        if (amount > p.Amount) return Fail(in t, CreateTransferResult.ExceedsPendingTransferAmount);
        if (!post && amount != p.Amount) return Fail(in t, CreateTransferResult.PendingTransferHasDifferentAmount);

        switch (pMeta.Status)
        {
            case PendingStatus.Posted: return Fail(in t, CreateTransferResult.PendingTransferAlreadyPosted);
            case PendingStatus.Voided: return Fail(in t, CreateTransferResult.PendingTransferAlreadyVoided);
            case PendingStatus.Expired: return Fail(in t, CreateTransferResult.PendingTransferExpired);
        }
        Debug.Assert(pMeta.Status == PendingStatus.Pending);
        if (pMeta.ExpiresAt != 0 && pMeta.ExpiresAt <= timestamp) return Fail(in t, CreateTransferResult.PendingTransferExpired);
        if (_transfers.Count >= MaxTransfers) return CreateTransferResult.TooManyTransfers;

        int dr = pMeta.DebitAccountIndex, cr = pMeta.CreditAccountIndex;
        ref Account debit = ref _accounts.Mut(dr);
        ref Account credit = ref _accounts.Mut(cr);
        if (post)
        {
            if (debit.DebitsPosted > long.MaxValue - amount) return Fail(in t, CreateTransferResult.OverflowsDebitsPosted);
            if (credit.CreditsPosted > long.MaxValue - amount) return Fail(in t, CreateTransferResult.OverflowsCreditsPosted);
        }

        if (_inChain) { SaveAccount(dr); SaveAccount(cr); _undo.Add(Undo.Status(pi, pMeta.Status)); }
        debit.DebitsPending -= p.Amount;
        credit.CreditsPending -= p.Amount;
        if (post) { debit.DebitsPosted += amount; credit.CreditsPosted += amount; }
        pMeta.Status = post ? PendingStatus.Posted : PendingStatus.Voided;

        Transfer record = t;
        record.DebitAccountId = p.DebitAccountId;
        record.CreditAccountId = p.CreditAccountId;
        record.Ledger = p.Ledger;
        record.Code = p.Code;
        Store(in record, amount, timestamp, dr, cr, PendingStatus.None, 0);
        RecordHistory(dr, timestamp);
        RecordHistory(cr, timestamp);
        return CreateTransferResult.Ok;
    }

    private int Store(in Transfer t, long amount, ulong timestamp, int dr, int cr, PendingStatus status, ulong expiresAt)
    {
        int index = _transfers.Count;
        ref Transfer stored = ref _transfers.Add();
        stored = t;
        stored.Amount = amount;
        stored.Timestamp = timestamp;
        _transferMeta.Add() = new TransferMeta(dr, cr, NoTransfer, NoTransfer, expiresAt, status);
        _transferIndex.Add(t.Id, index);
        Link(dr, index);
        Link(cr, index);
        return index;
    }

    /// <summary>Appends the transfer to the account's time-ordered chain of transfers.</summary>
    private void Link(int account, int transfer)
    {
        ref AccountLinks links = ref _accountLinks.Mut(account);
        if (_inChain) _undo.Add(Undo.Links(account, links));
        if (links.LastTransfer == NoTransfer) links.FirstTransfer = transfer;
        else
        {
            ref TransferMeta last = ref _transferMeta.Mut(links.LastTransfer);
            if (last.DebitAccountIndex == account) last.NextForDebit = transfer; else last.NextForCredit = transfer;
        }
        links.LastTransfer = transfer;
    }

    private void RecordHistory(int account, ulong timestamp)
    {
        ref readonly Account a = ref _accounts[account];
        if ((a.Flags & AccountFlags.History) == 0) return;
        ref AccountLinks links = ref _accountLinks.Mut(account);
        if (_inChain) _undo.Add(Undo.Links(account, links));
        int index = _history.Count;
        _history.Add() = new HistoryEntry(
            new AccountBalance(timestamp, a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted), -1);
        if (links.LastHistory < 0) links.FirstHistory = index;
        else _history.Mut(links.LastHistory).Next = index;
        links.LastHistory = index;
    }

    private static CreateTransferResult CompareExisting(in Transfer t, in Transfer e)
    {
        if ((t.Flags & ~TransferFlags.Linked) != (e.Flags & ~TransferFlags.Linked)) return CreateTransferResult.ExistsWithDifferentFlags;
        bool resolving = (t.Flags & (TransferFlags.PostPendingTransfer | TransferFlags.VoidPendingTransfer)) != 0;
        if (resolving)
        {
            if (t.DebitAccountId != UInt128.Zero && t.DebitAccountId != e.DebitAccountId) return CreateTransferResult.ExistsWithDifferentDebitAccountId;
            if (t.CreditAccountId != UInt128.Zero && t.CreditAccountId != e.CreditAccountId) return CreateTransferResult.ExistsWithDifferentCreditAccountId;
            if (t.Amount != 0 && t.Amount != e.Amount) return CreateTransferResult.ExistsWithDifferentAmount;
        }
        else
        {
            if (t.DebitAccountId != e.DebitAccountId) return CreateTransferResult.ExistsWithDifferentDebitAccountId;
            if (t.CreditAccountId != e.CreditAccountId) return CreateTransferResult.ExistsWithDifferentCreditAccountId;
            bool balancing = (t.Flags & (TransferFlags.BalancingDebit | TransferFlags.BalancingCredit)) != 0;
            if (balancing ? t.Amount < e.Amount : t.Amount != e.Amount) return CreateTransferResult.ExistsWithDifferentAmount;
        }
        if (t.PendingId != e.PendingId) return CreateTransferResult.ExistsWithDifferentPendingId;
        if (t.UserData128 != e.UserData128) return CreateTransferResult.ExistsWithDifferentUserData128;
        if (t.UserData64 != e.UserData64) return CreateTransferResult.ExistsWithDifferentUserData64;
        if (t.UserData32 != e.UserData32) return CreateTransferResult.ExistsWithDifferentUserData32;
        if (t.TimeoutSeconds != e.TimeoutSeconds) return CreateTransferResult.ExistsWithDifferentTimeout;
        if (t.Code != 0 && t.Code != e.Code) return CreateTransferResult.ExistsWithDifferentCode;
        if (t.Ledger != 0 && t.Ledger != e.Ledger) return CreateTransferResult.ExistsWithDifferentLedger;
        return CreateTransferResult.Exists;
    }

    /// <summary>
    /// Remembers a state-dependent failure so that resubmitting the same id gives the same answer even
    /// after the state changed (idempotency). Failures inside a linked chain are not remembered: the
    /// chain as a whole failed and may be retried.
    /// </summary>
    private CreateTransferResult Fail(in Transfer t, CreateTransferResult result)
    {
        if (!_inChain)
        {
            ulong content = ContentHash(in t);
            _failed.Add(t.Id, new FailedTransfer(result, content));
            _failedOrder.Add() = new FailedRecord(t.Id, content, result);
        }
        return result;
    }

    private static ulong ContentHash(in Transfer t) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes(new ReadOnlySpan<Transfer>(in t)));

    // ───────────────────────────── linked-chain undo ─────────────────────────────

    private void SaveAccount(int index) => _undo.Add(Undo.AccountImage(index, _accounts[index]));

    private void RollBackChain()
    {
        Debug.Assert(_undo.Count > 0 && _undo[0].Kind == UndoKind.Mark);
        for (int u = _undo.Count - 1; u >= 1; u--)
        {
            Undo undo = _undo[u];
            switch (undo.Kind)
            {
                case UndoKind.Account: _accounts.Mut(undo.Index) = undo.Account; break;
                case UndoKind.Links: _accountLinks.Mut(undo.Index) = undo.LinksImage; break;
                case UndoKind.Status: _transferMeta.Mut(undo.Index).Status = undo.StatusImage; break;
                default: throw new InvalidOperationException("corrupt undo log");
            }
        }
        Undo mark = _undo[0];
        for (int i = _transfers.Count - 1; i >= mark.Index; i--) _transferIndex.Remove(_transfers[i].Id);
        // Links of surviving transfers may point into the dropped tail; cut them.
        _transfers.Truncate(mark.Index);
        _transferMeta.Truncate(mark.Index);
        _history.Truncate(mark.HistoryCount);
        for (int u = 1; u < _undo.Count; u++)
        {
            if (_undo[u].Kind != UndoKind.Links) continue;
            ref AccountLinks links = ref _accountLinks.Mut(_undo[u].Index);
            if (links.LastTransfer != NoTransfer)
            {
                ref TransferMeta last = ref _transferMeta.Mut(links.LastTransfer);
                if (last.DebitAccountIndex == _undo[u].Index && last.NextForDebit >= mark.Index) last.NextForDebit = NoTransfer;
                if (last.CreditAccountIndex == _undo[u].Index && last.NextForCredit >= mark.Index) last.NextForCredit = NoTransfer;
            }
            if (links.LastHistory >= 0 && _history[links.LastHistory].Next >= mark.HistoryCount) _history.Mut(links.LastHistory).Next = -1;
        }
        _undo.Clear();
    }

    // ───────────────────────────── time ─────────────────────────────

    /// <summary>Voids every pending transfer whose timeout is at or before <paramref name="now"/>.</summary>
    public int ExpirePending(ulong now) => ExpirePending(now, null);

    /// <summary>
    /// Voids every pending transfer whose timeout is at or before <paramref name="now"/>, adding the debit account of
    /// each (whose reserved liquidity is released) to <paramref name="releasedDebitAccounts"/> in expiry order.
    /// </summary>
    public int ExpirePending(ulong now, List<UInt128>? releasedDebitAccounts)
    {
        int expired = 0;
        while (_expiry.TryPeek(out int index, out var key) && key.ExpiresAt <= now)
        {
            _expiry.Dequeue();
            if (index >= _transferMeta.Count) continue; // stale: its chain was rolled back
            ref TransferMeta meta = ref _transferMeta.Mut(index);
            if (meta.Status != PendingStatus.Pending || meta.ExpiresAt != key.ExpiresAt) continue;
            ref readonly Transfer p = ref _transfers[index];
            _accounts.Mut(meta.DebitAccountIndex).DebitsPending -= p.Amount;
            _accounts.Mut(meta.CreditAccountIndex).CreditsPending -= p.Amount;
            meta.Status = PendingStatus.Expired;
            releasedDebitAccounts?.Add(p.DebitAccountId);
            RecordHistory(meta.DebitAccountIndex, key.ExpiresAt);
            RecordHistory(meta.CreditAccountIndex, key.ExpiresAt);
            expired++;
        }
        return expired;
    }

    // ───────────────────────────── lookups ─────────────────────────────

    public bool TryGetAccount(UInt128 id, out Account account)
    {
        if (_accountIndex.TryGetValue(id, out int index)) { account = _accounts[index]; return true; }
        account = default;
        return false;
    }

    public bool TryGetTransfer(UInt128 id, out Transfer transfer, out PendingStatus status)
    {
        if (_transferIndex.TryGetValue(id, out int index))
        {
            transfer = _transfers[index];
            status = _transferMeta[index].Status;
            return true;
        }
        transfer = default;
        status = PendingStatus.None;
        return false;
    }

    /// <summary>The account at <paramref name="index"/> in creation order (projections walk accounts by index).</summary>
    public ref readonly Account GetAccountAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _accounts.Count);
        return ref _accounts[index];
    }

    /// <summary>
    /// The transfer at <paramref name="index"/> in apply order. Between batches transfers are append-only, so a
    /// projection reads the new ones as indexes from its previous <see cref="TransferCount"/> to the current one.
    /// </summary>
    public ref readonly Transfer GetTransferAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _transfers.Count);
        return ref _transfers[index];
    }

    /// <summary>Transfers touching the account, oldest first, with timestamp ≥ <paramref name="fromTimestamp"/>, at most <paramref name="limit"/>.</summary>
    public List<Transfer> GetAccountTransfers(UInt128 accountId, ulong fromTimestamp, int limit)
    {
        var result = new List<Transfer>();
        if (limit <= 0 || !_accountIndex.TryGetValue(accountId, out int account)) return result;
        int t = _accountLinks[account].FirstTransfer;
        while (t != NoTransfer && result.Count < limit)
        {
            ref readonly Transfer transfer = ref _transfers[t];
            if (transfer.Timestamp >= fromTimestamp) result.Add(transfer);
            ref readonly TransferMeta meta = ref _transferMeta[t];
            t = meta.DebitAccountIndex == account ? meta.NextForDebit : meta.NextForCredit;
        }
        return result;
    }

    /// <summary>Balance history of an account with <see cref="AccountFlags.History"/>, oldest first.</summary>
    public List<AccountBalance> GetAccountBalances(UInt128 accountId, ulong fromTimestamp, int limit)
    {
        var result = new List<AccountBalance>();
        if (limit <= 0 || !_accountIndex.TryGetValue(accountId, out int account)) return result;
        for (int h = _accountLinks[account].FirstHistory; h >= 0 && result.Count < limit; h = _history[h].Next)
        {
            if (_history[h].Balance.Timestamp >= fromTimestamp) result.Add(_history[h].Balance);
        }
        return result;
    }

    /// <summary>All accounts in creation order (for statements, invariant checks and snapshots).</summary>
    public IEnumerable<Account> Accounts()
    {
        for (int i = 0; i < _accounts.Count; i++) yield return _accounts[i];
    }

    // ───────────────────────────── hashing and snapshots ─────────────────────────────

    /// <summary>Feeds every piece of ledger state, in a canonical order, into <paramref name="hash"/>.</summary>
    public void HashInto(XxHash128 hash) => new LedgerView(this, frozen: false, plan: null, withIndex: false).HashInto(hash); // the id table is not hashed: leave it (and a side table being moved into it) alone

    public void WriteSnapshot(BinaryWriter w) => View(frozen: false).WriteSnapshot(w);

    /// <summary>
    /// The ledger as it is now, for another thread to hash and write while this one goes on applying batches (a snapshot
    /// written off the engine thread). Costs a copy of each list's chunk table, not of the items: a chunk the ledger writes
    /// to while the view is in use is copied first. Release the view when done; one at a time.
    /// </summary>
    public LedgerView Freeze() => Freeze(incremental: false, otherBytes: 0, MaxDeltaFraction);

    /// <summary>
    /// As <see cref="Freeze()"/>; with <paramref name="incremental"/> the view is a delta against the ledger's snapshot base
    /// (<see cref="SnapshotBaseFile"/>) when the rule allows it (<see cref="MaxDeltaFraction"/>): it then writes only the chunks
    /// changed or appended since the base. <paramref name="otherBytes"/>: what the snapshot holds beside the ledger.
    /// A full view becomes the next base once the file it is written to is durable (<see cref="LedgerView.Written"/>).
    /// <paramref name="maxDeltaFraction"/>: the rule's fraction (<see cref="MaxDeltaFraction"/> unless a test or the simulator
    /// wants deltas of small states, which hold every item since no list spans a whole chunk).
    /// </summary>
    public LedgerView Freeze(bool incremental, long otherBytes, double maxDeltaFraction)
    {
        PromoteSnapshotBase();
        DeltaPlan? plan = incremental ? PlanDelta(otherBytes, maxDeltaFraction) : null;
        var view = new LedgerView(this, frozen: true, plan);
        if (plan is null)
        {
            var layout = new SnapshotBase();
            layout.SetEpochs(this);
            view.Layout = layout;
            _candidate = layout;
        }
        return view;
    }

    /// <summary>The ledger as it is now, to read on the engine's thread before the next batch (nothing is copied on write for it).</summary>
    public LedgerView View() => View(frozen: false);

    private LedgerView View(bool frozen) => new(this, frozen, plan: null);

    // ───────────────────────────── incremental snapshots ─────────────────────────────

    /// <summary>
    /// A delta snapshot is written only when its bytes (the chunks changed or appended since its base, and everything
    /// written whole) come to at most this fraction of its base's content; else a full snapshot, which becomes the next
    /// base. So a restart reads at most 1.25 times a full snapshot, and a chain is never longer than one delta on one base.
    /// </summary>
    public const double MaxDeltaFraction = 0.25;

    private const int ListCount = 5; // in snapshot order: accounts, their links, transfers, transfer metadata, balance history
    private SnapshotBase? _base; // the full snapshot file the next delta would refer to
    private SnapshotBase? _candidate; // a full snapshot captured, not yet known to be durable

    /// <summary>The full snapshot file a delta written now would refer to (the newest full snapshot this state was written to or restored from), or null.</summary>
    public Engine.SnapshotFileId? SnapshotBaseFile
    {
        get
        {
            PromoteSnapshotBase();
            return _base?.File;
        }
    }

    /// <summary>Forgets the snapshot base: the next snapshot is full (a state that will be written to another store than it came from).</summary>
    public void ForgetSnapshotBase() => (_base, _candidate) = (null, null);

    private void PromoteSnapshotBase()
    {
        if (_candidate is { File: not null }) (_base, _candidate) = (_candidate, null);
    }

    private DeltaPlan? PlanDelta(long otherBytes, double maxDeltaFraction)
    {
        SnapshotBase? b = _base;
        if (b?.File is null) return null;
        // The id table is not in a delta: it is the base's plus the ids of the transfers appended since (a transfer's id maps
        // to its index, nothing else is in it between batches). Ids land at random, so the table's changed pages would be
        // most of it after a few per cent more transfers. A table that grew since the base grows again after a restore, when
        // the ids added reach its limit (as it did here), in the run, not at the restart.
        if (b.IndexCount != b.Count[2]) return null;
        var fromBase = new bool[ListCount][];
        long bytes = otherBytes + (long)_failedOrder.Count * 25;
        if (!Plan(_accounts, b, 0, fromBase, ref bytes) || !Plan(_accountLinks, b, 1, fromBase, ref bytes) || !Plan(_transfers, b, 2, fromBase, ref bytes)
            || !Plan(_transferMeta, b, 3, fromBase, ref bytes) || !Plan(_history, b, 4, fromBase, ref bytes))
            return null;
        if (bytes > b.ContentBytes * maxDeltaFraction) return null;
        return new DeltaPlan(b, fromBase);
    }

    /// <summary>Which chunks of <paramref name="list"/> are unchanged since the base (and whole in it); adds the bytes the delta holds.</summary>
    private static bool Plan<T>(ChunkedList<T> list, SnapshotBase b, int i, bool[][] fromBase, ref long bytes) where T : unmanaged
    {
        if (list.Count < b.Count[i]) return false;
        int chunks = list.ChunkCount, baseFull = b.Count[i] >> ChunkedList<T>.ChunkShift;
        var flags = new bool[chunks];
        long referenced = 0;
        for (int c = 0; c < chunks && c < baseFull; c++)
            if (!list.ChangedSince(c, b.Epoch[i])) { flags[c] = true; referenced++; }
        bytes += ((long)list.Count - (referenced << ChunkedList<T>.ChunkShift)) * Unsafe.SizeOf<T>() + chunks + 12;
        fromBase[i] = flags;
        return true;
    }

    /// <summary>
    /// Where a full snapshot file holds the ledger's large sections (content offsets), how many items each held, and the
    /// epoch of each list when it was captured (a chunk written since has <see cref="ChunkedList{T}.ChangedSince"/>);
    /// <see cref="File"/> once the file is durable.
    /// </summary>
    internal sealed class SnapshotBase
    {
        public readonly long[] Offset = new long[ListCount];
        public readonly int[] Count = new int[ListCount];
        public readonly int[] Epoch = new int[ListCount];
        public readonly FileSources?[] Sources = new FileSources?[ListCount]; // set by a mapped restore only (see FinishRestore)
        public long IndexOffset;
        public int IndexCapacity;
        public int IndexCount;
        public long ContentBytes;
        private volatile StrongBox<Engine.SnapshotFileId>? _file; // set by the writer's thread, read by the engine's

        public Engine.SnapshotFileId? File
        {
            get => _file?.Value;
            set => _file = value is { } v ? new StrongBox<Engine.SnapshotFileId>(v) : null;
        }

        public void SetEpochs(LedgerState ledger)
        {
            (Epoch[0], Epoch[1], Epoch[2]) = (ledger._accounts.Epoch, ledger._accountLinks.Epoch, ledger._transfers.Epoch);
            (Epoch[3], Epoch[4]) = (ledger._transferMeta.Epoch, ledger._history.Epoch);
        }
    }

    /// <summary>A delta to write: its base, and per list which chunks are the base's (not written).</summary>
    internal sealed record DeltaPlan(SnapshotBase Base, bool[][] FromBase);

    /// <summary>
    /// A read-only image of a ledger: what <see cref="HashInto"/> hashes and <see cref="WriteSnapshot"/> writes, from views
    /// of its lists (<see cref="Freeze"/>). Safe to use from any thread while the ledger goes on.
    /// </summary>
    public sealed class LedgerView
    {
        private readonly ChunkedView<Account> _accounts;
        private readonly ChunkedView<AccountLinks> _links;
        private readonly ChunkedView<Transfer> _transfers;
        private readonly ChunkedView<TransferMeta> _meta;
        private readonly ChunkedView<FailedRecord> _failed;
        private readonly ChunkedView<HistoryEntry> _history;
        private readonly IdIndex.IdIndexView? _transferIndex;

        private readonly DeltaPlan? _plan;

        internal LedgerView(LedgerState ledger, bool frozen, DeltaPlan? plan, bool withIndex = true)
        {
            _plan = plan;
            if (frozen)
            {
                (_accounts, _links, _transfers) = (ledger._accounts.Freeze(), ledger._accountLinks.Freeze(), ledger._transfers.Freeze());
                (_meta, _failed, _history) = (ledger._transferMeta.Freeze(), ledger._failedOrder.Freeze(), ledger._history.Freeze());
                _transferIndex = plan is null ? ledger._transferIndex.Freeze() : null; // a delta holds no id table (see PlanDelta)
            }
            else
            {
                (_accounts, _links, _transfers) = (ledger._accounts.View(), ledger._accountLinks.View(), ledger._transfers.View());
                (_meta, _failed, _history) = (ledger._transferMeta.View(), ledger._failedOrder.View(), ledger._history.View());
                _transferIndex = withIndex ? ledger._transferIndex.View() : null;
            }
        }

        /// <summary>Transfers in the view.</summary>
        public int TransferCount => _transfers.Count;

        /// <summary>Lets the ledger write in place again (no more copies for this view). The view must not be read after.</summary>
        public void Release()
        {
            _accounts.Release(); _links.Release(); _transfers.Release(); _meta.Release(); _failed.Release(); _history.Release();
            _transferIndex?.Release();
        }

        /// <summary>Whether this view writes a delta (engine format 17) rather than the whole ledger.</summary>
        public bool IsDelta => _plan is not null;

        /// <summary>The base file a delta refers to.</summary>
        public Engine.SnapshotFileId? BaseFile => _plan?.Base.File;

        /// <summary>Filled while a full view is written: where its large sections lie; the ledger's next base once durable.</summary>
        internal SnapshotBase? Layout { get; set; }

        /// <summary>The snapshot written from this view is durable as <paramref name="file"/> with <paramref name="contentBytes"/> of content: a full one becomes the ledger's base.</summary>
        public void Written(Engine.SnapshotFileId file, long contentBytes)
        {
            if (Layout is not { } layout) return;
            layout.ContentBytes = contentBytes;
            layout.File = file;
        }

        public void HashInto(XxHash128 hash) => HashInto(hash, baseFiles: null);

        /// <summary>
        /// As <see cref="HashInto(XxHash128)"/>; a delta with <paramref name="baseFiles"/> (its base's file, read with pread)
        /// reads the chunks unchanged since the base from that file instead of through memory: after a restart those chunks
        /// lie in mapped pages not touched since, and one pass over gigabytes reads faster so on this VM.
        /// </summary>
        internal void HashInto(XxHash128 hash, Engine.ISnapshotFiles? baseFiles)
        {
            DeltaPlan? plan = baseFiles is null ? null : _plan;
            byte[]? buffer = plan is null ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                HashSegments(hash, _accounts, plan, 0, baseFiles, buffer);
                HashSegments(hash, _transfers, plan, 2, baseFiles, buffer);
                // The streaming hash sees the same bytes however they are chunked; gather small fields into a buffer.
                byte[] statuses = new byte[ChunkedList<TransferMeta>.ChunkLength];
                for (int c = 0; c < _meta.ChunkCount; c++)
                {
                    if (plan is not null && plan.FromBase[3][c])
                    {
                        int perPiece = buffer!.Length / Unsafe.SizeOf<TransferMeta>();
                        for (int done = 0; done < ChunkedList<TransferMeta>.ChunkLength;)
                        {
                            int n = Math.Min(perPiece, ChunkedList<TransferMeta>.ChunkLength - done);
                            Span<byte> bytes = buffer.AsSpan(0, n * Unsafe.SizeOf<TransferMeta>());
                            baseFiles!.ReadAt(true, plan.Base.Offset[3] + ((long)c << ChunkedList<TransferMeta>.ChunkShift) * Unsafe.SizeOf<TransferMeta>() + (long)done * Unsafe.SizeOf<TransferMeta>(), bytes);
                            ReadOnlySpan<TransferMeta> metas = MemoryMarshal.Cast<byte, TransferMeta>(bytes);
                            for (int k = 0; k < metas.Length; k++) statuses[k] = (byte)metas[k].Status;
                            hash.Append(statuses.AsSpan(0, metas.Length));
                            done += n;
                        }
                        continue;
                    }
                    ReadOnlySpan<TransferMeta> segment = _meta.Segment(c);
                    for (int k = 0; k < segment.Length; k++) statuses[k] = (byte)segment[k].Status;
                    hash.Append(statuses.AsSpan(0, segment.Length));
                }
            }
            finally
            {
                if (buffer is not null) System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
            for (int c = 0; c < _failed.ChunkCount; c++) HashFailed(hash, _failed.Segment(c));
            const int BalancesPerChunk = 128;
            Span<AccountBalance> balances = stackalloc AccountBalance[BalancesPerChunk];
            int held = 0;
            for (int c = 0; c < _history.ChunkCount; c++)
                foreach (var entry in _history.Segment(c))
                {
                    balances[held++] = entry.Balance;
                    if (held == BalancesPerChunk) { hash.Append(MemoryMarshal.AsBytes(balances)); held = 0; }
                }
            hash.Append(MemoryMarshal.AsBytes(balances[..held]));
        }

        private static void HashSegments<T>(XxHash128 hash, ChunkedView<T> list, DeltaPlan? plan, int i, Engine.ISnapshotFiles? baseFiles, byte[]? buffer) where T : unmanaged
        {
            for (int c = 0; c < list.ChunkCount; c++)
            {
                if (plan is not null && plan.FromBase[i][c])
                {
                    long at = plan.Base.Offset[i] + ((long)c << ChunkedList<T>.ChunkShift) * Unsafe.SizeOf<T>();
                    long left = (long)ChunkedList<T>.ChunkLength * Unsafe.SizeOf<T>();
                    for (long done = 0; done < left;)
                    {
                        int n = (int)Math.Min(buffer!.Length, left - done);
                        baseFiles!.ReadAt(true, at + done, buffer.AsSpan(0, n));
                        hash.Append(buffer.AsSpan(0, n));
                        done += n;
                    }
                }
                else hash.Append(MemoryMarshal.AsBytes(list.Segment(c)));
            }
        }

        /// <summary>
        /// Writes the ledger in snapshot format 16: each list's items as they lie in memory, a list of at least one whole chunk
        /// starting at a multiple of <see cref="Engine.SnapshotIO.Alignment"/> bytes (so a restore can map it instead of copying),
        /// then the transfer-id table itself, likewise aligned when it spans at least a page of slots (so a restore need not
        /// rebuild it). The writer's stream counts its position (<see cref="Engine.SnapshotWriteStream"/>).
        /// </summary>
        public void WriteSnapshot(BinaryWriter w)
        {
            if (_plan is not null) { WriteDelta(w, _plan); return; }
            SnapshotBase? layout = Layout;
            w.Write(_accounts.Count);
            WriteList(w, _accounts, layout, 0);
            WriteList(w, _links, layout, 1);
            w.Write(_transfers.Count);
            WriteList(w, _transfers, layout, 2);
            WriteList(w, _meta, layout, 3);
            WriteFailed(w);
            w.Write(_history.Count);
            WriteList(w, _history, layout, 4);
            IdIndex.IdIndexView index = _transferIndex!;
            w.Write(index.Capacity);
            w.Write(index.Count);
            if (index.Capacity >= IdIndex.PageLength) Engine.SnapshotIO.Align(w);
            if (layout is not null)
            {
                w.Flush();
                (layout.IndexOffset, layout.IndexCapacity, layout.IndexCount) = (w.BaseStream.Position, index.Capacity, index.Count);
            }
            for (int p = 0; p < index.PageCount; p++) w.Write(index.PageBytes(p));
        }

        private void WriteFailed(BinaryWriter w)
        {
            w.Write(_failed.Count);
            for (int c = 0; c < _failed.ChunkCount; c++)
                foreach (FailedRecord f in _failed.Segment(c))
                {
                    w.Write((ulong)f.Id); w.Write((ulong)(f.Id >> 64)); w.Write(f.ContentHash); w.Write((byte)f.Result);
                }
        }

        private static void WriteList<T>(BinaryWriter w, ChunkedView<T> list, SnapshotBase? layout, int i) where T : unmanaged
        {
            if (list.Count >= ChunkedList<T>.ChunkLength) Engine.SnapshotIO.Align(w);
            if (layout is not null)
            {
                w.Flush();
                (layout.Offset[i], layout.Count[i]) = (w.BaseStream.Position, list.Count);
            }
            for (int c = 0; c < list.ChunkCount; c++) w.Write(MemoryMarshal.AsBytes(list.Segment(c)));
        }

        /// <summary>
        /// Writes the ledger as a delta (engine format 17) against <paramref name="plan"/>'s base: the same sections in the same
        /// order, but each list as its base's offset and count, one byte per chunk (1: the base's chunk, unchanged; 0: here),
        /// then — from a 4096-byte boundary when the list spans a whole chunk — only the chunks held here, in order; the
        /// failures whole; and instead of the id table the base's (offset, capacity, ids): a restore adds the ids of the
        /// transfers appended since.
        /// </summary>
        private void WriteDelta(BinaryWriter w, DeltaPlan plan)
        {
            SnapshotBase b = plan.Base;
            w.Write(_accounts.Count);
            WriteDeltaList(w, _accounts, b, 0, plan.FromBase[0]);
            WriteDeltaList(w, _links, b, 1, plan.FromBase[1]);
            w.Write(_transfers.Count);
            WriteDeltaList(w, _transfers, b, 2, plan.FromBase[2]);
            WriteDeltaList(w, _meta, b, 3, plan.FromBase[3]);
            WriteFailed(w);
            w.Write(_history.Count);
            WriteDeltaList(w, _history, b, 4, plan.FromBase[4]);
            w.Write(b.IndexOffset);
            w.Write(b.IndexCapacity);
            w.Write(b.IndexCount);
        }

        private static void WriteDeltaList<T>(BinaryWriter w, ChunkedView<T> list, SnapshotBase b, int i, bool[] fromBase) where T : unmanaged
        {
            w.Write(b.Offset[i]);
            w.Write(b.Count[i]);
            for (int c = 0; c < list.ChunkCount; c++) w.Write((byte)(fromBase[c] ? 1 : 0));
            if (list.Count >= ChunkedList<T>.ChunkLength) Engine.SnapshotIO.Align(w);
            for (int c = 0; c < list.ChunkCount; c++)
                if (!fromBase[c]) w.Write(MemoryMarshal.AsBytes(list.Segment(c)));
        }
    }

    /// <summary>What the state hash covers of failed transfers: id, content hash and result of each (25 bytes), in order.</summary>
    private static void HashFailed(XxHash128 hash, ReadOnlySpan<FailedRecord> records)
    {
        Span<byte> scratch = stackalloc byte[32];
        foreach (FailedRecord f in records)
        {
            UInt128 id = f.Id;
            MemoryMarshal.Write(scratch, in id);
            MemoryMarshal.Write(scratch[16..], f.ContentHash);
            scratch[24] = (byte)f.Result;
            hash.Append(scratch[..25]);
        }
    }

    /// <summary>
    /// Restores a ledger from a snapshot of format <paramref name="format"/> (the reader's stream is the engine's
    /// <see cref="Engine.SnapshotReadStream"/>). From format 16, large lists and the transfer-id table are used where they lie
    /// when the content is mapped (<see cref="Engine.ISnapshotMemory"/>), else copied; before, the lists are copied and the
    /// id table rebuilt.
    /// </summary>
    internal static LedgerState ReadSnapshot(BinaryReader r, int format)
    {
        if (format < 16) return ReadSnapshotBefore16(r);
        var stream = (Engine.SnapshotReadStream)r.BaseStream;
        if (format >= 17) return ReadDelta(r, stream);
        var layout = new SnapshotBase();
        int accounts = ReadCount(r, Unsafe.SizeOf<Account>() + Unsafe.SizeOf<AccountLinks>());
        var ledger = new LedgerState(accounts);
        ReadList(r, stream, ledger._accounts, accounts, layout, 0);
        ReadList(r, stream, ledger._accountLinks, accounts, layout, 1);
        for (int i = 0; i < accounts; i++) ledger._accountIndex.Add(ledger._accounts[i].Id, i);

        int transfers = ReadCount(r, Unsafe.SizeOf<Transfer>() + Unsafe.SizeOf<TransferMeta>());
        ReadList(r, stream, ledger._transfers, transfers, layout, 2);
        ReadList(r, stream, ledger._transferMeta, transfers, layout, 3);
        ledger.ReadFailed(r);
        int history = ReadCount(r, Unsafe.SizeOf<HistoryEntry>());
        ReadList(r, stream, ledger._history, history, layout, 4);

        int capacity = r.ReadInt32(), indexed = r.ReadInt32();
        if (IdIndex.CheckShape(capacity, indexed) is { } problem) throw new InvalidDataException($"ledger snapshot: {problem}");
        if (indexed != transfers) throw new InvalidDataException($"ledger snapshot: {transfers} transfers but {indexed} ids in the id table");
        long tableBytes = (long)capacity * IdIndex.SlotBytes;
        if (capacity >= IdIndex.PageLength) Engine.SnapshotIO.Align(r);
        if (stream.Left < tableBytes)
            throw new InvalidDataException($"ledger snapshot: an id table of {tableBytes} bytes does not fit the {stream.Left} bytes left");
        (layout.IndexOffset, layout.IndexCapacity, layout.IndexCount) = (stream.Position, capacity, indexed);
        if (stream.Memory is { } memory && capacity >= IdIndex.PageLength)
        {
            unsafe { ledger._transferIndex.AttachMapped(capacity, indexed, stream.Address, memory.Owner); }
            memory.WillWriteAtRandom(stream.Position, tableBytes);
            stream.Skip(tableBytes);
        }
        else ledger._transferIndex.Load(capacity, indexed, bytes => r.BaseStream.ReadExactly(bytes));
        ledger.FinishRestore(layout.Sources);
        // A full snapshot the storage layer named: the next snapshot may be a delta against this file.
        if (stream.Source is { BaseFile: null } source && stream.KnowsLength) ledger.RememberBase(layout, source.File, stream.Length);
        return ledger;
    }

    private static void ReadList<T>(BinaryReader r, Engine.SnapshotReadStream stream, ChunkedList<T> list, int count, SnapshotBase layout, int i) where T : unmanaged
    {
        if (count >= ChunkedList<T>.ChunkLength) Engine.SnapshotIO.Align(r);
        (layout.Offset[i], layout.Count[i]) = (stream.Position, count);
        long bytes = (long)count * Unsafe.SizeOf<T>();
        if (stream.Memory is { } memory && count >= ChunkedList<T>.ChunkLength)
        {
            if (stream.Left < bytes)
                throw new InvalidDataException($"ledger snapshot: a section of {bytes} bytes does not fit the {stream.Left} bytes left");
            unsafe { list.AttachMapped(count, stream.Address, memory.Owner); }
            if (stream.Files is not null && i != 1) layout.Sources[i] = FileSources.Contiguous(stream.Position, count >> ChunkedList<T>.ChunkShift, bytes: (long)ChunkedList<T>.ChunkLength * Unsafe.SizeOf<T>());
            stream.Skip(bytes);
        }
        else
        {
            list.AddUninitialized(count);
            ReadChunks(r, list);
        }
        for (int c = 0; c < count >> ChunkedList<T>.ChunkShift; c++) list.MarkUnchanged(c); // equal to the file's, should it become the base
    }

    /// <summary>Makes <paramref name="layout"/> (of <paramref name="file"/>, whose full chunks the lists marked unchanged) the ledger's snapshot base.</summary>
    private void RememberBase(SnapshotBase layout, Engine.SnapshotFileId file, long contentBytes)
    {
        layout.SetEpochs(this);
        layout.ContentBytes = contentBytes;
        layout.File = file;
        (_base, _candidate) = (layout, null);
    }

    /// <summary>The base of a delta being restored: its content (seekable), and its memory when mapped (then the delta's is too).</summary>
    private sealed class DeltaSource(Stream content, Engine.ISnapshotMemory? memory, object? owner, long length)
    {
        public Stream Content { get; } = content;
        public Engine.ISnapshotMemory? Memory { get; } = memory;
        public object? Owner { get; } = owner;
        public long Length { get; } = length;
        public SnapshotBase Layout { get; } = new();
    }

    /// <summary>
    /// Format 17: a delta (<see cref="LedgerView"/>'s WriteDelta). Chunks marked as the base's are taken from the base's content
    /// (mapped where it lies when both files are mapped, else read from it), the others from the delta; the id table is the
    /// base's with the ids of the transfers appended since added (into a side table when mapped, so that no page of the
    /// table is written now). The restored ledger's base is the delta's base, and the chunks held in the delta count as
    /// changed since it (the next delta holds them again).
    /// </summary>
    private static unsafe LedgerState ReadDelta(BinaryReader r, Engine.SnapshotReadStream stream)
    {
        Engine.ISnapshotSource source = stream.Source ?? throw new InvalidDataException("a delta snapshot (format 17) is restored only with its base");
        Stream baseContent = source.BaseContent ?? throw new InvalidDataException("a delta snapshot (format 17) is restored only with its base");
        Engine.SnapshotFileId baseFile = source.BaseFile ?? throw new InvalidDataException("a delta snapshot (format 17) names no base");
        var baseMemory = baseContent as Engine.ISnapshotMemory;
        bool mapped = stream.Memory is not null && baseMemory is not null;
        var d = new DeltaSource(baseContent, mapped ? baseMemory : null, mapped ? new[] { stream.Memory!.Owner, baseMemory!.Owner } : null, baseContent.Length);

        int accounts = ReadDeltaCount(r, d);
        var ledger = new LedgerState(accounts);
        ReadDeltaList(r, stream, ledger._accounts, accounts, d, 0);
        ReadDeltaList(r, stream, ledger._accountLinks, accounts, d, 1);
        for (int i = 0; i < accounts; i++) ledger._accountIndex.Add(ledger._accounts[i].Id, i);
        int transfers = ReadDeltaCount(r, d);
        ReadDeltaList(r, stream, ledger._transfers, transfers, d, 2);
        ReadDeltaList(r, stream, ledger._transferMeta, transfers, d, 3);
        ledger.ReadFailed(r);
        int history = ReadDeltaCount(r, d);
        ReadDeltaList(r, stream, ledger._history, history, d, 4);

        long indexOffset = r.ReadInt64();
        int capacity = r.ReadInt32(), indexed = r.ReadInt32();
        if (IdIndex.CheckShape(capacity, indexed) is { } problem) throw new InvalidDataException($"ledger snapshot: {problem}");
        if (indexed != d.Layout.Count[2] || indexed > transfers)
            throw new InvalidDataException($"ledger snapshot: a base of {d.Layout.Count[2]} transfers but {indexed} ids in its id table");
        long tableBytes = (long)capacity * IdIndex.SlotBytes;
        if (indexOffset < 0 || indexOffset > d.Length - tableBytes)
            throw new InvalidDataException($"ledger snapshot: an id table of {tableBytes} bytes at {indexOffset} does not fit its base's {d.Length} bytes");
        (d.Layout.IndexOffset, d.Layout.IndexCapacity, d.Layout.IndexCount) = (indexOffset, capacity, indexed);
        if (d.Memory is { } memory && capacity >= IdIndex.PageLength)
        {
            if (indexOffset % Engine.SnapshotIO.Alignment != 0) throw new InvalidDataException($"ledger snapshot: an id table at {indexOffset}, not at a page");
            ledger._transferIndex.AttachMapped(capacity, indexed, memory.AddressOf(indexOffset), d.Owner!);
            memory.WillWriteAtRandom(indexOffset, tableBytes);
            var since = new UInt128[transfers - indexed]; // the ids of the transfers appended since the base
            for (int t = indexed; t < transfers; t++) since[t - indexed] = ledger._transfers[t].Id;
            ledger._transferIndex.AddDeferred(since, indexed);
        }
        else
        {
            baseContent.Position = indexOffset;
            ledger._transferIndex.Load(capacity, indexed, bytes => baseContent.ReadExactly(bytes));
            for (int t = indexed; t < transfers; t++) ledger._transferIndex.Add(ledger._transfers[t].Id, t);
        }
        ledger.FinishRestore(d.Layout.Sources);
        ledger.RememberBase(d.Layout, baseFile, d.Length);
        return ledger;
    }

    /// <summary>A record count of a delta, refused when negative or larger than the delta's and its base's bytes could hold.</summary>
    private static int ReadDeltaCount(BinaryReader r, DeltaSource d)
    {
        int count = r.ReadInt32();
        long left = ((Engine.SnapshotReadStream)r.BaseStream).Left;
        if (count < 0 || count > left + d.Length)
            throw new InvalidDataException($"ledger snapshot: a count of {count} records does not fit the delta's {left} bytes left and its base's {d.Length}");
        return count;
    }

    private static unsafe void ReadDeltaList<T>(BinaryReader r, Engine.SnapshotReadStream stream, ChunkedList<T> list, int count, DeltaSource d, int i) where T : unmanaged
    {
        long baseOffset = r.ReadInt64();
        int baseCount = r.ReadInt32();
        int size = Unsafe.SizeOf<T>();
        long chunkBytes = (long)ChunkedList<T>.ChunkLength * size;
        int chunks = (int)(((long)count + ChunkedList<T>.ChunkLength - 1) >> ChunkedList<T>.ChunkShift);
        int full = count >> ChunkedList<T>.ChunkShift, baseFull = baseCount >> ChunkedList<T>.ChunkShift;
        if (baseCount < 0 || baseCount > count) throw new InvalidDataException($"ledger snapshot: a base of {baseCount} items for a list of {count}");
        if (baseFull > 0 && (baseOffset < 0 || baseOffset % Engine.SnapshotIO.Alignment != 0 || baseOffset > d.Length - baseFull * chunkBytes))
            throw new InvalidDataException($"ledger snapshot: {baseFull} chunks at {baseOffset} do not fit the base's {d.Length} bytes at a page");
        var fromBase = new bool[chunks];
        long here = (long)count * size;
        for (int c = 0; c < chunks; c++)
        {
            byte flag = r.ReadByte();
            if (flag > 1 || (flag == 1 && c >= baseFull)) throw new InvalidDataException($"ledger snapshot: chunk {c} cannot be its base's");
            fromBase[c] = flag == 1;
            if (fromBase[c]) here -= chunkBytes;
        }
        if (count >= ChunkedList<T>.ChunkLength) Engine.SnapshotIO.Align(r);
        if (stream.Left < here) throw new InvalidDataException($"ledger snapshot: a section of {here} bytes does not fit the {stream.Left} bytes left");
        if (d.Memory is { } memory && count >= ChunkedList<T>.ChunkLength)
        {
            var addresses = new nint[full];
            FileSources? sources = stream.Files is not null && i != 1 ? new FileSources(full) : null;
            for (int c = 0; c < full; c++)
            {
                if (fromBase[c]) addresses[c] = (nint)memory.AddressOf(baseOffset + c * chunkBytes);
                else { addresses[c] = (nint)stream.Address; stream.Skip(chunkBytes); }
                sources?.Set(c, fromBase[c], fromBase[c] ? baseOffset + c * chunkBytes : stream.Position - chunkBytes);
            }
            d.Layout.Sources[i] = sources;
            int rest = count & (ChunkedList<T>.ChunkLength - 1);
            byte* last = stream.Address;
            stream.Skip((long)rest * size);
            list.AttachChunks(count, addresses, last, d.Owner!);
        }
        else
        {
            list.AddUninitialized(count);
            for (int c = 0; c < chunks; c++)
            {
                Span<byte> bytes = MemoryMarshal.AsBytes(list.ChunkSpan(c));
                if (fromBase[c])
                {
                    d.Content.Position = baseOffset + c * chunkBytes;
                    d.Content.ReadExactly(bytes);
                }
                else r.BaseStream.ReadExactly(bytes);
            }
        }
        for (int c = 0; c < chunks; c++) if (fromBase[c]) list.MarkUnchanged(c);
        (d.Layout.Offset[i], d.Layout.Count[i]) = (baseOffset, baseCount);
    }

    private void ReadFailed(BinaryReader r)
    {
        int failed = ReadCount(r, 25); // a record: id (16 bytes), content hash (8), result (1)
        for (int i = 0; i < failed; i++)
        {
            ulong lo = r.ReadUInt64(), hi = r.ReadUInt64();
            var id = new UInt128(hi, lo);
            ulong content = r.ReadUInt64();
            var result = (CreateTransferResult)r.ReadByte();
            _failed.Add(id, new FailedTransfer(result, content));
            _failedOrder.Add() = new FailedRecord(id, content, result);
        }
    }

    private void EnqueueExpiries()
    {
        for (int c = 0; c < _transferMeta.ChunkCount; c++)
        {
            ReadOnlySpan<TransferMeta> metas = _transferMeta.ChunkReadSpan(c);
            int first = c << ChunkedList<TransferMeta>.ChunkShift;
            for (int i = 0; i < metas.Length; i++)
                if (metas[i].Status == PendingStatus.Pending && metas[i].ExpiresAt != 0) _expiry.Enqueue(first + i, (metas[i].ExpiresAt, first + i));
        }
    }

    /// <summary>Where each whole chunk of a list restored mapped lies in the snapshot's files (its own or its base's), for <see cref="HashRestored"/>.</summary>
    internal sealed class FileSources(int chunks)
    {
        private readonly long[] _at = new long[chunks];
        private readonly bool[] _inBase = new bool[chunks];

        public int Chunks => _at.Length;

        public void Set(int chunk, bool inBase, long at) => (_at[chunk], _inBase[chunk]) = (at, inBase);

        public (bool InBase, long At) this[int chunk] => (_inBase[chunk], _at[chunk]);

        public static FileSources Contiguous(long at, int chunks, long bytes)
        {
            var sources = new FileSources(chunks);
            for (int c = 0; c < chunks; c++) sources.Set(c, false, at + c * bytes);
            return sources;
        }
    }

    private FileSources?[]? _restoredSources; // a mapped restore's chunk sources until its state is hashed

    /// <summary>
    /// The end of a restore: with the chunk sources of a mapped restore (files readable with pread), the scan for pending
    /// transfers that expire waits for <see cref="HashRestored"/>, which reads the files once for both; else it runs now.
    /// </summary>
    private void FinishRestore(FileSources?[] sources)
    {
        if (Array.Exists(sources, s => s is not null)) _restoredSources = sources;
        else EnqueueExpiries();
    }

    /// <summary>
    /// Feeds the ledger into <paramref name="hash"/> exactly as <see cref="HashInto"/> does, reading the whole chunks a mapped
    /// restore left in the files with pread (<paramref name="files"/>) instead of through the mapping, and queues the pending
    /// transfers that expire from the same pass over the metadata. Called once, by the engine's restore; without sources
    /// (a restore that copied) it is <see cref="HashInto"/>.
    /// </summary>
    internal void HashRestored(XxHash128 hash, Engine.ISnapshotFiles? files)
    {
        FileSources?[]? sources = _restoredSources;
        _restoredSources = null;
        if (sources is null || files is null)
        {
            if (sources is not null) EnqueueExpiries();
            HashInto(hash);
            return;
        }
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            HashList(hash, _accounts, sources[0], files, buffer);
            HashList(hash, _transfers, sources[2], files, buffer);
            // Statuses (and the expiry queue) from the metadata.
            ForEachItem(_transferMeta, sources[3], files, buffer, (items, first) =>
            {
                for (int k = 0; k < items.Length; k++)
                {
                    ref readonly TransferMeta m = ref items[k];
                    if (m.Status == PendingStatus.Pending && m.ExpiresAt != 0) _expiry.Enqueue(first + k, (m.ExpiresAt, first + k));
                }
            }, hash, statusesOnly: true);
            for (int c = 0; c < _failedOrder.ChunkCount; c++) HashFailed(hash, _failedOrder.ChunkReadSpan(c));
            ForEachItem<HistoryEntry>(_history, sources[4], files, buffer, (items, _) =>
            {
                foreach (ref readonly HistoryEntry e in items) hash.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<AccountBalance>(in e.Balance)));
            }, hash, statusesOnly: false);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Appends a list's items as they lie, chunk by chunk: from the files where a source says so, else from memory.</summary>
    private static void HashList<T>(XxHash128 hash, ChunkedList<T> list, FileSources? sources, Engine.ISnapshotFiles files, byte[] buffer) where T : unmanaged
    {
        for (int c = 0; c < list.ChunkCount; c++)
        {
            if (sources is not null && c < sources.Chunks)
            {
                (bool inBase, long at) = sources[c];
                long left = (long)ChunkedList<T>.ChunkLength * Unsafe.SizeOf<T>();
                for (long done = 0; done < left;)
                {
                    int n = (int)files.AlignedPiece(at + done, Math.Min(buffer.Length, left - done));
                    files.ReadAt(inBase, at + done, buffer.AsSpan(0, n));
                    hash.Append(buffer.AsSpan(0, n));
                    done += n;
                }
            }
            else hash.Append(MemoryMarshal.AsBytes(list.ChunkReadSpan(c)));
        }
    }

    private delegate void ItemsAction<T>(ReadOnlySpan<T> items, int first) where T : unmanaged;

    /// <summary>
    /// Hands a list's items to <paramref name="each"/> in order, in pieces read from the files where a source says so, else
    /// from memory; with <paramref name="statusesOnly"/> (the metadata) also appends each item's status byte to <paramref name="hash"/>.
    /// </summary>
    private static void ForEachItem<T>(ChunkedList<T> list, FileSources? sources, Engine.ISnapshotFiles files, byte[] buffer, ItemsAction<T> each,
        XxHash128 hash, bool statusesOnly) where T : unmanaged
    {
        int perPiece = buffer.Length / Unsafe.SizeOf<T>();
        byte[] statuses = statusesOnly ? new byte[Math.Max(perPiece, ChunkedList<T>.ChunkLength)] : [];
        for (int c = 0; c < list.ChunkCount; c++)
        {
            int chunkFirst = c << ChunkedList<T>.ChunkShift;
            if (sources is not null && c < sources.Chunks)
            {
                (bool inBase, long at) = sources[c];
                for (int done = 0; done < ChunkedList<T>.ChunkLength;)
                {
                    int n = (int)(files.AlignedPiece(at + (long)done * Unsafe.SizeOf<T>(), (long)Math.Min(perPiece, ChunkedList<T>.ChunkLength - done) * Unsafe.SizeOf<T>(),
                        Unsafe.SizeOf<T>()) / Unsafe.SizeOf<T>());
                    Span<byte> bytes = buffer.AsSpan(0, n * Unsafe.SizeOf<T>());
                    files.ReadAt(inBase, at + (long)done * Unsafe.SizeOf<T>(), bytes);
                    Process(MemoryMarshal.Cast<byte, T>(bytes), chunkFirst + done);
                    done += n;
                }
            }
            else Process(list.ChunkReadSpan(c), chunkFirst);
        }

        void Process(ReadOnlySpan<T> items, int first)
        {
            if (statusesOnly)
            {
                ReadOnlySpan<TransferMeta> metas = MemoryMarshal.Cast<T, TransferMeta>(items);
                for (int k = 0; k < metas.Length; k++) statuses[k] = (byte)metas[k].Status;
                hash.Append(statuses.AsSpan(0, metas.Length));
            }
            each(items, first);
        }
    }

    /// <summary>Formats 5–15: the lists one after the other, no id table (rebuilt here).</summary>
    private static LedgerState ReadSnapshotBefore16(BinaryReader r)
    {
        int accounts = ReadCount(r, Unsafe.SizeOf<Account>() + Unsafe.SizeOf<AccountLinks>());
        var ledger = new LedgerState(accounts);
        ledger._accounts.AddUninitialized(accounts);
        ReadChunks(r, ledger._accounts);
        ledger._accountLinks.AddUninitialized(accounts);
        ReadChunks(r, ledger._accountLinks);
        for (int i = 0; i < accounts; i++) ledger._accountIndex.Add(ledger._accounts[i].Id, i);

        int transfers = ReadCount(r, Unsafe.SizeOf<Transfer>() + Unsafe.SizeOf<TransferMeta>());
        ledger._transferIndex.EnsureCapacity(transfers);
        ledger._transfers.AddUninitialized(transfers);
        ledger._transferMeta.AddUninitialized(transfers);
        // The id index is rebuilt beside the read: each chunk of transfers read is indexed on a second thread
        // while the next chunk is read (one pass over the file, the index's cache misses overlapped with I/O).
        Task indexing = Task.CompletedTask;
        for (int chunk = 0; (chunk << ChunkedList<Transfer>.ChunkShift) < transfers; chunk++)
        {
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(ledger._transfers.ChunkSpan(chunk)));
            int read = chunk;
            indexing = indexing.ContinueWith(previous =>
            {
                previous.GetAwaiter().GetResult(); // a failed chunk (duplicate id) fails the chain with its own exception
                ledger.IndexTransferChunk(read);
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
        ReadChunks(r, ledger._transferMeta);
        indexing.GetAwaiter().GetResult();
        if (ledger._transferIndex.Count != transfers) throw new InvalidDataException($"ledger snapshot: {transfers} transfers but {ledger._transferIndex.Count} distinct ids");
        ledger.EnqueueExpiries();
        ledger.ReadFailed(r);
        int history = ReadCount(r, Unsafe.SizeOf<HistoryEntry>());
        ledger._history.AddUninitialized(history);
        ReadChunks(r, ledger._history);
        return ledger;
    }

    /// <summary>Indexes the ids of one chunk of transfers read from a snapshot, prefetching the table slots ahead.</summary>
    private void IndexTransferChunk(int chunk)
    {
        ReadOnlySpan<Transfer> transfers = _transfers.ChunkReadSpan(chunk);
        int first = chunk << ChunkedList<Transfer>.ChunkShift;
        for (int i = 0; i < transfers.Length; i++)
        {
            if (i + PrefetchDistance < transfers.Length) _transferIndex.Prefetch(transfers[i + PrefetchDistance].Id);
            _transferIndex.Add(transfers[i].Id, first + i); // throws on a duplicate id or id 0: the snapshot is refused
        }
    }

    /// <summary>A record count from a snapshot, refused when negative or larger than the bytes left could hold.</summary>
    private static int ReadCount(BinaryReader r, int bytesPerItem)
    {
        int count = r.ReadInt32();
        long left;
        try { left = r.BaseStream.Length - r.BaseStream.Position; }
        catch (NotSupportedException) { left = long.MaxValue; }
        if (count < 0 || (long)count * bytesPerItem > left)
            throw new InvalidDataException($"ledger snapshot: a count of {count} records does not fit the {left} bytes left");
        return count;
    }

    private static void ReadChunks<T>(BinaryReader r, ChunkedList<T> list) where T : unmanaged
    {
        for (int chunk = 0; (chunk << ChunkedList<T>.ChunkShift) < list.Count; chunk++)
        {
            Span<byte> bytes = MemoryMarshal.AsBytes(list.ChunkSpan(chunk));
            r.BaseStream.ReadExactly(bytes);
        }
    }

    // ───────────────────────────── internal records ─────────────────────────────

    private readonly record struct FailedTransfer(CreateTransferResult Result, ulong ContentHash);

    private readonly record struct FailedRecord(UInt128 Id, ulong ContentHash, CreateTransferResult Result);

    [StructLayout(LayoutKind.Sequential)]
    private struct AccountLinks(int firstTransfer, int lastTransfer, int firstHistory, int lastHistory)
    {
        public int FirstTransfer = firstTransfer;
        public int LastTransfer = lastTransfer;
        public int FirstHistory = firstHistory;
        public int LastHistory = lastHistory;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TransferMeta(int debitAccountIndex, int creditAccountIndex, int nextForDebit, int nextForCredit, ulong expiresAt, PendingStatus status)
    {
        public int DebitAccountIndex = debitAccountIndex;
        public int CreditAccountIndex = creditAccountIndex;
        public int NextForDebit = nextForDebit;
        public int NextForCredit = nextForCredit;
        public ulong ExpiresAt = expiresAt;
        public PendingStatus Status = status;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct HistoryEntry(AccountBalance balance, int next)
    {
        public AccountBalance Balance = balance;
        public int Next = next;
    }

    private enum UndoKind : byte { Mark, Account, Links, Status }

    private readonly struct Undo
    {
        public UndoKind Kind { get; init; }
        public int Index { get; init; }
        public int HistoryCount { get; init; }
        public Account Account { get; init; }
        public AccountLinks LinksImage { get; init; }
        public PendingStatus StatusImage { get; init; }

        public static Undo Mark(int transfers, int history) => new() { Kind = UndoKind.Mark, Index = transfers, HistoryCount = history };
        public static Undo AccountImage(int index, Account image) => new() { Kind = UndoKind.Account, Index = index, Account = image };
        public static Undo Links(int index, AccountLinks image) => new() { Kind = UndoKind.Links, Index = index, LinksImage = image };
        public static Undo Status(int index, PendingStatus image) => new() { Kind = UndoKind.Status, Index = index, StatusImage = image };
    }
}
