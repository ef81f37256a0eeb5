using Corridor.Core.Ledger;

namespace Corridor.Core.Settlement;

// The operating day: open, cut-offs, end of day with statements.
public sealed partial class SettlementState
{
    private SettlementResult OpenBusinessDayItem(in OpenBusinessDay item, ref ulong clock)
    {
        if (_phase is not (DayPhase.Closed or DayPhase.EndOfDay)) return SettlementResult.InvalidPhaseTransition;
        if (item.BusinessDate == 0 || item.BusinessDate <= _businessDate) return SettlementResult.BusinessDateMustIncrease;
        if ((_options & SettlementOptions.RefuseOpenWithOvernightCredit) != 0)
            foreach (AccountRecord a in _accounts)
                if (a.OvernightCredit != 0 && Balance(a) < a.OvernightCredit) return SettlementResult.OvernightCreditNotCovered;
        _businessDate = item.BusinessDate;
        RepayCredit(intraday: false, ref clock);
        _phase = DayPhase.Open;
        _phaseSinceNs = clock;
        _dayStartNs = clock;
        _dayFirstPayment = _payments.Count;
        bool firstDay = _statementFromNs == 0;
        if (firstDay) _statementFromNs = clock;
        foreach (AccountRecord a in _accounts)
        {
            if (firstDay)
            {
                _ledger.TryGetAccount(a.AccountId, out Account acct);
                a.OpeningBalance = acct.BalancePosted;
            }
            a.NetSentToday.Clear();
            a.NetSentTotalToday = 0;
        }
        // A day opened after some of its scheduled cut-offs passes them at once (SettlementState.Schedule.cs).
        ApplyScheduledCutoffs(clock, ref clock);
        return SettlementResult.Ok;
    }

    private SettlementResult ChangeDayPhaseItem(in ChangeDayPhase item, ref ulong clock)
    {
        if (item.Phase is not (DayPhase.CustomerCutoff or DayPhase.InterbankCutoff or DayPhase.EndOfDay)) return SettlementResult.InvalidPhase;
        if (_phase == DayPhase.Closed || (int)item.Phase != (int)_phase + 1) return SettlementResult.InvalidPhaseTransition;
        switch (item.Phase)
        {
            case DayPhase.CustomerCutoff:
                RunLsmAll(ref clock);
                RejectAtCutoff(PaymentKind.Customer, SettlementResult.RejectedAtCustomerCutoff, ref clock);
                break;
            case DayPhase.InterbankCutoff:
                foreach (WindowRecord w in _windows)
                    if (w.Status == WindowStatus.Open) { CloseWindow(w, ref clock); ProcessWorklist(ref clock); }
                RunLsmAll(ref clock);
                RejectAtCutoff(null, SettlementResult.RejectedAtInterbankCutoff, ref clock);
                break;
            case DayPhase.EndOfDay:
                if ((_options & SettlementOptions.CreditRepaidAtEndOfDay) != 0) RepayCredit(intraday: true, ref clock);
                BuildStatements(ref clock);
                break;
        }
        _phase = item.Phase;
        _phaseSinceNs = clock;
        return SettlementResult.Ok;
    }

    /// <summary>A last gridlock resolution before queued payments are rejected at a cut-off.</summary>
    private void RunLsmAll(ref ulong clock)
    {
        foreach (uint ledger in SortedLedgers()) RunLsmLedger(ledger, ref clock);
        ProcessWorklist(ref clock);
    }

    /// <summary>Rejects queued and scheduled payments of <paramref name="kind"/> (all kinds when null), releasing the queued amounts.</summary>
    private void RejectAtCutoff(PaymentKind? kind, SettlementResult reason, ref ulong clock)
    {
        foreach (AccountRecord account in _accounts)
            for (int q = 0; q < 3; q++)
            {
                List<int> queue = account.Queues[q];
                for (int i = 0; i < queue.Count;)
                {
                    if (kind == null || Payment(queue[i]).Kind == kind) Reject(queue[i], reason, ++clock);
                    else i++;
                }
            }
        foreach (int index in SortedScheduled())
            if (kind == null || Payment(index).Kind == kind) Reject(index, reason, ++clock);
    }

