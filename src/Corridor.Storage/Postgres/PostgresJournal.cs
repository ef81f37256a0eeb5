using System.Data;
using System.Security.Cryptography;
using Corridor.Storage.Journal;
using Npgsql;
using NpgsqlTypes;

namespace Corridor.Storage.Postgres;

/// <summary>
/// The production journal: one row per batch in a PostgreSQL table, hash-chained exactly like
/// <see cref="FileJournal"/> (the chain hash is SHA-256 of the batch's 100-byte <see cref="BatchRecord"/>
/// header, which holds the previous hash and the body's SHA-256), so a journal can move between the
/// two stores and be verified by the same rules. <see cref="Append"/> returns only after the row's
/// transaction committed with <c>synchronous_commit</c> (default <c>on</c>): with a synchronous standby
/// (<c>synchronous_standby_names</c>) every acknowledged batch survives a failover.
/// One writer per table, enforced with a session advisory lock.
/// </summary>
public sealed class PostgresJournal : IJournal
{
    /// <summary>Advisory lock key held by the writer's session ("CRDJ" + table hash).</summary>
    private const long WriterLockBase = 0x4352444A_00000000;

    private readonly string _connectionString;
    private readonly PostgresJournalOptions _options;
    private readonly NpgsqlConnection? _writer; // null: opened read-only
    private readonly NpgsqlCommand? _insert;
    private readonly byte[] _header = new byte[BatchRecord.HeaderBytes];
    private readonly byte[] _lastHash;
    private readonly string _table;
    private byte[] _bodyBuffer = [];
    private long _lastSequence;
    private Exception? _failure;
    private bool _disposed;

