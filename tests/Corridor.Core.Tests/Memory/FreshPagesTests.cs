using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;

namespace Corridor.Core.Tests.Memory;

/// <summary>
/// Memory the engine will write first is faulted in ahead by a thread of its own (<see cref="FreshPages"/>): the pages become
/// resident without anyone writing them, and what they hold is unchanged. Checked on an anonymous mapping with
/// <c>mincore</c>, which tells which pages are resident, and on the lists and arenas that ask for it.
/// </summary>
public sealed partial class FreshPagesTests
{
    private const int Page = 4096;

    [Fact]
    public unsafe void Asked_pages_become_resident_and_keep_what_they_hold()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && FreshPages.Active, "populating ahead is Linux 5.14+ and on by default");
        const int Pages = 512; // 2 MiB
        nint memory = Mmap(0, Pages * Page, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        Assert.NotEqual(-1, memory);
        // Memory no longer writable when its turn comes (an array collected, its pages decommitted): the kernel answers EINVAL,
        // as a kernel without MADV_POPULATE_WRITE would — which must not turn populating off for the process.
        nint readOnly = Mmap(0, 256 * Page, ProtRead, MapPrivate | MapAnonymous, -1, 0);
        Assert.NotEqual(-1, readOnly);
        try
        {
            byte* bytes = (byte*)memory;
            bytes[3 * Page + 17] = 42; // one page written before: resident, and it must keep its byte
            Assert.Equal(1, Resident(memory, Pages));

            FreshPages.Ahead(Page, 1 << 20); // nothing is ever mapped at 4 KiB: that ask fails quietly and the next is served
            FreshPages.Ahead(readOnly, 256 * Page); // refused (EINVAL), quietly too
            FreshPages.Ahead(memory, Pages * Page);

            DateTime until = DateTime.UtcNow.AddSeconds(30);
            while (Resident(memory, Pages) < Pages && DateTime.UtcNow < until) Thread.Sleep(5);
            Assert.Equal(Pages, Resident(memory, Pages));
            Assert.True(FreshPages.Active);
            Assert.Equal(42, bytes[3 * Page + 17]);
            for (int i = 0; i < Pages * Page; i++)
                if (i != 3 * Page + 17) Assert.True(bytes[i] == 0, $"byte {i} changed to {bytes[i]}");
        }
        finally
        {
            Munmap(memory, Pages * Page);
            Munmap(readOnly, 256 * Page);
        }
    }

    [Fact]
    public void The_populating_thread_runs_at_the_lowest_priority_so_it_never_takes_a_core_from_a_thread_serving_requests()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && FreshPages.Active, "populating ahead is Linux 5.14+ and on by default");
        byte[] pinned = GC.AllocateUninitializedArray<byte>(1 << 20, pinned: true);
        FreshPages.Ahead(pinned); // starts the thread if no test did before
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        int? nice = null;
        while (nice is null && DateTime.UtcNow < until)
        {
            nice = ThreadNiceValues("corridor-pages").Cast<int?>().FirstOrDefault(n => n == BackgroundPriority.Lowest);
            if (nice is null) Thread.Sleep(5);
        }
        Assert.Equal(BackgroundPriority.Lowest, nice);
        GC.KeepAlive(pinned);
    }

    [Fact]
    public void A_thread_lowered_to_background_priority_has_that_nice_value_and_an_out_of_range_one_is_refused()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "nice values per thread are Linux's");
        int seen = -1;
        bool lowered = false;
        var thread = new Thread(() =>
        {
            lowered = BackgroundPriority.LowerCurrentThread(7);
            seen = NiceOf(File.ReadAllText("/proc/thread-self/stat"));
        });
        thread.Start();
        thread.Join();
        Assert.True(lowered);
        Assert.Equal(7, seen);
        Assert.Throws<ArgumentOutOfRangeException>(() => BackgroundPriority.LowerCurrentThread(20));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackgroundPriority.LowerCurrentThread(-1));
    }

    // The nice value of each of this process's threads with that name (field 19 of /proc/self/task/TID/stat; the name, in
    // parentheses, may hold spaces and parentheses itself, so fields are counted from the last ')').
    private static IEnumerable<int> ThreadNiceValues(string name)
    {
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
            catch (IOException) { continue; } // the thread ended
            int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
            if (stat[(open + 1)..close] == name) yield return NiceOf(stat);
        }
    }

    private static int NiceOf(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_host_s_available_memory_is_read_and_lies_within_its_physical_memory()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc/meminfo is Linux's");
        long available = HostMemory.Bytes("MemAvailable");
        var total = System.Text.RegularExpressions.Regex.Match(File.ReadAllText("/proc/meminfo"), @"^MemTotal:\s+(\d+) kB$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(total.Success);
        Assert.Equal(0, HostMemory.Bytes("NoSuchField"));
        Assert.InRange(available, 1L << 20, long.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 1024); // a prepared id table is faulted in ahead only when it fits in half of it
    }

    [Fact]
    public void A_list_halfway_through_a_full_chunk_has_the_next_one_faulted_in_and_its_items_read_back()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && FreshPages.Active, "populating ahead is Linux 5.14+ and on by default");
        long before = FreshPages.PopulatedBytes;
        var list = new ChunkedList<long>();
        const int Items = 3 * ChunkedList<long>.ChunkLength + 5; // halfway through chunks 0, 1 and 2: chunks 1, 2 and 3 asked for
        for (int i = 0; i < Items; i++) list.Add() = i * 3L;
        long asked = 3L * ChunkedList<long>.ChunkLength * sizeof(long);
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while (FreshPages.PopulatedBytes - before < asked - 3 * 2 * Page && DateTime.UtcNow < until) Thread.Sleep(5);
        Assert.True(FreshPages.PopulatedBytes - before >= asked - 3 * 2 * Page, $"{FreshPages.PopulatedBytes - before} bytes populated, {asked} asked");
        for (int i = 0; i < Items; i++) Assert.Equal(i * 3L, list[i]);
        list.Truncate(ChunkedList<long>.ChunkLength + 1); // appends go on over the chunk allocated ahead
        for (int i = ChunkedList<long>.ChunkLength + 1; i < Items; i++) list.Add() = -i;
        Assert.Equal(-(Items - 1), list[Items - 1]);
        Assert.Equal(3L * ChunkedList<long>.ChunkLength, list[ChunkedList<long>.ChunkLength]);
    }

    [Fact]
    public void An_arena_s_full_size_chunks_come_faulted_in_and_its_slices_read_back()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && FreshPages.Active, "populating ahead is Linux 5.14+ and on by default");
        long before = FreshPages.PopulatedBytes;
        var arena = new ByteArena();
        var slices = new List<ReadOnlyMemory<byte>>();
        for (int i = 0; i < 4_000; i++) slices.Add(arena.Copy(Enumerable.Repeat((byte)i, 1_000).ToArray())); // ≈ 4 MB: 15 full-size chunks
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        long expected = 10L * (ByteArena.MaxChunkBytes - 2 * Page);
        while (FreshPages.PopulatedBytes - before < expected && DateTime.UtcNow < until) Thread.Sleep(5);
        Assert.True(FreshPages.PopulatedBytes - before >= expected, $"{FreshPages.PopulatedBytes - before} bytes populated");
        for (int i = 0; i < slices.Count; i++) Assert.True(slices[i].Span.IndexOfAnyExcept((byte)i) < 0, $"slice {i} changed");
    }

    // How many of the first `pages` pages from `address` are resident (mincore's low bit per page).
    private static unsafe int Resident(nint address, int pages)
    {
        byte* vector = stackalloc byte[pages];
        Assert.Equal(0, Mincore(address, (nuint)(pages * Page), vector));
        int resident = 0;
        for (int i = 0; i < pages; i++) resident += vector[i] & 1;
        return resident;
    }

    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static unsafe partial int Mincore(nint address, nuint length, byte* vector);
}
