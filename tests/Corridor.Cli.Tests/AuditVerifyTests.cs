namespace Corridor.Cli.Tests;

/// <summary><c>corridor audit verify</c> proves an untouched history and detects every edit.</summary>
public class AuditVerifyTests
{
    private static async Task<string> MakeHistory(TempDir dir)
    {
        var (code, _, stderr) = await CorridorProcess.RunAsync("load", "--data", dir.Path, "--requests", "30", "--batch", "20");
        Assert.True(code == 0, stderr);
        var (_, stdout, _) = await CorridorProcess.RunAsync("audit", "verify", dir.Path);
        return stdout.Split('\n').Single(l => l.StartsWith("chain", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
    }

    [Fact]
    public async Task Untouched_history_passes_with_its_anchor()
    {
        using var dir = new TempDir();
        string head = await MakeHistory(dir);
        var (code, stdout, _) = await CorridorProcess.RunAsync("audit", "verify", dir.Path, "--expect-head", head);
        Assert.True(code == 0, stdout);
        Assert.Contains("anchor    head matches", stdout);
        Assert.Contains("agrees with the replay", stdout);
    }

    [Fact]
    public async Task An_edited_batch_is_detected()
    {
        using var dir = new TempDir();
        await MakeHistory(dir);
        string segment = Directory.GetFiles(Path.Combine(dir.Path, "journal"), "*.seg").Order().First();
        byte[] bytes = await File.ReadAllBytesAsync(segment, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 3] ^= 0x01; // an amount, an id: any byte of an early batch
        await File.WriteAllBytesAsync(segment, bytes, TestContext.Current.CancellationToken);
        var (code, stdout, _) = await CorridorProcess.RunAsync("audit", "verify", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("FAILED", stdout);
    }

    [Fact]
    public async Task A_damaged_snapshot_fails_journal_verify_even_though_a_node_would_start_from_an_older_one()
    {
        using var dir = new TempDir();
        await MakeHistory(dir);
        string snapshot = Directory.GetFiles(Path.Combine(dir.Path, "snapshots"), "*.snap").Order().Last();
        byte[] bytes = await File.ReadAllBytesAsync(snapshot, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(snapshot, bytes, TestContext.Current.CancellationToken);
        var (code, stdout, _) = await CorridorProcess.RunAsync("journal", "verify", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains($"snapshot  DAMAGED (a node skips it at start-up): {snapshot}: checksum mismatch", stdout);
        Assert.Contains("FAILED", stdout);
    }

    [Fact]
    public async Task A_journal_cut_before_its_last_acknowledged_batch_fails_journal_verify()
    {
        using var dir = new TempDir();
        await MakeHistory(dir);
        string segment = Directory.GetFiles(Path.Combine(dir.Path, "journal"), "*.seg").Order().Last();
        await using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(file.Length / 2);
        var (code, stdout, _) = await CorridorProcess.RunAsync("journal", "verify", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("acknowledged data was lost", stdout);
        Assert.Contains("FAILED: the journal is corrupt", stdout);
    }

    [Fact]
    public async Task A_rewritten_history_does_not_match_its_anchor()
    {
        using var dir = new TempDir();
        string head = await MakeHistory(dir);
        // More history appended after the anchor was taken also changes the head: the anchor names one exact history.
        var (code, stdout, _) = await CorridorProcess.RunAsync("audit", "verify", dir.Path, "--expect-head", new string('0', head.Length));
        Assert.Equal(1, code);
        Assert.Contains("history was rewritten", stdout);
    }
}
