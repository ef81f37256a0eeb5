using System.Net;
using Corridor.Client;
using Corridor.Server;
using Corridor.Storage.Node;
using Microsoft.Extensions.Logging;

namespace Corridor.Server.Tests;

/// <summary>A real server (Kestrel on a loopback port) over a node in a temp dir, with a small settlement world:
/// central bank 100 (ledger 1), direct participants 1 and 2 with settlement accounts 0x11 / 0x21 funded with 1,000,000.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    public const ulong CentralBank = 100, Alice = 1, Bob = 2;
    public const string AliceAccount = "0x11", BobAccount = "0x21", CbAccount = "0x1000", Clearing = "0x1001";
    public const uint Ledger = 1;
    public const long Funding = 1_000_000;
    /// <summary>A non-settlement ledger (a bank's own book) the operator granted Alice and Bob for raw transfers, with accounts 0x19 / 0x29
    /// (no overdraft) funded with <see cref="Funding"/> each from the operator's 0x9000. Settlement ledger 1 takes payments only.</summary>
    public const uint Book = 9;
    public const string AliceBook = "0x19", BobBook = "0x29", BookSource = "0x9000";

    private readonly string _dir;
    public CorridorServer Server { get; }
    public CorridorClient Operator { get; }
    public CorridorClient AliceClient { get; private set; } = null!;
    public CorridorClient BobClient { get; private set; } = null!;
    public CorridorClient Anonymous { get; }
    public string AliceToken { get; private set; } = "";
    /// <summary>The node's data directory (journal in <c>journal/</c>).</summary>
    public string DataPath => _dir;

    private TestNode(string dir, CorridorServer server, HttpMessageHandler? handler)
    {
        _dir = dir;
        Server = server;
        var http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = new Uri(server.Addresses[0]) };
        Operator = new CorridorClient(http, server.NewOperatorToken!);
        Anonymous = new CorridorClient(http, null);
    }

    /// <summary>Starts the node; with <paramref name="tls"/> it listens on https only and the token clients use <paramref name="handler"/> (which must trust the server).</summary>
    public static async Task<TestNode> StartAsync(bool world = true, int queueCapacity = 4_096, Corridor.Server.Auth.TlsSettings? tls = null, HttpMessageHandler? handler = null)
    {
        string dir = Directory.CreateTempSubdirectory("corridor-server-test-").FullName;
        CorridorServer server = await CorridorServer.StartAsync(new ServerOptions
        {
            DataPath = dir, Urls = [tls is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0"], Tls = tls,
            Node = new NodeOptions { SnapshotEveryEvents = 0, QueueCapacity = queueCapacity }, MinimumLogLevel = LogLevel.Error,
        });
        var node = new TestNode(dir, server, handler);
        if (world) await node.BuildWorldAsync();
        return node;
    }

    private async Task BuildWorldAsync()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        (await Operator.RegisterParticipantAsync(new RegisterParticipantRequest(CentralBank, "Central Bank", "central-bank"), c)).Unwrap();
        AliceToken = (await Operator.RegisterParticipantAsync(new RegisterParticipantRequest(Alice, "Alice Bank", "direct"), c)).Unwrap().Token;
        string bob = (await Operator.RegisterParticipantAsync(new RegisterParticipantRequest(Bob, "Bob Bank", "direct"), c)).Unwrap().Token;
        AliceClient = Operator.WithToken(AliceToken);
        BobClient = Operator.WithToken(bob);
        (await Operator.RegisterLedgerAsync(new RegisterLedgerRequest(Ledger, CentralBank, CbAccount, Clearing, "KES"), c)).Unwrap();
        (await Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Alice, Ledger, AliceAccount), c)).Unwrap();
        (await Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Bob, Ledger, BobAccount), c)).Unwrap();
        (await Operator.MoveLiquidityAsync(new LiquidityRequest("0x9001", Alice, Ledger, Funding, "inject"), c)).Unwrap();
        (await Operator.MoveLiquidityAsync(new LiquidityRequest("0x9002", Bob, Ledger, Funding, "inject"), c)).Unwrap();
        string[] floor = ["debits_must_not_exceed_credits"];
        (await Operator.CreateAccountAsync(new CreateAccountRequest(BookSource, Book, 1, Participant: CentralBank), c)).Unwrap();
        (await Operator.CreateAccountAsync(new CreateAccountRequest(AliceBook, Book, 1, Participant: Alice, Flags: floor), c)).Unwrap();
        (await Operator.CreateAccountAsync(new CreateAccountRequest(BobBook, Book, 1, Participant: Bob, Flags: floor), c)).Unwrap();
        (await Operator.CreateTransferAsync(new CreateTransferRequest("0x9003", BookSource, AliceBook, Funding, Book, 1), c)).Unwrap();
        (await Operator.CreateTransferAsync(new CreateTransferRequest("0x9004", BookSource, BobBook, Funding, Book, 1), c)).Unwrap();
        (await Operator.SetLedgerAccessAsync(Alice, Book, c: c)).Unwrap();
        (await Operator.SetLedgerAccessAsync(Bob, Book, c: c)).Unwrap();
    }

    /// <summary>Sequence and state hash: equal before and after means nothing changed.</summary>
    public Task<(long Sequence, string Hash)> StateAsync() => Server.Node.QueryAsync(e => (e.Sequence, e.StateHashHex()));

    public static async Task<(HttpStatusCode Status, string Body, string? ContentType)> Send(CorridorClient client, HttpMethod method, string path, string? json)
    {
        using HttpResponseMessage r = await client.SendRawAsync(method, path, json, TestContext.Current.CancellationToken);
        return (r.StatusCode, await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), r.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// The value of the one sample of <paramref name="name"/> in a Prometheus text exposition whose labels include
    /// <paramref name="labels"/> (other labels, such as OpenTelemetry's <c>otel_scope_name</c>, are ignored).
    /// </summary>
    public static double Metric(string exposition, string name, params (string Key, string Value)[] labels)
    {
        var matches = new List<double>();
        foreach (string line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' ')) continue;
            int close = line[name.Length] == '{' ? line.IndexOf("} ", StringComparison.Ordinal) : name.Length - 1;
            string labelText = line[name.Length] == '{' ? line[(name.Length + 1)..close] : "";
            if (!labels.All(l => labelText.Split(',').Contains($"{l.Key}=\"{l.Value}\""))) continue;
            matches.Add(double.Parse(line[(close + 2)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.True(matches.Count == 1, $"{matches.Count} samples of {name} with {string.Join(",", labels)}");
        return matches[0];
    }

    /// <summary>The repository's root folder (where Corridor.slnx is), above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Corridor.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Corridor.slnx not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
