using System.Buffers.Binary;
using System.Text;
using Corridor.Core.Engine;

namespace Corridor.Core.Settlement;

/// <summary>
/// A settlement command item: plain data plus its deterministic binary form (little-endian, strings
/// UTF-8 with a one-byte length prefix and a bounded length). A command carries <c>count</c> items back to back.
/// </summary>
public interface ISettlementCommand<TSelf> where TSelf : ISettlementCommand<TSelf>
{
    static abstract Operation Operation { get; }
    /// <summary>Upper bound of one encoded item, in bytes.</summary>
    static abstract int MaxItemBytes { get; }
    void Write(ref PayloadWriter writer);
    static abstract TSelf Read(ref PayloadReader reader);
}

/// <summary>Registers a participant (idempotent: same id and content answers ParticipantAlreadyExists).</summary>
public readonly record struct RegisterParticipant(ulong ParticipantId, ParticipantRole Role, string Name, string Bic = "")
    : ISettlementCommand<RegisterParticipant>
{
    public const int MaxNameBytes = 64;
    /// <summary>ISO 9362 BIC: 8 or 11 characters; empty when the participant has none.</summary>
    public const int MaxBicBytes = 11;
    public static Operation Operation => Operation.RegisterParticipant;
    public static int MaxItemBytes => 8 + 1 + 1 + MaxNameBytes + 1 + MaxBicBytes;
    public void Write(ref PayloadWriter w) { w.U64(ParticipantId); w.U8((byte)Role); w.Str(Name, MaxNameBytes); w.Str(Bic ?? "", MaxBicBytes); }
    public static RegisterParticipant Read(ref PayloadReader r) => new(r.U64(), (ParticipantRole)r.U8(), r.Str(MaxNameBytes), r.Str(MaxBicBytes));
}

/// <summary>Suspends, re-activates or closes a participant.</summary>
public readonly record struct ChangeParticipantStatus(ulong ParticipantId, ParticipantStatus Status)
    : ISettlementCommand<ChangeParticipantStatus>
{
    public static Operation Operation => Operation.ChangeParticipantStatus;
    public static int MaxItemBytes => 9;
    public void Write(ref PayloadWriter w) { w.U64(ParticipantId); w.U8((byte)Status); }
    public static ChangeParticipantStatus Read(ref PayloadReader r) => new(r.U64(), (ParticipantStatus)r.U8());
}

/// <summary>
/// Opens a currency ledger for settlement: creates the central bank's account (no floor: it issues
/// liquidity) and the clearing account through which offsetting, LSM and net settlement pass.
/// </summary>
public readonly record struct RegisterLedger(uint Ledger, ulong CentralBankId, UInt128 CentralBankAccountId, UInt128 ClearingAccountId, string CurrencyCode)
    : ISettlementCommand<RegisterLedger>
{
    public const int MaxCurrencyCodeBytes = 8;
    public static Operation Operation => Operation.RegisterLedger;
    public static int MaxItemBytes => 4 + 8 + 16 + 16 + 1 + MaxCurrencyCodeBytes;
    public void Write(ref PayloadWriter w) { w.U32(Ledger); w.U64(CentralBankId); w.U128(CentralBankAccountId); w.U128(ClearingAccountId); w.Str(CurrencyCode, MaxCurrencyCodeBytes); }
    public static RegisterLedger Read(ref PayloadReader r) => new(r.U32(), r.U64(), r.U128(), r.U128(), r.Str(MaxCurrencyCodeBytes));
}

/// <summary>Opens a direct participant's settlement account in a ledger (DebitsMustNotExceedCredits: floor 0).</summary>
public readonly record struct OpenSettlementAccount(ulong ParticipantId, uint Ledger, UInt128 AccountId)
    : ISettlementCommand<OpenSettlementAccount>
{
    public static Operation Operation => Operation.OpenSettlementAccount;
    public static int MaxItemBytes => 8 + 4 + 16;
    public void Write(ref PayloadWriter w) { w.U64(ParticipantId); w.U32(Ledger); w.U128(AccountId); }
    public static OpenSettlementAccount Read(ref PayloadReader r) => new(r.U64(), r.U32(), r.U128());
}

