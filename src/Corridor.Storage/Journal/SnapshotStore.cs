using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using Corridor.Storage.Files;

namespace Corridor.Storage.Journal;

/// <summary>
/// Engine snapshots on disk, written atomically (temp file, fsync, rename, fsync directory) and
/// checksummed, so recovery can start from the newest good one and replay only the journal after it.
/// File <c>snapshot-{sequence:D20}.snap</c>, little-endian:
/// <code>
///  offset size  field
///       0    4  magic            "CRDS" (0x53445243)
///       4    2  format version   1
///       6    2  header bytes     32
///       8    8  sequence         last batch applied to the state in this snapshot
///      16    8  content bytes    length of the content that follows
///      24    8  reserved         0
///      32    n  content          exactly the bytes the writer callback wrote (e.g. Engine.WriteSnapshot)
///    32+n   16  checksum         XxHash128 over content then the 32 header bytes
/// </code>
/// The newest <see cref="KeepSnapshots"/> snapshots are kept; older ones are deleted after a write.
/// </summary>
public sealed class SnapshotStore
{
    public const int KeepSnapshots = 2;
    public const uint Magic = 0x53445243; // "CRDS" read as little-endian u32
    public const ushort FormatVersion = 1;
    public const int HeaderBytes = 32;
    public const int ChecksumBytes = 16;

    private const string Prefix = "snapshot-";
    private const string Suffix = ".snap";
    private const string TempSuffix = ".tmp";
    private const int SequenceDigits = 20;
    private const int BufferBytes = 1024 * 1024;

    private readonly string _directory;
    private readonly IFileSystem _files;

    /// <summary>Snapshots in <paramref name="directory"/> (created if missing) on <paramref name="files"/> (default: the real file system).</summary>
    public SnapshotStore(string directory, IFileSystem? files = null)
    {
        _files = files ?? LocalFileSystem.Instance;
        _directory = Path.GetFullPath(directory);
        if (!_files.DirectoryExists(_directory))
        {
            _files.CreateDirectory(_directory);
            string? parent = Path.GetDirectoryName(_directory);
            if (parent is not null) _files.SyncDirectory(parent);
        }
    }

    public string DirectoryPath => _directory;

    /// <summary>Snapshots passed over by the last <see cref="TryOpenLatest"/> and why (newest first).</summary>
    public IReadOnlyList<string> LastRejected { get; private set; } = [];

    public static string NameFor(long sequence) => $"{Prefix}{sequence.ToString("D20", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>
    /// Writes the snapshot of the state after batch <paramref name="sequence"/>: <paramref name="write"/>
    /// streams the content; the file appears under its final name only once complete and durable.
    /// </summary>
    public void Write(long sequence, Action<Stream> write)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentNullException.ThrowIfNull(write);
        DeleteTempFiles();
        string finalPath = Path.Combine(_directory, NameFor(sequence));
        string tempPath = finalPath + TempSuffix;
        try
        {
            using (IFileHandle handle = _files.Open(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                using var file = new BufferedStream(new FileHandleStream(handle, ownsHandle: false), BufferBytes);
                Span<byte> header = stackalloc byte[HeaderBytes];
                header.Clear();
                file.Write(header);
                var content = new ChecksumWriteStream(file);
                write(content);
                WriteHeader(header, sequence, content.BytesWritten);
                content.Checksum.Append(header);
                Span<byte> checksum = stackalloc byte[ChecksumBytes];
                content.Checksum.GetCurrentHash(checksum);
                file.Write(checksum);
                file.Flush();
                handle.Write(header, 0);
                handle.Sync();
            }
            _files.Move(tempPath, finalPath);
        }
        catch
        {
            _files.Delete(tempPath);
            throw;
        }
        _files.SyncDirectory(_directory);
        Prune();
    }

