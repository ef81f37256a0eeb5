using System.Buffers.Binary;
using System.Text;

namespace Corridor.Core.Exchange;

/// <summary>
/// Little-endian writer over a span for exchange command payloads. Strings are a u16 byte length then
/// UTF-8; each string field has a maximum length in Unicode scalar values (ISO 20022 MaxNText counts characters).
/// </summary>
public ref struct WireWriter(Span<byte> destination)
{
    private readonly Span<byte> _buffer = destination;
    private int _offset;

    public readonly int Written => _offset;

    public void U8(byte v) { _buffer[_offset] = v; _offset += 1; }
    public void U16(ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(_buffer[_offset..], v); _offset += 2; }
    public void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_offset..], v); _offset += 4; }
    public void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(_buffer[_offset..], v); _offset += 8; }
    public void I64(long v) { BinaryPrimitives.WriteInt64LittleEndian(_buffer[_offset..], v); _offset += 8; }
    public void U128(UInt128 v) { BinaryPrimitives.WriteUInt128LittleEndian(_buffer[_offset..], v); _offset += 16; }

    /// <summary>Three ASCII letters of a currency code.</summary>
    public void Code(string code)
    {
        if (code.Length != 3) throw new ArgumentException($"currency code '{code}' is not 3 characters", nameof(code));
        for (int i = 0; i < 3; i++)
        {
            if (code[i] > 0x7F) throw new ArgumentException($"currency code '{code}' is not ASCII", nameof(code));
            _buffer[_offset + i] = (byte)code[i];
        }
        _offset += 3;
    }

    public void String(string value, int maxChars)
    {
        if (!Wire.WithinLength(value, maxChars)) throw new ArgumentException($"string of {value.Length} chars exceeds {maxChars}", nameof(value));
        int bytes = Wire.StrictUtf8.GetBytes(value, _buffer[(_offset + 2)..]); // throws on lone surrogates: never alter text
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[_offset..], (ushort)bytes);
        _offset += 2 + bytes;
    }

    /// <summary>Long text (a watch-list file): u32 byte length then UTF-8, at most <paramref name="maxBytes"/> bytes.</summary>
    public void LongString(string value, int maxBytes)
    {
        int bytes = Wire.StrictUtf8.GetByteCount(value); // throws on lone surrogates: never alter text
        if (bytes > maxBytes) throw new ArgumentException($"text of {bytes} bytes exceeds {maxBytes}", nameof(value));
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_offset..], (uint)bytes);
        Wire.StrictUtf8.GetBytes(value, _buffer[(_offset + 4)..]);
        _offset += 4 + bytes;
    }
}