/// <summary>Central bank funding: injects liquidity into, or withdraws it from, a settlement account.</summary>
public readonly record struct MoveLiquidity(UInt128 TransferId, ulong ParticipantId, uint Ledger, long AmountMinor, LiquidityDirection Direction)
    : ISettlementCommand<MoveLiquidity>
{
    public static Operation Operation => Operation.MoveLiquidity;
    public static int MaxItemBytes => 16 + 8 + 4 + 8 + 1;
    public void Write(ref PayloadWriter w) { w.U128(TransferId); w.U64(ParticipantId); w.U32(Ledger); w.I64(AmountMinor); w.U8((byte)Direction); }
    public static MoveLiquidity Read(ref PayloadReader r) => new(r.U128(), r.U64(), r.U32(), r.I64(), (LiquidityDirection)r.U8());
}

/// <summary>Sets the intraday credit line to <c>LimitMinor</c>: the difference moves between central bank and participant.</summary>
public readonly record struct SetCreditLine(UInt128 TransferId, ulong ParticipantId, uint Ledger, long LimitMinor)
    : ISettlementCommand<SetCreditLine>
{
    public static Operation Operation => Operation.SetCreditLine;
    public static int MaxItemBytes => 16 + 8 + 4 + 8;
    public void Write(ref PayloadWriter w) { w.U128(TransferId); w.U64(ParticipantId); w.U32(Ledger); w.I64(LimitMinor); }
    public static SetCreditLine Read(ref PayloadReader r) => new(r.U128(), r.U64(), r.U32(), r.I64());
}

/// <summary>Reserves part of the balance for urgent payments, and part for urgent+high payments.</summary>
public readonly record struct SetReservation(ulong ParticipantId, uint Ledger, long UrgentReserveMinor, long HighReserveMinor)
    : ISettlementCommand<SetReservation>
{
    public static Operation Operation => Operation.SetReservation;
    public static int MaxItemBytes => 8 + 4 + 8 + 8;
    public void Write(ref PayloadWriter w) { w.U64(ParticipantId); w.U32(Ledger); w.I64(UrgentReserveMinor); w.I64(HighReserveMinor); }
    public static SetReservation Read(ref PayloadReader r) => new(r.U64(), r.U32(), r.I64(), r.I64());
}

/// <summary>
/// Sets a sending limit on normal payments: bilateral towards <c>CounterpartyId</c>, or multilateral
/// when it is 0. The limit caps the day's net debit position (paid minus received); 0 removes the limit.
/// </summary>
public readonly record struct SetSendingLimit(ulong ParticipantId, uint Ledger, ulong CounterpartyId, long LimitMinor)
    : ISettlementCommand<SetSendingLimit>
{
    public static Operation Operation => Operation.SetSendingLimit;
    public static int MaxItemBytes => 8 + 4 + 8 + 8;
    public void Write(ref PayloadWriter w) { w.U64(ParticipantId); w.U32(Ledger); w.U64(CounterpartyId); w.I64(LimitMinor); }
    public static SetSendingLimit Read(ref PayloadReader r) => new(r.U64(), r.U32(), r.U64(), r.I64());
}

/// <summary>
/// A settlement instruction. <c>PaymentId</c> is chosen by the client and makes the submission idempotent.
/// Times are engine ns (0 = none). <c>WindowId</c> ≠ 0 sends the payment to that netting window instead of RTGS.
/// </summary>
public readonly record struct SubmitPayment(
    UInt128 PaymentId, ulong Payer, ulong Payee, uint Ledger, long AmountMinor, PaymentPriority Priority, PaymentKind Kind,
    ulong EarliestNs, ulong LatestNs, ulong WindowId)
    : ISettlementCommand<SubmitPayment>
{
    public static Operation Operation => Operation.SubmitPayment;
    public static int MaxItemBytes => 16 + 8 + 8 + 4 + 8 + 1 + 1 + 8 + 8 + 8;
    public void Write(ref PayloadWriter w)
    {
        w.U128(PaymentId); w.U64(Payer); w.U64(Payee); w.U32(Ledger); w.I64(AmountMinor); w.U8((byte)Priority); w.U8((byte)Kind);
        w.U64(EarliestNs); w.U64(LatestNs); w.U64(WindowId);
    }
    public static SubmitPayment Read(ref PayloadReader r) =>
        new(r.U128(), r.U64(), r.U64(), r.U32(), r.I64(), (PaymentPriority)r.U8(), (PaymentKind)r.U8(), r.U64(), r.U64(), r.U64());
}

