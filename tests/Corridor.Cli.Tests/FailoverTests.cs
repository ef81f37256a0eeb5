using Corridor.Cli.HighAvailability;
using Corridor.Storage.Postgres.Tests;

namespace Corridor.Cli.Tests;

/// <summary>
/// Active/standby on the PostgreSQL journal with real processes: clients under load record every acknowledged transfer and
/// payment; the active node is SIGKILLed (or SIGSTOPped past its lease) and the standby must serve within 5 s, with every
/// acknowledged item there exactly once and each new active node's state hash equal to a fresh replay at that batch.
/// </summary>
public sealed class FailoverTests
{
    private const int LeaseMs = 1_500;
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static FailoverDrill Drill(PostgresServer server, TempDir dir) =>
        new(args => CorridorProcess.Start(args), server.CreateDatabase(), dir.Path, LeaseMs, new XunitWriter());

    [Fact]
    public async Task Ten_SIGKILLs_of_the_active_node_each_hand_over_to_the_standby_within_5_s_and_lose_nothing()
    {
        using var server = PostgresServer.Start();
        using var dir = new TempDir();
        await using FailoverDrill drill = Drill(server, dir);
        await drill.StartAsync(C);
        drill.StartLoad(count: 6);
        var random = new Random(17);
        for (int t = 0; t < 10; t++)
        {
            await Task.Delay(300 + random.Next(1_200), C); // a different moment of the load each time
            double unavailableMs = await drill.KillActiveAsync(C);
            Assert.True(unavailableMs < 5_000, $"take-over {t + 1}: clients unserved for {unavailableMs:F0} ms");
        }
        await drill.StopLoadAsync();
        DrillCheck check = await drill.CheckAsync(C);
        Assert.True(check.Acknowledged > 100, $"only {check.Acknowledged} items acknowledged");
        Assert.Equal(0, check.Lost);
        Assert.Equal(0, check.Duplicates);
        Assert.True(check.Takeovers >= 10, $"{check.Takeovers} take-overs reported by the nodes");
        Assert.Empty(check.Disagreements);
    }

    [Fact]
    public async Task A_node_paused_past_its_lease_is_refused_on_resuming_steps_down_and_nothing_it_tried_is_visible()
    {
        using var server = PostgresServer.Start();
        using var dir = new TempDir();
        await using FailoverDrill drill = Drill(server, dir);
        await drill.StartAsync(C);
        drill.StartLoad(count: 4);
        await Task.Delay(800, C);
        FailoverDrill.NodeProcess paused = await drill.PauseActiveAsync(C);
        Storage.Postgres.LeaseState lease = drill.Lease()!;
        Assert.Equal(drill.Active.Name, lease.Holder);
        long takeoverBatch = drill.Takeovers[^1].Batch;

        // Resumed, the old node finds its lease taken: it reports stepped down and refuses writes, naming the active node.
        await paused.WaitSteppedDownAsync(C);
        (int status, string body) = await paused.ReadyAsync(C);
        Assert.Equal(503, status);
        Assert.Contains(drill.Active.Url, body);
        using (var http = new HttpClient())
        {
            string token = File.ReadAllText(Path.Combine(dir.Path, "node-a", "secrets", "operator.token")).Trim();
            using var request = new HttpRequestMessage(HttpMethod.Post, paused.Url + "/v1/transfers")
            {
                Content = new StringContent("""{"id":"0x7777","debit_account_id":"0x11","credit_account_id":"0x21","amount":1,"ledger":1,"code":1}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", token);
            using HttpResponseMessage refused = await http.SendAsync(request, C);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("node.not_active", await refused.Content.ReadAsStringAsync(C));
        }
        await Task.Delay(500, C);
        await drill.StopLoadAsync();
        // No row of the old epoch after the take-over: nothing the paused node tried after resuming is in the journal.
        Assert.Equal(0, drill.RowsOfOlderEpochAfter(takeoverBatch, lease.Epoch));
        DrillCheck check = await drill.CheckAsync(C);
        Assert.Equal(0, check.Lost);
        Assert.Equal(0, check.Duplicates);
        Assert.Empty(check.Disagreements);
        Assert.Equal(503, (await paused.ReadyAsync(C)).Status);
    }

    [Fact]
    public async Task Bench_failover_prints_takeovers_unavailability_and_zero_lost_as_JSON()
    {
        using var server = PostgresServer.Start();
        var (code, stdout, stderr) = await CorridorProcess.RunAsync("bench", "failover", "--connection", server.ConnectionString(),
            "--takeovers", "2", "--clients", "2", "--throughput-seconds", "1", "--lease-ms", "1000", "--json");
        Assert.True(code == 0, stdout + stderr);
        using var json = System.Text.Json.JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        System.Text.Json.JsonElement r = json.RootElement;
        Assert.Equal(2, r.GetProperty("takeovers").GetInt32());
        Assert.Equal(0, r.GetProperty("lost").GetInt32());
        Assert.Equal(0, r.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, r.GetProperty("state_hash_disagreements").GetInt32());
        Assert.True(r.GetProperty("acknowledged").GetInt32() > 0);
        // The items' rate over the kills (their count depends on how long the killed nodes take to be standbys again).
        double seconds = r.GetProperty("kill_phase_seconds").GetDouble();
        Assert.True(seconds > 0);
        Assert.InRange(r.GetProperty("acknowledged_per_second").GetDouble(), 1, r.GetProperty("acknowledged").GetInt32() / seconds + 1);
        Assert.InRange(r.GetProperty("max_unavailable_ms").GetDouble(), 1, 60_000);
        // Without a standby from each kill until the restarted node caught up: at least as long as clients went unserved.
        Assert.True(r.GetProperty("max_without_standby_ms").GetDouble() >= r.GetProperty("max_unavailable_ms").GetDouble());
        Assert.True(r.GetProperty("p50_without_standby_ms").GetDouble() <= r.GetProperty("max_without_standby_ms").GetDouble());
        Assert.True(r.GetProperty("p99_unavailable_ms").GetDouble() <= r.GetProperty("max_unavailable_ms").GetDouble());
        Assert.True(r.GetProperty("write_transfers_per_second_with_standby").GetDouble() > 0);
        Assert.True(r.GetProperty("with_standby_ratio").GetDouble() > 0);
    }

    [Theory]
    [InlineData("bench|failover", "needs --connection")]
    [InlineData("run|--role|standby", "need --journal postgres")]
    [InlineData("run|--journal|postgres|--connection|Host=127.0.0.1;Port=1|--lease-ms|50", "--lease-ms must be")]
    public async Task High_availability_options_are_refused_with_a_reason(string args, string reason)
    {
        using var dir = new TempDir();
        string[] argv = args.Split('|');
        if (argv[0] == "run") argv = [.. argv, "--data", dir.Path];
        var (code, stdout, stderr) = await CorridorProcess.RunAsync(new Dictionary<string, string> { ["CORRIDOR_POSTGRES"] = "" }, argv);
        Assert.Equal(2, code);
        Assert.Contains(reason, stdout + stderr);
    }

    private sealed class XunitWriter : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
        public override void WriteLine(string? value) => TestContext.Current.TestOutputHelper?.WriteLine(value ?? "");
    }
}
