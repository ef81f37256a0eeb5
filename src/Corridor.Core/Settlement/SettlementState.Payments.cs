using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Core.Settlement;

// RTGS: payment entry, queues with priorities, re-tries on liquidity, queue management, time rules.
public sealed partial class SettlementState
{
    private CommandReply SubmitPayments(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        // Operations 116 and 120 carry each payment's details; 108 none.
        SubmitPaymentWithDetails[]? withDetails = null;
        Range[]? encoded = null; // where each item lies in the payload: its details are kept as they are, not encoded again
        SubmitPayment[]? plain = null;
        if (command.Operation is Operation.SubmitPaymentWithDetails or Operation.SubmitPaymentTravelRuleAtEntry)
            withDetails = Exchange.ExchangeCommands.Decode(payload, command.Count, out encoded, SubmitPaymentWithDetails.ReadToJudge); // kept as bytes
        else
            plain = SettlementCodec.DecodePayload<SubmitPayment>(payload, command.Count);
        int count = withDetails?.Length ?? plain!.Length;
        // Operations 116 and 120 are always screened; 108 once screening of payments without details is on (see SettlementOptions).
        bool screen = command.Operation != Operation.SubmitPayment || (_options & SettlementOptions.ScreenPaymentsWithoutDetails) != 0;
        bool travelRuleAtEntry = command.Operation == Operation.SubmitPaymentTravelRuleAtEntry;
        var outcomes = new PaymentOutcome[count];
        List<ItemResult>? errors = null;
        for (int i = 0; i < count; i++)
        {
            clock++;
            SubmitPayment item = withDetails is null ? plain![i] : withDetails[i].Payment;
            ReadOnlySpan<byte> details = encoded is null ? default : payload[encoded[i]][SubmitPaymentWithDetails.PaymentBytes..];
            SettlementResult result = Submit(in item, withDetails?[i].Details, details, screen, travelRuleAtEntry, ref clock, out PaymentStatus status, out SettlementResult reason, out bool existed);
            outcomes[i] = new PaymentOutcome(i, item.PaymentId, status, reason, existed);
            if (result != SettlementResult.Ok) (errors ??= new()).Add(new ItemResult(i, (ushort)result));
            ProcessWorklist(ref clock);
        }
        RunEventLsm(ref clock);
        // Event LSM and later items' worklists may have settled queued payments: report the status each record has now (no
        // other status changes within a submission; the batch endpoint answers accepted payments from these outcomes).
        for (int i = 0; i < outcomes.Length; i++)
            if (outcomes[i].Status == PaymentStatus.Queued && _paymentIndex.TryGetValue(outcomes[i].PaymentId, out int pi))
                outcomes[i] = outcomes[i] with { Status = Payment(pi).Status };
        return new CommandReply(command.Operation, command.Count, errors?.ToArray() ?? CommandReply.NoErrors, outcomes);
    }

