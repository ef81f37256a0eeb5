using System.CommandLine;
using Corridor.Client;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor operators ...</c>: named operator users of a running node (who acted is journaled and audited).</summary>
public static class OperatorsCommand
{
    private const string Prefix = "corridor operators";

    public static Command Create() =>
        new("operators", "Named operator users: every operator action is journaled and audited with the user who took it.") { Add(), List(), Status("disable", "disabled"), Status("enable", "active") };

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "User name (letters, digits, '-', '_', '.', '@'); adding an existing name changes its role and issues a new token." };
        var role = new Option<string>("--role") { Description = "operator (runs the system), compliance (compliance desk) or administrator (both, manages users).", Required = true };
        var command = new Command("add", "Register an operator user and print its signed token (needs an administrator token, e.g. data/secrets/operator.token).") { name, role };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction(async (parse, cancel) =>
        {
            string r = parse.GetValue(role)!;
            if (r is not ("operator" or "compliance" or "administrator"))
            {
                await Console.Error.WriteLineAsync($"{Prefix}: --role must be operator, compliance or administrator");
                return 2;
            }
            return await connection.Call(parse, c => c.RegisterOperatorAsync(new RegisterOperatorRequest(parse.GetValue(name)!, r), cancel));
        });
        return command;
    }

    /// <summary><c>disable &lt;id&gt;</c> / <c>enable &lt;id&gt;</c>: journaled and audited with the administrator who ran it.</summary>
    private static Command Status(string verb, string status)
    {
        var id = new Argument<uint>("id") { Description = "Operator user id (corridor operators list); user 1, the node's root, cannot be disabled." };
        string what = verb == "disable"
            ? "Disable an operator user: every token of it is refused (403 auth.operator_disabled) from the next request on (needs an administrator token)."
            : "Re-enable a disabled operator user: its existing tokens are accepted again (needs an administrator token).";
        var command = new Command(verb, what) { id };
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.ChangeOperatorStatusAsync(parse.GetValue(id), status, cancel)));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the registered operator users (id, name, role, when and by whom registered).");
        ApiConnection connection = ApiConnection.Add(command, Prefix);
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.ListOperatorsAsync(cancel)));
        return command;
    }
}
