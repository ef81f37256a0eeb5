using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Core.Settlement;

// Deferred net settlement: netting windows, exclusion/unwind, atomic settlement of net positions.
public sealed partial class SettlementState
{
    private SettlementResult OpenWindowItem(in OpenNettingWindow item, ref ulong clock)
    {
        if (item.WindowId == 0) return SettlementResult.WindowIdInvalid;
        if (_windowIndex.ContainsKey(item.WindowId)) return SettlementResult.WindowExists;
        if (item.Ledger == 0) return SettlementResult.LedgerMustNotBeZero;
        if (!_ledgerIndex.ContainsKey(item.Ledger)) return SettlementResult.LedgerNotRegistered;
        if (_windows.Count >= MaxWindows) return SettlementResult.TooManyWindows;
        _windowIndex.Add(item.WindowId, _windows.Count);
        _windows.Add(new WindowRecord { Id = item.WindowId, Ledger = item.Ledger, Name = item.Name ?? "", Status = WindowStatus.Open });
        return SettlementResult.Ok;
    }

    private CommandReply CloseWindows(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        CloseNettingWindow[] items = SettlementCodec.DecodePayload<CloseNettingWindow>(payload, command.Count);
        var results = new List<WindowInfo>();
        List<ItemResult>? errors = null;
        for (int i = 0; i < items.Length; i++)
        {
            clock++;
            SettlementResult result = SettlementResult.Ok;
            if (!_windowIndex.TryGetValue(items[i].WindowId, out int wi)) result = SettlementResult.WindowNotFound;
            else if (_windows[wi].Status != WindowStatus.Open) result = SettlementResult.WindowNotOpen;
            if (result != SettlementResult.Ok) { (errors ??= new()).Add(new ItemResult(i, (ushort)result)); continue; }
            CloseWindow(_windows[wi], ref clock);
            results.Add(GetWindow(items[i].WindowId)!);
            ProcessWorklist(ref clock);
        }
        return new CommandReply(command.Operation, command.Count, errors?.ToArray() ?? CommandReply.NoErrors, results.ToArray());
    }

    /// <summary>
    /// Closes a window: multilateral net positions over its payments (they sum to zero); while some net debtor
    /// cannot cover its net debit with the liquidity available to normal payments, exclude that participant
    /// (largest shortfall first, then lowest id) with all its payments as payer and payee, and recompute.
    /// Participants no longer active are excluded first. The remaining positions settle in one linked chain:
    /// net debtors → clearing account, then clearing account → net creditors. Nothing half-settles.
    /// O(E · W) for E exclusions over W payments.
    /// </summary>
    private void CloseWindow(WindowRecord window, ref ulong clock)
    {
        var excluded = new SortedSet<ulong>();
        foreach (int pi in window.Payments)
        {
            ref PaymentRecord p = ref Payment(pi);
            if (ParticipantStatusOf(p.Payer) != ParticipantStatus.Active) excluded.Add(p.Payer);
            if (ParticipantStatusOf(p.Payee) != ParticipantStatus.Active) excluded.Add(p.Payee);
        }
        SortedDictionary<int, Int128> nets;
        while (true)
        {
            nets = WindowNets(window, excluded);
            AccountRecord? worst = null;
            Int128 worstShort = 0;
            foreach (KeyValuePair<int, Int128> position in nets)
            {
                if (position.Value >= 0) continue;
                AccountRecord a = _accounts[position.Key];
                Int128 shortfall = -position.Value - Available(a, PaymentPriority.Normal);
                if (shortfall > 0 && (shortfall > worstShort || (shortfall == worstShort && a.Participant < worst!.Participant)))
                {
                    worst = a;
                    worstShort = shortfall;
                }
            }
            if (worst == null) break;
            excluded.Add(worst.Participant);
        }

        Int128 sum = 0;
        foreach (Int128 v in nets.Values) sum += v;
        if (sum != 0) throw new InvalidOperationException($"netting window {window.Id}: net positions sum to {sum}, not zero");

        LedgerRecord l = _ledgers[_ledgerIndex[window.Ledger]];
        _chain.Clear();
        for (int pass = 0; pass < 2; pass++)
            foreach (KeyValuePair<int, Int128> position in nets)
            {
                bool debtor = position.Value < 0;
                if (position.Value == 0 || debtor != (pass == 0)) continue;
                AccountRecord a = _accounts[position.Key];
                _chain.Add(new Transfer
                {
                    Id = NextTransferId(), Ledger = window.Ledger, Code = SettlementTransferCode.NetSettlement,
                    DebitAccountId = debtor ? a.AccountId : l.ClearingAccountId, CreditAccountId = debtor ? l.ClearingAccountId : a.AccountId,
                    Amount = checked((long)(debtor ? -position.Value : position.Value)), UserData128 = window.Id, UserData64 = window.Id,
                });
            }
        ApplyChain(ref clock);

        var positions = new List<NetPosition>(nets.Count);
        foreach (KeyValuePair<int, Int128> position in nets)
        {
            AccountRecord a = _accounts[position.Key];
            positions.Add(new NetPosition(a.Participant, (long)position.Value));
            if (position.Value > 0) MarkCredited(a);
        }
        positions.Sort((x, y) => x.Participant.CompareTo(y.Participant));
        foreach (int pi in window.Payments)
        {
            ref PaymentRecord p = ref Payment(pi);
            if (p.Status != PaymentStatus.InWindow) continue;
            if (excluded.Contains(p.Payer) || excluded.Contains(p.Payee)) Reject(pi, SettlementResult.ExcludedFromNetting, clock);
            else { p.Status = PaymentStatus.Settled; p.Reason = SettlementResult.Ok; p.FinalAt = clock; }
        }
        window.Status = WindowStatus.Settled;
        window.Positions = positions.ToArray();
        window.Excluded = [.. excluded];
        window.ClosedAt = clock;
    }

    /// <summary>Net position (receipts minus payments) per settlement account over the window's payments not involving an excluded participant.</summary>
    private SortedDictionary<int, Int128> WindowNets(WindowRecord window, SortedSet<ulong> excluded)
    {
        var nets = new SortedDictionary<int, Int128>();
        foreach (int pi in window.Payments)
        {
            ref PaymentRecord p = ref Payment(pi);
            if (p.Status != PaymentStatus.InWindow || excluded.Contains(p.Payer) || excluded.Contains(p.Payee)) continue;
            nets[p.PayerAccount] = nets.GetValueOrDefault(p.PayerAccount) - p.Amount;
            nets[p.PayeeAccount] = nets.GetValueOrDefault(p.PayeeAccount) + p.Amount;
        }
        return nets;
    }

    private ParticipantStatus ParticipantStatusOf(ulong participant) =>
        _participantIndex.TryGetValue(participant, out int i) ? _participants[i].Status : ParticipantStatus.Closed;
}
