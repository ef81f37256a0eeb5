using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Corridor.Core.Engine;

/// <summary>
/// Binary layout of a batch body, the unit the sequencer journals and the engine applies:
/// a sequence of commands, each a 16-byte header (operation u16, reserved u16, count u32,
/// payload bytes u32, actor u32, little-endian) followed by its payload. The actor is the operator user who issued the
/// command (0 = a participant or the system; journals written before actors existed carry 0 there).
/// </summary>
public static class CommandBatch
{
    public const int HeaderBytes = 16;

    /// <summary>Largest payload of one command: 8,190 transfers of 128 bytes plus slack, or a large settlement command.</summary>
    public const int MaxCommandPayloadBytes = 4 * 1024 * 1024;

    public static int EncodedSize(int payloadBytes) => HeaderBytes + payloadBytes;

    /// <summary>Writes one command at the start of <paramref name="destination"/>; returns bytes written.</summary>
    public static int Write(Span<byte> destination, Operation operation, int count, ReadOnlySpan<byte> payload, uint actor = 0)
    {
        if (payload.Length > MaxCommandPayloadBytes) throw new ArgumentException($"command payload of {payload.Length} bytes exceeds {MaxCommandPayloadBytes}", nameof(payload));
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)operation);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], count);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], actor);
        payload.CopyTo(destination[HeaderBytes..]);
        return HeaderBytes + payload.Length;
    }

    /// <summary>Encodes a single command as a standalone byte array (tests, tools).</summary>
    public static byte[] Encode<T>(Operation operation, ReadOnlySpan<T> items) where T : struct
    {
        ReadOnlySpan<byte> payload = MemoryMarshal.AsBytes(items);
        var bytes = new byte[HeaderBytes + payload.Length];
        Write(bytes, operation, items.Length, payload);
        return bytes;
    }

    /// <summary>Reads the command at <paramref name="offset"/>; throws <see cref="InvalidDataException"/> on a malformed body.</summary>
    public static CommandFrame Read(ReadOnlySpan<byte> body, ref int offset)
    {
        if (body.Length - offset < HeaderBytes) throw new InvalidDataException($"truncated command header at byte {offset}");
        ReadOnlySpan<byte> h = body[offset..];
        var op = (Operation)BinaryPrimitives.ReadUInt16LittleEndian(h);
        int count = BinaryPrimitives.ReadInt32LittleEndian(h[4..]);
        int payloadBytes = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
        uint actor = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
        if (count < 0 || payloadBytes < 0 || payloadBytes > body.Length - offset - HeaderBytes)
            throw new InvalidDataException($"command at byte {offset} declares {payloadBytes} payload bytes, {body.Length - offset - HeaderBytes} remain");
        var command = new CommandFrame(op, count, offset + HeaderBytes, payloadBytes) { Actor = actor };
        offset += HeaderBytes + payloadBytes;
        return command;
    }

    /// <summary>The items of every command of a batch body (the events a snapshot's threshold counts); throws as <see cref="Read"/>.</summary>
    public static long ItemCount(ReadOnlySpan<byte> body)
    {
        long items = 0;
        for (int offset = 0; offset < body.Length;) items += Read(body, ref offset).Count;
        return items;
    }
}

/// <summary>Location of one command's payload inside a batch body.</summary>
public readonly record struct CommandFrame(Operation Operation, int Count, int PayloadOffset, int PayloadBytes)
{
    /// <summary>Operator user who issued the command (header bytes 12–15); 0 = a participant or the system.</summary>
    public uint Actor { get; init; }
}
