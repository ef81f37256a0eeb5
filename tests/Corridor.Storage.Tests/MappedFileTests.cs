using System.Globalization;
using Corridor.Storage.Files;

namespace Corridor.Storage.Tests;

/// <summary>
/// <see cref="MappedFile.PopulateForWritesInBackground"/>: the pages asked for become the process's own (counted by the
/// kernel as anonymous memory of the file's mapping) with the file's content, the file never changes, and nothing is done
/// when free memory is short.
/// </summary>
public sealed class MappedFileTests : IDisposable
{
    private const int Bytes = 8 << 20;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"corridor-mapped-{Guid.NewGuid():N}");
    private readonly byte[] _content = new byte[Bytes];

    public MappedFileTests()
    {
        new Random(7).NextBytes(_content);
        File.WriteAllBytes(_path, _content);
    }

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task The_pages_asked_for_become_the_process_own_with_the_file_content_and_the_file_never_changes()
    {
        if (!MappedFile.IsSupported) return;
        using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using MappedFile map = MappedFile.Map(handle, Bytes, _path);
        Assert.Equal(0, AnonymousKib(map));

        (Task? work, string? decision) = map.PopulateForWritesInBackground([(4096 + 100, 4 << 20)], freeBytes: long.MaxValue);
        Assert.NotNull(work);
        Assert.Equal("4 MiB of the id table being made the node's own beside the engine", decision);
        await work.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        long anonymous = AnonymousKib(map);
        Assert.InRange(anonymous, 4 << 10, (4 << 10) + 8); // the range, from the page it starts on to the page it ends on

        unsafe
        {
            Assert.True(new ReadOnlySpan<byte>(map.Address, Bytes).SequenceEqual(_content)); // still the file's bytes
            map.Address[5000] ^= 0xFF; // a private page: the write stays in this process
        }
        Assert.Equal(anonymous, AnonymousKib(map)); // that page was already the process's own: nothing copied
        Assert.Equal(_content, File.ReadAllBytes(_path));
    }

    [Fact]
    public void Nothing_is_done_when_free_memory_is_short_and_a_range_outside_the_file_is_refused()
    {
        if (!MappedFile.IsSupported) return;
        using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using MappedFile map = MappedFile.Map(handle, Bytes, _path);
        MappedFile.Population refused = map.PopulateForWritesInBackground([(0, 4 << 20)], freeBytes: (8 << 20) - 1); // less than twice the bytes asked for
        Assert.Null(refused.Work);
        Assert.Equal("4 MiB of the id table left to be copied page by page as the engine writes: 7 MiB of free memory, less than twice that", refused.Decision);
        Assert.Null(map.PopulateForWritesInBackground([], freeBytes: long.MaxValue).Work);
        Assert.Equal(0, AnonymousKib(map));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = map.PopulateForWritesInBackground([(Bytes - 4096, 8192)], freeBytes: long.MaxValue); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = map.PopulateForWritesInBackground([(-1, 10)], freeBytes: long.MaxValue); });
        Assert.True(MappedFile.FreeMemoryBytes() > 0);
    }

    [Fact]
    public void Disposing_while_pages_are_being_populated_waits_for_the_slice_in_hand_and_unmaps()
    {
        if (!MappedFile.IsSupported) return;
        using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read);
        MappedFile map = MappedFile.Map(handle, Bytes, _path);
        Task? work = map.PopulateForWritesInBackground([(0, Bytes)], freeBytes: long.MaxValue).Work;
        Assert.NotNull(work);
        map.Dispose();
        Assert.True(work.IsCompleted);
        Assert.Throws<ObjectDisposedException>(() => { unsafe { _ = map.Address; } });
    }

    [Fact]
    public async Task Stopping_the_population_waits_for_the_slice_in_hand_and_work_asked_for_later_stops_at_once()
    {
        if (!MappedFile.IsSupported) return;
        using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using MappedFile map = MappedFile.Map(handle, Bytes, _path);
        Task? work = map.PopulateForWritesInBackground([(0, Bytes / 2)], freeBytes: long.MaxValue).Work;
        Assert.NotNull(work);
        map.StopPopulating();
        Assert.True(work.IsCompleted); // stopped (or done) when the call returns, the mapping still there
        long stopped = AnonymousKib(map);
        Assert.InRange(stopped, 0, Bytes / 2 / 1024);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(stopped, AnonymousKib(map)); // nothing populates any more

        // For good: a later ask starts work that ends before its first slice.
        Task? later = map.PopulateForWritesInBackground([(Bytes / 2, Bytes / 2)], freeBytes: long.MaxValue).Work;
        Assert.NotNull(later);
        await later.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(stopped, AnonymousKib(map));
        unsafe { Assert.True(new ReadOnlySpan<byte>(map.Address, Bytes).SequenceEqual(_content)); }
        map.StopPopulating(); // again: nothing to wait for
    }

    /// <summary>KiB of the mapping of <paramref name="map"/> that are this process's own copies (smaps' "Anonymous").</summary>
    private static unsafe long AnonymousKib(MappedFile map)
    {
        ulong address = (ulong)map.Address;
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            if (dash > 0 && line.IndexOf(' ') > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
                && ulong.TryParse(line.AsSpan(dash + 1, line.IndexOf(' ') - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end))
            {
                inside = address >= start && address < end;
                continue;
            }
            if (inside && line.StartsWith("Anonymous:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(10).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("the mapping is not in /proc/self/smaps");
    }
}
