using System.Diagnostics;
using Corridor.Core.Ledger;
using Corridor.Storage.Node;

namespace Corridor.Cli.Tests;

/// <summary>
/// Kills a node with SIGKILL while it writes and proves, after restart, that every acknowledged
/// transfer is there and nothing that was never submitted is.
/// </summary>
public class CrashRecoveryTests
{
    [Fact]
    public async Task Every_acknowledged_transfer_survives_SIGKILL_and_nothing_else_appears()
    {
        using var dir = new TempDir();
        var acked = new List<(ulong Run, ulong First, ulong Last)>();
        for (ulong run = 1; run <= 3; run++)
        {
            // The last run sends 400 transfers a request (51 KB: every batch at or over NodeOptions.ApplyWhileSyncingBytes, applied
            // while the journal syncs it), the others 50 (batches of one request under it, of several over or under).
            List<(ulong First, ulong Last)> ranges = await LoadThenKill(dir.Path, run, acksBeforeKill: 40 + (int)run * 25, batch: run == 3 ? 400 : 50);
            Assert.NotEmpty(ranges);
            foreach (var (first, last) in ranges) acked.Add((run, first, last));
            ulong highest = ranges.Max(r => r.Last);

            var data = new DataDirectory(dir.Path);
            using Node node = data.StartNode(new NodeOptions { SnapshotOnStop = false });
            await node.QueryAsync(engine =>
            {
                // Everything acknowledged, in this run and every earlier one, is present.
                foreach (var (r, first, last) in acked)
                    for (ulong n = first; n <= last; n++)
                        Assert.True(engine.Ledger.TryGetTransfer(new UInt128(r, n), out _, out _), $"acknowledged transfer {r}:{n} lost");
                // Nothing else: what is present of this run is exactly a prefix of what was submitted
                // (the sequencer journals in submission order).
                ulong present = 0;
                while (engine.Ledger.TryGetTransfer(new UInt128(run, present + 1), out _, out _)) present++;
                Assert.True(present >= highest, $"only {present} of run {run} present, {highest} acknowledged");
                for (ulong n = present + 1; n <= present + 500; n++)
                    Assert.False(engine.Ledger.TryGetTransfer(new UInt128(run, n), out _, out _), $"transfer {run}:{n} exists beyond the durable prefix");
                long debits = 0, credits = 0;
                foreach (Account a in engine.Ledger.Accounts()) { debits += a.DebitsPosted; credits += a.CreditsPosted; }
                Assert.Equal(debits, credits);
                return 0;
            });
        }

        var (code, stdout, stderr) = await CorridorProcess.RunAsync("journal", "verify", dir.Path);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("state", stdout);
    }

    /// <summary>Starts `corridor load`, reads acknowledgements, then SIGKILLs it; returns the acknowledged ranges.</summary>
    private static async Task<List<(ulong First, ulong Last)>> LoadThenKill(string dataDir, ulong runId, int acksBeforeKill, int batch)
    {
        using Process p = CorridorProcess.Start("load", "--data", dataDir, "--batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--inflight", "8", "--run-id", runId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        var ranges = new List<(ulong, ulong)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (ranges.Count < acksBeforeKill)
        {
            string? line = await p.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null) Assert.Fail("corridor load ended early: " + await stderr);
            if (!line.StartsWith("ack ", StringComparison.Ordinal)) continue;
            string[] parts = line.Split(' ');
            ranges.Add((ulong.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture)));
        }
        p.Kill(entireProcessTree: true); // SIGKILL: no flush, no snapshot, no goodbye
        await p.WaitForExitAsync();
        return ranges;
    }
}
