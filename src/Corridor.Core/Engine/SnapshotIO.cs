using System.IO.Hashing;

namespace Corridor.Core.Engine;

/// <summary>Small pieces the state sections share when they write snapshots and feed the state hash.</summary>
internal static class SnapshotIO
{
    /// <summary>Large sections of a snapshot (format 16 on) start at a multiple of this many bytes from the content's start.</summary>
    public const int Alignment = 4096;

    public static void Write128(BinaryWriter w, UInt128 v) { w.Write((ulong)v); w.Write((ulong)(v >> 64)); }

    public static UInt128 Read128(BinaryReader r) { ulong lo = r.ReadUInt64(); return new UInt128(r.ReadUInt64(), lo); }

    /// <summary>Writes zeros up to the next multiple of <see cref="Alignment"/> (the writer's stream counts its position).</summary>
    public static void Align(BinaryWriter w)
    {
        w.Flush();
        int pad = (int)(-w.BaseStream.Position & (Alignment - 1));
        if (pad > 0) w.Write(new byte[pad]);
    }

    /// <summary>Skips the padding <see cref="Align"/> wrote (the reader's stream counts its position).</summary>
    public static void Align(BinaryReader r)
    {
        var stream = (SnapshotReadStream)r.BaseStream;
        stream.Skip(-stream.Position & (Alignment - 1));
    }
}

/// <summary>
/// A snapshot's content that lies in memory already — a file the storage layer mapped copy-on-write (private: writes to
/// its pages copy them for this process, the file never changes). The restore keeps large sections where they are instead
/// of copying them into fresh memory. Implemented by the stream handed to <see cref="Engine.ReadSnapshot(Stream)"/>.
/// </summary>
public unsafe interface ISnapshotMemory
{
    /// <summary>Address of the content byte at <paramref name="position"/> (from the stream's start), readable and writable
    /// as long as <see cref="Owner"/> is reachable.</summary>
    byte* AddressOf(long position);

    /// <summary>Whatever keeps the memory mapped; the restored state holds it.</summary>
    object Owner { get; }

    /// <summary>
    /// Says that the restored state will write at random into the <paramref name="length"/> bytes at
    /// <paramref name="position"/> (the transfer-id table: each new id lands on a page of its own), so the storage layer
    /// may make those pages the process's own ahead of the engine, off its thread, once the snapshot is verified — else
    /// each first write to a page copies it on the engine's thread.
    /// </summary>
    void WillWriteAtRandom(long position, long length);
}

/// <summary>A snapshot file: the batch it holds the state after, and its checksum (the file's trailer, as the storage layer writes it).</summary>
public readonly record struct SnapshotFileId(long Sequence, UInt128 Checksum)
{
    public override string ToString() => $"batch {Sequence}, checksum {Checksum:x32}";
}

/// <summary>
/// Implemented by the content stream the storage layer hands to <see cref="Engine.ReadSnapshot(Stream)"/>: which file the
/// content is, and for a delta (engine format 17), its base's content. A restored state remembers the full snapshot its
/// large sections lie in (the file itself, or a delta's base), so that its next snapshot may be a delta against it.
/// </summary>
public interface ISnapshotSource
{
    /// <summary>The file being restored.</summary>
    SnapshotFileId File { get; }

    /// <summary>The base a delta was written against, null for a full snapshot.</summary>
    SnapshotFileId? BaseFile { get; }

    /// <summary>The base's content for a delta, seekable (and an <see cref="ISnapshotMemory"/> when the base is mapped); null for a full snapshot.</summary>
    Stream? BaseContent { get; }
}

/// <summary>
/// The files of a mapped snapshot (<see cref="ISnapshotMemory"/>), read with pread(2): one pass over gigabytes reads faster
/// so than through the mapping's 4 KiB pages on this VM, so the restore hashes its state (and finds the pending transfers
/// that expire) from the files instead of touching every mapped page. Implemented by the mapped content stream.
/// </summary>
public interface ISnapshotFiles
{
    /// <summary>Fills <paramref name="destination"/> with the content bytes at <paramref name="position"/> of the snapshot (or of its base, <paramref name="fromBase"/>).</summary>
    void ReadAt(bool fromBase, long position, Span<byte> destination);

