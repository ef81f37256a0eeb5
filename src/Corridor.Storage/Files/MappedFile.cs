using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Corridor.Storage.Files;

/// <summary>
/// A whole file mapped private and writable (mmap(2) <c>MAP_PRIVATE</c>, <c>PROT_READ | PROT_WRITE</c>): reads see the file's
/// pages in the page cache without copying them into fresh memory; the first write to a page copies it for this process
/// alone, and the file itself never changes. Unmapped when disposed or, if never disposed, when the last object holding it
/// (a restored state's chunks) is collected. Linux only (<see cref="IsSupported"/>).
/// </summary>
internal sealed unsafe partial class MappedFile : IDisposable
{
    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MadvWillNeed = 3, MadvPopulateWrite = 23;
    private const long PopulateSlice = 1L << 20; // the mapping's lock is held for one slice: the heap's own mmap calls wait no longer
    private nint _address;
    private volatile bool _stopPopulating;
    private Task? _populating;

    private MappedFile(nint address, long length)
    {
        _address = address;
        Length = length;
    }

    public static bool IsSupported => OperatingSystem.IsLinux();

    public byte* Address => _address != 0 ? (byte*)_address : throw new ObjectDisposedException(nameof(MappedFile));

    public long Length { get; }

    /// <summary>Maps all <paramref name="length"/> bytes of the open file <paramref name="handle"/> and asks the kernel to read them ahead.</summary>
    public static MappedFile Map(SafeFileHandle handle, long length, string path)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            nint address = Mmap(0, (nuint)length, ProtRead | ProtWrite, MapPrivate, (int)handle.DangerousGetHandle(), 0);
            if (address == -1) throw new IOException($"{path}: mmap failed (errno {Marshal.GetLastPInvokeError()})");
            _ = Madvise(address, (nuint)length, MadvWillNeed); // a hint: the file is read whole right after
            return new MappedFile(address, length);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Makes the pages of the given byte ranges this process's own on a thread of its own, at the lowest CPU priority
    /// (<c>madvise(MADV_POPULATE_WRITE)</c>, Linux 5.14+, 1 MiB at a time): the content stays the file's, but a later
    /// write to those pages no longer stops to copy one. For memory the state will write at random (the transfer-id table
    /// after a restart: every new id lands on a page of its own, and copying a page per id held a restarted 20M-transfer node
    /// to ≈ 30,000 transfers/s against ≈ 70,000/s). Stops at the first refusal (an older kernel, no memory): the writer then copies pages as before.
    /// <see cref="StopPopulating"/> and disposing stop it after the slice in hand. Only from free memory: when the machine's free memory (<c>MemFree</c>, not
    /// counting the page cache) is less than twice the bytes asked for, nothing is done — making pages private then would
    /// push the snapshot's own pages out of the page cache, and the next restart would read them from the disk again (a
    /// 100M-transfer node on a 24 GiB machine: restarts of 6.5 s instead of 2.7 s). Returns the work (null when none) and what
    /// was decided, in a line for the node's start-up (null when nothing was asked).
    /// </summary>
    public Population PopulateForWritesInBackground(IReadOnlyList<(long Offset, long Length)> ranges, long? freeBytes = null)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        (long Offset, long Length)[] work = [.. ranges];
        long asked = 0;
        foreach ((long offset, long length) in work)
        {
            if (offset < 0 || length < 0 || offset > Length - length) throw new ArgumentOutOfRangeException(nameof(ranges), $"{offset}+{length} is outside the {Length} mapped bytes");
            asked += length;
        }
        if (asked == 0) return new Population(null, null);
        long free = freeBytes ?? FreeMemoryBytes();
        if (free < 2 * asked)
            return new Population(null, $"{Mib(asked)} MiB of the id table left to be copied page by page as the engine writes: {Mib(free)} MiB of free memory, less than twice that");
        Task previous = _populating ?? Task.CompletedTask;
        _populating = previous.ContinueWith(_ => Populate(work), CancellationToken.None, TaskContinuationOptions.LongRunning, TaskScheduler.Default);
        return new Population(_populating, $"{Mib(asked)} MiB of the id table being made the node's own beside the engine");
    }

    /// <summary>What <see cref="PopulateForWritesInBackground"/> started (null: nothing) and why, as a line for the node's start-up.</summary>
    public readonly record struct Population(Task? Work, string? Decision);

    private static string Mib(long bytes) => (bytes >> 20).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The machine's free memory (<c>MemFree</c> of <c>/proc/meminfo</c>), 0 where it cannot be read.</summary>
    internal static long FreeMemoryBytes() => Corridor.Core.Engine.HostMemory.Bytes("MemFree");

    private void Populate((long Offset, long Length)[] ranges)
    {
        Corridor.Core.Engine.BackgroundPriority.LowerCurrentThread(Corridor.Core.Engine.BackgroundPriority.Lowest); // the engine goes first
        const long page = 4096;
        foreach ((long offset, long length) in ranges)
        {
            long start = offset / page * page, end = offset + length;
            for (long at = start; at < end; at += PopulateSlice)
            {
                if (_stopPopulating) return;
                nint address = _address;
                if (address == 0) return;
                if (Madvise(address + (nint)at, (nuint)Math.Min(PopulateSlice, end - at), MadvPopulateWrite) != 0) return;
            }
        }
    }

    /// <summary>
    /// Stops <see cref="PopulateForWritesInBackground"/>'s work after the slice in hand and waits for it; the pages made the
    /// process's own so far stay so, the rest are copied as written. For a node that stops: each slice holds the mapping's
    /// lock, and every mapping call of the stop (the runtime's thread stacks, the heap) waited on it — a stop within seconds
    /// of a cold 100M-transfer start took 1.5–1.9 s instead of 0.13 s. For good: work asked for later stops at once.
    /// Does nothing when nothing is being populated.
    /// </summary>
    public void StopPopulating()
    {
        _stopPopulating = true;
        try { _populating?.Wait(); } catch (AggregateException) { } // the work ends at its next slice, or ended on a refusal
    }

    public void Dispose()
    {
        Unmap();
        GC.SuppressFinalize(this);
    }

    ~MappedFile() => Unmap(); // never while populating: the work holds this object

    private void Unmap()
    {
        StopPopulating(); // the populating thread reads the address: unmap after it
        nint address = Interlocked.Exchange(ref _address, 0);
        if (address != 0) _ = Munmap(address, (nuint)Length);
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
