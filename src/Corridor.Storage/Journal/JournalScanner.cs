using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Corridor.Storage.Files;

namespace Corridor.Storage.Journal;

/// <summary>A segment file: its path and the sequence of the first batch it holds (from its name).</summary>
internal sealed record SegmentFile(string Path, long FirstSequence)
{
    public const string Prefix = "journal-";
    public const string Suffix = ".seg";
    private const int SequenceDigits = 20;

    public static string NameFor(long firstSequence) => $"{Prefix}{firstSequence.ToString("D20", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>Segment files in <paramref name="directory"/>, ordered by first sequence; other files are ignored.</summary>
    public static List<SegmentFile> List(IFileSystem files, string directory)
    {
        var segments = new List<SegmentFile>();
        foreach (string path in files.EnumerateFiles(directory, Prefix + "*" + Suffix))
        {
            string name = System.IO.Path.GetFileName(path);
            if (name.Length != Prefix.Length + SequenceDigits + Suffix.Length) continue;
            ReadOnlySpan<char> digits = name.AsSpan(Prefix.Length, SequenceDigits);
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long first)) continue;
            segments.Add(new SegmentFile(path, first));
        }
        segments.Sort((a, b) => a.FirstSequence.CompareTo(b.FirstSequence));
        return segments;
    }
}

/// <summary>One segment as scanned: how many bytes of it are verified batches, and where the last of them starts.</summary>
internal sealed record ScannedSegment(SegmentFile File, long FileBytes, long ValidBytes, long Batches, long LastRecordOffset);

/// <summary>Everything a full scan learned; <see cref="Problem"/> is the first problem, scanning stops there.</summary>
internal sealed class JournalScan
{
    public List<ScannedSegment> Segments { get; } = new();
    public long Batches { get; set; }
    public long FirstSequence { get; set; }
    public long LastSequence { get; set; }
    public byte[] LastHash { get; set; } = new byte[BatchRecord.HashBytes];
    public long ValidBytes { get; set; }
    public long TornTailBytes { get; set; }

    /// <summary>Zeros after the last batch of the last segment: space the journal prepared for appends (<see cref="FileJournalOptions.PrepareStepBytes"/>), not damage.</summary>
    public long PreparedTailBytes { get; set; }
    public JournalProblem? Problem { get; set; }

    /// <summary>Chain hash of the batch the commit record attests, when the scan passed it.</summary>
    public byte[]? AttestedHash { get; set; }

    /// <summary>The damage a torn tail was taken for, before the commit record was consulted.</summary>
    public string? TornDamage { get; set; }

    /// <summary>What the commit record said (null: none readable), and a note for the recovery report.</summary>
    public CommitRecord? Attested { get; set; }
    public string? CommitNote { get; set; }
}

/// <summary>
/// Reads and verifies journal records (header CRC, format, body SHA-256, sequence, chain) and decides
/// whether damage is a torn tail or corruption. Never writes. Owns reusable buffers: one per scan.
/// </summary>
internal sealed class JournalScanner : IDisposable
{
    private const int ChunkBytes = 1024 * 1024;

    private readonly byte[] _header = new byte[BatchRecord.HeaderBytes];
    private readonly byte[] _probe = new byte[BatchRecord.HeaderBytes];
    private readonly byte[] _chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private readonly byte[] _bodyHash = new byte[BatchRecord.HashBytes];
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The header of the record last read by <see cref="ReadRecord"/>.</summary>
    public ReadOnlySpan<byte> Header => _header;

    public void Dispose()
    {
        _sha256.Dispose();
        ArrayPool<byte>.Shared.Return(_chunk);
    }

    public enum RecordStatus
    {
        Ok,
        /// <summary>Damage that a torn write could explain (incomplete, noise, zeros, body mismatch).</summary>
        Damaged,
        /// <summary>A sealed header this build cannot accept: never a torn write.</summary>
        Unreadable,
    }