    /// <summary>
    /// Enters one payment. Returns the submission result (Ok if accepted: settled, queued, scheduled or in a window);
    /// a resubmission with the same id and content returns the original result and the current status.
    /// <paramref name="encodedDetails"/>: <paramref name="details"/> as the command carried them, or empty when the caller
    /// built them (they are encoded to be kept).
    /// </summary>
    private SettlementResult Submit(in SubmitPayment cmd, PaymentDetails? details, ReadOnlySpan<byte> encodedDetails, bool screen, bool travelRuleAtEntry,
        ref ulong clock, out PaymentStatus status, out SettlementResult reason, out bool existed)
    {
        status = PaymentStatus.Rejected;
        reason = SettlementResult.PaymentIdInvalid;
        existed = false;
        // Op 116 without any detail is op 108. Details read from a command lack what the engine does not judge (ReadToJudge): their bytes tell.
        if (encodedDetails.IsEmpty ? details == PaymentDetails.None : PaymentDetails.IsNone(encodedDetails)) details = null;
        if (cmd.PaymentId == UInt128.Zero || cmd.PaymentId == UInt128.MaxValue) return SettlementResult.PaymentIdInvalid;
        if (_paymentIndex.TryGetValue(cmd.PaymentId, out int existing))
        {
            existed = true;
            ref PaymentRecord e = ref Payment(existing);
            bool same = e.Payer == cmd.Payer && e.Payee == cmd.Payee && e.Ledger == cmd.Ledger && e.Amount == cmd.AmountMinor
                && e.SubmittedPriority == cmd.Priority && e.Kind == cmd.Kind && e.Earliest == cmd.EarliestNs && e.Latest == cmd.LatestNs
                && e.WindowId == cmd.WindowId && SameDetails(existing, details, encodedDetails);
            if (!same) { reason = SettlementResult.PaymentExistsWithDifferentContent; return reason; }
            status = e.Status;
            reason = e.Reason;
            return e.SubmitResult;
        }
        if (_payments.Count >= MaxPayments) { reason = SettlementResult.TooManyPayments; return reason; }
        // The travel rule refuses an incomplete customer payment before anything is recorded (the id stays free); screening
        // below takes the same result rather than working it out again.
        TravelRuleResult? travelAtEntry = travelRuleAtEntry && Compliance is not null ? Compliance.TravelRuleOf(this, in cmd, details) : null;
        if (travelAtEntry is { IsCompliant: false })
        {
            reason = SettlementResult.TravelRuleIncomplete;
            return reason;
        }

        int index = _payments.Count;
        var record = new PaymentRecord
        {
            Id = cmd.PaymentId, Payer = cmd.Payer, Payee = cmd.Payee, Ledger = cmd.Ledger, Amount = cmd.AmountMinor,
            Priority = cmd.Priority, SubmittedPriority = cmd.Priority, Kind = cmd.Kind, Earliest = cmd.EarliestNs, Latest = cmd.LatestNs,
            WindowId = cmd.WindowId, SubmittedAt = clock, BusinessDate = _businessDate, PayerAccount = -1, PayeeAccount = -1,
        };
        SettlementResult check = Validate(ref record, clock, out WindowRecord? window);
        _paymentIndex.Add(cmd.PaymentId, index);
        if (details is not null) AddDetails(index, details, encodedDetails);
        _payments.Add() = record;
        if (check != SettlementResult.Ok) return RejectAtEntry(index, check, clock, out status, out reason);

        // Compliance before any liquidity moves: travel rule, screening, rules (docs/compliance.md).
        if (Compliance is not null && screen)
        {
            ComplianceOutcome outcome = Compliance.ScreenSettlementPayment(this, index, in cmd, details, clock, travelAtEntry);
            if (outcome == ComplianceOutcome.Reject) return RejectAtEntry(index, SettlementResult.RejectedByCompliance, clock, out status, out reason);
            if (outcome == ComplianceOutcome.Hold)
            {
                Payment(index).Status = PaymentStatus.Held;
                status = PaymentStatus.Held;
                reason = SettlementResult.Ok;
                return SettlementResult.Ok;
            }
        }
        return Proceed(index, ref clock, window, out status, out reason);
    }

    /// <summary>Sends an accepted (and compliance-cleared) payment on: into its window, its schedule, or RTGS.</summary>
    private SettlementResult Proceed(int index, ref ulong clock, WindowRecord? window, out PaymentStatus status, out SettlementResult reason)
    {
        PaymentRecord record = Payment(index);
        if (window != null)
        {
            Payment(index).Status = PaymentStatus.InWindow;
            window.Payments.Add(index);
        }
        else if (record.Earliest > clock)
        {
            Payment(index).Status = PaymentStatus.Scheduled;
            _scheduled.Enqueue(index, (record.Earliest, index));
            if (record.Latest != 0) _deadlines.Enqueue(index, (record.Latest, index));
        }
        else
        {
            SettlementResult entered = Enter(index, ref clock);
            if (entered != SettlementResult.Ok) return RejectAtEntry(index, entered, clock, out status, out reason);
            if (Payment(index).Status == PaymentStatus.Queued && record.Latest != 0) _deadlines.Enqueue(index, (record.Latest, index));
        }
        status = Payment(index).Status;
        reason = SettlementResult.Ok;
        return SettlementResult.Ok;
    }

    /// <summary>The details a payment was submitted with (null when none), decoded from the bytes kept.</summary>
    private PaymentDetails? DetailsOf(int index)
    {
        if (!TryGetEncodedDetails(index, out ReadOnlyMemory<byte> encoded)) return null;
        var reader = new Exchange.WireReader(encoded.Span);
        return PaymentDetails.Read(ref reader);
    }

