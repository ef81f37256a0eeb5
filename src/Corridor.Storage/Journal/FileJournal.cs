using System.Security.Cryptography;
using Corridor.Storage.Files;

namespace Corridor.Storage.Journal;

/// <summary>
/// The embedded journal: hash-chained batches in append-only segment files
/// (<c>journal-{firstSequence:D20}.seg</c>), each batch durable (fdatasync) before <see cref="Append"/>
/// returns. Opening is recovery: every batch is verified, a torn tail is cut off, anything worse stops
/// the node with <see cref="JournalCorruptException"/>. Record layout: <see cref="BatchRecord"/>.
/// One writer per directory, enforced with an exclusive lock on <c>journal.lock</c>.
/// </summary>
public sealed class FileJournal : IJournal
{
    public const string LockFileName = "journal.lock";

    /// <summary>The redundant record of the last acknowledged batch (<see cref="CommitRecord"/>).</summary>
    public const string CommitFileName = CommitRecord.FileName;

    private readonly string _directory;
    private readonly FileJournalOptions _options;
    private readonly IFileSystem _files;
    private readonly IFileHandle? _lock; // null: opened read-only
    private readonly List<SegmentFile> _segments;
    private readonly byte[] _header = new byte[BatchRecord.HeaderBytes];
    private readonly byte[] _lastHash;
    private readonly byte[] _commitCopy = new byte[CommitRecord.CopyBytes];
    private IFileHandle? _commit; // null: opened read-only

    private IFileHandle? _current;
    private long _currentFirstSequence;
    private long _currentBytes;
    private long _currentFileBytes; // the current segment's length: its batches, then prepared zeros (PrepareStepBytes)
    private long _firstSequence;
    private long _lastSequence;
    private Exception? _failure;
    private bool _disposed;

    private FileJournal(string directory, FileJournalOptions options, IFileSystem files, IFileHandle? lockFile, JournalScan scan, JournalRecoveryReport report)
    {
        _directory = directory;
        _options = options;
        _files = files;
        _lock = lockFile;
        _segments = new List<SegmentFile>(scan.Segments.Count);
        foreach (ScannedSegment s in scan.Segments) _segments.Add(s.File);
        _firstSequence = scan.Segments.Count == 0 ? 1 : scan.FirstSequence;
        _lastSequence = scan.LastSequence;
        _lastHash = (byte[])scan.LastHash.Clone();
        RecoveryReport = report;
    }

    /// <summary>What opening found: batches, sequences, and the torn tail dropped, if any.</summary>
    public JournalRecoveryReport RecoveryReport { get; }

    /// <summary>Full path of the journal directory.</summary>
    public string Directory => _directory;

    public long LastSequence => Volatile.Read(ref _lastSequence);

    /// <summary>First batch still held (after retention); 1 for a journal never trimmed, or when empty.</summary>
    public long FirstSequence => _firstSequence;

    public byte[] LastHash => (byte[])_lastHash.Clone();

