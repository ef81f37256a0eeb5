using System.Globalization;
using System.Runtime.InteropServices;
using Corridor.Storage.Files;

namespace Corridor.Storage.Tests;

/// <summary>
/// The heap's ask for transparent huge pages, checked where the kernel records it: the <c>hg</c> flag ("huge pages
/// advised") in <c>/proc/self/smaps</c> of the mapping that holds a freshly allocated object. The flag is the process's
/// ask; whether the host grants pages for it is its policy, so these tests hold under every policy.
/// </summary>
public sealed class HugePagesTests
{
    [Fact]
    public void The_heap_mapping_holding_new_objects_carries_the_advice()
    {
        HugePages.Advice advice = HugePages.AdviseManagedHeap();

        Assert.True(advice.Applied, advice.Failure);
        Assert.True(advice.Bytes >= 1L << 20, $"advised only {advice.Bytes} bytes");
        byte[] small = GC.AllocateArray<byte>(100, pinned: true);
        byte[] large = GC.AllocateUninitializedArray<byte>(1 << 20, pinned: true); // its own region on the pinned heap
        Assert.Contains("hg", VmFlagsAt((ulong)Marshal.UnsafeAddrOfPinnedArrayElement(small, 0)));
        Assert.Contains("hg", VmFlagsAt((ulong)Marshal.UnsafeAddrOfPinnedArrayElement(large, 0)));
        GC.KeepAlive(small);
        GC.KeepAlive(large);
    }

    [Fact]
    public void Advising_again_is_harmless_and_covers_the_same_range_or_more()
    {
        HugePages.Advice first = HugePages.AdviseManagedHeap();
        HugePages.Advice second = HugePages.AdviseManagedHeap();

        Assert.True(second.Applied, second.Failure);
        Assert.True(second.Bytes >= first.Bytes / 2, $"{second.Bytes} after {first.Bytes}");
    }

    [Fact]
    public void A_mapping_that_merged_while_the_maps_file_was_read_still_continues_the_heap_run()
    {
        // The kernel writes /proc/self/maps a page at a time; between two pages the collector decommitted the piece at
        // 0x7f0000800000, which merged with the reserve before it, so the next page starts with the merged mapping again.
        string[] lines =
        [
            "55d000000000-55d000001000 r-xp 00000000 08:01 1234 /usr/bin/dotnet",
            "7f0000000000-7f0000400000 rw-p 00000000 00:00 0",
            "7f0000400000-7f0000800000 ---p 00000000 00:00 0",
            "7f0000400000-7f0001000000 ---p 00000000 00:00 0",
            "7f0001000000-7f0001300000 rw-p 00000000 00:00 0",
            "7f0001300000-7f0001301000 rw-p 00000000 00:00 0",
            "7f0001301000-7f0001302000 r--p 00000000 08:01 99 /usr/lib/libc.so.6",
        ];

        List<(ulong Start, ulong End)>? ranges = HugePages.HeapRanges(lines, 0x7f0001000040);

        Assert.NotNull(ranges);
        Assert.Equal(
            [(0x7f0000000000UL, 0x7f0000400000UL), (0x7f0000400000UL, 0x7f0000800000UL), (0x7f0000800000UL, 0x7f0001000000UL), (0x7f0001000000UL, 0x7f0001300000UL)],
            ranges);
    }

    [Fact]
    public void A_committed_mapping_off_a_region_boundary_borders_the_run_unadvised_and_a_file_ends_it()
    {
        string[] lines =
        [
            "7f0000000000-7f0000001000 rw-p 00000000 08:01 77 /tmp/file",
            "7f0000001000-7f0000400000 rw-p 00000000 00:00 0",
            "7f0000400000-7f0000800000 ---p 00000000 00:00 0",
            "7f0000800000-7f0000c00000 rw-p 00000000 00:00 0",
        ];

        Assert.Equal([(0x7f0000400000UL, 0x7f0000800000UL), (0x7f0000800000UL, 0x7f0000c00000UL)], HugePages.HeapRanges(lines, 0x7f0000900000));
        Assert.Null(HugePages.HeapRanges(lines, 0x7f0000000010));
        Assert.Null(HugePages.HeapRanges(lines, 0x7f0001000000));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("on", false)]
    [InlineData("off", true)]
    [InlineData(" OFF ", true)]
    public void Only_off_turns_the_advice_off(string? value, bool off) =>
        Assert.Equal(off, HugePages.TurnedOff(name => name == HugePages.Switch ? value : null));

    [Fact]
    public void The_log_line_names_the_ask_and_the_host_policy()
    {
        string policy = HugePages.HostPolicy() ?? "none";

        Assert.Equal($"transparent huge pages not asked for (CORRIDOR_HUGE_PAGES=off); host policy {policy}", HugePages.Describe(null));
        string asked = HugePages.Describe(new HugePages.Advice(3L << 30, 4, null));
        Assert.StartsWith("transparent huge pages asked for the heap (3 GiB of address space, 4 mappings); host policy " + policy, asked, StringComparison.Ordinal);
        Assert.Contains("madvise failed: errno 22", HugePages.Describe(new HugePages.Advice(0, 0, "madvise failed: errno 22")), StringComparison.Ordinal);
    }

    // The VmFlags line of the smaps entry whose range holds the address.
    private static string[] VmFlagsAt(ulong address)
    {
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end))
            {
                inside = address >= start && address < end;
                continue;
            }
            if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        throw new InvalidOperationException($"no mapping holds {address:x}");
    }
}
