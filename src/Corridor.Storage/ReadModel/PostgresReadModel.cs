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

    protected override void WriteTransfers(List<TransferRow> transfers, DbTransaction tx)
    {
        var connection = (NpgsqlConnection)Connection;
        using NpgsqlBinaryImporter copy = connection.BeginBinaryImport(
            "COPY transfers (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, flags, timestamp_ns) FROM STDIN (FORMAT BINARY)");
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
        }
        copy.Complete();
    }
}