    /// <summary>
    /// Reads that start and end on multiples of this (in content positions) are read once for both the restore and the
    /// file's checksum: the store checks its checksum block by block from the same reads. 1 when any read is as good.
    /// </summary>
    int ReadAlignment => 1;

    /// <summary>Bytes of a read at <paramref name="position"/> of at most <paramref name="most"/>, in whole <paramref name="itemBytes"/> items, ending on <see cref="ReadAlignment"/> where a piece can.</summary>
    long AlignedPiece(long position, long most, int itemBytes = 1)
    {
        if (ReadAlignment <= 1) return most;
        long toBoundary = ReadAlignment - position % ReadAlignment;
        return toBoundary < most && toBoundary % itemBytes == 0 ? toBoundary : most;
    }
}

/// <summary>The content stream of a snapshot being written, counting its position from the content's start.</summary>
internal sealed class SnapshotWriteStream(Stream inner) : Stream
{
    private long _position;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _position;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer) { inner.Write(buffer); _position += buffer.Length; }
    public override void WriteByte(byte value) { inner.WriteByte(value); _position++; }
}

/// <summary>
/// The content stream of a snapshot being read, counting its position from the content's start (alignment is relative to
/// it) and telling where that position lies in memory when the content is mapped (<see cref="ISnapshotMemory"/>).
/// </summary>
internal sealed unsafe class SnapshotReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _length;
    private long _position;

    public SnapshotReadStream(Stream inner)
    {
        _inner = inner;
        Memory = inner as ISnapshotMemory;
        Source = inner as ISnapshotSource;
        Files = inner as ISnapshotFiles;
        long length = -1;
        try { length = inner.Length - inner.Position; } // a forward-only stream may know its length too (the storage layer's do)
        catch (NotSupportedException) { length = -1; }
        _length = length;
    }

    /// <summary>The content's memory when mapped, else null (the restore copies).</summary>
    public ISnapshotMemory? Memory { get; }

    /// <summary>Which file the content is and its base, when the storage layer says so; else null (the state remembers no base).</summary>
    public ISnapshotSource? Source { get; }

    /// <summary>The mapped files to read with pread, or null.</summary>
    public ISnapshotFiles? Files { get; }

    public byte* Address => Memory!.AddressOf(_position);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length >= 0 ? _length : throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <summary>Whether the content's length is known.</summary>
    public bool KnowsLength => _length >= 0;

    /// <summary>Bytes left in the content, or <see cref="long.MaxValue"/> when the stream does not know its length.</summary>
    public long Left => _length >= 0 ? _length - _position : long.MaxValue;

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int ReadByte()
    {
        int b = _inner.ReadByte();
        if (b >= 0) _position++;
        return b;
    }

    /// <summary>Moves <paramref name="bytes"/> on (seeking when it can, else reading them).</summary>
    public void Skip(long bytes)
    {
        if (bytes == 0) return;
        if (_length >= 0 && _position + bytes > _length) throw new EndOfStreamException("snapshot ends inside a section");
        if (_inner.CanSeek) { _inner.Seek(bytes, SeekOrigin.Current); _position += bytes; return; }
        Span<byte> scratch = stackalloc byte[4096];
        while (bytes > 0)
        {
            int n = (int)Math.Min(bytes, scratch.Length);
            _inner.ReadExactly(scratch[..n]);
            _position += n;
            bytes -= n;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Write-only stream that feeds an incremental hash (a state section hashed by writing its snapshot form).</summary>
internal sealed class HashingStream(XxHash128 hash) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => hash.Append(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer) => hash.Append(buffer);
}

/// <summary>
/// Bytes written into memory in segments of up to 1 MiB, for the part of a snapshot serialised at capture: growth never copies
/// what is already written (a <see cref="MemoryStream"/> doubles and copies, and cannot pass 2 GiB — the records of a
/// couple of million payments), and the pieces are read back in order to write or hash them. An array that never changes
/// (a payment's journaled bytes) is referred to, not copied (<see cref="WriteShared"/>). A section of a frozen capture
/// (<see cref="Capture"/>) leaves its many records to the writer thread (<see cref="Defer"/>).
/// </summary>
internal sealed class SegmentedBuffer : Stream
{
    internal const int SegmentBytes = 1 << 20;
    private const int FirstSegmentBytes = 4096;
    private readonly List<ReadOnlyMemory<byte>> _pieces = [];
    private readonly List<(int Before, DeferredPiece Piece)> _deferred = []; // each goes before _pieces[Before]

    /// <summary>A buffer of a capture that freezes record lists (<see cref="SnapshotCapture"/>); null: every byte is written now.</summary>
    public SnapshotCapture? Capture { get; init; }
    private byte[] _current = [];
    private int _used; // bytes written into _current
    private int _pieceStart; // where in _current the piece not yet in _pieces starts
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_used == _current.Length) NextSegment();
            int n = Math.Min(_current.Length - _used, buffer.Length);
            buffer[..n].CopyTo(_current.AsSpan(_used));
            _used += n;
            _length += n;
            buffer = buffer[n..];
        }
    }

    public override void WriteByte(byte value)
    {
        if (_used == _current.Length) NextSegment();
        _current[_used++] = value;
        _length++;
    }

    /// <summary>Appends <paramref name="immutable"/> by reference: the caller guarantees it never changes.</summary>
    public void WriteShared(ReadOnlyMemory<byte> immutable)
    {
        if (immutable.Length == 0) return;
        ClosePiece();
        _pieces.Add(immutable);
        _length += immutable.Length;
    }

    /// <summary>
    /// Leaves <paramref name="lengthBytes"/> bytes here to <paramref name="write"/>, run once, on the thread that first reads
    /// <see cref="Segments"/> (the snapshot's writer), against views frozen at capture; it must write exactly that many bytes.
    /// </summary>
    public void Defer(long lengthBytes, Action<BinaryWriter> write)
    {
        ClosePiece();
        _deferred.Add((_pieces.Count, new DeferredPiece(lengthBytes, write)));
        _length += lengthBytes;
    }

    private sealed class DeferredPiece(long lengthBytes, Action<BinaryWriter> write)
    {
        private SegmentedBuffer? _written;

        public SegmentedBuffer Written
        {
            get
            {
                lock (this)
                {
                    if (_written is not null) return _written;
                    var buffer = new SegmentedBuffer();
                    using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) write(w);
                    if (buffer.Length != lengthBytes)
                        throw new InvalidOperationException($"a deferred snapshot section wrote {buffer.Length} bytes, {lengthBytes} expected at capture");
                    return _written = buffer;
                }
            }
        }
    }

    private void ClosePiece()
    {
        if (_used > _pieceStart) _pieces.Add(_current.AsMemory(_pieceStart, _used - _pieceStart));
        _pieceStart = _used;
    }

    private void NextSegment()
    {
        ClosePiece();
        // Segments grow with what was written (4 KiB first, up to 1 MiB): a small section costs a small buffer. Every byte
        // is written before it is read.
        _current = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(_length, FirstSegmentBytes, SegmentBytes));
        _used = 0;
        _pieceStart = 0;
    }

    /// <summary>What was written, in order.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Segments
    {
        get
        {
            int deferred = 0;
            for (int i = 0; i < _pieces.Count; i++)
            {
                for (; deferred < _deferred.Count && _deferred[deferred].Before == i; deferred++)
                    foreach (ReadOnlyMemory<byte> piece in _deferred[deferred].Piece.Written.Segments) yield return piece;
                yield return _pieces[i];
            }
            for (; deferred < _deferred.Count; deferred++)
                foreach (ReadOnlyMemory<byte> piece in _deferred[deferred].Piece.Written.Segments) yield return piece;
            if (_used > _pieceStart) yield return _current.AsMemory(_pieceStart, _used - _pieceStart);
        }
    }
}
