using Corridor.Client;
using Corridor.Server;
using Corridor.Storage.Node;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Corridor.Server.Http;

namespace Corridor.Console.Tests;

/// <summary>
/// A real node and HTTP server (Kestrel on a loopback port, data in a temp dir) with a small world, and Debian's Chromium
/// driven by Playwright: central bank 100 (ledger 1, KES), direct participants Alice 1 and Bob 2 with settlement accounts
/// 0x11 / 0x21, operator users otto and olga (role operator) and cathy and carl (role compliance), a sanctions list.
/// </summary>
public sealed class ConsoleNode : IAsyncLifetime
{
    public const ulong CentralBank = 100, Alice = 1, Bob = 2;
    public const uint Ledger = 1;
    public const string Sanctions = "id,kind,name,aliases,countries,dates_of_birth,program\nRU-1,person,\"PUTIN, Vladimir\",,RU,1952-10-07,EO13660\n";
    private const string Chromium = "/usr/bin/chromium";

    private string _dir = "";
    private IPlaywright? _playwright;

    public CorridorServer Server { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Url { get; private set; } = "";
    public CorridorClient Root { get; private set; } = null!;
    public string RootToken { get; private set; } = "";
    public string AliceToken { get; private set; } = "";
    public string BobToken { get; private set; } = "";
    public Dictionary<string, string> Users { get; } = new();
    public CorridorClient AliceClient => Root.WithToken(AliceToken);
    public CorridorClient BobClient => Root.WithToken(BobToken);

    private readonly Corridor.Server.Federation.PeerLinkOptions? _peers;

    public ConsoleNode() { }

    /// <summary>A node that also runs a peer endpoint and outbox (federation) with <paramref name="peers"/>.</summary>
    public ConsoleNode(Corridor.Server.Federation.PeerLinkOptions peers) => _peers = peers;

    public async ValueTask InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("corridor-console-test-").FullName;
        Server = await CorridorServer.StartAsync(new ServerOptions
        {
            DataPath = _dir, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0 }, MinimumLogLevel = LogLevel.Error, Peers = _peers,
        });
        Url = Server.Addresses[0];
        RootToken = Server.NewOperatorToken!;
        Root = new CorridorClient(new HttpClient { BaseAddress = new Uri(Url) }, RootToken);
        (await Root.RegisterParticipantAsync(new RegisterParticipantRequest(CentralBank, "Central Bank of Kenya", "central-bank", "CBKEKENX"))).Unwrap();
        AliceToken = (await Root.RegisterParticipantAsync(new RegisterParticipantRequest(Alice, "Alice Bank", "direct", "ALICKENX"))).Unwrap().Token;
        BobToken = (await Root.RegisterParticipantAsync(new RegisterParticipantRequest(Bob, "Bob Bank", "direct", "BOBBKENX"))).Unwrap().Token;
        (await Root.RegisterLedgerAsync(new RegisterLedgerRequest(Ledger, CentralBank, "0x1000", "0x1001", "KES"))).Unwrap();
        (await Root.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Alice, Ledger, "0x11"))).Unwrap();
        (await Root.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Bob, Ledger, "0x21"))).Unwrap();
        foreach ((string name, string role) in new[] { ("otto", "operator"), ("olga", "operator"), ("cathy", "compliance"), ("carl", "compliance") })
            Users[name] = (await Root.RegisterOperatorAsync(new RegisterOperatorRequest(name, role))).Unwrap().Token!;
        (await Root.LoadWatchListAsync(new LoadWatchListRequest("sanctions", "csv", "2026-12", Sanctions))).Unwrap();

        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is missing: ./test.sh installs Debian's chromium package");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Opens business day 2026-12-07 and gives Alice and Bob 10,000.00 KES each.</summary>
    public async Task OpenDayAndFundAsync(CancellationToken c)
    {
        (await Root.OpenDayAsync(new DateOnly(2026, 12, 7), c)).Unwrap();
        (await Root.MoveLiquidityAsync(new LiquidityRequest("0x9001", Alice, Ledger, 1_000_000, "inject"), c)).Unwrap();
        (await Root.MoveLiquidityAsync(new LiquidityRequest("0x9002", Bob, Ledger, 1_000_000, "inject"), c)).Unwrap();
    }

    /// <summary>The repository's docs/screenshots folder (found from the test binary), where each test leaves its picture.</summary>
    public static string ScreenshotPath(string name)
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Corridor.slnx"))) dir = dir.Parent;
        string folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }

    /// <summary>A customer payment with full FATF R16 party data, an invoice and ISO 20022 references.</summary>
    public static SubmitPaymentRequest Customer(string id, long amount, string invoice, string beneficiary = "Jean Martin", ulong payee = Bob) =>
        new(id, payee, Ledger, amount,
            Originator: new FxPartyDto("Anna Weber", "Main Street", "1", "10115", "Berlin", "", "DE", "DE-ACC-1"),
            Beneficiary: new FxPartyDto(beneficiary, "Rue de Rivoli", "3", "75001", "Paris", "", "FR", "FR-ACC-2"),
            TradeReference: new FxTradeReferenceDto(invoice, new DateOnly(2026, 11, 20), "", "LC-9", "Tea", "090240", "CIF", "Mombasa"),
            References: new PaymentReferencesDto("MSG-" + id, "INSTR-" + id, "E2E-" + id, "TX-" + id));
}
