using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor compliance ...</c>: the compliance desk of a running node over HTTP (watch lists, threshold, rules, holds, audit export).</summary>
public static class ComplianceCommand
{
    private const string Prefix = "corridor compliance";

    /// <summary>Largest watch-list file read (the engine's own bound on a list's text).</summary>
    public const long MaxListFileBytes = Corridor.Core.Compliance.LoadWatchList.MaxTextBytes;

    public static Command Create()
    {
        var lists = new Command("lists", "Watch lists (sanctions, PEP): load a CSV or XML file, show the versions in force.") { LoadList(), ShowLists() };
        var threshold = new Command("threshold", "The screening hit threshold (name-match score 0…100).") { SetThreshold() };
        var rules = new Command("rules", "Operator rules per participant or corridor: value limits, blocked countries and currencies.") { SetRule(), RemoveRule(), ListRules() };
        var holds = new Command("holds", "Payments held by screening or a rule: list them, release or reject them (with a reason).")
        {
            ListHolds(), Decide("release", "Release a held payment: it then settles (or queues) as any other payment."),
            Decide("reject", "Reject a held payment: final, no liquidity moves."),
        };
        var audit = new Command("audit", "The hash-chained audit log of every operator action.") { ExportAudit() };
        return new Command("compliance", "Compliance desk of a running node: watch lists, screening threshold, rules, holds and the audit log (role compliance or administrator).")
        {
            lists, threshold, rules, holds, audit,
        };
    }

    // ───────────── watch lists ─────────────

    private static Command LoadList()
    {
        var file = new Argument<FileInfo>("file") { Description = "The watch-list file (CSV with a header row, or XML; see docs/compliance.md)." };
        var name = new Option<string>("--name") { Description = "List name (letters, digits, '-', '_', '.'), e.g. ofac-sdn. Loading the same name again replaces the list.", Required = true };
        var format = new Option<string>("--format") { Description = "csv or xml (default: from the file extension)." };
        var version = new Option<string>("--version-label") { Description = "Publisher's version label kept with the list (e.g. 2026-11-23).", DefaultValueFactory = _ => "" };
        var command = new Command("load", "Load (or replace) a watch list from a file; the engine parses it and records its content hash.") { file, name, format, version };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction(async (parse, cancel) =>
        {
            FileInfo f = parse.GetValue(file)!;
            if (!f.Exists) return Usage($"file {f.FullName} does not exist");
            if (f.Length > MaxListFileBytes) return Usage($"file {f.FullName} has {f.Length} bytes; a watch list is at most {MaxListFileBytes}");
            string fmt = parse.GetValue(format) ?? (f.Extension.Equals(".xml", StringComparison.OrdinalIgnoreCase) ? "xml" : f.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "");
            if (fmt is not ("csv" or "xml")) return Usage("--format must be csv or xml");
            string content = await File.ReadAllTextAsync(f.FullName, cancel);
            var request = new LoadWatchListRequest(parse.GetValue(name)!, fmt, parse.GetValue(version) ?? "", content);
            return await connection.Call(parse, c => c.LoadWatchListAsync(request, cancel));
        });
        return command;
    }