/// <summary>Little-endian reader matching <see cref="WireWriter"/>; throws <see cref="InvalidDataException"/> on malformed input.</summary>
public ref struct WireReader(ReadOnlySpan<byte> source)
{
    private readonly ReadOnlySpan<byte> _buffer = source;
    private int _offset;

    public readonly int Position => _offset;
    public readonly int Remaining => _buffer.Length - _offset;

    private ReadOnlySpan<byte> Take(int bytes)
    {
        if (_buffer.Length - _offset < bytes) throw new InvalidDataException($"exchange payload truncated: need {bytes} bytes at {_offset}, {_buffer.Length - _offset} remain");
        ReadOnlySpan<byte> s = _buffer.Slice(_offset, bytes);
        _offset += bytes;
        return s;
    }

    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public UInt128 U128() => BinaryPrimitives.ReadUInt128LittleEndian(Take(16));

    public string Code()
    {
        ReadOnlySpan<byte> b = Take(3);
        for (int i = 0; i < 3; i++) if (b[i] > 0x7F) throw new InvalidDataException("currency code is not ASCII");
        return Encoding.ASCII.GetString(b);
    }

    public void Zero(int bytes)
    {
        foreach (byte b in Take(bytes)) if (b != 0) throw new InvalidDataException("reserved padding is not zero");
    }

    public string String(int maxChars) => Text(maxChars, repeated: false);

    /// <summary>
    /// As <see cref="String"/>, for a field whose values repeat from payment to payment (what is traded, its HS code, the
    /// Incoterms place, contract and letter-of-credit references): the same bytes read to the string read from them last on
    /// this thread (<see cref="RecentDecodes{T}"/>), checked the same way. Strings are immutable, so sharing one changes
    /// nothing but the allocation.
    /// </summary>
    public string RepeatedString(int maxChars) => Text(maxChars, repeated: true);

    private string Text(int maxChars, bool repeated)
    {
        int bytes = U16();
        if (bytes > maxChars * 4) throw new InvalidDataException($"string of {bytes} bytes exceeds {maxChars} characters");
        ReadOnlySpan<byte> encoded = Take(bytes);
        string value = repeated && bytes > 0 ? RecentDecodes<string>.Get(encoded, Utf8) : Utf8(encoded);
        if (!Wire.WithinLength(value, maxChars)) throw new InvalidDataException($"string exceeds {maxChars} characters");
        return value;
    }

    private static string Utf8(ReadOnlySpan<byte> encoded)
    {
        try { return Wire.StrictUtf8.GetString(encoded); }
        catch (DecoderFallbackException e) { throw new InvalidDataException("string is not valid UTF-8", e); }
    }

    /// <summary>
    /// Steps over a string field after every check <see cref="String"/> makes (its byte length, strict UTF-8, at most
    /// <paramref name="maxChars"/> characters), without making the string: for a field the reader keeps only as bytes.
    /// </summary>
    public void CheckString(int maxChars)
    {
        int bytes = U16();
        if (bytes > maxChars * 4) throw new InvalidDataException($"string of {bytes} bytes exceeds {maxChars} characters");
        ReadOnlySpan<byte> encoded = Take(bytes);
        if (!System.Text.Unicode.Utf8.IsValid(encoded)) throw new InvalidDataException("string is not valid UTF-8");
        if (bytes > maxChars && Wire.Utf8Scalars(encoded) > maxChars) throw new InvalidDataException($"string exceeds {maxChars} characters");
    }

    /// <summary>Steps over a string field (its length checked as <see cref="String"/> checks it; its text is checked when decoded).</summary>
    public void SkipString(int maxChars)
    {
        int bytes = U16();
        if (bytes > maxChars * 4) throw new InvalidDataException($"string of {bytes} bytes exceeds {maxChars} characters");
        Take(bytes);
    }

    /// <summary>The bytes read since <paramref name="position"/> (a <see cref="Position"/> taken before).</summary>
    public readonly ReadOnlySpan<byte> Since(int position) => _buffer[position.._offset];

    /// <summary>Reads text written by <see cref="WireWriter.LongString"/>.</summary>
    public string LongString(int maxBytes)
    {
        uint bytes = U32();
        if (bytes > (uint)maxBytes) throw new InvalidDataException($"text of {bytes} bytes exceeds {maxBytes}");
        try { return Wire.StrictUtf8.GetString(Take((int)bytes)); }
        catch (DecoderFallbackException e) { throw new InvalidDataException("text is not valid UTF-8", e); }
    }
}

internal static class Wire
{
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Worst-case encoded size of a string field: length prefix plus 4 UTF-8 bytes per scalar.</summary>
    public static int MaxStringBytes(int maxChars) => 2 + 4 * maxChars;

    /// <summary>Characters (Unicode scalars) in valid UTF-8: every byte that does not continue a sequence starts one.</summary>
    public static int Utf8Scalars(ReadOnlySpan<byte> validUtf8)
    {
        int scalars = 0;
        foreach (byte b in validUtf8) if ((b & 0xC0) != 0x80) scalars++;
        return scalars;
    }

    public static bool WithinLength(string value, int maxChars)
    {
        if (value.Length <= maxChars) return true; // UTF-16 units ≥ scalars
        int scalars = 0;
        foreach (Rune _ in value.EnumerateRunes()) if (++scalars > maxChars) return false;
        return true;
    }
}

/// <summary>
/// The values last decoded on this thread from each distinct encoding of a <typeparamref name="T"/>, so that the same bytes
/// decode to the same (immutable) object without allocating it again: parties repeat from payment to payment. An encoding
/// is found by its XxHash3 and then compared byte for byte; the memo holds at most <see cref="Capacity"/> encodings and is
/// emptied when full (no eviction order to keep). What is decoded does not depend on the memo, only whether it allocates.
/// The engine decodes parties with it; the server reads the parties of JSON payment bodies with it (Server/Http/PaymentJson.cs).
/// </summary>
public sealed class RecentDecodes<T> where T : class
{
    public const int Capacity = 4096;
    [ThreadStatic] private static RecentDecodes<T>? t_current;
    private readonly Dictionary<ulong, (byte[] Encoded, T Value)> _byHash = [];

    public delegate T Decoder(ReadOnlySpan<byte> encoded);

    public static T Get(ReadOnlySpan<byte> encoded, Decoder decode)
    {
        var memo = t_current ??= new RecentDecodes<T>();
        ulong hash = System.IO.Hashing.XxHash3.HashToUInt64(encoded);
        if (memo._byHash.TryGetValue(hash, out var known) && encoded.SequenceEqual(known.Encoded)) return known.Value;
        T value = decode(encoded);
        if (memo._byHash.Count >= Capacity) memo._byHash.Clear();
        memo._byHash[hash] = (encoded.ToArray(), value);
        return value;
    }
}
