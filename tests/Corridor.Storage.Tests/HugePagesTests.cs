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
