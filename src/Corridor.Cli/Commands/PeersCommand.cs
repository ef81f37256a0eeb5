using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Corridor.Client;
using Corridor.Server;
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