    /// <summary>
    /// Whether the payment at <paramref name="index"/> was submitted with these details. Their encoding is one to one (fixed
    /// fields, strict UTF-8 both ways), so equal bytes are equal details.
    /// </summary>
    private bool SameDetails(int index, PaymentDetails? details, ReadOnlySpan<byte> encoded)
    {
        bool kept = TryGetEncodedDetails(index, out ReadOnlyMemory<byte> stored);
        if (details is null || !kept) return details is null && !kept;
        return stored.Span.SequenceEqual(Encoded(details, encoded));
    }

    /// <summary>
    /// An operator released a held payment (compliance ReleaseHold): it is checked again as at entry (participants active,
    /// day phase, window open, latest time) and then enters its window, schedule or RTGS like any accepted payment.
    /// Returns Ok, or the reason it was rejected instead.
    /// </summary>
    internal SettlementResult ReleaseHeld(UInt128 paymentId, ref ulong clock)
    {
        int index = HeldIndex(paymentId);
        PaymentRecord copy = Payment(index);
        SettlementResult check = Validate(ref copy, clock, out WindowRecord? window);
        if (check == SettlementResult.Ok)
        {
            ref PaymentRecord p = ref Payment(index);
            p.PayerAccount = copy.PayerAccount;
            p.PayeeAccount = copy.PayeeAccount;
            check = Proceed(index, ref clock, window, out _, out _);
            ProcessWorklist(ref clock);
            RunEventLsm(ref clock);
            return check;
        }
        Reject(index, check, clock);
        return check;
    }

    /// <summary>An operator rejected a held payment (compliance RejectHold): final, nothing moved.</summary>
    internal void RejectHeld(UInt128 paymentId, ulong clock) => Reject(HeldIndex(paymentId), SettlementResult.RejectedByOperator, clock);

    private int HeldIndex(UInt128 paymentId)
    {
        if (!_paymentIndex.TryGetValue(paymentId, out int index) || Payment(index).Status != PaymentStatus.Held)
            throw new InvalidOperationException($"compliance invariant broken: payment {paymentId} is not held in settlement");
        return index;
    }

    /// <summary>Facts compliance needs about a submitted payment: participants' names and BICs, the ledger's currency.</summary>
    internal (string PayerName, string PayerBic, string PayeeName, string PayeeBic, string Currency) ComplianceView(int index)
    {
        ref PaymentRecord p = ref Payment(index);
        ParticipantRecord payer = _participants[_participantIndex[p.Payer]], payee = _participants[_participantIndex[p.Payee]];
        return (payer.Name, payer.Bic, payee.Name, payee.Bic, _ledgers[_ledgerIndex[p.Ledger]].CurrencyCode);
    }

    private SettlementResult Validate(ref PaymentRecord p, ulong now, out WindowRecord? window)
    {
        window = null;
        if (p.Amount <= 0) return SettlementResult.AmountMustBePositive;
        if (p.Amount > MaxAmountMinor) return SettlementResult.AmountTooLarge;
        if (p.Priority is not (PaymentPriority.Urgent or PaymentPriority.High or PaymentPriority.Normal)) return SettlementResult.InvalidPriority;
        if (p.Kind is not (PaymentKind.Customer or PaymentKind.Interbank)) return SettlementResult.InvalidKind;
        if (p.Payer == p.Payee) return SettlementResult.PayerEqualsPayee;
        if (!_participantIndex.TryGetValue(p.Payer, out int payer)) return SettlementResult.PayerNotFound;
        if (!_participantIndex.TryGetValue(p.Payee, out int payee)) return SettlementResult.PayeeNotFound;
        if (_participants[payer].Status != ParticipantStatus.Active) return SettlementResult.PayerNotActive;
        if (_participants[payee].Status != ParticipantStatus.Active) return SettlementResult.PayeeNotActive;
        if (p.Ledger == 0) return SettlementResult.LedgerMustNotBeZero;
        if (!_ledgerIndex.ContainsKey(p.Ledger)) return SettlementResult.LedgerNotRegistered;
        if (!_accountByOwner.TryGetValue((p.Payer, p.Ledger), out p.PayerAccount)) { p.PayerAccount = -1; return SettlementResult.PayerHasNoAccountInLedger; }
        if (!_accountByOwner.TryGetValue((p.Payee, p.Ledger), out p.PayeeAccount)) { p.PayeeAccount = -1; return SettlementResult.PayeeHasNoAccountInLedger; }
        if (p.Latest != 0 && p.Earliest > p.Latest) return SettlementResult.InvalidTimeWindow;
        if (p.Latest != 0 && p.Latest < now) return SettlementResult.LatestTimePassed;
        SettlementResult phase = PhaseAllows(p.Kind);
        if (phase != SettlementResult.Ok) return phase;
        if (p.WindowId != 0)
        {
            if (!_windowIndex.TryGetValue(p.WindowId, out int wi)) return SettlementResult.WindowNotFound;
            WindowRecord w = _windows[wi];
            if (w.Status != WindowStatus.Open) return SettlementResult.WindowNotOpen;
            if (w.Ledger != p.Ledger) return SettlementResult.WindowLedgerMismatch;
            if (p.Earliest != 0 || p.Latest != 0) return SettlementResult.WindowPaymentCannotBeTimed;
            if (w.Payments.Count >= MaxPaymentsPerWindow) return SettlementResult.WindowFull;
            window = w;
        }
        else if (_accounts[p.PayerAccount].QueuedCount >= MaxQueuedPerAccount) return SettlementResult.QueueFull;
        return SettlementResult.Ok;
    }

