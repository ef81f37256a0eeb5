using System.Text.Json;

namespace Corridor.Cli.Tests;

/// <summary><c>corridor simulate faults</c> as a real process: a JSON summary, an exact replay of one seed, bad options.</summary>
public class SimulateFaultsCommandTests
{
    [Fact]
    public async Task Seeds_run_and_one_seed_replays_with_its_steps()
    {
        var (exit, stdout, stderr) = await CorridorProcess.RunAsync("simulate", "faults", "--seeds", "40", "--first-seed", "100", "--json");
        Assert.True(exit == 0, stderr + stdout);
        using JsonDocument json = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal(40, root.GetProperty("seeds").GetInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        Assert.Equal(40, root.GetProperty("passed").GetInt32() + root.GetProperty("refused_on_damage").GetInt32() + root.GetProperty("documented_limit_losses").GetInt32());
        Assert.True(root.GetProperty("acknowledged_items").GetInt64() > 0);

        var (exit1, first, _) = await CorridorProcess.RunAsync("simulate", "faults", "--seed", "107");
        var (exit2, second, _) = await CorridorProcess.RunAsync("simulate", "faults", "--seed", "107");
        Assert.Equal(0, exit1);
        Assert.Equal(0, exit2);
        Assert.Equal(first, second); // deterministic: the same steps, faults and outcome
        Assert.Contains("started: journal recovered", first, StringComparison.Ordinal);
        Assert.Contains("final power loss", first, StringComparison.Ordinal);
        Assert.Contains("seed 107: ", first.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bug_planted_in_the_pipeline_fails_seeds_and_replays_with_the_plant()
    {
        var (exit, stdout, stderr) = await CorridorProcess.RunAsync("simulate", "faults", "--seeds", "40", "--planted-bug", "misrouted-replies", "--json");
        Assert.True(exit == 1, stderr + stdout);
        using JsonDocument json = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal("misrouted-replies", root.GetProperty("planted_bug").GetString());
        Assert.True(root.GetProperty("failed").GetInt32() >= 30, stdout);
        ulong seed = root.GetProperty("failed_seeds")[0].GetProperty("seed").GetUInt64();
        var (replayExit, replay, _) = await CorridorProcess.RunAsync("simulate", "faults", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--planted-bug", "misrouted-replies");
        Assert.Equal(1, replayExit);
        Assert.Contains("planted bug MisroutedReplies", replay, StringComparison.Ordinal);
        Assert.Contains("FINDING (Failed)", replay, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--seeds 0", "--seeds must be 1..")]
    [InlineData("--steps 0", "--steps must be 1..100000")]
    [InlineData("--planted-bug skip-apply", "--planted-bug must be one of none, ack-before-sync, misrouted-replies")]
    public async Task Bad_options_exit_2_with_a_sentence(string args, string fragment)
    {
        var (exit, _, stderr) = await CorridorProcess.RunAsync(["simulate", "faults", .. args.Split(' ')]);
        Assert.Equal(2, exit);
        Assert.Contains(fragment, stderr, StringComparison.Ordinal);
    }
}
