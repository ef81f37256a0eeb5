using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Core.Settlement;

// Liquidity-saving mechanism: offsetting on entry and multilateral optimisation (gridlock resolution).
public sealed partial class SettlementState
{
    private CommandReply RunLsmCommand(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        RunLsm[] items = SettlementCodec.DecodePayload<RunLsm>(payload, command.Count);
        var results = new List<LsmResult>();
        List<ItemResult>? errors = null;
        for (int i = 0; i < items.Length; i++)
        {
            clock++;
            uint ledger = items[i].Ledger;
            if (ledger != 0 && !_ledgerIndex.ContainsKey(ledger)) { (errors ??= new()).Add(new ItemResult(i, (ushort)SettlementResult.LedgerNotRegistered)); continue; }
            foreach (uint l in SortedLedgers())
                if (ledger == 0 || l == ledger) results.Add(RunLsmLedger(l, ref clock));
            ProcessWorklist(ref clock);
        }
        return new CommandReply(command.Operation, command.Count, errors?.ToArray() ?? CommandReply.NoErrors, results.ToArray());
    }

    private uint[] SortedLedgers()
    {
        var ledgers = new uint[_ledgers.Count];
        for (int i = 0; i < ledgers.Length; i++) ledgers[i] = _ledgers[i].Ledger;
        Array.Sort(ledgers);
        return ledgers;
    }

    /// <summary>Event-driven LSM: once per command, for ledgers where something was queued, if the queue is small enough.</summary>
    private void RunEventLsm(ref ulong clock)
    {
        if (_lsmDirtyLedgers.Count == 0) return;
        if ((_options & SettlementOptions.LsmAfterQueueing) != 0)
        {
            foreach (uint ledger in _lsmDirtyLedgers)
            {
                LedgerRecord l = _ledgers[_ledgerIndex[ledger]];
                if (l.QueuedCount != 0 && l.QueuedCount <= AutoLsmMaxQueued) RunLsmLedger(ledger, ref clock);
            }
            ProcessWorklist(ref clock);
        }
        _lsmDirtyLedgers.Clear();
    }

    /// <summary>
    /// Bilateral offsetting on entry: the new payment A→B plus B's queued payments to A (only those B may
    /// settle without breaking its own FIFO: the urgent/high queue prefixes addressed to A, any normal ones,
    /// at most <see cref="MaxOffsetCandidates"/>) settle together if both net positions are covered.
    /// </summary>
    private bool TryOffset(int index, ref ulong clock)
    {
        ref PaymentRecord p = ref Payment(index);
        AccountRecord payee = _accounts[p.PayeeAccount];
        if (payee.QueuedCount == 0) return false;
        var counter = new List<int>();
        bool blocked = false;
        for (int q = 0; q < 3 && !blocked && counter.Count < MaxOffsetCandidates; q++)
        {
            List<int> queue = payee.Queues[q];
            for (int i = 0; i < queue.Count && counter.Count < MaxOffsetCandidates; i++)
            {
                if (Payment(queue[i]).Pvp && q == (int)PaymentPriority.Normal) continue; // a PvP leg settles gross with its FX leg
                if (Payment(queue[i]).Payee == p.Payer && !Payment(queue[i]).Pvp) counter.Add(queue[i]);
                else if (q < 2) { blocked = true; break; } // an urgent/high payment elsewhere blocks what follows
            }
        }
        if (counter.Count == 0) return false;
        var payers = new List<AccountRecord> { _accounts[p.PayerAccount], payee };
        var outgoing = new List<List<int>> { new() { index }, counter };
        List<int> settle = Reduce(payers, outgoing, out _);
        if (settle.Count == 0 || settle[0] != index) return false;
        SettleSet(settle, ref clock);
        return true;
    }

