using System.Runtime.CompilerServices;
using Corridor.Core.Engine;

namespace Corridor.Core.Settlement;

// Payment returns (ISO 20022 pacs.004): the payee of a settled payment pays all or part of it back to the payer.
public sealed partial class SettlementState
{
    /// <summary>Most returns recorded against one original payment (partial returns; bounds the returned-total scan).</summary>
    public const int MaxReturnsPerPayment = 64;

    // Return payment index → original payment index, and the returns of each original in submission order.
    // _returns holds the same links in submission order: the canonical form for snapshot and hash.
    private readonly List<(int Return, int Original)> _returns = new();
    private readonly Dictionary<int, int> _returnOriginal = new();
    private readonly Dictionary<int, List<int>> _returnsOf = new();

    private CommandReply SubmitReturns(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        SubmitReturn[] items = SettlementCodec.DecodePayload<SubmitReturn>(payload, command.Count);
        var outcomes = new ReturnOutcome[items.Length];
        List<ItemResult>? errors = null;
        for (int i = 0; i < items.Length; i++)
        {
            clock++;
            SettlementResult result = Return(in items[i], ref clock, out PaymentStatus status, out bool duplicate);
            outcomes[i] = new ReturnOutcome(i, items[i].ReturnId, items[i].OriginalPaymentId, result, status, duplicate, 0);
            if (result != SettlementResult.Ok) (errors ??= new()).Add(new ItemResult(i, (ushort)result));
            ProcessWorklist(ref clock);
        }
        RunEventLsm(ref clock);
        // Liquidity arriving later in the command (or the event LSM) may have settled a queued return: report the status now.
        for (int i = 0; i < outcomes.Length; i++)
        {
            ReturnOutcome o = outcomes[i];
            PaymentStatus status = _paymentIndex.TryGetValue(o.ReturnId, out int ri) && _returnOriginal.ContainsKey(ri) ? Payment(ri).Status : o.Status;
            long returned = _paymentIndex.TryGetValue(o.OriginalPaymentId, out int oi) ? ReturnedMinor(oi) : 0;
            outcomes[i] = o with { Status = status, ReturnedMinor = returned };
        }
        return new CommandReply(command.Operation, command.Count, errors?.ToArray() ?? CommandReply.NoErrors, outcomes);
    }

    /// <summary>
    /// Checks a return against its original and enters it as an RTGS payment (payee → payer, same ledger, the original's
    /// priority, interbank). Refusals before entry leave no trace, so the return id stays free for a corrected return.
    /// </summary>
    private SettlementResult Return(in SubmitReturn cmd, ref ulong clock, out PaymentStatus status, out bool duplicate)
    {
        status = PaymentStatus.Rejected;
        duplicate = false;
        if (cmd.ReturnId == UInt128.Zero || cmd.ReturnId == UInt128.MaxValue) return SettlementResult.PaymentIdInvalid;
        if (_paymentIndex.TryGetValue(cmd.ReturnId, out int existing))
        {
            ref PaymentRecord e = ref Payment(existing);
            bool same = _returnOriginal.TryGetValue(existing, out int orig) && Payment(orig).Id == cmd.OriginalPaymentId
                && e.Payer == cmd.Returner && e.Ledger == cmd.Ledger && e.Amount == cmd.AmountMinor;
            if (!same) return SettlementResult.PaymentExistsWithDifferentContent;
            duplicate = true;
            status = e.Status;
            return e.SubmitResult;
        }
        if (!_paymentIndex.TryGetValue(cmd.OriginalPaymentId, out int original)) return SettlementResult.OriginalPaymentNotFound;
        if (_returnOriginal.ContainsKey(original)) return SettlementResult.CannotReturnAReturn;
        ref PaymentRecord o = ref Payment(original);
        if (o.Status != PaymentStatus.Settled) return SettlementResult.OriginalPaymentNotSettled;
        if (cmd.Returner != o.Payee) return SettlementResult.NotOriginalPayee;
        if (cmd.Ledger != o.Ledger) return SettlementResult.ReturnLedgerMismatch;
        if (cmd.AmountMinor <= 0) return SettlementResult.AmountMustBePositive;
        if (cmd.AmountMinor > o.Amount - ReturnedMinor(original)) return SettlementResult.ReturnExceedsOriginal;
        if (_returnsOf.TryGetValue(original, out List<int>? earlier) && earlier.Count >= MaxReturnsPerPayment) return SettlementResult.TooManyReturns;

        // A return is an interbank payment (pacs.004 is FI to FI): interbank cut-off, and the parties of the original, swapped,
        // are screened again (sanctions) without holding the return to the customer travel rule the original already passed.
        PaymentDetails? od = DetailsOf(original);
        PaymentDetails? details = od is null ? null : new PaymentDetails(od.Beneficiary, od.Originator, null, od.References);
        var payment = new SubmitPayment(cmd.ReturnId, o.Payee, o.Payer, o.Ledger, cmd.AmountMinor, o.SubmittedPriority, PaymentKind.Interbank, 0, 0, 0);
        SettlementResult result = Submit(in payment, details, default, screen: true, travelRuleAtEntry: false, ref clock, out status, out _, out _);
        if (!_paymentIndex.TryGetValue(cmd.ReturnId, out int index)) return result; // refused before it was recorded (too many payments)
        LinkReturn(index, original);
        return result;
    }

