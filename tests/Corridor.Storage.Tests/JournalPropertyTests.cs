using CsCheck;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>
/// Crash safety as a property: the process dies while the last batch is being written (its commit record still names the
/// batch before), then the last segment is cut at any byte. A cut inside the unacknowledged batch is a torn write: recovery
/// keeps every acknowledged batch. A cut earlier loses acknowledged batches: recovery refuses and changes no file. Never
/// a silent loss.
/// </summary>
public sealed class JournalPropertyTests
{
    [Fact]
    public void Any_tail_truncation_keeps_every_acknowledged_batch_or_refuses_to_start()
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
            string commit = dir.File(FileJournal.CommitFileName);
            byte[] commitBeforeLast = [];
            using (FileJournal journal = FileJournal.Open(dir.Path, options))
            {
                for (int i = 0; i < sizes.Length; i++)
                {
                    byte[] body = FileJournalTests.Body(i + 1, sizes[i]);
                    if (i == sizes.Length - 1) commitBeforeLast = File.ReadAllBytes(commit);
                    journal.Append(i + 1, FileJournalTests.Time(i + 1), body);
                    bodies.Add(body);
                    hashes.Add(journal.LastHash);
                }
            }
            File.WriteAllBytes(commit, commitBeforeLast); // the last batch was never acknowledged
            long acknowledged = sizes.Length - 1;

            // Cut the last segment at a random byte; batches wholly before the cut are what the disk still has.
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

            if (survivors < acknowledged)
            {
                Dictionary<string, byte[]> before = Directory.GetFiles(dir.Path).ToDictionary(p => p, File.ReadAllBytes);
                Assert.Throws<JournalCorruptException>(() => FileJournal.Open(dir.Path, options));
                foreach ((string path, byte[] bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} changed");
                return;
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
