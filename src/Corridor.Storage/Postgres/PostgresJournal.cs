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
/// One writer per table, enforced by a lease with an epoch (fencing token) in <c>{table}_lease</c>
/// (<see cref="PostgresLease"/>): every row carries the epoch of its writer and is inserted only while the lease still has
/// that epoch, so a writer whose lease was taken over can never append again. A writer renews its lease on a thread of its
/// own; when the connection breaks mid-append (PostgreSQL restarted or its standby promoted) it reconnects and settles
/// whether the batch committed before answering.
/// </summary>
public sealed class PostgresJournal : IJournal
{
    private const int ReconnectPauseMs = 250;

    private readonly string _connectionString;
    private readonly PostgresJournalOptions _options;
    private readonly bool _readOnly;
    private NpgsqlConnection? _writer; // null: opened read-only
    private NpgsqlCommand? _insert;
    private readonly byte[] _header = new byte[BatchRecord.HeaderBytes];
    private readonly byte[] _lastHash;
    private readonly string _table;
    private byte[] _bodyBuffer = [];
    private long _lastSequence;
    private Exception? _failure;
    private volatile LeaseState? _lostTo; // set when a renewal or an append found another epoch holding the lease
    private long _leaseValidUntilTicks; // Stopwatch ticks: the lease surely runs until then (measured from before the renewal was sent)
    private readonly Thread? _renewer;
    private readonly ManualResetEventSlim _stopRenewing = new(false);
    private volatile bool _disposed;

    private PostgresJournal(string connectionString, PostgresJournalOptions options, NpgsqlConnection? writer, long epoch, long lastSequence, byte[] lastHash, long batches)
    {
        _connectionString = connectionString;
        _options = options;
        _table = options.Table;
        _readOnly = writer is null;
        _writer = writer;
        Epoch = epoch;
        _lastSequence = lastSequence;
        _lastHash = lastHash;
        VerifiedBatches = batches;
        if (writer is not null)
        {
            _insert = PrepareInsert(writer);
            // The lease was taken (or renewed) just before the writer was built: held from now, for three quarters of its
            // duration until the renewer renews it. Set here, not by the renewer thread, which may start later: a writer
            // just opened must not report the lease lost before that thread first runs.
            long durationTicks = options.Lease.DurationMs * System.Diagnostics.Stopwatch.Frequency / 1000;
            _leaseValidUntilTicks = System.Diagnostics.Stopwatch.GetTimestamp() + durationTicks - durationTicks / 4;
            _renewer = new Thread(RenewLoop) { Name = "corridor-lease", IsBackground = true };
            _renewer.Start();
        }
    }