    /// <summary>
    /// Opens (creating if needed) the journal in <paramref name="directory"/> and recovers it: verifies
    /// every batch; truncates a torn tail of the last segment (durably); throws
    /// <see cref="JournalCorruptException"/> for any other damage, without modifying a file.
    /// <paramref name="files"/>: the file system (default: the real one).
    /// </summary>
    public static FileJournal Open(string directory, FileJournalOptions? options = null, IFileSystem? files = null)
    {
        options ??= new FileJournalOptions();
        files ??= LocalFileSystem.Instance;
        if (options.SegmentBytes < BatchRecord.HeaderBytes) throw new ArgumentOutOfRangeException(nameof(options), $"SegmentBytes {options.SegmentBytes} is smaller than one header");
        if (options.PrepareStepBytes < 0) throw new ArgumentOutOfRangeException(nameof(options), $"PrepareStepBytes {options.PrepareStepBytes} is negative (0 turns preparing off)");
        if (options.MaxBatchBytes < 0 || options.MaxBatchBytes > BatchRecord.MaxBodyBytesFormat)
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxBatchBytes {options.MaxBatchBytes} is outside 0..{BatchRecord.MaxBodyBytesFormat}");

        directory = Path.GetFullPath(directory);
        if (!files.DirectoryExists(directory))
        {
            files.CreateDirectory(directory);
            string? parent = Path.GetDirectoryName(directory);
            if (parent is not null) files.SyncDirectory(parent);
        }

        IFileHandle lockFile;
        try
        {
            lockFile = files.Open(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"journal {directory} is already open by another writer ({e.Message})", e);
        }

        try
        {
            JournalScan scan = JournalScanner.Scan(files, directory, options.VerifyBodiesOnOpen);
            long truncatedBytes = 0;
            long truncatedAt = 0;
            string? truncatedFile = null;
            string? tornReason = null;
            if (scan.Problem is { Kind: JournalProblemKind.Corrupt } corrupt)
            {
                throw new JournalCorruptException(
                    $"journal {directory} is corrupt: {corrupt.File} at byte {corrupt.Offset}, batch {corrupt.Sequence}: {corrupt.Message}. " +
                    $"{scan.Batches} batches before it verified. The node refuses to start; no file was modified.");
            }
            if (scan.Problem is { Kind: JournalProblemKind.TornTail } torn)
            {
                truncatedFile = torn.File;
                truncatedAt = torn.Offset;
                truncatedBytes = scan.TornTailBytes;
                tornReason = torn.Message;
                using IFileHandle tail = files.Open(torn.File, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                tail.SetLength(torn.Offset);
                tail.Sync();
                scan.Problem = null;
            }
            if (scan.PreparedTailBytes > 0)
            {
                // The zeros prepared for appends that a crash left after the last batch: cut off (no note; nothing was written there).
                ScannedSegment last = scan.Segments[^1];
                using IFileHandle tail = files.Open(last.File.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                tail.SetLength(last.ValidBytes);
                tail.Sync();
            }
            // A last segment without batches (created, then crashed, or emptied by truncation) is removed;
            // the next append recreates it. It never holds an acknowledged batch.
            if (scan.Segments.Count > 0 && scan.Segments[^1].Batches == 0)
            {
                files.Delete(scan.Segments[^1].File.Path);
                scan.Segments.RemoveAt(scan.Segments.Count - 1);
                files.SyncDirectory(directory);
                if (scan.Segments.Count == 0) scan.FirstSequence = 1;
            }

            if (scan.Segments.Count > 0) StoreLastBatchAgain(files, directory, scan.Segments[^1]);

            string? commitNote = scan.CommitNote;
            if (scan.Attested is null && scan.Batches > 0)
                commitNote ??= $"no commit record {CommitFileName}: the journal was written by a build without one, or it was deleted; its tail was checked by the chain rules only, and a new record attests batch {scan.LastSequence}";
            var report = new JournalRecoveryReport(scan.Segments.Count, scan.Batches, scan.Batches == 0 ? 0 : scan.FirstSequence,
                scan.LastSequence, truncatedBytes, truncatedFile, truncatedAt, tornReason, commitNote);
            var journal = new FileJournal(directory, options, files, lockFile, scan, report);
            try
            {
                if (scan.Segments.Count > 0) journal.OpenCurrent(scan.Segments[^1]);
                journal.OpenCommitRecord();
            }
            catch
            {
                journal._current?.Dispose();
                journal._commit?.Dispose();
                throw;
            }
            return journal;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the journal for reading only (offline tools, a running node's directory): takes no lock,
    /// creates and modifies nothing. Verifies every batch like <see cref="Open"/>; a torn tail is left in
    /// place and simply not read; any other damage throws <see cref="JournalCorruptException"/>.
    /// <see cref="Append"/> and <see cref="DeleteSegmentsBefore"/> throw.
    /// </summary>
    public static FileJournal OpenReadOnly(string directory, IFileSystem? files = null)
    {
        files ??= LocalFileSystem.Instance;
        directory = Path.GetFullPath(directory);
        if (!files.DirectoryExists(directory)) throw new DirectoryNotFoundException($"journal directory {directory} does not exist");
        JournalScan scan = JournalScanner.Scan(files, directory);
        if (scan.Problem is { Kind: JournalProblemKind.Corrupt } corrupt)
            throw new JournalCorruptException($"journal {directory} is corrupt: {corrupt}. {scan.Batches} batches before it verified.");
        if (scan.Segments.Count > 0 && scan.Segments[^1].Batches == 0) scan.Segments.RemoveAt(scan.Segments.Count - 1);
        var report = new JournalRecoveryReport(scan.Segments.Count, scan.Batches, scan.Batches == 0 ? 0 : scan.FirstSequence,
            scan.LastSequence, 0, null, 0, scan.Problem?.Message);
        return new FileJournal(directory, new FileJournalOptions(), files, null, scan, report);
    }

    /// <summary>
    /// Checks every batch of the journal in <paramref name="directory"/> (header CRC, body SHA-256,
    /// sequence continuity, hash chain) without modifying or locking any file. A torn tail is reported
    /// as <see cref="JournalProblemKind.TornTail"/>, which <see cref="Open"/> would repair.
    /// </summary>
    public static JournalVerifyResult Verify(string directory, IFileSystem? files = null)
    {
        files ??= LocalFileSystem.Instance;
        directory = Path.GetFullPath(directory);
        if (!files.DirectoryExists(directory)) throw new DirectoryNotFoundException($"journal directory {directory} does not exist");
        JournalScan scan = JournalScanner.Scan(files, directory);
        return new JournalVerifyResult(scan.Segments.Count, scan.Batches, scan.Batches == 0 ? 0 : scan.FirstSequence, scan.LastSequence,
            Convert.ToHexStringLower(scan.LastHash), scan.ValidBytes, scan.TornTailBytes, scan.Problem,
            scan.CommitNote ?? (scan.Attested is null && scan.Batches > 0 ? $"no commit record {CommitFileName}: the tail can be checked by the chain rules only" : null));
    }

    public void Append(long sequence, ulong timestampNs, ReadOnlySpan<byte> body)
    {
        Write(sequence, timestampNs, body);
        Complete(sync: true);
    }

    /// <summary>
    /// Test only (the pipeline's planted bug <c>AcknowledgeBeforeSync</c>; internal, the node never calls it): completes the batch
    /// <see cref="Write"/> wrote, and its commit copy, without syncing either, so it is durable only once a later sync stores the file.
    /// </summary>
    internal void CompleteWithoutSync() => Complete(sync: false);

    /// <summary>
    /// Writes batch <paramref name="sequence"/> into the segment (the page cache) without waiting for the disk; <see cref="Sync"/>
    /// makes it durable, and only then does <see cref="LastSequence"/> name it, the commit record hold it and readers see it.
    /// No other batch may be written between the two.
    /// </summary>
    public void Write(long sequence, ulong timestampNs, ReadOnlySpan<byte> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_lock is null) throw new InvalidOperationException($"journal {_directory} was opened read-only");
        if (_failure is not null) throw new InvalidOperationException($"journal {_directory} failed earlier and must be reopened: {_failure.Message}", _failure);
        if (_written != 0) throw new InvalidOperationException($"batch {_written} was written and not synced: sync it before writing batch {sequence}");
        if (sequence != _lastSequence + 1) throw new InvalidOperationException($"append of batch {sequence} after batch {_lastSequence}: sequences must be consecutive");
        if (body.Length > _options.MaxBatchBytes) throw new ArgumentException($"batch body of {body.Length} bytes exceeds MaxBatchBytes {_options.MaxBatchBytes}", nameof(body));

        long recordBytes = BatchRecord.HeaderBytes + (long)body.Length;
        try
        {
            if (_current is null || (_currentBytes > 0 && _currentBytes + recordBytes > _options.SegmentBytes)) RollSegment(sequence);
            IFileHandle segment = _current!;
            long end = _currentBytes + recordBytes;
            if (end > _currentFileBytes && recordBytes <= _options.PrepareStepBytes / 64) Prepare(segment, end);
            BatchRecord.Write(_header, sequence, timestampNs, body, _lastHash);
            segment.WriteGathered(_header, body, _currentBytes);
            _currentFileBytes = Math.Max(_currentFileBytes, end);
        }
        catch (Exception e)
        {
            // After a failed write or sync the file's state is unknown (fsync errors are not retryable):
            // refuse further appends; reopening recovers from what is really on disk.
            _failure = e;
            throw;
        }
        _written = sequence;
        _writtenBytes = recordBytes;
    }

    /// <summary>Makes the batch <see cref="Write"/> wrote durable (fdatasync), then names it in the commit record; no-op when none waits.</summary>
    public void Sync() => Complete(sync: true);

    private long _written; // the batch written and not yet synced (0: none)
    private long _writtenBytes; // its record's bytes

    private void Complete(bool sync)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_written == 0) return;
        if (_failure is not null) throw new InvalidOperationException($"journal {_directory} failed earlier and must be reopened: {_failure.Message}", _failure);
        long sequence = _written, recordBytes = _writtenBytes;
        try
        {
            if (sync) _current!.Sync();
            // Durable: only now may the commit record name it (one small write into the page cache; synced per options).
            SHA256.HashData(_header, _lastHash);
            WriteCommitCopy(sequence, _currentFirstSequence, _currentBytes + recordBytes, _lastHash);
            if (_options.SyncCommitRecord && sync) _commit!.Sync();
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }
        _written = 0;
        _currentBytes += recordBytes;
        Volatile.Write(ref _lastSequence, sequence);
    }

    public IEnumerable<JournalBatch> Read(long afterSequence)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        if (afterSequence < _firstSequence - 1)
            throw new InvalidOperationException($"batches {afterSequence + 1}..{_firstSequence - 1} were removed by retention; start from a snapshot at or after batch {_firstSequence - 1}");
        // Readers (a projector) may run beside the writer: take a consistent view of the segment list and
        // of the last durable batch; nothing past it is read.
        long last = Volatile.Read(ref _lastSequence);
        SegmentFile[] segments;
        lock (_segments) segments = _segments.ToArray();
        return ReadSegments(segments, afterSequence, last);
    }

    /// <summary>Where the last read stopped: a reader that follows the journal (a projector) resumes there instead of re-scanning its segment.</summary>
    private sealed record ReadPosition(string SegmentPath, long Sequence, long NextOffset, byte[] Hash);

    private volatile ReadPosition? _readPosition;

    private IEnumerable<JournalBatch> ReadSegments(SegmentFile[] segments, long afterSequence, long lastSequence)
    {
        using var scanner = new JournalScanner();
        byte[]? previousHash = null;
        long nextExpected = 0;
        ReadPosition? resume = _readPosition;
        if (resume is not null && resume.Sequence > afterSequence) resume = null;
        for (int i = 0; i < segments.Length; i++)
        {
            SegmentFile segment = segments[i];
            if (i + 1 < segments.Length && segments[i + 1].FirstSequence - 1 <= afterSequence)
            {
                previousHash = null; // skipped whole: the chain link into the next segment was verified at open
                continue;
            }
            if (segment.FirstSequence == 1) previousHash = new byte[BatchRecord.HashBytes];
            if (previousHash is not null && segment.FirstSequence != 1 && segment.FirstSequence != nextExpected)
                throw new JournalCorruptException($"journal segment {segment.Path} starts at batch {segment.FirstSequence}, the previous segment ended at batch {nextExpected - 1} (it verified at open: the files changed since)");
            long expected = segment.FirstSequence;
            long offset = 0;
            if (resume is not null && resume.SegmentPath == segment.Path)
            {
                // Everything up to the resume point was read (and its chain checked) before: start right after it.
                expected = resume.Sequence + 1;
                offset = resume.NextOffset;
                previousHash = resume.Hash;
            }
            using IFileHandle file = _files.Open(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long fileBytes = file.Length;
            // A segment ends at its last batch, or where the next segment begins (prepared zeros may follow its last batch).
            long nextFirst = i + 1 < segments.Length ? segments[i + 1].FirstSequence : long.MaxValue;
            while (expected <= lastSequence && expected < nextFirst && offset < fileBytes)
            {
                bool wanted = expected > afterSequence;
                JournalScanner.RecordStatus status = scanner.ReadRecord(file, offset, fileBytes, checkBody: wanted, keepBody: wanted,
                    out long recordBytes, out byte[]? body, out string? problem, out _);
                ReadOnlySpan<byte> header = scanner.Header;
                if (status == JournalScanner.RecordStatus.Ok)
                {
                    long sequence = (long)BatchRecord.Sequence(header);
                    if (sequence != expected) problem = $"found batch {sequence} where batch {expected} was expected";
                    else if (previousHash is not null && !BatchRecord.PreviousHash(header).SequenceEqual(previousHash)) problem = "broken hash chain";
                }
                if (problem is not null)
                    throw new JournalCorruptException($"journal segment {segment.Path} at byte {offset}, batch {expected}: {problem} (it verified at open: the file changed since)");

                byte[] hash = SHA256.HashData(header);
                if (wanted)
                {
                    _readPosition = new ReadPosition(segment.Path, expected, offset + recordBytes, hash);
                    yield return new JournalBatch(expected, BatchRecord.Timestamp(header), body!, hash, BatchRecord.PreviousHash(header).ToArray());
                }
                previousHash = hash;
                expected++;
                offset += recordBytes;
            }
            if (expected > lastSequence) yield break;
            nextExpected = expected;
        }
    }

    /// <summary>
    /// Removes whole segments whose batches all have sequence &lt;= <paramref name="sequence"/> (covered by
    /// a durable snapshot). The current segment is never removed. Returns how many were removed.
    /// </summary>
    public int DeleteSegmentsBefore(long sequence)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_lock is null) throw new InvalidOperationException($"journal {_directory} was opened read-only");
        int removed = 0;
        while (_segments.Count > 1 && _segments[1].FirstSequence - 1 <= sequence)
        {
            _files.Delete(_segments[0].Path);
            lock (_segments) _segments.RemoveAt(0);
            removed++;
        }
        if (removed > 0)
        {
            _firstSequence = _segments[0].FirstSequence;
            _files.SyncDirectory(_directory);
        }
        return removed;
    }

