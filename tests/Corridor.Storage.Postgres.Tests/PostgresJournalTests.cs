using System.Security.Cryptography;
using Corridor.Storage.Journal;
using Npgsql;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>PostgresJournal against a real server: append, read, reopen, and refusal of a broken chain.</summary>
public sealed class PostgresJournalTests(PostgresFixture pg)
{
    private static byte[] Body(long sequence, int bytes)
    {
        var body = new byte[bytes];
        new Random((int)sequence).NextBytes(body);
        return body;
    }

    [Fact]
    public void Appended_batches_read_back_in_order_with_the_file_journal_chain()
    {
        string db = pg.CreateDatabase();
        using var dir = new TempDirectory();
        using var file = FileJournal.Open(dir.Path);
        using var journal = PostgresJournal.Open(db);
        Assert.Equal(0, journal.LastSequence);
        Assert.Equal(new byte[32], journal.LastHash);
        for (long s = 1; s <= 20; s++)
        {
            byte[] body = Body(s, (int)(s * 997 % 5000));
            journal.Append(s, (ulong)s * 1000, body);
            file.Append(s, (ulong)s * 1000, body);
            Assert.Equal(file.LastHash, journal.LastHash); // the same chain, byte for byte
        }
        List<JournalBatch> all = journal.Read(0).ToList();
        Assert.Equal(20, all.Count);
        List<JournalBatch> fromFile = file.Read(0).ToList();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i + 1, all[i].Sequence);
            Assert.Equal(fromFile[i].Body, all[i].Body);
            Assert.Equal(fromFile[i].Hash, all[i].Hash);
            Assert.Equal(fromFile[i].PreviousHash, all[i].PreviousHash);
            Assert.Equal(fromFile[i].TimestampNs, all[i].TimestampNs);
        }
        Assert.Equal([16L, 17, 18, 19, 20], journal.Read(15).Select(b => b.Sequence));
        Assert.Empty(journal.Read(20));
    }

    [Fact]
    public void Reopen_recovers_last_sequence_and_hash_and_continues_the_chain()
    {
        string db = pg.CreateDatabase();
        byte[] hash;
        using (var journal = PostgresJournal.Open(db))
        {
            for (long s = 1; s <= 5; s++) journal.Append(s, (ulong)s, Body(s, 100));
            hash = journal.LastHash;
        }
        using (var journal = PostgresJournal.Open(db))
        {
            Assert.Equal(5, journal.LastSequence);
            Assert.Equal(hash, journal.LastHash);
            Assert.Equal(5, journal.VerifiedBatches);
            journal.Append(6, 6, Body(6, 100));
            Assert.Throws<InvalidOperationException>(() => journal.Append(8, 8, Body(8, 1)));
        }
        using (var journal = PostgresJournal.OpenReadOnly(db))
        {
            Assert.Equal(6, journal.LastSequence);
            Assert.Equal(6, journal.Read(0).Count());
            Assert.Throws<InvalidOperationException>(() => journal.Append(7, 7, Body(7, 1)));
        }
    }

    [Fact]
    public void A_second_writer_is_refused()
    {
        string db = pg.CreateDatabase();
        using var first = PostgresJournal.Open(db);
        Assert.Throws<JournalLeaseHeldException>(() => PostgresJournal.Open(db)); // its lease runs: see FencingTests
    }

    [Fact]
    public void Large_batches_round_trip()
    {
        string db = pg.CreateDatabase();
        using var journal = PostgresJournal.Open(db);
        byte[] body = Body(1, 4 * 1024 * 1024);
        journal.Append(1, 1, body);
        Assert.Equal(body, journal.Read(0).Single().Body);
    }

    public static TheoryData<string, string> Damage => new()
    {
        { "body changed", "UPDATE journal SET body = body || '\\x00'::bytea WHERE sequence = 3" },
        { "previous hash changed", "UPDATE journal SET previous_hash = hash WHERE sequence = 3" },
        { "timestamp changed", "UPDATE journal SET timestamp_ns = timestamp_ns + 1 WHERE sequence = 3" },
        { "body hash changed", "UPDATE journal SET body_sha256 = previous_hash WHERE sequence = 3" },
        { "gap", "DELETE FROM journal WHERE sequence = 3" },
        { "batch removed at the start", "DELETE FROM journal WHERE sequence = 1" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public void A_broken_chain_refuses_to_open(string what, string sql)
    {
        string db = pg.CreateDatabase();
        using (var journal = PostgresJournal.Open(db))
            for (long s = 1; s <= 5; s++) journal.Append(s, (ulong)s, Body(s, 64));
        Exec(db, sql);
        // A longer body changes the length in the rebuilt header; every other change breaks a hash or the sequence.
        var ex = Assert.Throws<JournalCorruptException>(() => PostgresJournal.Open(db));
        Assert.Contains(what == "batch removed at the start" ? "batch 1" : "batch 3", ex.Message);
    }

    [Fact]
    public void A_body_swapped_for_one_of_equal_length_is_caught_when_read()
    {
        string db = pg.CreateDatabase();
        using (var journal = PostgresJournal.Open(db))
            for (long s = 1; s <= 5; s++) journal.Append(s, (ulong)s, Body(s, 64));
        Exec(db, "UPDATE journal SET body = (SELECT body FROM journal WHERE sequence = 2) WHERE sequence = 4");
        using var reopened = PostgresJournal.Open(db); // the header chain alone still holds
        var e = Assert.Throws<JournalCorruptException>(() => reopened.Read(0).ToList());
        Assert.Contains("batch 4", e.Message);
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void Rows_hold_the_documented_hashes()
    {
        string db = pg.CreateDatabase();
        byte[] body = Body(1, 300);
        using (var journal = PostgresJournal.Open(db)) journal.Append(1, 42, body);
        using var c = new NpgsqlConnection(db);
        c.Open();
        using var cmd = new NpgsqlCommand("SELECT body_sha256, previous_hash, hash FROM journal", c);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(SHA256.HashData(body), (byte[])r[0]);
        Assert.Equal(new byte[32], (byte[])r[1]);
        var header = new byte[BatchRecord.HeaderBytes];
        BatchRecord.Write(header, 1, 42, body, new byte[32]);
        Assert.Equal(SHA256.HashData(header), (byte[])r[2]);
    }

    internal static void Exec(string connectionString, string sql)
    {
        using var c = new NpgsqlConnection(connectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }
}
