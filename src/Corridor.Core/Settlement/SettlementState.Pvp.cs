using System.Runtime.CompilerServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Core.Settlement;

// The payer leg of a cross-currency (PvP) payment in RTGS (SettlementOptions.PvpThroughRtgs, docs/payment-lifecycle.md).
// The exchange owns the payment (quote lock, parties, both legs' transfers); settlement owns its place in the payer's queue:
// the same entry rule (FIFO and priorities), cover (reservations, sending limits), re-try on liquidity, cut-offs and revocation
// as every payment. The leg is a settlement payment with the exchange payment's id, the FX provider as payee and the source
// amount; when RTGS settles it, the exchange posts both legs as one linked chain.
public sealed partial class SettlementState
{
    /// <summary>The exchange that settles PvP legs; set by the engine.</summary>
    internal Corridor.Core.Exchange.ExchangeState? PvpExchange { get; set; }

    /// <summary>Queued PvP legs rejected since the last delivery (payment indices, in rejection order).</summary>
    private readonly List<int> _pvpLegsRejected = new();

    /// <summary>True once PvP payer legs go through RTGS (<see cref="SettlementOptions.PvpThroughRtgs"/>).</summary>
    internal bool PvpThroughRtgs => (_options & SettlementOptions.PvpThroughRtgs) != 0;

    /// <summary>
    /// The settlement account of <paramref name="participant"/> in <paramref name="ledger"/> if the participant is active (Ok);
    /// <see cref="SettlementResult.PayerNotActive"/> when it is not, <see cref="SettlementResult.PayerHasNoAccountInLedger"/>
    /// when it is unknown or has no account there. For legs settled outside RTGS (cross-node payments).
    /// </summary>
    internal SettlementResult ActiveAccountOf(ulong participant, uint ledger, out UInt128 accountId)
    {
        accountId = UInt128.Zero;
        if (!_participantIndex.TryGetValue(participant, out int pi) || !_accountByOwner.TryGetValue((participant, ledger), out int a))
            return SettlementResult.PayerHasNoAccountInLedger;
        if (_participants[pi].Status != ParticipantStatus.Active) return SettlementResult.PayerNotActive;
        accountId = _accounts[a].AccountId;
        return SettlementResult.Ok;
    }

    /// <summary>The currency code of a registered settlement ledger ("" when not registered).</summary>
    internal string CurrencyOf(uint ledger) => _ledgerIndex.TryGetValue(ledger, out int l) ? _ledgers[l].CurrencyCode : "";

    /// <summary>True when a settlement payment (or PvP leg) has this id: the two kinds of payment share one id space.</summary>
    internal bool HasPayment(UInt128 paymentId) => _paymentIndex.ContainsKey(paymentId);

    /// <summary>
    /// Enters the payer leg of PvP payment <paramref name="paymentId"/>: <paramref name="payerAccount"/> pays
    /// <paramref name="amountMinor"/> to <paramref name="providerAccount"/> in <paramref name="ledger"/>. The leg settles at once
    /// (the exchange posts both legs), waits in the payer's queue, or is refused as any payment would be (participant not active,
    /// queue full). <see cref="SettlementResult.PvpOutsideSettlementAccounts"/>: either account is not its owner's settlement
    /// account in that ledger, nothing recorded (the exchange settles such a payment directly, as before RTGS knew PvP).
    /// </summary>
    internal SettlementResult EnterPvpLeg(UInt128 paymentId, ulong payer, UInt128 payerAccount, UInt128 providerAccount, uint ledger, long amountMinor,
        ref ulong clock, out PaymentStatus status)
    {
        status = PaymentStatus.Rejected;
        if (!_accountById.TryGetValue(payerAccount, out int pa) || _accounts[pa].Participant != payer || _accounts[pa].Ledger != ledger
            || !_accountById.TryGetValue(providerAccount, out int qa) || _accounts[qa].Ledger != ledger)
            return SettlementResult.PvpOutsideSettlementAccounts;
        if (_paymentIndex.ContainsKey(paymentId)) return SettlementResult.PaymentExistsWithDifferentContent;
        if (_payments.Count >= MaxPayments) return SettlementResult.TooManyPayments;

        int index = _payments.Count;
        var record = new PaymentRecord
        {
            Id = paymentId, Payer = payer, Payee = _accounts[qa].Participant, Ledger = ledger, Amount = amountMinor,
            Priority = PaymentPriority.Normal, SubmittedPriority = PaymentPriority.Normal, Kind = PaymentKind.Customer,
            SubmittedAt = clock, BusinessDate = _businessDate, PayerAccount = -1, PayeeAccount = -1, Pvp = true,
        };
        SettlementResult check = Validate(ref record, clock, out _);
        _paymentIndex.Add(paymentId, index);
        _payments.Add() = record;
        _pvpLegCount++;
        if (check == SettlementResult.Ok) check = Enter(index, ref clock);
        if (check != SettlementResult.Ok) return RejectAtEntry(index, check, clock, out status, out _);
        ProcessWorklist(ref clock); // the provider was credited: its own queue may move
        status = Payment(index).Status;
        return status == PaymentStatus.Rejected ? Payment(index).Reason : SettlementResult.Ok;
    }

