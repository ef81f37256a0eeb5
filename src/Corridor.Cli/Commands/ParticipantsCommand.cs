using System.CommandLine;
using Corridor.Client;
using Corridor.Server;
using Corridor.Server.Auth;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor participants add</c>: registers a participant through the running node's API (operator token from the data directory) and prints its token.</summary>
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
        var add = new Command("add", "Register a participant on the running node and print its API token.") { data, url, id, name, role };
        add.SetAction(async (parse, cancel) =>
        {
            string root = Path.GetFullPath(parse.GetValue(data)!);
            string? token = SecretsDirectory.ReadOperatorToken(root);
            if (token is null) { await Console.Error.WriteLineAsync($"corridor: no operator token in {root}/secrets (start the node with `corridor run --data {root}` first)"); return 2; }
            var client = CorridorClient.Create(new Uri(parse.GetValue(url)!), token);
            ApiResult<ParticipantTokenDto> r;
            try
            {
                r = await client.RegisterParticipantAsync(new RegisterParticipantRequest(parse.GetValue(id), parse.GetValue(name)!, parse.GetValue(role)!), cancel);
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"corridor: cannot reach the node at {parse.GetValue(url)}: {e.Message}");
                return 3;
            }
            if (!r.Ok) { await Console.Error.WriteLineAsync($"corridor: HTTP {(int)r.Status} {r.Problem?.Code}: {r.Problem?.Detail}"); return 1; }
            Console.WriteLine($"participant {r.Value!.Id} ({r.Value.Role}) registered; token expires {r.Value.ExpiresAt:u}:");
            Console.WriteLine(r.Value.Token);
            return 0;
        });
        var command = new Command("participants", "Manage participants of a running node.");
        command.Subcommands.Add(add);
        return command;
    }
}
