using CsCheck;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>
/// The zeros a journal writes ahead of its small appends (<see cref="FileJournalOptions.PrepareStepBytes"/>): batches go into
/// them, a closed segment ends with its last batch, and a crash that leaves them after the last batch loses nothing and
/// reports nothing.
/// </summary>
public sealed class JournalPreparedSpaceTests
{
    private const int HeaderBytes = 100; // BatchRecord.HeaderBytes

    private static string SegmentPath(TempDirectory dir, long firstSequence) => dir.File($"journal-{firstSequence:D20}.seg");

    private static string[] Segments(string directory) => Directory.GetFiles(directory, "journal-*.seg").Order(StringComparer.Ordinal).ToArray();

    /// <summary>What a SIGKILL leaves: the files as they are while the journal is open (every append was synced).</summary>
    private static TempDirectory CopyOf(TempDirectory dir)
    {
        var copy = new TempDirectory();
        foreach (string file in Directory.GetFiles(dir.Path))
            if (Path.GetFileName(file) != FileJournal.LockFileName) File.Copy(file, copy.File(Path.GetFileName(file)));
        return copy;
    }

    [Fact]
    public void Small_batches_go_into_prepared_zeros_and_a_closed_segment_ends_with_its_last_batch()
    {
        using var dir = new TempDirectory();
        long written = 0;
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            for (long s = 1; s <= 20; s++)
            {
                journal.Append(s, FileJournalTests.Time(s), FileJournalTests.Body(s));
                written += HeaderBytes + FileJournalTests.Body(s).Length;
            }
            // One step prepared past the first batch: the file is a MiB long, its batches at the start.
            Assert.Equal(FileJournalOptions.DefaultPrepareStepBytes, new FileInfo(SegmentPath(dir, 1)).Length);
        }
        Assert.Equal(written, new FileInfo(SegmentPath(dir, 1)).Length);
        using FileJournal reopened = FileJournal.Open(dir.Path);
        Assert.Equal(20, reopened.LastSequence);
        Assert.Empty(reopened.RecoveryReport.Notes);
    }

    [Fact]
    public void A_crash_leaves_the_prepared_zeros_and_the_next_open_cuts_them_off_without_a_note()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        for (long s = 1; s <= 12; s++) journal.Append(s, FileJournalTests.Time(s), FileJournalTests.Body(s));
        using TempDirectory crashed = CopyOf(dir);
        Assert.True(new FileInfo(SegmentPath(crashed, 1)).Length > 12 * HeaderBytes + 12 * 700, "the copy holds the prepared zeros");
        Assert.Null(FileJournal.Verify(crashed.Path).Problem);

        using FileJournal recovered = FileJournal.Open(crashed.Path);
        Assert.Equal(12, recovered.LastSequence);
        Assert.Equal(journal.LastHash, recovered.LastHash);
        Assert.Equal(0, recovered.RecoveryReport.TruncatedBytes);
        Assert.Empty(recovered.RecoveryReport.Notes);
        recovered.Append(13, FileJournalTests.Time(13), FileJournalTests.Body(13));
        Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), recovered.Read(0).Select(b => b.Sequence));
    }

    [Fact]
    public void Batches_larger_than_a_sixty_fourth_of_the_step_are_appended_without_zeros()
    {
        using var dir = new TempDirectory();
        var options = new FileJournalOptions { PrepareStepBytes = 64 * 1024 };
        using FileJournal journal = FileJournal.Open(dir.Path, options);
        journal.Append(1, FileJournalTests.Time(1), new byte[2000]); // over 1 KiB with its header: appended as it is
        Assert.Equal(HeaderBytes + 2000, new FileInfo(SegmentPath(dir, 1)).Length);
        journal.Append(2, FileJournalTests.Time(2), new byte[500]); // small: a step of zeros first
        Assert.Equal(HeaderBytes + 2000 + 64 * 1024, new FileInfo(SegmentPath(dir, 1)).Length);
    }

    [Fact]
    public void A_step_of_zero_turns_preparing_off()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path, new FileJournalOptions { PrepareStepBytes = 0 });
        journal.Append(1, FileJournalTests.Time(1), new byte[10]);
        Assert.Equal(HeaderBytes + 10, new FileInfo(SegmentPath(dir, 1)).Length);
    }

    [Fact]
    public void A_negative_step_is_refused_at_open()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FileJournal.Open(dir.Path, new FileJournalOptions { PrepareStepBytes = -1 }));
        Assert.Contains("PrepareStepBytes -1", e.Message);
    }

    [Fact]
    public void A_lost_acknowledged_batch_in_the_prepared_zeros_still_refuses_to_start()
    {
        // Zeros where batch 5 was written and acknowledged (a lost write): the commit record names batch 5, so the zeros are not
        // taken for prepared space that nothing was written into.
        using var dir = new TempDirectory();
        using (FileJournal journal = FileJournal.Open(dir.Path))
            for (long s = 1; s <= 5; s++) journal.Append(s, FileJournalTests.Time(s), FileJournalTests.Body(s));
        long fourBatches = Enumerable.Range(1, 4).Sum(s => HeaderBytes + FileJournalTests.Body(s).Length);
        byte[] bytes = File.ReadAllBytes(SegmentPath(dir, 1));
        bytes.AsSpan((int)fourBatches).Clear();
        File.WriteAllBytes(SegmentPath(dir, 1), bytes);
        Assert.Equal(JournalProblemKind.Corrupt, FileJournal.Verify(dir.Path).Problem?.Kind);
        var e = Assert.Throws<JournalCorruptException>(() => FileJournal.Open(dir.Path));
        Assert.Contains("batch 5", e.Message);
    }

    [Fact]
    public void Any_mix_of_batch_sizes_and_segment_sizes_recovers_every_batch_from_a_crash_and_closes_to_whole_batches()
    {
        Gen<(int[] Sizes, long SegmentBytes, int Step)> gen = Gen.Select(
            Gen.OneOf(Gen.Int[0, 300], Gen.Int[2000, 9000]).Array[1, 40],
            Gen.Long[2_000, 40_000],
            Gen.Int[0, 2].Select(i => new[] { 0, 4096, 64 * 1024 }[i]));
        Check.Sample(gen, t =>
        {
            using var dir = new TempDirectory();
            var options = new FileJournalOptions { SegmentBytes = t.SegmentBytes, PrepareStepBytes = t.Step };
            byte[] lastHash;
            using (FileJournal journal = FileJournal.Open(dir.Path, options))
            {
                for (int i = 0; i < t.Sizes.Length; i++) journal.Append(i + 1, FileJournalTests.Time(i + 1), FileJournalTests.Body(i + 1, t.Sizes[i]));
                lastHash = journal.LastHash;
                // While open, only the last segment may end in zeros (any earlier one would be corrupt: a segment follows it).
                Assert.Null(FileJournal.Verify(dir.Path).Problem);
                using TempDirectory crashed = CopyOf(dir);
                using FileJournal recovered = FileJournal.Open(crashed.Path, options);
                Assert.Equal(t.Sizes.Length, recovered.LastSequence);
                Assert.Equal(lastHash, recovered.LastHash);
                Assert.Empty(recovered.RecoveryReport.Notes);
                Assert.Equal(t.Sizes.Select((size, i) => size), recovered.Read(0).Select(b => b.Body.Length));
            }
            // Closed: the segments hold the batches and nothing else.
            long expectedBytes = t.Sizes.Sum(size => (long)HeaderBytes + size);
            Assert.Equal(expectedBytes, Segments(dir.Path).Sum(p => new FileInfo(p).Length));
        }, iter: 60);
    }

    [Fact]
    public void Zeros_left_after_the_last_batch_of_an_earlier_segment_are_read_past_and_zeros_instead_of_its_last_batch_refuse()
    {
        // A roll cuts the segment back to its last batch; an fsync error can keep that cut in the page cache only, and a power
        // loss then leaves the zeros before the next segment. The next segment's first batch says nothing is missing.
        using var dir = new TempDirectory();
        var options = new FileJournalOptions { SegmentBytes = 3000 };
        using (FileJournal journal = FileJournal.Open(dir.Path, options))
            for (long s = 1; s <= 12; s++) journal.Append(s, FileJournalTests.Time(s), FileJournalTests.Body(s, 400));
        string[] segments = Segments(dir.Path);
        Assert.True(segments.Length >= 2);
        byte[] first = File.ReadAllBytes(segments[0]);
        using (var file = new FileStream(segments[0], FileMode.Append)) file.Write(new byte[777]);
        Assert.Null(FileJournal.Verify(dir.Path).Problem);
        using (FileJournal journal = FileJournal.Open(dir.Path, options))
        {
            Assert.Equal(12, journal.LastSequence);
            Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), journal.Read(0).Select(b => b.Sequence));
            Assert.Equal(Enumerable.Range(6, 7).Select(i => (long)i), journal.Read(5).Select(b => b.Sequence));
        }

        // Zeros where the segment's last batch was: the next segment starts a batch too late, so it is refused.
        byte[] lost = (byte[])first.Clone();
        lost.AsSpan(lost.Length - (HeaderBytes + 400)).Clear();
        File.WriteAllBytes(segments[0], lost);
        Assert.Equal(JournalProblemKind.Corrupt, FileJournal.Verify(dir.Path).Problem?.Kind);
        Assert.Throws<JournalCorruptException>(() => FileJournal.Open(dir.Path, options));
    }
}