    private NpgsqlCommand PrepareInsert(NpgsqlConnection writer)
    {
        // The row goes in only while the lease row has this writer's epoch; FOR SHARE holds the lease row until COMMIT, so a
        // take-over (UPDATE of that row) waits for this append, or this append waits for the take-over and then finds the
        // new epoch and inserts nothing.
        var insert = new NpgsqlCommand(
            $"""
            INSERT INTO {_table} (sequence, timestamp_ns, body, body_sha256, previous_hash, hash, epoch)
            SELECT $1, $2, $3, $4, $5, $6, l.epoch FROM {PostgresLease.TableOf(_table)} l WHERE l.id = 1 AND l.epoch = $7 FOR SHARE OF l
            """, writer);
        insert.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = Epoch });
        insert.Prepare();
        return insert;
    }

    /// <summary>Batches whose chain was verified at open.</summary>
    public long VerifiedBatches { get; }

    /// <summary>The epoch (fencing token) of this writer's lease; 0 when opened read-only.</summary>
    public long Epoch { get; }

    /// <summary>The holder name this writer took the lease under.</summary>
    public string LeaseHolder => _options.Lease.Holder ?? "";

    /// <summary>
    /// True while this writer surely holds the lease: the last renewal succeeded less than the lease's duration ago (measured
    /// from before it was sent) and no other epoch was seen. False once it lapsed or was taken over: the node stops serving.
    /// </summary>
    public bool HoldsLease => !_readOnly && _lostTo is null && _failure is not JournalFencedException
        && System.Diagnostics.Stopwatch.GetTimestamp() < Interlocked.Read(ref _leaseValidUntilTicks);

    /// <summary>The lease as found when this writer learnt it had lost it (null while it holds it, as far as it knows).</summary>
    public LeaseState? LostTo => _lostTo;

    public long LastSequence => Volatile.Read(ref _lastSequence);

    public byte[] LastHash
    {
        get { lock (_lastHash) return (byte[])_lastHash.Clone(); }
    }

    /// <summary>
    /// Connects, creates the tables if missing, takes the lease (a new epoch; <see cref="JournalLeaseHeldException"/> when
    /// another writer's lease runs) and verifies the whole chain (sequences 1..n without a gap, every previous hash equal to
    /// the hash of the batch before, every stored hash equal to the SHA-256 of the rebuilt header). Bodies are checked against
    /// their SHA-256 by <see cref="Read"/> (which recovery replays). Throws <see cref="JournalCorruptException"/> on any
    /// mismatch, without modifying a row.
    /// </summary>
    public static PostgresJournal Open(string connectionString, PostgresJournalOptions? options = null) =>
        Open(connectionString, options, verifiedThrough: 0, verifiedHash: null);

    /// <summary>
    /// As <see cref="Open(string, PostgresJournalOptions?)"/>, for a standby whose replica already verified (and applied)
    /// batches 1..<paramref name="verifiedThrough"/> ending in <paramref name="verifiedHash"/>: only the rows after it are
    /// verified here, and the stored hash of that batch must still be the one the replica saw.
    /// </summary>
    public static PostgresJournal Open(string connectionString, PostgresJournalOptions? options, long verifiedThrough, byte[]? verifiedHash)
    {
        options ??= new PostgresJournalOptions();
        options.Validate();
        if (options.Lease.Holder is null) options = options with { Lease = options.Lease with { Holder = options.Lease.NewHolder() } };
        var writer = new NpgsqlConnection(connectionString);
        try
        {
            writer.Open();
            Execute(writer, $"SET synchronous_commit = {options.SynchronousCommit}");
            Execute(writer, CreateTableSql(options.Table));
            Execute(writer, PostgresLease.CreateSql(options.Table));
            long epoch = PostgresLease.TryTake(writer, options.Table, options.Lease)
                ?? throw new JournalLeaseHeldException(PostgresLease.Read(writer, options.Table)!, options.Table);
            (long last, byte[] hash, long batches) = VerifyChain(writer, options.Table, verifiedThrough, verifiedHash);
            return new PostgresJournal(connectionString, options, writer, epoch, last, hash, batches);
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
            if (exists.ExecuteScalar() is not true) return new PostgresJournal(connectionString, options, null, 0, 0, new byte[BatchRecord.HashBytes], 0);
        }
        (long last, byte[] hash, long batches) = VerifyChain(connection, options.Table, 0, null);
        return new PostgresJournal(connectionString, options, null, 0, last, hash, batches);
    }

    /// <summary>
    /// A read-only journal learns the batches committed since it opened (a standby following the writer): moves
    /// <see cref="LastSequence"/> to the last committed batch. Their chain is verified when <see cref="Read"/> yields them.
    /// Returns the new last sequence.
    /// </summary>
    public long Refresh()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_readOnly) throw new InvalidOperationException("only a read-only journal follows another writer");
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _table });
        if (exists.ExecuteScalar() is not true) return LastSequence;
        using var command = new NpgsqlCommand($"SELECT sequence, hash FROM {_table} ORDER BY sequence DESC LIMIT 1", connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        if (!reader.Read()) return LastSequence;
        long last = reader.GetInt64(0);
        if (last < LastSequence) throw Corrupt(_table, LastSequence, $"the journal now ends at batch {last}: committed batches disappeared");
        byte[] hash = (byte[])reader[1];
        lock (_lastHash) hash.CopyTo(_lastHash, 0);
        Volatile.Write(ref _lastSequence, last);
        return last;
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

    private static (long Last, byte[] Hash, long Batches) VerifyChain(NpgsqlConnection connection, string table, long verifiedThrough, byte[]? verifiedHash)
    {
        var previous = new byte[BatchRecord.HashBytes];
        if (verifiedThrough > 0)
        {
            using var start = new NpgsqlCommand($"SELECT hash FROM {table} WHERE sequence = $1", connection);
            start.Parameters.Add(new NpgsqlParameter<long> { TypedValue = verifiedThrough });
            byte[] stored = start.ExecuteScalar() as byte[] ?? throw Corrupt(table, verifiedThrough, "batch is missing");
            if (verifiedHash is null || !stored.AsSpan().SequenceEqual(verifiedHash)) throw Corrupt(table, verifiedThrough, "stored hash differs from the one verified before");
            stored.CopyTo(previous, 0);
        }
        // octet_length reads the stored length without detoasting the body.
        using var command = new NpgsqlCommand(
            $"SELECT sequence, timestamp_ns, octet_length(body), body_sha256, previous_hash, hash FROM {table} WHERE sequence > $1 ORDER BY sequence", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = verifiedThrough });
        using NpgsqlDataReader reader = command.ExecuteReader();
        var header = new byte[BatchRecord.HeaderBytes];
        var computed = new byte[BatchRecord.HashBytes];
        long expected = verifiedThrough + 1;
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
        return (expected - 1, previous, expected - 1 - verifiedThrough);
    }

    private static JournalCorruptException Corrupt(string table, long sequence, string problem) =>
        new($"PostgreSQL journal table {table} is corrupt at batch {sequence}: {problem}. The node refuses to start; no row was modified.");

    public void Append(long sequence, ulong timestampNs, ReadOnlySpan<byte> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_readOnly) throw new InvalidOperationException($"journal table {_table} was opened read-only");
        if (_failure is JournalFencedException fenced) throw new JournalFencedException(fenced.Message);
        if (_failure is not null) throw new InvalidOperationException($"journal table {_table} failed earlier and must be reopened: {_failure.Message}", _failure);
        if (_lostTo is { } lost) throw Fence(sequence, lost);
        if (sequence != _lastSequence + 1) throw new InvalidOperationException($"append of batch {sequence} after batch {_lastSequence}: sequences must be consecutive");
        if (body.Length > _options.MaxBatchBytes) throw new ArgumentException($"batch body of {body.Length} bytes exceeds MaxBatchBytes {_options.MaxBatchBytes}", nameof(body));

        BatchRecord.Write(_header, sequence, timestampNs, body, _lastHash);
        byte[] hash = SHA256.HashData(_header);
        if (_bodyBuffer.Length < body.Length) _bodyBuffer = new byte[Math.Max(body.Length, _bodyBuffer.Length * 2)];
        body.CopyTo(_bodyBuffer);
        int inserted;
        try
        {
            // One INSERT is one transaction: the server answers only after COMMIT (WAL flushed locally and,
            // with a synchronous standby, on the standby too). A broken connection leaves the outcome unknown.
            inserted = Insert(sequence, timestampNs, body.Length, hash);
        }
        catch (NpgsqlException e) when (IsConnectionLoss(e))
        {
            inserted = Settle(sequence, timestampNs, body.Length, hash, e);
        }
        catch (Exception e)
        {
            // The commit may or may not have happened: refuse further appends; reopening reads what is really stored.
            _failure = e;
            throw;
        }
        if (inserted == 0)
        {
            LeaseState? lease = ReadLeaseQuietly();
            _lostTo = lease;
            JournalFencedException refused = Fence(sequence, lease);
            _failure = refused;
            throw refused;
        }
        lock (_lastHash) hash.CopyTo(_lastHash, 0);
        Volatile.Write(ref _lastSequence, sequence);
    }

    private int Insert(long sequence, ulong timestampNs, int bodyBytes, byte[] hash)
    {
        NpgsqlCommand insert = _insert!;
        ((NpgsqlParameter<long>)insert.Parameters[0]).TypedValue = sequence;
        ((NpgsqlParameter<long>)insert.Parameters[1]).TypedValue = (long)timestampNs;
        ((NpgsqlParameter<ReadOnlyMemory<byte>>)insert.Parameters[2]).TypedValue = _bodyBuffer.AsMemory(0, bodyBytes);
        ((NpgsqlParameter<byte[]>)insert.Parameters[3]).TypedValue = BatchRecord.BodyHash(_header).ToArray();
        ((NpgsqlParameter<byte[]>)insert.Parameters[4]).TypedValue = BatchRecord.PreviousHash(_header).ToArray();
        ((NpgsqlParameter<byte[]>)insert.Parameters[5]).TypedValue = hash;
        return insert.ExecuteNonQuery();
    }

    /// <summary>
    /// The connection broke during an append (PostgreSQL restarted, or its standby was promoted and the connection string
    /// names it too): reconnect within <see cref="PostgresJournalOptions.ReconnectTimeoutMs"/> and settle the outcome. If the
    /// batch's row is there with this batch's hash it committed; if it is not, it did not, and it is inserted again (still
    /// conditional on the epoch); a different row there means another writer took over. Returns rows inserted (0 = fenced).
    /// </summary>
    private int Settle(long sequence, ulong timestampNs, int bodyBytes, byte[] hash, NpgsqlException cause)
    {
        long deadline = Environment.TickCount64 + _options.ReconnectTimeoutMs;
        Exception last = cause;
        while (Environment.TickCount64 < deadline && !_disposed)
        {
            Thread.Sleep(ReconnectPauseMs);
            try
            {
                _insert?.Dispose();
                _writer?.Dispose();
                _insert = null;
                _writer = new NpgsqlConnection(_connectionString);
                _writer.Open();
                Execute(_writer, $"SET synchronous_commit = {_options.SynchronousCommit}");
                _insert = PrepareInsert(_writer); // before the outcome is settled: the next append needs it either way
                using (var find = new NpgsqlCommand($"SELECT hash FROM {_table} WHERE sequence = $1", _writer))
                {
                    find.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
                    if (find.ExecuteScalar() is byte[] stored) return stored.AsSpan().SequenceEqual(hash) ? 1 : 0;
                }
                return Insert(sequence, timestampNs, bodyBytes, hash);
            }
            catch (NpgsqlException e) when (IsConnectionLoss(e) || e is PostgresException { SqlState: "25006" or "57P03" })
            {
                last = e; // not reachable yet, or still a read-only standby (25006) or starting up (57P03): try again
            }
            catch (Exception e)
            {
                _failure = e;
                throw;
            }
        }
        _failure = last;
        throw new InvalidOperationException($"journal table {_table}: the connection broke while appending batch {sequence} and could not be re-established within {_options.ReconnectTimeoutMs} ms; the batch's outcome is unknown: {last.Message}", last);
    }

    private static bool IsConnectionLoss(NpgsqlException e) =>
        e is not PostgresException || e is PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08003" or "08000" };

    private JournalFencedException Fence(long sequence, LeaseState? lease) =>
        new($"batch {sequence} refused: this writer's lease (epoch {Epoch}) was taken over{(lease is null ? "" : $" (now {lease})")}; it must step down");

    private LeaseState? ReadLeaseQuietly()
    {
        try
        {
            using var connection = new NpgsqlConnection(_connectionString);
            connection.Open();
            return PostgresLease.Read(connection, _table);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    /// <summary>Renews the lease every quarter of its duration on a connection of its own, until disposed or taken over.</summary>
    private void RenewLoop()
    {
        NpgsqlConnection? connection = null;
        int durationMs = _options.Lease.DurationMs;
        long durationTicks = durationMs * System.Diagnostics.Stopwatch.Frequency / 1000;
        try
        {
            while (!_stopRenewing.Wait(_options.Lease.RenewEveryMs))
            {
                long sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    if (connection is null)
                    {
                        connection = new NpgsqlConnection(_connectionString);
                        connection.Open();
                    }
                    if (PostgresLease.Renew(connection, _table, Epoch, durationMs))
                        Interlocked.Exchange(ref _leaseValidUntilTicks, sentAt + durationTicks);
                    else
                    {
                        _lostTo = PostgresLease.Read(connection, _table);
                        return;
                    }
                }
                catch (NpgsqlException)
                {
                    connection?.Dispose();
                    connection = null; // the database is unreachable: the lease runs out locally, the node reports not ready
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
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

    /// <summary>Stops renewing the lease, as a paused process would (tests): it lapses after its duration unless taken over first.</summary>
    internal void SuspendRenewal()
    {
        _stopRenewing.Set();
        _renewer?.Join();
    }

    /// <summary>Stops renewing; a writer that still holds the lease releases it, so a standby takes over at once.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopRenewing.Set();
        _renewer?.Join();
        if (!_readOnly && _lostTo is null && _failure is null && _writer is not null)
        {
            try { PostgresLease.Release(_writer, _table, Epoch); }
            catch (NpgsqlException) { } // unreachable: the lease lapses by itself
        }
        _insert?.Dispose();
        _writer?.Dispose();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}

/// <summary>Where and how a <see cref="PostgresJournal"/> writes.</summary>
public sealed record PostgresJournalOptions
{
    public const int DefaultMaxBatchBytes = 64 * 1024 * 1024;

    /// <summary>Table name (optionally schema-qualified); letters, digits, '_' and one '.'; its lease is in <c>{Table}_lease</c>.</summary>
    public string Table { get; init; } = "journal";

    /// <summary>The writer's lease (holder, advertised address, duration).</summary>
    public PostgresLeaseOptions Lease { get; init; } = new();

    /// <summary>How long an append whose connection broke tries to reconnect and settle its outcome before the journal fails.</summary>
    public int ReconnectTimeoutMs { get; init; } = 30_000;

    /// <summary>Largest body <see cref="PostgresJournal.Append"/> accepts.</summary>
    public int MaxBatchBytes { get; init; } = DefaultMaxBatchBytes;

    /// <summary>
    /// <c>synchronous_commit</c> of the writer's session: <c>on</c> (flushed locally and on synchronous
    /// standbys), <c>remote_apply</c> (also applied there, visible to standby reads). Never weaker.
    /// </summary>
    public string SynchronousCommit { get; init; } = "on";

    internal void Validate()
    {
        if (Table.Length is 0 or > 57 || !Table.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.') || char.IsAsciiDigit(Table[0]))
            throw new ArgumentException($"journal table name '{Table}' must be 1..57 ASCII letters, digits, '_' or '.'");
        if (SynchronousCommit is not ("on" or "remote_apply"))
            throw new ArgumentException($"synchronous_commit '{SynchronousCommit}' would acknowledge batches that are not durable; use on or remote_apply");
        if (MaxBatchBytes < 0 || MaxBatchBytes > BatchRecord.MaxBodyBytesFormat)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchBytes), $"MaxBatchBytes {MaxBatchBytes} is outside 0..{BatchRecord.MaxBodyBytesFormat}");
        if (ReconnectTimeoutMs is < 0 or > 600_000) throw new ArgumentOutOfRangeException(nameof(ReconnectTimeoutMs), $"ReconnectTimeoutMs {ReconnectTimeoutMs} is outside 0..600000");
        Lease.Validate();
    }
}