    private void LinkReturn(int returnIndex, int originalIndex)
    {
        _returns.Add((returnIndex, originalIndex));
        _returnOriginal.Add(returnIndex, originalIndex);
        if (!_returnsOf.TryGetValue(originalIndex, out List<int>? list)) _returnsOf.Add(originalIndex, list = new List<int>(1));
        list.Add(returnIndex);
    }

    /// <summary>What is returned of a payment: its returns that settled or may still settle (queued, scheduled, held for compliance).</summary>
    private long ReturnedMinor(int original)
    {
        if (!_returnsOf.TryGetValue(original, out List<int>? returns)) return 0;
        long total = 0;
        foreach (int r in returns)
        {
            ref PaymentRecord p = ref Payment(r);
            if (p.Status is PaymentStatus.Settled or PaymentStatus.Queued or PaymentStatus.Scheduled or PaymentStatus.Held) total += p.Amount;
        }
        return total;
    }

    /// <summary>The returns of a payment in submission order (empty if none or unknown).</summary>
    public IReadOnlyList<ReturnInfo> GetReturns(UInt128 originalPaymentId)
    {
        if (!_paymentIndex.TryGetValue(originalPaymentId, out int original) || !_returnsOf.TryGetValue(original, out List<int>? returns)) return [];
        var list = new List<ReturnInfo>(returns.Count);
        foreach (int r in returns) list.Add(new ReturnInfo(Payment(r).Id, originalPaymentId, Payment(r).Amount, Payment(r).Status));
        return list;
    }

    /// <summary>Total returned (settled or queued) of a payment; 0 if none or unknown.</summary>
    public long GetReturnedMinor(UInt128 originalPaymentId) =>
        _paymentIndex.TryGetValue(originalPaymentId, out int original) ? ReturnedMinor(original) : 0;

    /// <summary>The original payment a return pays back, or null if <paramref name="paymentId"/> is not a return.</summary>
    public UInt128? GetReturnedPayment(UInt128 paymentId) =>
        _paymentIndex.TryGetValue(paymentId, out int i) && _returnOriginal.TryGetValue(i, out int o) ? Payment(o).Id : null;

    /// <summary>Snapshot section (engine format 7, after payment details): return links (return index, original index) in submission order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    public void WriteReturnsSnapshot(BinaryWriter w)
    {
        w.Write(_returns.Count);
        foreach (var (r, o) in _returns) { w.Write(r); w.Write(o); }
    }

    public void ReadReturnsSnapshot(BinaryReader r)
    {
        int count = Count(r, MaxPayments);
        for (int i = 0; i < count; i++)
        {
            int ret = r.ReadInt32(), original = r.ReadInt32();
            if ((uint)ret >= (uint)_payments.Count || (uint)original >= (uint)_payments.Count || ret == original)
                throw new InvalidDataException($"settlement snapshot: return link {ret} → {original} outside the {_payments.Count} payments");
            LinkReturn(ret, original);
        }
    }
}
