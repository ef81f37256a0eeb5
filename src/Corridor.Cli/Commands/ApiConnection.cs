using System.CommandLine;
using System.Text.Json;
using Corridor.Client;
using Corridor.Server;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>--url</c>, <c>--token</c>, <c>--token-file</c> of a command that talks to a running node over HTTP, and the one way such
/// a command reports: JSON on stdout (exit 0), the problem on stderr (exit 1), bad usage (exit 2), node unreachable (exit 3).
/// </summary>
internal sealed record ApiConnection(string Prefix, Option<string> Url, Option<string?> Token, Option<FileInfo?> TokenFile)
{
    public static readonly JsonSerializerOptions Pretty = new(CorridorJson.Options) { WriteIndented = true };

    public static ApiConnection Add(Command command, string prefix)
    {
        var c = new ApiConnection(prefix,
            new Option<string>("--url") { Description = "Base URL of the running node.", DefaultValueFactory = _ => ServerOptions.DefaultUrl },
            new Option<string?>("--token") { Description = "Bearer token of the caller: a participant (corridor participants add) or an operator user (corridor operators add)." },
            new Option<FileInfo?>("--token-file") { Description = "File holding the bearer token (e.g. data/secrets/operator.token)." });
        command.Options.Add(c.Url);
        command.Options.Add(c.Token);
        command.Options.Add(c.TokenFile);
        return c;
    }

    /// <summary>The client, or null after printing why not (exit code 2).</summary>
    public CorridorClient? Client(ParseResult parse)
    {
        string? token = parse.GetValue(Token);
        FileInfo? file = parse.GetValue(TokenFile);
        if (token is null && file is not null)
        {
            if (!file.Exists) { Console.Error.WriteLine($"{Prefix}: token file {file.FullName} does not exist"); return null; }
            token = File.ReadAllText(file.FullName).Trim();
        }
        if (string.IsNullOrEmpty(token)) { Console.Error.WriteLine($"{Prefix}: give --token TOKEN or --token-file FILE"); return null; }
        if (!Uri.TryCreate(parse.GetValue(Url), UriKind.Absolute, out Uri? url)) { Console.Error.WriteLine($"{Prefix}: --url {parse.GetValue(Url)} is not an absolute URL"); return null; }
        return CorridorClient.Create(url, token, maxConnections: 1);
    }

    /// <summary>Runs one API call and prints its answer (see the type's summary for exit codes); <paramref name="print"/> replaces the JSON output.</summary>
    public async Task<int> Call<T>(ParseResult parse, Func<CorridorClient, Task<ApiResult<T>>> call, Func<T, Task>? print = null)
    {
        CorridorClient? client = Client(parse);
        if (client is null) return 2;
        ApiResult<T> r;
        try { r = await call(client); }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"{Prefix}: cannot reach the node at {parse.GetValue(Url)}: {e.Message}");
            return 3;
        }
        if (!r.Ok || r.Value is null)
        {
            await Console.Error.WriteLineAsync($"{Prefix}: HTTP {(int)r.Status} {r.Problem?.Code ?? "(no problem details)"}: {r.Problem?.Detail}");
            return 1;
        }
        if (print is not null) await print(r.Value);
        else Console.WriteLine(JsonSerializer.Serialize(r.Value, Pretty));
        return 0;
    }
}