    /// <summary>RTGS found the leg covered: the exchange posts both legs, or fails the payment if its lock has expired.</summary>
    private void SettlePvpLeg(int index, ref ulong clock)
    {
        ref PaymentRecord p = ref Payment(index);
        bool queued = p.Status == PaymentStatus.Queued;
        if (PvpExchange is null || !PvpExchange.SettlePvpLegs(p.Id, ref clock))
        {
            // The exchange already failed its payment (lock expired): the leg ends without a second notice.
            if (queued) RemoveFromQueue(index);
            p = ref Payment(index);
            p.Status = PaymentStatus.Rejected;
            p.Reason = SettlementResult.PvpLockExpired;
            p.FinalAt = clock;
            return;
        }
        MarkSettled(index, clock);
    }

    /// <summary>
    /// The lock of a queued PvP payment expired (engine time passed it): its leg leaves the queue, rejected. Called by the
    /// exchange at the start of a batch.
    /// </summary>
    internal void RejectQueuedPvpLeg(UInt128 paymentId, ulong clock)
    {
        if (_paymentIndex.TryGetValue(paymentId, out int index) && Payment(index).Pvp && Payment(index).Status == PaymentStatus.Queued)
            Reject(index, SettlementResult.PvpLockExpired, clock);
    }

    /// <summary>
    /// Tells the exchange about PvP legs rejected while queued (cut-off, revocation, a participant suspended, lock expiry), so
    /// it fails their payments and voids the FX provider's reservation. Called by the engine after each command and time step.
    /// </summary>
    public void DeliverPvpRejections(ref ulong clock)
    {
        if (_pvpLegsRejected.Count == 0) return;
        foreach (int index in _pvpLegsRejected)
        {
            ref PaymentRecord p = ref Payment(index);
            PvpExchange?.FailQueuedPayment(p.Id, p.Reason, ref clock);
        }
        _pvpLegsRejected.Clear();
    }

    /// <summary>PvP legs among the payments.</summary>
    private int _pvpLegCount;

    /// <summary>True when some payment is a PvP leg (their snapshot section, format 11, is hashed only then).</summary>
    internal bool HasPvpLegs => _pvpLegCount != 0;

    /// <summary>The PvP legs' payment indices; a frozen capture leaves them to the writer thread (as the payments, SettlementState.Snapshot.cs).</summary>
    public void WritePvpLegsSnapshot(BinaryWriter w)
    {
        w.Write(_pvpLegCount);
        if (_pvpLegCount == 0) return;
        if (SnapshotCapture.Of(w) is { } capture)
        {
            ChunkedView<PaymentRecord> payments = FreezePayments(capture);
            ((SegmentedBuffer)w.BaseStream).Defer(4L * _pvpLegCount, later => WritePvpLegs(later, payments));
        }
        else WritePvpLegs(w, _payments.View());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WritePvpLegs(BinaryWriter w, ChunkedView<PaymentRecord> payments)
    {
        for (int c = 0; c < payments.ChunkCount; c++)
        {
            ReadOnlySpan<PaymentRecord> chunk = payments.Segment(c);
            for (int i = 0; i < chunk.Length; i++) if (chunk[i].Pvp) w.Write((c << ChunkedList<PaymentRecord>.ChunkShift) + i);
        }
    }

    public void ReadPvpLegsSnapshot(BinaryReader r)
    {
        int n = r.ReadInt32();
        if ((uint)n > (uint)_payments.Count) throw new InvalidDataException($"settlement snapshot: {n} PvP legs among {_payments.Count} payments");
        for (int k = 0; k < n; k++)
        {
            int i = r.ReadInt32();
            if ((uint)i >= (uint)_payments.Count || Payment(i).Pvp) throw new InvalidDataException($"settlement snapshot: PvP leg index {i}");
            Payment(i).Pvp = true;
            _pvpLegCount++;
        }
    }
}
