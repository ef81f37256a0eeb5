using System.Buffers.Binary;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Corridor.Storage.ReadModel;

/// <summary>The embedded read model: one SQLite file (default <c>&lt;data&gt;/readmodel.db</c>) in WAL mode.</summary>
public sealed class SqliteReadModel : SqlReadModel
{
    private SqliteReadModel(SqliteConnection connection) : base(connection) { }

    // The bulk rows (transfers, balances) go through SQLite's C API: statements prepared once, values bound by
    // index straight from the row (ids from a stack buffer), no ADO.NET parameter objects or boxing per value.
    private sqlite3_stmt? _insertTransfer, _upsertAccount, _upsertPayment;

    private sqlite3_stmt Prepare(string sql)
    {
        sqlite3 db = ((SqliteConnection)Connection).Handle!;
        int rc = raw.sqlite3_prepare_v2(db, sql, out sqlite3_stmt statement);
        if (rc != raw.SQLITE_OK) throw new SqliteException($"prepare failed: {raw.sqlite3_errmsg(db).utf8_to_string()}", rc);
        return statement;
    }

    private void Step(sqlite3_stmt statement)
    {
        int rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
            throw new SqliteException($"read model write failed: {raw.sqlite3_errmsg(((SqliteConnection)Connection).Handle!).utf8_to_string()}", rc);
    }