    private PostgresJournal(string connectionString, PostgresJournalOptions options, NpgsqlConnection? writer, long lastSequence, byte[] lastHash, long batches)
    {
        _connectionString = connectionString;
        _options = options;
        _table = options.Table;
        _writer = writer;
        _lastSequence = lastSequence;
        _lastHash = lastHash;
        VerifiedBatches = batches;
        if (writer is not null)
        {
            _insert = new NpgsqlCommand(
                $"INSERT INTO {_table} (sequence, timestamp_ns, body, body_sha256, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6)", writer);
            _insert.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
            _insert.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
            _insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea });
            _insert.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea });
            _insert.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea });
            _insert.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea });
            _insert.Prepare();
        }
    }

    /// <summary>Batches whose chain was verified at open.</summary>
    public long VerifiedBatches { get; }

    public long LastSequence => Volatile.Read(ref _lastSequence);

    public byte[] LastHash
    {
        get { lock (_lastHash) return (byte[])_lastHash.Clone(); }
    }

    /// <summary>
    /// Connects, creates the table if missing, takes the writer lock and verifies the whole chain
    /// (sequences 1..n without a gap, every previous hash equal to the hash of the batch before, every
    /// stored hash equal to the SHA-256 of the rebuilt header). Bodies are checked against their
    /// SHA-256 by <see cref="Read"/> (which recovery replays). Throws <see cref="JournalCorruptException"/>
    /// on any mismatch, without modifying a row.
    /// </summary>
    public static PostgresJournal Open(string connectionString, PostgresJournalOptions? options = null)
    {
        options ??= new PostgresJournalOptions();
        options.Validate();
        var writer = new NpgsqlConnection(connectionString);
        try
        {
            writer.Open();
            Execute(writer, $"SET synchronous_commit = {options.SynchronousCommit}");
            Execute(writer, CreateTableSql(options.Table));
            using (var lockCommand = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", writer))
            {
                lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = WriterLockBase ^ (uint)StableHash(options.Table) });
                if (lockCommand.ExecuteScalar() is not true)
                    throw new InvalidOperationException($"journal table {options.Table} is already open by another writer");
            }
            (long last, byte[] hash, long batches) = VerifyChain(writer, options.Table);
            return new PostgresJournal(connectionString, options, writer, last, hash, batches);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens for reading only (tools, projectors in another process, a promoted standby's check): takes no
    /// lock, creates nothing. The chain is verified up to the batch that was last at open.
    /// </summary>
    public static PostgresJournal OpenReadOnly(string connectionString, PostgresJournalOptions? options = null)
    {
        options ??= new PostgresJournalOptions();
        options.Validate();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Table });
            if (exists.ExecuteScalar() is not true) return new PostgresJournal(connectionString, options, null, 0, new byte[BatchRecord.HashBytes], 0);
        }
        (long last, byte[] hash, long batches) = VerifyChain(connection, options.Table);
        return new PostgresJournal(connectionString, options, null, last, hash, batches);
    }

    internal static string CreateTableSql(string table) =>
        $"""
        CREATE TABLE IF NOT EXISTS {table} (
            sequence      bigint PRIMARY KEY,
            timestamp_ns  bigint NOT NULL,
            body          bytea  NOT NULL,
            body_sha256   bytea  NOT NULL,
            previous_hash bytea  NOT NULL,
            hash          bytea  NOT NULL
        );
        ALTER TABLE {table} ALTER COLUMN body SET STORAGE EXTERNAL;
        """;

    private static (long Last, byte[] Hash, long Batches) VerifyChain(NpgsqlConnection connection, string table)
    {
        // octet_length reads the stored length without detoasting the body.
        using var command = new NpgsqlCommand(
            $"SELECT sequence, timestamp_ns, octet_length(body), body_sha256, previous_hash, hash FROM {table} ORDER BY sequence", connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        var previous = new byte[BatchRecord.HashBytes];
        var header = new byte[BatchRecord.HeaderBytes];
        var computed = new byte[BatchRecord.HashBytes];
        long expected = 1;
        while (reader.Read())
        {
            long sequence = reader.GetInt64(0);
            if (sequence != expected) throw Corrupt(table, expected, $"found batch {sequence} where batch {expected} was expected (gap)");
            ulong timestamp = (ulong)reader.GetInt64(1);
            int bodyBytes = reader.GetInt32(2);
            byte[] bodyHash = (byte[])reader[3];
            byte[] previousHash = (byte[])reader[4];
            byte[] hash = (byte[])reader[5];
            if (bodyHash.Length != BatchRecord.HashBytes || previousHash.Length != BatchRecord.HashBytes || hash.Length != BatchRecord.HashBytes)
                throw Corrupt(table, sequence, "a hash column is not 32 bytes");
            if (!previousHash.AsSpan().SequenceEqual(previous)) throw Corrupt(table, sequence, "broken hash chain: previous_hash differs from the hash of the batch before");
            BatchRecord.Write(header, sequence, timestamp, bodyBytes, bodyHash, previousHash);
            SHA256.HashData(header, computed);
            if (!computed.AsSpan().SequenceEqual(hash)) throw Corrupt(table, sequence, "stored hash differs from the SHA-256 of the batch header");
            hash.CopyTo(previous, 0);
            expected++;
        }
        return (expected - 1, previous, expected - 1);
    }

    private static JournalCorruptException Corrupt(string table, long sequence, string problem) =>
        new($"PostgreSQL journal table {table} is corrupt at batch {sequence}: {problem}. The node refuses to start; no row was modified.");

    public void Append(long sequence, ulong timestampNs, ReadOnlySpan<byte> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_insert is null) throw new InvalidOperationException($"journal table {_table} was opened read-only");
        if (_failure is not null) throw new InvalidOperationException($"journal table {_table} failed earlier and must be reopened: {_failure.Message}", _failure);
        if (sequence != _lastSequence + 1) throw new InvalidOperationException($"append of batch {sequence} after batch {_lastSequence}: sequences must be consecutive");
        if (body.Length > _options.MaxBatchBytes) throw new ArgumentException($"batch body of {body.Length} bytes exceeds MaxBatchBytes {_options.MaxBatchBytes}", nameof(body));

        BatchRecord.Write(_header, sequence, timestampNs, body, _lastHash);
        byte[] hash = SHA256.HashData(_header);
        if (_bodyBuffer.Length < body.Length) _bodyBuffer = new byte[Math.Max(body.Length, _bodyBuffer.Length * 2)];
        body.CopyTo(_bodyBuffer);
        try
        {
            // One INSERT is one transaction: the server answers only after COMMIT (WAL flushed locally and,
            // with a synchronous standby, on the standby too). An error leaves the outcome unknown.
            ((NpgsqlParameter<long>)_insert.Parameters[0]).TypedValue = sequence;
            ((NpgsqlParameter<long>)_insert.Parameters[1]).TypedValue = (long)timestampNs;
            ((NpgsqlParameter<ReadOnlyMemory<byte>>)_insert.Parameters[2]).TypedValue = _bodyBuffer.AsMemory(0, body.Length);
            ((NpgsqlParameter<byte[]>)_insert.Parameters[3]).TypedValue = BatchRecord.BodyHash(_header).ToArray();
            ((NpgsqlParameter<byte[]>)_insert.Parameters[4]).TypedValue = BatchRecord.PreviousHash(_header).ToArray();
            ((NpgsqlParameter<byte[]>)_insert.Parameters[5]).TypedValue = hash;
            _insert.ExecuteNonQuery();
        }
        catch (Exception e)
        {
            // The commit may or may not have happened: refuse further appends; reopening reads what is really stored.
            _failure = e;
            throw;
        }
        lock (_lastHash) hash.CopyTo(_lastHash, 0);
        Volatile.Write(ref _lastSequence, sequence);
    }

    /// <summary>
    /// Streams batches after <paramref name="afterSequence"/> up to <see cref="LastSequence"/> (at call time)
    /// on a connection of its own, checking each body's SHA-256, each header hash and the chain.
    /// Safe to call from another thread while the writer appends.
    /// </summary>
    public IEnumerable<JournalBatch> Read(long afterSequence)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        return ReadRange(afterSequence, LastSequence);
    }

    private IEnumerable<JournalBatch> ReadRange(long afterSequence, long lastSequence)
    {
        if (afterSequence >= lastSequence) yield break;
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        byte[] previous = new byte[BatchRecord.HashBytes];
        if (afterSequence > 0)
        {
            using var start = new NpgsqlCommand($"SELECT hash FROM {_table} WHERE sequence = $1", connection);
            start.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
            previous = start.ExecuteScalar() as byte[] ?? throw Corrupt(_table, afterSequence, "batch is missing");
        }
        using var command = new NpgsqlCommand(
            $"SELECT sequence, timestamp_ns, body, body_sha256, previous_hash, hash FROM {_table} WHERE sequence > $1 AND sequence <= $2 ORDER BY sequence",
            connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lastSequence });
        using NpgsqlDataReader reader = command.ExecuteReader(CommandBehavior.SequentialAccess);
        var header = new byte[BatchRecord.HeaderBytes];
        var bodyHash = new byte[BatchRecord.HashBytes];
        long expected = afterSequence + 1;
        while (reader.Read())
        {
            long sequence = reader.GetInt64(0);
            if (sequence != expected) throw Corrupt(_table, expected, $"found batch {sequence} where batch {expected} was expected (gap)");
            ulong timestamp = (ulong)reader.GetInt64(1);
            byte[] body = reader.GetFieldValue<byte[]>(2);
            byte[] storedBodyHash = reader.GetFieldValue<byte[]>(3);
            byte[] previousHash = reader.GetFieldValue<byte[]>(4);
            byte[] hash = reader.GetFieldValue<byte[]>(5);
            SHA256.HashData(body, bodyHash);
            if (!bodyHash.AsSpan().SequenceEqual(storedBodyHash)) throw Corrupt(_table, sequence, "body does not match its SHA-256");
            if (!previousHash.AsSpan().SequenceEqual(previous)) throw Corrupt(_table, sequence, "broken hash chain");
            BatchRecord.Write(header, sequence, timestamp, body, previousHash);
            byte[] computed = SHA256.HashData(header);
            if (!computed.AsSpan().SequenceEqual(hash)) throw Corrupt(_table, sequence, "stored hash differs from the SHA-256 of the batch header");
            yield return new JournalBatch(sequence, timestamp, body, hash, previousHash);
            previous = hash;
            expected++;
        }
        if (expected != lastSequence + 1) throw Corrupt(_table, expected, $"journal ends at batch {expected - 1}, batch {lastSequence} was committed");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _insert?.Dispose();
        _writer?.Dispose(); // closing the session releases the advisory lock
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static int StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) h = (h ^ c) * 16777619;
        return (int)h;
    }
}

