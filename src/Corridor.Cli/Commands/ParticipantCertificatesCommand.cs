using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Corridor.Client;
using Corridor.Server.Auth;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>corridor participants certificates add|revoke|list</c>: bind client certificates (mutual TLS) to participants or operator
/// users, revoke them, list them. Each bind or revoke is an engine command journaled with the acting operator.
/// </summary>
internal static class ParticipantCertificatesCommand
{
    public static Command Create()
    {
        var command = new Command("certificates", "Bind, revoke and list client certificates (mutual TLS) of participants and operator users on the running node.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Revoke());
        command.Subcommands.Add(List());
        return command;
    }

    /// <summary>How a command names a certificate: its PEM file, its thumbprint, or a subject under an issuing CA.</summary>
    private sealed record KeyOptions(Option<FileInfo?> Cert, Option<string?> Thumbprint, Option<string?> Subject, Option<FileInfo?> IssuerCa, Option<string?> IssuerThumbprint)
    {
        public static KeyOptions AddTo(Command command)
        {
            var k = new KeyOptions(
                new Option<FileInfo?>("--cert") { Description = "PEM file of the client certificate: binds exactly that certificate (its SHA-256 thumbprint)." },
                new Option<string?>("--thumbprint") { Description = "SHA-256 thumbprint of the certificate (64 hex digits, colons allowed)." },
                new Option<string?>("--subject") { Description = "Subject distinguished name (e.g. \"CN=Bank A, O=Bank A, C=KE\"): every certificate of that subject from the issuing CA." },
                new Option<FileInfo?>("--issuer-ca") { Description = "PEM file of the CA that issues the --subject certificates." },
                new Option<string?>("--issuer-thumbprint") { Description = "SHA-256 thumbprint of the CA that issues the --subject certificates." });
            command.Options.Add(k.Cert);
            command.Options.Add(k.Thumbprint);
            command.Options.Add(k.Subject);
            command.Options.Add(k.IssuerCa);
            command.Options.Add(k.IssuerThumbprint);
            command.Validators.Add(r =>
            {
                int ways = (r.GetValue(k.Cert) is null ? 0 : 1) + (r.GetValue(k.Thumbprint) is null ? 0 : 1) + (r.GetValue(k.Subject) is null ? 0 : 1);
                if (ways != 1) r.AddError("name the certificate by exactly one of --cert, --thumbprint, --subject");
                if (r.GetValue(k.Subject) is not null && (r.GetValue(k.IssuerCa) is null) == (r.GetValue(k.IssuerThumbprint) is null))
                    r.AddError("--subject needs exactly one of --issuer-ca and --issuer-thumbprint");
            });
            return k;
        }

        /// <summary>(thumbprint, subject, issuer thumbprint) as the API takes them; reads the PEM files.</summary>
        public (string? Thumbprint, string? Subject, string? Issuer) Read(ParseResult parse)
        {
            if (parse.GetValue(Cert) is { } cert) return (Thumb(cert), null, null);
            if (parse.GetValue(Thumbprint) is { } t) return (t, null, null);
            string? issuer = parse.GetValue(IssuerCa) is { } ca ? Thumb(ca) : parse.GetValue(IssuerThumbprint);
            return (null, parse.GetValue(Subject), issuer);
        }

        private static string Thumb(FileInfo pem)
        {
            using X509Certificate2 c = X509Certificate2.CreateFromPem(File.ReadAllText(pem.FullName));
            return ClientCertificateAuthentication.Thumbprint(c);
        }
    }

    private static Command Add()
    {
        (Option<string> data, Option<string> url) = ParticipantsCommand.NodeOptions();
        var participant = new Option<ulong?>("--participant") { Description = "Participant the certificate acts as." };
        var operatorUser = new Option<uint?>("--operator-user") { Description = "Operator user the certificate acts as (administrators only)." };
        var command = new Command("add", "Bind a client certificate to a participant or an operator user: requests over it act exactly as that principal's token would.")
            { data, url, participant, operatorUser };
        KeyOptions key = KeyOptions.AddTo(command);
        command.Validators.Add(r =>
        {
            if ((r.GetValue(participant) is null) == (r.GetValue(operatorUser) is null)) r.AddError("give exactly one of --participant and --operator-user");
        });
        command.SetAction((parse, cancel) => Call(parse, data, url, key,
            (client, k) => client.BindCertificateAsync(new BindCertificateRequest(k.Thumbprint, k.Subject, k.Issuer, parse.GetValue(participant), parse.GetValue(operatorUser)), cancel),
            b => Console.WriteLine($"bound {b.Key} to {b.Principal} {b.PrincipalId}")));
        return command;
    }

    private static Command Revoke()
    {
        (Option<string> data, Option<string> url) = ParticipantsCommand.NodeOptions();
        var command = new Command("revoke", "Revoke a certificate binding (or deny one certificate by thumbprint): refused from the next request on, for good.") { data, url };
        KeyOptions key = KeyOptions.AddTo(command);
        command.SetAction((parse, cancel) => Call(parse, data, url, key,
            (client, k) => client.RevokeCertificateAsync(new RevokeCertificateRequest(k.Thumbprint, k.Subject, k.Issuer), cancel),
            b => Console.WriteLine($"revoked {b.Key}")));
        return command;
    }

    private static Command List()
    {
        (Option<string> data, Option<string> url) = ParticipantsCommand.NodeOptions();
        var participant = new Option<ulong?>("--participant") { Description = "Only this participant's bindings." };
        var json = new Option<bool>("--json") { Description = "Print the answer of GET /v1/certificates as JSON." };
        var command = new Command("list", "List certificate bindings: status, principal, key.") { data, url, participant, json };
        command.SetAction((parse, cancel) => ParticipantsCommand.AsOperator(parse, data, url, client => client.ListCertificatesAsync(parse.GetValue(participant), cancel), all =>
        {
            if (parse.GetValue(json)) { Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(all, CorridorJson.Options)); return; }
            Console.WriteLine($"{"status",-8} {"principal",-14} {"id",-20} key");
            foreach (CertificateBindingDto b in all) Console.WriteLine($"{b.Status,-8} {b.Principal,-14} {b.PrincipalId,-20} {b.Key}");
        }));
        return command;
    }

    private static async Task<int> Call(ParseResult parse, Option<string> data, Option<string> url, KeyOptions key,
        Func<CorridorClient, (string? Thumbprint, string? Subject, string? Issuer), Task<ApiResult<CertificateBindingDto>>> call, Action<CertificateBindingDto> print)
    {
        (string?, string?, string?) k;
        try { k = key.Read(parse); }
        catch (Exception e) when (e is CryptographicException or IOException)
        {
            await Console.Error.WriteLineAsync($"corridor: cannot read the certificate: {e.Message}");
            return 2;
        }
        return await ParticipantsCommand.AsOperator(parse, data, url, client => call(client, k), print);
    }
}
