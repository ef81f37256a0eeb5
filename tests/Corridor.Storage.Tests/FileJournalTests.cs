using System.Security.Cryptography;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

public sealed class FileJournalTests
{
    private const int HeaderBytes = 100; // BatchRecord.HeaderBytes, restated: the format is a contract
    private static readonly FileJournalOptions SmallSegments = new() { SegmentBytes = 4096 };

    /// <summary>Deterministic body for batch <paramref name="sequence"/>: its size and bytes depend on the sequence only.</summary>
    internal static byte[] Body(long sequence, int bytes = -1)
    {
        if (bytes < 0) bytes = (int)(sequence * 37 % 700);
        var body = new byte[bytes];
        new Random((int)sequence).NextBytes(body);
        return body;
    }

    internal static ulong Time(long sequence) => 1_700_000_000_000_000_000UL + (ulong)sequence * 1000;

    private static void AppendRange(FileJournal journal, long from, long to)
    {
        for (long s = from; s <= to; s++) journal.Append(s, Time(s), Body(s));
    }

    private static string SegmentPath(TempDirectory dir, long firstSequence) => dir.File($"journal-{firstSequence:D20}.seg");

    private static string[] Segments(TempDirectory dir) =>
        Directory.GetFiles(dir.Path, "journal-*.seg").Order(StringComparer.Ordinal).ToArray();

    private static Dictionary<string, byte[]> Snapshot(TempDirectory dir) =>
        Directory.GetFiles(dir.Path).ToDictionary(p => p, File.ReadAllBytes);

    private static void AssertUnchanged(Dictionary<string, byte[]> before, TempDirectory dir)
    {
        Dictionary<string, byte[]> after = Snapshot(dir);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach ((string path, byte[] bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[path]), $"{path} changed");
    }

    private static void AssertBatches(FileJournal journal, long first, long last)
    {
        long expected = first;
        byte[]? previous = first == 1 ? new byte[32] : null;
        foreach (JournalBatch batch in journal.Read(first - 1))
        {
            Assert.Equal(expected, batch.Sequence);
            Assert.Equal(Time(expected), batch.TimestampNs);
            Assert.Equal(Body(expected), batch.Body);
            if (previous is not null) Assert.Equal(previous, batch.PreviousHash);
            previous = batch.Hash;
            expected++;
        }
        Assert.Equal(last + 1, expected);
        if (last >= first) Assert.Equal(journal.LastHash, previous);
    }

