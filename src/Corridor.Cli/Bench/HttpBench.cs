using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Corridor.Client;
using Corridor.Server;
using Corridor.Storage.Node;

namespace Corridor.Cli.Bench;

/// <summary>
/// HTTP API throughput: real HTTP/1.1 keep-alive requests from one process to a node+server on loopback
/// (or a running one with --url/--token). Batch mode posts /v1/transfers/batch; single mode posts
/// /v1/transfers from many concurrent connections. Client and server share the machine's cores.
/// </summary>
internal static class HttpBench
{
    public sealed record Settings(string Mode, long Transfers, int Batch, int Concurrency, int Accounts, string? Url, string? Token, string? Dir, long Warmup = 0, double Rate = 0, string ReadModel = "sqlite", bool Tls = false,
        Uri? OtlpEndpoint = null, double TraceSampleRatio = ServerOptions.DefaultTraceSampleRatio)
    {
        /// <summary>How the started node traces, as the report prints it.</summary>
        public string Tracing => OtlpEndpoint is null ? "off" : $"OTLP to {OtlpEndpoint}, sample ratio {TraceSampleRatio.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>CPU time of this whole process (load generator and, without --url, the node) since <paramref name="start"/>, per request, in µs.</summary>
    internal static double CpuMicrosecondsPerRequest(TimeSpan start, long requests)
    {
        using var self = Process.GetCurrentProcess();
        return requests == 0 ? 0 : Math.Round((self.TotalProcessorTime - start).TotalMicroseconds / requests, 1);
    }

    /// <summary>
    /// Runs the warm-up: <paramref name="warmup"/> transfers, in quarters, then more quarters while the last one still saw the
    /// JIT busy (tiered compilation recompiles hot methods at full optimisation on a background thread; on a shared 2-core machine
    /// that can outlast a fixed warm-up by seconds, and its CPU would be counted in <c>cpu_us_per_request</c>), up to 4× the
    /// warm-up asked for (batch mode, a few requests a second, rarely settles: its report's jit_ms_measured shows what remained). <paramref name="run"/>(first, count) submits count transfers after the first <c>first</c>. Returns the
    /// transfers submitted.
    /// </summary>
    internal static async Task<long> WarmUpAsync(Func<long, long, Task<long>> run, long warmup, int perRequest)
    {
        if (warmup <= 0) return 0;
        long slice = Math.Max((warmup / 4 + perRequest - 1) / perRequest * perRequest, perRequest), done = 0;
        while (done < 4 * warmup)
        {
            TimeSpan jit = System.Runtime.JitInfo.GetCompilationTime();
            long start = Stopwatch.GetTimestamp();
            await run(done, slice);
            done += slice;
            // Settled: the JIT compiled for under 2 % of the slice's time.
            if (done >= warmup && (System.Runtime.JitInfo.GetCompilationTime() - jit) < Stopwatch.GetElapsedTime(start) * 0.02) break;
        }
        return done;
    }

    internal static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    public static async Task<int> RunAsync(Settings s, bool json, CancellationToken cancel)
    {
        string? temp = null;
        CorridorServer? server = null;
        try
        {
            Uri baseUrl;
            string token;
            BenchPki? pki = s.Tls ? new BenchPki() : null;
            if (s.Url is null)
            {
                temp = s.Dir ?? Directory.CreateTempSubdirectory("corridor-bench-http-").FullName;
                server = await CorridorServer.StartAsync(new ServerOptions
                {
                    DataPath = temp, Urls = [pki is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = false },
                    ReadModel = s.ReadModel, Tls = pki?.Settings, OtlpEndpoint = s.OtlpEndpoint, TraceSampleRatio = s.TraceSampleRatio,
                }, cancel);
                baseUrl = new Uri(server.Addresses[0]);
                token = server.NewOperatorToken ?? Corridor.Server.Auth.SecretsDirectory.ReadOperatorToken(temp)!;
            }
            else
            {
                baseUrl = new Uri(s.Url);
                token = s.Token ?? throw new ArgumentException("--token (operator) is needed with --url");
            }
            var op = pki is null ? CorridorClient.Create(baseUrl, token, Math.Max(8, s.Concurrency))
                : new CorridorClient(new HttpClient(pki.Handler(null, Math.Max(8, s.Concurrency))) { BaseAddress = baseUrl }, token);
            ulong participant = 1_000_000 + (ulong)Random.Shared.Next(1, 1_000_000);
            string ptoken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(participant, "bench", "direct"), cancel)).Unwrap().Token;
            CorridorClient client = op.WithToken(ptoken);
            if (pki is not null)
            {
                // Over mutual TLS the load carries no token: each request acts as the participant its client certificate is bound to.
                (await op.BindCertificateAsync(new BindCertificateRequest(Thumbprint: Corridor.Server.Auth.ClientCertificateAuthentication.Thumbprint(pki.Client), Participant: participant), cancel)).Unwrap();
                client = new CorridorClient(new HttpClient(pki.Handler(pki.Client, Math.Max(8, s.Concurrency))) { BaseAddress = baseUrl }, token: null);
                ptoken = "";
            }
            // Raw transfers reach a participant's ledger only by the operator's grant (never a settlement ledger): ledger 1 here is a plain book.
            (await op.SetLedgerAccessAsync(participant, 1, c: cancel)).Unwrap();
            ulong accountBase = participant << 20;
            for (int a = 0; a < s.Accounts; a++)
                (await op.CreateAccountAsync(new CreateAccountRequest((accountBase + (ulong)a).ToString(), 1, 1, Participant: participant), cancel)).Unwrap();

            long idBase = (long)(participant << 40);
            int perRequest = s.Mode == "batch" ? s.Batch : 1;
            var load = new Load(s, baseUrl, client, ptoken, pki, accountBase, perRequest);
            // Warm-up (not measured): JIT tiers, connection set-up and caches settle before the clock starts.
            long warmed = await WarmUpAsync((from, count) => load.RunAsync(idBase + from, count, cancel), s.Warmup, perRequest);
            load.Reset();
            TimeSpan cpu = ProcessCpu(), jit = System.Runtime.JitInfo.GetCompilationTime();
            long allocated = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            long requestsTotal = await load.RunAsync(idBase + warmed, s.Transfers, cancel);
            double seconds = clock.Elapsed.TotalSeconds;
            double cpuPerRequest = CpuMicrosecondsPerRequest(cpu, requestsTotal);
            double jitMs = (System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds;
            long allocatedPerRequest = requestsTotal == 0 ? 0 : (GC.GetTotalAllocatedBytes() - allocated) / requestsTotal;
            List<double> all = load.SortedLatencies();
            long rejected = load.Rejected, failedRequests = load.FailedRequests;
            BenchOutput.Report($"HTTP {s.Mode} transfers", [
                new("mode", s.Mode),
                new("transfers", s.Transfers),
                new("requests", requestsTotal),
                new("transfers_per_request", perRequest),
                new("concurrency", s.Concurrency),
                new("warmup_transfers", warmed),
                new("target_requests_per_second", s.Rate),
                new("load_generator", s.Mode == "batch" ? "typed client (HttpClient)" : "raw HTTP/1.1 keep-alive connections"),
                new("seconds", Math.Round(seconds, 3)),
                new("transfers_per_second", Math.Round(s.Transfers / seconds, 0)),
                new("requests_per_second", Math.Round(requestsTotal / seconds, 0)),
                new("p50_ms", Math.Round(BenchOutput.Percentile(all, 0.50), 3)),
                new("p99_ms", Math.Round(BenchOutput.Percentile(all, 0.99), 3)),
                new("rejected_items", rejected),
                new("failed_requests", failedRequests),
                new("cpu_us_per_request", cpuPerRequest),
                new("cpu_measured", server is null ? "this process: the load generator only" : "this process: load generator and node"),
                new("allocated_bytes_per_request", allocatedPerRequest),
                new("jit_ms_measured", Math.Round(jitMs, 0)),
                new("tracing", s.Tracing),
                new("transport", pki is null ? "http" : "https, mutual TLS (client certificate, no token)"),
                new("read_model", server is null ? "remote" : s.ReadModel),
                new("read_model_lag_batches_at_end", server?.ReadModel?.LagBatches ?? 0),
                new("machine", $"{Environment.ProcessorCount} cores shared by client and server"),
            ], json);
            return failedRequests == 0 ? 0 : 1;
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            if (temp is not null && s.Dir is null) { try { Directory.Delete(temp, true); } catch (IOException) { } }
        }
    }

