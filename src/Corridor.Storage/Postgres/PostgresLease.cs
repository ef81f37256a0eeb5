using Npgsql;
using NpgsqlTypes;

namespace Corridor.Storage.Postgres;

/// <summary>
/// The right to append to a PostgreSQL journal, decided in PostgreSQL: one row in <c>{table}_lease</c> with the
/// holder, its advertised address and an epoch (the fencing token) that grows by one at every take-over. Every batch
/// the holder appends carries its epoch, and the INSERT takes a share lock on the lease row and succeeds only while
/// the row still has that epoch (<see cref="PostgresJournal.Append"/>): a take-over (an UPDATE of that row) and an
/// append are serialised by the row lock, so once a new epoch is committed no batch of an older one can be.
/// Time is the database's (<c>now()</c>): the nodes' clocks never decide who holds the lease.
/// </summary>
public static class PostgresLease
{
    /// <summary>The lease table of a journal table.</summary>
    public static string TableOf(string journalTable) => journalTable + "_lease";

    internal static string CreateSql(string journalTable) =>
        $"""
        CREATE TABLE IF NOT EXISTS {TableOf(journalTable)} (
            id         int         PRIMARY KEY CHECK (id = 1),
            holder     text        NOT NULL,
            epoch      bigint      NOT NULL,
            address    text,
            taken_at   timestamptz NOT NULL,
            expires_at timestamptz NOT NULL
        );
        ALTER TABLE {journalTable} ADD COLUMN IF NOT EXISTS epoch bigint NOT NULL DEFAULT 0;
        """;

    /// <summary>
    /// Takes the lease when it is free, lapsed, or already <paramref name="options"/>' holder's: a new epoch (one more than
    /// the last) until now + its duration. Returns the new epoch, or null when another holder's lease is still running.
    /// </summary>
    public static long? TryTake(NpgsqlConnection connection, string journalTable, PostgresLeaseOptions options)
    {
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {TableOf(journalTable)} AS l (id, holder, epoch, address, taken_at, expires_at)
            VALUES (1, $1, 1, $2, now(), now() + $3 * interval '1 millisecond')
            ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, epoch = l.epoch + 1, address = excluded.address,
                taken_at = excluded.taken_at, expires_at = excluded.expires_at
            WHERE l.expires_at <= now() OR l.holder = excluded.holder
            RETURNING epoch
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Holder ?? throw new ArgumentException("the lease needs a holder") });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = options.Address, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = options.DurationMs });
        return command.ExecuteScalar() is long epoch ? epoch : null;
    }

    /// <summary>Extends the lease of <paramref name="epoch"/> to now + <paramref name="durationMs"/>; false when another epoch holds it.</summary>
    public static bool Renew(NpgsqlConnection connection, string journalTable, long epoch, int durationMs)
    {
        using var command = new NpgsqlCommand(
            $"UPDATE {TableOf(journalTable)} SET expires_at = now() + $2 * interval '1 millisecond' WHERE id = 1 AND epoch = $1", connection)
        {
            // A renewal slower than the lease is worthless (a commit waiting for an absent synchronous standby): give up on it.
            CommandTimeout = Math.Max(1, durationMs / 1000),
        };
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = epoch });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = durationMs });
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Ends the lease of <paramref name="epoch"/> now (a clean stop: a standby need not wait for it to lapse).</summary>
    public static void Release(NpgsqlConnection connection, string journalTable, long epoch)
    {
        using var command = new NpgsqlCommand($"UPDATE {TableOf(journalTable)} SET expires_at = now() WHERE id = 1 AND epoch = $1", connection) { CommandTimeout = 2 };
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = epoch });
        command.ExecuteNonQuery();
    }

    /// <summary>The lease as the database sees it now; null when no node ever took it (or the table does not exist yet).</summary>
    public static LeaseState? Read(NpgsqlConnection connection, string journalTable)
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TableOf(journalTable) });
            if (exists.ExecuteScalar() is not true) return null;
        }
        using var command = new NpgsqlCommand(
            $"SELECT holder, epoch, address, expires_at, expires_at <= now(), (extract(epoch FROM expires_at - now()) * 1000)::bigint FROM {TableOf(journalTable)} WHERE id = 1",
            connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return new LeaseState(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3), reader.GetBoolean(4), reader.GetInt64(5));
    }
}

/// <summary>The lease row: who holds it, with which epoch, where it serves, and whether it lapsed (by the database's clock).</summary>
public sealed record LeaseState(string Holder, long Epoch, string? Address, DateTimeOffset ExpiresAt, bool Expired, long RemainingMs)
{
    public override string ToString() =>
        $"epoch {Epoch} held by {Holder}{(Address is null ? "" : $" at {Address}")}, {(Expired ? "lapsed" : $"{RemainingMs} ms left")}";
}

/// <summary>How a writer takes and keeps the lease of a PostgreSQL journal.</summary>
public sealed record PostgresLeaseOptions
{
    public const int DefaultDurationMs = 2_000;
    public const int MinDurationMs = 200;
    public const int MaxDurationMs = 600_000;

    /// <summary>
    /// Who takes the lease; null (default): a name unique to each writer, host:pid:random. The same holder may take its own
    /// running lease again (a restarted node under a fixed name), with a new epoch that fences its earlier writer.
    /// </summary>
    public string? Holder { get; init; }

    internal string NewHolder() => $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Where the holder serves clients (its HTTP address): standbys answer it to clients and load balancers.</summary>
    public string? Address { get; init; }

    /// <summary>
    /// How long the lease runs without renewal. The holder renews every quarter of it; a standby takes over once it lapsed,
    /// so this bounds how long a dead or paused holder keeps the others waiting.
    /// </summary>
    public int DurationMs { get; init; } = DefaultDurationMs;

    /// <summary>The holder renews at this interval (a quarter of <see cref="DurationMs"/>).</summary>
    public int RenewEveryMs => DurationMs / 4;

    internal void Validate()
    {
        if (DurationMs is < MinDurationMs or > MaxDurationMs)
            throw new ArgumentOutOfRangeException(nameof(DurationMs), $"lease duration {DurationMs} ms is outside {MinDurationMs}..{MaxDurationMs} ms");
        if (Holder is not null && (string.IsNullOrWhiteSpace(Holder) || Holder.Length > 200)) throw new ArgumentException("lease holder must be 1..200 characters");
    }
}

/// <summary>
/// The journal refused a batch because another writer took the lease (a newer epoch): this writer was fenced off and must
/// step down. The refused batch is not in the journal.
/// </summary>
public sealed class JournalFencedException(string message) : InvalidOperationException(message);

/// <summary>Another writer holds an unexpired lease of the journal table.</summary>
public sealed class JournalLeaseHeldException(LeaseState lease, string table)
    : InvalidOperationException($"journal table {table} is already open by another writer: lease {lease}")
{
    public LeaseState Lease { get; } = lease;
}
