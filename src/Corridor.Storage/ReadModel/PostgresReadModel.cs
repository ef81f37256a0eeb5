using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Corridor.Storage.ReadModel;

/// <summary>The production read model: the same tables in a PostgreSQL database; transfers are loaded with binary COPY.</summary>
public sealed class PostgresReadModel : SqlReadModel
{
    private PostgresReadModel(NpgsqlConnection connection) : base(connection) { }

    protected override string IdType => "bytea";
    protected override string IntType => "bigint";
    protected override string TextType => "text";

    public static PostgresReadModel Open(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            var model = new PostgresReadModel(connection);
            model.CreateSchema();
            return model;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>All changed accounts in one round trip: arrays unnested into an upsert.</summary>
    protected override void WriteAccounts(List<AccountRow> accounts, DbTransaction tx)
    {
        int n = accounts.Count;
        var ids = new byte[n][];
        long[] ledger = new long[n], participant = new long[n], code = new long[n], flags = new long[n],
            dp = new long[n], dpo = new long[n], cp = new long[n], cpo = new long[n], ts = new long[n];
        for (int i = 0; i < n; i++)
        {
            AccountRow a = accounts[i];
            ids[i] = StoredId.ToBytes(a.Id); ledger[i] = a.Ledger; participant[i] = (long)a.Participant; code[i] = a.Code; flags[i] = a.Flags;
            dp[i] = a.DebitsPendingMinor; dpo[i] = a.DebitsPostedMinor; cp[i] = a.CreditsPendingMinor; cpo[i] = a.CreditsPostedMinor; ts[i] = (long)a.TimestampNs;
        }
        using var c = new NpgsqlCommand("""
            INSERT INTO accounts (id, ledger, participant, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, timestamp_ns)
            SELECT * FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
            ON CONFLICT (id) DO UPDATE SET flags = excluded.flags, debits_pending = excluded.debits_pending,
                debits_posted = excluded.debits_posted, credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted
            """, (NpgsqlConnection)Connection, (NpgsqlTransaction)tx);
        c.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = ids });
        foreach (long[] column in (long[][])[ledger, participant, code, flags, dp, dpo, cp, cpo, ts]) c.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = column });
        c.ExecuteNonQuery();
    }

    protected override void WriteTransfers(List<TransferRow> transfers, DbTransaction tx)
    {
        var connection = (NpgsqlConnection)Connection;
        using NpgsqlBinaryImporter copy = connection.BeginBinaryImport(
            "COPY transfers (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, flags, timestamp_ns, user_data_128, user_data_64, user_data_32, timeout_seconds) FROM STDIN (FORMAT BINARY)");
        foreach (TransferRow t in transfers)
        {
            copy.StartRow();
            copy.Write(StoredId.ToBytes(t.Id), NpgsqlDbType.Bytea);
            copy.Write(StoredId.ToBytes(t.DebitAccountId), NpgsqlDbType.Bytea);
            copy.Write(StoredId.ToBytes(t.CreditAccountId), NpgsqlDbType.Bytea);
            copy.Write(t.AmountMinor, NpgsqlDbType.Bigint);
            copy.Write(StoredId.ToBytes(t.PendingId), NpgsqlDbType.Bytea);
            copy.Write((long)t.Ledger, NpgsqlDbType.Bigint);
            copy.Write((long)t.Code, NpgsqlDbType.Bigint);
            copy.Write((long)t.Flags, NpgsqlDbType.Bigint);
            copy.Write((long)t.TimestampNs, NpgsqlDbType.Bigint);
            copy.Write(StoredId.ToBytes(t.UserData128), NpgsqlDbType.Bytea);
            copy.Write((long)t.UserData64, NpgsqlDbType.Bigint);
            copy.Write((long)t.UserData32, NpgsqlDbType.Bigint);
            copy.Write((long)t.TimeoutSeconds, NpgsqlDbType.Bigint);
        }
        copy.Complete();
    }
}
