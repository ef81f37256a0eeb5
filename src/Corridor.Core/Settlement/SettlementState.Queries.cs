namespace Corridor.Core.Settlement;

// Read-only queries, called on the engine thread between batches; none of them mutates state.
public sealed partial class SettlementState
{
    /// <summary>The ledger registered for this currency code (lowest ledger id if several), or null.</summary>
    public uint? FindLedgerByCurrency(string currencyCode)
    {
        uint? best = null;
        foreach (LedgerRecord l in _ledgers)
            if (l.CurrencyCode == currencyCode && (best is null || l.Ledger < best)) best = l.Ledger;
        return best;
    }

    /// <summary>The ISO 4217 (or operator-configured) currency code of a registered ledger, or null.</summary>
    public string? GetLedgerCurrency(uint ledger) => _ledgerIndex.TryGetValue(ledger, out int i) ? _ledgers[i].CurrencyCode : null;

    /// <summary>
    /// Who may create or withdraw money in a ledger (central-bank liquidity, <see cref="MoveLiquidity"/>): the operator, or the
    /// active central bank that is the ledger's settlement agent. Any other participant gets <see cref="SettlementResult.NotACentralBank"/>.
    /// </summary>
    public SettlementResult MayMoveLiquidity(ulong participant, uint ledger)
    {
        if (!_participantIndex.TryGetValue(participant, out int pi)) return SettlementResult.ParticipantNotFound;
        if (!_ledgerIndex.TryGetValue(ledger, out int li)) return SettlementResult.LedgerNotRegistered;
        ParticipantRecord p = _participants[pi];
        if (p.Role == ParticipantRole.Operator) return SettlementResult.Ok;
        if (p.Status != ParticipantStatus.Active) return SettlementResult.ParticipantNotActive;
        return p.Role == ParticipantRole.CentralBank && _ledgers[li].CentralBank == participant ? SettlementResult.Ok : SettlementResult.NotACentralBank;
    }

    /// <summary>The participant registered with this BIC (ISO 9362), or null.</summary>
    public ulong? FindParticipantByBic(string bic) => _participantByBic.TryGetValue(bic, out ulong id) ? id : null;

    /// <summary>The BIC of a participant ("" when it has none or is unknown), without building its whole record.</summary>
    public string GetParticipantBic(ulong participantId) =>
        _participantIndex.TryGetValue(participantId, out int i) ? _participants[i].Bic : "";

    public ParticipantInfo? GetParticipant(ulong participantId)
    {
        if (!_participantIndex.TryGetValue(participantId, out int i)) return null;
        ParticipantRecord p = _participants[i];
        var accounts = new List<SettlementAccountInfo>(p.Accounts.Count);
        foreach (int a in p.Accounts) accounts.Add(AccountInfo(_accounts[a]));
        return new ParticipantInfo(p.Id, p.Role, p.Status, p.Name, p.RegisteredAt, accounts, p.Bic);
    }

    /// <summary>A participant's BIC ("" when it has none), or null when no participant has that id: a lookup that builds nothing.</summary>
    internal string? ParticipantBic(ulong participantId) =>
        _participantIndex.TryGetValue(participantId, out int i) ? _participants[i].Bic : null;

    /// <summary>All participants in registration order.</summary>
    public IReadOnlyList<ParticipantInfo> GetParticipants()
    {
        var list = new List<ParticipantInfo>(_participants.Count);
        foreach (ParticipantRecord p in _participants) list.Add(GetParticipant(p.Id)!);
        return list;
    }

    public SettlementAccountInfo? GetSettlementAccount(ulong participantId, uint ledger) =>
        _accountByOwner.TryGetValue((participantId, ledger), out int a) ? AccountInfo(_accounts[a]) : null;

    private SettlementAccountInfo AccountInfo(AccountRecord a) =>
        new(a.Participant, a.Ledger, a.AccountId, Balance(a), a.CreditLine, a.UrgentReserve, a.HighReserve, a.MultilateralLimit,
            a.QueuedCount, a.QueuedMinor, a.NetSentTotalToday) { OvernightCreditMinor = a.OvernightCredit };

    /// <summary>The participant's queue in one ledger in settlement order: urgent, high, normal; FIFO within each.</summary>
    public IReadOnlyList<PaymentInfo> GetQueue(ulong participantId, uint ledger)
    {
        var list = new List<PaymentInfo>();
        if (!_accountByOwner.TryGetValue((participantId, ledger), out int a)) return list;
        for (int q = 0; q < 3; q++)
            foreach (int pi in _accounts[a].Queues[q]) list.Add(Info(pi));
        return list;
    }