    /// <summary>
    /// Reads the record at <paramref name="offset"/> into <see cref="Header"/> and checks it. With
    /// <paramref name="body"/> null the body is streamed through SHA-256 in chunks; otherwise it is read
    /// into a new array returned there. With <paramref name="checkBody"/> false the body is skipped.
    /// <paramref name="resumeAt"/> is where a search for later valid records should start.
    /// </summary>
    public RecordStatus ReadRecord(IFileHandle file, long offset, long fileBytes, bool checkBody, bool keepBody,
        out long recordBytes, out byte[]? body, out string? problem, out long resumeAt)
    {
        recordBytes = 0;
        body = null;
        problem = null;
        resumeAt = offset + 1;
        long remaining = fileBytes - offset;
        if (remaining < BatchRecord.HeaderBytes)
        {
            int got = ReadAt(file, _header.AsSpan(0, (int)remaining), offset);
            problem = IsZero(_header.AsSpan(0, got))
                ? $"zero-filled tail of {remaining} bytes"
                : $"incomplete header: {remaining} of {BatchRecord.HeaderBytes} bytes";
            return RecordStatus.Damaged;
        }
        ReadExactlyAt(file, _header, offset);
        if (!BatchRecord.IsSealed(_header))
        {
            problem = IsZero(_header) ? "zero-filled bytes where a header should be"
                : BitConverter.ToUInt32(_header, 0) != BatchRecord.Magic ? "bad magic: not a batch header"
                : "header CRC-32C mismatch";
            return RecordStatus.Damaged;
        }
        string? fields = BatchRecord.CheckFields(_header);
        if (fields is not null)
        {
            problem = fields;
            return RecordStatus.Unreadable;
        }
        uint bodyBytes = BatchRecord.BodyBytes(_header);
        recordBytes = BatchRecord.HeaderBytes + (long)bodyBytes;
        resumeAt = offset + recordBytes;
        if (recordBytes > remaining)
        {
            problem = $"incomplete body: header declares {bodyBytes} bytes, {remaining - BatchRecord.HeaderBytes} remain";
            return RecordStatus.Damaged;
        }
        if (!checkBody) return RecordStatus.Ok;

        long bodyOffset = offset + BatchRecord.HeaderBytes;
        if (keepBody)
        {
            body = new byte[bodyBytes];
            ReadExactlyAt(file, body, bodyOffset);
            SHA256.HashData(body, _bodyHash);
        }
        else
        {
            for (long done = 0; done < bodyBytes;)
            {
                int n = (int)Math.Min(ChunkBytes, bodyBytes - done);
                ReadExactlyAt(file, _chunk.AsSpan(0, n), bodyOffset + done);
                _sha256.AppendData(_chunk, 0, n);
                done += n;
            }
            _sha256.GetHashAndReset(_bodyHash);
        }
        if (!BatchRecord.BodyHash(_header).SequenceEqual(_bodyHash))
        {
            body = null;
            problem = "body SHA-256 mismatch";
            return RecordStatus.Damaged;
        }
        return RecordStatus.Ok;
    }

    /// <summary>
    /// Offset of the first sealed header (magic and valid CRC) at or after <paramref name="start"/>, or -1.
    /// Evidence that damage before it is not a torn tail: a complete record was written after it.
    /// </summary>
    public long FindSealedHeader(IFileHandle file, long start, long fileBytes)
    {
        ReadOnlySpan<byte> magic = [0x43, 0x52, 0x44, 0x4A]; // "CRDJ"
        long position = start;
        while (position + BatchRecord.HeaderBytes <= fileBytes)
        {
            int n = ReadAt(file, _chunk.AsSpan(0, (int)Math.Min(ChunkBytes, fileBytes - position)), position);
            if (n < BatchRecord.HeaderBytes) return -1;
            ReadOnlySpan<byte> window = _chunk.AsSpan(0, n);
            int from = 0;
            while (true)
            {
                int k = window[from..].IndexOf(magic);
                if (k < 0) break;
                long at = position + from + k;
                if (at + BatchRecord.HeaderBytes > fileBytes) return -1;
                ReadExactlyAt(file, _probe, at);
                if (BatchRecord.IsSealed(_probe)) return at;
                from += k + 1;
            }
            position += n - (magic.Length - 1); // overlap so a magic split across chunks is seen
        }
        return -1;
    }

    /// <summary>
    /// Verifies every batch of every segment in <paramref name="directory"/> without modifying anything.
    /// Stops at the first problem; a problem is a torn tail only at the end of the last segment with no
    /// sealed header after it. With <paramref name="checkEarlierBodies"/> false, bodies of segments
    /// before the last are not hashed (headers, CRCs, sequences and the chain still are).
    /// </summary>
    public static JournalScan Scan(IFileSystem fileSystem, string directory, bool checkEarlierBodies = true)
    {
        // The commit record is read before the segments: everything it attests was durable before it was written.
        CommitRecord.Reading commit = CommitRecord.Read(fileSystem, directory);
        JournalScan scan = ScanSegments(fileSystem, directory, checkEarlierBodies, commit.Newest?.Sequence ?? 0);
        scan.Attested = commit.Newest;
        scan.CommitNote = !commit.Exists ? null
            : commit.Newest is null ? $"commit record {CommitRecord.FileName} is damaged (both copies fail their checksum): the journal's tail could not be checked against what was acknowledged"
            : commit.DamagedCopies > 0 ? $"one copy of the commit record {CommitRecord.FileName} is damaged; the other (batch {commit.Newest.Sequence}) was used"
            : null;
        CheckAcknowledged(scan, directory);
        return scan;
    }