    /// <summary>
    /// The last batch may be readable only from the page cache: its append failed on an fsync error (after which Linux
    /// marks the pages clean without storing them, so a later fsync does not store them either) or the process died
    /// before its fsync. Once opened, the journal serves it as durable, so it is written again and synced, with the
    /// directory (a segment created just before), before anything is served. Found by the fault simulator
    /// (Corridor.Simulation/Faults): without it, an fsync error, a restart and a later power loss lost that batch, or left
    /// a hole before later batches that made the node refuse to start. The segment's length is set again too: a cut of a
    /// torn tail whose fsync failed shows in the page cache but may never reach the disk, and the torn bytes would come
    /// back after a power loss in front of later segments — a journal that then refuses to start although nothing
    /// acknowledged was damaged (fault simulator seed 20269368).
    /// </summary>
    private static void StoreLastBatchAgain(IFileSystem files, string directory, ScannedSegment last)
    {
        long recordBytes = last.ValidBytes - last.LastRecordOffset;
        byte[] record = new byte[recordBytes];
        using IFileHandle file = files.Open(last.File.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        if (file.Read(record, last.LastRecordOffset) != record.Length)
            throw new JournalCorruptException($"journal segment {last.File.Path} shrank while being opened");
        file.Write(record, last.LastRecordOffset);
        file.SetLength(last.ValidBytes);
        file.Sync();
        files.SyncDirectory(directory);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_failure is null)
        {
            // A clean close leaves the last segment ending with its last batch, as a roll does; if this fails the next open cuts the zeros.
            try { TrimCurrent(); }
            catch (IOException) { }
        }
        _current?.Dispose();
        if (_commit is not null && _failure is null)
        {
            // A clean close leaves the commit record durable; if this fails it is only behind, never ahead.
            try { _commit.Sync(); }
            catch (IOException) { }
        }
        _commit?.Dispose();
        _lock?.Dispose();
    }

