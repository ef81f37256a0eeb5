using System.IO.Compression;
using Microsoft.Data.Sqlite;

namespace Corridor.Server.Messages;

/// <summary>One archived ISO 20022 message: who sent it (in) or was answered (out), what it is and when.</summary>
public sealed record ArchivedMessage(long Id, ulong Participant, string Direction, string Definition, string MsgId, string? OriginalMsgId, ulong AtNs, int Bytes);

/// <summary>
/// The ISO 20022 messages this node received on <c>POST /v1/iso20022</c> and the answers it sent, byte for byte, in
/// <c>&lt;data&gt;/messages.db</c> (SQLite, WAL). The journal keeps the commands a message became, not its bytes; the archive
/// keeps the bytes, so an operator or a party can read the very message a payment came in and the status report that
/// answered it. Written before the answer is sent; local to the node that received the message (not replicated, not
/// rebuilt from the journal). Thread-safe: one writer thread commits what is waiting together.
/// <para>
/// A body is stored compressed (zlib, <see cref="BodyEncoding"/> 1) when that makes it at least a tenth smaller, else as it
/// came (0; archives written before compression hold only these); <c>body_bytes</c> is its length as sent. Reading gives
/// the bytes back exactly. ISO 20022 XML repeats its tags: a pacs.008 of 100 transactions of the HTTP benchmark kept
/// 4.5 KB of 126 KB, its pacs.002 3.0 of 29 KB — less writing for the archive's thread and its checkpoints, and less disk.
/// </para>
/// </summary>
public sealed class MessageArchive : IDisposable
{
    /// <summary>Most messages one lookup returns (a payment has its message and its answer; a retried one a few more).</summary>
    public const int MaxListed = 100;

    public const string In = "in", Out = "out";

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private readonly int _restartFrames;
    private readonly TimeSpan _checkpointInterval;

    private MessageArchive(SqliteConnection connection, int restartFrames, TimeSpan checkpointInterval)
    {
        _connection = connection;
        _restartFrames = restartFrames;
        _checkpointInterval = checkpointInterval;
    }

    /// <summary>Opens (creating if missing) the archive at <paramref name="path"/>.</summary>
    public static MessageArchive Open(string path) => Open(path, RestartFrames, CheckpointInterval);

    /// <summary>As <see cref="Open(string)"/>, with the log's restart threshold and the checkpoint interval given (tests).</summary>
    internal static MessageArchive Open(string path, int restartFrames, TimeSpan checkpointInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(restartFrames, 1);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        var archive = new MessageArchive(connection, restartFrames, checkpointInterval);
        archive.Execute("PRAGMA journal_mode = WAL");
        archive.Execute("PRAGMA synchronous = NORMAL");
        // When the log starts over, its file is cut back to this (it is otherwise reused at the length it once reached).
        archive.Execute($"PRAGMA journal_size_limit = {Math.Min(2L * restartFrames * WalFrameBytes, 1L << 30)}");
        // No checkpoint in the writer's commits (each would stall every request waiting behind it for the copy and the fsync):
        // the checkpointer thread runs them beside the writer on a connection of its own (see CheckpointLoop).
        archive.Execute("PRAGMA wal_autocheckpoint = 0");
        archive.Execute("""
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY, participant INTEGER NOT NULL, direction TEXT NOT NULL, definition TEXT NOT NULL,
                msg_id TEXT NOT NULL, original_msg_id TEXT, at_ns INTEGER NOT NULL, body BLOB NOT NULL,
                body_encoding INTEGER NOT NULL DEFAULT 0, body_bytes INTEGER)
            """);
        // An archive from before compression: its rows are read as they are (encoding 0, their length that of the body).
        if (!archive.HasColumn("messages", "body_encoding"))
        {
            archive.Execute("ALTER TABLE messages ADD COLUMN body_encoding INTEGER NOT NULL DEFAULT 0");
            archive.Execute("ALTER TABLE messages ADD COLUMN body_bytes INTEGER");
        }
        archive.Execute("CREATE INDEX IF NOT EXISTS messages_by_msg_id ON messages (msg_id)");
        archive.Execute("CREATE INDEX IF NOT EXISTS messages_by_original ON messages (original_msg_id)");
        archive._writer = new Thread(archive.WriteLoop) { IsBackground = true, Name = "corridor-archive" };
        archive._writer.Start();
        archive._checkpointer = new Thread(() => archive.CheckpointLoop(path)) { IsBackground = true, Name = "corridor-archive-checkpoint" };
        archive._checkpointer.Start();
        return archive;
    }

