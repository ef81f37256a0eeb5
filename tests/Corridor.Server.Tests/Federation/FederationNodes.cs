using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Corridor.Cli.Federation;
using Corridor.Client;
using Corridor.Server.Http;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// One real <c>corridor run</c> process of the two-node tests: its data directory, API and peer ports, node certificate and
/// everything it wrote to stdout and stderr. Started with extra environment (e.g. <c>CORRIDOR_CRASH_AT</c>) when asked.
/// </summary>
internal sealed class NodeProcess(string name) : IAsyncDisposable
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "corridor.dll");

    public string Name { get; } = name;
    public string Data { get; } = Directory.CreateTempSubdirectory("corridor-fed-" + name + "-").FullName;
    public int ApiPort { get; } = LoopbackPorts.Free();
    public int PeerPort { get; } = LoopbackPorts.Free();
    public string Cert => Path.Combine(Data, "node.pem");
    public string Key => Path.Combine(Data, "node.key");
    public string Api => $"http://127.0.0.1:{ApiPort}";
    public string PeerUrl => $"https://127.0.0.1:{PeerPort}";
    public Process? Process { get; private set; }
    public CorridorClient Operator { get; private set; } = null!;
    /// <summary>Everything the current process wrote (stdout and stderr, one line each).</summary>
    public ConcurrentQueue<string> Output { get; private set; } = new();
    public bool Running => Process is { HasExited: false };
    /// <summary>Longest back-off of the node's outbox (short, so retries come quickly in tests).</summary>
    public int RetryMaxMs { get; init; } = 1_000;
    /// <summary><c>--read-model</c>: none (the write path alone) unless a test reads <c>/v1/payments</c>.</summary>
    public string ReadModel { get; init; } = "none";
    /// <summary><c>--peer-batch</c>: most payments per pacs.008 of the outbox.</summary>
    public int PeerBatch { get; init; } = Corridor.Server.Federation.PeerLinkOptions.DefaultBatchSize;

    public async Task StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(Cert)) await FederationCli.Succeeds("peers", "cert", "--out", Path.Combine(Data, "node"), "--name", "localhost");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { CliDll, "run", "--data", Data, "--port", ApiPort.ToString(), "--log-format", "simple", "--read-model", ReadModel,
            "--peer-port", PeerPort.ToString(), "--peer-cert", Cert, "--peer-key", Key, "--peer-retry-max-ms", RetryMaxMs.ToString(), "--peer-batch", PeerBatch.ToString() }) info.ArgumentList.Add(a);
        info.Environment.Remove(Corridor.Server.Federation.CrashPoints.Variable);
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;
        var output = Output = new ConcurrentQueue<string>();
        // Both nodes on this machine: the peer endpoint serves loopback only.
        info.ArgumentList.Add("--peer-host");
        info.ArgumentList.Add("127.0.0.1");
        Process = Process.Start(info)!;
        Process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri(Api) };
        var clock = Stopwatch.StartNew();
        string? armed = environment is not null && environment.TryGetValue(Corridor.Server.Federation.CrashPoints.Variable, out string? step) ? step : null;
        while (true)
        {
            // Armed at a step the peer's retry reaches at once, a node may die there before it is seen ready: that is the crash
            // the caller waits for (CrashedAtAsync), not a failed start.
            if (armed is not null && Process.HasExited && output.Any(l => l.Contains($"crash point {armed} reached", StringComparison.Ordinal))) break;
            Assert.False(Process.HasExited, $"corridor ({Name}) exited during start-up: {string.Join('\n', output)}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"node {Name} not ready within 60 s");
            try { if ((await http.GetAsync("/health/ready", C)).IsSuccessStatusCode) break; }
            catch (HttpRequestException) { }
            await Task.Delay(50, C);
        }
        Operator = new CorridorClient(http, File.ReadAllText(Path.Combine(Data, "secrets", "operator.token")).Trim());
    }

    /// <summary>SIGKILL: no snapshot, no goodbye.</summary>
    public void Kill()
    {
        if (Process is not { HasExited: false }) return;
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
    }

    /// <summary>Waits until the process is gone; true when it died by SIGKILL (exit code 137) after announcing <paramref name="step"/>.</summary>
    public async Task<bool> CrashedAtAsync(string step, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(C);
        cts.CancelAfter(timeout);
        try { await Process!.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) when (!C.IsCancellationRequested) { return false; }
        Process.WaitForExit(); // drains the output readers
        return Process.ExitCode == 137 && Output.Any(l => l.Contains($"crash point {step} reached", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.Yield();
        try { Directory.Delete(Data, recursive: true); } catch (IOException) { }
    }

    public async Task<AccountDto> Account(string account) => (await Operator.GetAccountAsync(account, C)).Unwrap();

    public async Task<long> Balance(string account) => await Account(account) is var a ? a.CreditsPosted - a.DebitsPosted : 0;

}

/// <summary>The <c>corridor</c> CLI as a separate process, and the two-node world set up through it and the APIs.</summary>
internal static class FederationCli
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    public const uint PeerBOnA = TwoNodeWorld.PeerBOnA, PeerAOnB = TwoNodeWorld.PeerAOnB;
    public const long PayerRub = 1_000_000_00, ProviderCny = 500_000_00;

    public static async Task<(int Code, string Out)> Cli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(NodeProcess.CliDll);
        foreach (string a in args) info.ArgumentList.Add(a);
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(C), stderr = p.StandardError.ReadToEndAsync(C);
        await p.WaitForExitAsync(C);
        return (p.ExitCode, await stdout + await stderr);
    }

    public static async Task Succeeds(params string[] args)
    {
        var (code, output) = await Cli(args);
        Assert.True(code == 0, $"corridor {string.Join(' ', args)}: exit {code}: {output}");
    }

    /// <summary>
    /// Starts both nodes, sets up the <see cref="TwoNodeWorld"/> and pins each node's certificate on the other; A reaches B at
    /// <paramref name="peerUrlOfB"/> (B's own peer endpoint unless a proxy stands between them).
    /// </summary>
    public static async Task<TwoNodeWorld.Parties> WorldAsync(NodeProcess a, NodeProcess b, string? peerUrlOfB = null, long maxQuoteRub = TwoNodeWorld.MaxQuoteRub)
    {
        await a.StartAsync();
        await b.StartAsync();
        TwoNodeWorld.Parties parties = await TwoNodeWorld.SetUpAsync(a.Operator, b.Operator, PayerRub, ProviderCny, C, maxQuoteRub);
        // Each operator pins the other's node certificate (the CLI reads the fingerprint from the PEM).
        await Succeeds("peers", "add", "--data", a.Data, "--url", a.Api, "--id", PeerBOnA.ToString(), "--name", "Node B (CNY)", "--peer-url", peerUrlOfB ?? b.PeerUrl, "--cert", b.Cert);
        await Succeeds("peers", "add", "--data", b.Data, "--url", b.Api, "--id", PeerAOnB.ToString(), "--name", "Node A (RUB)", "--peer-url", a.PeerUrl, "--cert", a.Cert);
        return parties;
    }

    /// <summary>Waits until A's payment is final; returns its status ("settled" or "refused").</summary>
    public static async Task<string> FinalOnA(CorridorClient client, string id, int seconds = 90)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            CrossNodePaymentDto p = (await client.GetCrossNodePaymentAsync(id, C)).Unwrap();
            if (p.Status is "settled" or "refused") return p.Status;
            await Task.Delay(50, C);
        }
        Assert.Fail($"payment {id} not final on A within {seconds} s");
        return "";
    }

    public static async Task<CrossNodePaymentDto?> OnB(NodeProcess b, string uetr)
    {
        ApiResult<CrossNodePaymentDto> r = await b.Operator.GetCrossNodePaymentAsync(uetr, C);
        return r.Status == HttpStatusCode.NotFound ? null : r.Unwrap();
    }

    public static async Task<string?> StatusOnB(NodeProcess b, string uetr) => (await OnB(b, uetr))?.Status;

    /// <summary>
    /// The invariants after every scenario: each payment settled on both nodes or on neither; no hold left pending; each node's
    /// currency total over all its accounts unchanged (the central bank's issuing accounts included); the provider's positions
    /// on A and on B are the settled payments.
    /// </summary>
    public static async Task Consistent(NodeProcess a, NodeProcess b, IEnumerable<(string Id, string Uetr, long Rub)> payments)
    {
        long rubSettled = 0, cnySettled = 0;
        foreach (var (id, uetr, rub) in payments)
        {
            ApiResult<CrossNodePaymentDto> r = await a.Operator.GetCrossNodePaymentAsync(id, C);
            string onA = r.Status == HttpStatusCode.NotFound ? "unknown" : r.Unwrap().Status;
            string? onB = await StatusOnB(b, uetr);
            Assert.True(onA is "settled" or "refused" or "unknown", $"payment {id} not final on A: {onA}");
            Assert.True(onA == "settled" ? onB == "settled" : onB != "settled", $"payment {id}: {onA} on A, {onB ?? "unknown"} on B");
            if (onA == "settled") { rubSettled += rub; cnySettled += TwoNodeWorld.ToCny(rub); }
        }
        Assert.Equal(PayerRub - rubSettled, await a.Balance(TwoNodeWorld.PayerAccount));
        Assert.Equal(rubSettled, await a.Balance(TwoNodeWorld.ProviderRubAccount));
        Assert.Equal(ProviderCny - cnySettled, await b.Balance(TwoNodeWorld.ProviderCnyAccount));
        Assert.Equal(cnySettled, await b.Balance(TwoNodeWorld.PayeeAccount));
        foreach (var (node, accounts) in new[]
        {
            (a, new[] { "0x643100", "0x643101", TwoNodeWorld.PayerAccount, TwoNodeWorld.ProviderRubAccount }),
            (b, new[] { "0x156100", "0x156101", TwoNodeWorld.ProviderCnyAccount, TwoNodeWorld.PayeeAccount }),
        })
        {
            long total = 0;
            foreach (string id in accounts)
            {
                AccountDto account = await node.Account(id);
                Assert.True(account.DebitsPending == 0 && account.CreditsPending == 0, $"{node.Name} {id}: a hold is still pending ({account.DebitsPending}/{account.CreditsPending})");
                total += account.CreditsPosted - account.DebitsPosted;
            }
            Assert.True(total == 0, $"{node.Name}: the currency's total over all accounts is {total}, not 0");
        }
    }
}
