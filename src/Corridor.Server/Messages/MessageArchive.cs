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
public sealed partial class MessageArchive : IDisposable
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
        MessageArchive archive;
        try
        {
            connection.Open();
            archive = new MessageArchive(connection, restartFrames, checkpointInterval);
            archive.CreateSchema(restartFrames);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new MessageArchiveUnreadableException(path, e);
        }
        archive._writer = new Thread(archive.WriteLoop) { IsBackground = true, Name = "corridor-archive" };
        archive._writer.Start();
        archive._checkpointer = new Thread(() => archive.CheckpointLoop(path)) { IsBackground = true, Name = "corridor-archive-checkpoint" };
        archive._checkpointer.Start();
        return archive;
    }

    /// <summary>The log's settings and the table, created or brought up to date (an archive from before compression).</summary>
    private void CreateSchema(int restartFrames)
    {
        Execute("PRAGMA journal_mode = WAL");
        Execute("PRAGMA synchronous = NORMAL");
        // When the log starts over, its file is cut back to this (it is otherwise reused at the length it once reached).
        Execute($"PRAGMA journal_size_limit = {Math.Min(2L * restartFrames * WalFrameBytes, 1L << 30)}");
        // No checkpoint in the writer's commits (each would stall every request waiting behind it for the copy and the fsync):
        // the checkpointer thread runs them beside the writer on a connection of its own (see CheckpointLoop).
        Execute("PRAGMA wal_autocheckpoint = 0");
        Execute("""
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY, participant INTEGER NOT NULL, direction TEXT NOT NULL, definition TEXT NOT NULL,
                msg_id TEXT NOT NULL, original_msg_id TEXT, at_ns INTEGER NOT NULL, body BLOB NOT NULL,
                body_encoding INTEGER NOT NULL DEFAULT 0, body_bytes INTEGER)
            """);
        // An archive from before compression: its rows are read as they are (encoding 0, their length that of the body).
        if (!HasColumn("messages", "body_encoding"))
        {
            Execute("ALTER TABLE messages ADD COLUMN body_encoding INTEGER NOT NULL DEFAULT 0");
            Execute("ALTER TABLE messages ADD COLUMN body_bytes INTEGER");
        }
        Execute("CREATE INDEX IF NOT EXISTS messages_by_msg_id ON messages (msg_id)");
        Execute("CREATE INDEX IF NOT EXISTS messages_by_original ON messages (original_msg_id)");
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

/// <summary>
/// The message archive's file cannot be opened as an archive (SQLite: damaged, not a database, unreadable). The node refuses
/// to start (<c>corridor run</c>: "cannot start", exit 4) rather than start without the messages it received or over them:
/// the journal keeps what each message became, not the message itself (docs/operations.md, "Message archive").
/// </summary>
public sealed class MessageArchiveUnreadableException(string path, SqliteException inner) : IOException(
    $"the message archive {path} cannot be opened ({inner.Message}). It holds the ISO 20022 messages this node received and " +
    "its answers, which the journal does not: restore it from the data directory's backup, or move it aside to start with an " +
    "empty archive (the moved file stays for inspection with the sqlite3 tool).", inner);
