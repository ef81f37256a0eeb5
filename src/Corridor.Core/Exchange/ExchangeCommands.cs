using Corridor.Core.Engine;
using Corridor.Core.Settlement;

namespace Corridor.Core.Exchange;

/// <summary>
/// One item of an exchange command payload. A command's payload is <c>count</c> items back to back,
/// each little-endian with UTF-8 strings length-prefixed (see <see cref="WireWriter"/>).
/// </summary>
public interface IExchangeItem<TSelf> where TSelf : IExchangeItem<TSelf>
{
    /// <summary>Worst-case encoded size, used to size buffers.</summary>
    static abstract int MaxEncodedBytes { get; }

    void Write(ref WireWriter w);

    /// <summary>Reads one item; throws <see cref="InvalidDataException"/> on malformed input.</summary>
    static abstract TSelf Read(ref WireReader r);
}

/// <summary>Operator: make a currency usable (code, minor-unit exponent, ledger; ledger 0 = ISO numeric). 8 bytes.</summary>
public readonly record struct ConfigureCurrency(string Code, byte Exponent, uint Ledger) : IExchangeItem<ConfigureCurrency>
{
    public static int MaxEncodedBytes => 8;
    public void Write(ref WireWriter w) { w.Code(Code); w.U8(Exponent); w.U32(Ledger); }
    public static ConfigureCurrency Read(ref WireReader r) => new(r.Code(), r.U8(), r.U32());
}

/// <summary>
/// FX provider: offer to convert SourceCurrency into DestinationCurrency at Rate, for payments of
/// MinSourceMinor..MaxSourceMinor, lockable while ValidFromNs ≤ engine time &lt; ValidUntilNs, each lock holding the
/// provider's liquidity at most MaxLockSeconds. The payer's leg credits ProviderSourceAccount; the payee's leg debits
/// ProviderDestinationAccount. 116 bytes.
/// </summary>
public readonly record struct PublishQuote(
    UInt128 QuoteId, ulong Provider, string SourceCurrency, string DestinationCurrency, FxRate Rate,
    long MinSourceMinor, long MaxSourceMinor, ulong ValidFromNs, ulong ValidUntilNs,
    UInt128 ProviderSourceAccount, UInt128 ProviderDestinationAccount, uint MaxLockSeconds) : IExchangeItem<PublishQuote>
{
    public static int MaxEncodedBytes => 116;

    public void Write(ref WireWriter w)
    {
        w.U128(QuoteId); w.U64(Provider); w.Code(SourceCurrency); w.Code(DestinationCurrency); w.U16(0);
        w.I64(Rate.Numerator); w.I64(Rate.Denominator); w.I64(MinSourceMinor); w.I64(MaxSourceMinor);
        w.U64(ValidFromNs); w.U64(ValidUntilNs); w.U128(ProviderSourceAccount); w.U128(ProviderDestinationAccount); w.U32(MaxLockSeconds);
    }

    public static PublishQuote Read(ref WireReader r)
    {
        UInt128 id = r.U128(); ulong provider = r.U64(); string src = r.Code(); string dst = r.Code(); r.Zero(2);
        return new PublishQuote(id, provider, src, dst, new FxRate(r.I64(), r.I64()), r.I64(), r.I64(), r.U64(), r.U64(), r.U128(), r.U128(), r.U32());
    }
}

/// <summary>FX provider: stop offering a quote (existing locks stay valid until they settle or expire). 24 bytes.</summary>
public readonly record struct WithdrawQuote(UInt128 QuoteId, ulong Provider) : IExchangeItem<WithdrawQuote>
{
    public static int MaxEncodedBytes => 24;
    public void Write(ref WireWriter w) { w.U128(QuoteId); w.U64(Provider); }
    public static WithdrawQuote Read(ref WireReader r) => new(r.U128(), r.U64());
}

/// <summary>
/// Payer: lock a quote for one payment of AmountMinor (source or destination side) from PayerAccount to
/// PayeeAccount. Reserves the provider's destination liquidity (pending ledger transfer provider → payee)
/// for LockSeconds of engine time. 88 bytes.
/// </summary>
public readonly record struct LockQuote(
    UInt128 LockId, UInt128 QuoteId, ulong Payer, UInt128 PayerAccount, UInt128 PayeeAccount,
    long AmountMinor, AmountSide Side, uint LockSeconds) : IExchangeItem<LockQuote>
{
    public static int MaxEncodedBytes => 88;

    public void Write(ref WireWriter w)
    {
        w.U128(LockId); w.U128(QuoteId); w.U64(Payer); w.U128(PayerAccount); w.U128(PayeeAccount);
        w.I64(AmountMinor); w.U8((byte)Side); w.U8(0); w.U16(0); w.U32(LockSeconds);
    }

    public static LockQuote Read(ref WireReader r)
    {
        UInt128 lockId = r.U128(), quoteId = r.U128(); ulong payer = r.U64(); UInt128 payerAccount = r.U128(), payeeAccount = r.U128();
        long amount = r.I64(); var side = (AmountSide)r.U8(); r.Zero(3);
        return new LockQuote(lockId, quoteId, payer, payerAccount, payeeAccount, amount, side, r.U32());
    }
}

