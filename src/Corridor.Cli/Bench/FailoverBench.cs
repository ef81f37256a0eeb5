using System.CommandLine;
using System.Diagnostics;
using Corridor.Cli.Commands;
using Corridor.Cli.HighAvailability;
using Npgsql;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench failover</c>: an active and a standby <c>corridor run</c> process on one PostgreSQL journal (a fresh
/// database made for the run and dropped after it), clients recording every acknowledged transfer and payment, and N
/// SIGKILLs of the active node, each restarted as the standby (<see cref="FailoverDrill"/>). Reports how long clients
/// went unserved per take-over, what was acknowledged and lost, and write throughput with the standby attached against
/// without it.
/// </summary>
internal static class FailoverBench
{
    public static Command Create()
    {
        var takeovers = new Option<int>("--takeovers") { Description = "Times the active node is killed (SIGKILL) and the standby takes over.", DefaultValueFactory = _ => 10 };
        var clients = new Option<int>("--clients") { Description = "Clients sending transfers and payments one at a time, each retrying an unanswered one against the other node.", DefaultValueFactory = _ => 8 };
        var leaseMs = new Option<int>("--lease-ms") { Description = "Lease duration of the nodes (a standby takes over once it lapsed).", DefaultValueFactory = _ => Storage.Postgres.PostgresLeaseOptions.DefaultDurationMs };
        var seconds = new Option<int>("--throughput-seconds") { Description = "Length of each write-throughput run (without, then with the standby; 0 skips them).", DefaultValueFactory = _ => 10 };
        var connection = new Option<string?>("--connection") { Description = "Npgsql connection string of a PostgreSQL server where the run may create a database (also CORRIDOR_POSTGRES)." };
        var json = BenchCommand.JsonOption();
        var command = new Command("failover",
            "Active/standby failover on the PostgreSQL journal: two real nodes, clients under load, N SIGKILLs of the active node " +
            "(takeovers, max_unavailable_ms, p99_unavailable_ms, acknowledged and acknowledged_per_second during the kills, lost, duplicates, " +
            "p50/max_without_standby_ms until each killed node is a standby again; write throughput with and without the standby).")
        { takeovers, clients, leaseMs, seconds, connection, json };
        command.SetAction(async (parse, cancel) =>
        {
            string? server = parse.GetValue(connection) ?? Environment.GetEnvironmentVariable("CORRIDOR_POSTGRES");
            int n = parse.GetValue(takeovers), c = parse.GetValue(clients), lease = parse.GetValue(leaseMs), s = parse.GetValue(seconds);
            if (string.IsNullOrWhiteSpace(server)) { await Console.Error.WriteLineAsync("corridor bench failover: needs --connection \"Host=...;Username=...;Database=postgres\" (or CORRIDOR_POSTGRES) of a server where it may create a database"); return 2; }
            if (n is < 1 or > 1_000 || c is < 1 or > 256 || s is < 0 or > 600) { await Console.Error.WriteLineAsync("corridor bench failover: --takeovers 1…1000, --clients 1…256, --throughput-seconds 0…600"); return 2; }
            return await RunAsync(server, n, c, lease, s, parse.GetValue(json), cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(string server, int takeovers, int clients, int leaseMs, int seconds, bool json, CancellationToken cancel)
    {
        string database = "corridor_failover_" + Guid.NewGuid().ToString("N")[..12];
        Execute(server, $"CREATE DATABASE {database}");
        string root = Directory.CreateTempSubdirectory("corridor-bench-failover-").FullName;
        TextWriter log = json ? TextWriter.Null : Console.Out;
        try
        {
            string connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
            await using var drill = new FailoverDrill(StartSelf, connection, root, leaseMs, log);
            await drill.StartAsync(cancel);
            double withStandby = 0, without = 0;
            if (seconds > 0)
            {
                // Interleaved: without the standby, with it, without, with; each figure is the better of its two runs.
                for (int round = 0; round < 2; round++)
                {
                    drill.Standby.Kill();
                    without = Math.Max(without, await drill.WriteThroughputAsync(TimeSpan.FromSeconds(seconds), cancel));
                    drill.Standby.Start("standby");
                    await drill.Standby.WaitStandbyAsync(cancel);
                    withStandby = Math.Max(withStandby, await drill.WriteThroughputAsync(TimeSpan.FromSeconds(seconds), cancel));
                }
            }
            drill.StartLoad(clients);
            var killPhase = Stopwatch.StartNew();
            var random = new Random(7);
            for (int t = 0; t < takeovers; t++)
            {
                await Task.Delay(500 + random.Next(1_500), cancel); // at different moments under load
                await drill.KillActiveAsync(cancel);
            }
            await drill.StopLoadAsync();
            killPhase.Stop();
            DrillCheck check = await drill.CheckAsync(cancel);
            var unavailable = drill.UnavailableMs.Order().ToList();
            var withoutStandby = drill.WithoutStandbyMs.Order().ToList();
            // The clients run only during the kills, and the kills last as long as the killed nodes take to be standbys
            // again: the count of items depends on that, their rate does not.
            double killSeconds = killPhase.Elapsed.TotalSeconds;
            BenchOutput.Report("failover (SIGKILL of the active node, standby takes over)",
            [
                new("takeovers", check.Takeovers),
                new("max_unavailable_ms", Math.Round(unavailable.Max(), 1)),
                new("p99_unavailable_ms", Math.Round(BenchOutput.Percentile(unavailable, 0.99), 1)),
                new("p50_unavailable_ms", Math.Round(BenchOutput.Percentile(unavailable, 0.50), 1)),
                new("acknowledged", check.Acknowledged),
                new("kill_phase_seconds", Math.Round(killSeconds, 1)),
                new("acknowledged_per_second", Math.Round(check.Acknowledged / killSeconds)),
                new("p50_without_standby_ms", Math.Round(BenchOutput.Percentile(withoutStandby, 0.50), 1)),
                new("max_without_standby_ms", Math.Round(withoutStandby.Max(), 1)),
                new("lost", check.Lost),
                new("duplicates", check.Duplicates),
                new("state_hash_disagreements", check.Disagreements.Count),
                new("lease_ms", leaseMs),
                new("clients", clients),
                new("write_transfers_per_second_without_standby", Math.Round(without)),
                new("write_transfers_per_second_with_standby", Math.Round(withStandby)),
                new("with_standby_ratio", without > 0 ? Math.Round(withStandby / without, 3) : 0),
            ], json);
            return check.Lost == 0 && check.Duplicates == 0 && check.Disagreements.Count == 0 ? 0 : 1;
        }
        finally
        {
            try { Execute(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)"); } catch (NpgsqlException) { }
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Starts this CLI again as a child process (the same dll under dotnet, or the same executable).</summary>
    internal static Process StartSelf(string[] args)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(typeof(FailoverBench).Assembly.Location);
        foreach (string a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start corridor");
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
