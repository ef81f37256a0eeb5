using System.IO.Hashing;
using Corridor.Core.Settlement;

namespace Corridor.Core.Exchange;

/// <summary>
/// Payer: lock the best published quote for SourceCurrency → DestinationCurrency and pay against it, in one journaled
/// item (ISO 20022 cross-currency pacs.008). The best quote's rate must be within RateTolerancePpm of ExpectedRateE10
/// (the message's XchgRate: major units of destination per major unit of source, × 10^10), else nothing is locked.
/// Parties are checked by the travel rule at screening (RR01–RR04); trade references are carried when given and
/// not required. The message's ISO 20022 ids (MsgId, InstrId, EndToEndId, TxId, UETR) are kept with the payment.
/// Both legs settle together or neither (as PayAgainstLock). Variable length.
/// </summary>
public sealed record PayAtBestQuote(
    UInt128 PaymentId, ulong Payer, UInt128 PayerAccount, UInt128 PayeeAccount, string SourceCurrency, string DestinationCurrency,
    long AmountMinor, AmountSide Side, long ExpectedRateE10, uint RateTolerancePpm,
    Party Originator, Party Beneficiary, TradeReference Trade, PaymentReferences? References = null) : IExchangeItem<PayAtBestQuote>
{
    /// <summary>Largest accepted tolerance: 100 %.</summary>
    public const uint MaxRateTolerancePpm = 1_000_000;

    // The byte after Side was always written 0: it now says what follows the trade reference (journals written before
    // the ids existed read as "no ids", so they replay unchanged).
    private const byte HasReferences = 1;

    public static int MaxEncodedBytes => 16 + 8 + 16 + 16 + 3 + 3 + 2 + 8 + 1 + 3 + 4 + 8 + 2 * Party.MaxEncodedBytes + TradeReference.MaxEncodedBytes
        + PaymentReferences.MaxEncodedBytes;

    /// <summary>The ISO 20022 ids of the payment (<see cref="PaymentReferences.None"/> when it came without).</summary>
    public PaymentReferences References { get; init; } = References ?? PaymentReferences.None;

    public void Write(ref WireWriter w)
    {
        bool ids = !References.IsEmpty;
        w.U128(PaymentId); w.U64(Payer); w.U128(PayerAccount); w.U128(PayeeAccount); w.Code(SourceCurrency); w.Code(DestinationCurrency); w.U16(0);
        w.I64(AmountMinor); w.U8((byte)Side); w.U8(ids ? HasReferences : (byte)0); w.U16(0); w.U32(RateTolerancePpm); w.I64(ExpectedRateE10);
        Originator.Write(ref w); Beneficiary.Write(ref w); Trade.Write(ref w);
        if (ids) References.Write(ref w);
    }

    public static PayAtBestQuote Read(ref WireReader r)
    {
        UInt128 id = r.U128(); ulong payer = r.U64(); UInt128 payerAccount = r.U128(), payeeAccount = r.U128();
        string src = r.Code(), dst = r.Code(); r.Zero(2);
        long amount = r.I64(); var side = (AmountSide)r.U8();
        byte flags = r.U8();
        if ((flags & ~HasReferences) != 0) throw new InvalidDataException($"PayAtBestQuote flags {flags:x2} are not defined");
        r.Zero(2);
        uint tolerance = r.U32(); long rate = r.I64();
        Party originator = Party.Read(ref r), beneficiary = Party.Read(ref r);
        TradeReference trade = TradeReference.Read(ref r);
        PaymentReferences references = (flags & HasReferences) != 0 ? PaymentReferences.Read(ref r) : PaymentReferences.None;
        return new PayAtBestQuote(id, payer, payerAccount, payeeAccount, src, dst, amount, side, rate, tolerance, originator, beneficiary, trade, references);
    }

    /// <summary>
    /// True when <paramref name="quoted"/> is within <paramref name="tolerancePpm"/> of <paramref name="expectedRateE10"/>:
    /// |n/d − e/10^10| ≤ tolerance × e/10^10 / 10^6, in exact integers (n, d ≤ 10^18 and e &lt; 2^63 keep every product in Int128).
    /// </summary>
    public static bool RateWithinTolerance(FxRate quoted, long expectedRateE10, uint tolerancePpm)
    {
        Int128 quotedScaled = (Int128)quoted.Numerator * 10_000_000_000;   // n × 10^10      ≤ 10^28
        Int128 expectedScaled = (Int128)expectedRateE10 * quoted.Denominator; // e × d      < 9.3 × 10^36
        Int128 diff = quotedScaled - expectedScaled;
        if (diff < 0) diff = -diff;
        // diff / (e × d) ≤ tol / 10^6  ⇔  diff ≤ ⌊e × d / 10^6⌋ × tol + ⌊(e × d mod 10^6) × tol / 10^6⌋
        Int128 allowed = expectedScaled / 1_000_000 * tolerancePpm + expectedScaled % 1_000_000 * tolerancePpm / 1_000_000;
        return diff <= allowed;
    }
}

