using Corridor.Server.Messages;
using CsCheck;
using Microsoft.Data.Sqlite;

namespace Corridor.Server.Tests;

/// <summary>
/// The message archive keeps every message byte for byte: a large one compressed, a small or incompressible one as it came,
/// an archive written before compression read as it is — and a stored body that no longer decodes is reported, never
/// returned as other bytes.
/// </summary>
public sealed class MessageArchiveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corridor-archive-").FullName;
    private string DbPath => Path.Combine(_dir, "messages.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An ISO-looking body of about <paramref name="bytes"/> bytes: repeated tags around varying values, as real messages are.</summary>
    private static byte[] Xml(int bytes, int seed)
    {
        var random = new Random(seed);
        var s = new System.Text.StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document>");
        while (s.Length < bytes)
            s.Append("<CdtTrfTxInf><PmtId><TxId>TX-").Append(random.Next()).Append("</TxId><UETR>").Append(Guid.NewGuid())
             .Append("</UETR></PmtId><IntrBkSttlmAmt Ccy=\"EUR\">").Append(random.Next(1, 1_000_000)).Append(".00</IntrBkSttlmAmt><Dbtr><Nm>Müller ")
             .Append(random.Next(1000)).Append("</Nm></Dbtr></CdtTrfTxInf>");
        return System.Text.Encoding.UTF8.GetBytes(s.Append("</Document>").ToString());
    }

    private (long Encoding, long Stored, long? Bytes) StoredRow(long id)
    {
        using var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        c.Open();
        using SqliteCommand q = c.CreateCommand();
        q.CommandText = "SELECT body_encoding, length(body), body_bytes FROM messages WHERE id = $id";
        q.Parameters.AddWithValue("$id", id);
        using SqliteDataReader r = q.ExecuteReader();
        Assert.True(r.Read());
        return (r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2));
    }

    [Theory]
    [InlineData("junk")] // not a database at all
    [InlineData("damaged")] // a real archive whose schema page was overwritten
    public void An_archive_file_that_cannot_be_opened_is_refused_with_its_path_and_what_to_do(string damage)
    {
        if (damage == "junk") File.WriteAllBytes(DbPath, [.. Enumerable.Range(0, 16384).Select(i => (byte)(i * 31 + 7))]);
        else
        {
            using (MessageArchive.Open(DbPath)) { }
            using (FileStream f = File.OpenWrite(DbPath)) { f.Position = 100; f.Write(Enumerable.Repeat((byte)0xFF, 200).ToArray()); }
        }
        var e = Assert.Throws<MessageArchiveUnreadableException>(() => MessageArchive.Open(DbPath));
        Assert.IsAssignableFrom<IOException>(e); // corridor run: "cannot start", exit 4
        Assert.Contains(DbPath, e.Message);
        Assert.Contains("restore it from the data directory's backup, or move it aside", e.Message);
        Assert.IsType<SqliteException>(e.InnerException);
    }

    [Fact]
    public async Task Every_body_is_read_back_byte_for_byte_and_a_large_one_is_stored_compressed()
    {
        byte[] large = Xml(120_000, 1), answer = Xml(30_000, 2), small = Xml(3_000, 3);
        byte[] noise = new byte[40_000];
        new Random(4).NextBytes(noise); // does not compress: kept as it came
        long largeId, smallId, noiseId;
        using (MessageArchive archive = MessageArchive.Open(DbPath))
        {
            largeId = await archive.AddExchangeAsync(11, "pacs.008.001.09", "MSG-LARGE", large, "pacs.002.001.11", "ANS-LARGE", answer, 1);
            smallId = await archive.AddExchangeAsync(11, "pacs.008.001.09", "MSG-SMALL", small, null, null, [], 2);
            noiseId = await archive.AddExchangeAsync(11, "pacs.008.001.09", "MSG-NOISE", noise, null, null, [], 3);
            Assert.Equal(large, archive.Get(largeId)!.Value.Body);
            Assert.Equal(small, archive.Get(smallId)!.Value.Body);
            Assert.Equal(noise, archive.Get(noiseId)!.Value.Body);
            IReadOnlyList<ArchivedMessage> exchange = archive.Find("MSG-LARGE", [11]);
            Assert.Equal([large.Length, answer.Length], exchange.Select(m => m.Bytes)); // the length as sent, not as stored
            Assert.Equal(answer, archive.Get(exchange[1].Id)!.Value.Body);
        }
        (long encoding, long stored, long? bytes) = StoredRow(largeId);
        Assert.Equal((long)MessageArchive.BodyEncoding.Zlib, encoding);
        Assert.Equal(large.Length, bytes);
        Assert.True(stored < large.Length / 3, $"{stored} bytes stored for {large.Length}");
        Assert.Equal(((long)MessageArchive.BodyEncoding.AsReceived, (long)small.Length, (long?)small.Length), StoredRow(smallId));
        Assert.Equal(((long)MessageArchive.BodyEncoding.AsReceived, (long)noise.Length, (long?)noise.Length), StoredRow(noiseId));
        using (MessageArchive reopened = MessageArchive.Open(DbPath))
            Assert.Equal(large, reopened.Get(largeId)!.Value.Body);
    }

    [Fact]
    public async Task Bodies_of_any_size_and_content_round_trip()
    {
        using MessageArchive archive = MessageArchive.Open(DbPath);
        Gen<(int Bytes, int Seed, bool Random)> gen = Gen.Select(Gen.Int[0, 70_000], Gen.Int, Gen.Bool);
        await gen.SampleAsync(async x =>
        {
            byte[] body = new byte[x.Bytes];
            if (x.Random) new Random(x.Seed).NextBytes(body);
            else Xml(x.Bytes, x.Seed).AsSpan(0, x.Bytes).CopyTo(body);
            string msgId = Guid.NewGuid().ToString("N"); // samples run on several threads: each its own message
            long id = await archive.AddExchangeAsync(7, "pacs.008.001.09", msgId, body, null, null, [], 1);
            Assert.Equal(body, archive.Get(id)!.Value.Body);
            Assert.Equal(body.Length, archive.Find(msgId, [7]).Single().Bytes);
        }, iter: 60);
    }

    [Fact]
    public async Task An_archive_from_before_compression_opens_and_its_messages_read_as_they_were()
    {
        byte[] old = Xml(50_000, 9);
        using (var c = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            c.Open();
            using SqliteCommand create = c.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY, participant INTEGER NOT NULL, direction TEXT NOT NULL, definition TEXT NOT NULL,
                    msg_id TEXT NOT NULL, original_msg_id TEXT, at_ns INTEGER NOT NULL, body BLOB NOT NULL);
                INSERT INTO messages (participant, direction, definition, msg_id, original_msg_id, at_ns, body)
                VALUES (11, 'in', 'pacs.008.001.09', 'OLD-1', NULL, 5, $body);
                """;
            create.Parameters.AddWithValue("$body", old);
            create.ExecuteNonQuery();
        }
        using MessageArchive archive = MessageArchive.Open(DbPath);
        ArchivedMessage found = archive.Find("OLD-1", [11]).Single();
        Assert.Equal(old.Length, found.Bytes);
        Assert.Equal(old, archive.Get(found.Id)!.Value.Body);
        byte[] fresh = Xml(50_000, 10);
        long id = await archive.AddExchangeAsync(11, "pacs.008.001.09", "NEW-1", fresh, null, null, [], 6);
        Assert.Equal(fresh, archive.Get(id)!.Value.Body);
        Assert.Equal((long)MessageArchive.BodyEncoding.Zlib, StoredRow(id).Encoding);
        Assert.Equal(((long)MessageArchive.BodyEncoding.AsReceived, (long)old.Length, (long?)null), StoredRow(found.Id));
    }

    [Theory]
    [InlineData("body_bytes = body_bytes + 1")] // decodes to fewer bytes than recorded
    [InlineData("body_bytes = body_bytes - 1")] // to more
    [InlineData("body = substr(body, 1, length(body) / 2)")] // cut short
    [InlineData("body = zeroblob(length(body))")] // not zlib at all
    [InlineData("body_encoding = 7")] // an encoding this node does not know
    public async Task A_stored_body_that_does_not_decode_to_its_recorded_length_is_reported_not_returned(string damage)
    {
        long id;
        using (MessageArchive archive = MessageArchive.Open(DbPath))
            id = await archive.AddExchangeAsync(11, "pacs.008.001.09", "MSG-1", Xml(60_000, 5), null, null, [], 1);
        using (var c = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            c.Open();
            using SqliteCommand update = c.CreateCommand();
            update.CommandText = $"UPDATE messages SET {damage} WHERE id = $id";
            update.Parameters.AddWithValue("$id", id);
            Assert.Equal(1, update.ExecuteNonQuery());
        }
        using (MessageArchive archive = MessageArchive.Open(DbPath))
            Assert.Contains($"archived message {id}", Assert.Throws<InvalidDataException>(() => archive.Get(id)).Message);
    }

    /// <summary>
    /// Writers that never pause (so a passive checkpoint alone never catches up), ≈ 29 MB of bodies; returns the largest
    /// the log's file got, the body bytes written and how often the log started over.
    /// </summary>
    private async Task<(long LargestLog, long Written, int Restarts)> SteadyWrites(string path, int restartFrames)
    {
        string wal = path + "-wal";
        long largest = 0, written = 0;
        var ids = new List<(long Id, byte[] Body)>();
        int restarts;
        using (MessageArchive archive = MessageArchive.Open(path, restartFrames, TimeSpan.FromMilliseconds(20)))
        {
            for (int round = 0; round < 400; round++)
            {
                var pending = new Task<long>[16];
                var bodies = new byte[pending.Length][];
                for (int k = 0; k < pending.Length; k++)
                {
                    bodies[k] = Xml(3_500, round * 100 + k);
                    pending[k] = archive.AddExchangeAsync(11, "pacs.008.001.09", $"M-{round}-{k}", bodies[k], "pacs.002.001.11", $"A-{round}-{k}", bodies[k][..900], 1);
                    written += bodies[k].Length + 900;
                }
                for (int k = 0; k < pending.Length; k++) ids.Add((await pending[k], bodies[k]));
                if (File.Exists(wal)) largest = Math.Max(largest, new FileInfo(wal).Length);
            }
            restarts = archive.Restarts;
            foreach ((long id, byte[] body) in ids.Where((_, i) => i % 97 == 0)) Assert.Equal(body, archive.Get(id)!.Value.Body);
        }
        using MessageArchive reopened = MessageArchive.Open(path);
        Assert.Equal(ids[^1].Body, reopened.Get(ids[^1].Id)!.Value.Body);
        Assert.Equal(2, reopened.Find("M-399-15", [11]).Count); // the message and its answer
        return (largest, written, restarts);
    }

    [Fact]
    public async Task Under_steady_writes_the_write_ahead_log_starts_over_instead_of_growing()
    {
        (long largest, long written, int restarts) = await SteadyWrites(DbPath, restartFrames: 64); // 256 KiB
        Assert.True(restarts > 0, "the log never started over");
        // Only passive checkpoints (a threshold never reached): the log holds everything written, and more (index pages).
        (long growing, long writtenToo, int none) = await SteadyWrites(Path.Combine(_dir, "passive.db"), restartFrames: int.MaxValue);
        Assert.Equal(0, none);
        Assert.True(growing > writtenToo, $"passive checkpoints only: the log's file reached {growing} bytes for {writtenToo} written");
        Assert.True(largest < growing * 3 / 4, $"the log's file reached {largest} bytes for {written} written ({growing} without restarts)");
    }
}