/// <summary>Reorders, re-prioritises or revokes a payment waiting in its payer's queue.</summary>
public readonly record struct ManageQueuedPayment(ulong RequesterId, UInt128 PaymentId, QueueAction Action, PaymentPriority NewPriority, UInt128 ReferencePaymentId)
    : ISettlementCommand<ManageQueuedPayment>
{
    public static Operation Operation => Operation.ManageQueuedPayment;
    public static int MaxItemBytes => 8 + 16 + 1 + 1 + 16;
    public void Write(ref PayloadWriter w) { w.U64(RequesterId); w.U128(PaymentId); w.U8((byte)Action); w.U8((byte)NewPriority); w.U128(ReferencePaymentId); }
    public static ManageQueuedPayment Read(ref PayloadReader r) => new(r.U64(), r.U128(), (QueueAction)r.U8(), (PaymentPriority)r.U8(), r.U128());
}

/// <summary>Runs the multilateral liquidity-saving mechanism on one ledger (0 = every ledger, ascending).</summary>
public readonly record struct RunLsm(uint Ledger) : ISettlementCommand<RunLsm>
{
    public static Operation Operation => Operation.RunLsm;
    public static int MaxItemBytes => 4;
    public void Write(ref PayloadWriter w) => w.U32(Ledger);
    public static RunLsm Read(ref PayloadReader r) => new(r.U32());
}

/// <summary>Opens a named deferred-net-settlement window in one ledger.</summary>
public readonly record struct OpenNettingWindow(ulong WindowId, uint Ledger, string Name) : ISettlementCommand<OpenNettingWindow>
{
    public const int MaxNameBytes = 64;
    public static Operation Operation => Operation.OpenNettingWindow;
    public static int MaxItemBytes => 8 + 4 + 1 + MaxNameBytes;
    public void Write(ref PayloadWriter w) { w.U64(WindowId); w.U32(Ledger); w.Str(Name, MaxNameBytes); }
    public static OpenNettingWindow Read(ref PayloadReader r) => new(r.U64(), r.U32(), r.Str(MaxNameBytes));
}

/// <summary>Closes a netting window: nets, excludes participants that cannot cover, settles the rest atomically.</summary>
public readonly record struct CloseNettingWindow(ulong WindowId) : ISettlementCommand<CloseNettingWindow>
{
    public static Operation Operation => Operation.CloseNettingWindow;
    public static int MaxItemBytes => 8;
    public void Write(ref PayloadWriter w) => w.U64(WindowId);
    public static CloseNettingWindow Read(ref PayloadReader r) => new(r.U64());
}

/// <summary>Starts business day <c>BusinessDate</c> (yyyymmdd), from Closed or EndOfDay.</summary>
public readonly record struct OpenBusinessDay(uint BusinessDate) : ISettlementCommand<OpenBusinessDay>
{
    public static Operation Operation => Operation.OpenBusinessDay;
    public static int MaxItemBytes => 4;
    public void Write(ref PayloadWriter w) => w.U32(BusinessDate);
    public static OpenBusinessDay Read(ref PayloadReader r) => new(r.U32());
}

/// <summary>Moves the day to the next phase (CustomerCutoff, InterbankCutoff, EndOfDay), one step at a time.</summary>
public readonly record struct ChangeDayPhase(DayPhase Phase) : ISettlementCommand<ChangeDayPhase>
{
    public static Operation Operation => Operation.ChangeDayPhase;
    public static int MaxItemBytes => 1;
    public void Write(ref PayloadWriter w) => w.U8((byte)Phase);
    public static ChangeDayPhase Read(ref PayloadReader r) => new((DayPhase)r.U8());
}

/// <summary>Switches the liquidity-saving mechanism's event-driven parts on or off.</summary>
public readonly record struct SetSettlementOptions(SettlementOptions Options) : ISettlementCommand<SetSettlementOptions>
{
    public static Operation Operation => Operation.SetSettlementOptions;
    public static int MaxItemBytes => 1;
    public void Write(ref PayloadWriter w) => w.U8((byte)Options);
    public static SetSettlementOptions Read(ref PayloadReader r) => new((SettlementOptions)r.U8());
}

