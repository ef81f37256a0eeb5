using System.Text.Json;

namespace Corridor.Cli.Tests;

/// <summary>Each benchmark runs through the real CLI and prints its documented JSON fields as the last line.</summary>
public class BenchCommandTests
{
    [Theory]
    [InlineData("ledger|--accounts|100|--transfers|20000|--batch|1000", "transfers,seconds,transfers_per_second,durable,p99_batch_ms")]
    [InlineData("netting|--payments|100000|--participants|100", "payments,participants,seconds")]
    [InlineData("lsm|--participants|20|--payments|500", "liquidity_with_lsm,liquidity_without_lsm,lower_bound,settled_fraction")]
    [InlineData("pvp|--payments|2000", "payments_per_second")]
    [InlineData("pvp|--payments|2000|--warmup|1024", "warmup_payments,payments_per_second,engine_payments_per_second,apply_seconds,max_apply_ms,mean_apply_ms,apply_after_capture_ms")]
    [InlineData("pvp|--payments|2000|--instruction|pay-at-best-quote", "instruction,payments_per_second,engine_payments_per_second")]
    [InlineData("iso|--messages|300", "messages_per_second,settled,allocated_bytes_per_message")]
    [InlineData("screening|--entries|2000|--payments|2000", "payments_per_second,planted_found")]
    [InlineData("http|--mode|single|--transfers|3000|--warmup|300|--concurrency|8", "transfers_per_second,requests_per_second,p50_ms,p99_ms,failed_requests,cpu_us_per_request,allocated_bytes_per_request,jit_ms_measured,warmup_transfers")]
    [InlineData("http|--mode|single|--transfers|600|--warmup|0|--concurrency|4|--rate|2000", "transfers_per_second,p99_ms,target_requests_per_second")]
    [InlineData("http|--mode|batch|--transfers|20000|--batch|1000|--warmup|2000", "transfers_per_second,p50_ms,p99_ms,failed_requests")]
    [InlineData("federation|--payments|30|--concurrency|4|--warmup|20|--peer-batch|8", "payments,warmup,peer_batch,seconds,payments_per_second,p50_ms,p99_ms,settled_on_a,settled_on_b")]
    [InlineData("federation|--payments|30|--concurrency|2|--warmup|20|--payer-batch|10", "payments,payer_batch,seconds,payments_per_second,p99_ms,settled_on_a,settled_on_b")]
    [InlineData("http|--mode|single|--transfers|2000|--warmup|200|--concurrency|8|--tls", "transfers_per_second,p99_ms,failed_requests,transport")]
    [InlineData("http|--mode|batch|--transfers|10000|--batch|1000|--warmup|1000|--tls", "transfers_per_second,p99_ms,failed_requests,transport")]
    [InlineData("http|--mode|payments|--transfers|600|--warmup|60|--concurrency|4|--watch-list|2000", "payments_per_second,settled_payments,p50_ms,p99_ms,requests_per_second,watch_list_load_ms,first_payment_ms,retained_bytes_per_payment,gc_gen0,gc_gen1,gc_gen2,gc_pause_ms")]
    [InlineData("http|--mode|iso|--transfers|300|--warmup|30|--concurrency|4|--watch-list|2000", "payments_per_second,settled_payments,p99_ms")]
    [InlineData("http|--mode|iso|--batch|100|--transfers|1000|--warmup|200|--watch-list|2000", "payments_per_second,settled_payments,p99_ms,payments_per_request")]
    [InlineData("recovery|--transfers|20000|--accounts|100|--run-on|2000", "transfers,replay_seconds,snapshot_restore_seconds,stop_seconds,replay_cpu_seconds,snapshot_restore_cpu_seconds,snapshot_mib,run_on_transfers,restart_stop_seconds,restart_stop_snapshot,restart_stop_snapshot_mib,third_start_seconds,third_start_ready_seconds")]
    [InlineData("snapshot|--transfers|100000|--accounts|100", "transfers,snapshot_mib,engine_thread_snapshot_seconds,capture_ms,background_write_seconds,batches_applied_during_write")]
    [InlineData("growth|--transfers|100000|--batch|1000|--accounts|100", "transfers,transfers_per_batch,seconds,transfers_per_second,batch_apply_p50_ms,batch_apply_p99_ms,batch_apply_max_ms,batch_apply_max_at_transfers")]
    public async Task Bench_prints_one_json_object_last(string args, string fields)
    {
        var (code, stdout, stderr) = await CorridorProcess.RunAsync(["bench", .. args.Split('|'), "--json"]);
        Assert.True(code == 0, stderr);
        using JsonDocument result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        foreach (string field in (fields + ",load_average,heap_huge_pages").Split(','))
            Assert.True(result.RootElement.TryGetProperty(field, out _), $"missing {field} in {stdout}");
        Assert.StartsWith("asked (host ", result.RootElement.GetProperty("heap_huge_pages").GetString(), StringComparison.Ordinal);
        if (args.StartsWith("ledger", StringComparison.Ordinal))
        {
            Assert.True(result.RootElement.GetProperty("durable").GetBoolean());
            Assert.Equal(20_000, result.RootElement.GetProperty("transfers").GetInt64());
        }
        if (args.StartsWith("pvp", StringComparison.Ordinal))
        {
            string[] a = args.Split('|');
            int warmup = Array.IndexOf(a, "--warmup") is var at and >= 0 ? int.Parse(a[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
            Assert.Equal(warmup, result.RootElement.GetProperty("warmup_payments").GetInt32());
            Assert.Equal(a.Contains("pay-at-best-quote") ? "pay-at-best-quote" : "lock-and-pay", result.RootElement.GetProperty("instruction").GetString());
            Assert.Equal(2000, result.RootElement.GetProperty("settled").GetInt32()); // the warm-up is not counted
            // The engine's own pace is the same payments over a part of the same run's time.
            Assert.True(result.RootElement.GetProperty("engine_payments_per_second").GetDouble() >= result.RootElement.GetProperty("payments_per_second").GetDouble());
            // The slowest command is one of the timed ones: longer than none, shorter than all of them together.
            double maxApplyMs = result.RootElement.GetProperty("max_apply_ms").GetDouble();
            Assert.InRange(maxApplyMs, 0.0, result.RootElement.GetProperty("apply_seconds").GetDouble() * 1000 + 0.1);
            Assert.True(maxApplyMs > 0, $"max_apply_ms {maxApplyMs}");
            // The mean command lies between none and the slowest; the batch applied while the snapshot's image is held was timed too.
            Assert.InRange(result.RootElement.GetProperty("mean_apply_ms").GetDouble(), 0.001, maxApplyMs);
            Assert.True(result.RootElement.GetProperty("apply_after_capture_ms").GetDouble() > 0);
        }
        if (args.StartsWith("http", StringComparison.Ordinal))
        {
            Assert.Equal(0, result.RootElement.GetProperty("failed_requests").GetInt64());
            Assert.Equal(0, result.RootElement.GetProperty("rejected_items").GetInt64());
            Assert.True(result.RootElement.GetProperty("transfers_per_second").GetDouble() > 0);
            // The warm-up runs at least as long as asked, at most 4× (longer while the JIT is still compiling).
            string[] a = args.Split('|');
            long asked = long.Parse(a[Array.IndexOf(a, "--warmup") + 1], System.Globalization.CultureInfo.InvariantCulture);
            long warmed = result.RootElement.GetProperty("warmup_transfers").GetInt64();
            Assert.True(warmed >= asked && warmed <= 4 * asked + 1000, $"warm-up {warmed} for --warmup {asked}");
            Assert.Equal(args.Contains("--tls", StringComparison.Ordinal) ? "https, mutual TLS (client certificate, no token)" : "http",
                result.RootElement.GetProperty("transport").GetString());
        }
        if (args.Contains("--mode|payments", StringComparison.Ordinal) || args.Contains("--mode|iso", StringComparison.Ordinal))
        {
            // Every payment (the first one after the watch-list load, timed alone, and the warm-up included) settled: counted
            // from the payee's settlement balance, not from replies.
            long sent = 1 + result.RootElement.GetProperty("payments").GetInt64() + result.RootElement.GetProperty("warmup_transfers").GetInt64();
            Assert.Equal(sent, result.RootElement.GetProperty("settled_payments").GetInt64());
            Assert.True(result.RootElement.GetProperty("payments_per_second").GetDouble() > 0);
            Assert.Equal(2000, result.RootElement.GetProperty("watch_list_entries").GetInt32());
            if (args.Contains("--batch|100", StringComparison.Ordinal)) Assert.Equal(10, result.RootElement.GetProperty("requests").GetInt64());
        }
        if (args.StartsWith("federation", StringComparison.Ordinal))
        {
            Assert.Equal(30, result.RootElement.GetProperty("settled_on_a").GetInt32());
            Assert.Equal(30, result.RootElement.GetProperty("settled_on_b").GetInt32());
            Assert.True(result.RootElement.GetProperty("p99_ms").GetDouble() >= result.RootElement.GetProperty("p50_ms").GetDouble());
        }
        if (args.StartsWith("recovery", StringComparison.Ordinal))
        {
            // The restart came back from the snapshot the stop wrote (the bench refuses otherwise), after a full replay.
            Assert.Equal(20_000, result.RootElement.GetProperty("transfers").GetInt64());
            Assert.True(result.RootElement.GetProperty("replayed_batches").GetInt64() > 1);
            Assert.True(result.RootElement.GetProperty("snapshot_batch").GetInt64() >= result.RootElement.GetProperty("replayed_batches").GetInt64());
            Assert.True(result.RootElement.GetProperty("snapshot_mib").GetDouble() > 1);
            // The restarted node ran on (2,000 transfers over HTTP) and its stop wrote a snapshot the third start came back from.
            Assert.Equal(2_000, result.RootElement.GetProperty("run_on_transfers").GetInt64());
            Assert.Equal("full", result.RootElement.GetProperty("restart_stop_snapshot").GetString()); // a state this small: the delta would exceed a quarter
            Assert.Equal(0, result.RootElement.GetProperty("third_start_replayed_batches").GetInt64());
            // Ready (the process's start included) comes after recovery.
            Assert.True(result.RootElement.GetProperty("third_start_ready_seconds").GetDouble() >= result.RootElement.GetProperty("third_start_seconds").GetDouble());
        }
        if (args.StartsWith("snapshot", StringComparison.Ordinal))
        {
            Assert.True(result.RootElement.GetProperty("transfers").GetInt64() >= 100_000);
            Assert.True(result.RootElement.GetProperty("snapshot_mib").GetDouble() > 10);
        }
        if (args.StartsWith("lsm", StringComparison.Ordinal))
            Assert.Equal(1.0, result.RootElement.GetProperty("settled_fraction").GetDouble());
    }

    [Theory]
    [InlineData("ledger|--batch|9000")]
    [InlineData("ledger|--accounts|1")]
    [InlineData("netting|--participants|1")]
    [InlineData("lsm|--cyclic-percent|101")]
    [InlineData("pvp|--payments|0")]
    [InlineData("pvp|--warmup|-1")]
    [InlineData("iso|--messages|0")]
    [InlineData("recovery|--transfers|0")]
    [InlineData("snapshot|--transfers|0")]
    public async Task Bench_rejects_bad_options_with_exit_code_2(string args)
    {
        var (code, _, stderr) = await CorridorProcess.RunAsync(["bench", .. args.Split('|')]);
        Assert.Equal(2, code);
        Assert.Contains("must be", stderr);
    }

    [Theory]
    [InlineData("http|--rate|-5")]
    [InlineData("http|--warmup|-1")]
    [InlineData("http|--batch|9000")]
    [InlineData("http|--mode|iso|--batch|1001")]
    [InlineData("http|--mode|payments|--tls")]
    public async Task Bench_http_rejects_bad_options_with_exit_code_2(string args)
    {
        var (code, _, stderr) = await CorridorProcess.RunAsync(["bench", .. args.Split('|')]);
        Assert.Equal(2, code);
        Assert.Contains("corridor bench http:", stderr);
    }

    [Fact]
    public async Task Faulting_fresh_pages_in_ahead_changes_no_result_the_same_payments_give_the_same_state_hash()
    {
        // 30,000 PvP payments: 90,000 ledger transfers (past half of the transfers' second chunk) and megabytes of payment
        // bytes in the exchange's arena, both grown with their next chunk faulted in ahead when it is on.
        string[] args = ["bench", "pvp", "--payments", "30000", "--json"];
        var (onCode, onOut, onErr) = await CorridorProcess.RunAsync(args);
        var (offCode, offOut, offErr) = await CorridorProcess.RunAsync(new Dictionary<string, string> { ["CORRIDOR_FRESH_PAGES"] = "off" }, args);
        Assert.True(onCode == 0, onErr);
        Assert.True(offCode == 0, offErr);
        using JsonDocument on = JsonDocument.Parse(onOut.Trim().Split('\n')[^1]), off = JsonDocument.Parse(offOut.Trim().Split('\n')[^1]);

        Assert.Equal(off.RootElement.GetProperty("state_hash").GetString(), on.RootElement.GetProperty("state_hash").GetString());
        Assert.Equal(30_000, on.RootElement.GetProperty("settled").GetInt32());
        Assert.Equal("off (CORRIDOR_FRESH_PAGES=off)", off.RootElement.GetProperty("fresh_pages").GetString());
        var populated = System.Text.RegularExpressions.Regex.Match(on.RootElement.GetProperty("fresh_pages").GetString()!, @"^faulted in ahead of the engine's first writes: (\d+) MiB so far$");
        Assert.True(populated.Success, on.RootElement.GetProperty("fresh_pages").GetString());
        Assert.True(int.Parse(populated.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1, populated.Value);
    }
}
