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
}
