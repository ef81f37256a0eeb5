namespace Corridor.Cli.Tests;

/// <summary><c>corridor run</c> on a data directory it cannot start from: one clear line and a documented exit code, no stack trace.</summary>
public sealed class RunRefusalTests
{
    [Fact]
    public async Task A_message_archive_that_cannot_be_opened_stops_the_start_with_its_path_and_exit_4()
    {
        using var dir = new TempDir();
        string data = Path.Combine(dir.Path, "data");
        Directory.CreateDirectory(data);
        string archive = Path.Combine(data, "messages.db");
        File.WriteAllBytes(archive, [.. Enumerable.Range(0, 16384).Select(i => (byte)(i * 31 + 7))]); // not a database
        var (exit, _, stderr) = await CorridorProcess.RunAsync("run", "--data", data, "--read-model", "none", "--port", "0");
        Assert.Equal(4, exit);
        Assert.Contains($"corridor: cannot start: the message archive {archive} cannot be opened", stderr);
        Assert.Contains("move it aside to start with an empty archive", stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(Directory.Exists(Path.Combine(data, "journal")) && Directory.EnumerateFiles(Path.Combine(data, "journal"), "*.seg").Any(),
            "nothing journaled by a node that did not start");
    }
}
