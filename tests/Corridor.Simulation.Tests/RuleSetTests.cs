using Corridor.Simulation;

namespace Corridor.Simulation.Tests;

public class RuleSetTests
{
    [Theory]
    [InlineData("rtgs", RuleKind.Rtgs, 0, "rtgs")]
    [InlineData("QUEUE", RuleKind.Queue, 0, "queue")]
    [InlineData(" lsm ", RuleKind.Lsm, 0, "lsm")]
    [InlineData("dns:30m", RuleKind.Dns, 1_800_000, "dns:30m")]
    [InlineData("dns:2h", RuleKind.Dns, 7_200_000, "dns:2h")]
    [InlineData("dns", RuleKind.Dns, 1_800_000, "dns:30m")]
    [InlineData("hybrid:15m", RuleKind.Hybrid, 900_000, "hybrid:15m")]
    public void Parses_rule_names(string text, RuleKind kind, int windowMs, string name)
    {
        Assert.True(RuleSet.TryParse(text, out RuleSet rule, out string? error), error);
        Assert.Equal(kind, rule.Kind);
        Assert.Equal(windowMs, rule.WindowMs);
        Assert.Equal(name, rule.Name);
    }

    [Theory]
    [InlineData("gross", "unknown rule")]
    [InlineData("dns:30", "window '30'")]
    [InlineData("dns:0m", "window '0m'")]
    [InlineData("dns:25h", "window '25h'")]
    [InlineData("lsm:5m", "unknown rule")]
    [InlineData("lsm,lsm", "given twice")]
    [InlineData(",", "no rule")]
    public void Rejects_bad_rule_lists(string text, string fragment)
    {
        Assert.False(RuleSet.TryParseList(text, out _, out string? error));
        Assert.Contains(fragment, error);
    }
}
