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
    public void HashInto(XxHash128 hash) => View(frozen: false).HashInto(hash);

    public void WriteSnapshot(BinaryWriter w) => View(frozen: false).WriteSnapshot(w);

    /// <summary>
    /// The ledger as it is now, for another thread to hash and write while this one goes on applying batches (a snapshot
    /// written off the engine thread). Costs a copy of each list's chunk table, not of the items: a chunk the ledger writes
    /// to while the view is in use is copied first. Release the view when done; one at a time.
    /// </summary>
    public LedgerView Freeze() => View(frozen: true);

    /// <summary>The ledger as it is now, to read on the engine's thread before the next batch (nothing is copied on write for it).</summary>
    public LedgerView View() => View(frozen: false);

    private LedgerView View(bool frozen) => new(this, frozen);

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
        private readonly IdIndex.IdIndexView _transferIndex;

        internal LedgerView(LedgerState ledger, bool frozen)
        {
            if (frozen)
            {
                (_accounts, _links, _transfers) = (ledger._accounts.Freeze(), ledger._accountLinks.Freeze(), ledger._transfers.Freeze());
                (_meta, _failed, _history) = (ledger._transferMeta.Freeze(), ledger._failedOrder.Freeze(), ledger._history.Freeze());
                _transferIndex = ledger._transferIndex.Freeze();
            }
            else
            {
                (_accounts, _links, _transfers) = (ledger._accounts.View(), ledger._accountLinks.View(), ledger._transfers.View());
                (_meta, _failed, _history) = (ledger._transferMeta.View(), ledger._failedOrder.View(), ledger._history.View());
                _transferIndex = ledger._transferIndex.View();
            }
        }

        /// <summary>Transfers in the view.</summary>
        public int TransferCount => _transfers.Count;

        /// <summary>Lets the ledger write in place again (no more copies for this view). The view must not be read after.</summary>
        public void Release()
        {
            _accounts.Release(); _links.Release(); _transfers.Release(); _meta.Release(); _failed.Release(); _history.Release();
            _transferIndex.Release();
        }

        public void HashInto(XxHash128 hash)
        {
            for (int c = 0; c < _accounts.ChunkCount; c++) hash.Append(MemoryMarshal.AsBytes(_accounts.Segment(c)));
            for (int c = 0; c < _transfers.ChunkCount; c++) hash.Append(MemoryMarshal.AsBytes(_transfers.Segment(c)));
            // The streaming hash sees the same bytes however they are chunked; gather small fields into a buffer.
            const int Chunk = 4096;
            Span<byte> statuses = stackalloc byte[Chunk];
            int filled = 0;
            for (int c = 0; c < _meta.ChunkCount; c++)
                foreach (TransferMeta m in _meta.Segment(c))
                {
                    statuses[filled++] = (byte)m.Status;
                    if (filled == Chunk) { hash.Append(statuses); filled = 0; }
                }
            hash.Append(statuses[..filled]);
            Span<byte> scratch = stackalloc byte[32];
            for (int c = 0; c < _failed.ChunkCount; c++)
                foreach (FailedRecord f in _failed.Segment(c))
                {
                    UInt128 id = f.Id;
                    MemoryMarshal.Write(scratch, in id);
                    MemoryMarshal.Write(scratch[16..], f.ContentHash);
                    scratch[24] = (byte)f.Result;
                    hash.Append(scratch[..25]);
                }
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

        /// <summary>
        /// Writes the ledger in snapshot format 16: each list's items as they lie in memory, a list of at least one whole chunk
        /// starting at a multiple of <see cref="Engine.SnapshotIO.Alignment"/> bytes (so a restore can map it instead of copying),
        /// then the transfer-id table itself, likewise aligned when it spans at least a page of slots (so a restore need not
        /// rebuild it). The writer's stream counts its position (<see cref="Engine.SnapshotWriteStream"/>).
        /// </summary>
        public void WriteSnapshot(BinaryWriter w)
        {
            w.Write(_accounts.Count);
            WriteList(w, _accounts);
            WriteList(w, _links);
            w.Write(_transfers.Count);
            WriteList(w, _transfers);
            WriteList(w, _meta);
            w.Write(_failed.Count);
            for (int c = 0; c < _failed.ChunkCount; c++)
                foreach (FailedRecord f in _failed.Segment(c))
                {
                    w.Write((ulong)f.Id); w.Write((ulong)(f.Id >> 64)); w.Write(f.ContentHash); w.Write((byte)f.Result);
                }
            w.Write(_history.Count);
            WriteList(w, _history);
            w.Write(_transferIndex.Capacity);
            w.Write(_transferIndex.Count);
            if (_transferIndex.Capacity >= IdIndex.PageLength) Engine.SnapshotIO.Align(w);
            for (int p = 0; p < _transferIndex.PageCount; p++) w.Write(_transferIndex.PageBytes(p));
        }

        private static void WriteList<T>(BinaryWriter w, ChunkedView<T> list) where T : unmanaged
        {
            if (list.Count >= ChunkedList<T>.ChunkLength) Engine.SnapshotIO.Align(w);
            for (int c = 0; c < list.ChunkCount; c++) w.Write(MemoryMarshal.AsBytes(list.Segment(c)));
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
        int accounts = ReadCount(r, Unsafe.SizeOf<Account>() + Unsafe.SizeOf<AccountLinks>());
        var ledger = new LedgerState(accounts);
        ReadList(r, stream, ledger._accounts, accounts);
        ReadList(r, stream, ledger._accountLinks, accounts);
        for (int i = 0; i < accounts; i++) ledger._accountIndex.Add(ledger._accounts[i].Id, i);

        int transfers = ReadCount(r, Unsafe.SizeOf<Transfer>() + Unsafe.SizeOf<TransferMeta>());
        ReadList(r, stream, ledger._transfers, transfers);
        ReadList(r, stream, ledger._transferMeta, transfers);
        ledger.ReadFailed(r);
        int history = ReadCount(r, Unsafe.SizeOf<HistoryEntry>());
        ReadList(r, stream, ledger._history, history);

        int capacity = r.ReadInt32(), indexed = r.ReadInt32();
        if (IdIndex.CheckShape(capacity, indexed) is { } problem) throw new InvalidDataException($"ledger snapshot: {problem}");
        if (indexed != transfers) throw new InvalidDataException($"ledger snapshot: {transfers} transfers but {indexed} ids in the id table");
        long tableBytes = (long)capacity * IdIndex.SlotBytes;
        if (capacity >= IdIndex.PageLength) Engine.SnapshotIO.Align(r);
        if (stream.Left < tableBytes)
            throw new InvalidDataException($"ledger snapshot: an id table of {tableBytes} bytes does not fit the {stream.Left} bytes left");
        if (stream.Memory is { } memory && capacity >= IdIndex.PageLength)
        {
            unsafe { ledger._transferIndex.AttachMapped(capacity, indexed, stream.Address, memory.Owner); }
            stream.Skip(tableBytes);
        }
        else ledger._transferIndex.Load(capacity, indexed, bytes => r.BaseStream.ReadExactly(bytes));
        ledger.EnqueueExpiries();
        return ledger;
    }

    private static void ReadList<T>(BinaryReader r, Engine.SnapshotReadStream stream, ChunkedList<T> list, int count) where T : unmanaged
    {
        if (count >= ChunkedList<T>.ChunkLength) Engine.SnapshotIO.Align(r);
        long bytes = (long)count * Unsafe.SizeOf<T>();
        if (stream.Memory is { } memory && count >= ChunkedList<T>.ChunkLength)
        {
            if (stream.Left < bytes)
                throw new InvalidDataException($"ledger snapshot: a section of {bytes} bytes does not fit the {stream.Left} bytes left");
            unsafe { list.AttachMapped(count, stream.Address, memory.Owner); }
            stream.Skip(bytes);
            return;
        }
        list.AddUninitialized(count);
        ReadChunks(r, list);
    }

    private void ReadFailed(BinaryReader r)
    {
        int failed = ReadCount(r, 33);
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