    private void OpenCurrent(ScannedSegment segment)
    {
        _current = _files.Open(segment.File.Path, FileMode.Open, FileAccess.Write, FileShare.Read);
        _currentBytes = segment.ValidBytes;
        _currentFileBytes = segment.ValidBytes; // Open cut any prepared zeros off
        _currentFirstSequence = segment.File.FirstSequence;
    }

    /// <summary>
    /// Opens (creating) the commit record and makes it attest the recovered last batch, both copies, durably: the batches
    /// recovered are the history from now on (the last segment is synced first, so the record names only durable bytes).
    /// </summary>
    private void OpenCommitRecord()
    {
        string path = Path.Combine(_directory, CommitFileName);
        bool existed = _files.EnumerateFiles(_directory, CommitFileName).Any();
        _commit = _files.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (_commit.Length != CommitRecord.FileBytes) _commit.SetLength(CommitRecord.FileBytes);
        if (_lastSequence > 0)
        {
            _current?.Sync();
            WriteCommitCopy(_lastSequence, _currentFirstSequence, _currentBytes, _lastHash);
            WriteCommitCopy(_lastSequence + 1, _currentFirstSequence, _currentBytes, _lastHash, attested: _lastSequence);
        }
        _commit.Sync();
        if (!existed) _files.SyncDirectory(_directory);
    }

