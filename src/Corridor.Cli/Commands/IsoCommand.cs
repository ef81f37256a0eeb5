using System.CommandLine;
using Corridor.Iso20022;
using Corridor.Iso20022.Validation;
using Corridor.Iso20022.Xml;
using IsoParseResult = Corridor.Iso20022.ParseResult;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor iso ...</c>: ISO 20022 messages at the edge.</summary>
public static class IsoCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The message (XML: a Document, or an Envelope with AppHdr and Document)." };
        var pacs002 = new Option<bool>("--pacs002") { Description = "Also print the pacs.002 status report Corridor would answer with." };
        var validate = new Command("validate", "Validate a message against its ISO 20022 schema and Corridor's business rules; prints each problem with its ISO reason code. Exit 0 when valid, 1 when not.")
        {
            file, pacs002,
        };
        validate.SetAction(parse =>
        {
            FileInfo f = parse.GetValue(file)!;
            if (!f.Exists) { Console.Error.WriteLine($"corridor iso validate: no such file {f.FullName}"); return 2; }
            if (f.Length > XmlLimits.MaxMessageBytes) { Console.Error.WriteLine($"corridor iso validate: FF01 message of {f.Length} bytes exceeds {XmlLimits.MaxMessageBytes}"); return 1; }
            byte[] xml = File.ReadAllBytes(f.FullName);
            IsoParseResult parsed = Iso20022Codec.Parse(xml);
            IReadOnlyList<ValidationIssue> issues = parsed.IsSuccess ? Iso20022Codec.Validate(parsed.Message!) : parsed.Errors;
            string definition = parsed.Message?.MessageDefinition ?? parsed.DetectedDefinition ?? "unknown message";
            if (issues.Count == 0) Console.WriteLine($"valid {definition} {parsed.Message!.MsgId}");
            foreach (ValidationIssue issue in issues) Console.WriteLine($"{issue.ReasonCode} {issue.Path}: {issue.Message}");
            if (parse.GetValue(pacs002))
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                string reportId = "CRDR-" + now.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
                byte[] report = parsed.Message is null
                    ? Iso20022Codec.BuildRejection(parsed, reportId, now)
                    : Iso20022Codec.Build(Iso20022Codec.StatusReportFor(parsed.Message, issues, reportId, now), indent: true);
                Console.WriteLine(System.Text.Encoding.UTF8.GetString(report));
            }
            return issues.Count == 0 ? 0 : 1;
        });
        var sendFile = new Argument<FileInfo>("file") { Description = "The pacs.008, pacs.009, pacs.004 or camt.056 to send." };
        var url = new Option<string>("--url") { Description = "Base URL of the running node.", DefaultValueFactory = _ => Corridor.Server.ServerOptions.DefaultUrl };
        var token = new Option<string?>("--token") { Description = "The sending participant's API token." };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = "File holding the API token (e.g. data/secrets/operator.token)." };
        var send = new Command("send", "Send a message to a running node (POST /v1/iso20022) and print the answer: a pacs.002 (camt.029 for a camt.056). Exit 0 when nothing was rejected.")
        {
            sendFile, url, token, tokenFile,
        };
        send.SetAction(async (parse, cancel) =>
        {
            FileInfo f = parse.GetValue(sendFile)!;
            if (!f.Exists) { await Console.Error.WriteLineAsync($"corridor iso send: no such file {f.FullName}"); return 2; }
            string? bearer = parse.GetValue(token) ?? (parse.GetValue(tokenFile) is { } tf ? (await File.ReadAllTextAsync(tf.FullName, cancel)).Trim() : null);
            if (string.IsNullOrEmpty(bearer)) { await Console.Error.WriteLineAsync("corridor iso send: give --token or --token-file"); return 2; }
            var client = Corridor.Client.CorridorClient.Create(new Uri(parse.GetValue(url)!), bearer);
            Corridor.Client.IsoReply reply;
            try { reply = await client.SendIso20022Async(await File.ReadAllBytesAsync(f.FullName, cancel), cancel); }
            catch (HttpRequestException e) { await Console.Error.WriteLineAsync($"corridor iso send: cannot reach {parse.GetValue(url)}: {e.Message}"); return 3; }
            Console.WriteLine(reply.Body);
            if ((int)reply.Status >= 400) { await Console.Error.WriteLineAsync($"corridor iso send: HTTP {(int)reply.Status}"); return 1; }
            return reply.Body.Contains("<TxSts>RJCT</TxSts>", StringComparison.Ordinal) || reply.Body.Contains("<GrpSts>RJCT</GrpSts>", StringComparison.Ordinal)
                || reply.Body.Contains("<TxCxlSts>RJCR</TxCxlSts>", StringComparison.Ordinal) ? 1 : 0;
        });
        return new Command("iso", "ISO 20022 messages: validate offline, send to a running node, fetch camt reports from it.") { validate, send, Fetch() };
    }

    /// <summary><c>corridor iso fetch camt054|camt053|camt052</c>: outbound cash-management messages through the typed client.</summary>
    private static Command Fetch()
    {
        var kind = new Argument<string>("message") { Description = "camt054 (notifications since --since), camt053 (statement of --day) or camt052 (intraday report)." };
        kind.AcceptOnlyFromAmong("camt054", "camt053", "camt052");
        var account = new Option<string>("--account") { Description = "Account id (decimal or 0x-hex).", Required = true };
        var since = new Option<ulong>("--since") { Description = "camt054: cursor (engine ns) after which entries are wanted; the next cursor is printed to stderr.", DefaultValueFactory = _ => 0 };
        var day = new Option<string?>("--day") { Description = "camt053: business day, yyyy-mm-dd." };
        var url = new Option<string>("--url") { Description = "Base URL of the running node.", DefaultValueFactory = _ => Corridor.Server.ServerOptions.DefaultUrl };
        var token = new Option<string?>("--token") { Description = "API token (also CORRIDOR_TOKEN)." };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = "File holding the API token." };
        var fetch = new Command("fetch", "Fetch a camt.054, camt.053 or camt.052 about one of your accounts from a running node (built from its read model) and print the XML.")
        {
            kind, account, since, day, url, token, tokenFile,
        };
        fetch.SetAction(async (parse, cancel) =>
        {
            string? bearer = parse.GetValue(token) ?? Environment.GetEnvironmentVariable("CORRIDOR_TOKEN")
                ?? (parse.GetValue(tokenFile) is { } tf ? (await File.ReadAllTextAsync(tf.FullName, cancel)).Trim() : null);
            if (string.IsNullOrEmpty(bearer)) { await Console.Error.WriteLineAsync("corridor iso fetch: give --token, --token-file or CORRIDOR_TOKEN"); return 2; }
            var client = Corridor.Client.CorridorClient.Create(new Uri(parse.GetValue(url)!), bearer);
            string accountId = parse.GetValue(account)!;
            Corridor.Client.IsoDocument doc;
            try
            {
                switch (parse.GetValue(kind))
                {
                    case "camt054":
                        doc = await client.FetchCamt054Async(accountId, parse.GetValue(since), c: cancel);
                        break;
                    case "camt053":
                        if (!DateOnly.TryParseExact(parse.GetValue(day), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out DateOnly d))
                        { await Console.Error.WriteLineAsync("corridor iso fetch camt053: --day yyyy-mm-dd is required"); return 2; }
                        doc = await client.FetchCamt053Async(d, accountId, cancel);
                        break;
                    default:
                        doc = await client.FetchCamt052Async(accountId, c: cancel);
                        break;
                }
            }
            catch (HttpRequestException e) { await Console.Error.WriteLineAsync($"corridor iso fetch: cannot reach {parse.GetValue(url)}: {e.Message}"); return 3; }
            Console.WriteLine(doc.Body);
            if (doc.NextCursor is not null) await Console.Error.WriteLineAsync($"next cursor: {doc.NextCursor}");
            if ((int)doc.Status >= 400) { await Console.Error.WriteLineAsync($"corridor iso fetch: HTTP {(int)doc.Status}"); return 1; }
            return 0;
        });
        return fetch;
    }
}