    /// <summary>
    /// The operating-day rule for a payment of <paramref name="kind"/> entering now, for every entry path (RTGS and PvP):
    /// customer payments until the customer cut-off, interbank payments until the interbank cut-off, nothing outside
    /// an open day. Cross-currency payments reach it once <see cref="SettlementOptions.OnePaymentPath"/> is on.
    /// </summary>
    internal SettlementResult DayAdmits(PaymentKind kind, bool crossCurrency) =>
        crossCurrency && (_options & SettlementOptions.OnePaymentPath) == 0 ? SettlementResult.Ok : PhaseAllows(kind);

    private SettlementResult PhaseAllows(PaymentKind kind) => PhaseAllows(_phase, kind);

    /// <summary>
    /// The operating-day rule of payment entry: customer payments only while the day is open, interbank payments until the
    /// interbank cut-off. The API names the phases that accept a refused payment from this function.
    /// </summary>
    public static SettlementResult PhaseAllows(DayPhase phase, PaymentKind kind) => phase switch
    {
        DayPhase.Open => SettlementResult.Ok,
        DayPhase.CustomerCutoff => kind == PaymentKind.Interbank ? SettlementResult.Ok : SettlementResult.AfterCustomerCutoff,
        DayPhase.InterbankCutoff => kind == PaymentKind.Interbank ? SettlementResult.AfterInterbankCutoff : SettlementResult.AfterCustomerCutoff,
        _ => SettlementResult.DayNotOpen,
    };

    /// <summary>
    /// A payment enters RTGS: settles gross at once if it may bypass nothing and is covered; otherwise tries
    /// offsetting with the payee's queue; otherwise joins the tail of its payer's queue for its priority.
    /// </summary>
    private SettlementResult Enter(int index, ref ulong clock)
    {
        ref PaymentRecord p = ref Payment(index);
        AccountRecord payer = _accounts[p.PayerAccount];
        if (MayAttempt(payer, p.Priority))
        {
            if (Covered(payer, in p))
            {
                SettleGross(index, ref clock);
                return SettlementResult.Ok;
            }
            if ((_options & SettlementOptions.OffsetOnEntry) != 0 && !p.Pvp && TryOffset(index, ref clock)) return SettlementResult.Ok;
        }
        if (payer.QueuedCount >= MaxQueuedPerAccount) return SettlementResult.QueueFull;
        p = ref Payment(index);
        payer.Queues[(int)p.Priority].Add(index);
        AddQueued(payer, p.Amount, p.Ledger);
        p.Status = PaymentStatus.Queued;
        _lsmDirtyLedgers.Add(p.Ledger);
        return SettlementResult.Ok;
    }

    /// <summary>
    /// FIFO rule: urgent and high payments never overtake a queued payment of the same or a higher priority;
    /// normal payments never overtake urgent or high ones but may bypass queued normal ones.
    /// </summary>
    private static bool MayAttempt(AccountRecord payer, PaymentPriority priority)
    {
        for (int q = 0; q < (int)priority; q++) if (payer.Queues[q].Count != 0) return false;
        return priority == PaymentPriority.Normal || payer.Queues[(int)priority].Count == 0;
    }

