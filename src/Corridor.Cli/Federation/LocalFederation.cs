using System.Security.Cryptography.X509Certificates;
using Corridor.Cli.Commands;
using Corridor.Client;
using Corridor.Server;
using Corridor.Server.Federation;
using Corridor.Storage.Node;
using Microsoft.Extensions.Logging;

namespace Corridor.Cli.Federation;

/// <summary>
/// Two real nodes in this process for <c>corridor demo</c> and <c>corridor bench federation</c>: each its own data directory,
/// journal, API on a loopback port and peer endpoint (mutual TLS) with a throwaway node certificate; each operator pins the
/// other's certificate, and the <see cref="TwoNodeWorld"/> is set up on both.
/// </summary>
internal sealed class LocalFederation : IAsyncDisposable
{
    public required CorridorServer A { get; init; }
    public required CorridorServer B { get; init; }
    public required CorridorClient OperatorA { get; init; }
    public required CorridorClient OperatorB { get; init; }
    public required TwoNodeWorld.Parties Parties { get; init; }
    public required string FingerprintA { get; init; }
    public required string FingerprintB { get; init; }
    public required string PeerUrlA { get; init; }
    public required string PeerUrlB { get; init; }

    /// <summary>What to start: where, how much money, and who sees node A's link messages.</summary>
    public sealed record Settings(string Root, long PayerRub, long ProviderCny, long MaxQuoteRub, int MaxConnections, bool SnapshotOnStop, Action<WireMessage>? WireOfA = null,
        int BatchSize = PeerLinkOptions.DefaultBatchSize);

    public static async Task<LocalFederation> StartAsync(Settings s, CancellationToken c)
    {
        CorridorServer? a = null, b = null;
        try
        {
            a = await StartNodeAsync(Path.Combine(s.Root, "node-a-rub"), s, s.WireOfA, c);
            b = await StartNodeAsync(Path.Combine(s.Root, "node-b-cny"), s, null, c);
            CorridorClient opA = Operator(a, s.MaxConnections), opB = Operator(b, s.MaxConnections);
            string fa = Fingerprint(a), fb = Fingerprint(b), urlA = PeerUrl(a), urlB = PeerUrl(b);
            TwoNodeWorld.Parties parties = await TwoNodeWorld.SetUpAsync(opA, opB, s.PayerRub, s.ProviderCny, c, s.MaxQuoteRub);
            await TwoNodeWorld.PinPeersAsync(opA, urlB, fb, opB, urlA, fa, c);
            return new LocalFederation
            {
                A = a, B = b, OperatorA = opA, OperatorB = opB, Parties = parties, FingerprintA = fa, FingerprintB = fb, PeerUrlA = urlA, PeerUrlB = urlB,
            };
        }
        catch
        {
            if (b is not null) await b.DisposeAsync();
            if (a is not null) await a.DisposeAsync();
            throw;
        }
    }

    private static async Task<CorridorServer> StartNodeAsync(string data, Settings s, Action<WireMessage>? wire, CancellationToken c)
    {
        string prefix = Path.Combine(data, "node");
        PeersCommand.MakeCertificate(prefix, "localhost");
        return await CorridorServer.StartAsync(new ServerOptions
        {
            DataPath = data, Urls = ["http://127.0.0.1:0"], ReadModel = "none", LogFormat = "simple", MinimumLogLevel = LogLevel.Error,
            Node = new NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = s.SnapshotOnStop },
            Peers = new PeerLinkOptions(0, prefix + ".pem", prefix + ".key") { Wire = wire, Host = System.Net.IPAddress.Loopback, BatchSize = s.BatchSize }, // both nodes in this process: nothing to serve outside
        }, c);
    }

    private static CorridorClient Operator(CorridorServer node, int maxConnections) =>
        CorridorClient.Create(new Uri(node.Addresses[0]), node.NewOperatorToken ?? Corridor.Server.Auth.SecretsDirectory.ReadOperatorToken(node.DataPath), maxConnections);

    private static string Fingerprint(CorridorServer node) =>
        PeerLinks.Fingerprint(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(node.DataPath, "node.pem"))));

    /// <summary>The peer endpoint listens on loopback (<see cref="PeerLinkOptions.Host"/>); its peer reaches it there.</summary>
    private static string PeerUrl(CorridorServer node) => $"https://127.0.0.1:{new Uri(node.PeerAddress!).Port}";

    /// <summary>Waits until the payment is final on A and, when settled there, settled on B; returns A's final status, or null after <paramref name="timeout"/>.</summary>
    public async Task<string?> FinalAsync(string id, string uetr, TimeSpan timeout, CancellationToken c)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            string onA = (await OperatorA.GetCrossNodePaymentAsync(id, c)).Unwrap().Status;
            if (onA == "refused") return onA;
            if (onA == "settled" && (await OperatorB.GetCrossNodePaymentAsync(uetr, c)) is { Ok: true, Value.Status: "settled" }) return onA;
            await Task.Delay(20, c);
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