    /// <summary>
    /// Intraday credit must be back to zero at end of day (ECB TARGET2/T2: intraday credit not repaid becomes overnight
    /// credit, the marginal lending facility). At end of day (<paramref name="intraday"/>) every account's credit line
    /// plus any overnight credit still owed is repaid from its balance as far as the balance covers it, the line is
    /// withdrawn (0) and the uncovered rest becomes the account's overnight credit. At the next open
    /// (<paramref name="intraday"/> false) overnight credit is repaid from the balance as far as it covers it.
    /// Ledgers in ascending order, accounts in opening order; each repayment is one ledger transfer
    /// (<see cref="SettlementTransferCode.CreditRepayment"/>, settlement account → central bank account).
    /// </summary>
    private void RepayCredit(bool intraday, ref ulong clock)
    {
        foreach (uint ledgerId in SortedLedgers())
        {
            LedgerRecord ledger = _ledgers[_ledgerIndex[ledgerId]];
            foreach (int ai in ledger.Accounts)
            {
                AccountRecord a = _accounts[ai];
                long owed = (intraday ? a.CreditLine : 0) + a.OvernightCredit;
                if (owed == 0) continue;
                long repaid = Math.Min(owed, Math.Max(0, Balance(a)));
                if (repaid != 0)
                {
                    SettlementResult result = LedgerTransfer(NextTransferId(), a.AccountId, ledger.CentralBankAccountId, repaid, ledgerId,
                        SettlementTransferCode.CreditRepayment, UInt128.Zero, ref clock);
                    if (result != SettlementResult.Ok)
                        throw new InvalidOperationException($"credit repayment of {repaid} from account {a.AccountId} refused by the ledger: {result}");
                }
                if (intraday) a.CreditLine = 0;
                a.OvernightCredit = owed - repaid;
            }
        }
    }

    /// <summary>
    /// End of day: one statement per settlement account with the posted movements since the previous end of day
    /// (or the first open), so movements between end of day and the next open land in the next statement
    /// (pending and void records are not movements). Opening + Σ entries = closing is checked; a mismatch is a
    /// broken invariant. The closing balance becomes the next statement's opening balance.
    /// </summary>
    private void BuildStatements(ref ulong clock)
    {
        foreach (AccountRecord a in _accounts)
        {
            List<Transfer> transfers = _ledger.GetAccountTransfers(a.AccountId, _statementFromNs, MaxStatementEntries + 1);
            bool truncated = transfers.Count > MaxStatementEntries;
            var entries = new List<StatementEntry>(Math.Min(transfers.Count, MaxStatementEntries));
            long movement = 0;
            for (int i = 0; i < transfers.Count && i < MaxStatementEntries; i++)
            {
                Transfer t = transfers[i];
                if ((t.Flags & (TransferFlags.Pending | TransferFlags.VoidPendingTransfer)) != 0) continue;
                bool credit = t.CreditAccountId == a.AccountId;
                movement += credit ? t.Amount : -t.Amount;
                entries.Add(new StatementEntry(t.Id, PaymentIdOf(in t), t.Amount, credit, Counterparty(in t, a), t.Code, t.Timestamp));
            }
            _ledger.TryGetAccount(a.AccountId, out Account acct);
            if (!truncated && a.OpeningBalance + movement != acct.BalancePosted)
                throw new InvalidOperationException($"statement of account {a.AccountId}: opening {a.OpeningBalance} + movements {movement} ≠ closing {acct.BalancePosted}");
            _statementIndex[(_businessDate, a.AccountId)] = _statements.Count;
            AddStatement(new AccountStatement(_businessDate, a.Participant, a.Ledger, a.AccountId, a.OpeningBalance, acct.BalancePosted, entries, truncated)
            {
                OvernightCreditMinor = a.OvernightCredit,
            });
            a.OpeningBalance = acct.BalancePosted;
            clock++;
        }
        _statementFromNs = clock + 1;
    }

    // PvP legs carry their payment id too: the payer's leg, and the post of the provider's reservation (the pending
    // reservation itself and its void carry the lock id, but they are not movements and never reach a statement).
    private static UInt128 PaymentIdOf(in Transfer t) =>
        t.Code is SettlementTransferCode.Payment or SettlementTransferCode.PaymentLeg or Exchange.ExchangeTransfers.PayerLegCode
            or Exchange.ExchangeTransfers.ReservationCode ? t.UserData128 : UInt128.Zero;

    /// <summary>Who is on the other side: the payment's counterparty, the central bank for funding, 0 for net settlement.</summary>
    private ulong Counterparty(in Transfer t, AccountRecord a)
    {
        switch (t.Code)
        {
            case SettlementTransferCode.Payment:
            case SettlementTransferCode.PaymentLeg:
                if (_paymentIndex.TryGetValue(t.UserData128, out int pi))
                {
                    ref PaymentRecord p = ref Payment(pi);
                    return p.Payer == a.Participant ? p.Payee : p.Payer;
                }
                return 0;
            case SettlementTransferCode.NetSettlement:
                return 0;
            default:
                UInt128 other = t.CreditAccountId == a.AccountId ? t.DebitAccountId : t.CreditAccountId;
                return _ledger.TryGetAccount(other, out Account o) ? o.Participant : 0;
        }
    }
}