    private bool Covered(AccountRecord payer, in PaymentRecord p) =>
        Available(payer, p.Priority) >= p.Amount && (p.Priority != PaymentPriority.Normal || WithinLimits(payer, p.Payee, p.Amount));

    /// <summary>Sending limits bind normal payments only: the day's net debit towards the payee (bilateral) and towards all (multilateral).</summary>
    private static bool WithinLimits(AccountRecord payer, ulong payee, long amount)
    {
        if (payer.BilateralLimits.Count != 0 && payer.BilateralLimits.TryGetValue(payee, out long bilateral))
        {
            payer.NetSentToday.TryGetValue(payee, out long net);
            if (net + amount > bilateral) return false;
        }
        return payer.MultilateralLimit == 0 || payer.NetSentTotalToday + amount <= payer.MultilateralLimit;
    }

    private void SettleGross(int index, ref ulong clock)
    {
        ref PaymentRecord p = ref Payment(index);
        if (p.Pvp) { SettlePvpLeg(index, ref clock); return; }
        AccountRecord payer = _accounts[p.PayerAccount];
        AccountRecord payee = _accounts[p.PayeeAccount];
        _chain.Clear();
        _chain.Add(new Transfer
        {
            Id = NextTransferId(), DebitAccountId = payer.AccountId, CreditAccountId = payee.AccountId, Amount = p.Amount,
            Ledger = p.Ledger, Code = SettlementTransferCode.Payment, UserData128 = p.Id,
        });
        ApplyChain(ref clock);
        MarkSettled(index, clock);
    }

    /// <summary>Books a payment as settled (its transfers applied): day positions, status, payee re-try.</summary>
    private void MarkSettled(int index, ulong clock)
    {
        ref PaymentRecord p = ref Payment(index);
        AccountRecord payer = _accounts[p.PayerAccount];
        AccountRecord payee = _accounts[p.PayeeAccount];
        if (p.Status == PaymentStatus.Queued) RemoveFromQueue(index);
        p = ref Payment(index);
        p.Status = PaymentStatus.Settled;
        p.Reason = SettlementResult.Ok;
        p.FinalAt = clock;
        // Bilateral positions are kept only towards counterparties with a bilateral limit (from the moment it is set).
        if (payer.BilateralLimits.Count != 0 && payer.BilateralLimits.ContainsKey(p.Payee))
            payer.NetSentToday[p.Payee] = payer.NetSentToday.GetValueOrDefault(p.Payee) + p.Amount;
        payer.NetSentTotalToday += p.Amount;
        if (payee.BilateralLimits.Count != 0 && payee.BilateralLimits.ContainsKey(p.Payer))
            payee.NetSentToday[p.Payer] = payee.NetSentToday.GetValueOrDefault(p.Payer) - p.Amount;
        payee.NetSentTotalToday -= p.Amount;
        MarkCredited(payee);
    }

    private void AddQueued(AccountRecord account, long amount, uint ledger)
    {
        account.QueuedMinor += amount;
        _queuedCount++;
        LedgerRecord l = _ledgers[_ledgerIndex[ledger]];
        l.QueuedCount++;
        l.QueuedMinor += amount;
    }

    private void RemoveFromQueue(int index)
    {
        ref PaymentRecord p = ref Payment(index);
        AccountRecord payer = _accounts[p.PayerAccount];
        List<int> queue = payer.Queues[(int)p.Priority];
        int at = queue.IndexOf(index);
        if (at < 0) throw new InvalidOperationException($"payment {p.Id} marked queued but missing from its queue");
        queue.RemoveAt(at);
        payer.QueuedMinor -= p.Amount;
        _queuedCount--;
        LedgerRecord l = _ledgers[_ledgerIndex[p.Ledger]];
        l.QueuedCount--;
        l.QueuedMinor -= p.Amount;
    }

    /// <summary>
    /// A payment refused as it enters (its checks, compliance, or a full queue): the one transition to rejected, with the
    /// refusal kept as the submission's answer for a resubmitted id.
    /// </summary>
    private SettlementResult RejectAtEntry(int index, SettlementResult why, ulong clock, out PaymentStatus status, out SettlementResult reason)
    {
        Reject(index, why, clock);
        Payment(index).SubmitResult = why;
        status = PaymentStatus.Rejected;
        reason = why;
        return why;
    }

