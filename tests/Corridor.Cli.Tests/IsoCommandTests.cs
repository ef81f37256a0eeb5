namespace Corridor.Cli.Tests;

/// <summary><c>corridor iso validate</c> against the shipped samples and a broken message.</summary>
public class IsoCommandTests
{
    private static string Sample(string name)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "samples", "iso20022"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        return Path.Combine(dir, "samples", "iso20022", name);
    }

    [Fact]
    public async Task Valid_sample_exits_0()
    {
        var (code, stdout, _) = await CorridorProcess.RunAsync("iso", "validate", Sample("pacs.008-kes-ghs-trade.xml"));
        Assert.Equal(0, code);
        Assert.StartsWith("valid pacs.008.001.09", stdout);
    }

    [Fact]
    public async Task Missing_party_names_give_RR02_RR03_and_a_pacs002_rejection()
    {
        using var dir = new TempDir();
        string broken = Path.Combine(dir.Path, "broken.xml");
        string xml = await File.ReadAllTextAsync(Sample("pacs.008-kes-ghs-trade.xml"), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(broken, System.Text.RegularExpressions.Regex.Replace(xml, "<Nm>[^<]*</Nm>", ""), TestContext.Current.CancellationToken);
        var (code, stdout, _) = await CorridorProcess.RunAsync("iso", "validate", broken, "--pacs002");
        Assert.Equal(1, code);
        Assert.Contains("RR02", stdout);
        Assert.Contains("RR03", stdout);
        Assert.Contains("<TxSts>RJCT</TxSts>", stdout);
    }

    [Fact]
    public async Task Hostile_xml_is_refused_with_FF01()
    {
        using var dir = new TempDir();
        string hostile = Path.Combine(dir.Path, "xxe.xml");
        await File.WriteAllTextAsync(hostile, "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\">&x;</Document>", TestContext.Current.CancellationToken);
        var (code, stdout, _) = await CorridorProcess.RunAsync("iso", "validate", hostile);
        Assert.Equal(1, code);
        Assert.Contains("FF01", stdout);
        Assert.DoesNotContain("root:", stdout);
    }
}