    /// <summary>
    /// Multilateral optimisation over every queued payment of one ledger (T2-style): take all queues, compute
    /// each participant's multilateral net position; while a participant's net debit exceeds its available
    /// liquidity (or breaks a sending limit) drop its payments, lowest priority and latest first, and re-check
    /// the payees that lose receipts; settle what remains atomically. O(P + Q) for the reduction.
    /// </summary>
    private LsmResult RunLsmLedger(uint ledger, ref ulong clock)
    {
        var payers = new List<AccountRecord>();
        var outgoing = new List<List<int>>();
        int candidates = 0;
        foreach (int a in _ledgers[_ledgerIndex[ledger]].Accounts)
        {
            AccountRecord account = _accounts[a];
            if (account.QueuedCount == 0) continue;
            var list = new List<int>(account.QueuedCount);
            // PvP legs settle gross with their FX leg, never in the LSM's set: a normal one is bypassed (as normal payments
            // may be), an urgent or high one blocks what follows it (the set takes queue prefixes only).
            for (int q = 0, blocked = 0; q < 3 && blocked == 0; q++)
                foreach (int pi in account.Queues[q])
                {
                    if (!Payment(pi).Pvp) { list.Add(pi); continue; }
                    if (q < (int)PaymentPriority.Normal) { blocked = 1; break; }
                }
            if (list.Count == 0) continue;
            payers.Add(account);
            outgoing.Add(list);
            candidates += list.Count;
        }
        if (candidates == 0) return new LsmResult(ledger, 0, 0, 0, 0);
        List<int> settle = Reduce(payers, outgoing, out int steps);
        long settledMinor = 0;
        for (int i = 0; i < settle.Count; i++) settledMinor += Payment(settle[i]).Amount;
        if (settle.Count != 0) SettleSet(settle, ref clock);
        return new LsmResult(ledger, candidates, settle.Count, settledMinor, steps);
    }

    /// <summary>
    /// The reduction at the heart of the LSM. <paramref name="outgoing"/>[i] holds payer i's candidate payments
    /// in settlement order (urgent, high, normal; FIFO within each); only a prefix of each list is kept, so FIFO
    /// and priority order hold for whatever settles. Returns the kept payments, payer by payer.
    /// </summary>
    private List<int> Reduce(List<AccountRecord> payers, List<List<int>> outgoing, out int steps)
    {
        steps = 0;
        // Local index per account taking part (payers first, then payees), in first-seen order.
        var local = new Dictionary<int, int>();
        var parts = new List<AccountRecord>();
        foreach (AccountRecord a in payers) { local.Add(a.Index, parts.Count); parts.Add(a); }
        for (int i = 0; i < outgoing.Count; i++)
            foreach (int pi in outgoing[i])
            {
                int payee = Payment(pi).PayeeAccount;
                if (!local.ContainsKey(payee)) { local.Add(payee, parts.Count); parts.Add(_accounts[payee]); }
            }
        int n = parts.Count;
        var net = new Int128[n];          // receipts minus payments over kept payments
        var keep = new int[n];
        var incoming = new List<(int Payer, int Position)>?[n];
        bool anyLimits = false;
        for (int i = 0; i < payers.Count; i++)
        {
            keep[i] = outgoing[i].Count;
            for (int k = 0; k < outgoing[i].Count; k++)
            {
                ref PaymentRecord p = ref Payment(outgoing[i][k]);
                int to = local[p.PayeeAccount];
                net[i] -= p.Amount;
                net[to] += p.Amount;
                if (HasLimits(parts[to])) (incoming[to] ??= new()).Add((i, k));
            }
            anyLimits |= HasLimits(payers[i]);
        }

        var work = new Queue<int>();
        var inWork = new bool[n];
        for (int i = 0; i < payers.Count; i++) { work.Enqueue(i); inWork[i] = true; }
        while (work.Count != 0)
        {
            int i = work.Dequeue();
            inWork[i] = false;
            if (i >= payers.Count) continue; // pays nothing in the set: never short
            List<int> mine = outgoing[i];
            while (keep[i] > 0 && Short(i))
            {
                int dropped = mine[--keep[i]];
                ref PaymentRecord p = ref Payment(dropped);
                int to = local[p.PayeeAccount];
                net[i] += p.Amount;
                net[to] -= p.Amount;
                steps++;
                if (to < payers.Count && !inWork[to]) { work.Enqueue(to); inWork[to] = true; }
            }
        }

        var kept = new List<int>();
        for (int i = 0; i < payers.Count; i++)
            for (int k = 0; k < keep[i]; k++) kept.Add(outgoing[i][k]);
        return kept;

        bool Short(int i)
        {
            AccountRecord a = parts[i];
            PaymentPriority lowest = Payment(outgoing[i][keep[i] - 1]).Priority;
            Int128 debit = -net[i];
            if (debit > 0 && debit > Available(a, lowest)) return true;
            if (!anyLimits || lowest != PaymentPriority.Normal || !HasLimits(a)) return false;
            if (a.MultilateralLimit != 0 && debit > 0 && a.NetSentTotalToday + debit > a.MultilateralLimit) return true;
            foreach (KeyValuePair<ulong, long> limit in a.BilateralLimits)
            {
                Int128 towards = 0;
                for (int k = 0; k < keep[i]; k++)
                {
                    ref PaymentRecord p = ref Payment(outgoing[i][k]);
                    if (p.Payee == limit.Key) towards += p.Amount;
                }
                if (incoming[i] != null)
                    foreach ((int payer, int position) in incoming[i]!)
                        if (position < keep[payer] && parts[payer].Participant == limit.Key) towards -= Payment(outgoing[payer][position]).Amount;
                if (towards > 0 && a.NetSentToday.GetValueOrDefault(limit.Key) + towards > limit.Value) return true;
            }
            return false;
        }
    }

