using System.Text.Json;
using Corridor.Client;
using Corridor.Server;
using Corridor.Storage.Node;
using Microsoft.Extensions.Logging;

namespace Corridor.Cli.Tests;

/// <summary><c>corridor compliance</c> and <c>corridor operators</c> against a real node over HTTP.</summary>
public sealed class ComplianceCommandTests
{
    private const string List = "id,kind,name,aliases,countries,dates_of_birth,program\nRU-1,person,\"PUTIN, Vladimir\",\"Владимир Путин\",RU,1952-10-07,UKRAINE-EO13660\n";

    private static FxPartyDto Person(string name, string town, string country, string account) => new(name, "Main Street", "1", "10115", town, "", country, account);

    [Fact]
    public async Task Load_a_list_then_a_held_payment_is_released_from_the_cli_and_settles_and_the_audit_export_names_who()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using CorridorServer server = await CorridorServer.StartAsync(new ServerOptions
        {
            DataPath = dir.Path, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0 }, MinimumLogLevel = LogLevel.Error,
        }, c);
        string url = server.Addresses[0];
        string rootTokenFile = Path.Combine(dir.Path, "secrets", "operator.token");
        CorridorClient op = CorridorClient.Create(new Uri(url), server.NewOperatorToken!);
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(100, "Central Bank", "central-bank"), c)).Unwrap();
        string alice = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(1, "Alice Bank", "direct"), c)).Unwrap().Token;
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(2, "Bob Bank", "direct"), c)).Unwrap();
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(1, 100, "0x1000", "0x1001", "KES"), c)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(1, 1, "0x11"), c)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(2, 1, "0x21"), c)).Unwrap();
        (await op.MoveLiquidityAsync(new LiquidityRequest("0x9001", 1, 1, 10_000, "inject"), c)).Unwrap();
        (await op.OpenDayAsync(new DateOnly(2026, 11, 23), c)).Unwrap();

        // A named compliance officer, issued by the root operator.
        var (code, stdout, stderr) = await CorridorProcess.RunAsync("operators", "add", "carl", "--role", "compliance", "--url", url, "--token-file", rootTokenFile);
        Assert.True(code == 0, stderr);
        using JsonDocument carlDoc = JsonDocument.Parse(stdout);
        string carlToken = carlDoc.RootElement.GetProperty("token").GetString()!;
        Assert.Equal("compliance", carlDoc.RootElement.GetProperty("role").GetString());

        string listFile = Path.Combine(dir.Path, "sanctions.csv");
        await File.WriteAllTextAsync(listFile, List, c);
        (code, stdout, stderr) = await CorridorProcess.RunAsync("compliance", "lists", "load", listFile, "--name", "sanctions", "--format", "csv", "--url", url, "--token", carlToken);
        Assert.True(code == 0, stderr);
        Assert.Contains("\"entries\": 1", stdout);
        (code, stdout, _) = await CorridorProcess.RunAsync("compliance", "lists", "show", "--url", url, "--token", carlToken);
        Assert.Equal(0, code);
        Assert.Contains("sanctions", stdout);

        var payment = new SubmitPaymentRequest("0x71", 2, 1, 400,
            Originator: Person("Anna Weber", "Berlin", "DE", "DE-ACC-1"), Beneficiary: Person("Wladimir Putin", "Paris", "FR", "FR-ACC-2"));
        Assert.Equal("held", (await op.WithToken(alice).SubmitPaymentAsync(payment, c)).Unwrap().Status);

        (code, stdout, _) = await CorridorProcess.RunAsync("compliance", "holds", "list", "--url", url, "--token", carlToken);
        Assert.Equal(0, code);
        Assert.Contains("RU-1", stdout);
        // A decision without a reason is refused by the CLI itself.
        (code, _, stderr) = await CorridorProcess.RunAsync("compliance", "holds", "release", "0x71", "--reason", " ", "--url", url, "--token", carlToken);
        Assert.Equal(2, code);
        Assert.Contains("--reason", stderr);
        (code, stdout, stderr) = await CorridorProcess.RunAsync("compliance", "holds", "release", "0x71", "--reason", "different person, passport checked", "--url", url, "--token", carlToken);
        Assert.True(code == 0, stderr);
        Assert.Contains("released", stdout);
        Assert.Equal("settled", (await op.GetPaymentAsync("0x71", c)).Unwrap().Status);
        Assert.Equal(9_600, (await op.GetSettlementAccountAsync(1, 1, c)).Unwrap().BalanceMinor);

        string exportFile = Path.Combine(dir.Path, "audit.json");
        (code, stdout, stderr) = await CorridorProcess.RunAsync("compliance", "audit", "export", "--output", exportFile, "--url", url, "--token", carlToken);
        Assert.True(code == 0, stderr);
        Assert.Contains("intact", stdout);
        using JsonDocument export = JsonDocument.Parse(await File.ReadAllTextAsync(exportFile, c));
        JsonElement entries = export.RootElement.GetProperty("entries");
        Assert.Contains(entries.EnumerateArray(), e => e.GetProperty("operation").GetString() == "release_hold" && e.GetProperty("operator_name").GetString() == "carl");
        Assert.Contains(entries.EnumerateArray(), e => e.GetProperty("operation").GetString() == "open_business_day" && e.GetProperty("operator_name").GetString() == "root");
        (code, stdout, _) = await CorridorProcess.RunAsync("compliance", "audit", "export", "--from", "3", "--url", url, "--token", carlToken);
        Assert.Equal(0, code);
        Assert.Equal(3, JsonDocument.Parse(stdout).RootElement.GetProperty("entries")[0].GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Rules_and_threshold_from_the_cli_and_clear_errors()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using CorridorServer server = await CorridorServer.StartAsync(new ServerOptions
        {
            DataPath = dir.Path, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0 }, MinimumLogLevel = LogLevel.Error,
        }, c);
        string url = server.Addresses[0];
        string token = server.NewOperatorToken!;
        var (code, stdout, stderr) = await CorridorProcess.RunAsync("compliance", "rules", "set", "kes-cap", "--limit", "KES:100000:500000", "--block-country", "KP", "--url", url, "--token", token);
        Assert.True(code == 0, stderr);
        Assert.Contains("kes-cap", stdout);
        (code, stdout, _) = await CorridorProcess.RunAsync("compliance", "rules", "list", "--url", url, "--token", token);
        Assert.Equal(0, code);
        Assert.Contains("KP", stdout);
        (code, stdout, _) = await CorridorProcess.RunAsync("compliance", "rules", "remove", "kes-cap", "--url", url, "--token", token);
        Assert.Equal(0, code);
        Assert.Equal("[]", stdout.Trim());
        (code, _, stderr) = await CorridorProcess.RunAsync("compliance", "rules", "remove", "kes-cap", "--url", url, "--token", token);
        Assert.Equal(1, code);
        Assert.Contains("compliance.rule_not_found", stderr);
        (code, stdout, _) = await CorridorProcess.RunAsync("compliance", "threshold", "set", "92", "--url", url, "--token", token);
        Assert.Equal(0, code);
        Assert.Contains("92", stdout);
        (code, _, stderr) = await CorridorProcess.RunAsync("compliance", "threshold", "set", "101", "--url", url, "--token", token);
        Assert.Equal(2, code);
        Assert.Contains("0…100", stderr);
        (code, _, stderr) = await CorridorProcess.RunAsync("compliance", "holds", "list", "--url", url);
        Assert.Equal(2, code);
        Assert.Contains("--token", stderr);
        (code, stdout, _) = await CorridorProcess.RunAsync("compliance", "--help");
        Assert.Contains("holds", stdout);
        Assert.Contains("audit", stdout);
    }

    [Fact]
    public async Task Audit_verify_replays_the_operator_actions_and_checks_their_hash_chain()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        CorridorServer server = await CorridorServer.StartAsync(new ServerOptions
        {
            DataPath = dir.Path, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0 }, MinimumLogLevel = LogLevel.Error,
        }, c);
        try
        {
            CorridorClient root = CorridorClient.Create(new Uri(server.Addresses[0]), server.NewOperatorToken!);
            OperatorDto anna = (await root.RegisterOperatorAsync(new RegisterOperatorRequest("anna", "operator"), c)).Unwrap();
            CorridorClient annaClient = root.WithToken(anna.Token);
            (await annaClient.RegisterParticipantAsync(new RegisterParticipantRequest(1, "Alice Bank", "direct"), c)).Unwrap();
            Assert.Equal("suspended", (await annaClient.ChangeParticipantStatusAsync(1, "suspended", c)).Unwrap().Status);
        }
        finally { await server.DisposeAsync(); }
        var (code, stdout, _) = await CorridorProcess.RunAsync("audit", "verify", dir.Path);
        Assert.True(code == 0, stdout);
        string line = stdout.Split('\n').Single(l => l.StartsWith("audit log", StringComparison.Ordinal));
        Assert.Contains("hash chain intact", line);
        Assert.Contains("4 operator actions", line); // root registered, anna registered, participant registered, status changed
    }

    [Fact]
    public async Task Operators_disable_and_enable_from_the_cli_refuse_then_restore_the_users_token()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using CorridorServer server = await CorridorServer.StartAsync(new ServerOptions
        {
            DataPath = dir.Path, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0 }, MinimumLogLevel = LogLevel.Error,
        }, c);
        string url = server.Addresses[0];
        string rootTokenFile = Path.Combine(dir.Path, "secrets", "operator.token");
        CorridorClient root = CorridorClient.Create(new Uri(url), server.NewOperatorToken!);
        OperatorDto anna = (await root.RegisterOperatorAsync(new RegisterOperatorRequest("anna", "operator"), c)).Unwrap();
        string id = anna.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, stdout, stderr) = await CorridorProcess.RunAsync("operators", "disable", id, "--url", url, "--token-file", rootTokenFile);
        Assert.True(code == 0, stderr);
        Assert.Equal("disabled", JsonDocument.Parse(stdout).RootElement.GetProperty("status").GetString());
        (code, _, stderr) = await CorridorProcess.RunAsync("operators", "list", "--url", url, "--token", anna.Token!);
        Assert.Equal(1, code);
        Assert.Contains("auth.operator_disabled", stderr);
        // A non-administrator cannot re-enable anyone, and the root can never be disabled.
        (code, _, stderr) = await CorridorProcess.RunAsync("operators", "enable", id, "--url", url, "--token", anna.Token!);
        Assert.Equal(1, code);
        (code, _, stderr) = await CorridorProcess.RunAsync("operators", "disable", "1", "--url", url, "--token-file", rootTokenFile);
        Assert.Equal(1, code);
        Assert.Contains("operators.root_cannot_be_disabled", stderr);

        (code, stdout, stderr) = await CorridorProcess.RunAsync("operators", "enable", id, "--url", url, "--token-file", rootTokenFile);
        Assert.True(code == 0, stderr);
        Assert.Equal("active", JsonDocument.Parse(stdout).RootElement.GetProperty("status").GetString());
        (code, stdout, stderr) = await CorridorProcess.RunAsync("operators", "list", "--url", url, "--token", anna.Token!);
        Assert.True(code == 0, stderr);
        Assert.Contains("anna", stdout);
    }
}