    /// <summary>
    /// Lost acknowledged data: the journal's valid batches end before the batch the commit record attests (truncation at
    /// an earlier offset, damage in the last acknowledged batch, a lost write, a missing last segment), or the attested
    /// batch hashes differently (another history). A torn tail is accepted only past the last acknowledged batch.
    /// </summary>
    private static void CheckAcknowledged(JournalScan scan, string directory)
    {
        if (scan.Attested is not { } attested || scan.Problem is { Kind: JournalProblemKind.Corrupt }) return;
        string attestedSegment = Path.Combine(directory, SegmentFile.NameFor(attested.SegmentFirstSequence));
        string? missing = attested.MissingFrom(scan.LastSequence, scan.AttestedHash ?? [], attestedSegment);
        if (missing is null) return;
        long next = scan.LastSequence + 1;
        if (scan.Problem is { Kind: JournalProblemKind.TornTail } torn)
        {
            scan.Problem = new JournalProblem(JournalProblemKind.Corrupt, torn.File, torn.Offset, next,
                $"damage at the end of the journal ({scan.TornDamage}), but {missing}; a torn write can only hit the batch after the last acknowledged one");
            scan.TornTailBytes = 0;
            return;
        }
        ScannedSegment? last = scan.Segments.Count == 0 ? null : scan.Segments[^1];
        // The scan covers every segment present; one that starts after the last scanned is missing (it held acknowledged batches).
        bool segmentMissing = last is null || last.File.FirstSequence < attested.SegmentFirstSequence;
        string file = segmentMissing ? attestedSegment : last!.File.Path;
        long offset = segmentMissing ? 0 : last!.ValidBytes;
        string where = segmentMissing ? $"segment {Path.GetFileName(file)} is missing; " : $"the file ends at byte {offset}; ";
        scan.Problem = new JournalProblem(JournalProblemKind.Corrupt, file, offset, next, where + missing);
    }

