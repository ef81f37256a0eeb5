using System.Diagnostics;

namespace Corridor.Cli.Tests;

/// <summary>
/// `corridor run` asks for transparent huge pages for its heap unless <c>CORRIDOR_HUGE_PAGES=off</c>, and says which in its
/// start-up lines, with the host's policy beside it; and it faults in its engine's fresh memory ahead of the first writes
/// unless <c>CORRIDOR_FRESH_PAGES=off</c>, and says which.
/// </summary>
public sealed class HugePagesCommandTests
{
    [Fact]
    public async Task A_node_asks_for_huge_pages_for_its_heap_and_says_so()
    {
        string line = await MemoryLineAsync(null);

        Assert.StartsWith("corridor: memory: transparent huge pages asked for the heap (", line, StringComparison.Ordinal);
        Assert.Contains("; host policy ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CORRIDOR_HUGE_PAGES_off_leaves_the_heap_as_the_host_has_it()
    {
        string line = await MemoryLineAsync(new Dictionary<string, string> { ["CORRIDOR_HUGE_PAGES"] = "off" });

        Assert.StartsWith("corridor: memory: transparent huge pages not asked for (CORRIDOR_HUGE_PAGES=off); host policy ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_faults_in_its_engine_s_fresh_pages_ahead_and_says_so()
    {
        string line = await MemoryLineAsync(null, "corridor: memory: fresh pages ");

        Assert.StartsWith("corridor: memory: fresh pages faulted in ahead of the engine's first writes: ", line, StringComparison.Ordinal);
        Assert.EndsWith(" MiB so far", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CORRIDOR_FRESH_PAGES_off_leaves_first_writes_to_fault_their_pages()
    {
        string line = await MemoryLineAsync(new Dictionary<string, string> { ["CORRIDOR_FRESH_PAGES"] = "off" }, "corridor: memory: fresh pages ");

        Assert.Equal("corridor: memory: fresh pages off (CORRIDOR_FRESH_PAGES=off)", line);
    }

    // Starts `corridor run` on a fresh directory, returns its memory line starting with the prefix, and stops it with SIGTERM (exit 0).
    private static async Task<string> MemoryLineAsync(IReadOnlyDictionary<string, string>? environment, string prefix = "corridor: memory: transparent huge pages ")
    {
        using var dir = new TempDir();
        using Process p = CorridorProcess.Start(environment, "run", "--data", dir.Path, "--read-model", "none", "--port", "0", "--log-level", "error");
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string? memory = null;
        while (true)
        {
            string? line = await p.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null) Assert.Fail("corridor run ended before it listened: " + await stderr);
            if (line.StartsWith(prefix, StringComparison.Ordinal)) memory = line;
            if (line.StartsWith("corridor: listening on", StringComparison.Ordinal)) break;
        }
        _ = p.StandardOutput.ReadToEndAsync();
        using (Process term = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync(timeout.Token);
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, await stderr);
        return memory ?? throw new InvalidOperationException($"corridor run printed no line starting \"{prefix}\"");
    }
}
