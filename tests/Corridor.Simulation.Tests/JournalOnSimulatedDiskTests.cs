using Corridor.Simulation.Faults;
using Corridor.Storage.Journal;

namespace Corridor.Simulation.Tests;

/// <summary>The real file journal on the simulated disk: cases the simulator found, pinned as examples.</summary>
public sealed class JournalOnSimulatedDiskTests
{
    private const string Directory = "/sim/journal";

    [Fact]
    public void A_batch_whose_fsync_failed_and_that_a_restart_served_survives_a_later_power_loss()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var disk = new SimulatedDisk(seed, new DiskFaults { UnsyncedWriteSurvives = 0 }, "/", "/sim");
            using (FileJournal journal = FileJournal.Open(Directory, null, disk))
            {
                journal.Append(1, 1, [1, 2, 3]);
                disk.Faults = new DiskFaults { UnsyncedWriteSurvives = 0, SyncError = 1 };
                Assert.Throws<IOException>(() => journal.Append(2, 2, [4, 5, 6])); // EIO: Linux may forget the pages
                disk.Faults = new DiskFaults { UnsyncedWriteSurvives = 0 };
            }
            disk.Crash(powerLoss: false); // the node stops; the operator restarts it; the page cache still holds batch 2
            long served;
            using (FileJournal restarted = FileJournal.Open(Directory, null, disk))
                served = restarted.LastSequence;
            disk.Crash(powerLoss: true);
            using FileJournal afterPowerLoss = FileJournal.Open(Directory, null, disk);
            Assert.Equal(served, afterPowerLoss.LastSequence); // what a restarted node served is durable
        }
    }

    [Fact]
    public void A_torn_tail_whose_cut_failed_to_sync_does_not_come_back_in_front_of_later_segments()
    {
        // Fault simulator seed 20269368: an append torn by a full disk; the next start cuts the torn bytes, the cut's fsync
        // fails (EIO: Linux may store some unsynced writes and forget the rest), the start after that sees the cut in the
        // page cache and writes on in a new segment; after a power loss the torn bytes, stored while the cut was not, lay in
        // front of that segment and the journal refused to start although nothing acknowledged was damaged.
        var options = new FileJournalOptions { SegmentBytes = BatchRecord.HeaderBytes + 8 }; // one batch a segment
        int cutLost = 0;
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var disk = new SimulatedDisk(seed, new DiskFaults { UnsyncedWriteSurvives = 0 }, "/", "/sim");
            string segment;
            using (FileJournal journal = FileJournal.Open(Directory, options, disk))
                journal.Append(1, 1, [1, 2, 3]);
            segment = disk.EnumerateFiles(Directory, "journal-*.seg").Single();
            long end;
            using (var file = disk.Open(segment, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
            {
                end = file.Length;
                byte[] torn = new byte[96];
                new Random((int)seed).NextBytes(torn);
                file.Write(torn, end); // a batch torn by a full disk, stored
                file.Sync();
            }
            disk.Crash(powerLoss: false);
            disk.Faults = new DiskFaults { UnsyncedWriteSurvives = 0, SyncError = 1 };
            Assert.Throws<IOException>(() => FileJournal.Open(Directory, options, disk)); // the cut's fsync fails
            disk.Faults = new DiskFaults { UnsyncedWriteSurvives = 0 };
            disk.Crash(powerLoss: false); // the operator restarts; the page cache holds the cut
            using (FileJournal restarted = FileJournal.Open(Directory, options, disk))
            {
                Assert.Equal(1, restarted.LastSequence);
                restarted.Append(2, 2, [4, 5, 6]); // a segment of its own
            }
            disk.Crash(powerLoss: true);
            using (var file = disk.Open(segment, FileMode.Open, FileAccess.Read, FileShare.Read))
                if (file.Length > end) cutLost++; // the torn bytes survived the power loss (only when the fix is absent)
            using FileJournal afterPowerLoss = FileJournal.Open(Directory, options, disk);
            Assert.Equal(2, afterPowerLoss.LastSequence);
        }
        Assert.Equal(0, cutLost);
    }
}
