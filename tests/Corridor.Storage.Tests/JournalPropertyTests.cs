using CsCheck;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>Crash safety as a property: whatever prefix of the journal bytes survives, recovery keeps every complete batch.</summary>
public sealed class JournalPropertyTests
{
    [Fact]
    public void Any_tail_truncation_keeps_every_batch_written_before_the_cut()
    {
        Gen<(int[] Sizes, long SegmentBytes, double Cut)> gen = Gen.Select(
            Gen.Int[0, 600].Array[1, 25],
            Gen.Long[300, 3000],
            Gen.Double[0, 1]);
        Check.Sample(gen, t =>
        {
            (int[] sizes, long segmentBytes, double cut) = t;
            var options = new FileJournalOptions { SegmentBytes = segmentBytes };
            using var dir = new TempDirectory();
            var bodies = new List<byte[]>();
            var hashes = new List<byte[]>();
            using (FileJournal journal = FileJournal.Open(dir.Path, options))
            {
                for (int i = 0; i < sizes.Length; i++)
                {
                    byte[] body = FileJournalTests.Body(i + 1, sizes[i]);
                    journal.Append(i + 1, FileJournalTests.Time(i + 1), body);
                    bodies.Add(body);
                    hashes.Add(journal.LastHash);
                }
            }

            // Cut the last segment at a random byte; batches wholly before the cut must survive.
            string last = Directory.GetFiles(dir.Path, "journal-*.seg").Order(StringComparer.Ordinal).Last();
            long lastFirst = long.Parse(Path.GetFileNameWithoutExtension(last)["journal-".Length..]);
            long length = new FileInfo(last).Length;
            long keep = (long)(cut * length);
            using (var file = new FileStream(last, FileMode.Open)) file.SetLength(keep);
            long survivors = lastFirst - 1;
            long offset = 0;
            for (long s = lastFirst; s <= sizes.Length; s++)
            {
                offset += 100 + sizes[s - 1];
                if (offset <= keep) survivors = s;
            }

            using (FileJournal journal = FileJournal.Open(dir.Path, options))
            {
                Assert.Equal(survivors, journal.LastSequence);
                Assert.Equal(survivors == 0 ? new byte[32] : hashes[(int)survivors - 1], journal.LastHash);
                long expected = 1;
                foreach (JournalBatch batch in journal.Read(0))
                {
                    Assert.Equal(expected, batch.Sequence);
                    Assert.Equal(bodies[(int)expected - 1], batch.Body);
                    Assert.Equal(hashes[(int)expected - 1], batch.Hash);
                    expected++;
                }
                Assert.Equal(survivors + 1, expected);
                // The chain continues from the recovered tail.
                journal.Append(survivors + 1, 0, [7]);
            }
            Assert.True(FileJournal.Verify(dir.Path).IsIntact);
        }, iter: 200, threads: 1);
    }
}
