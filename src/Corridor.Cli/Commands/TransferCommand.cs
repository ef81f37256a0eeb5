using System.CommandLine;
using Corridor.Client;
using Corridor.Server;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor transfer</c>: submits one transfer to a running node with a participant (or operator) token and prints the durable answer.</summary>
public static class TransferCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Base URL of the running node.", DefaultValueFactory = _ => ServerOptions.DefaultUrl };
        var token = new Option<string?>("--token") { Description = "API token (default: $CORRIDOR_TOKEN)." };
        var id = new Option<string>("--id") { Description = "Transfer id (decimal or 0x-hex); resubmitting it is idempotent.", Required = true };
        var debit = new Option<string>("--debit") { Description = "Debit account id (must be the caller's).", Required = true };
        var credit = new Option<string>("--credit") { Description = "Credit account id.", Required = true };
        var amount = new Option<long>("--amount") { Description = "Amount in minor units.", Required = true };
        var ledger = new Option<uint>("--ledger") { Description = "Ledger (currency).", Required = true };
        var code = new Option<ushort>("--code") { Description = "Transfer code.", DefaultValueFactory = _ => 1 };
        var command = new Command("transfer", "Submit one transfer to a running node over HTTP and print the stored transfer.") { url, token, id, debit, credit, amount, ledger, code };
        command.SetAction(async (parse, cancel) =>
        {
            string? t = parse.GetValue(token) ?? Environment.GetEnvironmentVariable("CORRIDOR_TOKEN");
            if (string.IsNullOrEmpty(t)) { await Console.Error.WriteLineAsync("corridor transfer: pass --token or set CORRIDOR_TOKEN"); return 2; }
            var client = CorridorClient.Create(new Uri(parse.GetValue(url)!), t);
            try
            {
                var r = await client.CreateTransferAsync(new CreateTransferRequest(parse.GetValue(id)!, parse.GetValue(debit)!, parse.GetValue(credit)!,
                    parse.GetValue(amount), parse.GetValue(ledger), parse.GetValue(code)), cancel);
                if (!r.Ok) { await Console.Error.WriteLineAsync($"corridor transfer: HTTP {(int)r.Status} {r.Problem?.Code}: {r.Problem?.Detail}"); return 1; }
                Console.WriteLine($"{((int)r.Status == 201 ? "created" : "exists")}: transfer {r.Value!.Id} {r.Value.Amount} from {r.Value.DebitAccountId} to {r.Value.CreditAccountId} at {r.Value.Timestamp}");
                return 0;
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"corridor transfer: cannot reach {parse.GetValue(url)}: {e.Message}");
                return 3;
            }
        });
        return command;
    }
}
