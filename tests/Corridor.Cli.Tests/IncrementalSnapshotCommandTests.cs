using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Corridor.Cli.Tests;

/// <summary>
/// Incremental snapshots through the real processes: a node restarted from a full snapshot that runs on stops with a delta
/// against it; `corridor run` restarts from base and delta; `corridor journal verify` checks both and reports a damaged
/// base (exit 1), and a node then refuses the delta and its base and replays its journal, saying why.
/// </summary>
public sealed partial class IncrementalSnapshotCommandTests
{
    [Fact]
    public async Task A_node_that_ran_on_stops_with_a_delta_restarts_from_it_and_a_damaged_base_is_refused_and_reported()
    {
        using var dir = new TempDir();
        // 81,900 transfers (a whole 65,536-transfer chunk), stopped: the last snapshot is full (the first a delta can refer to).
        var (code, _, stderr) = await CorridorProcess.RunAsync("load", "--data", dir.Path, "--accounts", "10", "--requests", "10", "--batch", "8190", "--run-id", "1");
        Assert.True(code == 0, stderr);
        // Restarted from it, 2,000 more, stopped: a delta against it.
        (code, _, stderr) = await CorridorProcess.RunAsync("load", "--data", dir.Path, "--accounts", "10", "--requests", "20", "--batch", "100", "--run-id", "2");
        Assert.True(code == 0, stderr);
        string snapshots = Path.Combine(dir.Path, "snapshots");
        string[] files = Directory.GetFiles(snapshots, "snapshot-*.snap").Order(StringComparer.Ordinal).ToArray();
        // The pruning kept the newest two and the base they name. The first run's snapshots every 20,000 events are written
        // beside the engine, so whether its last one was full or already a delta depends on the machine's pace: two files
        // (the base and the delta) or three (the base and two deltas against it), never another full one.
        Assert.InRange(files.Length, 2, 3);
        string deltaFile = files[^1];
        Assert.Equal(3, FileFormat(deltaFile));
        string baseFile = Assert.Single(files, f => FileFormat(f) == 2);
        Assert.All(files.Where(f => f != baseFile), f => Assert.Equal(3, FileFormat(f)));
        Assert.True(new FileInfo(deltaFile).Length < new FileInfo(baseFile).Length / 4);
        long deltaSequence = SequenceOf(deltaFile);

        var (verify, stdout, verifyErr) = await CorridorProcess.RunAsync("journal", "verify", dir.Path);
        Assert.True(verify == 0, stdout + verifyErr);
        Assert.Contains($"snapshot  batch {deltaSequence}: agrees with the replay", stdout);

        // `corridor run` restarts from base and delta, replaying nothing.
        (string recovered, List<string> lines) = await StartAndStopAsync(dir.Path);
        Assert.Equal($"snapshot at {deltaSequence}, 0 batches replayed", recovered);
        Assert.DoesNotContain(lines, l => l.Contains("snapshot skipped", StringComparison.Ordinal));
        // The base's id table (83,900 ids: 2^17 slots, mapped) is made the node's own beside the engine, or it says why not.
        Assert.Contains(lines, l => l.StartsWith("corridor: memory: 2 MiB of the id table ", StringComparison.Ordinal));

        // A damaged base: verify fails naming it (and the deltas that need it); the node skips them all and replays the journal.
        byte[] bytes = File.ReadAllBytes(baseFile);
        bytes[bytes.Length / 2] ^= 0x04;
        File.WriteAllBytes(baseFile, bytes);
        (verify, stdout, verifyErr) = await CorridorProcess.RunAsync("journal", "verify", dir.Path);
        Assert.True(verify == 1, stdout + verifyErr);
        Assert.Contains($"snapshot  DAMAGED (a node skips it at start-up): {baseFile}: checksum mismatch: the snapshot is damaged", stdout);
        Assert.Contains($"its base {Path.GetFileName(baseFile)}: checksum mismatch: the snapshot is damaged", stdout);
        (recovered, lines) = await StartAndStopAsync(dir.Path);
        Assert.StartsWith("snapshot at 0, ", recovered);
        Assert.Contains(lines, l => l.StartsWith("corridor: recovery: snapshot skipped: ", StringComparison.Ordinal)
            && l.Contains($"its base {Path.GetFileName(baseFile)}: checksum mismatch", StringComparison.Ordinal));
        Assert.Contains(lines, l => l == $"corridor: recovery: snapshot skipped: {baseFile}: checksum mismatch: the snapshot is damaged");
    }

    private static int FileFormat(string path) => BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(path).AsSpan(4, 2));

    private static long SequenceOf(string path) => long.Parse(Path.GetFileNameWithoutExtension(path)["snapshot-".Length..], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^corridor: recovered batch \d+ \((snapshot at \d+, \d+ batches replayed)\)")]
    private static partial Regex RecoveredLine();

    /// <summary>Starts `corridor run` on <paramref name="data"/>, reads its start-up lines until it listens, stops it with SIGTERM (exit 0).</summary>
    private static async Task<(string Recovered, List<string> Lines)> StartAndStopAsync(string data)
    {
        using Process p = CorridorProcess.Start("run", "--data", data, "--read-model", "none", "--port", "0", "--log-level", "error");
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        string? recovered = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            string? line = await p.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null) Assert.Fail("corridor run ended before it listened: " + await stderr);
            lines.Add(line);
            if (RecoveredLine().Match(line) is { Success: true } m) recovered = m.Groups[1].Value;
            if (line.StartsWith("corridor: listening on", StringComparison.Ordinal)) break;
        }
        _ = p.StandardOutput.ReadToEndAsync();
        using (Process term = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync(timeout.Token); // SIGTERM: a graceful stop
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, await stderr);
        return (recovered ?? throw new InvalidOperationException("no recovery line: " + string.Join('\n', lines)), lines);
    }
}
