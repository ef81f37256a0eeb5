using System.Diagnostics;
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
    public sealed record Settings(string Mode, long Transfers, int Batch, int Concurrency, int Accounts, string? Url, string? Token, string? Dir, string ReadModel = "sqlite");

    public static async Task<int> RunAsync(Settings s, bool json, CancellationToken cancel)
    {
        string? temp = null;
        CorridorServer? server = null;
        try
        {
            Uri baseUrl;
            string token;
            if (s.Url is null)
            {
                temp = s.Dir ?? Directory.CreateTempSubdirectory("corridor-bench-http-").FullName;
                server = await CorridorServer.StartAsync(new ServerOptions
                {
                    DataPath = temp, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = false },
                    ReadModel = s.ReadModel,
                }, cancel);
                baseUrl = new Uri(server.Addresses[0]);
                token = server.NewOperatorToken ?? Corridor.Server.Auth.SecretsDirectory.ReadOperatorToken(temp)!;
            }
            else
            {
                baseUrl = new Uri(s.Url);
                token = s.Token ?? throw new ArgumentException("--token (operator) is needed with --url");
            }
            var op = CorridorClient.Create(baseUrl, token, Math.Max(8, s.Concurrency));
            ulong participant = 1_000_000 + (ulong)Random.Shared.Next(1, 1_000_000);
            string ptoken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(participant, "bench", "direct"), cancel)).Unwrap().Token;
            CorridorClient client = op.WithToken(ptoken);
            ulong accountBase = participant << 20;
            for (int a = 0; a < s.Accounts; a++)
                (await op.CreateAccountAsync(new CreateAccountRequest((accountBase + (ulong)a).ToString(), 1, 1, Participant: participant), cancel)).Unwrap();

            long idBase = (long)(participant << 40);
            long next = 0;
            var latencies = new List<double>[s.Concurrency];
            long rejected = 0, failedRequests = 0;
            int perRequest = s.Mode == "batch" ? s.Batch : 1;
            long requestsTotal = (s.Transfers + perRequest - 1) / perRequest;
            var clock = Stopwatch.StartNew();
            var workers = new Task[s.Concurrency];
            for (int w = 0; w < s.Concurrency; w++)
            {
                int worker = w;
                latencies[w] = new List<double>();
                workers[w] = Task.Run(async () =>
                {
                    var rng = new Random(worker);
                    while (true)
                    {
                        long r = Interlocked.Increment(ref next) - 1;
                        if (r >= requestsTotal) break;
                        int n = (int)Math.Min(perRequest, s.Transfers - r * perRequest);
                        var items = new CreateTransferRequest[n];
                        for (int i = 0; i < n; i++)
                        {
                            int d = rng.Next(s.Accounts), c = rng.Next(s.Accounts - 1);
                            if (c >= d) c++;
                            items[i] = new CreateTransferRequest((idBase + r * perRequest + i + 1).ToString(), (accountBase + (ulong)d).ToString(), (accountBase + (ulong)c).ToString(), 1 + rng.Next(1000), 1, 1);
                        }
                        long t0 = Stopwatch.GetTimestamp();
                        while (true)
                        {
                            if (s.Mode == "batch")
                            {
                                var res = await client.CreateTransfersAsync(items, cancel);
                                if ((int)res.Status == 503) { await Task.Delay(5, cancel); continue; }
                                if (!res.Ok) Interlocked.Increment(ref failedRequests);
                                else Interlocked.Add(ref rejected, res.Value!.Rejected);
                            }
                            else
                            {
                                var res = await client.CreateTransferAsync(items[0], cancel);
                                if ((int)res.Status == 503) { await Task.Delay(5, cancel); continue; }
                                if (!res.Ok) Interlocked.Increment(ref failedRequests);
                            }
                            break;
                        }
                        latencies[worker].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                }, cancel);
            }
            await Task.WhenAll(workers);
            double seconds = clock.Elapsed.TotalSeconds;
            var all = latencies.SelectMany(l => l).ToList();
            all.Sort();
            BenchOutput.Report($"HTTP {s.Mode} transfers", [
                new("mode", s.Mode),
                new("transfers", s.Transfers),
                new("requests", requestsTotal),
                new("transfers_per_request", perRequest),
                new("concurrency", s.Concurrency),
                new("seconds", Math.Round(seconds, 3)),
                new("transfers_per_second", Math.Round(s.Transfers / seconds, 0)),
                new("requests_per_second", Math.Round(requestsTotal / seconds, 0)),
                new("p50_ms", Math.Round(BenchOutput.Percentile(all, 0.50), 3)),
                new("p99_ms", Math.Round(BenchOutput.Percentile(all, 0.99), 3)),
                new("rejected_items", rejected),
                new("failed_requests", failedRequests),
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
}