    private void Reject(int index, SettlementResult reason, ulong clock)
    {
        ref PaymentRecord p = ref Payment(index);
        bool wasQueued = p.Status == PaymentStatus.Queued;
        if (wasQueued) RemoveFromQueue(index);
        p = ref Payment(index);
        if (p.Pvp && wasQueued) _pvpLegsRejected.Add(index); // the exchange fails its payment and frees the lock (DeliverPvpRejections)
        p.Status = reason == SettlementResult.RevokedByPayer ? PaymentStatus.Revoked : PaymentStatus.Rejected;
        p.Reason = reason;
        p.FinalAt = clock;
    }

    // ───────────────────────────── re-try on liquidity ─────────────────────────────

    /// <summary>Schedules a re-try of the account's queue (liquidity arrived or a constraint relaxed).</summary>
    private void MarkCredited(AccountRecord account)
    {
        if (account.InWorklist || account.QueuedCount == 0) return;
        account.InWorklist = true;
        _worklist.Enqueue(account.Index);
    }

    /// <summary>
    /// Re-tries every marked queue until no settlement releases more (each settlement removes one queued
    /// payment, so this ends). Per queue: urgent from the head while covered, then high likewise (the head of a
    /// non-empty urgent/high queue blocks all lower priorities), then every normal payment in order, skipping
    /// uncovered ones (FIFO by-pass for normal).
    /// </summary>
    private void ProcessWorklist(ref ulong clock)
    {
        while (_worklist.Count != 0)
        {
            AccountRecord account = _accounts[_worklist.Dequeue()];
            account.InWorklist = false;
            RetryQueue(account, ref clock);
        }
    }

    private void RetryQueue(AccountRecord account, ref ulong clock)
    {
        for (int q = 0; q < 2; q++)
        {
            List<int> queue = account.Queues[q];
            while (queue.Count != 0)
            {
                int head = queue[0];
                if (!Covered(account, in Payment(head))) return; // the head blocks its own and lower priorities
                SettleGross(head, ref clock);
            }
        }
        List<int> normal = account.Queues[(int)PaymentPriority.Normal];
        for (int i = 0; i < normal.Count;)
        {
            int candidate = normal[i];
            if (Covered(account, in Payment(candidate))) SettleGross(candidate, ref clock); // removes it at i
            else i++;
        }
    }

    // ───────────────────────────── queue management ─────────────────────────────

    private SettlementResult ManageQueuedPaymentItem(in ManageQueuedPayment item, ref ulong clock)
    {
        if (!_paymentIndex.TryGetValue(item.PaymentId, out int index)) return SettlementResult.PaymentNotFound;
        ref PaymentRecord p = ref Payment(index);
        if (item.RequesterId != p.Payer)
        {
            if (!_participantIndex.TryGetValue(item.RequesterId, out int r) || _participants[r].Role != ParticipantRole.Operator) return SettlementResult.NotPayer;
        }
        if (item.Action is < QueueAction.MoveToFront or > QueueAction.Revoke) return SettlementResult.InvalidQueueAction;
        if (item.Action == QueueAction.Revoke)
        {
            switch (p.Status)
            {
                case PaymentStatus.Queued:
                case PaymentStatus.Scheduled:
                    Reject(index, SettlementResult.RevokedByPayer, clock);
                    MarkCredited(_accounts[Payment(index).PayerAccount]); // a revoked head no longer blocks
                    return SettlementResult.Ok;
                case PaymentStatus.InWindow:
                    _windows[_windowIndex[p.WindowId]].Payments.Remove(index);
                    Reject(index, SettlementResult.RevokedByPayer, clock);
                    return SettlementResult.Ok;
                default:
                    return SettlementResult.PaymentNotQueued;
            }
        }
        if (p.Status != PaymentStatus.Queued) return SettlementResult.PaymentNotQueued;
        AccountRecord payer = _accounts[p.PayerAccount];
        List<int> queue = payer.Queues[(int)p.Priority];
        switch (item.Action)
        {
            case QueueAction.MoveToFront:
                queue.Remove(index);
                queue.Insert(0, index);
                break;
            case QueueAction.MoveToBack:
                queue.Remove(index);
                queue.Add(index);
                break;
            case QueueAction.MoveBefore:
            {
                if (!_paymentIndex.TryGetValue(item.ReferencePaymentId, out int reference)) return SettlementResult.ReferenceNotInSameQueue;
                ref PaymentRecord rp = ref Payment(reference);
                if (rp.Status != PaymentStatus.Queued || rp.PayerAccount != p.PayerAccount || rp.Priority != p.Priority) return SettlementResult.ReferenceNotInSameQueue;
                if (reference == index) return SettlementResult.Ok;
                queue.Remove(index);
                queue.Insert(queue.IndexOf(reference), index);
                break;
            }
            case QueueAction.ChangePriority:
            {
                if (item.NewPriority is not (PaymentPriority.Urgent or PaymentPriority.High or PaymentPriority.Normal)) return SettlementResult.InvalidPriority;
                if (item.NewPriority == p.Priority) return SettlementResult.Ok;
                queue.Remove(index);
                p.Priority = item.NewPriority;
                payer.Queues[(int)item.NewPriority].Add(index);
                break;
            }
        }
        MarkCredited(payer); // a new order can release payments
        return SettlementResult.Ok;
    }