    private static Command ShowLists()
    {
        var history = new Option<bool>("--history") { Description = "Every version ever loaded, superseded ones included." };
        var command = new Command("show", "Show the watch lists in force: name, format, version label, content hash, entries, who loaded it and when.") { history };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.ListWatchListsAsync(parse.GetValue(history), cancel)));
        return command;
    }

    // ───────────── threshold ─────────────

    private static Command SetThreshold()
    {
        var value = new Argument<int>("score") { Description = "Hit threshold 0…100: a name match scoring at least this is a potential match (held)." };
        var command = new Command("set", "Set the screening hit threshold.") { value };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction(async (parse, cancel) =>
        {
            int score = parse.GetValue(value);
            if (score is < 0 or > 100) return Usage("the threshold must be 0…100");
            return await connection.Call(parse, c => c.SetScreeningThresholdAsync(score, cancel));
        });
        return command;
    }

    // ───────────── rules ─────────────

    private static Command SetRule()
    {
        var id = new Argument<string>("id") { Description = "Rule id (adds the rule, or replaces the rule with this id)." };
        var participant = new Option<ulong>("--participant") { Description = "Only payments where this participant pays or is paid (default: any)." };
        var source = new Option<string>("--source-country") { Description = "Only payments from this ISO 3166 country (originator's).", DefaultValueFactory = _ => "" };
        var destination = new Option<string>("--destination-country") { Description = "Only payments to this ISO 3166 country (beneficiary's).", DefaultValueFactory = _ => "" };
        var send = new Option<string>("--send-currency") { Description = "Only payments sent in this currency.", DefaultValueFactory = _ => "" };
        var receive = new Option<string>("--receive-currency") { Description = "Only payments received in this currency.", DefaultValueFactory = _ => "" };
        var limit = new Option<string[]>("--limit") { Description = "Value limit CUR:HOLD_ABOVE:REJECT_ABOVE in minor units (either may be empty), e.g. USD:1000000:5000000. Repeatable.", AllowMultipleArgumentsPerToken = true };
        var blockCountry = new Option<string[]>("--block-country") { Description = "Reject payments from or to this country. Repeatable.", AllowMultipleArgumentsPerToken = true };
        var blockCurrency = new Option<string[]>("--block-currency") { Description = "Reject payments in this currency. Repeatable.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("set", "Add or replace a rule. Rules only add restrictions: the most severe outcome of all rules in scope wins.")
        {
            id, participant, source, destination, send, receive, limit, blockCountry, blockCurrency,
        };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction(async (parse, cancel) =>
        {
            var limits = new List<RuleLimitDto>();
            foreach (string text in parse.GetValue(limit) ?? [])
            {
                string[] parts = text.Split(':');
                if (parts.Length != 3 || parts[0].Length != 3) return Usage($"--limit {text}: expected CUR:HOLD_ABOVE:REJECT_ABOVE");
                if (!TryAmount(parts[1], out long hold) || !TryAmount(parts[2], out long reject)) return Usage($"--limit {text}: amounts are whole minor units");
                limits.Add(new RuleLimitDto(parts[0], hold, reject));
            }
            var rule = new ComplianceRuleDto(parse.GetValue(id)!, parse.GetValue(participant), parse.GetValue(source) ?? "", parse.GetValue(destination) ?? "",
                parse.GetValue(send) ?? "", parse.GetValue(receive) ?? "", [.. limits], parse.GetValue(blockCountry) ?? [], parse.GetValue(blockCurrency) ?? []);
            return await connection.Call(parse, c => c.SetComplianceRuleAsync(rule, cancel));
        });
        return command;
    }

    private static bool TryAmount(string text, out long amount)
    {
        if (text.Length == 0) { amount = long.MaxValue; return true; }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount);
    }

    private static Command RemoveRule()
    {
        var id = new Argument<string>("id") { Description = "Id of the rule to remove." };
        var command = new Command("remove", "Remove a rule; prints the rules that remain.") { id };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.RemoveComplianceRuleAsync(parse.GetValue(id)!, cancel)));
        return command;
    }

    private static Command ListRules()
    {
        var command = new Command("list", "List the rules in force, by id.");
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.ListComplianceRulesAsync(cancel)));
        return command;
    }

    // ───────────── holds ─────────────

    private static Command ListHolds()
    {
        var status = new Option<string>("--status") { Description = "pending (waiting for a decision), decided, or all screened payments.", DefaultValueFactory = _ => "pending" };
        var command = new Command("list", "List held payments with the hits and reasons that held them.") { status };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction(async (parse, cancel) =>
        {
            string s = parse.GetValue(status)!;
            if (s is not ("pending" or "decided" or "all")) return Usage("--status must be pending, decided or all");
            return await connection.Call(parse, c => c.ListHoldsAsync(s, cancel));
        });
        return command;
    }

    private static Command Decide(string verb, string description)
    {
        var id = new Argument<string>("paymentId") { Description = "Id of the held payment (decimal or 0x-hex, as listed by `holds list`)." };
        var reason = new Option<string>("--reason") { Description = "Why (mandatory; kept in the audit log with who and when).", Required = true };
        var command = new Command(verb, description) { id, reason };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction(async (parse, cancel) =>
        {
            string why = parse.GetValue(reason) ?? "";
            if (string.IsNullOrWhiteSpace(why)) return Usage("--reason must say why");
            string payment = parse.GetValue(id)!;
            return await connection.Call(parse, c => verb == "release" ? c.ReleaseHoldAsync(payment, why, cancel) : c.RejectHoldAsync(payment, why, cancel));
        });
        return command;
    }

    // ───────────── audit ─────────────

    private static Command ExportAudit()
    {
        var from = new Option<long>("--from") { Description = "First audit sequence number to export (default 1: the whole log).", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo?>("--output") { Description = "Write the export (JSON: head hash, chain check, entries) to this file instead of stdout." };
        var command = new Command("export", "Export the audit log (every page of it) with its head hash and whether the hash chain recomputes.") { from, output };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction(async (parse, cancel) =>
        {
            long first = parse.GetValue(from);
            if (first < 1) return Usage("--from must be at least 1");
            FileInfo? file = parse.GetValue(output);
            return await connection.Call(parse, c => ExportAllAsync(c, first - 1, cancel), async export =>
            {
                string json = JsonSerializer.Serialize(export, ApiConnection.Pretty);
                if (file is null) { Console.WriteLine(json); return; }
                await File.WriteAllTextAsync(file.FullName, json + "\n", cancel);
                await Console.Out.WriteLineAsync($"{export.Entries.Length} audit entries written to {file.FullName} (head {export.Head}, chain {(export.ChainIntact ? "intact" : "BROKEN at " + export.FirstBrokenSequence)})");
            });
        });
        return command;
    }

    /// <summary>Bound on audit pages fetched by one export (1,000 entries each).</summary>
    public const int MaxAuditPages = 100_000;

    private static async Task<ApiResult<AuditExportDto>> ExportAllAsync(CorridorClient client, long after, CancellationToken cancel)
    {
        var entries = new List<AuditEntryDto>();
        ApiResult<AuditExportDto> page = await client.ExportAuditAsync(after, 1000, cancel);
        for (int pages = 1; page.Ok && page.Value is { } v; pages++)
        {
            entries.AddRange(v.Entries);
            if (v.Entries.Length < 1000 || pages >= MaxAuditPages) return page with { Value = v with { Entries = [.. entries] } };
            page = await client.ExportAuditAsync(v.Entries[^1].Sequence, 1000, cancel);
        }
        return page;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"{Prefix}: {message}");
        return 2;
    }
}
