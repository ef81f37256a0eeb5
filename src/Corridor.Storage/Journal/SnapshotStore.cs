using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using Corridor.Core.Engine;
using Corridor.Storage.Files;

namespace Corridor.Storage.Journal;

/// <summary>
/// Engine snapshots on disk, written atomically (temp file, fsync, rename, fsync directory) and
/// checksummed, so recovery can start from the newest good one and replay only the journal after it.
/// File <c>snapshot-{sequence:D20}.snap</c>, little-endian (file format 2):
/// <code>
///  offset size  field
///       0    4  magic            "CRDS" (0x53445243)
///       4    2  format version   2
///       6    2  header bytes     4096 (the rest of the header is zeros: the content starts on a page boundary)
///       8    8  sequence         last batch applied to the state in this snapshot
///      16    8  content bytes    length of the content that follows
///      24    8  reserved         0
///      32    8  base sequence    format 3 (a delta) only: the full snapshot it was written against
///      40   16  base checksum    format 3 only: that file's checksum (its trailer)
///    4096    n  content          exactly the bytes the writer callback wrote (e.g. Engine.WriteSnapshot)
///  4096+n   16  checksum         XxHash128 over the XxHash3 (64 bits, little-endian) of each 1 MiB block of the content in
///                                order, then the 4096 header bytes
/// </code>
/// Per-block hashes let blocks be verified independently (a reader may share them out among threads). Files of
/// format 1 (32-byte header, one XxHash128 over content then header) are still read.
/// The newest <see cref="KeepSnapshots"/> snapshots are kept, and the bases the deltas among them name; older ones are
/// deleted after a write. A delta (file format 3, engine format 17) is restored with its base, whose header, checksum and
/// content are verified as the delta's (src/Corridor.Storage/README.md, "Incremental snapshots").
/// </summary>
public sealed class SnapshotStore
{
    public const int KeepSnapshots = 2;
    public const uint Magic = 0x53445243; // "CRDS" read as little-endian u32
    public const ushort FormatVersion = 2;
    /// <summary>File format of a delta: format 2's layout, plus the base it was written against in the header.</summary>
    public const ushort DeltaFormatVersion = 3;
    /// <summary>Bytes before the content in files of the current format (one page).</summary>
    public const int HeaderBytes = 4096;
    public const int ChecksumBytes = 16;
    /// <summary>The content is checksummed in blocks of this many bytes (format 2).</summary>
    public const int BlockBytes = 1 << 20;
    private const int HeaderFieldBytes = 32; // the fields at the start of a header; all of a format-1 header
    private const int DeltaHeaderFieldBytes = 56; // format 3: the same, then the base's sequence and checksum

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

    /// <summary>
    /// After a mapped restore: whether the restored id table's pages are being made the process's own beside the engine, or
    /// why not (free memory); null when the last restore mapped no id table.
    /// </summary>
    public string? LastIdTable { get; private set; }

    /// <summary>The mappings of restored snapshots whose pages may be being made the process's own (weakly: the restored state owns them).</summary>
    private readonly List<WeakReference<MappedFile>> _populating = [];

    /// <summary>
    /// Stops making restored snapshots' pages the process's own (<see cref="LastIdTable"/>) and waits for the slice in hand
    /// (<see cref="MappedFile.StopPopulating"/>): for a node that stops, whose mapping calls would otherwise wait on that work.
    /// </summary>
    public void StopPopulating()
    {
        MappedFile[] maps;
        lock (_populating) maps = [.. _populating.Select(w => w.TryGetTarget(out MappedFile? m) ? m : null).OfType<MappedFile>()];
        foreach (MappedFile map in maps) map.StopPopulating();
    }

    /// <summary>
    /// After a mapped restore: the checksum's blocks (1 MiB of content each; the snapshot's and its base's) and how many of
    /// them the restore's own reads hashed, so they were read once; (0, 0) when the last restore was not mapped.
    /// </summary>
    public (int Blocks, int HashedByRestore) LastChecksumBlocks { get; private set; }

    public static string NameFor(long sequence) => $"{Prefix}{sequence.ToString("D20", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>
    /// Writes the snapshot of the state after batch <paramref name="sequence"/>: <paramref name="write"/>
    /// streams the content; the file appears under its final name only once complete and durable.
    /// </summary>
    public void Write(long sequence, Action<Stream> write) => Write(sequence, write, baseFile: null);