// Lock-and-pay in one step: the ISO 20022 path into PvP.
public sealed partial class ExchangeState
{
    /// <summary>How long PayAtBestQuote holds the provider's liquidity (the payment follows in the same item; capped by the quote).</summary>
    public const uint BestQuoteLockSeconds = 60;

    private readonly byte[] _payAtBestScratch = new byte[PayAgainstLock.MaxEncodedBytes];

    private PayResult PayAtBest(PayAtBestQuote p, ref ulong clock)
    {
        if (p.PaymentId == UInt128.Zero) return PayResult.PaymentIdMustNotBeZero;
        if (p.Payer == 0) return PayResult.PayerMustNotBeZero;
        if (p.ExpectedRateE10 <= 0 || p.RateTolerancePpm > PayAtBestQuote.MaxRateTolerancePpm || p.AmountMinor <= 0 || p.Side > AmountSide.Destination)
            return PayResult.ExpectedRateInvalid;

        UInt128 lockId = ExchangeTransfers.Derive(p.PaymentId, ExchangeTransfers.BestQuoteLockTag);
        var pay = new PayAgainstLock(p.PaymentId, lockId, p.Payer, p.Originator, p.Beneficiary, p.Trade);
        // Encoded into the engine's scratch buffer: a payment kept copies its bytes into the payments' arena (Pay).
        var w = new WireWriter(_payAtBestScratch);
        pay.Write(ref w);
        ReadOnlySpan<byte> encoded = _payAtBestScratch.AsSpan(0, w.Written);
        ulong payHash = XxHash3.HashToUInt64(encoded);

        if (_paymentIndex.TryGetValue(p.PaymentId, out int found))
        {
            PaymentRecord existing = RecordAt(found);
            // Refused before anything was locked (operating day): there is no lock to compare; the refusal stands.
            if (existing.LockId == lockId && !_lockIndex.ContainsKey(lockId))
                return existing.ContentHash == payHash && existing.References == p.References ? existing.Result : PayResult.IdReusedWithDifferentContent;
            bool same = existing.LockId == lockId && existing.ContentHash == payHash && existing.References == p.References && TryGetLock(lockId, out LockRecord l)
                && l.Request.Payer == p.Payer && l.Request.PayerAccount == p.PayerAccount && l.Request.PayeeAccount == p.PayeeAccount
                && l.Request.AmountMinor == p.AmountMinor && l.Request.Side == p.Side;
            return same ? existing.Result : PayResult.IdReusedWithDifferentContent;
        }
        // Outside the operating day nothing is locked; the payment is recorded refused (TryPay checks the day first).
        if (DayAdmits() != PayResult.Ok) return Pay(pay, payHash, encoded, ref clock, tradeOptional: true, p.References);
        if (!TryFindBestQuote(p.SourceCurrency, p.DestinationCurrency, p.AmountMinor, p.Side, clock, out QuoteMatch best)) return PayResult.NoQuoteAvailable;
        if (!PayAtBestQuote.RateWithinTolerance(best.Rate, p.ExpectedRateE10, p.RateTolerancePpm)) return PayResult.ExchangeRateMismatch;

        uint lockSeconds = Math.Min(BestQuoteLockSeconds, _quoteIndex[best.QuoteId].Quote.MaxLockSeconds);
        var lockRequest = new LockQuote(lockId, best.QuoteId, p.Payer, p.PayerAccount, p.PayeeAccount, p.AmountMinor, p.Side, lockSeconds);
        Span<byte> lockBytes = stackalloc byte[LockQuote.MaxEncodedBytes];
        var lw = new WireWriter(lockBytes);
        lockRequest.Write(ref lw);
        if (Lock(lockRequest, XxHash3.HashToUInt64(lockBytes[..lw.Written]), ref clock) != LockResult.Ok) return PayResult.LockFailed;
        return Pay(pay, payHash, encoded, ref clock, tradeOptional: true, p.References);
    }
}
