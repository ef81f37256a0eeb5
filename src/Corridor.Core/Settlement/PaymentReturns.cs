using Corridor.Core.Engine;

namespace Corridor.Core.Settlement;

/// <summary>
/// Returns (all or part of) a settled payment (ISO 20022 pacs.004): the original payee pays the amount back to the
/// original payer as a new RTGS payment with id <c>ReturnId</c>, which settles or queues like any payment.
/// <c>ReturnId</c> makes the return idempotent; the total returned never exceeds the original amount.
/// </summary>
public readonly record struct SubmitReturn(UInt128 ReturnId, UInt128 OriginalPaymentId, ulong Returner, uint Ledger, long AmountMinor)
    : ISettlementCommand<SubmitReturn>
{
    public static Operation Operation => Operation.SubmitReturn;
    public static int MaxItemBytes => 16 + 16 + 8 + 4 + 8;
    public void Write(ref PayloadWriter w) { w.U128(ReturnId); w.U128(OriginalPaymentId); w.U64(Returner); w.U32(Ledger); w.I64(AmountMinor); }
    public static SubmitReturn Read(ref PayloadReader r) => new(r.U128(), r.U128(), r.U64(), r.U32(), r.I64());
}

/// <summary>
/// Reply item of SubmitReturn. <c>Result</c> is the submission result (Ok when accepted: settled or queued);
/// <c>Status</c> where the return payment stands now; <c>Duplicate</c> is true when <c>ReturnId</c> was submitted
/// before with the same content (nothing moved this time; Result and Status are the original return's).
/// <c>ReturnedMinor</c> is the total returned (settled or queued) of the original after this item.
/// </summary>
public readonly record struct ReturnOutcome(
    int Index, UInt128 ReturnId, UInt128 OriginalPaymentId, SettlementResult Result, PaymentStatus Status, bool Duplicate, long ReturnedMinor);

/// <summary>A return as queried: the return payment and the original it pays back.</summary>
public readonly record struct ReturnInfo(UInt128 ReturnId, UInt128 OriginalPaymentId, long AmountMinor, PaymentStatus Status);