/// <summary>Payer: give up a lock before paying; voids the provider's reservation. 24 bytes.</summary>
public readonly record struct ReleaseLock(UInt128 LockId, ulong Payer) : IExchangeItem<ReleaseLock>
{
    public static int MaxEncodedBytes => 24;
    public void Write(ref WireWriter w) { w.U128(LockId); w.U64(Payer); }
    public static ReleaseLock Read(ref WireReader r) => new(r.U128(), r.U64());
}

/// <summary>
/// Payer: the cross-border, cross-currency payment against a lock, with mandatory parties and trade
/// references. Settles both legs (payer → provider in the source currency, provider → payee in the
/// destination currency) atomically or neither. Variable length, at most <see cref="MaxEncodedBytes"/>.
/// </summary>
public sealed record PayAgainstLock(
    UInt128 PaymentId, UInt128 LockId, ulong Payer, Party Originator, Party Beneficiary, TradeReference Trade) : IExchangeItem<PayAgainstLock>
{
    public static int MaxEncodedBytes => 40 + 2 * Party.MaxEncodedBytes + TradeReference.MaxEncodedBytes;

    public void Write(ref WireWriter w)
    {
        w.U128(PaymentId); w.U128(LockId); w.U64(Payer);
        Originator.Write(ref w); Beneficiary.Write(ref w); Trade.Write(ref w);
    }

    public static PayAgainstLock Read(ref WireReader r)
    {
        UInt128 paymentId = r.U128(), lockId = r.U128(); ulong payer = r.U64();
        Party originator = Party.Read(ref r), beneficiary = Party.Read(ref r);
        return new PayAgainstLock(paymentId, lockId, payer, originator, beneficiary, TradeReference.Read(ref r));
    }
}

/// <summary>
/// A PvP payment against a lock with the ISO 20022 ids the payer gave it (POST /v1/fx/payments with <c>references</c>): the
/// payer and payee find it by them, as a same-currency payment or a cross-currency pacs.008.
/// </summary>
public sealed record PayAgainstLockWithReferences(PayAgainstLock Payment, PaymentReferences References) : IExchangeItem<PayAgainstLockWithReferences>
{
    public static int MaxEncodedBytes => PayAgainstLock.MaxEncodedBytes + PaymentReferences.MaxEncodedBytes;

    public void Write(ref WireWriter w)
    {
        Payment.Write(ref w);
        References.Write(ref w);
    }

    public static PayAgainstLockWithReferences Read(ref WireReader r)
    {
        PayAgainstLock payment = PayAgainstLock.Read(ref r);
        return new PayAgainstLockWithReferences(payment, PaymentReferences.Read(ref r));
    }
}

/// <summary>
/// A bilateral FX trade as one party instructs it (SubmitFxTrade by the first, AffirmFxTrade by the other, CLS-style
/// matching): party A delivers AmountAMinor of CurrencyA from PartyAPays to PartyBReceives; party B delivers
/// AmountBMinor of CurrencyB from PartyBPays to PartyAReceives. Instructing is the party sending it. 136 bytes.
/// </summary>
public readonly record struct FxTradeInstruction(
    UInt128 TradeId, ulong Instructing, ulong PartyA, ulong PartyB, string CurrencyA, string CurrencyB,
    long AmountAMinor, long AmountBMinor, UInt128 PartyAPays, UInt128 PartyBReceives, UInt128 PartyBPays, UInt128 PartyAReceives,
    ulong AffirmDeadlineNs) : IExchangeItem<FxTradeInstruction>
{
    public static int MaxEncodedBytes => 136;

    public void Write(ref WireWriter w)
    {
        w.U128(TradeId); w.U64(Instructing); w.U64(PartyA); w.U64(PartyB); w.Code(CurrencyA); w.Code(CurrencyB); w.U16(0);
        w.I64(AmountAMinor); w.I64(AmountBMinor); w.U128(PartyAPays); w.U128(PartyBReceives); w.U128(PartyBPays); w.U128(PartyAReceives);
        w.U64(AffirmDeadlineNs);
    }

    public static FxTradeInstruction Read(ref WireReader r)
    {
        UInt128 id = r.U128(); ulong instructing = r.U64(), a = r.U64(), b = r.U64(); string ca = r.Code(), cb = r.Code(); r.Zero(2);
        return new FxTradeInstruction(id, instructing, a, b, ca, cb, r.I64(), r.I64(), r.U128(), r.U128(), r.U128(), r.U128(), r.U64());
    }

    /// <summary>Same economic terms, whoever instructs.</summary>
    public bool SameTerms(in FxTradeInstruction other) => this with { Instructing = 0 } == other with { Instructing = 0 };
}