    [Fact]
    public void Empty_journal_has_sequence_zero_and_zero_hash()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        Assert.Equal(0, journal.LastSequence);
        Assert.Equal(new byte[32], journal.LastHash);
        Assert.Empty(journal.Read(0));
        Assert.Equal(0, journal.RecoveryReport.TruncatedBytes);
    }

    [Fact]
    public void Open_creates_a_missing_directory_and_Verify_reports_it_empty()
    {
        using var dir = new TempDirectory();
        string nested = Path.Combine(dir.Path, "data", "journal");
        using (FileJournal journal = FileJournal.Open(nested)) Assert.Equal(0, journal.LastSequence);
        JournalVerifyResult result = FileJournal.Verify(nested);
        Assert.True(result.IsIntact);
        Assert.Equal(0, result.Batches);
        Assert.Equal(0, result.LastSequence);
        Assert.Equal(new string('0', 64), result.LastHashHex);
        Assert.Throws<DirectoryNotFoundException>(() => FileJournal.Verify(Path.Combine(dir.Path, "nope")));
    }

    [Fact]
    public void Append_then_read_round_trips_every_batch_with_a_valid_chain()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        AppendRange(journal, 1, 50);
        Assert.Equal(50, journal.LastSequence);
        AssertBatches(journal, 1, 50);

        // The chain hash is SHA-256 of the 100-byte header, and each header holds the previous hash.
        JournalBatch[] batches = journal.Read(0).ToArray();
        byte[] file = File.ReadAllBytes(SegmentPath(dir, 1));
        Assert.Equal(SHA256.HashData(file.AsSpan(0, HeaderBytes)), batches[0].Hash);
        Assert.Equal(new byte[32], batches[0].PreviousHash);
        Assert.Equal(batches[0].Hash, batches[1].PreviousHash);
        Assert.Equal(SHA256.HashData(batches[0].Body), file.AsSpan(64, 32).ToArray());
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(64 * 1024 * 1024)]
    public void A_reader_following_the_writer_gets_every_batch_once_in_order_with_its_chain(int segmentBytes)
    {
        // A projector reads after its last batch again and again; the journal resumes where the last read stopped.
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path, new FileJournalOptions { SegmentBytes = segmentBytes });
        var seen = new List<JournalBatch>();
        long position = 0;
        for (long s = 1; s <= 120; s += 7)
        {
            AppendRange(journal, s, Math.Min(s + 6, 120));
            foreach (JournalBatch b in journal.Read(position)) { seen.Add(b); position = b.Sequence; }
        }
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), seen.Select(b => b.Sequence));
        for (int i = 0; i < seen.Count; i++)
        {
            Assert.True(seen[i].Body.AsSpan().SequenceEqual(Body(seen[i].Sequence)), $"body of batch {seen[i].Sequence}");
            if (i > 0) Assert.Equal(seen[i - 1].Hash, seen[i].PreviousHash);
        }
        // Reading from further back than the last read (another reader, a rebuild) still starts where asked.
        Assert.Equal(Enumerable.Range(51, 70).Select(i => (long)i), journal.Read(50).Select(b => b.Sequence));
        Assert.Equal([119L, 120], journal.Read(118).Select(b => b.Sequence).ToArray());
        Assert.Equal(seen.Select(b => b.Hash), journal.Read(0).Select(b => b.Hash));
    }

    [Fact]
    public void Read_skips_batches_up_to_after_sequence()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path, SmallSegments);
        AppendRange(journal, 1, 40);
        Assert.Equal([31L, 32, 33, 34, 35, 36, 37, 38, 39, 40], journal.Read(30).Select(b => b.Sequence).ToArray());
        Assert.Empty(journal.Read(40));
    }

    [Fact]
    public void Append_rejects_a_sequence_that_does_not_follow()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        Assert.Throws<InvalidOperationException>(() => journal.Append(2, 0, Body(2)));
        journal.Append(1, 0, Body(1));
        Assert.Throws<InvalidOperationException>(() => journal.Append(1, 0, Body(1)));
        Assert.Throws<InvalidOperationException>(() => journal.Append(3, 0, Body(3)));
        journal.Append(2, 0, Body(2));
        Assert.Equal(2, journal.LastSequence);
    }

    [Fact]
    public void Append_enforces_max_batch_bytes_at_its_edge()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path, new FileJournalOptions { MaxBatchBytes = 1000 });
        journal.Append(1, 0, new byte[1000]);
        Assert.Throws<ArgumentException>(() => journal.Append(2, 0, new byte[1001]));
        journal.Append(2, 0, ReadOnlySpan<byte>.Empty);
        Assert.Equal(2, journal.LastSequence);
        Assert.Empty(journal.Read(1).Single().Body);
    }

    [Fact]
    public void Reopen_continues_the_sequence_and_the_chain()
    {
        using var dir = new TempDirectory();
        byte[] hash;
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            AppendRange(journal, 1, 10);
            hash = journal.LastHash;
        }
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            Assert.Equal(10, journal.LastSequence);
            Assert.Equal(hash, journal.LastHash);
            Assert.Equal(10, journal.RecoveryReport.Batches);
            AppendRange(journal, 11, 20);
            Assert.Equal(hash, journal.Read(10).First().PreviousHash);
        }
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            Assert.Equal(20, journal.LastSequence);
            AssertBatches(journal, 1, 20);
        }
        Assert.True(FileJournal.Verify(dir.Path).IsIntact);
    }

    [Fact]
    public void Second_writer_on_the_same_directory_is_refused()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        Assert.Throws<IOException>(() => FileJournal.Open(dir.Path));
    }

    [Fact]
    public void Segments_roll_over_at_segment_bytes_and_read_across_them()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments))
        {
            AppendRange(journal, 1, 60);
            AssertBatches(journal, 1, 60);
        }
        string[] segments = Segments(dir);
        Assert.True(segments.Length > 3, $"expected several segments, got {segments.Length}");
        Assert.Equal(SegmentPath(dir, 1), segments[0]);
        foreach (string segment in segments) Assert.True(new FileInfo(segment).Length <= SmallSegments.SegmentBytes);

        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments))
        {
            Assert.Equal(60, journal.LastSequence);
            Assert.Equal(segments.Length, journal.RecoveryReport.Segments);
            AppendRange(journal, 61, 70);
            AssertBatches(journal, 1, 70);
        }
        JournalVerifyResult verify = FileJournal.Verify(dir.Path);
        Assert.True(verify.IsIntact, verify.Problem?.ToString());
        Assert.Equal(70, verify.LastSequence);
    }

    [Fact]
    public void A_batch_larger_than_a_segment_gets_a_segment_of_its_own()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path, SmallSegments);
        journal.Append(1, Time(1), Body(1, 10));
        journal.Append(2, Time(2), Body(2, 10_000));
        journal.Append(3, Time(3), Body(3, 10));
        Assert.Equal(3, Segments(dir).Length);
        Assert.Equal(Body(2, 10_000), journal.Read(1).First().Body);
    }

    // ---- torn tails: the last, unacknowledged write is dropped, nothing else ----

    /// <summary>
    /// Nine acknowledged batches, then batch 10 written but never acknowledged: the process died after the segment write,
    /// before the commit record named batch 10 (modelled by putting back the commit record as it was after batch 9).
    /// </summary>
    private static (string Path, long ValidBytes) WriteTen(TempDirectory dir, out byte[] hashAfterNine)
    {
        byte[] commitAfterNine;
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            AppendRange(journal, 1, 9);
            hashAfterNine = journal.LastHash;
            commitAfterNine = File.ReadAllBytes(dir.File(FileJournal.CommitFileName));
            journal.Append(10, Time(10), Body(10, 500));
        }
        File.WriteAllBytes(dir.File(FileJournal.CommitFileName), commitAfterNine);
        return (SegmentPath(dir, 1), new FileInfo(SegmentPath(dir, 1)).Length - HeaderBytes - 500);
    }

    private static void AssertRecoveredToNine(TempDirectory dir, long validBytes, byte[] hashAfterNine, long droppedBytes)
    {
        Assert.Equal(JournalProblemKind.TornTail, FileJournal.Verify(dir.Path).Problem?.Kind);
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            Assert.Equal(9, journal.LastSequence);
            Assert.Equal(hashAfterNine, journal.LastHash);
            Assert.Equal(droppedBytes, journal.RecoveryReport.TruncatedBytes);
            Assert.Equal(validBytes, journal.RecoveryReport.TruncatedAtOffset);
            Assert.Equal(validBytes, new FileInfo(SegmentPath(dir, 1)).Length);
            AssertBatches(journal, 1, 9);
            journal.Append(10, Time(10), Body(10));
            AssertBatches(journal, 1, 10);
        }
        Assert.True(FileJournal.Verify(dir.Path).IsIntact);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(HeaderBytes - 1)]
    [InlineData(HeaderBytes)]
    [InlineData(HeaderBytes + 1)]
    [InlineData(HeaderBytes + 499)]
    public void Torn_last_batch_truncated_at_any_point_is_dropped(int keptBytes)
    {
        using var dir = new TempDirectory();
        (string path, long validBytes) = WriteTen(dir, out byte[] hash);
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(validBytes + keptBytes);
        AssertRecoveredToNine(dir, validBytes, hash, keptBytes);
    }

    [Fact]
    public void Garbage_after_the_last_batch_is_a_torn_tail()
    {
        using var dir = new TempDirectory();
        (string path, _) = WriteTen(dir, out _);
        long validBytes = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Append)) file.Write(RandomNumberGenerator.GetBytes(333));
        using FileJournal journal = FileJournal.Open(dir.Path);
        Assert.Equal(10, journal.LastSequence);
        Assert.Equal(333, journal.RecoveryReport.TruncatedBytes);
        Assert.Equal(validBytes, new FileInfo(path).Length);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(4096)]
    public void Zero_filled_tail_is_the_prepared_space_cut_off_without_a_note(int zeroBytes)
    {
        // Zeros after the last batch are what the writer prepares ahead of its appends (FileJournalOptions.PrepareStepBytes):
        // batch 10 was never written into them, so there is nothing to report; the commit record still guards batch 9.
        using var dir = new TempDirectory();
        (string path, long validBytes) = WriteTen(dir, out byte[] hashAfterNine);
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(validBytes);
        using (var file = new FileStream(path, FileMode.Append)) file.Write(new byte[zeroBytes]);
        Assert.Null(FileJournal.Verify(dir.Path).Problem);
        using FileJournal journal = FileJournal.Open(dir.Path);
        Assert.Equal(9, journal.LastSequence);
        Assert.Equal(hashAfterNine, journal.LastHash);
        Assert.Equal(0, journal.RecoveryReport.TruncatedBytes);
        Assert.Empty(journal.RecoveryReport.Notes);
        Assert.Equal(validBytes, new FileInfo(path).Length);
    }

    [Fact]
    public void Last_batch_with_zeroed_body_is_a_torn_tail()
    {
        using var dir = new TempDirectory();
        (string path, long validBytes) = WriteTen(dir, out byte[] hash);
        byte[] bytes = File.ReadAllBytes(path);
        bytes.AsSpan((int)validBytes + HeaderBytes + 100).Clear(); // header reached disk, end of the body did not
        File.WriteAllBytes(path, bytes);
        AssertRecoveredToNine(dir, validBytes, hash, bytes.Length - validBytes);
    }

    [Fact]
    public void Torn_first_batch_of_a_new_segment_removes_that_segment()
    {
        using var dir = new TempDirectory();
        byte[] hash;
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments))
        {
            AppendRange(journal, 1, 60);
            hash = journal.LastHash;
        }
        string[] segments = Segments(dir);
        long nextFirst = 61;
        string torn = SegmentPath(dir, nextFirst);
        File.WriteAllBytes(torn, File.ReadAllBytes(segments[0]).AsSpan(0, 50).ToArray()); // a header fragment
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments))
        {
            Assert.Equal(60, journal.LastSequence);
            Assert.Equal(hash, journal.LastHash);
            Assert.Equal(50, journal.RecoveryReport.TruncatedBytes);
            Assert.False(File.Exists(torn));
            AppendRange(journal, 61, 62);
            AssertBatches(journal, 1, 62);
        }
    }

    // ---- corruption: refuse to start, never modify ----

    private static JournalCorruptException AssertRefusesUnchanged(TempDirectory dir, FileJournalOptions? options = null)
    {
        Dictionary<string, byte[]> before = Snapshot(dir);
        JournalVerifyResult verify = FileJournal.Verify(dir.Path);
        Assert.Equal(JournalProblemKind.Corrupt, verify.Problem?.Kind);
        Assert.False(verify.IsRecoverable);
        var e = Assert.Throws<JournalCorruptException>(() => FileJournal.Open(dir.Path, options));
        Assert.Contains("refuses to start", e.Message);
        AssertUnchanged(before, dir);
        return e;
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x5A));
    }

    private static long OffsetOf(string path, long sequence)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long offset = 0;
        while (offset < bytes.Length)
        {
            if (BitConverter.ToInt64(bytes, (int)offset + 16) == sequence) return offset;
            offset += HeaderBytes + BitConverter.ToUInt32(bytes, (int)offset + 8);
        }
        throw new InvalidOperationException($"batch {sequence} not in {path}");
    }

    [Fact]
    public void Flipped_byte_in_an_earlier_body_refuses_to_start_and_names_the_place()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path)) AppendRange(journal, 1, 10);
        string path = SegmentPath(dir, 1);
        long offset = OffsetOf(path, 5);
        FlipByte(path, offset + HeaderBytes + 3);
        JournalCorruptException e = AssertRefusesUnchanged(dir);
        Assert.Contains(path, e.Message);
        Assert.Contains($"byte {offset}", e.Message);
        Assert.Contains("batch 5", e.Message);
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains("not a torn tail", e.Message);
    }

    [Fact]
    public void Without_body_verification_on_open_a_damaged_earlier_body_is_caught_by_Read()
    {
        using var dir = new TempDirectory();
        var options = SmallSegments with { VerifyBodiesOnOpen = false };
        using (FileJournal journal = FileJournal.Open(dir.Path, options)) AppendRange(journal, 1, 60);
        string first = Segments(dir)[0];
        FlipByte(first, OffsetOf(first, 2) + HeaderBytes); // body of batch 2, in a segment before the last
        using FileJournal reopened = FileJournal.Open(dir.Path, options);
        Assert.Equal(60, reopened.LastSequence);
        Assert.Equal(3, reopened.Read(2).First().Sequence); // not asked for: not hashed
        var e = Assert.Throws<JournalCorruptException>(() => reopened.Read(0).ToList());
        Assert.Contains("batch 2", e.Message);
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void Flipped_byte_in_an_earlier_header_refuses_to_start()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path)) AppendRange(journal, 1, 10);
        string path = SegmentPath(dir, 1);
        FlipByte(path, OffsetOf(path, 4) + 40); // inside the previous-hash field: CRC catches it
        JournalCorruptException e = AssertRefusesUnchanged(dir);
        Assert.Contains("CRC", e.Message);
    }

    [Fact]
    public void Corruption_in_the_tail_of_an_earlier_segment_refuses_to_start()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments)) AppendRange(journal, 1, 60);
        string first = Segments(dir)[0];
        FlipByte(first, new FileInfo(first).Length - 1); // last byte of the last batch of segment 1
        JournalCorruptException e = AssertRefusesUnchanged(dir, SmallSegments);
        Assert.Contains(first, e.Message);
    }

    [Fact]
    public void Truncated_earlier_segment_refuses_to_start()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments)) AppendRange(journal, 1, 60);
        string first = Segments(dir)[0];
        using (var file = new FileStream(first, FileMode.Open)) file.SetLength(file.Length - 10);
        AssertRefusesUnchanged(dir, SmallSegments);
    }

    [Fact]
    public void Missing_segment_is_a_gap()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments)) AppendRange(journal, 1, 60);
        string[] segments = Segments(dir);
        File.Delete(segments[1]);
        JournalCorruptException e = AssertRefusesUnchanged(dir, SmallSegments);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Misnamed_segment_refuses_to_start()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments)) AppendRange(journal, 1, 60);
        string last = Segments(dir)[^1];
        File.Move(last, dir.File("journal-00000000000000000999.seg"));
        JournalCorruptException e = AssertRefusesUnchanged(dir, SmallSegments);
        Assert.Contains("misnamed", e.Message);
    }

    [Fact]
    public void Sealed_header_of_an_unknown_version_at_the_tail_is_corrupt_not_torn()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path)) AppendRange(journal, 1, 10);
        string path = SegmentPath(dir, 1);
        byte[] bytes = File.ReadAllBytes(path);
        int ten = (int)OffsetOf(path, 10);
        bytes[ten + 4] = 2; // version 2, resealed: a real record written by a newer build
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ten + 96), Journal.BatchRecord.Crc32C(bytes.AsSpan(ten, 96)));
        File.WriteAllBytes(path, bytes);
        JournalCorruptException e = AssertRefusesUnchanged(dir);
        Assert.Contains("unsupported journal format version 2", e.Message);
    }

    [Fact]
    public void Sequence_gap_inside_a_segment_refuses_to_start()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path)) AppendRange(journal, 1, 10);
        string path = SegmentPath(dir, 1);
        // Remove batch 5 entirely: batch 6 is intact and sealed, but follows batch 4.
        byte[] bytes = File.ReadAllBytes(path);
        int from = (int)OffsetOf(path, 5), to = (int)OffsetOf(path, 6);
        File.WriteAllBytes(path, [.. bytes.AsSpan(0, from), .. bytes.AsSpan(to)]);
        JournalCorruptException e = AssertRefusesUnchanged(dir);
        Assert.Contains("sequence gap", e.Message);
        Assert.Contains("batch 6", e.Message);
    }

    [Fact]
    public void Batch_from_another_chain_breaks_the_chain()
    {
        using var dir = new TempDirectory();
        using var other = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path)) AppendRange(journal, 1, 10);
        using (FileJournal journal = FileJournal.Open(other.Path))
        {
            journal.Append(1, 1, [1, 2, 3]); // a different history
            AppendRange(journal, 2, 10);
        }
        string path = SegmentPath(dir, 1), otherPath = SegmentPath(other, 1);
        byte[] bytes = File.ReadAllBytes(path), foreign = File.ReadAllBytes(otherPath);
        int from = (int)OffsetOf(path, 5), to = (int)OffsetOf(path, 6);
        int foreignFrom = (int)OffsetOf(otherPath, 5), foreignTo = (int)OffsetOf(otherPath, 6);
        File.WriteAllBytes(path, [.. bytes.AsSpan(0, from), .. foreign.AsSpan(foreignFrom, foreignTo - foreignFrom), .. bytes.AsSpan(to)]);
        JournalCorruptException e = AssertRefusesUnchanged(dir);
        Assert.Contains("broken hash chain", e.Message);
    }

    [Fact]
    public void Damaged_batch_followed_by_garbage_and_a_valid_header_is_not_torn()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path)) AppendRange(journal, 1, 10);
        string path = SegmentPath(dir, 1);
        // Zero a stretch that wipes batch 9's header; batch 10 after it is still sealed.
        long nine = OffsetOf(path, 9);
        byte[] bytes = File.ReadAllBytes(path);
        bytes.AsSpan((int)nine, HeaderBytes).Clear();
        File.WriteAllBytes(path, bytes);
        JournalCorruptException e = AssertRefusesUnchanged(dir);
        Assert.Contains("valid batch header follows", e.Message);
    }

    // ---- Verify: read-only report ----

    [Fact]
    public void Verify_reports_an_intact_journal()
    {
        using var dir = new TempDirectory();
        byte[] hash;
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments))
        {
            AppendRange(journal, 1, 30);
            hash = journal.LastHash;
        }
        Dictionary<string, byte[]> before = Snapshot(dir);
        JournalVerifyResult result = FileJournal.Verify(dir.Path);
        Assert.True(result.IsIntact);
        Assert.Equal(30, result.Batches);
        Assert.Equal(1, result.FirstSequence);
        Assert.Equal(30, result.LastSequence);
        Assert.Equal(Convert.ToHexStringLower(hash), result.LastHashHex);
        Assert.Equal(Segments(dir).Sum(p => new FileInfo(p).Length), result.Bytes);
        AssertUnchanged(before, dir);
    }

    [Fact]
    public void Verify_reports_a_torn_tail_as_torn_and_modifies_nothing()
    {
        using var dir = new TempDirectory();
        (string path, long validBytes) = WriteTen(dir, out _);
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(validBytes + 150);
        Dictionary<string, byte[]> before = Snapshot(dir);
        JournalVerifyResult result = FileJournal.Verify(dir.Path);
        Assert.Equal(JournalProblemKind.TornTail, result.Problem?.Kind);
        Assert.True(result.IsRecoverable);
        Assert.Equal(9, result.LastSequence);
        Assert.Equal(150, result.TornTailBytes);
        Assert.Equal(validBytes, result.Problem!.Offset);
        Assert.Equal(10, result.Problem.Sequence);
        AssertUnchanged(before, dir);
    }

    [Fact]
    public void Verify_reports_corruption_with_place_and_modifies_nothing()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path)) AppendRange(journal, 1, 10);
        string path = SegmentPath(dir, 1);
        long offset = OffsetOf(path, 3);
        FlipByte(path, offset + HeaderBytes + 1);
        Dictionary<string, byte[]> before = Snapshot(dir);
        JournalVerifyResult result = FileJournal.Verify(dir.Path);
        Assert.Equal(JournalProblemKind.Corrupt, result.Problem?.Kind);
        Assert.Equal(path, result.Problem!.File);
        Assert.Equal(offset, result.Problem.Offset);
        Assert.Equal(3, result.Problem.Sequence);
        Assert.Equal(2, result.LastSequence);
        AssertUnchanged(before, dir);
    }

    // ---- read-only open ----

    [Fact]
    public void OpenReadOnly_reads_a_torn_journal_without_repairing_it()
    {
        using var dir = new TempDirectory();
        (string path, long validBytes) = WriteTen(dir, out byte[] hash);
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(validBytes + 120);
        Dictionary<string, byte[]> before = Snapshot(dir);
        using (FileJournal journal = FileJournal.OpenReadOnly(dir.Path))
        {
            Assert.Equal(9, journal.LastSequence);
            Assert.Equal(hash, journal.LastHash);
            AssertBatches(journal, 1, 9);
            Assert.Throws<InvalidOperationException>(() => journal.Append(10, 0, Body(10)));
        }
        AssertUnchanged(before, dir);
    }

    [Fact]
    public void OpenReadOnly_works_beside_the_writer_and_refuses_corruption()
    {
        using var dir = new TempDirectory();
        using (FileJournal writer = FileJournal.Open(dir.Path))
        {
            AppendRange(writer, 1, 5);
            using FileJournal reader = FileJournal.OpenReadOnly(dir.Path);
            Assert.Equal(5, reader.LastSequence);
            AssertBatches(reader, 1, 5);
        }
        string path = SegmentPath(dir, 1);
        FlipByte(path, OffsetOf(path, 2) + HeaderBytes);
        Assert.Throws<JournalCorruptException>(() => FileJournal.OpenReadOnly(dir.Path));
    }

    // ---- retention ----

    [Fact]
    public void DeleteSegmentsBefore_removes_only_segments_wholly_covered()
    {
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments))
        {
            AppendRange(journal, 1, 60);
            string[] segments = Segments(dir);
            long secondFirst = long.Parse(Path.GetFileNameWithoutExtension(segments[1])["journal-".Length..]);
            Assert.Equal(0, journal.DeleteSegmentsBefore(secondFirst - 2)); // segment 1 still has batch secondFirst-1
            Assert.Equal(1, journal.DeleteSegmentsBefore(secondFirst - 1));
            Assert.Equal(secondFirst, journal.FirstSequence);
            Assert.Throws<InvalidOperationException>(() => journal.Read(0));
            Assert.Equal(secondFirst, journal.Read(secondFirst - 1).First().Sequence);
            Assert.Equal(segments.Length - 2, journal.DeleteSegmentsBefore(long.MaxValue)); // never the current one
            Assert.Single(Segments(dir));
            AppendRange(journal, 61, 65);
        }
        using (FileJournal journal = FileJournal.Open(dir.Path, SmallSegments))
        {
            Assert.Equal(65, journal.LastSequence);
            long first = journal.FirstSequence;
            Assert.True(first > 1);
            AssertBatches(journal, first, 65);
        }
        JournalVerifyResult verify = FileJournal.Verify(dir.Path);
        Assert.True(verify.IsIntact, verify.Problem?.ToString());
    }
}
