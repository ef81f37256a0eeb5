using System.IO.Compression;

namespace Corridor.Server.Messages;

/// <summary>How the archive stores a message's body: as it came, or zlib-compressed when that saves a tenth; read back exactly.</summary>
public sealed partial class MessageArchive
{
    /// <summary>How a body is stored: as it came, or compressed with zlib (RFC 1950).</summary>
    public enum BodyEncoding
    {
        AsReceived = 0,
        Zlib = 1,
    }

    /// <summary>
    /// Bodies shorter than this are kept as they came: starting a compressor costs ≈ 25 µs whatever it then compresses, more
    /// than SQLite takes to write a message of one transaction (3–6 KB; measured: one-transaction pacs.008s at 16 connections
    /// compressed from 512 bytes took 204–249 CPU-µs a message against 190–199 kept as they came).
    /// </summary>
    public const int CompressFromBytes = 16 * 1024;

    private readonly MemoryStream _compressed = new(); // the writer thread's, reused

    /// <summary>The bytes to store for <paramref name="body"/>: compressed when that saves at least a tenth, else the body itself.</summary>
    private (byte[] Stored, BodyEncoding Encoding) Encode(byte[] body)
    {
        if (body.Length < CompressFromBytes) return (body, BodyEncoding.AsReceived);
        _compressed.SetLength(0);
        using (var z = new ZLibStream(_compressed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(body);
        return _compressed.Length <= body.Length - body.Length / 10 ? (_compressed.ToArray(), BodyEncoding.Zlib) : (body, BodyEncoding.AsReceived);
    }

    /// <summary>The bytes as received from what is stored; a body that does not decode to its recorded length is damage (<see cref="InvalidDataException"/>).</summary>
    private static byte[] Decode(byte[] stored, long encoding, long? bytes, long id)
    {
        switch ((BodyEncoding)encoding)
        {
            case BodyEncoding.AsReceived:
                return stored;
            case BodyEncoding.Zlib:
                if (bytes is not (>= 0 and <= int.MaxValue)) throw new InvalidDataException($"archived message {id}: compressed without its length");
                var body = new byte[bytes.Value];
                try
                {
                    using var z = new ZLibStream(new MemoryStream(stored), CompressionMode.Decompress);
                    z.ReadExactly(body);
                    if (z.ReadByte() != -1) throw new InvalidDataException($"archived message {id}: longer than its recorded {bytes} bytes");
                }
                catch (EndOfStreamException) { throw new InvalidDataException($"archived message {id}: shorter than its recorded {bytes} bytes"); }
                catch (InvalidDataException e) when (!e.Message.StartsWith("archived message", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"archived message {id}: its compressed body is damaged ({e.Message})", e);
                }
                return body;
            default:
                throw new InvalidDataException($"archived message {id}: body encoding {encoding} is not one this node reads");
        }
    }
}