    /// <summary>
    /// The load: <c>Concurrency</c> workers, each with its own connection, sending requests back to back.
    /// Batch mode uses the typed client; single mode uses <see cref="RawHttpConnection"/> so that the
    /// load generator's own cost does not hide the server's (client and server share the cores).
    /// </summary>
    private sealed class Load(Settings s, Uri baseUrl, CorridorClient client, string token, BenchPki? pki, ulong accountBase, int perRequest)
    {
        private readonly List<double>[] _latencies = Enumerable.Range(0, s.Concurrency).Select(_ => new List<double>()).ToArray();
        private long _rejected, _failed;

        public long Rejected => _rejected;
        public long FailedRequests => _failed;

        public void Reset()
        {
            foreach (List<double> l in _latencies) l.Clear();
            _rejected = 0;
            _failed = 0;
        }

        public List<double> SortedLatencies()
        {
            var all = _latencies.SelectMany(l => l).ToList();
            all.Sort();
            return all;
        }

        /// <summary>Submits <paramref name="transfers"/> transfers with ids from <paramref name="idBase"/> + 1; returns the requests sent.</summary>
        public async Task<long> RunAsync(long idBase, long transfers, CancellationToken cancel)
        {
            long requestsTotal = (transfers + perRequest - 1) / perRequest;
            long next = 0;
            long startTicks = Stopwatch.GetTimestamp();
            var workers = new Task[s.Concurrency];
            for (int w = 0; w < s.Concurrency; w++)
            {
                int worker = w;
                workers[w] = Task.Run(async () =>
                {
                    var rng = new Random(worker);
                    await using RawHttpConnection? raw = s.Mode == "batch" ? null : await RawHttpConnection.ConnectAsync(baseUrl, "/v1/transfers", token, pki?.ClientOptions(), cancel);
                    while (true)
                    {
                        long r = Interlocked.Increment(ref next) - 1;
                        if (r >= requestsTotal) break;
                        int n = (int)Math.Min(perRequest, transfers - r * perRequest);
                        var items = new CreateTransferRequest[n];
                        for (int i = 0; i < n; i++)
                        {
                            int d = rng.Next(s.Accounts), c = rng.Next(s.Accounts - 1);
                            if (c >= d) c++;
                            items[i] = new CreateTransferRequest((idBase + r * perRequest + i + 1).ToString(CultureInfo.InvariantCulture),
                                (accountBase + (ulong)d).ToString(CultureInfo.InvariantCulture), (accountBase + (ulong)c).ToString(CultureInfo.InvariantCulture), 1 + rng.Next(1000), 1, 1);
                        }
                        byte[]? body = raw is null ? null : JsonSerializer.SerializeToUtf8Bytes(items[0], CorridorJson.Options);
                        if (s.Rate > 0)
                        {
                            // Paced load: request r is due at start + r / rate; latency counts from the actual send.
                            long due = startTicks + (long)(r * Stopwatch.Frequency / s.Rate);
                            long wait = due - Stopwatch.GetTimestamp();
                            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancel);
                        }
                        long t0 = Stopwatch.GetTimestamp();
                        while (true)
                        {
                            int status;
                            if (raw is null)
                            {
                                var res = await client.CreateTransfersAsync(items, cancel);
                                status = (int)res.Status;
                                if (res.Ok) Interlocked.Add(ref _rejected, res.Value!.Rejected);
                            }
                            else status = await raw.PostAsync(body!, cancel);
                            if (status == 503) { await Task.Delay(5, cancel); continue; }
                            if (status is not (200 or 201)) Interlocked.Increment(ref _failed);
                            break;
                        }
                        _latencies[worker].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                }, cancel);
            }
            await Task.WhenAll(workers);
            return requestsTotal;
        }
    }
}

