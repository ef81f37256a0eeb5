using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Corridor.Client;
using Corridor.Server.Http;

namespace Corridor.Server.Tests;

/// <summary>
/// The in-process projector of a real <c>corridor run</c> process, SIGKILLed while it follows a load: on restart it
/// resumes from its stored position (not from batch 1), catches up, and the read model lists every acknowledged
/// transfer exactly once with balances equal to the engine's.
/// </summary>
public sealed partial class ReadModelCrashTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "corridor.dll");

    private static Process StartNode(string data, int port, ConcurrentQueue<string> output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { CliDll, "run", "--data", data, "--port", port.ToString(CultureInfo.InvariantCulture), "--log-format", "simple" }) info.ArgumentList.Add(a);
        Process p = Process.Start(info) ?? throw new InvalidOperationException("could not start corridor");
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task WaitReady(HttpClient http, Process p, ConcurrentQueue<string> output)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(p.HasExited, "corridor exited during start-up: " + string.Join("\n", output));
            try
            {
                using HttpResponseMessage r = await http.GetAsync("/health/ready", C);
                if (r.IsSuccessStatusCode && output.Any(l => l.Contains("listening on", StringComparison.Ordinal))) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100, C);
        }
        Assert.Fail("node not ready within 60 s");
    }

    [GeneratedRegex(@"read model sqlite \(.*\) at batch (\d+)")]
    private static partial Regex ReadModelLine();

    private const int Accounts = 4;
    private static string Account(int a) => "0x" + (0x400 + a).ToString("x", CultureInfo.InvariantCulture);

    private static async Task LoadAsync(CorridorClient client, int firstRequest, int requests, ConcurrentDictionary<string, long> acknowledged)
    {
        await Parallel.ForAsync(firstRequest, firstRequest + requests, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = C }, async (r, ct) =>
        {
            var batch = Enumerable.Range(0, 100).Select(i =>
            {
                int n = r * 100 + i;
                return new CreateTransferRequest((0x900000 + n).ToString(CultureInfo.InvariantCulture), Account(n % Accounts), Account((n + 1) % Accounts), n % 89 + 1, 1, 1);
            }).ToArray();
            BatchResult result = (await client.CreateTransfersAsync(batch, ct)).Unwrap();
            foreach (BatchItemResult item in result.Results)
                if (item.Status == "created") acknowledged[item.Id] = batch[item.Index].Amount;
        });
    }

    [Fact]
    public async Task Projector_resumes_after_sigkill_and_the_read_model_holds_every_acknowledged_transfer_once()
    {
        string data = Directory.CreateTempSubdirectory("corridor-rm-crash-").FullName;
        int port = LoopbackPorts.Free();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var output = new ConcurrentQueue<string>();
        Process node = StartNode(data, port, output);
        try
        {
            using var http = new HttpClient { BaseAddress = baseUrl };
            await WaitReady(http, node, output);
            var op = new CorridorClient(http, File.ReadAllText(Path.Combine(data, "secrets", "operator.token")).Trim());
            string token = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(1, "Alice", "direct"), C)).Unwrap().Token;
            var alice = op.WithToken(token);
            (await op.SetLedgerAccessAsync(1, 1, c: C)).Unwrap(); // ledger 1 is no settlement ledger here: a book granted to Alice
            for (int a = 0; a < Accounts; a++) (await op.CreateAccountAsync(new CreateAccountRequest(Account(a), 1, 1, Participant: 1), C)).Unwrap();

            var acknowledged = new ConcurrentDictionary<string, long>();
            await LoadAsync(alice, 0, 20, acknowledged);
            // Read-your-writes: the default query waits for the projection of everything acknowledged so far.
            Assert.NotEmpty((await alice.QueryAccountTransfersAsync(Account(0), limit: 1, c: C)).Unwrap().Transfers);
            await LoadAsync(alice, 20, 40, acknowledged);
            node.Kill(); // SIGKILL right after the last acknowledgement: the projector is typically behind
            await node.WaitForExitAsync(C);
            Assert.Equal(6000, acknowledged.Count);

            output.Clear();
            node = StartNode(data, port, output);
            using var http2 = new HttpClient { BaseAddress = baseUrl };
            await WaitReady(http2, node, output);
            Match resumed = output.Select(l => ReadModelLine().Match(l)).First(m => m.Success);
            Assert.True(long.Parse(resumed.Groups[1].Value, CultureInfo.InvariantCulture) > 0, "the projector resumed from its stored position, not from batch 1");

            var alice2 = new CorridorClient(http2, token);
            var seen = new Dictionary<string, int>();
            for (int a = 0; a < Accounts; a++)
            {
                long credits = 0, debits = 0;
                var ids = new HashSet<string>();
                string? cursor = null;
                do
                {
                    TransferPage page = (await alice2.QueryAccountTransfersAsync(Account(a), after: cursor, limit: 1000, c: C)).Unwrap();
                    foreach (TransferDto t in page.Transfers)
                    {
                        Assert.True(ids.Add(t.Id), $"transfer {t.Id} listed twice for account {Account(a)}");
                        seen[t.Id] = seen.GetValueOrDefault(t.Id) + 1;
                        if (t.CreditAccountId == Ids(Account(a))) credits += t.Amount; else debits += t.Amount;
                    }
                    cursor = page.NextCursor;
                }
                while (cursor is not null);
                // The engine's balances (GET /v1/accounts reads the engine) equal the sums of the projected transfers.
                AccountDto engine = (await alice2.GetAccountAsync(Account(a), C)).Unwrap();
                Assert.Equal((engine.CreditsPosted, engine.DebitsPosted), (credits, debits));
            }
            foreach (var (id, amount) in acknowledged)
                Assert.True(seen.GetValueOrDefault(id) == 2, $"acknowledged transfer {id} ({amount}) appears {seen.GetValueOrDefault(id)} times, not once per side");

            string metrics = await http2.GetStringAsync("/metrics", C);
            Assert.Contains("corridor_read_model_lag_batches ", metrics);
        }
        finally
        {
            if (!node.HasExited) { node.Kill(); await node.WaitForExitAsync(CancellationToken.None); }
            node.Dispose();
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }

    private static string Ids(string hex) => UInt128.Parse(hex.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
}
