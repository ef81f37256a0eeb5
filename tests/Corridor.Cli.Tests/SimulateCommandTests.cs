using System.Text.Json;

namespace Corridor.Cli.Tests;

/// <summary><c>corridor simulate</c> as a real process: JSON on the last line, files written, options validated.</summary>
public class SimulateCommandTests
{
    [Fact]
    public async Task Json_summary_is_the_last_line_and_reports_are_written()
    {
        using var dir = new TempDir();
        string output = Path.Combine(dir.Path, "report");
        var (exit, stdout, stderr) = await CorridorProcess.RunAsync("simulate", "--participants", "12", "--payments", "1500", "--seed", "7",
            "--out", output, "--rules", "queue,lsm,dns:30m", "--liquidity-points", "3", "--save-day", "--json");
        Assert.True(exit == 0, stderr);
        string last = stdout.TrimEnd().Split('\n')[^1];
        using JsonDocument json = JsonDocument.Parse(last);
        Assert.Equal("simulate", json.RootElement.GetProperty("command").GetString());
        Assert.Equal(1500, json.RootElement.GetProperty("payments").GetInt32());
        Assert.Equal(9, json.RootElement.GetProperty("runs").GetArrayLength());
        foreach (string file in new[] { "summary.csv", "queue.csv", "tradeoff.svg", "tradeoff.png", "unsettled.svg", "unsettled.png", "queue-p0.svg", "queue-p2.png", "day.csv" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);

        // The saved day loads back to the same day (same digest) and the same figures.
        var (exit2, stdout2, stderr2) = await CorridorProcess.RunAsync("simulate", "--from-csv", Path.Combine(output, "day.csv"),
            "--out", Path.Combine(dir.Path, "again"), "--rules", "queue,lsm,dns:30m", "--liquidity-points", "3", "--json");
        Assert.True(exit2 == 0, stderr2);
        using JsonDocument again = JsonDocument.Parse(stdout2.TrimEnd().Split('\n')[^1]);
        Assert.Equal(json.RootElement.GetProperty("day_hash").GetString(), again.RootElement.GetProperty("day_hash").GetString());
        Assert.Equal(json.RootElement.GetProperty("runs")[4].GetProperty("settled").GetInt32(), again.RootElement.GetProperty("runs")[4].GetProperty("settled").GetInt32());
    }

    [Theory]
    [InlineData("--participants 2", "--participants must be 3..10000")]
    [InlineData("--rules rtgs,bogus", "unknown rule 'bogus'")]
    [InlineData("--liquidity-points 1", "--liquidity-points must be 2..50")]
    [InlineData("--rules dns:30m --batch-seconds 7", "multiple of --batch-seconds")]
    [InlineData("--from-csv /no/such/day.csv", "does not exist")]
    [InlineData("--from-csv /no/such/day.csv --seed 3", "--seed describes a generated day")]
    public async Task Bad_options_exit_2_with_a_sentence(string args, string fragment)
    {
        using var dir = new TempDir();
        var (exit, _, stderr) = await CorridorProcess.RunAsync(["simulate", "--out", dir.Path, .. args.Split(' ')]);
        Assert.Equal(2, exit);
        Assert.Contains(fragment, stderr);
    }

    [Fact]
    public async Task Csv_errors_name_the_line()
    {
        using var dir = new TempDir();
        string csv = Path.Combine(dir.Path, "day.csv");
        await File.WriteAllTextAsync(csv, "payer,payee,amount,currency,time,priority\nA,B,1,EUR,09:00:00,normal\nA,B,1,EUR,9am,normal\n", TestContext.Current.CancellationToken);
        var (exit, _, stderr) = await CorridorProcess.RunAsync("simulate", "--from-csv", csv, "--out", Path.Combine(dir.Path, "r"));
        Assert.Equal(2, exit);
        Assert.Contains("line 3: time '9am'", stderr);
    }
}
