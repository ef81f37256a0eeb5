using System.CommandLine;
using Corridor.Storage.Journal;
using Corridor.Storage.Postgres;

namespace Corridor.Cli;

/// <summary>Which journal a node writes: the embedded file journal, or a PostgreSQL table.</summary>
public sealed record JournalChoice(string Kind, string? ConnectionString, string Table = "journal")
{
    /// <summary>File journal: fdatasync the commit record before each append returns (<see cref="FileJournalOptions.SyncCommitRecord"/>).</summary>
    public bool SyncCommitRecord { get; init; }

    public const string File = "file";
    public const string Postgres = "postgres";

    public static readonly JournalChoice Default = new(File, null);

    public bool IsPostgres => Kind == Postgres;

    public string Describe() => IsPostgres ? $"postgres table {Table}" : "file";

    /// <summary>Why the choice cannot work, or null.</summary>
    public string? Validate()
    {
        if (Kind is not (File or Postgres)) return $"--journal must be {File} or {Postgres}";
        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString)) return "--journal postgres needs --connection \"Host=...;Username=...;Database=...\"";
        return null;
    }

    /// <summary>The options every node command shares: <c>--journal</c>, <c>--connection</c>.</summary>
    public sealed class Options
    {
        public Option<string> Journal { get; } = new("--journal")
        {
            Description = "Journal store: file (embedded, <data>/journal) or postgres (a table in --connection's database).",
            DefaultValueFactory = _ => File,
        };

        public Option<string?> Connection { get; } = new("--connection")
        {
            Description = "Npgsql connection string of the PostgreSQL journal (with --journal postgres); also read from CORRIDOR_POSTGRES.",
        };

        public void AddTo(Command command)
        {
            command.Options.Add(Journal);
            command.Options.Add(Connection);
        }

        public JournalChoice Get(ParseResult parse) =>
            new(parse.GetValue(Journal)!, parse.GetValue(Connection) ?? Environment.GetEnvironmentVariable("CORRIDOR_POSTGRES"));
    }

    /// <summary>Opens (recovers) the chosen journal for writing; on PostgreSQL it takes the journal's lease (<paramref name="lease"/>).</summary>
    public IJournal Open(string fileJournalPath, PostgresLeaseOptions? lease = null) => IsPostgres
        ? PostgresJournal.Open(ConnectionString!, PostgresOptions(lease))
        : FileJournal.Open(fileJournalPath, new FileJournalOptions { SyncCommitRecord = SyncCommitRecord });

    /// <summary>The PostgreSQL journal's options: this table, and the writer's lease.</summary>
    public PostgresJournalOptions PostgresOptions(PostgresLeaseOptions? lease = null) => new() { Table = Table, Lease = lease ?? new PostgresLeaseOptions() };

    /// <summary>Opens the chosen journal read-only (queries, projection from another process).</summary>
    public IJournal OpenReadOnly(string fileJournalPath) => IsPostgres
        ? PostgresJournal.OpenReadOnly(ConnectionString!, new PostgresJournalOptions { Table = Table })
        : FileJournal.OpenReadOnly(fileJournalPath);
}
