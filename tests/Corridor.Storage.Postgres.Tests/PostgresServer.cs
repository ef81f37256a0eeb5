using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Corridor.Server.Http;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>
/// A real, throw-away PostgreSQL server for tests: <c>initdb</c> into a temporary directory (trust auth,
/// superuser <c>corridor</c>), started with <c>pg_ctl</c> on a free port on 127.0.0.1 with its socket in that
/// directory, stopped and deleted on dispose. As root (initdb and postgres refuse to run as root) every
/// server program runs as the <c>postgres</c> user via <c>runuser</c>, creating that user if missing.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    public const string User = "corridor";
    private const int StartTimeoutSeconds = 60;
    private static readonly bool IsRoot = Environment.UserName == "root";
    private bool _disposed;

    private PostgresServer(string root, int port)
    {
        Root = root;
        Port = port;
    }

    /// <summary>Directory holding the cluster (<c>data/</c>), the socket and the log.</summary>
    public string Root { get; }
    public string DataDirectory => Path.Combine(Root, "data");
    public string LogFile => Path.Combine(Root, "server.log");
    public int Port { get; }
    public bool Running { get; private set; }

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = User, Database = database, Pooling = false,
            Timeout = 30, CommandTimeout = 120,
        }.ConnectionString;

    /// <summary>Creates a cluster and starts it; <paramref name="settings"/> are extra <c>-c name=value</c> settings.</summary>
    public static PostgresServer Start(params string[] settings)
    {
        PostgresServer server = Create();
        try
        {
            Run("initdb", $"-D {server.DataDirectory} -U {User} --auth=trust --encoding=UTF8 --no-locale --no-sync");
            server.StartServer(settings);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>A streaming standby of <paramref name="primary"/>: <c>pg_basebackup -R</c>, then started on its own port.</summary>
    public static PostgresServer StartStandby(PostgresServer primary, string applicationName)
    {
        PostgresServer server = Create();
        try
        {
            Run("pg_basebackup", $"-h 127.0.0.1 -p {primary.Port} -U {User} -D {server.DataDirectory} -R -X stream --checkpoint=fast --no-sync");
            // -R wrote primary_conninfo; name the standby so synchronous_standby_names can refer to it.
            File.AppendAllText(Path.Combine(server.DataDirectory, "postgresql.auto.conf"),
                $"\nprimary_conninfo = 'host=127.0.0.1 port={primary.Port} user={User} application_name={applicationName}'\n");
            server.StartServer([]);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static PostgresServer Create()
    {
        EnsureUser();
        string root = Path.Combine(Path.GetTempPath(), "corridor-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        if (IsRoot) Exec("chown", ["postgres:postgres", root]);
        return new PostgresServer(root, LoopbackPorts.Free());
    }

    private void StartServer(string[] settings)
    {
        string options = $"-p {Port} -k {Root} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=50 -c shared_buffers=64MB";
        foreach (string s in settings) options += " -c " + s;
        Run("pg_ctl", $"-D {DataDirectory} -l {LogFile} -o \"{options}\" -t {StartTimeoutSeconds} -w start");
        Running = true;
    }

    /// <summary>Stops the server: <c>fast</c> (clean) or <c>immediate</c> (like a crash: no checkpoint).</summary>
    public void Stop(string mode = "fast")
    {
        if (!Running) return;
        Run("pg_ctl", $"-D {DataDirectory} -m {mode} -t {StartTimeoutSeconds} -w stop");
        Running = false;
    }

    /// <summary>Starts a stopped server again on the same port (crash recovery replays its WAL).</summary>
    public void Restart(params string[] settings)
    {
        if (!Running) StartServer(settings);
    }

    /// <summary>Promotes a standby to primary and waits until it accepts writes.</summary>
    public void Promote() => Run("pg_ctl", $"-D {DataDirectory} -t {StartTimeoutSeconds} -w promote");

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string CreateDatabase()
    {
        string name = "t_" + Guid.NewGuid().ToString("N")[..16];
        Execute($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    public void Execute(string sql, string database = "postgres")
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public T? Scalar<T>(string sql, string database = "postgres")
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        object? value = command.ExecuteScalar();
        return value is null or DBNull ? default : (T)value;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { Stop("immediate"); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // ───────────────────────────── programs ─────────────────────────────

    /// <summary>Where the server programs are: Debian's versioned directory, /usr/local/bin, or PATH.</summary>
    public static string BinDirectory { get; } = FindBinDirectory();

    private static string FindBinDirectory()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var versions = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out int v) ? v : 0))
                .OrderByDescending(x => x.Version);
            foreach (var v in versions) candidates.Add(Path.Combine(v.Dir, "bin"));
        }
        candidates.Add("/usr/local/bin");
        candidates.Add("/usr/local/pgsql/bin");
        foreach (string p in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)) candidates.Add(p);
        foreach (string dir in candidates)
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "pg_basebackup")))
                return dir;
        throw new InvalidOperationException("PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) not found in /usr/lib/postgresql/*/bin, /usr/local/bin or PATH; ./test.sh installs Debian's postgresql package");
    }

    private static void Run(string program, string arguments)
    {
        string exe = Path.Combine(BinDirectory, program);
        string command = $"cd /tmp && exec {exe} {arguments}";
        if (IsRoot && HasRunuser) Exec("runuser", ["-u", "postgres", "--", "sh", "-c", command]);
        else if (IsRoot) Exec("su", ["postgres", "-s", "/bin/sh", "-c", command]);
        else Exec("sh", ["-c", $"exec {exe} {arguments}"]);
    }

    private static readonly bool HasRunuser = File.Exists("/usr/sbin/runuser") || File.Exists("/sbin/runuser") || File.Exists("/usr/bin/runuser");

    private static readonly object UserLock = new();
    private static bool _userChecked;

    private static void EnsureUser()
    {
        if (!IsRoot) return;
        lock (UserLock)
        {
            if (_userChecked) return;
            if (!File.ReadAllLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
                Exec("useradd", ["-r", "-M", "-s", "/bin/sh", "postgres"]);
            _userChecked = true;
        }
    }

    private static string Exec(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} timed out");
        }
        // pg_ctl start leaves the server holding the pipes: don't wait for EOF once the process exited.
        string output = stdout.Wait(TimeSpan.FromSeconds(2)) ? stdout.Result : "";
        string error = stderr.Wait(TimeSpan.FromSeconds(2)) ? stderr.Result : "";
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error}{output}");
        return output;
    }

}

/// <summary>One PostgreSQL server shared by every test of the assembly; each test makes its own database.</summary>
public sealed class PostgresFixture : IDisposable
{
    internal PostgresServer Server { get; } = PostgresServer.Start();

    public string CreateDatabase() => Server.CreateDatabase();

    public void Dispose() => Server.Dispose();
}
