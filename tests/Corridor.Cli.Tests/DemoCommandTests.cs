using System.Text.RegularExpressions;

namespace Corridor.Cli.Tests;

/// <summary><c>corridor demo</c> as a user runs it: two nodes, one payment settled on both, balances and the messages on the wire.</summary>
public class DemoCommandTests
{
    [Fact]
    public async Task Demo_settles_one_payment_on_both_nodes_and_prints_balances_and_the_messages_exchanged()
    {
        using var dir = new TempDir();
        string data = Path.Combine(dir.Path, "demo");
        var (code, stdout, stderr) = await CorridorProcess.RunAsync("demo", "--data", data, "--amount", "2500.50");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("node A: settled", stdout);
        Assert.Contains("node B: settled", stdout);
        Assert.Contains("settled on both nodes in", stdout);
        // 2,500.50 RUB from Volga Bank to FX Bank on A; 2,500.50 × 0.0785 = 196.28 CNY (rounded down) from FX Bank to Harbin Bank on B.
        Assert.Matches(@"Volga Bank 0x643011\s*│\s*1,000,000\.00\s*│\s*997,499\.50\s*│\s*-2,500\.50", stdout);
        Assert.Matches(@"FX Bank 0x643013\s*│\s*0\.00\s*│\s*2,500\.50\s*│\s*\+2,500\.50", stdout);
        Assert.Matches(@"FX Bank 0x156013\s*│\s*500,000\.00\s*│\s*499,803\.72\s*│\s*-196\.28", stdout);
        Assert.Matches(@"Harbin Bank 0x156022\s*│\s*0\.00\s*│\s*196\.28\s*│\s*\+196\.28", stdout);
        // The pacs.008 A sent carries the trade payment; B's pacs.002 accepts it (ACSC) for the same UETR.
        string uetr = Regex.Match(stdout, @"UETR ([0-9a-f-]{36})").Groups[1].Value;
        Match pacs008 = Regex.Match(stdout, @"--- A → B pacs\.008\.001\.09 \(\d+ bytes\)\n(<\?xml.*)");
        Match pacs002 = Regex.Match(stdout, @"--- B → A pacs\.002\.001\.11 \(\d+ bytes\)\n(<\?xml.*)");
        Assert.True(pacs008.Success && pacs002.Success, stdout);
        Assert.Contains($"<UETR>{uetr}</UETR>", pacs008.Groups[1].Value);
        Assert.Contains("INV-CN-2026-117", pacs008.Groups[1].Value);
        Assert.Contains("Harbin Precision Bearings Co", pacs008.Groups[1].Value);
        Assert.Contains($"<OrgnlUETR>{uetr}</OrgnlUETR>", pacs002.Groups[1].Value);
        Assert.Contains("<TxSts>ACSC</TxSts>", pacs002.Groups[1].Value);
        // --data keeps both nodes' journals; a second run there is refused precisely.
        Assert.True(Directory.Exists(Path.Combine(data, "node-a-rub")) && Directory.Exists(Path.Combine(data, "node-b-cny")));
        var (again, _, error) = await CorridorProcess.RunAsync("demo", "--data", data);
        Assert.Equal(2, again);
        Assert.Contains("is not empty", error);
    }

    [Fact]
    public async Task Demo_help_describes_it_and_a_bad_amount_is_refused_without_a_stack_trace()
    {
        var (code, stdout, _) = await CorridorProcess.RunAsync("demo", "--help");
        Assert.Equal(0, code);
        Assert.Contains("two Corridor nodes on loopback", stdout);
        Assert.Contains("--data", stdout);
        var (bad, _, error) = await CorridorProcess.RunAsync("demo", "--amount", "0.001");
        Assert.Equal(2, bad);
        Assert.Contains("--amount must be", error);
        Assert.DoesNotContain("   at ", error);
    }
}