    private static void BindId(sqlite3_stmt statement, int index, UInt128 id)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, id);
        raw.sqlite3_bind_blob(statement, index, bytes);
    }

    protected override void WriteTransfers(List<TransferRow> transfers, DbTransaction tx)
    {
        _insertTransfer ??= Prepare(TransferInsertColumns + "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
        sqlite3_stmt s = _insertTransfer;
        foreach (TransferRow t in transfers)
        {
            BindId(s, 1, t.Id); BindId(s, 2, t.DebitAccountId); BindId(s, 3, t.CreditAccountId);
            raw.sqlite3_bind_int64(s, 4, t.AmountMinor); BindId(s, 5, t.PendingId); raw.sqlite3_bind_int64(s, 6, t.Ledger);
            raw.sqlite3_bind_int64(s, 7, t.Code); raw.sqlite3_bind_int64(s, 8, t.Flags); raw.sqlite3_bind_int64(s, 9, (long)t.TimestampNs);
            BindId(s, 10, t.UserData128); raw.sqlite3_bind_int64(s, 11, (long)t.UserData64); raw.sqlite3_bind_int64(s, 12, t.UserData32);
            raw.sqlite3_bind_int64(s, 13, t.TimeoutSeconds);
            Step(s);
        }
    }

    protected override void WriteAccounts(List<AccountRow> accounts, DbTransaction tx)
    {
        _upsertAccount ??= Prepare(AccountUpsertSql);
        sqlite3_stmt s = _upsertAccount;
        foreach (AccountRow a in accounts)
        {
            BindId(s, 1, a.Id); raw.sqlite3_bind_int64(s, 2, a.Ledger); raw.sqlite3_bind_int64(s, 3, (long)a.Participant);
            raw.sqlite3_bind_int64(s, 4, a.Code); raw.sqlite3_bind_int64(s, 5, a.Flags); raw.sqlite3_bind_int64(s, 6, a.DebitsPendingMinor);
            raw.sqlite3_bind_int64(s, 7, a.DebitsPostedMinor); raw.sqlite3_bind_int64(s, 8, a.CreditsPendingMinor);
            raw.sqlite3_bind_int64(s, 9, a.CreditsPostedMinor); raw.sqlite3_bind_int64(s, 10, (long)a.TimestampNs);
            Step(s);
        }
    }

    /// <summary>Binds text as UTF-16 (SQLite converts it to the database's UTF-8 itself: no string is encoded or allocated here).</summary>
    private static void BindText(sqlite3_stmt statement, int index, string text) => raw.sqlite3_bind_text16(statement, index, text.AsSpan());

    /// <summary>Binds text, or NULL when it is null or empty (the optional references and accounts: NULL keeps them out of the lookups).</summary>
    private static void BindOptionalText(sqlite3_stmt statement, int index, string? text)
    {
        if (string.IsNullOrEmpty(text)) raw.sqlite3_bind_null(statement, index);
        else BindText(statement, index, text);
    }

    /// <summary>Binds a 128-bit id, or NULL when it is zero (a payment without a lock or a leg yet).</summary>
    private static void BindOptionalId(sqlite3_stmt statement, int index, UInt128 id)
    {
        if (id == 0) raw.sqlite3_bind_null(statement, index);
        else BindId(statement, index, id);
    }

    // Parameters by number, in the order PaymentUpsertSql names them (the order of PaymentRow).
    protected override void WritePayments(List<PaymentRow> payments, DbTransaction tx)
    {
        _upsertPayment ??= Prepare(PaymentUpsertSql);
        sqlite3_stmt s = _upsertPayment;
        foreach (PaymentRow p in payments)
        {
            BindId(s, 1, p.PaymentId); BindText(s, 2, p.Kind); BindText(s, 3, p.Status); BindText(s, 4, p.Reason);
            raw.sqlite3_bind_int64(s, 5, (long)p.Payer); raw.sqlite3_bind_int64(s, 6, (long)p.Payee); raw.sqlite3_bind_int64(s, 7, p.Ledger);
            raw.sqlite3_bind_int64(s, 8, p.AmountMinor); raw.sqlite3_bind_int64(s, 9, p.DestinationLedger); raw.sqlite3_bind_int64(s, 10, p.DestinationAmountMinor);
            BindOptionalId(s, 11, p.LockId); BindOptionalId(s, 12, p.SourceLegTransferId); BindOptionalId(s, 13, p.DestinationLegTransferId);
            BindText(s, 14, p.InvoiceNumber); BindText(s, 15, p.LetterOfCreditReference); BindText(s, 16, p.ContractReference);
            BindText(s, 17, p.OriginatorName); BindText(s, 18, p.BeneficiaryName);
            raw.sqlite3_bind_int64(s, 19, (long)p.SubmittedAtNs); raw.sqlite3_bind_int64(s, 20, (long)p.FinalAtNs); raw.sqlite3_bind_int64(s, 21, p.BusinessDate);
            BindText(s, 22, p.Priority); BindText(s, 23, p.PaymentKind);
            raw.sqlite3_bind_int64(s, 24, (long)p.EarliestNs); raw.sqlite3_bind_int64(s, 25, (long)p.LatestNs); raw.sqlite3_bind_int64(s, 26, (long)p.WindowId);
            BindOptionalText(s, 27, p.MsgId); BindOptionalText(s, 28, p.InstrId); BindOptionalText(s, 29, p.EndToEndId);
            BindOptionalText(s, 30, p.TxId); BindOptionalText(s, 31, p.Uetr);
            BindOptionalText(s, 32, p.OriginatorAccount); BindOptionalText(s, 33, p.BeneficiaryAccount);
            BindOptionalText(s, 34, p.PayerBic); BindOptionalText(s, 35, p.PayeeBic);
            BindText(s, 36, PartyNames(p.OriginatorName, p.BeneficiaryName));
            Step(s);
        }
    }

    protected override void OnDispose()
    {
        _insertTransfer?.Dispose();
        _upsertAccount?.Dispose();
        _upsertPayment?.Dispose();
    }

    protected override string IdType => "BLOB";
    protected override string IntType => "INTEGER";
    protected override string TextType => "TEXT";

    /// <summary>Opens (creating if missing) the read model in <paramref name="path"/>.</summary>
    public static SqliteReadModel Open(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        try
        {
            connection.Open();
            using (SqliteCommand pragma = connection.CreateCommand())
            {
                // WAL: readers never block the projector; synchronous=NORMAL is safe in WAL (a crash loses at most the
                // last transactions, and the stored position goes back with them: the projector redoes those batches).
                // cache_size: 64 MiB of pages (the transfer indexes are inserted at random account positions), temp in memory.
                // wal_autocheckpoint: checkpoint (and fsync) every 16,384 pages (64 MiB) rather than 1,000, so the read
                // model's fsyncs come rarely and seldom queue behind or ahead of the journal's on the same disk.
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 16384;";
                pragma.ExecuteNonQuery();
            }
            var model = new SqliteReadModel(connection);
            model.CreateSchema();
            return model;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