    /// <summary>Writes the copy of slot <paramref name="slot"/> % 2 attesting batch <paramref name="attested"/> (default: the slot's own sequence).</summary>
    private void WriteCommitCopy(long slot, long segmentFirstSequence, long endOffset, byte[] hash, long attested = 0)
    {
        CommitRecord.Write(_commitCopy, attested == 0 ? slot : attested, segmentFirstSequence, endOffset, hash);
        _commit!.Write(_commitCopy, CommitRecord.OffsetOf(slot));
    }

    /// <summary>
    /// Writes zeros from the end of the current segment to a step past <paramref name="end"/> (within the segment's size) and
    /// syncs them: the batches written into them change neither the file's size nor its blocks (<see cref="FileJournalOptions.PrepareStepBytes"/>).
    /// </summary>
    private void Prepare(IFileHandle segment, long end)
    {
        long target = Math.Max(end, Math.Min(_currentBytes + _options.PrepareStepBytes, _options.SegmentBytes));
        for (long at = _currentFileBytes; at < target; at += Zeros.Length)
            segment.Write(Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, target - at)), at);
        segment.Sync();
        _currentFileBytes = target;
    }

    private static readonly byte[] Zeros = new byte[64 * 1024];

    /// <summary>Cuts the current segment back to its last batch (its prepared zeros dropped), durably: a closed segment ends with a batch.</summary>
    private void TrimCurrent()
    {
        if (_current is null || _currentFileBytes <= _currentBytes) return;
        _current.SetLength(_currentBytes);
        _current.Sync();
        _currentFileBytes = _currentBytes;
    }

    private void RollSegment(long firstSequence)
    {
        TrimCurrent(); // before the next segment exists: only the last segment may end in prepared zeros
        _current?.Dispose();
        _current = null;
        string path = Path.Combine(_directory, SegmentFile.NameFor(firstSequence));
        _current = _files.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _currentBytes = 0;
        _currentFileBytes = 0;
        _currentFirstSequence = firstSequence;
        _commit?.Sync(); // the record of the previous segment's last batch is durable before batches go elsewhere
        lock (_segments) _segments.Add(new SegmentFile(path, firstSequence));
        _files.SyncDirectory(_directory);
    }
}
