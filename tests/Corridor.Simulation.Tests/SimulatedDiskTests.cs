using Corridor.Simulation.Faults;
using Corridor.Storage.Files;

namespace Corridor.Simulation.Tests;

/// <summary>The simulated disk keeps POSIX durability: only fsync'd bytes and names survive a power loss.</summary>
public sealed class SimulatedDiskTests
{
    private static SimulatedDisk Disk(double survives, ulong seed = 7) => new(seed, new DiskFaults { UnsyncedWriteSurvives = survives }, "/", "/d");

    private static byte[] ReadAll(SimulatedDisk disk, string path)
    {
        using IFileHandle f = disk.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var bytes = new byte[f.Length];
        Assert.Equal(bytes.Length, f.Read(bytes, 0));
        return bytes;
    }

    [Fact]
    public void Synced_bytes_and_names_survive_power_loss_unsynced_ones_do_not()
    {
        SimulatedDisk disk = Disk(survives: 0);
        using (IFileHandle f = disk.Open("/d/a", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read))
        {
            f.Write([1, 2, 3], 0);
            f.Sync();
            f.Write([4, 5], 3);
            Assert.Equal(5, f.Length); // the process sees its unsynced write
        }
        disk.SyncDirectory("/d");
        using (IFileHandle g = disk.Open("/d/b", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read))
        {
            g.Write([9], 0);
            g.Sync(); // data durable, but the name is not: the directory was not synced
        }
        disk.Crash(powerLoss: true);
        Assert.Equal(new byte[] { 1, 2, 3 }, ReadAll(disk, "/d/a"));
        Assert.Empty(disk.EnumerateFiles("/d", "b"));
    }

    [Fact]
    public void A_process_crash_keeps_the_page_cache_and_releases_locks()
    {
        SimulatedDisk disk = Disk(survives: 0);
        IFileHandle locked = disk.Open("/d/lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        Assert.Throws<IOException>(() => disk.Open("/d/lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        locked.Write([1], 0);
        disk.Crash(powerLoss: false);
        Assert.Throws<SimulatedCrashException>(() => locked.Write([2], 0)); // the dead process's handle
        using IFileHandle again = disk.Open("/d/lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        Assert.Equal(1, again.Length);
    }

    [Fact]
    public void Rename_is_durable_only_after_the_directory_sync()
    {
        SimulatedDisk disk = Disk(survives: 0);
        using (IFileHandle f = disk.Open("/d/x.tmp", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
        {
            f.Write([7], 0);
            f.Sync();
        }
        disk.SyncDirectory("/d");
        disk.Move("/d/x.tmp", "/d/x");
        disk.Crash(powerLoss: true);
        Assert.Equal(["/d/x.tmp"], disk.EnumerateFiles("/d", "x*"));
        disk.Move("/d/x.tmp", "/d/x");
        disk.SyncDirectory("/d");
        disk.Crash(powerLoss: true);
        Assert.Equal(new byte[] { 7 }, ReadAll(disk, "/d/x"));
    }

    [Fact]
    public void An_fsync_error_can_leave_readable_bytes_that_a_power_loss_takes()
    {
        // Linux after EIO marks the pages clean: they stay readable but a later fsync does not store them.
        for (ulong seed = 1; seed < 40; seed++)
        {
            var disk = new SimulatedDisk(seed, new DiskFaults { SyncError = 1 }, "/", "/d");
            using IFileHandle f = disk.Open("/d/a", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            f.Write([1, 2], 0);
            Assert.Throws<IOException>(f.Sync);
            disk.Faults = new DiskFaults { UnsyncedWriteSurvives = 1 };
            f.Sync(); // succeeds, stores nothing: the failed fsync forgot the pages
            Assert.Equal(2, f.Length);
            disk.SyncDirectory("/d");
            disk.Crash(powerLoss: true);
            byte[] left = ReadAll(disk, "/d/a");
            if (left.Length == 0) return; // found a seed where the bytes were lost
        }
        Assert.Fail("no seed lost the bytes of a failed fsync");
    }

    [Fact]
    public void A_full_disk_refuses_writes_beyond_its_capacity()
    {
        var disk = new SimulatedDisk(1, new DiskFaults { CapacityBytes = 10 }, "/", "/d");
        using IFileHandle f = disk.Open("/d/a", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        f.Write(new byte[8], 0);
        Assert.Throws<IOException>(() => f.Write(new byte[8], 8));
        Assert.Equal(10, f.Length); // the part that fitted
    }
}
