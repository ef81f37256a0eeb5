using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Corridor.Client;
using Corridor.Server.Http;

namespace Corridor.Server.Tests;

/// <summary>
/// End to end against the real <c>corridor run</c> process: concurrent transfers over HTTP, SIGKILL mid-load,
/// restart on the same data directory: every acknowledged (2xx) transfer is there and balances conserve.
/// </summary>
public sealed class CrashEndToEndTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "corridor.dll");

    private static Process StartNode(string data, int port)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { CliDll, "run", "--data", data, "--port", port.ToString(), "--log-format", "simple" }) info.ArgumentList.Add(a);
        Process p = Process.Start(info) ?? throw new InvalidOperationException("could not start corridor");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task WaitReady(HttpClient http, Process p)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(p.HasExited, "corridor exited during start-up");
            try
            {
                using HttpResponseMessage r = await http.GetAsync("/health/ready", C);
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100, C);
        }
        Assert.Fail("node not ready within 60 s");
    }

    [Fact]
    public async Task Sigkill_mid_load_loses_no_acknowledged_transfer_and_balances_conserve()
    {
        string data = Directory.CreateTempSubdirectory("corridor-e2e-").FullName;
        int port = LoopbackPorts.Free();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        Process node = StartNode(data, port);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = baseUrl };
            await WaitReady(http, node);
            string opToken = File.ReadAllText(Path.Combine(data, "secrets", "operator.token")).Trim();
            var op = new CorridorClient(http, opToken);
            // Registration through the CLI, which talks to the running node with the operator token from the data directory.
            var add = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { CliDll, "participants", "add", "--data", data, "--url", baseUrl.ToString(), "--id", "1", "--name", "Alice", "--role", "direct" }) add.ArgumentList.Add(a);
            using Process adder = Process.Start(add)!;
            string addOut = await adder.StandardOutput.ReadToEndAsync(C);
            await adder.WaitForExitAsync(C);
            Assert.Equal(0, adder.ExitCode);
            string token = addOut.Trim().Split('\n')[^1].Trim();
            var alice = op.WithToken(token);
            (await op.SetLedgerAccessAsync(1, 1, c: C)).Unwrap(); // ledger 1 is no settlement ledger here: Alice's book, granted to her
            const int accounts = 8;
            for (int a = 1; a <= accounts; a++) (await op.CreateAccountAsync(new CreateAccountRequest("0x" + a.ToString("x"), 1, 1, Participant: 1), C)).Unwrap();

            var acknowledged = new ConcurrentDictionary<string, long>();
            using var stop = new CancellationTokenSource();
            long nextId = 0;
            var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                var rng = new Random(w);
                while (!stop.IsCancellationRequested)
                {
                    long id = Interlocked.Increment(ref nextId);
                    int d = rng.Next(1, accounts + 1), c = d % accounts + 1;
                    long amount = rng.Next(1, 1000);
                    try
                    {
                        if (w % 4 == 0)
                        {
                            var batch = Enumerable.Range(0, 50).Select(i => new CreateTransferRequest(((id << 8) + i).ToString(), "0x" + d.ToString("x"), "0x" + c.ToString("x"), amount, 1, 1)).ToArray();
                            var r = await alice.CreateTransfersAsync(batch);
                            if (r.Ok) foreach (BatchItemResult item in r.Value!.Results) if (item.Status == "created") acknowledged[item.Id] = amount;
                        }
                        else
                        {
                            var r = await alice.CreateTransferAsync(new CreateTransferRequest((id << 8).ToString(), "0x" + d.ToString("x"), "0x" + c.ToString("x"), amount, 1, 1));
                            if (r.Ok) acknowledged[r.Value!.Id] = amount;
                        }
                    }
                    catch (HttpRequestException) { await Task.Delay(5); }
                    catch (TaskCanceledException) { }
                }
            })).ToArray();

            var deadline = DateTime.UtcNow.AddMinutes(3); // a load that acknowledges nothing fails instead of spinning forever
            while (acknowledged.Count < 2000)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {acknowledged.Count} transfers acknowledged in 3 minutes");
                await Task.Delay(50, C);
            }
            node.Kill(); // SIGKILL: no snapshot, no clean journal close
            await node.WaitForExitAsync(C);
            stop.Cancel();
            await Task.WhenAll(workers);
            Assert.True(acknowledged.Count >= 2000);

            node = StartNode(data, port);
            using var http2 = new HttpClient { BaseAddress = baseUrl };
            await WaitReady(http2, node);
            var alice2 = new CorridorClient(http2, token);
            var missing = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = C }, async (kv, ct) =>
            {
                var t = await alice2.GetTransferAsync(kv.Key, ct);
                if (!t.Ok || t.Value!.Amount != kv.Value) missing.Add(kv.Key);
            });
            Assert.Empty(missing);

            AccountDto[] all = (await alice2.ListAccountsAsync(C)).Unwrap();
            Assert.Equal(accounts, all.Length);
            Assert.Equal(all.Sum(a => a.DebitsPosted), all.Sum(a => a.CreditsPosted));
            Assert.True(all.Sum(a => a.DebitsPosted) >= acknowledged.Values.Sum());
            // The restarted node keeps working, also through the CLI.
            var transfer = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { CliDll, "transfer", "--url", baseUrl.ToString(), "--token", token, "--id", "0xFFFFFF01", "--debit", "0x1", "--credit", "0x2", "--amount", "1", "--ledger", "1" })
                transfer.ArgumentList.Add(a);
            using Process sender = Process.Start(transfer)!;
            string sent = await sender.StandardOutput.ReadToEndAsync(C);
            await sender.WaitForExitAsync(C);
            Assert.Equal(0, sender.ExitCode);
            Assert.StartsWith("created: transfer 4294967041", sent);
            Assert.True((await alice2.GetTransferAsync("0xFFFFFF01", C)).Ok);
        }
        finally
        {
            if (!node.HasExited) { node.Kill(); await node.WaitForExitAsync(CancellationToken.None); }
            node.Dispose();
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }
}
