using Corridor.Client;
using Corridor.Server;
using Corridor.Storage.Node;
using Microsoft.Extensions.Logging;

namespace Corridor.Cli.Tests;

/// <summary><c>corridor participants add --bic</c> and <c>corridor participants list</c> against a real node over HTTP.</summary>
public sealed class ParticipantsCommandTests
{
    /// <summary>A real node (Kestrel on a loopback port) whose data directory the CLI reads the operator token from.</summary>
    private static Task<CorridorServer> StartAsync(TempDir dir, CancellationToken c) => CorridorServer.StartAsync(new ServerOptions
    {
        DataPath = dir.Path, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0 }, MinimumLogLevel = LogLevel.Error,
    }, c);

    [Fact]
    public async Task Add_with_a_bic_then_list_shows_it_and_a_malformed_bic_is_refused_with_the_servers_reason()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using CorridorServer server = await StartAsync(dir, c);
        string url = server.Addresses[0];

        var (code, stdout, stderr) = await CorridorProcess.RunAsync("participants", "add", "--data", dir.Path, "--url", url,
            "--id", "100", "--name", "Central Bank of Kenya", "--role", "central-bank", "--bic", "CBKEKENX");
        Assert.True(code == 0, stderr);
        Assert.Contains("participant 100 (central-bank) registered", stdout);

        (code, _, stderr) = await CorridorProcess.RunAsync("participants", "add", "--data", dir.Path, "--url", url, "--id", "1", "--name", "Bank A", "--bic", "BANKKE");
        Assert.Equal(1, code);
        Assert.Contains("HTTP 400 request.invalid_bic: bic: \"BANKKE\" is not an ISO 9362 BIC: has 6 characters; a BIC has 8 or 11", stderr);
        (code, _, stderr) = await CorridorProcess.RunAsync("participants", "add", "--data", dir.Path, "--url", url, "--id", "1", "--name", "Bank A");
        Assert.True(code == 0, stderr);

        (code, stdout, stderr) = await CorridorProcess.RunAsync("participants", "list", "--data", dir.Path, "--url", url);
        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("100 ", StringComparison.Ordinal) && l.Contains("central-bank") && l.Contains("CBKEKENX") && l.EndsWith("Central Bank of Kenya", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("1 ", StringComparison.Ordinal) && l.Contains(" - ") && l.EndsWith("Bank A", StringComparison.Ordinal));

        (code, stdout, _) = await CorridorProcess.RunAsync("participants", "list", "--data", dir.Path, "--url", url, "--json");
        Assert.Equal(0, code);
        ParticipantDto[] all = System.Text.Json.JsonSerializer.Deserialize<ParticipantDto[]>(stdout, CorridorJson.Options)!;
        Assert.Equal("CBKEKENX", all.Single(p => p.Id == 100).Bic);
    }

    [Fact]
    public async Task Ledger_access_grants_shows_and_withdraws_and_a_settlement_ledger_is_refused()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using CorridorServer server = await StartAsync(dir, c);
        string url = server.Addresses[0];
        var op = new CorridorClient(new HttpClient { BaseAddress = new Uri(url) }, server.NewOperatorToken!);
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(100, "Central Bank", "central-bank"), c)).Unwrap();
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(1, "Bank A", "direct"), c)).Unwrap();
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(404, 100, "0x4040", "0x4041", "KES"), c)).Unwrap();

        var (code, stdout, stderr) = await CorridorProcess.RunAsync("participants", "ledger-access", "--data", dir.Path, "--url", url, "--id", "1", "--grant", "7");
        Assert.True(code == 0, stderr);
        Assert.Contains("participant 1: raw transfers in ledgers 7", stdout);
        (code, stdout, _) = await CorridorProcess.RunAsync("participants", "ledger-access", "--data", dir.Path, "--url", url, "--id", "1");
        Assert.Equal(0, code);
        Assert.Contains("ledgers 7", stdout);
        Assert.Equal(new uint[] { 7 }, (await op.GetLedgerAccessAsync(1, c)).Unwrap().Ledgers);

        (code, _, stderr) = await CorridorProcess.RunAsync("participants", "ledger-access", "--data", dir.Path, "--url", url, "--id", "1", "--grant", "404");
        Assert.Equal(1, code);
        Assert.Contains("HTTP 422 settlement.settlement_ledger_not_grantable", stderr);
        (code, _, stderr) = await CorridorProcess.RunAsync("participants", "ledger-access", "--data", dir.Path, "--url", url, "--id", "1", "--grant", "7", "--withdraw", "7");
        Assert.NotEqual(0, code);
        Assert.Contains("give --grant or --withdraw, not both", stderr);

        (code, stdout, stderr) = await CorridorProcess.RunAsync("participants", "ledger-access", "--data", dir.Path, "--url", url, "--id", "1", "--withdraw", "7");
        Assert.True(code == 0, stderr);
        Assert.Contains("participant 1: no raw ledger access", stdout);
    }
}
