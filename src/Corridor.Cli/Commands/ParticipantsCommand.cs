using System.CommandLine;
using Corridor.Client;
using Corridor.Server;
using Corridor.Server.Auth;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>corridor participants add</c> registers a participant through the running node's API (operator token from the data
/// directory) and prints its token; <c>corridor participants list</c> prints every participant with its BIC.
/// </summary>
public static class ParticipantsCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data", "-d") { Description = "Data directory of the running node (its secrets/operator.token is used).", DefaultValueFactory = _ => DataDirectory.DefaultPath };
        var url = new Option<string>("--url") { Description = "Base URL of the running node.", DefaultValueFactory = _ => ServerOptions.DefaultUrl };
        var id = new Option<ulong>("--id") { Description = "Participant id (1 … 2^64−2).", Required = true };
        var name = new Option<string>("--name") { Description = "Participant name (≤ 64 UTF-8 bytes).", Required = true };
        var role = new Option<string>("--role") { Description = "direct or central-bank.", DefaultValueFactory = _ => "direct" };
        role.AcceptOnlyFromAmong("direct", "central-bank");
        var bic = new Option<string?>("--bic") { Description = "BIC (ISO 9362, 8 or 11 characters) naming the participant in ISO 20022 messages." };
        var add = new Command("add", "Register a participant on the running node and print its API token.") { data, url, id, name, role, bic };
        add.SetAction((parse, cancel) => AsOperator(parse, data, url,
            client => client.RegisterParticipantAsync(new RegisterParticipantRequest(parse.GetValue(id), parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(bic)), cancel),
            t =>
            {
                Console.WriteLine($"participant {t.Id} ({t.Role}) registered; token expires {t.ExpiresAt:u}:");
                Console.WriteLine(t.Token);
            }));
        var command = new Command("participants", "Manage participants of a running node.");
        command.Subcommands.Add(add);
        command.Subcommands.Add(List());
        command.Subcommands.Add(LedgerAccess());
        command.Subcommands.Add(ParticipantCertificatesCommand.Create());
        return command;
    }

    /// <summary><c>corridor participants ledger-access --id P [--grant L | --withdraw L]</c>: raw ledger access (op 118).</summary>
    private static Command LedgerAccess()
    {
        var data = new Option<string>("--data", "-d") { Description = "Data directory of the running node (its secrets/operator.token is used).", DefaultValueFactory = _ => DataDirectory.DefaultPath };
        var url = new Option<string>("--url") { Description = "Base URL of the running node.", DefaultValueFactory = _ => ServerOptions.DefaultUrl };
        var id = new Option<ulong>("--id") { Description = "Participant id.", Required = true };
        var grant = new Option<uint?>("--grant") { Description = "Grant raw transfers (POST /v1/transfers) in this ledger; never a settlement ledger." };
        var withdraw = new Option<uint?>("--withdraw") { Description = "Withdraw raw transfers in this ledger." };
        var command = new Command("ledger-access",
            "Show, grant or withdraw a participant's raw ledger transfers in a non-settlement ledger (settlement ledgers take payments only).")
            { data, url, id, grant, withdraw };
        command.Validators.Add(r =>
        {
            if (r.GetValue(grant) is not null && r.GetValue(withdraw) is not null) r.AddError("give --grant or --withdraw, not both");
        });
        command.SetAction((parse, cancel) =>
        {
            ulong participant = parse.GetValue(id);
            return AsOperator(parse, data, url,
                client => parse.GetValue(grant) is { } g ? client.SetLedgerAccessAsync(participant, g, true, cancel)
                    : parse.GetValue(withdraw) is { } w ? client.SetLedgerAccessAsync(participant, w, false, cancel)
                    : client.GetLedgerAccessAsync(participant, cancel),
                a => Console.WriteLine(a.Ledgers.Length == 0
                    ? $"participant {participant}: no raw ledger access"
                    : $"participant {participant}: raw transfers in ledgers {string.Join(", ", a.Ledgers)}"));
        });
        return command;
    }

    private static Command List()
    {
        var data = new Option<string>("--data", "-d") { Description = "Data directory of the running node (its secrets/operator.token is used).", DefaultValueFactory = _ => DataDirectory.DefaultPath };
        var url = new Option<string>("--url") { Description = "Base URL of the running node.", DefaultValueFactory = _ => ServerOptions.DefaultUrl };
        var json = new Option<bool>("--json") { Description = "Print the answer of GET /v1/participants as JSON." };
        var list = new Command("list", "List the participants of the running node: id, role, status, BIC, name.") { data, url, json };
        list.SetAction((parse, cancel) => AsOperator(parse, data, url, client => client.ListParticipantsAsync(cancel), participants =>
        {
            if (parse.GetValue(json))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(participants, CorridorJson.Options));
                return;
            }
            Console.WriteLine($"{"id",-20} {"role",-12} {"status",-10} {"bic",-11} name");
            foreach (ParticipantDto p in participants)
                Console.WriteLine($"{p.Id,-20} {p.Role,-12} {p.Status,-10} {p.Bic ?? "-",-11} {p.Name}");
        }));
        return list;
    }

    /// <summary>The <c>--data</c> and <c>--url</c> options of a command that calls the running node as its operator.</summary>
    internal static (Option<string> Data, Option<string> Url) NodeOptions() => (
        new Option<string>("--data", "-d") { Description = "Data directory of the running node (its secrets/operator.token is used).", DefaultValueFactory = _ => DataDirectory.DefaultPath },
        new Option<string>("--url") { Description = "Base URL of the running node (https://… for a TLS node; trust a private CA with SSL_CERT_FILE).", DefaultValueFactory = _ => ServerOptions.DefaultUrl });

    /// <summary>
    /// One call as the operator of the node whose data directory is <paramref name="data"/> (its secrets/operator.token):
    /// prints the answer (exit 0), the problem (1), a missing token (2) or an unreachable node (3).
    /// </summary>
    internal static async Task<int> AsOperator<T>(ParseResult parse, Option<string> data, Option<string> url,
        Func<CorridorClient, Task<ApiResult<T>>> call, Action<T> print)
    {
        string root = Path.GetFullPath(parse.GetValue(data)!);
        string? token = SecretsDirectory.ReadOperatorToken(root);
        if (token is null) { await Console.Error.WriteLineAsync($"corridor: no operator token in {root}/secrets (start the node with `corridor run --data {root}` first)"); return 2; }
        ApiResult<T> r;
        try { r = await call(CorridorClient.Create(new Uri(parse.GetValue(url)!), token)); }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"corridor: cannot reach the node at {parse.GetValue(url)}: {e.Message}");
            return 3;
        }
        if (!r.Ok || r.Value is null) { await Console.Error.WriteLineAsync($"corridor: HTTP {(int)r.Status} {r.Problem?.Code}: {r.Problem?.Detail}"); return 1; }
        print(r.Value);
        return 0;
    }
}
