using System.Security.Cryptography;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>
/// The storage fault model of src/Corridor.Storage/README.md, one test per row, through real files: a torn write of the
/// one unacknowledged batch is repaired; every fault that touches an acknowledged batch makes the journal refuse to start
/// with a message naming the file, the byte offset and the batch, and changes no file.
/// </summary>
public sealed class JournalFaultModelTests
{
    private const int HeaderBytes = 100;
    private static readonly FileJournalOptions SmallSegments = new() { SegmentBytes = 4096 };

    private static string Segment(TempDirectory dir, long first) => dir.File($"journal-{first:D20}.seg");

    private static string[] Segments(TempDirectory dir) => Directory.GetFiles(dir.Path, "journal-*.seg").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Batches 1..<paramref name="last"/>, each acknowledged (Append returned).</summary>
    private static byte[] Acknowledge(TempDirectory dir, long last, FileJournalOptions? options = null)
    {
        using FileJournal journal = FileJournal.Open(dir.Path, options);
        for (long s = 1; s <= last; s++) journal.Append(s, FileJournalTests.Time(s), FileJournalTests.Body(s));
        return journal.LastHash;
    }

    /// <summary>Byte offset of batch <paramref name="sequence"/>'s record in <paramref name="path"/>.</summary>
    private static long OffsetOf(string path, long sequence)
    {
        byte[] bytes = File.ReadAllBytes(path);
        for (long offset = 0; offset < bytes.Length; offset += HeaderBytes + BitConverter.ToUInt32(bytes, (int)offset + 8))
            if (BitConverter.ToInt64(bytes, (int)offset + 16) == sequence) return offset;
        throw new InvalidOperationException($"batch {sequence} not in {path}");
    }

