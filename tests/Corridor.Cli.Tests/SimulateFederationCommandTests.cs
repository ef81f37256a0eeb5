using System.Text.Json;

namespace Corridor.Cli.Tests;

/// <summary><c>corridor simulate federation</c> as a real process: a JSON summary, an exact replay of one seed, a planted bug caught, bad options.</summary>
public class SimulateFederationCommandTests
{
    [Fact]
    public async Task Seeds_run_and_one_seed_replays_with_its_steps()
    {
        var (exit, stdout, stderr) = await CorridorProcess.RunAsync("simulate", "federation", "--seeds", "12", "--first-seed", "100", "--json");
        Assert.True(exit == 0, stderr + stdout);
        using JsonDocument json = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal(12, root.GetProperty("seeds").GetInt32());
        Assert.Equal((12, 0), (root.GetProperty("passed").GetInt32(), root.GetProperty("failed").GetInt32()));
        Assert.True(root.GetProperty("settled_on_both").GetInt64() > 0);
        Assert.True(root.GetProperty("messages_sent").GetInt64() > 0);
        Assert.True(root.GetProperty("institution_sent").GetInt64() > 0);
        Assert.True(root.GetProperty("institution_settled_on_both").GetInt64() > 0);
        Assert.True(root.GetProperty("multi_payment_status_questions").GetInt64() > 0);
        Assert.True(root.GetProperty("status_question_payments").GetInt64() > root.GetProperty("status_questions").GetInt64());
        Assert.True(root.GetProperty("multi_item_expire_unknown").GetInt64() > 0);
        Assert.True(root.GetProperty("mixed_batches").GetInt64() > 0); // clients' requests and the link's commands in one group commit
        Assert.True(root.GetProperty("pipeline_crashes").GetInt64() > 0); // nodes died between their pipeline steps (11 in these seeds)
        // Crashes per named crash point (the server's CORRIDOR_CRASH_AT steps), every point listed.
        string[] points = root.GetProperty("crashes_at").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(15, points.Length);
        Assert.Contains("source.outbox.after_journal_decision", points);
        Assert.Contains("destination.pacs028.after_journal", points);
        Assert.True(root.GetProperty("crashes_at").EnumerateObject().Sum(p => p.Value.GetInt64()) > 0);
        Assert.True(root.GetProperty("read_model_rollbacks").GetInt64() >= 0 && root.GetProperty("read_model_batches_lost").GetInt64() >= 0);

        var (exit1, first, _) = await CorridorProcess.RunAsync("simulate", "federation", "--seed", "107");
        var (exit2, second, _) = await CorridorProcess.RunAsync("simulate", "federation", "--seed", "107");
        Assert.Equal((0, 0), (exit1, exit2));
        Assert.Equal(first, second); // deterministic: the same steps, messages, faults and outcome
        Assert.Contains("op 402 ReceiveFromPeer", first, StringComparison.Ordinal);
        Assert.Contains("A→B pacs.008", first, StringComparison.Ordinal);
        Assert.Contains("op 405 SendInstitutionToPeer", first, StringComparison.Ordinal);
        Assert.Contains("op 406 ReceiveInstitutionFromPeer", first, StringComparison.Ordinal);
        Assert.Contains("A→B pacs.009", first, StringComparison.Ordinal);
        Assert.Contains("final power loss", first, StringComparison.Ordinal);
        Assert.Contains("seed 107: Passed", first.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_planted_bug_fails_its_seeds_with_exit_1_and_the_replay_command()
    {
        var (exit, stdout, stderr) = await CorridorProcess.RunAsync("simulate", "federation", "--seeds", "4", "--planted-bug", "source-voids-after-timeout");
        Assert.True(exit == 1, stderr + stdout);
        Assert.Contains("FAILED: ", stdout, StringComparison.Ordinal);
        Assert.Contains("--planted-bug source-voids-after-timeout", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Misrouted_replies_in_the_pipeline_fail_seeds_as_a_real_process()
    {
        var (exit, stdout, stderr) = await CorridorProcess.RunAsync("simulate", "federation", "--seeds", "6", "--planted-bug", "misrouted-replies");
        Assert.True(exit == 1, stderr + stdout);
        Assert.Contains("was answered", stdout, StringComparison.Ordinal);
        Assert.Contains("--planted-bug misrouted-replies", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--seeds 0", "--seeds must be 1..")]
    [InlineData("--steps 0", "--steps must be 1..100000")]
    [InlineData("--planted-bug nonsense", "--planted-bug must be one of none, source-voids-after-timeout, destination-answers-before-journal, ack-before-sync, misrouted-replies")]
    public async Task Bad_options_exit_2_with_a_sentence(string args, string fragment)
    {
        var (exit, _, stderr) = await CorridorProcess.RunAsync(["simulate", "federation", .. args.Split(' ')]);
        Assert.Equal(2, exit);
        Assert.Contains(fragment, stderr, StringComparison.Ordinal);
    }
}
