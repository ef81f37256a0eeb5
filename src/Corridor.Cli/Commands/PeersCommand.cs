using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Corridor.Cli.Federation;
using Corridor.Client;
using Corridor.Server;
using Corridor.Server.Auth;
using Corridor.Server.Federation;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>corridor peers add|list</c>: peer nodes of a running node (operator token from the data directory);
/// <c>corridor peers cert</c>: a throwaway self-signed node certificate for the peer endpoint, and its pinned fingerprint.
/// </summary>
public static class PeersCommand
{
    /// <summary>Validity of a certificate made by <c>corridor peers cert</c>.</summary>
    public const int CertificateDays = 365;

    public static Command Create()
    {
        var command = new Command("peers", "Peer nodes (federation): register, list, make a node certificate.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Cert());
        command.Subcommands.Add(Reconcile());
        return command;
    }

    private static (Option<string> Data, Option<string> Url) Connection() =>
        (new Option<string>("--data", "-d") { Description = "Data directory of the running node (its secrets/operator.token is used).", DefaultValueFactory = _ => DataDirectory.DefaultPath },
         new Option<string>("--url") { Description = "Base URL of the running node's API.", DefaultValueFactory = _ => ServerOptions.DefaultUrl });

    private static Command Add()
    {
        var (data, url) = Connection();
        var id = new Option<uint>("--id") { Description = "Peer id on this node (1 … 2^32−1).", Required = true };
        var name = new Option<string>("--name") { Description = "Peer name (≤ 64 characters).", Required = true };
        var peerUrl = new Option<string>("--peer-url") { Description = "The peer's endpoint base, https://host:peer-port.", Required = true };
        var sha = new Option<string?>("--cert-sha256") { Description = "SHA-256 of the peer's node certificate (64 hex digits)." };
        var file = new Option<FileInfo?>("--cert") { Description = "The peer's node certificate (PEM); its SHA-256 is pinned." };
        var status = new Option<string>("--status") { Description = "active or suspended.", DefaultValueFactory = _ => "active" };
        status.AcceptOnlyFromAmong("active", "suspended");
        var add = new Command("add", "Register (or change) a peer node and pin its certificate.") { data, url, id, name, peerUrl, sha, file, status };
        add.Validators.Add(r =>
        {
            if ((r.GetValue(sha) is null) == (r.GetValue(file) is null)) r.AddError("give --cert-sha256 or --cert, one of them");
        });
        add.SetAction(async (parse, cancel) =>
        {
            string fingerprint;
            try
            {
                fingerprint = parse.GetValue(sha) is { } given ? given.ToLowerInvariant()
                    : PeerLinks.Fingerprint(X509Certificate2.CreateFromPem(File.ReadAllText(parse.GetValue(file)!.FullName)));
            }
            catch (Exception e) when (e is CryptographicException or IOException)
            {
                await Console.Error.WriteLineAsync($"corridor: --cert {parse.GetValue(file)!.FullName}: {e.Message}");
                return 2;
            }
            return await ParticipantsCommand.AsOperator(parse, data, url,
                client => client.RegisterPeerAsync(new RegisterPeerRequest(parse.GetValue(id), parse.GetValue(name)!, parse.GetValue(peerUrl)!, fingerprint, parse.GetValue(status)!), cancel),
                p => Console.WriteLine($"peer {p.Id} ({p.Name}) at {p.Url}, certificate sha256 {p.CertificateSha256}, {p.Status}"));
        });
        return add;
    }

    private static Command List()
    {
        var (data, url) = Connection();
        var list = new Command("list", "List peer nodes and the state of the link to each.") { data, url };
        list.SetAction((parse, cancel) => ParticipantsCommand.AsOperator(parse, data, url, client => client.ListPeersAsync(cancel), peers =>
        {
            foreach (PeerDto p in peers)
                Console.WriteLine($"{p.Id}\t{p.Name}\t{p.Url}\t{p.Status}\t{p.CertificateSha256}\t" +
                    (p.Link is { } l ? $"{l.Awaiting} awaiting, {(l.LastError is null ? "up" : "down: " + l.LastError)}" : "no link (node runs without --peer-cert)"));
        }));
        return list;
    }

    private static Command Reconcile()
    {
        var (data, url) = Connection();
        var peer = new Option<uint>("--peer") { Description = "The peer's id on this node.", Required = true };
        var peerApi = new Option<string>("--peer-api") { Description = "Base URL of the peer node's API (not its peer endpoint).", Required = true };
        var peerToken = new Option<FileInfo>("--peer-token-file") { Description = "File holding an operator token of the peer node (its operator issues one, e.g. `corridor operators add reconcile --role operator`).", Required = true };
        var thisThere = new Option<uint?>("--id-there") { Description = "This node's peer id on the peer (default: the peer's only peer)." };
        var command = new Command("reconcile",
            "Compare the cross-node payments this node recorded with peer N against those the peer recorded with this node, through both nodes' APIs " +
            "with operator tokens: payments in flight, settled and refused on each side, the FX provider's settled positions on both sides, and every " +
            "disagreement (settled on one side only, amounts that differ, a payment one side never recorded). Exit 0 when both sides agree, 1 on any disagreement.")
            { data, url, peer, peerApi, peerToken, thisThere };
        command.SetAction(async (parse, cancel) =>
        {
            string root = Path.GetFullPath(parse.GetValue(data)!);
            string? hereToken = SecretsDirectory.ReadOperatorToken(root);
            if (hereToken is null) { await Console.Error.WriteLineAsync($"corridor: no operator token in {root}/secrets (start the node with `corridor run --data {root}` first)"); return 2; }
            FileInfo tokenFile = parse.GetValue(peerToken)!;
            if (!tokenFile.Exists) { await Console.Error.WriteLineAsync($"corridor: --peer-token-file {tokenFile.FullName} does not exist"); return 2; }
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out Uri? hereUrl) || !Uri.TryCreate(parse.GetValue(peerApi), UriKind.Absolute, out Uri? thereUrl))
            { await Console.Error.WriteLineAsync("corridor: --url and --peer-api must be absolute URLs (http://host:port)"); return 2; }
            CorridorClient here = CorridorClient.Create(hereUrl, hereToken, 2), there = CorridorClient.Create(thereUrl, File.ReadAllText(tokenFile.FullName).Trim(), 2);
            uint peerId = parse.GetValue(peer);
            try
            {
                PeerDto[] herePeers = Answer(await here.ListPeersAsync(cancel), "this node", "GET /v1/peers");
                PeerDto[] therePeers = Answer(await there.ListPeersAsync(cancel), "the peer", "GET /v1/peers");
                PeerDto thePeer = herePeers.FirstOrDefault(p => p.Id == peerId) ?? throw new ReconcileException($"peer {peerId} is not registered on this node (`corridor peers list`)", 2);
                uint idThere = parse.GetValue(thisThere) ?? (therePeers.Length == 1 ? therePeers[0].Id
                    : throw new ReconcileException($"the peer has {therePeers.Length} peers ({string.Join(", ", therePeers.Select(p => p.Id))}); give --id-there", 2));
                if (therePeers.All(p => p.Id != idThere)) throw new ReconcileException($"peer {idThere} is not registered on the peer node", 2);
                List<CrossNodePaymentDto> mine = await AllAsync(here, peerId, "this node", cancel), theirs = await AllAsync(there, idThere, "the peer", cancel);
                Reconciliation.Report report = Reconciliation.Compare(mine, theirs);
                Print(report, thePeer, idThere, hereUrl, thereUrl);
                return report.Disagreements.Count == 0 ? 0 : 1;
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"corridor: cannot reach a node ({hereUrl} or {thereUrl}): {e.Message}");
                return 3;
            }
            catch (ReconcileException e)
            {
                await Console.Error.WriteLineAsync($"corridor: {e.Message}");
                return e.ExitCode;
            }
        });
        return command;
    }

    private sealed class ReconcileException(string message, int exitCode) : Exception(message)
    {
        public int ExitCode { get; } = exitCode;
    }

    private static T Answer<T>(ApiResult<T> r, string node, string what) => r.Ok && r.Value is not null ? r.Value
        : throw new ReconcileException($"{what} on {node}: HTTP {(int)r.Status} {r.Problem?.Code}: {r.Problem?.Detail}", 1);

    private static async Task<List<CrossNodePaymentDto>> AllAsync(CorridorClient client, uint peer, string node, CancellationToken cancel)
    {
        var all = new List<CrossNodePaymentDto>();
        const int page = 10_000;
        while (true)
        {
            CrossNodePaymentDto[] got = Answer(await client.ListCrossNodePaymentsAsync(peer, all.Count, page, cancel), node, $"GET /v1/federation/payments?peer={peer}");
            all.AddRange(got);
            if (got.Length < page) return all;
        }
    }

    private static void Print(Reconciliation.Report r, PeerDto peer, uint idThere, Uri hereUrl, Uri thereUrl)
    {
        Console.WriteLine($"reconcile: this node ({hereUrl}) with peer {peer.Id} {peer.Name} ({thereUrl}; this node is peer {idThere} there)");
        Console.WriteLine($"{"",-12} {"in flight",10} {"settled",10} {"refused",10}");
        Console.WriteLine($"{"here",-12} {r.Here.InFlight,10} {r.Here.Settled,10} {r.Here.Refused,10}");
        Console.WriteLine($"{"there",-12} {r.There.InFlight,10} {r.There.Settled,10} {r.There.Refused,10}");
        Console.WriteLine("FX provider positions (settled cross-node payments, minor units):");
        foreach (var (side, positions) in new[] { ("here", r.PositionsHere), ("there", r.PositionsThere) })
        {
            if (positions.Count == 0) Console.WriteLine($"  {side}: none");
            foreach (Reconciliation.Position p in positions)
                Console.WriteLine($"  {side}: provider {p.Provider} {p.Leg} {p.AmountMinor} {p.Currency} in {p.Payments} payment{(p.Payments == 1 ? "" : "s")}");
        }
        if (r.Disagreements.Count == 0) { Console.WriteLine("agreed: every payment is settled on both sides or on neither, with the same amounts"); return; }
        Console.WriteLine($"DISAGREEMENTS: {r.Disagreements.Count}");
        foreach (string d in r.Disagreements) Console.WriteLine("  " + d);
    }

    /// <summary>
    /// Writes a self-signed P-256 node certificate <c>prefix.pem</c> and its key <c>prefix.key</c> (mode 0600) for the subject
    /// <paramref name="name"/> and 127.0.0.1, unless both exist; true when it wrote them.
    /// </summary>
    public static bool MakeCertificate(string prefix, string name)
    {
        string pem = prefix + ".pem", key = prefix + ".key";
        if (File.Exists(pem) && File.Exists(key)) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(pem)!);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, ecdsa, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(CertificateDays));
        File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(pem, made.ExportCertificatePem());
        return true;
    }

    private static Command Cert()
    {
        var output = new Option<string>("--out") { Description = "Path prefix: writes <out>.pem and <out>.key (kept when they exist).", DefaultValueFactory = _ => Path.Combine(DataDirectory.DefaultPath, "node") };
        var name = new Option<string>("--name") { Description = "Subject common name (e.g. the node's host name).", DefaultValueFactory = _ => "localhost" };
        var cert = new Command("cert", "Make a throwaway self-signed node certificate for --peer-cert/--peer-key (unless one exists) and print its SHA-256 for the peer's `corridor peers add`.") { output, name };
        cert.SetAction(parse =>
        {
            string prefix = Path.GetFullPath(parse.GetValue(output)!);
            string pem = prefix + ".pem", key = prefix + ".key";
            if (MakeCertificate(prefix, parse.GetValue(name)!)) Console.WriteLine($"corridor: wrote {pem} and {key}");
            Console.WriteLine(PeerLinks.Fingerprint(X509Certificate2.CreateFromPemFile(pem, key)));
            return 0;
        });
        return cert;
    }
}
