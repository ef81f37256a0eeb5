using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Corridor.Cli.Commands;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench recovery</c>: how long a node with N transfers takes to start and to stop. Builds the state with
/// <c>corridor bench ledger</c> (journal only, no snapshot), then runs <c>corridor run --read-model none</c> as a child
/// process three times over it: a start that replays the whole journal, a stop on SIGTERM that writes the snapshot, a
/// start from that snapshot, and its stop. Each figure is the node's own "recovered … in N ms" (the time to
/// <c>/health/ready</c> less the process start) and the CPU seconds the process used by then, since on a shared machine
/// wall time varies with the load beside it.
/// </summary>
internal static partial class RecoveryBench
{
    public static Command Create()
    {
        var transfers = new Option<long>("--transfers") { Description = "Transfers in the node's state.", DefaultValueFactory = _ => 5_000_000 };
        var accounts = new Option<int>("--accounts") { Description = "Accounts the transfers move between.", DefaultValueFactory = _ => 10_000 };
        var runOn = new Option<long?>("--run-on")
        {
            Description = "Transfers sent to the node restarted from the snapshot before its stop (POST /v1/transfers/batch, as `bench http --url`), "
                + "so that stop writes what changed (a delta, incremental snapshots); default 1% of --transfers, 0: none.",
        };
        var full = new Option<bool>("--full-snapshots") { Description = "Run the node with `--snapshots full` (every snapshot whole), to compare." };
        var dir = new Option<string?>("--dir") { Description = "Data directory to build the state in (must not exist or be empty; default: temporary, deleted afterwards)." };
        var json = BenchCommand.JsonOption();
        var command = new Command("recovery",
            "Start and stop of a large node: builds N transfers (bench ledger), then times `corridor run --read-model none` replaying the journal, "
            + "its stop (SIGTERM, writing the snapshot) and a restart from that snapshot, each as a real process.")
            { transfers, accounts, runOn, full, dir, json };
        command.SetAction(async (parse, cancel) =>
        {
            long n = parse.GetValue(transfers);
            int a = parse.GetValue(accounts);
            if (n < 1 || n > 200_000_000) { await Console.Error.WriteLineAsync("corridor bench recovery: --transfers must be between 1 and 200,000,000"); return 2; }
            if (a < 2 || a > 1_000_000) { await Console.Error.WriteLineAsync("corridor bench recovery: --accounts must be between 2 and 1,000,000"); return 2; }
            string? given = parse.GetValue(dir);
            if (given is not null && Directory.Exists(given) && Directory.EnumerateFileSystemEntries(given).Any())
            {
                await Console.Error.WriteLineAsync($"corridor bench recovery: --dir {given} must not exist or be empty");
                return 2;
            }
            string root = Path.GetFullPath(given ?? Path.Combine(Path.GetTempPath(), $"corridor-recovery-{Environment.ProcessId}-{Guid.NewGuid():N}"));
            long more = parse.GetValue(runOn) ?? n / 100;
            if (more < 0 || more > 100_000_000) { await Console.Error.WriteLineAsync("corridor bench recovery: --run-on must be between 0 and 100,000,000"); return 2; }
            try { return await RunAsync(root, n, a, more, parse.GetValue(full), parse.GetValue(json), cancel); }
            finally
            {
                if (given is null) try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string root, long transfers, int accounts, long runOn, bool fullSnapshots, bool json, CancellationToken cancel)
    {
        string snapshotKind = fullSnapshots ? "full" : "incremental";
        string load = BenchOutput.LoadAverage();
        var build = await RunToEndAsync(["bench", "ledger", "--accounts", accounts.ToString(CultureInfo.InvariantCulture),
            "--transfers", transfers.ToString(CultureInfo.InvariantCulture), "--dir", root, "--json"], cancel);
        if (build.ExitCode != 0)
        {
            await Console.Error.WriteLineAsync($"corridor bench recovery: building the state failed: {build.Stderr.Trim()}");
            return 1;
        }
        double journalMib = DirectoryMib(Path.Combine(root, "journal"));

        Run replay = await StartAndStopAsync(root, snapshotKind, cancel);
        double snapshotMib = DirectoryMib(Path.Combine(root, "snapshots"));
        string snapshots = Path.Combine(root, "snapshots");
        var before = Directory.Exists(snapshots) ? Directory.GetFiles(snapshots).ToHashSet() : [];
        string? runOnReport = null;
        Run restore = await StartAndStopAsync(root, snapshotKind, cancel, runOn == 0 ? null : async url =>
        {
            // The restarted node runs on: transfers over its HTTP API, as `corridor bench http --url` sends them.
            string token = Corridor.Server.Auth.SecretsDirectory.ReadOperatorToken(root) ?? throw new InvalidOperationException("no operator token in " + root);
            var sent = await RunToEndAsync(["bench", "http", "--mode", "batch", "--url", url, "--token", token, "--transfers", runOn.ToString(CultureInfo.InvariantCulture),
                "--warmup", "0", "--accounts", "100", "--json"], cancel);
            if (sent.ExitCode != 0) throw new InvalidOperationException($"sending {runOn} transfers to the restarted node failed: {sent.Stderr.Trim()} {sent.Stdout.Trim()}");
            using var report = System.Text.Json.JsonDocument.Parse(sent.Stdout.Trim().Split('\n')[^1]);
            runOnReport = report.RootElement.GetProperty("transfers_per_second").ToString();
        });
        // What the restarted node's stop wrote: the newest snapshot file (a delta against the first, or a full one).
        string? written = Directory.GetFiles(snapshots).Where(f => !before.Contains(f) && f.EndsWith(".snap", StringComparison.Ordinal)).Order(StringComparer.Ordinal).LastOrDefault();
        double writtenMib = written is null ? 0 : new FileInfo(written).Length / (1024.0 * 1024.0);
        bool writtenDelta = written is not null && IsDelta(written);
        // And a start from it (base + delta when it is a delta).
        Run third = await StartAndStopAsync(root, snapshotKind, cancel);
        // The running node journals a few batches of its own (the day schedule's ticks) after recovery: the snapshot written
        // at stop holds them, so the restart comes back at or after the replayed batch, from the snapshot, replaying nothing.
        if (restore.SnapshotSequence < replay.Sequence || restore.Sequence != restore.SnapshotSequence || restore.BatchesReplayed != 0)
        {
            await Console.Error.WriteLineAsync($"corridor bench recovery: the restart did not come back from the snapshot written at stop " +
                $"(replayed to batch {replay.Sequence}; restart: batch {restore.Sequence}, snapshot at {restore.SnapshotSequence}, {restore.BatchesReplayed} replayed)");
            return 1;
        }
        if (third.SnapshotSequence < restore.Sequence || third.Sequence != third.SnapshotSequence || third.BatchesReplayed != 0)
        {
            await Console.Error.WriteLineAsync($"corridor bench recovery: the third start did not come back from the snapshot the restarted node's stop wrote " +
                $"(restart at batch {restore.Sequence}; third start: batch {third.Sequence}, snapshot at {third.SnapshotSequence}, {third.BatchesReplayed} replayed)");
            return 1;
        }
        BenchOutput.Report("Recovery of a node (corridor run --read-model none, real processes)",
        [
            new("benchmark", "recovery"),
            new("transfers", transfers),
            new("accounts", accounts),
            new("journal_mib", Math.Round(journalMib, 1)),
            new("snapshot_mib", Math.Round(snapshotMib, 1)),
            new("replay_seconds", Math.Round(replay.RecoveredSeconds, 3)),
            new("replay_cpu_seconds", Math.Round(replay.CpuSecondsAtReady, 3)),
            new("replay_ready_seconds", Math.Round(replay.ReadySeconds, 3)),
            new("stop_seconds", Math.Round(replay.StopSeconds, 3)),
            new("snapshot_restore_seconds", Math.Round(restore.RecoveredSeconds, 3)),
            new("snapshot_restore_cpu_seconds", Math.Round(restore.CpuSecondsAtReady, 3)),
            new("snapshot_restore_ready_seconds", Math.Round(restore.ReadySeconds, 3)),
            new("snapshots", snapshotKind),
            new("run_on_transfers", runOn),
            new("restart_stop_seconds", Math.Round(restore.StopSeconds, 3)),
            new("restart_stop_snapshot", written is null ? "none" : writtenDelta ? "delta" : "full"),
            new("restart_stop_snapshot_mib", Math.Round(writtenMib, 1)),
            new("third_start_seconds", Math.Round(third.RecoveredSeconds, 3)),
            new("third_start_cpu_seconds", Math.Round(third.CpuSecondsAtReady, 3)),
            new("third_start_ready_seconds", Math.Round(third.ReadySeconds, 3)),
            new("third_start_snapshot_batch", third.SnapshotSequence),
            new("third_start_replayed_batches", third.BatchesReplayed),
            new("third_stop_seconds", Math.Round(third.StopSeconds, 3)),
            new("run_on_transfers_per_second", runOnReport ?? "none"),
            new("replayed_batches", replay.BatchesReplayed),
            new("snapshot_batch", restore.SnapshotSequence),
            new("load_average_before", load),
            new("load_average_after", BenchOutput.LoadAverage()),
        ], json);
        return 0;
    }

    private sealed record Run(long Sequence, long SnapshotSequence, long BatchesReplayed, double RecoveredSeconds, string StateHash,
        double ReadySeconds, double CpuSecondsAtReady, double StopSeconds);

    [GeneratedRegex(@"recovered batch (\d+) \(snapshot at (\d+), (\d+) batches replayed\) in (\d+) ms; state hash ([0-9a-f]+)")]
    private static partial Regex RecoveredLine();

    /// <summary>Starts <c>corridor run</c> on <paramref name="root"/>, waits until it listens (ready), then stops it with SIGTERM.</summary>
    private static async Task<Run> StartAndStopAsync(string root, string snapshotKind, CancellationToken cancel, Func<string, Task>? whileRunning = null)
    {
        string url = "";
        var clock = Stopwatch.StartNew();
        using Process p = StartCli(["run", "-d", root, "--read-model", "none", "--port", "0", "--log-level", "error", "--snapshots", snapshotKind]);
        var stderr = new System.Text.StringBuilder();
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginErrorReadLine();
        Match? recovered = null;
        while (true)
        {
            string? line = await p.StandardOutput.ReadLineAsync(cancel);
            if (line is null) throw new InvalidOperationException($"corridor run exited before it was ready (exit {WaitExit(p)}): {stderr}");
            if (RecoveredLine().Match(line) is { Success: true } m) recovered = m;
            if (line.StartsWith("corridor: listening on", StringComparison.Ordinal))
            {
                url = line["corridor: listening on".Length..].Trim().Split(' ', ',')[0].TrimEnd(';');
                break;
            }
        }
        double ready = clock.Elapsed.TotalSeconds;
        p.Refresh();
        double cpu = p.TotalProcessorTime.TotalSeconds;
        if (recovered is null) throw new InvalidOperationException("corridor run printed no recovery line");
        _ = p.StandardOutput.ReadToEndAsync(cancel); // keep the pipe drained while it runs and stops
        if (whileRunning is not null) await whileRunning(url);
        var stopping = Stopwatch.StartNew();
        if (SendSigterm(p.Id) != 0) throw new InvalidOperationException("could not send SIGTERM to corridor run");
        await p.WaitForExitAsync(cancel);
        double stop = stopping.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"corridor run stopped with exit code {p.ExitCode}: {stderr}");
        return new Run(
            long.Parse(recovered.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(recovered.Groups[2].Value, CultureInfo.InvariantCulture),
            long.Parse(recovered.Groups[3].Value, CultureInfo.InvariantCulture), long.Parse(recovered.Groups[4].Value, CultureInfo.InvariantCulture) / 1000.0,
            recovered.Groups[5].Value, ready, cpu, stop);
    }

    /// <summary>Whether a snapshot file is a delta (file format 3).</summary>
    private static bool IsDelta(string path)
    {
        using FileStream f = File.OpenRead(path);
        Span<byte> header = stackalloc byte[6];
        f.ReadExactly(header);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) == Corridor.Storage.Journal.SnapshotStore.DeltaFormatVersion;
    }

    private static int WaitExit(Process p)
    {
        p.WaitForExit(5_000);
        return p.HasExited ? p.ExitCode : -1;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(string[] args, CancellationToken cancel)
    {
        using Process p = StartCli(args);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(cancel);
        Task<string> stderr = p.StandardError.ReadToEndAsync(cancel);
        await p.WaitForExitAsync(cancel);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The same CLI (this corridor.dll under the same dotnet host) as a child process.</summary>
    private static Process StartCli(string[] args)
    {
        string dll = typeof(RecoveryBench).Assembly.Location;
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!Path.GetFileNameWithoutExtension(info.FileName).Equals("corridor", StringComparison.OrdinalIgnoreCase)) info.ArgumentList.Add(dll);
        foreach (string a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start corridor");
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    private static int SendSigterm(int pid) => SendSignal(pid, Sigterm);

    private static double DirectoryMib(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path).Sum(f => new FileInfo(f).Length) / (1024.0 * 1024.0) : 0;
}
