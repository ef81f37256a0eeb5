using System.Globalization;
using System.Runtime.InteropServices;

namespace Corridor.Storage.Files;

/// <summary>
/// Asks Linux to back the managed heap with transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c> on the collector's
/// reserved address range), so one page fault maps 2 MiB instead of 4 KiB. The engine's state grows by about 1.4 KB per
/// PvP payment and every new page of it is faulted in once; on a virtual machine such a fault costs microseconds.
/// Hosts whose <c>/sys/kernel/mm/transparent_hugepage/enabled</c> is <c>madvise</c> (the default of many distributions)
/// grant huge pages only to memory that asks, and this is that asking; under <c>always</c> it changes nothing, under
/// <c>never</c> the kernel ignores it. Nothing else about the process changes.
/// </summary>
public static partial class HugePages
{
    private const int MadvHugepage = 14;

    /// <summary>What <see cref="AdviseManagedHeap"/> did: the bytes of address space advised and in how many mappings.</summary>
    public readonly record struct Advice(long Bytes, int Mappings, string? Failure)
    {
        public bool Applied => Failure is null && Mappings > 0;
    }

    /// <summary>The host's policy, as <c>/sys/kernel/mm/transparent_hugepage/enabled</c> names it (the bracketed word); null where there is none.</summary>
    public static string? HostPolicy()
    {
        try
        {
            string text = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
            int open = text.IndexOf('['), close = text.IndexOf(']');
            return open >= 0 && close > open ? text[(open + 1)..close] : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// Advises the mappings that hold the managed heap. The collector reserves one range at start (twice the machine's
    /// memory) and commits pieces of it as the heap grows, so the heap is a run of anonymous mappings next to one another
    /// without a gap, around the address of an object it just placed. Other anonymous mappings may border that run (thread
    /// stacks, the C library's malloc arenas), so within it only the reserved, inaccessible mappings and the committed ones
    /// that begin on a 4 MiB boundary — where the collector's regions begin — are advised: a thread stack backed by 2 MiB
    /// pages would hold 2 MiB for a few KiB of use. (A malloc arena bordering the run starts on such a boundary too and may
    /// be advised with it; that is what the host's <c>always</c> policy does to every arena.) A committed piece inherits the
    /// advice of the reserved mapping it was cut from; one the collector decommits and commits again is a new mapping
    /// without it, so a long-running process calls this again now and then (it is idempotent and reads one small file).
    /// </summary>
    public static Advice AdviseManagedHeap()
    {
        if (!OperatingSystem.IsLinux()) return new Advice(0, 0, "not Linux");
        byte[] probe = GC.AllocateArray<byte>(64, pinned: true);
        ulong address = (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(probe, 0);
        string[] lines;
        try { lines = File.ReadAllLines("/proc/self/maps"); }
        catch (IOException e) { return new Advice(0, 0, e.Message); }
        catch (UnauthorizedAccessException e) { return new Advice(0, 0, e.Message); } // a timer calls this: it must not throw
        GC.KeepAlive(probe);

        List<(ulong Start, ulong End)>? ranges = HeapRanges(lines, address);
        if (ranges is null) return new Advice(0, 0, "the heap's mapping was not found in /proc/self/maps");
        long bytes = 0;
        int advised = 0;
        foreach ((ulong start, ulong end) in ranges)
        {
            if (Madvise((nint)start, (nuint)(end - start), MadvHugepage) != 0)
                return new Advice(bytes, advised, $"madvise failed: errno {Marshal.GetLastPInvokeError()}");
            bytes += (long)(end - start);
            advised++;
        }
        return new Advice(bytes, advised, null);
    }

    /// <summary>
    /// The ranges to advise, from the lines of <c>/proc/self/maps</c> and the address of an object just placed on the heap:
    /// the run of anonymous mappings around it, of which the reserved ones and the committed ones on a region boundary.
    /// The kernel writes that file a page of text at a time and lets the process's other threads change their mappings
    /// in between; it resumes at the address it had reached, so a mapping that merged with one already written (the
    /// collector decommitting a piece next to its reserve) appears again from its earlier start, overlapping. A line that
    /// overlaps or touches the run continues it, clipped to where the run had reached. Null when no anonymous mapping
    /// holds the address.
    /// </summary>
    internal static List<(ulong Start, ulong End)>? HeapRanges(IReadOnlyList<string> lines, ulong address)
    {
        var maps = new List<Mapping>(lines.Count);
        int at = -1;
        foreach (string line in lines)
        {
            if (!Mapping.TryParse(line, out Mapping m)) continue;
            if (address >= m.Start && address < m.End) at = maps.Count;
            maps.Add(m);
        }
        if (at < 0 || !maps[at].Anonymous) return null;
        int first = at;
        ulong runStart = maps[at].Start;
        while (first > 0 && maps[first - 1].Anonymous && maps[first - 1].End >= runStart)
            runStart = Math.Min(runStart, maps[--first].Start);
        int last = at;
        ulong runEnd = maps[at].End;
        for (int i = first; i < at; i++) runEnd = Math.Max(runEnd, maps[i].End);
        while (last < maps.Count - 1 && maps[last + 1].Anonymous && maps[last + 1].Start <= runEnd)
            runEnd = Math.Max(runEnd, maps[++last].End);

        var ranges = new List<(ulong Start, ulong End)>();
        ulong reached = 0;
        for (int i = first; i <= last; i++)
        {
            Mapping m = maps[i];
            ulong start = Math.Max(m.Start, reached);
            if (m.End <= start) continue;
            reached = m.End;
            if (m.Accessible && m.Start % RegionAlignment != 0) continue;
            ranges.Add((start, m.End));
        }
        return ranges;
    }

    private const ulong RegionAlignment = 4UL << 20;

    private readonly record struct Mapping(ulong Start, ulong End, bool Accessible, bool Anonymous)
    {
        // "start-end perms offset dev inode [path]": anonymous when the inode is 0 and no path (or only a bracketed name) follows.
        public static bool TryParse(string line, out Mapping mapping)
        {
            mapping = default;
            string[] f = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5) return false;
            int dash = f[0].IndexOf('-');
            if (dash < 0
                || !ulong.TryParse(f[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
                || !ulong.TryParse(f[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end)) return false;
            string path = f.Length > 5 ? f[5].Trim() : "";
            bool anonymous = f[4] == "0" && (path.Length == 0 || (path.StartsWith('[') && path != "[stack]" && path != "[vdso]" && path != "[vvar]"));
            mapping = new Mapping(start, end, !f[1].StartsWith("---", StringComparison.Ordinal), anonymous);
            return true;
        }
    }

    private static Timer? s_again;

    /// <summary>
    /// Advises the heap now and again every <paramref name="period"/> for the life of the process (a piece of the heap the
    /// collector decommitted and committed again comes back without the advice); returns the first advice. Calling it again
    /// replaces the period.
    /// </summary>
    public static Advice Keep(TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        Advice first = AdviseManagedHeap();
        if (!first.Applied) return first;
        var again = new Timer(_ => AdviseManagedHeap(), null, period, period);
        Interlocked.Exchange(ref s_again, again)?.Dispose();
        return first;
    }

    /// <summary>
    /// The environment variable that turns the advice off for a Corridor process: <c>CORRIDOR_HUGE_PAGES=off</c>. Any other
    /// value, or none, leaves it on.
    /// </summary>
    public const string Switch = Corridor.Core.Engine.EnvironmentSwitch.HugePages;

    /// <summary>Whether the environment turned the advice off (<see cref="Switch"/> = <c>off</c>, any case).</summary>
    public static bool TurnedOff(Func<string, string?> environment) => Corridor.Core.Engine.EnvironmentSwitch.TurnedOff(Switch, environment);

    /// <summary>One line for a node's log: what the process asked for and what the host grants.</summary>
    public static string Describe(Advice? advice)
    {
        string policy = HostPolicy() ?? "none";
        if (advice is null) return $"transparent huge pages not asked for ({Switch}=off); host policy {policy}";
        Advice a = advice.Value;
        if (!a.Applied) return $"transparent huge pages not asked for: {a.Failure}; host policy {policy}";
        string grants = policy switch
        {
            "always" => "granted to all memory anyway",
            "madvise" => "granted to the heap",
            "never" => "the host grants none",
            _ => "host policy unknown",
        };
        return $"transparent huge pages asked for the heap ({a.Bytes / (1L << 30):N0} GiB of address space, {a.Mappings} mappings); host policy {policy}: {grants}";
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
