using System.Text.Json;

namespace Corridor.Cli.Tests;

/// <summary>
/// The runtime settings the corridor process ships with (its runtimeconfig.json beside corridor.dll), measured on 2
/// cores (README, docs/operations.md "Thread pool", "Garbage collector: freed memory kept"): idle workers do not spin, the
/// pool does not climb past one worker per core while no queued work waits, and the collector keeps the memory it frees.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Theory]
    [InlineData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "0")]
    [InlineData("System.Threading.ThreadPool.HillClimbing.Disable", "true")]
    [InlineData("System.GC.RetainVM", "true")]
    [InlineData("System.GC.Concurrent", "true")]
    public void The_corridor_process_runs_with_the_measured_runtime_settings(string name, string value)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "corridor.runtimeconfig.json");
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty(name, out JsonElement actual), $"{path} does not set {name}");
        Assert.Equal(value, actual.ToString().ToLowerInvariant());
    }
}
