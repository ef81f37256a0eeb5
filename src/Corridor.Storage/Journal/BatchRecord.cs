using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Corridor.Storage.Journal;

/// <summary>
/// The fixed 100-byte header that precedes every batch body in a journal segment (little-endian):
/// <code>
///  offset size  field
///       0    4  magic            "CRDJ" (0x4A445243)
///       4    2  format version   1
///       6    2  header bytes     100
///       8    4  body bytes       length of the body that follows the header
///      12    4  reserved         0
///      16    8  sequence         batch sequence, 1, 2, 3, ... (u64, always &lt;= long.MaxValue)
///      24    8  timestamp ns     engine time chosen by the sequencer
///      32   32  previous hash    chain hash of the previous batch; 32 zero bytes for batch 1
///      64   32  body hash        SHA-256 of the body
///      96    4  header CRC-32C   Castagnoli CRC over bytes 0..95
/// </code>
/// The batch (chain) hash is SHA-256 over all 100 header bytes; since the header holds the previous
/// hash and the body hash, it commits to the whole history.
/// </summary>
internal static class BatchRecord
{
    public const uint Magic = 0x4A445243; // "CRDJ" read as little-endian u32
    public const ushort FormatVersion = 1;
    public const int HeaderBytes = 100;
    public const int HashBytes = 32;

    /// <summary>Hard format bound on one body, independent of the writer's configured limit.</summary>
    public const int MaxBodyBytesFormat = 1024 * 1024 * 1024;

    public const int MagicOffset = 0;
    public const int VersionOffset = 4;
    public const int HeaderBytesOffset = 6;
    public const int BodyBytesOffset = 8;
    public const int ReservedOffset = 12;
    public const int SequenceOffset = 16;
    public const int TimestampOffset = 24;
    public const int PreviousHashOffset = 32;
    public const int BodyHashOffset = 64;
    public const int CrcOffset = 96;

    /// <summary>
    /// Fills <paramref name="header"/> for a batch: hashes the body straight into the header (no copy
    /// of the body) and seals it with the CRC.
    /// </summary>
    public static void Write(Span<byte> header, long sequence, ulong timestampNs, ReadOnlySpan<byte> body, ReadOnlySpan<byte> previousHash)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header[MagicOffset..], Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[HeaderBytesOffset..], HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[BodyBytesOffset..], (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[ReservedOffset..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[SequenceOffset..], (ulong)sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(header[TimestampOffset..], timestampNs);
        previousHash.CopyTo(header.Slice(PreviousHashOffset, HashBytes));
        SHA256.HashData(body, header.Slice(BodyHashOffset, HashBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(header[CrcOffset..], Crc32C(header[..CrcOffset]));
    }

    /// <summary>
    /// Rebuilds the header of a batch from its stored fields without its body (body length and SHA-256):
    /// journals that keep these as columns (PostgreSQL) verify the chain hash from them.
    /// </summary>
    public static void Write(Span<byte> header, long sequence, ulong timestampNs, int bodyBytes, ReadOnlySpan<byte> bodyHash, ReadOnlySpan<byte> previousHash)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header[MagicOffset..], Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[HeaderBytesOffset..], HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[BodyBytesOffset..], (uint)bodyBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[ReservedOffset..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[SequenceOffset..], (ulong)sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(header[TimestampOffset..], timestampNs);
        previousHash.CopyTo(header.Slice(PreviousHashOffset, HashBytes));
        bodyHash.CopyTo(header.Slice(BodyHashOffset, HashBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(header[CrcOffset..], Crc32C(header[..CrcOffset]));
    }

    /// <summary>True when the header starts with the magic and its CRC matches: a real header, not noise.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> header) =>
        header.Length >= HeaderBytes
        && BinaryPrimitives.ReadUInt32LittleEndian(header) == Magic
        && BinaryPrimitives.ReadUInt32LittleEndian(header[CrcOffset..]) == Crc32C(header[..CrcOffset]);

    public static ushort Version(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16LittleEndian(header[VersionOffset..]);
    public static ushort DeclaredHeaderBytes(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16LittleEndian(header[HeaderBytesOffset..]);
    public static uint BodyBytes(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header[BodyBytesOffset..]);
    public static uint Reserved(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header[ReservedOffset..]);
    public static ulong Sequence(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt64LittleEndian(header[SequenceOffset..]);
    public static ulong Timestamp(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt64LittleEndian(header[TimestampOffset..]);
    public static ReadOnlySpan<byte> PreviousHash(ReadOnlySpan<byte> header) => header.Slice(PreviousHashOffset, HashBytes);
    public static ReadOnlySpan<byte> BodyHash(ReadOnlySpan<byte> header) => header.Slice(BodyHashOffset, HashBytes);

    /// <summary>
    /// Checks the fields of a sealed header that this reader must understand; returns why it cannot,
    /// or null. A sealed header that fails here is a real record this build cannot read (never torn).
    /// </summary>
    public static string? CheckFields(ReadOnlySpan<byte> header)
    {
        ushort version = Version(header);
        if (version != FormatVersion) return $"unsupported journal format version {version} (this build reads {FormatVersion})";
        ushort headerBytes = DeclaredHeaderBytes(header);
        if (headerBytes != HeaderBytes) return $"header declares {headerBytes} header bytes, format {FormatVersion} has {HeaderBytes}";
        if (Reserved(header) != 0) return "reserved header field is not zero";
        uint bodyBytes = BodyBytes(header);
        if (bodyBytes > MaxBodyBytesFormat) return $"body of {bodyBytes} bytes exceeds the format bound of {MaxBodyBytesFormat}";
        ulong sequence = Sequence(header);
        if (sequence == 0 || sequence > long.MaxValue) return $"sequence {sequence} is out of range";
        return null;
    }

    /// <summary>CRC-32C (Castagnoli, as in iSCSI/ext4), hardware-accelerated by <see cref="BitOperations.Crc32C(uint, ulong)"/>.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFF;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return ~crc;
    }
}