/// <summary>Encodes and decodes settlement command payloads and whole commands.</summary>
public static class SettlementCodec
{
    /// <summary>Most items in one settlement command.</summary>
    public const int MaxItemsPerCommand = 8190;

    public static byte[] EncodePayload<T>(ReadOnlySpan<T> items) where T : ISettlementCommand<T>
    {
        if (items.Length > MaxItemsPerCommand) throw new ArgumentException($"{items.Length} items exceed {MaxItemsPerCommand} per command", nameof(items));
        var buffer = new byte[items.Length * T.MaxItemBytes];
        var w = new PayloadWriter(buffer);
        for (int i = 0; i < items.Length; i++) items[i].Write(ref w);
        return buffer.AsSpan(0, w.Position).ToArray();
    }

    /// <summary>Decodes exactly <paramref name="count"/> items; throws <see cref="InvalidDataException"/> on malformed input.</summary>
    public static T[] DecodePayload<T>(ReadOnlySpan<byte> payload, int count) where T : ISettlementCommand<T>
    {
        if (count < 0 || count > MaxItemsPerCommand) throw new InvalidDataException($"{T.Operation}: {count} items, at most {MaxItemsPerCommand}");
        var items = new T[count];
        var r = new PayloadReader(payload);
        for (int i = 0; i < count; i++) items[i] = T.Read(ref r);
        if (r.Remaining != 0) throw new InvalidDataException($"{T.Operation}: {r.Remaining} trailing bytes after {count} items");
        return items;
    }

    /// <summary>A whole command (16-byte header + payload), ready to append to a batch body.</summary>
    public static byte[] EncodeCommand<T>(params ReadOnlySpan<T> items) where T : ISettlementCommand<T>
    {
        byte[] payload = EncodePayload(items);
        var bytes = new byte[CommandBatch.EncodedSize(payload.Length)];
        CommandBatch.Write(bytes, T.Operation, items.Length, payload);
        return bytes;
    }
}

/// <summary>Little-endian writer over a caller-sized buffer.</summary>
public ref struct PayloadWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    public int Position { get; private set; }

    public void U8(byte v) { _buffer[Position] = v; Position += 1; }
    public void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(_buffer[Position..], v); Position += 4; }
    public void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Position..], v); Position += 8; }
    public void I64(long v) { BinaryPrimitives.WriteInt64LittleEndian(_buffer[Position..], v); Position += 8; }
    public void U128(UInt128 v) { BinaryPrimitives.WriteUInt128LittleEndian(_buffer[Position..], v); Position += 16; }

    public void Str(string? value, int maxBytes)
    {
        value ??= "";
        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > maxBytes) throw new ArgumentException($"string of {bytes} UTF-8 bytes exceeds {maxBytes}", nameof(value));
        U8((byte)bytes);
        Position += Encoding.UTF8.GetBytes(value, _buffer[Position..]);
    }
}

/// <summary>Little-endian reader that throws <see cref="InvalidDataException"/> on truncated or malformed input.</summary>
public ref struct PayloadReader(ReadOnlySpan<byte> payload)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _payload = payload;
    private int _position;

    public readonly int Remaining => _payload.Length - _position;

    private ReadOnlySpan<byte> Take(int bytes)
    {
        if (Remaining < bytes) throw new InvalidDataException($"settlement payload truncated at byte {_position}: need {bytes}, {Remaining} remain");
        ReadOnlySpan<byte> s = _payload.Slice(_position, bytes);
        _position += bytes;
        return s;
    }

    public byte U8() => Take(1)[0];
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public UInt128 U128() => BinaryPrimitives.ReadUInt128LittleEndian(Take(16));

    public string Str(int maxBytes)
    {
        int bytes = U8();
        if (bytes > maxBytes) throw new InvalidDataException($"string of {bytes} bytes exceeds {maxBytes}");
        ReadOnlySpan<byte> s = Take(bytes);
        try { return StrictUtf8.GetString(s); }
        catch (DecoderFallbackException e) { throw new InvalidDataException("string is not valid UTF-8", e); }
    }
}