    private static void FlipByte(string path, long offset)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x20;
        File.WriteAllBytes(path, bytes);
    }

    private static void Truncate(string path, long bytes)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.SetLength(bytes);
    }

    private static Dictionary<string, byte[]> Files(TempDirectory dir) => Directory.GetFiles(dir.Path).ToDictionary(p => p, File.ReadAllBytes);

    /// <summary>Verify calls it corrupt, Open refuses naming file, offset and batch, and no file changed.</summary>
    private static JournalCorruptException AssertRefuses(TempDirectory dir, string file, long offset, long batch, string why, FileJournalOptions? options = null)
    {
        Dictionary<string, byte[]> before = Files(dir);
        JournalVerifyResult verify = FileJournal.Verify(dir.Path);
        Assert.Equal(JournalProblemKind.Corrupt, verify.Problem?.Kind);
        Assert.Equal((file, offset, batch), (verify.Problem!.File, verify.Problem.Offset, verify.Problem.Sequence));
        var e = Assert.Throws<JournalCorruptException>(() => FileJournal.Open(dir.Path, options));
        Assert.Contains(file, e.Message);
        Assert.Contains($"at byte {offset}", e.Message);
        Assert.Contains($"batch {batch}", e.Message);
        Assert.True(e.Message.Contains(why, StringComparison.Ordinal), e.Message);
        Assert.Contains("refuses to start", e.Message);
        Dictionary<string, byte[]> after = Files(dir);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach ((string path, byte[] bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[path]), $"{path} changed");
        return e;
    }

    // Row: torn write of the last, unacknowledged batch → repaired (truncated), starts with every acknowledged batch.
    [Theory]
    [InlineData(1)]
    [InlineData(HeaderBytes)]
    [InlineData(HeaderBytes + 300)]
    public void A_torn_write_past_the_last_acknowledged_batch_is_cut_off_and_reported(int tornBytes)
    {
        using var dir = new TempDirectory();
        byte[] hash = Acknowledge(dir, 9);
        string path = Segment(dir, 1);
        long end = new FileInfo(path).Length;
        // The process died while writing batch 10: part of it reached the file, the commit record still names batch 9.
        byte[] record = new byte[HeaderBytes + 400];
        RandomNumberGenerator.Fill(record);
        using (var file = new FileStream(path, FileMode.Append)) file.Write(record, 0, tornBytes);
        Assert.Equal(JournalProblemKind.TornTail, FileJournal.Verify(dir.Path).Problem?.Kind);
        using FileJournal journal = FileJournal.Open(dir.Path);
        Assert.Equal(9, journal.LastSequence);
        Assert.Equal(hash, journal.LastHash);
        Assert.Equal(end, new FileInfo(path).Length);
        Assert.Contains($"dropped a torn tail of {tornBytes} bytes at byte {end}", Assert.Single(journal.RecoveryReport.Notes));
    }

    // Row: truncation at an earlier offset (inside an acknowledged batch, or at its boundary) → refuses.
    [Theory]
    [InlineData(7, 37)] // cut inside batch 7
    [InlineData(8, 0)]  // cut exactly where batch 8 begins: the file looks whole, batches 8..10 are gone
    public void Truncating_the_last_segment_at_an_earlier_offset_refuses_to_start(long batch, int intoRecord)
    {
        using var dir = new TempDirectory();
        Acknowledge(dir, 10);
        string path = Segment(dir, 1);
        long offset = OffsetOf(path, batch);
        Truncate(path, offset + intoRecord);
        AssertRefuses(dir, path, offset, batch, "acknowledged data was lost");
    }

    // Row: a bit flip in the last acknowledged batch (body or header) → refuses (before: taken for a torn tail and dropped).
    [Theory]
    [InlineData(HeaderBytes + 5)] // body
    [InlineData(20)]              // header (sequence field): CRC
    public void A_flipped_bit_in_the_last_acknowledged_batch_refuses_to_start(int intoRecord)
    {
        using var dir = new TempDirectory();
        Acknowledge(dir, 10);
        string path = Segment(dir, 1);
        long offset = OffsetOf(path, 10);
        FlipByte(path, offset + intoRecord);
        AssertRefuses(dir, path, offset, 10, "acknowledged data was lost");
    }

    // Row: a bit flip anywhere before the last batch → refuses (the chain and the next sealed header prove it was acknowledged).
    [Fact]
    public void A_flipped_bit_in_an_earlier_batch_refuses_to_start()
    {
        using var dir = new TempDirectory();
        Acknowledge(dir, 10);
        string path = Segment(dir, 1);
        long offset = OffsetOf(path, 4);
        FlipByte(path, offset + HeaderBytes + 1);
        AssertRefuses(dir, path, offset, 4, "not a torn tail");
    }

    // Row: a lost write (the disk acknowledged the last batch but never stored it: zeros where it was) → refuses.
    [Fact]
    public void A_lost_write_of_an_acknowledged_batch_refuses_to_start()
    {
        using var dir = new TempDirectory();
        Acknowledge(dir, 10);
        string path = Segment(dir, 1);
        long offset = OffsetOf(path, 10);
        byte[] bytes = File.ReadAllBytes(path);
        bytes.AsSpan((int)offset).Clear();
        File.WriteAllBytes(path, bytes);
        AssertRefuses(dir, path, offset, 10, "acknowledged data was lost");
    }

    // Row: a misdirected write (one batch's record written over another's place) → refuses; power-loss variants: simulator.
    [Fact]
    public void A_misdirected_write_over_an_acknowledged_batch_refuses_to_start()
    {
        using var dir = new TempDirectory();
        Acknowledge(dir, 10);
        string path = Segment(dir, 1);
        byte[] bytes = File.ReadAllBytes(path);
        long at3 = OffsetOf(path, 3), at9 = OffsetOf(path, 9);
        bytes.AsSpan((int)at9, HeaderBytes).CopyTo(bytes.AsSpan((int)at3)); // batch 9's header landed on batch 3
        File.WriteAllBytes(path, bytes);
        AssertRefuses(dir, path, at3, 3, "not a torn tail"); // batch 9's header does not hash batch 3's body; batch 4 follows
    }

    // Row: a missing segment, in the middle (a gap) or the last one (its batches were acknowledged) → refuses.
    [Fact]
    public void A_missing_segment_refuses_to_start_in_the_middle_and_at_the_end()
    {
        using var dir = new TempDirectory();
        Acknowledge(dir, 60, SmallSegments);
        string[] segments = Segments(dir);
        Assert.True(segments.Length >= 3);
        byte[] last = File.ReadAllBytes(segments[^1]);
        File.Delete(segments[^1]);
        long firstOfLast = long.Parse(Path.GetFileNameWithoutExtension(segments[^1])["journal-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        JournalCorruptException e = AssertRefuses(dir, segments[^1], 0, firstOfLast, "acknowledged data was lost", SmallSegments);
        Assert.Contains("is missing", e.Message);

        File.WriteAllBytes(segments[^1], last);
        File.Delete(segments[1]);
        AssertRefuses(dir, segments[2], 0, long.Parse(Path.GetFileNameWithoutExtension(segments[1])["journal-".Length..], System.Globalization.CultureInfo.InvariantCulture), "missing", SmallSegments);
    }

    // Row: a journal of another history under the same commit record (a restored or swapped directory) → refuses.
    [Fact]
    public void Another_history_than_the_one_acknowledged_refuses_to_start()
    {
        using var dir = new TempDirectory();
        using var other = new TempDirectory();
        Acknowledge(dir, 10);
        using (FileJournal journal = FileJournal.Open(other.Path))
            for (long s = 1; s <= 10; s++) journal.Append(s, FileJournalTests.Time(s), FileJournalTests.Body(s + 100));
        File.Copy(Segment(other, 1), Segment(dir, 1), overwrite: true);
        string path = Segment(dir, 1);
        AssertRefuses(dir, path, new FileInfo(path).Length, 11, "another history");
    }

    // Row: the commit record itself damaged: one copy → the other copy is used and both are rewritten; both → the chain rules, reported.
    [Fact]
    public void A_damaged_commit_record_copy_is_repaired_from_the_other_and_reported()
    {
        using var dir = new TempDirectory();
        Acknowledge(dir, 10);
        string commit = dir.File(FileJournal.CommitFileName);
        FlipByte(commit, 4096 * (10 % 2) + 9); // the copy naming batch 10
        // The other copy (batch 9) still catches a truncation of batch 9.
        byte[] segment = File.ReadAllBytes(Segment(dir, 1));
        Truncate(Segment(dir, 1), OffsetOf(Segment(dir, 1), 9));
        AssertRefuses(dir, Segment(dir, 1), OffsetOf(Segment(dir, 1), 8) + HeaderBytes + FileJournalTests.Body(8).Length, 9, "acknowledged data was lost");
        File.WriteAllBytes(Segment(dir, 1), segment);

        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            Assert.Equal(10, journal.LastSequence);
            Assert.Contains("one copy of the commit record", Assert.Single(journal.RecoveryReport.Notes));
        }
        Assert.Null(FileJournal.Verify(dir.Path).CommitNote); // rewritten at open: both copies verify again

        File.WriteAllBytes(commit, RandomNumberGenerator.GetBytes(8192));
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            Assert.Equal(10, journal.LastSequence);
            Assert.Contains("both copies", Assert.Single(journal.RecoveryReport.Notes));
        }
    }

    // Format: a data directory written before the commit record existed still opens; the record is created.
    [Fact]
    public void A_journal_without_a_commit_record_opens_by_the_chain_rules_and_gets_one()
    {
        using var dir = new TempDirectory();
        byte[] hash = Acknowledge(dir, 10);
        File.Delete(dir.File(FileJournal.CommitFileName));
        Assert.Contains("no commit record", FileJournal.Verify(dir.Path).CommitNote);
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            Assert.Equal(10, journal.LastSequence);
            Assert.Equal(hash, journal.LastHash);
            Assert.Contains("no commit record", Assert.Single(journal.RecoveryReport.Notes));
        }
        Assert.True(File.Exists(dir.File(FileJournal.CommitFileName)));
        // From now on it protects: a truncation of batch 10 is refused.
        long offset = OffsetOf(Segment(dir, 1), 10);
        Truncate(Segment(dir, 1), offset + 3);
        AssertRefuses(dir, Segment(dir, 1), offset, 10, "acknowledged data was lost");
    }

    // Row: a snapshot ahead of the journal (the journal lost batches the snapshot had applied) → the node refuses to start.
    [Fact]
    public void A_snapshot_ahead_of_the_journal_refuses_to_start()
    {
        using var dir = new TempDirectory();
        string journalPath = Path.Combine(dir.Path, "journal");
        var engine = new Corridor.Core.Engine.Engine();
        using (FileJournal journal = FileJournal.Open(journalPath))
        {
            for (long b = 1; b <= 5; b++)
            {
                var account = new Corridor.Core.Ledger.Account { Id = (UInt128)b, Ledger = 840, Code = 1, Participant = 1 };
                byte[] body = Corridor.Core.Engine.CommandBatch.Encode<Corridor.Core.Ledger.Account>(Corridor.Core.Engine.Operation.CreateAccounts, [account]);
                engine.Apply(b, FileJournalTests.Time(b), body, null);
                if (b <= 3) journal.Append(b, FileJournalTests.Time(b), body); // the journal has only batches 1..3
            }
        }
        var snapshots = new SnapshotStore(Path.Combine(dir.Path, "snapshots"));
        snapshots.Write(engine.Sequence, engine.WriteSnapshot);
        FileJournal reopened = FileJournal.Open(journalPath);
        var e = Assert.Throws<JournalCorruptException>(() => Corridor.Storage.Node.Node.Start(new Corridor.Storage.Node.NodeOptions(), reopened, snapshots));
        reopened.Dispose();
        Assert.Contains("snapshot is at batch 5 but the journal ends at batch 3", e.Message);
        Assert.Contains("refusing to start", e.Message);
    }

    // The commit record synced per batch (option) protects the same way.
    [Fact]
    public void With_the_commit_record_synced_per_batch_a_truncation_is_refused_the_same_way()
    {
        using var dir = new TempDirectory();
        Acknowledge(dir, 10, new FileJournalOptions { SyncCommitRecord = true });
        long offset = OffsetOf(Segment(dir, 1), 6);
        Truncate(Segment(dir, 1), offset + 1);
        AssertRefuses(dir, Segment(dir, 1), offset, 6, "acknowledged data was lost");
    }
}
