using Corridor.Core.Ledger;
using Corridor.Core.Settlement;

namespace Corridor.Core.Exchange;

/// <summary>Where a quote stands: lockable (Active), or closed by its provider or by engine time.</summary>
public enum QuoteStatus : byte { Active = 1, Withdrawn = 2, Expired = 3 }

/// <summary>Where a quote lock stands. Failed: the lock attempt was rejected (kept for idempotency).</summary>
public enum LockStatus : byte { Failed = 0, Locked = 1, Settled = 2, Released = 3, Expired = 4 }

/// <summary>
/// Whether a payment's two legs settled (both posted) or it failed (neither). Held: compliance screening stopped it
/// before any leg; nothing has moved and the lock's reservation is kept until an operator releases or rejects it.
/// </summary>
public enum PaymentStatus : byte
{
    Failed = 0,
    Settled = 1,
    Held = 2,
    /// <summary>The payer leg waits in the payer's RTGS queue (SettlementOptions.PvpThroughRtgs); the lock's reservation is kept.</summary>
    Queued = 3,
}

/// <summary>Where a bilateral FX trade stands: awaiting affirmation, or closed.</summary>
public enum TradeStatus : byte { Submitted = 1, Settled = 2, Failed = 3, Cancelled = 4, Expired = 5 }

/// <summary>A published FX quote and its life cycle.</summary>
public sealed class QuoteRecord
{
    public required PublishQuote Quote { get; init; }
    public required ulong ContentHash { get; init; }
    public required uint SourceLedger { get; init; }
    public required uint DestinationLedger { get; init; }
    public required int SourceExponent { get; init; }
    public required int DestinationExponent { get; init; }
    /// <summary>Engine time at which the quote was published (best-quote tie-break: earlier wins).</summary>
    public required ulong PublishedAt { get; init; }
    public QuoteStatus Status { get; internal set; }
}

/// <summary>
/// A quote lock: the amounts fixed for one payment and the provider's reservation that backs them. A struct: the exchange
/// keeps its locks in a chunked list (<see cref="Corridor.Core.Ledger.ChunkedList{T}"/>), not as one object each for the
/// collector to trace and copy as it ages (a node keeps every lock it ever took); a query gets a copy.
/// </summary>
public struct LockRecord
{
    public LockQuote Request { get; internal set; }
    public ulong ContentHash { get; internal set; }
    public LockResult Result { get; internal set; }
    /// <summary>Ledger result of the reservation when Result is a ledger rejection; Ok otherwise.</summary>
    public CreateTransferResult LedgerResult { get; internal set; }
    public LockStatus Status { get; internal set; }
    public long SourceMinor { get; internal set; }
    public long DestinationMinor { get; internal set; }
    public uint SourceLedger { get; internal set; }
    public uint DestinationLedger { get; internal set; }
    public UInt128 ProviderSourceAccount { get; internal set; }
    public UInt128 ProviderDestinationAccount { get; internal set; }
    /// <summary>The pending ledger transfer provider → payee in the destination currency.</summary>
    public UInt128 ReservationTransferId { get; internal set; }
    public ulong LockedAt { get; internal set; }
    /// <summary>Engine time at which the reservation times out (the ledger voids it then).</summary>
    public ulong ExpiresAt { get; internal set; }
    /// <summary>The payment that consumed the lock (settled, or failed and released it); 0 if none.</summary>
    public UInt128 PaymentId { get; internal set; }
}

/// <summary>
/// A cross-currency payment against a lock, with its mandatory parties and trade references — a copy of the payment as it
/// was when asked for (the state keeps payments as <see cref="PaymentRow"/>s). The request is kept exactly as journaled
/// (one byte array, not ~30 objects per payment) and decoded when asked for.
/// </summary>
public sealed class PaymentRecord
{
    /// <summary>The payment's journaled bytes: a slice of its state's <see cref="ByteArena"/>, never changed.</summary>
    internal ReadOnlyMemory<byte> Encoded { get; init; }
    public required UInt128 PaymentId { get; init; }
    public required UInt128 LockId { get; init; }
    public required ulong ContentHash { get; init; }

    /// <summary>The payment as submitted: parties and trade references byte for byte (decoded on each call).</summary>
    public PayAgainstLock Request
    {
        get
        {
            var r = new WireReader(Encoded.Span);
            return PayAgainstLock.Read(ref r);
        }
    }