    /// <summary>
    /// As <see cref="Write(long, Action{Stream})"/>; with <paramref name="baseFile"/> the file is a delta (file format 3) whose
    /// header names that base (a full snapshot in this store), which the pruning then keeps as long as the delta.
    /// Returns the file written (its sequence and checksum), durable.
    /// </summary>
    public SnapshotFileId Write(long sequence, Action<Stream> write, SnapshotFileId? baseFile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentNullException.ThrowIfNull(write);
        if (baseFile is { } b && b.Sequence >= sequence) throw new ArgumentException($"a delta at batch {sequence} cannot refer to a base at batch {b.Sequence}", nameof(baseFile));
        DeleteTempFiles();
        byte[] checksum = new byte[ChecksumBytes];
        string finalPath = Path.Combine(_directory, NameFor(sequence));
        string tempPath = finalPath + TempSuffix;
        try
        {
            using (IFileHandle handle = _files.Open(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                using var file = new BufferedStream(new FileHandleStream(handle, ownsHandle: false), BufferBytes);
                byte[] header = new byte[HeaderBytes];
                file.Write(header);
                // A delta on the real file system reads its base with pread to hash the chunks unchanged since (see LedgerView.HashInto).
                using Microsoft.Win32.SafeHandles.SafeFileHandle? baseHandle = baseFile is { } bf && ReferenceEquals(_files, LocalFileSystem.Instance)
                    ? File.OpenHandle(Path.Combine(_directory, NameFor(bf.Sequence)), FileMode.Open, FileAccess.Read, FileShare.Read) : null;
                ChecksumWriteStream content = baseHandle is null ? new ChecksumWriteStream(file) : new DeltaChecksumWriteStream(file, baseHandle);
                write(content);
                WriteHeader(header, sequence, content.BytesWritten, baseFile);
                content.Checksum.Finish(header, checksum);
                file.Write(checksum);
                file.Flush();
                handle.Write(header.AsSpan(0, baseFile is null ? HeaderFieldBytes : DeltaHeaderFieldBytes), 0);
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
        return new SnapshotFileId(sequence, BinaryPrimitives.ReadUInt128LittleEndian(checksum));
    }

    /// <summary>
    /// Whether this store holds <paramref name="file"/> as a full snapshot (a delta may be written against it): present, of
    /// that batch, its trailer that checksum. Reads the header and the trailer only.
    /// </summary>
    public bool Holds(SnapshotFileId file)
    {
        try
        {
            using Stream stream = new FileHandleStream(_files.Open(Path.Combine(_directory, NameFor(file.Sequence)), FileMode.Open, FileAccess.Read, FileShare.Read), ownsHandle: true);
            byte[] header = new byte[HeaderBytes];
            return CheckHeader(stream, file.Sequence, header, out int headerBytes, out long contentBytes) is null && FormatOf(header) == FormatVersion
                && ReadTrailer(stream, headerBytes + contentBytes) == file.Checksum;
        }
        catch (IOException) { return false; }
    }

    /// <summary>The base a file's header names (format 3), or null (a full snapshot).</summary>
    private static SnapshotFileId? BaseOf(ReadOnlySpan<byte> header) =>
        FormatOf(header) == DeltaFormatVersion
            ? new SnapshotFileId(BinaryPrimitives.ReadInt64LittleEndian(header[32..]), BinaryPrimitives.ReadUInt128LittleEndian(header[40..]))
            : null;

    /// <summary>The checksum in a file's trailer (at <paramref name="at"/>), as the file's identity.</summary>
    private static UInt128 ReadTrailer(Stream file, long at)
    {
        Span<byte> trailer = stackalloc byte[ChecksumBytes];
        file.Position = at;
        file.ReadExactly(trailer);
        return BinaryPrimitives.ReadUInt128LittleEndian(trailer);
    }

    /// <summary>
    /// Opens the base <paramref name="baseFile"/> a delta names and checks it: present, a full snapshot of that batch whose
    /// trailer is the checksum named, and (<paramref name="verifyContent"/>) whose content matches it. Returns why not, or
    /// null with <paramref name="content"/> a seekable stream over its content (the caller disposes it).
    /// </summary>
    private string? OpenBase(SnapshotFileId baseFile, bool verifyContent, out Stream? content)
    {
        content = null;
        string name = NameFor(baseFile.Sequence);
        Stream file;
        try { file = new BufferedStream(new FileHandleStream(_files.Open(Path.Combine(_directory, name), FileMode.Open, FileAccess.Read, FileShare.Read), ownsHandle: true), BufferBytes); }
        catch (FileNotFoundException) { return $"its base {name} is missing"; }
        try
        {
            byte[] header = new byte[HeaderBytes];
            string? problem = CheckHeader(file, baseFile.Sequence, header, out int headerBytes, out long contentBytes);
            if (problem is null && FormatOf(header) != FormatVersion) problem = $"a delta (file format {FormatOf(header)}), not a full snapshot";
            if (problem is null && ReadTrailer(file, headerBytes + contentBytes) is var trailer && trailer != baseFile.Checksum)
                problem = $"not the file the delta was written against (checksum {trailer:x32}, the delta names {baseFile.Checksum:x32})";
            if (problem is null && verifyContent) problem = Check(file, baseFile.Sequence, out _, out _);
            if (problem is not null) return $"its base {name}: {problem}";
            file.Position = headerBytes;
            content = new SnapshotContentStream(file, headerBytes, contentBytes);
            return null;
        }
        catch (IOException e) { return $"its base {name}: {e.Message}"; }
        finally
        {
            if (content is null) file.Dispose();
        }
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
                string? problem = Check(file, candidate, out int headerBytes, out long contentBytes);
                Stream? baseContent = null;
                SnapshotFileId? baseFile = null;
                if (problem is null)
                {
                    byte[] header = new byte[HeaderBytes];
                    CheckHeader(file, candidate, header, out _, out _);
                    if ((baseFile = BaseOf(header)) is { } b) problem = OpenBase(b, verifyContent: true, out baseContent);
                }
                if (problem is null)
                {
                    var self = new SnapshotFileId(candidate, ReadTrailer(file, headerBytes + contentBytes));
                    file.Position = headerBytes;
                    sequence = candidate;
                    content = new SnapshotContentStream(file, headerBytes, contentBytes) { File = self, BaseFile = baseFile, BaseContent = baseContent };
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
                string? problem = Check(file, candidate, out _, out _);
                byte[] header = new byte[HeaderBytes];
                if (problem is null && CheckHeader(file, candidate, header, out _, out _) is null && BaseOf(header) is { } b)
                {
                    problem = OpenBase(b, verifyContent: true, out Stream? baseContent);
                    baseContent?.Dispose();
                }
                if (problem is not null) damaged.Add($"{path}: {problem}");
            }
            catch (IOException e)
            {
                damaged.Add($"{path}: {e.Message}");
            }
        }
        return damaged;
    }

    /// <summary>
    /// Restores state from the newest snapshot that verifies. A snapshot whose header, checksum or restore fails
    /// (<paramref name="restore"/> throwing <see cref="InvalidDataException"/>, <see cref="EndOfStreamException"/>,
    /// <see cref="IOException"/>, <see cref="ArgumentException"/>, <see cref="InvalidOperationException"/> or
    /// <see cref="OverflowException"/>) is passed over for the next older one, as <see cref="TryOpenLatest"/> does; its
    /// half-built state is dropped.
    /// On the real file system (Linux) a file of the current format is mapped copy-on-write (<see cref="MappedFile"/>) and handed
    /// to <paramref name="restore"/> as a stream that also tells where its bytes lie (<see cref="ISnapshotMemory"/>), while a
    /// second thread computes the checksum from the file: the restored state may keep large sections in the file's pages
    /// instead of copying them, so the mapping lives as long as that state (the file may be deleted meanwhile; its space is
    /// freed when the state goes). Elsewhere (a simulated disk, a format-1 file) the file is read once: <paramref name="restore"/>
    /// consumes the content while its checksum is computed. Either way the result is kept only if the checksum then matches.
    /// </summary>
    public bool TryRestoreLatest<T>(Func<Stream, T> restore, out long sequence, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T state)
    {
        ArgumentNullException.ThrowIfNull(restore);
        LastIdTable = null;
        LastChecksumBlocks = (0, 0);
        var rejected = new List<string>();
        List<(long Sequence, string Path)> snapshots = List();
        byte[] header = new byte[HeaderBytes];
        bool mappable = ReferenceEquals(_files, LocalFileSystem.Instance) && MappedFile.IsSupported;
        for (int i = snapshots.Count - 1; i >= 0; i--)
        {
            (long candidate, string path) = snapshots[i];
            try
            {
                string? problem = mappable ? TryRestoreMapped(path, candidate, restore, header, out T? got) : TryRestoreRead(path, candidate, restore, header, out got);
                if (problem is null)
                {
                    state = got!;
                    sequence = candidate;
                    LastRejected = rejected;
                    return true;
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

    private static bool IsRestoreFailure(Exception e) =>
        e is InvalidDataException or EndOfStreamException or ArgumentException or InvalidOperationException or OverflowException;

    /// <summary>
    /// Whether an exception of a restore waits for the checksum's verdict: damaged content can fail a restore in any way (a
    /// flipped id missing from a dictionary), so the checksum over the whole file decides first. An I/O error reading the
    /// file is no verdict on its content and goes on at once.
    /// </summary>
    private static bool AwaitsChecksum(Exception e) => IsRestoreFailure(e) || e is not (OutOfMemoryException or IOException);

    /// <summary>
    /// Why a restore that threw <paramref name="e"/> refuses the file: <paramref name="damaged"/> (the checksum's finding) when
    /// it failed its checksum; else, for a file that verifies, the restore's own finding of an inconsistency. Any other
    /// exception from a file that verifies is a fault of the restore: rethrown as it was.
    /// </summary>
    private static string Refusal(Exception e, string? damaged)
    {
        if (damaged is not null) return damaged;
        if (IsRestoreFailure(e)) return $"restore failed: {e.Message}";
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>Restores from <paramref name="path"/> read once through its checksum; returns why not, or null.</summary>
    private string? TryRestoreRead<T>(string path, long candidate, Func<Stream, T> restore, byte[] header, out T? state)
    {
        state = default;
        using Stream file = new BufferedStream(new FileHandleStream(_files.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read), ownsHandle: true), BufferBytes);
        string? problem = CheckHeader(file, candidate, header, out int headerBytes, out long contentBytes);
        if (problem is not null) return problem;
        var self = new SnapshotFileId(candidate, ReadTrailer(file, headerBytes + contentBytes));
        file.Position = headerBytes;
        SnapshotFileId? baseFile = BaseOf(header);
        Stream? baseContent = null;
        // A delta's base is verified whole first: the restore reads the chunks it needs from it, in any order.
        if (baseFile is { } b && OpenBase(b, verifyContent: true, out baseContent) is { } baseProblem) return baseProblem;
        try
        {
            ReadOnlySpan<byte> headerSpan = header.AsSpan(0, headerBytes);
            var content = new VerifyingContentStream(file, headerBytes, contentBytes, FormatOf(header)) { File = self, BaseFile = baseFile, BaseContent = baseContent };
            T restored;
            try { restored = restore(content); }
            catch (Exception e) when (AwaitsChecksum(e))
            {
                content.Drain();
                return Refusal(e, content.ChecksumMatches(headerSpan) ? null : "checksum mismatch: the snapshot is damaged");
            }
            content.Drain();
            if (!content.ChecksumMatches(headerSpan)) return "checksum mismatch: the snapshot is damaged";
            state = restored;
            return null;
        }
        finally
        {
            baseContent?.Dispose(); // the restore copied what it needed
        }
    }

    /// <summary>
    /// Restores from <paramref name="path"/> mapped (format 2; format 1 is read); returns why not, or null. The checksum is
    /// computed on a second thread from the file read with pread(2) while <paramref name="restore"/> runs over the mapping
    /// (on this VM hashing the page cache through read is several times faster than through a mapping's 4 KiB pages, and the
    /// restore touches what it needs of the mapping anyway); the state is kept only if the checksum then matches, as when
    /// the file is read.
    /// </summary>
    private unsafe string? TryRestoreMapped<T>(string path, long candidate, Func<Stream, T> restore, byte[] header, out T? state)
    {
        state = default;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileBytes = RandomAccess.GetLength(handle);
        int read = RandomAccess.Read(handle, header.AsSpan(0, (int)Math.Min(header.Length, fileBytes)), 0);
        string? problem = CheckHeader(header.AsSpan(0, read), fileBytes, candidate, out int headerBytes, out long contentBytes);
        if (problem is not null) return problem;
        if (FormatOf(header) < 2) return TryRestoreRead(path, candidate, restore, header, out state);
        var self = new SnapshotFileId(candidate, ReadTrailer(handle, fileBytes - ChecksumBytes));
        SnapshotFileId? baseFile = BaseOf(header);
        // A delta: its base is checked (present, full, the checksum named) and mapped too; both checksums are computed beside the restore.
        Microsoft.Win32.SafeHandles.SafeFileHandle? baseHandle = null;
        MappedFile? baseMap = null, map = null;
        Task<string?>? verifying = null;
        bool keep = false;
        try
        {
            int baseHeaderBytes = 0;
            long baseContentBytes = 0;
            byte[] baseExpected = [];
            if (baseFile is { } b)
            {
                string name = NameFor(b.Sequence), basePath = Path.Combine(_directory, name);
                try { baseHandle = File.OpenHandle(basePath, FileMode.Open, FileAccess.Read, FileShare.Read); }
                catch (FileNotFoundException) { return $"its base {name} is missing"; }
                long baseBytes = RandomAccess.GetLength(baseHandle);
                byte[] baseHeader = new byte[HeaderBytes];
                int baseRead = RandomAccess.Read(baseHandle, baseHeader.AsSpan(0, (int)Math.Min(baseHeader.Length, baseBytes)), 0);
                string? baseProblem = CheckHeader(baseHeader.AsSpan(0, baseRead), baseBytes, b.Sequence, out baseHeaderBytes, out baseContentBytes);
                if (baseProblem is null && FormatOf(baseHeader) != FormatVersion) baseProblem = $"a delta (file format {FormatOf(baseHeader)}), not a full snapshot";
                if (baseProblem is null && ReadTrailer(baseHandle, baseBytes - ChecksumBytes) is var trailer && trailer != b.Checksum)
                    baseProblem = $"not the file the delta was written against (checksum {trailer:x32}, the delta names {b.Checksum:x32})";
                if (baseProblem is not null) return $"its base {name}: {baseProblem}";
                try { baseMap = MappedFile.Map(baseHandle, baseBytes, basePath); }
                catch (IOException) { return TryRestoreRead(path, candidate, restore, header, out state); }
                baseExpected = baseHeader.AsSpan(0, baseHeaderBytes).ToArray();
            }
            try { map = MappedFile.Map(handle, fileBytes, path); }
            catch (IOException) { return TryRestoreRead(path, candidate, restore, header, out state); } // no mapping (address space, limits): read it
            byte[] expected = header.AsSpan(0, headerBytes).ToArray();
            // Each block of a file is read once: by the restore, which hashes the whole blocks it reads, or by the checksum's thread.
            var blocks = new SharedBlockChecksum(handle, headerBytes, contentBytes);
            SharedBlockChecksum? baseBlocks = baseHandle is null ? null : new SharedBlockChecksum(baseHandle, baseHeaderBytes, baseContentBytes);
            verifying = Task.Factory.StartNew(() =>
            {
                if (!blocks.Matches(expected)) return "checksum mismatch: the snapshot is damaged";
                if (baseBlocks is not null && !baseBlocks.Matches(baseExpected))
                    return $"its base {NameFor(baseFile!.Value.Sequence)}: checksum mismatch: the snapshot is damaged";
                return (string?)null;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            byte* content = map.Address + headerBytes;
            T restored;
            var stream = new MappedContentStream(map, content, contentBytes)
            {
                File = self,
                Blocks = blocks,
                BaseBlocks = baseBlocks,
                BaseFile = baseFile,
                BaseContent = baseMap is null ? null : new MappedContentStream(baseMap, baseMap.Address + baseHeaderBytes, baseContentBytes),
            };
            using (stream)
            {
                try { restored = restore(stream); }
                catch (Exception e) when (AwaitsChecksum(e))
                {
                    return Refusal(e, verifying.GetAwaiter().GetResult());
                }
            }
            if (verifying.GetAwaiter().GetResult() is { } damaged) return damaged;
            state = restored;
            keep = true;
            LastChecksumBlocks = (blocks.Blocks + (baseBlocks?.Blocks ?? 0), blocks.HashedByReads + (baseBlocks?.HashedByReads ?? 0));
            // Verified and kept: the pages the state will write at random become its own beside the engine (the id table).
            // (A full snapshot holds its id table; a delta's lies in its base: one of the two asks, never both.)
            string? own = stream.PopulateWrittenAtRandom(), inBase = (stream.BaseContent as MappedContentStream)?.PopulateWrittenAtRandom();
            LastIdTable = own ?? inBase;
            lock (_populating)
            {
                _populating.RemoveAll(w => !w.TryGetTarget(out _));
                _populating.Add(new WeakReference<MappedFile>(map));
                if (baseMap is not null) _populating.Add(new WeakReference<MappedFile>(baseMap));
            }
            return null;
        }
        finally
        {
            try { verifying?.Wait(); } // the handles are closed only after the checksum's reads
            catch (AggregateException) { } // a failed read was reported where the result was asked for, or the restore's own exception goes on
            if (!keep) { map?.Dispose(); baseMap?.Dispose(); } // a half-built state is dropped with them; a restored one holds the mappings
            baseHandle?.Dispose();
        }
    }

    private static UInt128 ReadTrailer(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long at)
    {
        Span<byte> trailer = stackalloc byte[ChecksumBytes];
        if (RandomAccess.Read(handle, trailer, at) != ChecksumBytes) throw new IOException("snapshot file ends inside its checksum");
        return BinaryPrimitives.ReadUInt128LittleEndian(trailer);
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

    private static void WriteHeader(Span<byte> header, long sequence, long contentBytes, SnapshotFileId? baseFile)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], baseFile is null ? FormatVersion : DeltaFormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], HeaderBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], contentBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], 0);
        if (baseFile is { } b)
        {
            BinaryPrimitives.WriteInt64LittleEndian(header[32..], b.Sequence);
            BinaryPrimitives.WriteUInt128LittleEndian(header[40..], b.Checksum);
        }
    }

    private static ushort FormatOf(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);

    /// <summary>
    /// Checks a header: <paramref name="start"/> holds the file's first bytes (up to <see cref="HeaderBytes"/>), the file
    /// <paramref name="fileBytes"/>. Returns why it is not a snapshot for <paramref name="sequence"/>, or null.
    /// </summary>
    private static string? CheckHeader(ReadOnlySpan<byte> start, long fileBytes, long sequence, out int headerBytes, out long contentBytes)
    {
        headerBytes = 0;
        contentBytes = 0;
        if (fileBytes < HeaderFieldBytes + ChecksumBytes || start.Length < HeaderFieldBytes) return $"only {fileBytes} bytes, shorter than header and checksum";
        if (BinaryPrimitives.ReadUInt32LittleEndian(start) != Magic) return "bad magic: not a snapshot";
        ushort version = FormatOf(start);
        if (version is not (1 or FormatVersion or DeltaFormatVersion)) return $"unsupported snapshot format version {version}";
        int expectedHeader = version == 1 ? HeaderFieldBytes : HeaderBytes;
        if (BinaryPrimitives.ReadUInt16LittleEndian(start[6..]) != expectedHeader) return "bad header length";
        if (fileBytes < expectedHeader + ChecksumBytes || start.Length < expectedHeader) return $"only {fileBytes} bytes, shorter than header and checksum";
        long recorded = BinaryPrimitives.ReadInt64LittleEndian(start[8..]);
        if (recorded != sequence) return $"header says batch {recorded}, file name says {sequence}";
        contentBytes = BinaryPrimitives.ReadInt64LittleEndian(start[16..]);
        if (contentBytes != fileBytes - expectedHeader - ChecksumBytes)
            return $"header declares {contentBytes} content bytes, file holds {fileBytes - expectedHeader - ChecksumBytes}";
        headerBytes = expectedHeader;
        return null;
    }

    /// <summary>Reads and checks the header (the file is left after it); returns why it is not a snapshot for <paramref name="sequence"/>, or null.</summary>
    private static string? CheckHeader(Stream file, long sequence, byte[] header, out int headerBytes, out long contentBytes)
    {
        long fileBytes = file.Length;
        file.Position = 0;
        int read = file.ReadAtLeast(header.AsSpan(0, (int)Math.Min(header.Length, fileBytes)), (int)Math.Min(header.Length, fileBytes), throwOnEndOfStream: false);
        string? problem = CheckHeader(header.AsSpan(0, read), fileBytes, sequence, out headerBytes, out contentBytes);
        if (problem is null) file.Position = headerBytes;
        return problem;
    }

    /// <summary>Reads the whole file; returns why it is not a valid snapshot for <paramref name="sequence"/>, or null.</summary>
    private static string? Check(Stream file, long sequence, out int headerBytes, out long contentBytes)
    {
        byte[] header = new byte[HeaderBytes];
        string? problem = CheckHeader(file, sequence, header, out headerBytes, out contentBytes);
        if (problem is not null) return problem;

        var checksum = new ContentChecksum(FormatOf(header));
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
        Span<byte> expected = stackalloc byte[ChecksumBytes];
        Span<byte> actual = stackalloc byte[ChecksumBytes];
        file.ReadExactly(expected);
        checksum.Finish(header.AsSpan(0, headerBytes), actual);
        return actual.SequenceEqual(expected) ? null : "checksum mismatch: the snapshot is damaged";
    }

    /// <summary>
    /// The checksum of a snapshot's content and header. Format 1: XxHash128 over content then header. Format 2: XxHash128
    /// over the XxHash3 of each <see cref="BlockBytes"/> block of the content (64 bits, little-endian), then the header —
    /// the same value however the content is cut into pieces.
    /// </summary>
    private sealed class ContentChecksum(ushort format)
    {
        private readonly XxHash128 _outer = new();
        private readonly XxHash3? _block = format >= 2 ? new XxHash3() : null;
        private int _inBlock;

        public void Append(ReadOnlySpan<byte> data)
        {
            if (_block is null) { _outer.Append(data); return; }
            while (!data.IsEmpty)
            {
                int n = Math.Min(data.Length, BlockBytes - _inBlock);
                _block.Append(data[..n]);
                _inBlock += n;
                data = data[n..];
                if (_inBlock == BlockBytes) FinishBlock();
            }
        }

        private void FinishBlock()
        {
            AppendBlockHash(_block!.GetCurrentHashAsUInt64());
            _block.Reset();
            _inBlock = 0;
        }

        /// <summary>Appends the XxHash3 of the next whole block, computed elsewhere (format 2; <see cref="SharedBlockChecksum"/>).</summary>
        public void AppendBlockHash(ulong blockHash)
        {
            Span<byte> hash = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(hash, blockHash);
            _outer.Append(hash);
        }

        public void Finish(ReadOnlySpan<byte> header, Span<byte> destination)
        {
            if (_block is not null && _inBlock > 0) FinishBlock();
            _outer.Append(header);
            _outer.GetCurrentHash(destination);
        }
    }

    /// <summary>
    /// The checksum of one mapped snapshot file (format 2), computed while the restore reads the same file, so that each
    /// block is read from the disk once: a read of the restore that is exactly one whole block (<see cref="Read"/>) hashes
    /// it as it passes, and the checksum's thread (<see cref="Matches"/>) reads and hashes every block the restore did not
    /// claim, from the last one back, so the two threads meet instead of reading the same blocks. From a cold page cache
    /// the file was read twice before (the checksum's pass, then the restore's over the transfers and their metadata).
    /// A block is claimed by one thread (0 unread → 1 being read → 2 hashed); a read that fails gives its claim back.
    /// </summary>
    internal sealed class SharedBlockChecksum(Microsoft.Win32.SafeHandles.SafeFileHandle handle, int headerBytes, long contentBytes)
    {
        private readonly ulong[] _hashes = new ulong[(contentBytes + BlockBytes - 1) / BlockBytes];
        private readonly int[] _states = new int[(contentBytes + BlockBytes - 1) / BlockBytes];
        private const int Unread = 0, Reading = 1, Hashed = 2;

        /// <summary>Blocks the restore's reads hashed (the rest the checksum's thread read itself).</summary>
        public int HashedByReads { get; private set; }

        public int Blocks => _states.Length;

        /// <summary>Fills <paramref name="destination"/> from content position <paramref name="position"/>; hashes the block when the read is one whole unclaimed block.</summary>
        public void Read(long position, Span<byte> destination)
        {
            if (position % BlockBytes == 0 && !destination.IsEmpty && position < contentBytes
                && destination.Length == (int)Math.Min(BlockBytes, contentBytes - position))
            {
                int block = (int)(position / BlockBytes);
                if (Interlocked.CompareExchange(ref _states[block], Reading, Unread) == Unread)
                {
                    try { ReadFully(position, destination); }
                    catch { Volatile.Write(ref _states[block], Unread); throw; } // the checksum's thread reads it then
                    _hashes[block] = XxHash3.HashToUInt64(destination);
                    Volatile.Write(ref _states[block], Hashed);
                    HashedByReads++;
                    return;
                }
            }
            ReadFully(position, destination);
        }

        /// <summary>Whether the content matches the file's trailer: hashes the blocks nobody claimed, waits for the claimed ones, combines them in order.</summary>
        public bool Matches(byte[] header)
        {
            byte[] buffer = new byte[BlockBytes];
            try
            {
                for (int block = _states.Length - 1; block >= 0; block--) HashUnclaimed(block, buffer);
                for (int block = 0; block < _states.Length; block++)
                {
                    var wait = new SpinWait();
                    while (Volatile.Read(ref _states[block]) != Hashed)
                    {
                        HashUnclaimed(block, buffer); // given back by a failed read
                        wait.SpinOnce();
                    }
                }
                var checksum = new ContentChecksum(FormatVersion);
                foreach (ulong h in _hashes) checksum.AppendBlockHash(h);
                Span<byte> actual = stackalloc byte[ChecksumBytes];
                checksum.Finish(header, actual);
                return BinaryPrimitives.ReadUInt128LittleEndian(actual) == ReadTrailer(handle, headerBytes + contentBytes);
            }
            catch (IOException) { return false; } // short or failed read: as a damaged file
        }

        private void HashUnclaimed(int block, byte[] buffer)
        {
            if (Interlocked.CompareExchange(ref _states[block], Reading, Unread) != Unread) return;
            long position = (long)block * BlockBytes;
            Span<byte> bytes = buffer.AsSpan(0, (int)Math.Min(BlockBytes, contentBytes - position));
            try { ReadFully(position, bytes); }
            catch { Volatile.Write(ref _states[block], Unread); throw; }
            _hashes[block] = XxHash3.HashToUInt64(bytes);
            Volatile.Write(ref _states[block], Hashed);
        }

        private void ReadFully(long position, Span<byte> destination) => PreadFully(handle, destination, headerBytes + position, "snapshot file ends inside a section");
    }

    /// <summary>Deletes all but the newest <see cref="KeepSnapshots"/> snapshots and the bases those name (a delta is useless without its base).</summary>
    private void Prune()
    {
        List<(long Sequence, string Path)> snapshots = List();
        if (snapshots.Count <= KeepSnapshots) return;
        var keep = new HashSet<long>();
        for (int i = snapshots.Count - KeepSnapshots; i < snapshots.Count; i++)
        {
            keep.Add(snapshots[i].Sequence);
            if (BaseNamedBy(snapshots[i].Path) is { } b) keep.Add(b.Sequence);
        }
        bool deleted = false;
        foreach ((long sequence, string path) in snapshots)
            if (!keep.Contains(sequence)) { _files.Delete(path); deleted = true; }
        if (deleted) _files.SyncDirectory(_directory);
    }

    /// <summary>The base a snapshot file's header names, or null (a full snapshot, or a header that does not read).</summary>
    private SnapshotFileId? BaseNamedBy(string path)
    {
        try
        {
            using IFileHandle handle = _files.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            byte[] header = new byte[DeltaHeaderFieldBytes];
            if (handle.Read(header, 0) < header.Length || BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic) return null;
            return BaseOf(header);
        }
        catch (IOException) { return null; }
    }

    private void DeleteTempFiles()
    {
        foreach (string path in _files.EnumerateFiles(_directory, Prefix + "*" + Suffix + TempSuffix)) _files.Delete(path);
    }

    /// <summary>Fills <paramref name="destination"/> from file offset <paramref name="at"/> with pread(2); a file that ends first is an <see cref="EndOfStreamException"/> saying <paramref name="endsEarly"/>.</summary>
    private static void PreadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> destination, long at, string endsEarly)
    {
        while (!destination.IsEmpty)
        {
            int n = RandomAccess.Read(handle, destination, at);
            if (n <= 0) throw new EndOfStreamException(endsEarly);
            destination = destination[n..];
            at += n;
        }
    }

    /// <summary>As <see cref="ChecksumWriteStream"/>, for a delta: also reads its base (format 2: content after a 4096-byte header) with pread.</summary>
    private sealed class DeltaChecksumWriteStream(Stream inner, Microsoft.Win32.SafeHandles.SafeFileHandle baseHandle) : ChecksumWriteStream(inner), ISnapshotFiles
    {
        public void ReadAt(bool fromBase, long position, Span<byte> destination)
        {
            if (!fromBase) throw new InvalidOperationException("only the base is read");
            PreadFully(baseHandle, destination, HeaderBytes + position, "the base snapshot file ends inside a section");
        }
    }

    /// <summary>Forwards writes to the file while counting them and feeding the checksum.</summary>
    private class ChecksumWriteStream(Stream inner) : Stream
    {
        public ContentChecksum Checksum { get; } = new(FormatVersion);
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
    private sealed class VerifyingContentStream(Stream file, int headerBytes, long length, ushort format) : Stream, ISnapshotSource
    {
        public SnapshotFileId File { get; init; }
        public SnapshotFileId? BaseFile { get; init; }
        public Stream? BaseContent { get; init; }

        private readonly ContentChecksum _checksum = new(format);
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
            Span<byte> expected = stackalloc byte[ChecksumBytes];
            Span<byte> actual = stackalloc byte[ChecksumBytes];
            file.Position = headerBytes + length;
            file.ReadExactly(expected);
            _checksum.Finish(header, actual);
            return actual.SequenceEqual(expected);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Read-only, seekable window over the content of a verified snapshot file; owns the file.</summary>
    private sealed class SnapshotContentStream(Stream file, long start, long length) : Stream, ISnapshotSource
    {
        public SnapshotFileId File { get; init; }
        public SnapshotFileId? BaseFile { get; init; }
        public Stream? BaseContent { get; init; }

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
            if (disposing) { file.Dispose(); BaseContent?.Dispose(); }
            base.Dispose(disposing);
        }
    }

    /// <summary>The content of a mapped snapshot file, read as a stream that also tells where each byte lies (<see cref="ISnapshotMemory"/>).</summary>
    private sealed unsafe class MappedContentStream : UnmanagedMemoryStream, ISnapshotMemory, ISnapshotSource, ISnapshotFiles
    {
        public SnapshotFileId File { get; init; }
        public SnapshotFileId? BaseFile { get; init; }
        public Stream? BaseContent { get; init; }

        /// <summary>The open files (this one's, its base's), read with pread while the restore runs, each checksummed from the same reads.</summary>
        public SharedBlockChecksum? Blocks { get; init; }
        public SharedBlockChecksum? BaseBlocks { get; init; }

        public void ReadAt(bool fromBase, long position, Span<byte> destination) =>
            ((fromBase ? BaseBlocks : Blocks) ?? throw new InvalidOperationException("no file to read")).Read(position, destination);

        public int ReadAlignment => BlockBytes;

        private readonly MappedFile _map;
        private readonly byte* _content;
        private readonly long _length;

        public MappedContentStream(MappedFile map, byte* content, long length) : base(content, length)
        {
            _map = map;
            _content = content;
            _length = length;
        }

        public byte* AddressOf(long position) => position >= 0 && position <= _length ? _content + position : throw new ArgumentOutOfRangeException(nameof(position));

        public object Owner => _map;

        /// <summary>The ranges of the mapping (from the file's start) the restored state will write at random; populated once it is kept.</summary>
        private readonly List<(long Offset, long Length)> _writtenAtRandom = [];

        public void WillWriteAtRandom(long position, long length)
        {
            if (position < 0 || length < 0 || position > _length - length) throw new ArgumentOutOfRangeException(nameof(position), $"{position}+{length} is outside the content");
            _writtenAtRandom.Add((_content - _map.Address + position, length));
        }

        /// <summary>
        /// Starts making the pages the state will write at random its own (<see cref="MappedFile.PopulateForWritesInBackground"/>);
        /// returns what was decided, or null when nothing was asked.
        /// </summary>
        public string? PopulateWrittenAtRandom()
        {
            return _writtenAtRandom.Count == 0 ? null : _map.PopulateForWritesInBackground(_writtenAtRandom).Decision;
        }
    }
}