/// <summary>Where and how a <see cref="PostgresJournal"/> writes.</summary>
public sealed record PostgresJournalOptions
{
    public const int DefaultMaxBatchBytes = 64 * 1024 * 1024;

    /// <summary>Table name (optionally schema-qualified); letters, digits, '_' and one '.'.</summary>
    public string Table { get; init; } = "journal";

    /// <summary>Largest body <see cref="PostgresJournal.Append"/> accepts.</summary>
    public int MaxBatchBytes { get; init; } = DefaultMaxBatchBytes;

    /// <summary>
    /// <c>synchronous_commit</c> of the writer's session: <c>on</c> (flushed locally and on synchronous
    /// standbys), <c>remote_apply</c> (also applied there, visible to standby reads). Never weaker.
    /// </summary>
    public string SynchronousCommit { get; init; } = "on";

    internal void Validate()
    {
        if (Table.Length is 0 or > 63 || !Table.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.') || char.IsAsciiDigit(Table[0]))
            throw new ArgumentException($"journal table name '{Table}' must be 1..63 ASCII letters, digits, '_' or '.'");
        if (SynchronousCommit is not ("on" or "remote_apply"))
            throw new ArgumentException($"synchronous_commit '{SynchronousCommit}' would acknowledge batches that are not durable; use on or remote_apply");
        if (MaxBatchBytes < 0 || MaxBatchBytes > BatchRecord.MaxBodyBytesFormat)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchBytes), $"MaxBatchBytes {MaxBatchBytes} is outside 0..{BatchRecord.MaxBodyBytesFormat}");
    }
}