    /// <summary>Position in submission order.</summary>
    internal int Position { get; init; }
    public PayResult Result { get; init; }
    public CreateTransferResult LedgerResult { get; init; }
    public PaymentStatus Status { get; init; }
    public long SourceMinor { get; init; }
    public long DestinationMinor { get; init; }
    /// <summary>Payer → provider, source currency (posted). Exists in the ledger only if the payment settled.</summary>
    public UInt128 SourceLegTransferId { get; init; }
    /// <summary>Post of the reservation provider → payee, destination currency. Exists only if settled.</summary>
    public UInt128 DestinationLegTransferId { get; init; }
    public ulong Timestamp { get; init; }
    /// <summary>ISO 20022 ids of the message that instructed it (PayAtBestQuote from a pacs.008); <see cref="PaymentReferences.None"/> otherwise.</summary>
    public PaymentReferences References { get; init; } = PaymentReferences.None;
}

/// <summary>
/// A PvP payment as the exchange keeps it: a struct in a chunked list (no object per payment for the collector to trace and
/// copy; a node keeps every payment), its journaled bytes and ISO 20022 ids in lists beside it, by position.
/// </summary>
internal struct PaymentRow
{
    public UInt128 PaymentId, LockId, SourceLegTransferId, DestinationLegTransferId;
    public ulong ContentHash, Timestamp;
    public long SourceMinor, DestinationMinor;
    // The next payment sharing this one's invoice / LC reference (-1: none); the position of its ids in _references (-1: none).
    public int NextSameInvoice, NextSameLetterOfCredit, References;
    public PayResult Result;
    public CreateTransferResult LedgerResult;
    public PaymentStatus Status;
}

/// <summary>A bilateral FX trade: submitted by one party, affirmed by the other, settled PvP.</summary>
public sealed class TradeRecord : Corridor.Core.Engine.CopyOnWriteRecord
{
    public required FxTradeInstruction Terms { get; init; }
    public required ulong SubmitHash { get; init; }
    public required ulong SubmittedAt { get; init; }
    public TradeStatus Status { get; internal set { BeforeChange(); field = value; } }
    /// <summary>Content hash of the affirmation that closed the trade (settled or failed); 0 before.</summary>
    public ulong AffirmHash { get; internal set { BeforeChange(); field = value; } }
    public TradeResult AffirmResult { get; internal set { BeforeChange(); field = value; } }
    public CreateTransferResult LedgerResult { get; internal set { BeforeChange(); field = value; } }
    public uint LedgerA { get; internal set { BeforeChange(); field = value; } }
    public uint LedgerB { get; internal set { BeforeChange(); field = value; } }
    public UInt128 LegATransferId { get; internal set { BeforeChange(); field = value; } }
    public UInt128 LegBTransferId { get; internal set { BeforeChange(); field = value; } }
    public ulong ClosedAt { get; internal set { BeforeChange(); field = value; } }
}

/// <summary>The best quote for a request and the amounts it would lock.</summary>
public readonly record struct QuoteMatch(UInt128 QuoteId, ulong Provider, FxRate Rate, long SourceMinor, long DestinationMinor, ulong ValidUntilNs);

/// <summary>Ids and codes of the ledger transfers the exchange creates.</summary>
public static class ExchangeTransfers
{
    /// <summary>Transfer code of the provider's reservation (pending) and its post/void.</summary>
    public const ushort ReservationCode = 201;
    /// <summary>Transfer code of the payer's leg (payer → provider, source currency).</summary>
    public const ushort PayerLegCode = 202;
    /// <summary>Transfer code of both legs of a bilateral FX trade.</summary>
    public const ushort TradeLegCode = 203;

    public const byte ReservationTag = 1, PayerLegTag = 2, PostReservationTag = 3, VoidReservationTag = 4, TradeLegATag = 5, TradeLegBTag = 6,
        /// <summary>The lock id PayAtBestQuote derives from its payment id.</summary>
        BestQuoteLockTag = 7;

    /// <summary>
    /// Ledger transfer id derived from an exchange id: XxHash128("corridor.fx" ‖ tag ‖ id). Deterministic, so
    /// replay creates the same transfers; a client's own transfer ids collide with these only by 128-bit chance.
    /// </summary>
    public static UInt128 Derive(UInt128 id, byte tag)
    {
        Span<byte> input = stackalloc byte[11 + 1 + 16];
        "corridor.fx"u8.CopyTo(input);
        input[11] = tag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(input[12..], id);
        return System.IO.Hashing.XxHash128.HashToUInt128(input);
    }
}