/// <summary>A party withdraws its unaffirmed trade. 24 bytes.</summary>
public readonly record struct CancelFxTrade(UInt128 TradeId, ulong Participant) : IExchangeItem<CancelFxTrade>
{
    public static int MaxEncodedBytes => 24;
    public void Write(ref WireWriter w) { w.U128(TradeId); w.U64(Participant); }
    public static CancelFxTrade Read(ref WireReader r) => new(r.U128(), r.U64());
}

/// <summary>Encodes exchange items into journaled commands and decodes them back.</summary>
public static class ExchangeCommands
{
    /// <summary>Upper bound on items in one exchange command.</summary>
    public const int MaxItemsPerCommand = 8190;

    /// <summary>Writes one command (header + items) at the start of <paramref name="destination"/>; returns bytes written.</summary>
    public static int Write<T>(Span<byte> destination, Operation operation, ReadOnlySpan<T> items) where T : IExchangeItem<T>
    {
        if (items.Length > MaxItemsPerCommand) throw new ArgumentException($"{items.Length} items exceed {MaxItemsPerCommand}", nameof(items));
        var w = new WireWriter(destination[CommandBatch.HeaderBytes..]);
        foreach (T item in items) item.Write(ref w);
        int payloadBytes = w.Written;
        if (payloadBytes > CommandBatch.MaxCommandPayloadBytes) throw new ArgumentException($"payload of {payloadBytes} bytes exceeds {CommandBatch.MaxCommandPayloadBytes}", nameof(items));
        // The payload is already in place; CommandBatch.Write adds the header (its copy onto itself is a no-op move).
        CommandBatch.Write(destination, operation, items.Length, destination.Slice(CommandBatch.HeaderBytes, payloadBytes));
        return CommandBatch.HeaderBytes + payloadBytes;
    }

    /// <summary>Worst-case bytes of a command holding <paramref name="count"/> items of <typeparamref name="T"/>.</summary>
    public static int MaxCommandBytes<T>(int count) where T : IExchangeItem<T> => CommandBatch.HeaderBytes + count * T.MaxEncodedBytes;

    /// <summary>One command as a standalone byte array (tests, tools, the server's command builder).</summary>
    public static byte[] Encode<T>(Operation operation, params ReadOnlySpan<T> items) where T : IExchangeItem<T>
    {
        // Written into a pooled buffer of the worst case (often several times what is written), then copied out to size.
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(MaxCommandBytes<T>(items.Length));
        try { return buffer.AsSpan(0, Write(buffer, operation, items)).ToArray(); }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Decodes a whole payload of <paramref name="count"/> items; throws <see cref="InvalidDataException"/> if malformed or with trailing bytes.</summary>
    public static T[] Decode<T>(ReadOnlySpan<byte> payload, int count) where T : IExchangeItem<T> => Decode<T>(payload, count, out _, withRanges: false);

    /// <summary>As <see cref="Decode{T}(ReadOnlySpan{byte}, int)"/>, and where each item lies in <paramref name="payload"/>.</summary>
    public static T[] Decode<T>(ReadOnlySpan<byte> payload, int count, out Range[] ranges) where T : IExchangeItem<T> =>
        Decode<T>(payload, count, out ranges, withRanges: true);

    /// <summary>Reads one item of a command.</summary>
    public delegate T ItemReader<T>(ref WireReader r);

    /// <summary>As <see cref="Decode{T}(ReadOnlySpan{byte}, int, out Range[])"/>, each item read by <paramref name="read"/> (a reader that keeps less of it).</summary>
    public static T[] Decode<T>(ReadOnlySpan<byte> payload, int count, out Range[] ranges, ItemReader<T> read) =>
        Decode(payload, count, out ranges, withRanges: true, read);

    private static T[] Decode<T>(ReadOnlySpan<byte> payload, int count, out Range[] ranges, bool withRanges) where T : IExchangeItem<T> =>
        Decode(payload, count, out ranges, withRanges, static (ref WireReader r) => T.Read(ref r));

    private static T[] Decode<T>(ReadOnlySpan<byte> payload, int count, out Range[] ranges, bool withRanges, ItemReader<T> read)
    {
        if ((uint)count > MaxItemsPerCommand) throw new InvalidDataException($"exchange command declares {count} items, at most {MaxItemsPerCommand}");
        var items = new T[count];
        ranges = withRanges ? new Range[count] : [];
        var r = new WireReader(payload);
        for (int i = 0; i < count; i++)
        {
            int from = r.Position;
            items[i] = read(ref r);
            if (withRanges) ranges[i] = from..r.Position;
        }
        if (r.Remaining != 0) throw new InvalidDataException($"exchange payload has {r.Remaining} trailing bytes");
        return items;
    }
}
