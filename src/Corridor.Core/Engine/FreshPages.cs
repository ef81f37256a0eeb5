using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Corridor.Core.Engine;

/// <summary>
/// Faults in, on a thread of its own, memory the engine has just allocated and is about to write for the first time: the
/// next chunk of a growing list, of a byte arena, a grown id table. Linux maps fresh anonymous memory lazily, so the first
/// write to each 4 KiB page stops the writing thread for a page fault — on a virtual machine several microseconds, and a
/// third of the engine thread's time under a load of batched payments (docs/performance.md). Asked ahead, the kernel maps
/// the pages with <c>madvise(MADV_POPULATE_WRITE)</c> (Linux 5.14+): the same work, on the other core, in one call per MiB
/// instead of a fault per page, and not on the engine thread, which runs every payment of the node one after another.
/// <para>
/// It never changes memory: populating maps a page as a first write would, without writing (content stays as it is), so it
/// is safe while the owner writes the same range, after the owner dropped it (the call then fails or maps pages of the
/// collector's no one reads), and on memory the collector decommitted (the call fails). Nothing depends on it having run:
/// the state, its hash and every result are the same with it or without (on other systems, on older kernels, or turned off
/// with <c>CORRIDOR_FRESH_PAGES=off</c>). Only pinned arrays and memory that does not move are passed.
/// </para>
/// </summary>
public static partial class FreshPages
{
    /// <summary>The environment variable that turns populating off for the process: <c>CORRIDOR_FRESH_PAGES=off</c>.</summary>
    public const string Switch = EnvironmentSwitch.FreshPages;

    private const int MadvPopulateWrite = 23;
    private const long Slice = 1L << 20; // the address space's lock is held for one slice at a time

    /// <summary>Below this an ask is not worth a wake-up of the populating thread: the first writes fault a page or two.</summary>
    internal const long MinimumBytes = 64 * 1024;

    private static readonly BlockingCollection<(nint Address, long Bytes)> s_asks = new(new ConcurrentQueue<(nint, long)>());
    private static readonly bool s_enabled = OperatingSystem.IsLinux() && !EnvironmentSwitch.TurnedOff(Switch);
    private static volatile bool s_unsupported;
    private static int s_started;
    private static long s_populatedBytes;

    /// <summary>Bytes populated so far by this process (diagnostics and tests).</summary>
    public static long PopulatedBytes => Interlocked.Read(ref s_populatedBytes);

    /// <summary>Whether asks are acted on: Linux, not turned off, and the kernel knew <c>MADV_POPULATE_WRITE</c> so far.</summary>
    public static bool Active => s_enabled && !s_unsupported;

