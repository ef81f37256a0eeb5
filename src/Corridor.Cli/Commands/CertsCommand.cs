using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Corridor.Server.Auth;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor certs dev</c>: a throwaway CA, a server certificate and client certificates (PEM) for trying mutual TLS locally.</summary>
public static class CertsCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for the PEM files (created; existing files are overwritten).", DefaultValueFactory = _ => new DirectoryInfo("dev-certs") };
        var clients = new Option<string[]>("--client")
        {
            Description = "Name of a client certificate to make (repeatable): writes NAME.pem and NAME.key with subject \"CN=NAME, O=Corridor development\".",
            DefaultValueFactory = _ => ["bank-a", "bank-b"],
            AllowMultipleArgumentsPerToken = true,
        };
        var hosts = new Option<string[]>("--host")
        {
            Description = "Host names and IP addresses the server certificate is valid for (repeatable).",
            DefaultValueFactory = _ => ["localhost", "127.0.0.1", "::1"],
            AllowMultipleArgumentsPerToken = true,
        };
        var days = new Option<int>("--days") { Description = "Validity in days, from now (1 … 825).", DefaultValueFactory = _ => 30 };
        var dev = new Command("dev",
            "Make a throwaway development PKI: ca.pem/ca.key (the CA), server.pem/server.key (for corridor run --tls-cert/--tls-key) and a "
            + "certificate per --client (NAME.pem/NAME.key). Never for production: the CA's key sits beside the certificates. Then:\n"
            + "  corridor run --tls-cert dev-certs/server.pem --tls-key dev-certs/server.key --client-ca dev-certs/ca.pem\n"
            + "  SSL_CERT_FILE=dev-certs/ca.pem corridor participants certificates add --url https://127.0.0.1:7420 --participant 1 --cert dev-certs/bank-a.pem\n"
            + "  curl --cacert dev-certs/ca.pem --cert dev-certs/bank-a.pem --key dev-certs/bank-a.key https://127.0.0.1:7420/v1/participants/1")
            { output, clients, hosts, days };
        dev.SetAction(async parse =>
        {
            int validDays = parse.GetValue(days);
            if (validDays is < 1 or > 825) { await Console.Error.WriteLineAsync("corridor certs dev: --days must be 1 … 825"); return 2; }
            string[] names = parse.GetValue(clients)!;
            foreach (string n in names)
                if (n.Length is 0 or > 64 || !n.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                { await Console.Error.WriteLineAsync($"corridor certs dev: --client \"{n}\" must be 1 … 64 letters, digits, '-', '_' or '.'"); return 2; }
            var dns = new List<string>();
            var ips = new List<IPAddress>();
            foreach (string h in parse.GetValue(hosts)!) { if (IPAddress.TryParse(h, out IPAddress? ip)) ips.Add(ip); else dns.Add(h); }
            DirectoryInfo dir = parse.GetValue(output)!;
            dir.Create();
            DateTimeOffset from = DateTimeOffset.UtcNow.AddMinutes(-5), until = DateTimeOffset.UtcNow.AddDays(validDays);
            using X509Certificate2 ca = DevCertificates.CreateCa("Corridor development CA", from, until);
            DevCertificates.WritePem(ca, Path.Combine(dir.FullName, "ca.pem"), Path.Combine(dir.FullName, "ca.key"));
            using X509Certificate2 server = DevCertificates.CreateServer(ca, dns.FirstOrDefault() ?? "corridor", dns, ips, from, until);
            DevCertificates.WritePem(server, Path.Combine(dir.FullName, "server.pem"), Path.Combine(dir.FullName, "server.key"));
            Console.WriteLine($"CA      {Path.Combine(dir.FullName, "ca.pem")}  sha256 {ClientCertificateAuthentication.Thumbprint(ca)}");
            Console.WriteLine($"server  {Path.Combine(dir.FullName, "server.pem")}  for {string.Join(", ", parse.GetValue(hosts)!)}");
            foreach (string n in names)
            {
                using X509Certificate2 client = DevCertificates.CreateClient(ca, $"CN={n}, O=Corridor development", from, until);
                DevCertificates.WritePem(client, Path.Combine(dir.FullName, n + ".pem"), Path.Combine(dir.FullName, n + ".key"));
                Console.WriteLine($"client  {Path.Combine(dir.FullName, n + ".pem")}  sha256 {ClientCertificateAuthentication.Thumbprint(client)}  subject \"{client.Subject}\"");
            }
            Console.WriteLine($"valid until {until:u}; bind a client with: corridor participants certificates add --participant ID --cert {Path.Combine(dir.Name, names.FirstOrDefault() ?? "NAME")}.pem");
            return 0;
        });
        var command = new Command("certs", "Certificates for mutual TLS (docs/operations.md).");
        command.Subcommands.Add(dev);
        return command;
    }
}
