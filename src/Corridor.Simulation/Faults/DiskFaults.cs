namespace Corridor.Simulation.Faults;

/// <summary>
/// Rates of the faults a <see cref="SimulatedDisk"/> injects, each a probability per opportunity (a write reaching the
/// platter at fsync, an fsync, a write, a step). Zero everywhere: a perfect disk that still loses unsynced writes on
/// power loss (that is not a fault, it is what a disk does).
/// </summary>
public sealed record DiskFaults
{
    /// <summary>On power loss, an unsynced write that reaches the disk only in part (a prefix of its sectors).</summary>
    public double TornWrite { get; init; }

    /// <summary>On power loss, an unsynced write (or a rename/create/delete not yet made durable) that does reach the disk anyway.</summary>
    public double UnsyncedWriteSurvives { get; init; } = 0.5;

    /// <summary>At fsync, a write the disk acknowledges but never stores (firmware bug): it is gone after a power loss.</summary>
    public double LostWrite { get; init; }

    /// <summary>At fsync, a write stored at the wrong place (a few sectors away); the right place keeps its old bytes.</summary>
    public double MisdirectedWrite { get; init; }

    /// <summary>Per simulation step, one bit flips in a random stored file (latent sector corruption).</summary>
    public double BitFlip { get; init; }

    /// <summary>An fsync that fails with EIO; the unsynced writes may or may not have reached the disk.</summary>
    public double SyncError { get; init; }

    /// <summary>A write that fails with ENOSPC although space remains (transient), possibly after writing a part.</summary>
    public double NoSpace { get; init; }

    /// <summary>Bytes the disk holds in all (current file lengths summed); beyond it writes fail with ENOSPC. 0: unbounded.</summary>
    public long CapacityBytes { get; init; }

    /// <summary>Faults that can destroy data the node already acknowledged (as opposed to torn or lost unsynced writes).</summary>
    public bool CanDamageAcknowledged => LostWrite > 0 || MisdirectedWrite > 0 || BitFlip > 0;

    public static readonly DiskFaults None = new() { UnsyncedWriteSurvives = 0.5 };
}