    /// <summary>Asks for the pages of a pinned array to be mapped ahead of its first writes.</summary>
    internal static unsafe void Ahead<T>(T[] pinned) where T : unmanaged
    {
        if (!Active || (long)pinned.Length * sizeof(T) < MinimumBytes) return;
        Ahead((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)), (long)pinned.Length * sizeof(T));
    }

    /// <summary>Asks for <paramref name="bytes"/> bytes from <paramref name="address"/> (memory that does not move) to be mapped ahead of their first writes.</summary>
    internal static void Ahead(nint address, long bytes)
    {
        if (!Active || bytes < MinimumBytes) return;
        if (Interlocked.Exchange(ref s_started, 1) == 0)
            new Thread(Populate) { IsBackground = true, Name = "corridor-pages" }.Start();
        s_asks.Add((address, bytes));
    }

    /// <summary>One phrase for a node's log and a benchmark's output: whether pages are faulted in ahead, and how many so far.</summary>
    public static string Describe() =>
        !OperatingSystem.IsLinux() ? "not available (not Linux)"
        : !s_enabled ? $"off ({Switch}=off)"
        : s_unsupported ? "not available (the kernel lacks MADV_POPULATE_WRITE, Linux 5.14+)"
        : $"faulted in ahead of the engine's first writes: {PopulatedBytes / (1024 * 1024)} MiB so far";

    private static void Populate()
    {
        // Work ahead is worth a core only when one is idle: at the lowest priority it never takes a core from a thread that
        // serves requests — this node's, or another node's on the same host (a standby replaying beside its active node).
        BackgroundPriority.LowerCurrentThread(BackgroundPriority.Lowest);
        foreach ((nint address, long bytes) in s_asks.GetConsumingEnumerable())
        {
            if (s_unsupported) continue;
            // Whole pages inside the range: the partial pages at its ends may hold another object's bytes, already mapped.
            long start = (address + 4095) & ~4095L, end = (address + bytes) & ~4095L;
            for (long at = start; at < end; at += Slice)
            {
                long length = Math.Min(Slice, end - at);
                if (Madvise((nint)at, (nuint)length, MadvPopulateWrite) != 0)
                {
                    // EINVAL: a kernel older than 5.14 — or a range no longer writable (an array collected meanwhile, its
                    // memory decommitted), which says nothing of the kernel: asked once on a page of this thread's own.
                    if (Marshal.GetLastPInvokeError() == EInval && !KernelPopulates()) s_unsupported = true;
                    break; // ENOMEM / EFAULT / that EINVAL: the range is gone or not writable now — nothing to do
                }
                Interlocked.Add(ref s_populatedBytes, length);
            }
        }
    }

    private static bool? s_kernelPopulates; // the populating thread's alone

    /// <summary>Whether this kernel knows <c>MADV_POPULATE_WRITE</c>: asked once, on a fresh page of a mapping of its own.</summary>
    private static bool KernelPopulates()
    {
        if (s_kernelPopulates is { } known) return known;
        nint page = Mmap(0, 4096, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == -1) return true; // no memory to ask with: keep populating, as before any answer
        bool populates = Madvise(page, 4096, MadvPopulateWrite) == 0 || Marshal.GetLastPInvokeError() != EInval;
        _ = Munmap(page, 4096);
        s_kernelPopulates = populates;
        return populates;
    }

    /// <summary>
    /// Zeroed memory of <paramref name="bytes"/> bytes straight from the kernel (an anonymous private mapping, asked for
    /// transparent huge pages unless <c>CORRIDOR_HUGE_PAGES=off</c>) whose pages this thread starts faulting in at once when
    /// they fit in half the memory the host has available (<c>MemAvailable</c>); otherwise they stay unmapped until first
    /// written, as any fresh memory, and hold nothing before. Null when not <see cref="Active"/> or the kernel refused. The
    /// memory is the returned object's: it is unmapped when that object is collected, so whoever keeps addresses into it
    /// keeps the object.
    /// </summary>
    internal static AnonymousMemory? MapZeroedAhead(long bytes)
    {
        if (!Active || bytes <= 0) return null;
        nint address = Mmap(0, (nuint)bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (address == -1) return null;
        if (!EnvironmentSwitch.TurnedOff(EnvironmentSwitch.HugePages))
            _ = Madvise(address, (nuint)bytes, MadvHugepage); // a hint: one fault (or populate step) maps 2 MiB where the host grants it
        var memory = new AnonymousMemory(address, bytes);
        // A node near the host's memory (100M transfers on 24 GiB) must not hold its next table long before it needs it.
        if (bytes <= HostMemory.Bytes("MemAvailable") / 2) Ahead(address, bytes);
        return memory;
    }

    /// <summary>An anonymous mapping owned by this object (<see cref="MapZeroedAhead"/>), unmapped by its finalizer.</summary>
    internal sealed class AnonymousMemory(nint address, long bytes)
    {
        public nint Address { get; } = address;
        public long Bytes { get; } = bytes;

        ~AnonymousMemory() => Munmap(Address, (nuint)Bytes);
    }

    private const int EInval = 22, ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20, MadvHugepage = 14;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