    // ───────────────────────────── time and participant events ─────────────────────────────

    /// <summary>
    /// Called by the engine at the start of every batch with the batch time: moves the day past scheduled cut-offs
    /// that came (SettlementState.Schedule.cs), rejects queued or scheduled payments whose latest settlement time
    /// passed, then releases scheduled payments whose earliest time came.
    /// </summary>
    public void OnBatchTime(ulong nowNs, ref ulong clock)
    {
        ApplyScheduledCutoffs(nowNs, ref clock);
        ReleaseTimedPayments(nowNs, nowNs, ref clock);
        RunEventLsm(ref clock);
    }

    /// <summary>Rejects queued/scheduled payments whose latest time is before <paramref name="latestBeforeNs"/>, then enters scheduled payments whose earliest time is at or before <paramref name="earliestUpToNs"/>.</summary>
    private void ReleaseTimedPayments(ulong latestBeforeNs, ulong earliestUpToNs, ref ulong clock)
    {
        while (_deadlines.TryPeek(out int index, out var key) && key.At < latestBeforeNs)
        {
            _deadlines.Dequeue();
            PaymentStatus s = Payment(index).Status;
            if (s is PaymentStatus.Queued or PaymentStatus.Scheduled) Reject(index, SettlementResult.LatestTimePassed, ++clock);
        }
        while (_scheduled.TryPeek(out int index, out var key) && key.At <= earliestUpToNs)
        {
            _scheduled.Dequeue();
            if (Payment(index).Status != PaymentStatus.Scheduled) continue;
            clock++;
            SettlementResult entered = Enter(index, ref clock);
            if (entered != SettlementResult.Ok) Reject(index, entered, clock);
            ProcessWorklist(ref clock);
        }
    }

    /// <summary>Rejects every queued or scheduled payment where <paramref name="participant"/> is payer or payee.</summary>
    private void RejectPaymentsOf(ulong participant, SettlementResult reason, ref ulong clock)
    {
        for (int a = 0; a < _accounts.Count; a++)
        {
            AccountRecord account = _accounts[a];
            for (int q = 0; q < 3; q++)
            {
                List<int> queue = account.Queues[q];
                for (int i = 0; i < queue.Count;)
                {
                    ref PaymentRecord p = ref Payment(queue[i]);
                    if (p.Payer == participant || p.Payee == participant) { Reject(queue[i], reason, ++clock); MarkCredited(account); }
                    else i++;
                }
            }
        }
        foreach (int index in SortedScheduled())
        {
            ref PaymentRecord p = ref Payment(index);
            if (p.Payer == participant || p.Payee == participant) Reject(index, reason, ++clock);
        }
    }

    /// <summary>Scheduled payments in payment order (deterministic regardless of heap layout).</summary>
    private List<int> SortedScheduled()
    {
        var list = new List<int>(_scheduled.Count);
        foreach (var (index, _) in _scheduled.UnorderedItems)
            if (Payment(index).Status == PaymentStatus.Scheduled) list.Add(index);
        list.Sort();
        return list;
    }
}
