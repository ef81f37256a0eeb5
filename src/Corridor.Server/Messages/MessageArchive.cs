using Microsoft.Data.Sqlite;

namespace Corridor.Server.Messages;

/// <summary>One archived ISO 20022 message: who sent it (in) or was answered (out), what it is and when.</summary>
public sealed record ArchivedMessage(long Id, ulong Participant, string Direction, string Definition, string MsgId, string? OriginalMsgId, ulong AtNs, int Bytes);

/// <summary>
/// The ISO 20022 messages this node received on <c>POST /v1/iso20022</c> and the answers it sent, byte for byte, in
/// <c>&lt;data&gt;/messages.db</c> (SQLite, WAL). The journal keeps the commands a message became, not its bytes; the archive
/// keeps the bytes, so an operator or a party can read the very message a payment came in and the status report that
/// answered it. Written before the answer is sent; local to the node that received the message (not replicated, not
/// rebuilt from the journal). Thread-safe.
/// </summary>
public sealed class MessageArchive : IDisposable
{
    /// <summary>Most messages one lookup returns (a payment has its message and its answer; a retried one a few more).</summary>
    public const int MaxListed = 100;

    public const string In = "in", Out = "out";

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private MessageArchive(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (creating if missing) the archive at <paramref name="path"/>.</summary>
    public static MessageArchive Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        var archive = new MessageArchive(connection);
        archive.Execute("PRAGMA journal_mode = WAL");
        archive.Execute("PRAGMA synchronous = NORMAL");
        archive.Execute("""
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY, participant INTEGER NOT NULL, direction TEXT NOT NULL, definition TEXT NOT NULL,
                msg_id TEXT NOT NULL, original_msg_id TEXT, at_ns INTEGER NOT NULL, body BLOB NOT NULL)
            """);
        archive.Execute("CREATE INDEX IF NOT EXISTS messages_by_msg_id ON messages (msg_id)");
        archive.Execute("CREATE INDEX IF NOT EXISTS messages_by_original ON messages (original_msg_id)");
        return archive;
    }

    /// <summary>Keeps one message; returns its archive id.</summary>
    public long Add(ulong participant, string direction, string definition, string msgId, string? originalMsgId, ulong atNs, ReadOnlySpan<byte> body)
    {
        lock (_gate)
        {
            using SqliteCommand c = _connection.CreateCommand();
            c.CommandText = """
                INSERT INTO messages (participant, direction, definition, msg_id, original_msg_id, at_ns, body)
                VALUES ($participant, $direction, $definition, $msg, $original, $at, $body) RETURNING id
                """;
            c.Parameters.AddWithValue("$participant", (long)participant);
            c.Parameters.AddWithValue("$direction", direction);
            c.Parameters.AddWithValue("$definition", definition);
            c.Parameters.AddWithValue("$msg", msgId);
            c.Parameters.AddWithValue("$original", (object?)originalMsgId ?? DBNull.Value);
            c.Parameters.AddWithValue("$at", (long)atNs);
            c.Parameters.AddWithValue("$body", body.ToArray());
            return (long)c.ExecuteScalar()!;
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
                SELECT id, participant, direction, definition, msg_id, original_msg_id, at_ns, length(body) FROM messages
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
            c.CommandText = "SELECT id, participant, direction, definition, msg_id, original_msg_id, at_ns, length(body), body FROM messages WHERE id = $id";
            c.Parameters.AddWithValue("$id", id);
            using SqliteDataReader r = c.ExecuteReader();
            if (!r.Read()) return null;
            return (new ArchivedMessage(r.GetInt64(0), (ulong)r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), (ulong)r.GetInt64(6), r.GetInt32(7)), (byte[])r.GetValue(8));
        }
    }

    private void Execute(string sql)
    {
        using SqliteCommand c = _connection.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (_gate) _connection.Dispose();
    }
}