/// <summary>The throwaway PKI of <c>corridor bench http --tls</c>: a CA, the node's server certificate, one client certificate.</summary>
internal sealed class BenchPki
{
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _ca, _server;

    public BenchPki()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        _ca = Corridor.Server.Auth.DevCertificates.CreateCa("Corridor bench CA", now.AddMinutes(-5), now.AddDays(1));
        _server = Corridor.Server.Auth.DevCertificates.ForTls(Corridor.Server.Auth.DevCertificates.CreateServer(_ca, "localhost", ["localhost"],
            [System.Net.IPAddress.Loopback], now.AddMinutes(-5), now.AddDays(1)));
        Client = Corridor.Server.Auth.DevCertificates.ForTls(Corridor.Server.Auth.DevCertificates.CreateClient(_ca, "CN=bench, O=Corridor bench", now.AddMinutes(-5), now.AddDays(1)));
    }

    public System.Security.Cryptography.X509Certificates.X509Certificate2 Client { get; }

    public Corridor.Server.Auth.TlsSettings Settings => new() { ServerCertificate = _server, ClientCas = [_ca] };

    /// <summary>TLS client options that trust only the bench CA and present <paramref name="certificate"/> (the bench client's by default).</summary>
    public System.Net.Security.SslClientAuthenticationOptions ClientOptions(bool withCertificate = true) => new()
    {
        TargetHost = "localhost",
        ClientCertificates = withCertificate ? [Client] : null,
        RemoteCertificateValidationCallback = Corridor.Server.Auth.DevCertificates.TrustOnly(_ca),
    };

    public SocketsHttpHandler Handler(System.Security.Cryptography.X509Certificates.X509Certificate2? client, int maxConnections) => new()
    {
        MaxConnectionsPerServer = maxConnections,
        SslOptions = ClientOptions(withCertificate: client is not null),
    };
}