    private static bool HasLimits(AccountRecord a) => a.MultilateralLimit != 0 || a.BilateralLimits.Count != 0;

    /// <summary>
    /// Settles a covered set in one linked chain through the ledger's clearing account: every credit leg
    /// (clearing → payee) first, then every debit leg (payer → clearing). After the credit legs each payer holds
    /// its receipts, so its debit legs never cross its floor when its net debit is covered; the clearing account
    /// ends where it started.
    /// </summary>
    private void SettleSet(List<int> payments, ref ulong clock)
    {
        if (payments.Count == 1) { SettleGross(payments[0], ref clock); return; }
        uint ledger = Payment(payments[0]).Ledger;
        LedgerRecord l = _ledgers[_ledgerIndex[ledger]];
        _ledger.TryGetAccount(l.ClearingAccountId, out Account clearingBefore);
        _chain.Clear();
        for (int i = 0; i < payments.Count; i++)
        {
            ref PaymentRecord p = ref Payment(payments[i]);
            _chain.Add(new Transfer
            {
                Id = NextTransferId(), DebitAccountId = l.ClearingAccountId, CreditAccountId = _accounts[p.PayeeAccount].AccountId,
                Amount = p.Amount, Ledger = ledger, Code = SettlementTransferCode.PaymentLeg, UserData128 = p.Id,
            });
        }
        for (int i = 0; i < payments.Count; i++)
        {
            ref PaymentRecord p = ref Payment(payments[i]);
            _chain.Add(new Transfer
            {
                Id = NextTransferId(), DebitAccountId = _accounts[p.PayerAccount].AccountId, CreditAccountId = l.ClearingAccountId,
                Amount = p.Amount, Ledger = ledger, Code = SettlementTransferCode.PaymentLeg, UserData128 = p.Id,
            });
        }
        ApplyChain(ref clock);
        _ledger.TryGetAccount(l.ClearingAccountId, out Account clearingAfter);
        if (clearingAfter.BalancePosted != clearingBefore.BalancePosted)
            throw new InvalidOperationException($"clearing account of ledger {ledger} moved by {clearingAfter.BalancePosted - clearingBefore.BalancePosted} in an offsetting set");
        for (int i = 0; i < payments.Count; i++) MarkSettled(payments[i], clock);
    }
}