    /// <summary>Most exchanges kept in one transaction (the writer takes whatever is waiting, up to this many).</summary>
    public const int MaxExchangesPerWrite = 256;

    private sealed record Exchange(ulong Participant, string Definition, string MsgId, byte[] Body,
        string? AnswerDefinition, string? AnswerMsgId, byte[] AnswerBody, ulong AtNs, TaskCompletionSource<long> Kept);

    private readonly System.Threading.Channels.Channel<Exchange> _waiting =
        System.Threading.Channels.Channel.CreateUnbounded<Exchange>(new() { SingleReader = true });
    private Thread? _writer;
    private SqliteCommand? _insert; // prepared once, parameters set per message; used by the writer under _gate

    /// <summary>
    /// Keeps a message received and the answer this node sent to it (<paramref name="answerDefinition"/> null: none): both or
    /// neither. Completes with the received message's archive id once committed. Exchanges arriving together are committed in one
    /// transaction by the archive's writer thread (group commit, as the journal's): a message costs one transaction only when it
    /// comes alone.
    /// </summary>
    public Task<long> AddExchangeAsync(ulong participant, string definition, string msgId, byte[] body,
        string? answerDefinition, string? answerMsgId, byte[] answerBody, ulong atNs)
    {
        if (answerDefinition is not null) ArgumentNullException.ThrowIfNull(answerMsgId);
        var kept = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiting.Writer.TryWrite(new Exchange(participant, definition, msgId, body, answerDefinition, answerMsgId, answerBody, atNs, kept)))
            kept.SetException(new ObjectDisposedException(nameof(MessageArchive)));
        return kept.Task;
    }

    private void WriteLoop()
    {
        var group = new List<Exchange>(MaxExchangesPerWrite);
        System.Threading.Channels.ChannelReader<Exchange> reader = _waiting.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            while (group.Count < MaxExchangesPerWrite && reader.TryRead(out Exchange? e)) group.Add(e);
            var ids = new long[group.Count];
            try
            {
                lock (_gate)
                {
                    using SqliteTransaction tx = _connection.BeginTransaction();
                    for (int i = 0; i < group.Count; i++)
                    {
                        Exchange e = group[i];
                        ids[i] = Insert(tx, e.Participant, In, e.Definition, e.MsgId, null, e.AtNs, e.Body);
                        if (e.AnswerDefinition is not null) Insert(tx, e.Participant, Out, e.AnswerDefinition, e.AnswerMsgId!, e.MsgId, e.AtNs, e.AnswerBody);
                    }
                    tx.Commit();
                }
            }
            catch (Exception failure) // each waiting request fails with it (its answer is not sent), the writer goes on
            {
                foreach (Exchange e in group) e.Kept.TrySetException(failure);
                continue;
            }
            for (int i = 0; i < group.Count; i++) group[i].Kept.TrySetResult(ids[i]);
            if (_finishCheckpoint) FinishCheckpoint();
        }
    }

    /// <summary>
    /// Set by the checkpointer once its passes have copied all but a short tail of a long log: the writer copies that tail
    /// itself between two commits (no frame can be appended meanwhile, so the checkpoint is complete), and its next commit
    /// starts the log over. Done by the writer, not by the checkpointer holding it off with a RESTART checkpoint: a writer
    /// waiting on a lock polls for it in sleeps of 1–25 ms, which gave requests waiting on the archive a p99 of 37–57 ms
    /// against 22–33 ms with the log growing; the writer's own pass took 7–8 ms, once per 256 MiB of log (≈ 5 s of
    /// one-transaction pacs.008s at full load).
    /// </summary>
    private volatile bool _finishCheckpoint;

    private SqliteCommand? _finish; // the writer's own checkpoint, used under _gate

    private void FinishCheckpoint()
    {
        _finishCheckpoint = false;
        try
        {
            lock (_gate)
            {
                if (_finish is null)
                {
                    _finish = _connection.CreateCommand();
                    _finish.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                }
                (bool busy, int log, int copied) = Checkpoint(_finish);
                if (!busy && copied == log) Interlocked.Increment(ref _restarts);
            }
        }
        catch (SqliteException) { } // a failing disk: the log grows until a later checkpoint gets through; the next commit says so
    }

    /// <summary>How often the checkpointer copies the write-ahead log into the archive's file.</summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Frames (pages of 4 KiB) the write-ahead log may hold before the checkpointer has it start over (≈ 256 MiB). SQLite
    /// starts the log over only once a checkpoint has copied all of it; under steady writes a passive checkpoint never
    /// does (the writer appends while it copies), so the log grew for as long as messages kept coming (491 MB after 13 s
    /// of one-transaction pacs.008s at ≈ 7,000 a second), and every frame went to a new block of the file.
    /// </summary>
    public const int RestartFrames = 65_536;

    /// <summary>Bytes of one frame of the log: a 24-byte header and a 4096-byte page.</summary>
    private const int WalFrameBytes = 4096 + 24;

    /// <summary>A passive pass that found no more than this many new frames leaves a tail short enough for the writer to copy between two commits.</summary>
    private const int CatchUpFrames = 256;

    /// <summary>Most passive passes before the writer is asked to copy the tail anyway.</summary>
    private const int MaxCatchUpPasses = 8;

    private Thread? _checkpointer;
    private readonly ManualResetEventSlim _stopping = new(false);

    /// <summary>Times the log was fully copied by the writer's own checkpoint, so that its next commit started it over.</summary>
    public int Restarts => Volatile.Read(ref _restarts);
    private int _restarts;

    /// <summary>
    /// Copies committed pages from the write-ahead log into the file (PRAGMA wal_checkpoint(PASSIVE): it never waits for the writer,
    /// which goes on appending meanwhile), every <see cref="CheckpointInterval"/> and at the end. Once the log holds
    /// <see cref="RestartFrames"/> or more, passive passes follow one another until one finds only a short tail, and the
    /// writer is asked to copy that tail between two commits (<see cref="FinishCheckpoint"/>), after which its next commit
    /// starts the log over from its beginning, reusing its file.
    /// </summary>
    private void CheckpointLoop(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using (SqliteCommand timeout = connection.CreateCommand())
        {
            timeout.CommandText = "PRAGMA busy_timeout = 1000";
            timeout.ExecuteNonQuery();
        }
        using SqliteCommand passive = connection.CreateCommand();
        passive.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        bool stop = false;
        while (!stop)
        {
            stop = _stopping.Wait(_checkpointInterval);
            if (_finishCheckpoint) continue; // the writer has not copied the last tail yet: no pass may hold the checkpoint's lock then
            try
            {
                (_, int log, _) = Checkpoint(passive);
                Volatile.Write(ref _logFrames, log);
                if (log < _restartFrames) continue;
                for (int pass = 0; pass < MaxCatchUpPasses; pass++)
                {
                    (_, int next, _) = Checkpoint(passive);
                    bool caughtUp = next - log <= CatchUpFrames;
                    log = next;
                    if (caughtUp) break;
                }
                _finishCheckpoint = true;
            }
            catch (SqliteException) { } // busy or failing disk: the log only grows until a later checkpoint gets through
        }
    }

    /// <summary>Runs a checkpoint: whether it could not finish (a writer or reader held it off), the frames in the log and those copied.</summary>
    private static (bool Busy, int LogFrames, int Copied) Checkpoint(SqliteCommand checkpoint)
    {
        using SqliteDataReader r = checkpoint.ExecuteReader();
        return r.Read() ? (r.GetInt32(0) != 0, r.GetInt32(1), r.GetInt32(2)) : (true, 0, 0);
    }

    private long Insert(SqliteTransaction tx, ulong participant, string direction, string definition, string msgId, string? originalMsgId, ulong atNs, byte[] body)
    {
        if (_insert is null)
        {
            _insert = _connection.CreateCommand();
            _insert.CommandText = """
                INSERT INTO messages (participant, direction, definition, msg_id, original_msg_id, at_ns, body, body_encoding, body_bytes)
                VALUES ($participant, $direction, $definition, $msg, $original, $at, $body, $encoding, $bytes) RETURNING id
                """;
            foreach (string name in (string[])["$participant", "$direction", "$definition", "$msg", "$original", "$at", "$body", "$encoding", "$bytes"])
                _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        _insert.Transaction = tx;
        SqliteParameterCollection p = _insert.Parameters;
        p[0].Value = (long)participant;
        p[1].Value = direction;
        p[2].Value = definition;
        p[3].Value = msgId;
        p[4].Value = (object?)originalMsgId ?? DBNull.Value;
        p[5].Value = (long)atNs;
        (byte[] stored, BodyEncoding encoding) = Encode(body);
        Interlocked.Add(ref _receivedBytes, body.Length);
        Interlocked.Add(ref _storedBytes, stored.Length);
        p[6].Value = stored;
        p[7].Value = (long)encoding;
        p[8].Value = (long)body.Length;
        return (long)_insert.ExecuteScalar()!;
    }

    /// <summary>Bytes of the bodies archived by this process as they were sent (a rolled-back transaction's too: a metric, not an account).</summary>
    public long ReceivedBytes => Interlocked.Read(ref _receivedBytes);
    private long _receivedBytes;

    /// <summary>Bytes those bodies took as stored (compressed or not).</summary>
    public long StoredBytes => Interlocked.Read(ref _storedBytes);
    private long _storedBytes;

    /// <summary>Frames the write-ahead log held at the checkpointer's last pass (0 before the first).</summary>
    public int LogFrames => Volatile.Read(ref _logFrames);
    private int _logFrames;

    /// <summary>How a body is stored: as it came, or compressed with zlib (RFC 1950).</summary>
    public enum BodyEncoding
    {
        AsReceived = 0,
        Zlib = 1,
    }

    /// <summary>
    /// Bodies shorter than this are kept as they came: starting a compressor costs ≈ 25 µs whatever it then compresses, more
    /// than SQLite takes to write a message of one transaction (3–6 KB; measured: one-transaction pacs.008s at 16 connections
    /// compressed from 512 bytes took 204–249 CPU-µs a message against 190–199 kept as they came).
    /// </summary>
    public const int CompressFromBytes = 16 * 1024;

    private readonly MemoryStream _compressed = new(); // the writer thread's, reused

    /// <summary>The bytes to store for <paramref name="body"/>: compressed when that saves at least a tenth, else the body itself.</summary>
    private (byte[] Stored, BodyEncoding Encoding) Encode(byte[] body)
    {
        if (body.Length < CompressFromBytes) return (body, BodyEncoding.AsReceived);
        _compressed.SetLength(0);
        using (var z = new ZLibStream(_compressed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(body);
        return _compressed.Length <= body.Length - body.Length / 10 ? (_compressed.ToArray(), BodyEncoding.Zlib) : (body, BodyEncoding.AsReceived);
    }

    /// <summary>The bytes as received from what is stored; a body that does not decode to its recorded length is damage (<see cref="InvalidDataException"/>).</summary>
    private static byte[] Decode(byte[] stored, long encoding, long? bytes, long id)
    {
        switch ((BodyEncoding)encoding)
        {
            case BodyEncoding.AsReceived:
                return stored;
            case BodyEncoding.Zlib:
                if (bytes is not (>= 0 and <= int.MaxValue)) throw new InvalidDataException($"archived message {id}: compressed without its length");
                var body = new byte[bytes.Value];
                try
                {
                    using var z = new ZLibStream(new MemoryStream(stored), CompressionMode.Decompress);
                    z.ReadExactly(body);
                    if (z.ReadByte() != -1) throw new InvalidDataException($"archived message {id}: longer than its recorded {bytes} bytes");
                }
                catch (EndOfStreamException) { throw new InvalidDataException($"archived message {id}: shorter than its recorded {bytes} bytes"); }
                catch (InvalidDataException e) when (!e.Message.StartsWith("archived message", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"archived message {id}: its compressed body is damaged ({e.Message})", e);
                }
                return body;
            default:
                throw new InvalidDataException($"archived message {id}: body encoding {encoding} is not one this node reads");
        }
    }

    /// <summary>
    /// The messages of a message id sent by one of <paramref name="senders"/>: the message itself and the answers to it, oldest first.
    /// </summary>
    public IReadOnlyList<ArchivedMessage> Find(string msgId, IReadOnlyCollection<ulong> senders)
    {
        var found = new List<ArchivedMessage>();
        lock (_gate)
        {
            using SqliteCommand c = _connection.CreateCommand();
            c.CommandText = $"""
                SELECT id, participant, direction, definition, msg_id, original_msg_id, at_ns, coalesce(body_bytes, length(body)) FROM messages
                WHERE (msg_id = $msg OR original_msg_id = $msg) ORDER BY id LIMIT {MaxListed * 4}
                """;
            c.Parameters.AddWithValue("$msg", msgId);
            using SqliteDataReader r = c.ExecuteReader();
            while (r.Read() && found.Count < MaxListed)
            {
                var m = new ArchivedMessage(r.GetInt64(0), (ulong)r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetString(5), (ulong)r.GetInt64(6), r.GetInt32(7));
                if (senders.Contains(m.Participant)) found.Add(m);
            }
        }
        return found;
    }

    /// <summary>One message's record and bytes, or null.</summary>
    public (ArchivedMessage Message, byte[] Body)? Get(long id)
    {
        lock (_gate)
        {
            using SqliteCommand c = _connection.CreateCommand();
            c.CommandText = """
                SELECT id, participant, direction, definition, msg_id, original_msg_id, at_ns, coalesce(body_bytes, length(body)), body, body_encoding, body_bytes
                FROM messages WHERE id = $id
                """;
            c.Parameters.AddWithValue("$id", id);
            using SqliteDataReader r = c.ExecuteReader();
            if (!r.Read()) return null;
            byte[] body = Decode((byte[])r.GetValue(8), r.GetInt64(9), r.IsDBNull(10) ? null : r.GetInt64(10), id);
            return (new ArchivedMessage(r.GetInt64(0), (ulong)r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), (ulong)r.GetInt64(6), r.GetInt32(7)), body);
        }
    }

    private bool HasColumn(string table, string column)
    {
        using SqliteCommand c = _connection.CreateCommand();
        c.CommandText = $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = $column";
        c.Parameters.AddWithValue("$column", column);
        return (long)c.ExecuteScalar()! > 0;
    }

    private void Execute(string sql)
    {
        using SqliteCommand c = _connection.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (!_waiting.Writer.TryComplete()) return; // disposed before
        _writer?.Join(); // what is waiting is written first
        _stopping.Set();
        _checkpointer?.Join();
        _stopping.Dispose();
        lock (_gate)
        {
            _insert?.Dispose();
            _finish?.Dispose();
            _connection.Dispose();
            _compressed.Dispose();
        }
    }
}