    /// <summary>The payment at <paramref name="index"/> in submission order (0-based, below <see cref="PaymentCount"/>).</summary>
    public PaymentInfo GetPaymentAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _payments.Count);
        return Info(index);
    }

    /// <summary>End-of-day statements built so far; append-only, so projections read new ones by index.</summary>
    public int StatementCount => _statements.Count;

    public AccountStatement GetStatementAt(int index) => _statements[index];

    public PaymentInfo? GetPayment(UInt128 paymentId) =>
        _paymentIndex.TryGetValue(paymentId, out int i) ? Info(i) : null;

    private PaymentInfo Info(int index)
    {
        ref PaymentRecord p = ref Payment(index);
        return new(p.Id, p.Payer, p.Payee, p.Ledger, p.Amount, p.Priority, p.Kind, p.Earliest, p.Latest, p.WindowId, p.Status, p.Reason,
            p.SubmittedAt, p.FinalAt, p.BusinessDate) { Details = DetailsOf(index), IsPvpLeg = p.Pvp };
    }

    /// <summary>The newest <paramref name="limit"/> netting windows, newest first.</summary>
    public IReadOnlyList<WindowInfo> GetWindows(int limit)
    {
        var windows = new List<WindowInfo>(Math.Min(Math.Max(limit, 0), _windows.Count));
        for (int i = _windows.Count - 1; i >= 0 && windows.Count < limit; i--) windows.Add(GetWindow(_windows[i].Id)!);
        return windows;
    }

    public WindowInfo? GetWindow(ulong windowId)
    {
        if (!_windowIndex.TryGetValue(windowId, out int i)) return null;
        WindowRecord w = _windows[i];
        long gross = 0;
        foreach (int pi in w.Payments) gross += Payment(pi).Amount;
        IReadOnlyList<NetPosition> positions = w.Status == WindowStatus.Settled ? w.Positions : OpenWindowPositions(w);
        return new WindowInfo(w.Id, w.Ledger, w.Name, w.Status, w.Payments.Count, gross, positions, w.Excluded, w.ClosedAt);
    }

    /// <summary>Indicative positions of an open window (no exclusions applied).</summary>
    private NetPosition[] OpenWindowPositions(WindowRecord w)
    {
        SortedDictionary<int, Int128> nets = WindowNets(w, new SortedSet<ulong>());
        var positions = new List<NetPosition>(nets.Count);
        foreach (KeyValuePair<int, Int128> n in nets) positions.Add(new NetPosition(_accounts[n.Key].Participant, (long)n.Value));
        positions.Sort((x, y) => x.Participant.CompareTo(y.Participant));
        return positions.ToArray();
    }

    public AccountStatement? GetStatement(uint businessDate, UInt128 accountId) =>
        _statementIndex.TryGetValue((businessDate, accountId), out int i) ? _statements[i] : null;

    /// <summary>Every statement of a business day, in account opening order.</summary>
    public IReadOnlyList<AccountStatement> GetStatements(uint businessDate)
    {
        var list = new List<AccountStatement>();
        foreach (AccountStatement s in _statements) if (s.BusinessDate == businessDate) list.Add(s);
        return list;
    }

    public DayStatus GetDayStatus()
    {
        // The day's payments by status; a PvP leg is counted with its PvP payment (Engine.GetDayStatus). Settled, rejected
        // and revoked are final: counted once, the rest looked at again at each count (StatusTally).
        ReadOnlySpan<int> c = _dayTally.Count(_dayFirstPayment, _payments.Count, i => (byte)_payments[i].Status,
            s => (PaymentStatus)s is PaymentStatus.Settled or PaymentStatus.Rejected or PaymentStatus.Revoked, i => _payments[i].Pvp);
        int submitted = 0;
        foreach (int n in c) submitted += n;
        int settled = c[(byte)PaymentStatus.Settled], queued = c[(byte)PaymentStatus.Queued], scheduled = c[(byte)PaymentStatus.Scheduled],
            rejected = c[(byte)PaymentStatus.Rejected], revoked = c[(byte)PaymentStatus.Revoked], inWindow = c[(byte)PaymentStatus.InWindow],
            held = c[(byte)PaymentStatus.Held];
        var totals = new List<QueuedTotal>();
        foreach (uint ledger in SortedLedgers())
        {
            LedgerRecord l = _ledgers[_ledgerIndex[ledger]];
            totals.Add(new QueuedTotal(ledger, l.QueuedCount, l.QueuedMinor));
        }
        var overnight = new List<OvernightCredit>();
        foreach (uint ledger in SortedLedgers())
            foreach (int a in _ledgers[_ledgerIndex[ledger]].Accounts)
                if (_accounts[a].OvernightCredit != 0) overnight.Add(new OvernightCredit(_accounts[a].Participant, ledger, _accounts[a].OvernightCredit));
        return new DayStatus(_businessDate, _phase, _phaseSinceNs, submitted, settled, queued, scheduled, rejected, revoked, inWindow, totals)
        {
            OvernightCredits = overnight, Held = held, DayStartNs = _dayStartNs,
            Schedule = _schedule, Cutoffs = ScheduledCutoffs(), NextCutoff = NextScheduledCutoff(),
        };
    }

    /// <summary>Ledger account ids of a registered ledger's central bank and clearing accounts.</summary>
    public (UInt128 CentralBankAccountId, UInt128 ClearingAccountId)? GetLedgerAccounts(uint ledger) =>
        _ledgerIndex.TryGetValue(ledger, out int i) ? (_ledgers[i].CentralBankAccountId, _ledgers[i].ClearingAccountId) : null;

    /// <summary>Registered ledgers in registration order: ledger, central bank, its account, clearing account, currency code.</summary>
    public List<(uint Ledger, ulong CentralBank, UInt128 CentralBankAccountId, UInt128 ClearingAccountId, string CurrencyCode)> GetLedgers()
    {
        var list = new List<(uint, ulong, UInt128, UInt128, string)>(_ledgers.Count);
        foreach (LedgerRecord l in _ledgers) list.Add((l.Ledger, l.CentralBank, l.CentralBankAccountId, l.ClearingAccountId, l.CurrencyCode));
        return list;
    }
}