    /// <summary>
    /// Opens the newest snapshot whose checksum verifies, falling back to older ones; temp files are
    /// ignored. <paramref name="content"/> yields exactly the bytes the writer wrote; the caller disposes it.
    /// Verification reads the file once before returning, so a corrupt newest snapshot is never half-consumed.
    /// </summary>
    public bool TryOpenLatest(out long sequence, out Stream content)
    {
        var rejected = new List<string>();
        List<(long Sequence, string Path)> snapshots = List();
        for (int i = snapshots.Count - 1; i >= 0; i--)
        {
            (long candidate, string path) = snapshots[i];
            Stream? file = null;
            try
            {
                file = new BufferedStream(new FileHandleStream(_files.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read), ownsHandle: true), BufferBytes);
                string? problem = Check(file, candidate, out long contentBytes);
                if (problem is null)
                {
                    file.Position = HeaderBytes;
                    sequence = candidate;
                    content = new SnapshotContentStream(file, HeaderBytes, contentBytes);
                    LastRejected = rejected;
                    return true;
                }
                rejected.Add($"{path}: {problem}");
            }
            catch (IOException e)
            {
                rejected.Add($"{path}: {e.Message}");
            }
            file?.Dispose();
        }
        LastRejected = rejected;
        sequence = 0;
        content = Stream.Null;
        return false;
    }

    /// <summary>
    /// Checks every snapshot file (not only the newest that verifies, as <see cref="TryOpenLatest"/> does) and returns
    /// one line per damaged file, "path: why", ascending by sequence; empty when all verify. Reads each file once.
    /// </summary>
    public IReadOnlyList<string> VerifyAll()
    {
        var damaged = new List<string>();
        foreach ((long candidate, string path) in List())
        {
            try
            {
                using Stream file = new BufferedStream(new FileHandleStream(_files.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read), ownsHandle: true), BufferBytes);
                if (Check(file, candidate, out _) is { } problem) damaged.Add($"{path}: {problem}");
            }
            catch (IOException e)
            {
                damaged.Add($"{path}: {e.Message}");
            }
        }
        return damaged;
    }

    /// <summary>
    /// Restores state from the newest snapshot that verifies, reading each file once: <paramref name="restore"/>
    /// consumes the content while its checksum is computed, and the result is kept only if the checksum then
    /// matches. A snapshot whose header, checksum or restore fails (<paramref name="restore"/> throwing
    /// <see cref="InvalidDataException"/>, <see cref="EndOfStreamException"/>, <see cref="IOException"/>,
    /// <see cref="ArgumentException"/>, <see cref="InvalidOperationException"/> or <see cref="OverflowException"/>)
    /// is passed over for the next older one, as <see cref="TryOpenLatest"/> does; its half-built state is dropped.
    /// Halves the bytes read at start-up against <see cref="TryOpenLatest"/> (which verifies, then the caller reads again).
    /// </summary>
    public bool TryRestoreLatest<T>(Func<Stream, T> restore, out long sequence, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T state)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var rejected = new List<string>();
        List<(long Sequence, string Path)> snapshots = List();
        Span<byte> header = stackalloc byte[HeaderBytes];
        for (int i = snapshots.Count - 1; i >= 0; i--)
        {
            (long candidate, string path) = snapshots[i];
            try
            {
                using Stream file = new BufferedStream(new FileHandleStream(_files.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read), ownsHandle: true), BufferBytes);
                string? problem = CheckHeader(file, candidate, header, out long contentBytes);
                if (problem is null)
                {
                    var content = new VerifyingContentStream(file, contentBytes);
                    T restored;
                    try { restored = restore(content); }
                    catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or InvalidOperationException or OverflowException)
                    {
                        // A damaged file usually fails its checksum; say so when it does, else what the restore found.
                        content.Drain();
                        problem = content.ChecksumMatches(header) ? $"restore failed: {e.Message}" : "checksum mismatch: the snapshot is damaged";
                        rejected.Add($"{path}: {problem}");
                        continue;
                    }
                    content.Drain();
                    if (content.ChecksumMatches(header))
                    {
                        sequence = candidate;
                        state = restored;
                        LastRejected = rejected;
                        return true;
                    }
                    problem = "checksum mismatch: the snapshot is damaged";
                }
                rejected.Add($"{path}: {problem}");
            }
            catch (IOException e)
            {
                rejected.Add($"{path}: {e.Message}");
            }
        }
        LastRejected = rejected;
        sequence = 0;
        state = default;
        return false;
    }

    /// <summary>Snapshot files present, ascending by sequence (not verified).</summary>
    public List<(long Sequence, string Path)> List()
    {
        var snapshots = new List<(long, string)>();
        foreach (string path in _files.EnumerateFiles(_directory, Prefix + "*" + Suffix))
        {
            string name = Path.GetFileName(path);
            if (name.Length != Prefix.Length + SequenceDigits + Suffix.Length) continue;
            if (!long.TryParse(name.AsSpan(Prefix.Length, SequenceDigits), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence)) continue;
            snapshots.Add((sequence, path));
        }
        snapshots.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return snapshots;
    }

    private static void WriteHeader(Span<byte> header, long sequence, long contentBytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], HeaderBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], contentBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], 0);
    }

    /// <summary>Reads and checks the header (the file is left after it); returns why it is not a snapshot for <paramref name="sequence"/>, or null.</summary>
    private static string? CheckHeader(Stream file, long sequence, Span<byte> header, out long contentBytes)
    {
        contentBytes = 0;
        long fileBytes = file.Length;
        if (fileBytes < HeaderBytes + ChecksumBytes) return $"only {fileBytes} bytes, shorter than header and checksum";
        file.Position = 0;
        file.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic) return "bad magic: not a snapshot";
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != FormatVersion) return $"unsupported snapshot format version {version}";
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[6..]) != HeaderBytes) return "bad header length";
        long recorded = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        if (recorded != sequence) return $"header says batch {recorded}, file name says {sequence}";
        contentBytes = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (contentBytes != fileBytes - HeaderBytes - ChecksumBytes)
            return $"header declares {contentBytes} content bytes, file holds {fileBytes - HeaderBytes - ChecksumBytes}";
        return null;
    }

    /// <summary>Reads the whole file; returns why it is not a valid snapshot for <paramref name="sequence"/>, or null.</summary>
    private static string? Check(Stream file, long sequence, out long contentBytes)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        string? problem = CheckHeader(file, sequence, header, out contentBytes);
        if (problem is not null) return problem;

        var checksum = new XxHash128();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            for (long done = 0; done < contentBytes;)
            {
                int n = (int)Math.Min(buffer.Length, contentBytes - done);
                file.ReadExactly(buffer, 0, n);
                checksum.Append(buffer.AsSpan(0, n));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        checksum.Append(header);
        Span<byte> expected = stackalloc byte[ChecksumBytes];
        Span<byte> actual = stackalloc byte[ChecksumBytes];
        file.ReadExactly(expected);
        checksum.GetCurrentHash(actual);
        return actual.SequenceEqual(expected) ? null : "checksum mismatch: the snapshot is damaged";
    }

    private void Prune()
    {
        List<(long Sequence, string Path)> snapshots = List();
        if (snapshots.Count <= KeepSnapshots) return;
        for (int i = 0; i < snapshots.Count - KeepSnapshots; i++) _files.Delete(snapshots[i].Path);
        _files.SyncDirectory(_directory);
    }

    private void DeleteTempFiles()
    {
        foreach (string path in _files.EnumerateFiles(_directory, Prefix + "*" + Suffix + TempSuffix)) _files.Delete(path);
    }

    /// <summary>Forwards writes to the file while counting them and feeding the checksum.</summary>
    private sealed class ChecksumWriteStream(Stream inner) : Stream
    {
        public XxHash128 Checksum { get; } = new();
        public long BytesWritten { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => BytesWritten;
        public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Checksum.Append(buffer);
            BytesWritten += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush() { } // the store flushes and syncs once, at the end
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>
    /// Forward-only window over the content of a snapshot file being restored, feeding the checksum with every
    /// byte read; <see cref="ChecksumMatches"/> compares it with the file's trailer once the content is consumed.
    /// Large reads go straight from the file into the caller's memory (no copy through the file's buffer).
    /// </summary>
    private sealed class VerifyingContentStream(Stream file, long length) : Stream
    {
        private readonly XxHash128 _checksum = new();
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            long remaining = length - _position;
            if (remaining <= 0) return 0;
            if (buffer.Length > remaining) buffer = buffer[..(int)remaining];
            // In pieces of at most a megabyte, each hashed straight after its read while it is still in cache.
            int done = 0;
            while (done < buffer.Length)
            {
                Span<byte> piece = buffer[done..Math.Min(buffer.Length, done + BufferBytes)];
                int n = file.Read(piece);
                if (n == 0) break;
                _checksum.Append(piece[..n]);
                done += n;
                if (n < piece.Length) break;
            }
            if (done == 0) throw new EndOfStreamException("snapshot file ends inside its content");
            _position += done;
            return done;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int ReadByte()
        {
            Span<byte> one = stackalloc byte[1];
            return Read(one) == 1 ? one[0] : -1;
        }

        /// <summary>Reads (and checksums) whatever content the restore left unread.</summary>
        public void Drain()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
            try { while (Read(buffer, 0, buffer.Length) > 0) { } }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }

        /// <summary>True when the content's checksum, with <paramref name="header"/>, equals the file's trailer.</summary>
        public bool ChecksumMatches(ReadOnlySpan<byte> header)
        {
            _checksum.Append(header);
            Span<byte> expected = stackalloc byte[ChecksumBytes];
            Span<byte> actual = stackalloc byte[ChecksumBytes];
            file.Position = HeaderBytes + length;
            file.ReadExactly(expected);
            _checksum.GetCurrentHash(actual);
            return actual.SequenceEqual(expected);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Read-only, seekable window over the content of a verified snapshot file; owns the file.</summary>
    private sealed class SnapshotContentStream(Stream file, long start, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set
            {
                ArgumentOutOfRangeException.ThrowIfNegative(value);
                _position = value;
            }
        }

        public override int Read(Span<byte> buffer)
        {
            long remaining = length - _position;
            if (remaining <= 0) return 0;
            if (buffer.Length > remaining) buffer = buffer[..(int)remaining];
            if (file.Position != start + _position) file.Position = start + _position;
            int n = file.Read(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int ReadByte()
        {
            Span<byte> one = stackalloc byte[1];
            return Read(one) == 1 ? one[0] : -1;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                SeekOrigin.End => length + offset,
                _ => throw new ArgumentOutOfRangeException(nameof(origin)),
            };
            return _position;
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) file.Dispose();
            base.Dispose(disposing);
        }
    }
}