    private static JournalScan ScanSegments(IFileSystem fileSystem, string directory, bool checkEarlierBodies, long attestedSequence)
    {
        var scan = new JournalScan();
        List<SegmentFile> files = SegmentFile.List(fileSystem, directory);
        using var scanner = new JournalScanner();
        long expected = 0;
        byte[]? previousHash = null; // null: the first segment starts after retention, chain origin unknown
        for (int i = 0; i < files.Count; i++)
        {
            SegmentFile segment = files[i];
            bool isLast = i == files.Count - 1;
            if (i == 0)
            {
                if (segment.FirstSequence < 1)
                {
                    scan.Problem = new JournalProblem(JournalProblemKind.Corrupt, segment.Path, 0, 0, "segment name gives first sequence 0; sequences start at 1");
                    return scan;
                }
                expected = segment.FirstSequence;
                scan.FirstSequence = segment.FirstSequence;
                scan.LastSequence = segment.FirstSequence - 1;
                if (segment.FirstSequence == 1) previousHash = new byte[BatchRecord.HashBytes];
            }
            else if (segment.FirstSequence != expected)
            {
                scan.Problem = new JournalProblem(JournalProblemKind.Corrupt, segment.Path, 0, expected,
                    $"segment name says it starts at batch {segment.FirstSequence} but the previous segment ends at batch {expected - 1}: a segment is missing or misnamed");
                return scan;
            }

            using IFileHandle file = fileSystem.Open(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long fileBytes = file.Length;
            long offset = 0;
            long batches = 0;
            long lastRecord = 0;
            while (offset < fileBytes)
            {
                RecordStatus status = scanner.ReadRecord(file, offset, fileBytes, checkBody: isLast || checkEarlierBodies, keepBody: false,
                    out long recordBytes, out _, out string? problem, out long resumeAt);
                if (status == RecordStatus.Ok)
                {
                    long sequence = (long)BatchRecord.Sequence(scanner.Header);
                    if (sequence != expected)
                    {
                        status = RecordStatus.Unreadable;
                        problem = batches == 0
                            ? $"segment named for batch {expected} starts with batch {sequence}"
                            : sequence > expected ? $"sequence gap: found batch {sequence} where batch {expected} was expected"
                            : $"sequence goes backwards: found batch {sequence} where batch {expected} was expected";
                    }
                    else if (previousHash is not null && !BatchRecord.PreviousHash(scanner.Header).SequenceEqual(previousHash))
                    {
                        status = RecordStatus.Unreadable;
                        problem = $"broken hash chain: batch {sequence} names previous hash {Convert.ToHexStringLower(BatchRecord.PreviousHash(scanner.Header))}, batch {sequence - 1} hashes to {Convert.ToHexStringLower(previousHash)}";
                    }
                }
                if (status == RecordStatus.Ok)
                {
                    previousHash ??= new byte[BatchRecord.HashBytes];
                    SHA256.HashData(scanner.Header, previousHash);
                    if (expected == attestedSequence) scan.AttestedHash = (byte[])previousHash.Clone();
                    expected++;
                    batches++;
                    lastRecord = offset;
                    offset += recordBytes;
                    continue;
                }
                if (status == RecordStatus.Damaged && IsZeroFrom(file, offset, fileBytes))
                {
                    // Nothing but zeros to the end: the space the writer prepares ahead of its appends
                    // (FileJournalOptions.PrepareStepBytes), whether a batch was about to be written into it or not. Whether an
                    // acknowledged batch is missing is for the next segment's first batch (it must continue the sequence and the
                    // chain) and, after the last, the commit record. A segment closed by a roll was cut back to its last batch, but
                    // that cut may be lost (an fsync error keeps it only in the page cache, a power loss then drops it).
                    if (!isLast) break;
                    AddSegment(scan, segment, fileBytes, offset, batches, lastRecord, expected, previousHash);
                    scan.PreparedTailBytes = fileBytes - offset;
                    return scan;
                }
                if (status == RecordStatus.Damaged)
                {
                    if (!isLast)
                    {
                        problem += $"; segment {Path.GetFileName(files[i + 1].Path)} follows, so this is not a torn tail";
                    }
                    else
                    {
                        long later = scanner.FindSealedHeader(file, resumeAt, fileBytes);
                        if (later < 0 && scan.Batches + batches == 0 && files[0].FirstSequence != 1)
                        {
                            problem += $"; and the journal, which starts at batch {files[0].FirstSequence}, would hold no batch to continue the chain from";
                        }
                        else if (later < 0)
                        {
                            AddSegment(scan, segment, fileBytes, offset, batches, lastRecord, expected, previousHash);
                            scan.TornTailBytes = fileBytes - offset;
                            scan.TornDamage = problem;
                            scan.Problem = new JournalProblem(JournalProblemKind.TornTail, segment.Path, offset, expected,
                                $"torn tail of {fileBytes - offset} bytes ({problem}), nothing valid after it: a write that was never acknowledged");
                            return scan;
                        }
                        problem += $"; a valid batch header follows at byte {later}, so this is not a torn tail";
                    }
                }
                AddSegment(scan, segment, fileBytes, offset, batches, lastRecord, expected, previousHash);
                scan.Problem = new JournalProblem(JournalProblemKind.Corrupt, segment.Path, offset, expected, problem!);
                return scan;
            }
            if (batches == 0 && !isLast)
            {
                AddSegment(scan, segment, fileBytes, 0, 0, 0, expected, previousHash);
                scan.Problem = new JournalProblem(JournalProblemKind.Corrupt, segment.Path, 0, expected, "empty segment before the last one");
                return scan;
            }
            AddSegment(scan, segment, fileBytes, offset, batches, lastRecord, expected, previousHash);
        }
        if (scan.Batches == 0 && files.Count > 0 && files[0].FirstSequence != 1)
        {
            scan.Problem = new JournalProblem(JournalProblemKind.Corrupt, files[0].Path, 0, files[0].FirstSequence,
                $"the journal starts at batch {files[0].FirstSequence} but holds no batch, so the chain hash to continue from is unknown");
        }
        return scan;
    }

    private static void AddSegment(JournalScan scan, SegmentFile segment, long fileBytes, long validBytes, long batches, long lastRecordOffset, long expected, byte[]? lastHash)
    {
        scan.Segments.Add(new ScannedSegment(segment, fileBytes, validBytes, batches, lastRecordOffset));
        scan.Batches += batches;
        scan.ValidBytes += validBytes;
        scan.LastSequence = expected - 1;
        if (lastHash is not null) scan.LastHash = (byte[])lastHash.Clone();
    }

    private static bool IsZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);

    /// <summary>True when every byte of <paramref name="file"/> from <paramref name="offset"/> to <paramref name="fileBytes"/> is zero.</summary>
    private static bool IsZeroFrom(IFileHandle file, long offset, long fileBytes)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (offset < fileBytes)
            {
                int got = ReadAt(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, fileBytes - offset)), offset);
                if (got <= 0) return false;
                if (!IsZero(buffer.AsSpan(0, got))) return false;
                offset += got;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ReadAt(IFileHandle file, Span<byte> buffer, long offset) => file.Read(buffer, offset);

    private static void ReadExactlyAt(IFileHandle file, Span<byte> buffer, long offset)
    {
        if (ReadAt(file, buffer, offset) != buffer.Length)
            throw new JournalCorruptException($"unexpected end of file at byte {offset + buffer.Length}: the file shrank while being read");
    }
}
